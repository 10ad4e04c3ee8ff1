// What the commands of the kite tool share (cli.h): reading files, compiling
// them, reporting errors and traps.
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

#include "cli/cli.h"
#include "support/file_io.h"
#include "support/phase_timer.h"

namespace kite::cli {

void report(const std::string& path, const Error& error) {
  std::fprintf(stderr, "kite: %s: %s\n", path.c_str(), error.describe().c_str());
}

Result<api::Module> compile_file(const api::Engine& engine, const std::string& path) {
  if (path.ends_with(".wat") || path.ends_with(".wast")) {
    KITE_TRY_ASSIGN(ByteBuffer bytes, read_file(path));
    phase_timer::mark("read");
    return api::Module::from_text(
        engine, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  return api::Module::from_file(engine, path, /*binary_only=*/path.ends_with(".wasm"));
}

void print_trap(const std::string& path, const Error& error) {
  std::fprintf(stderr, "kite: %s: trap: %s\n", path.c_str(), error.message.c_str());
  // "name @ 0x2c": the function and the module offset of the wasm
  // instruction it was at; a run of identical frames (recursion) is one line.
  std::vector<std::string> frames = error.backtrace;
  for (size_t i = 0; i < frames.size() && i < error.backtrace_offsets.size(); ++i) {
    char at[32];
    std::snprintf(at, sizeof at, " @ 0x%" PRIx64, error.backtrace_offsets[i]);
    if (error.backtrace_offsets[i] != Error::kNoOffset) frames[i] += at;
  }
  for (size_t i = 0; i < frames.size();) {
    size_t run = 1;
    while (i + run < frames.size() && frames[i + run] == frames[i])
      ++run;
    if (run > 1) {
      std::fprintf(stderr, "  %zu-%zu: %s (%zu frames)\n", i, i + run - 1, frames[i].c_str(), run);
    } else {
      std::fprintf(stderr, "  %zu: %s\n", i, frames[i].c_str());
    }
    i += run;
  }
}

void report(const std::string& message) { std::fprintf(stderr, "kite: %s\n", message.c_str()); }

} // namespace kite::cli
