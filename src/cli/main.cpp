// kite: run, validate and inspect WebAssembly modules; run spec scripts.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "cli/cli.h"

namespace kite::cli {

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{std::string("cannot open file: ") + std::strerror(errno)};
  // Reads straight into a buffer of the file's size (a 30 MB module reads in
  // a few ms); what comes past that size (pipes, a growing file) is read in
  // chunks and appended.
  struct stat st {};
  std::vector<uint8_t> bytes;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) bytes.resize(static_cast<size_t>(st.st_size));
  uint8_t chunk[64 * 1024];
  size_t size = 0;
  for (;;) {
    const bool in_place = size < bytes.size();
    const ssize_t n = in_place ? ::read(fd, bytes.data() + size, bytes.size() - size)
                               : ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return Error{std::string("cannot read file: ") + std::strerror(error)};
    }
    if (n == 0) break;
    if (!in_place) bytes.insert(bytes.end(), chunk, chunk + n);
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  bytes.resize(size);
  return bytes;
}

void report(const std::string& path, const Error& error) {
  std::fprintf(stderr, "kite: %s: %s\n", path.c_str(), error.describe().c_str());
}

Result<api::Module> compile_file(const api::Engine& engine, const std::string& path,
                                 std::vector<uint8_t> bytes) {
  if (path.ends_with(".wasm")) return api::Module::from_binary(engine, std::move(bytes));
  if (path.ends_with(".wat") || path.ends_with(".wast")) {
    return api::Module::from_text(
        engine, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  return api::Module::compile(engine, bytes);
}

void print_trap(const std::string& path, const Error& error) {
  std::fprintf(stderr, "kite: %s: trap: %s\n", path.c_str(), error.message.c_str());
  const auto& frames = error.backtrace;
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

namespace {

constexpr const char* kUsage = R"(kite - a fast WebAssembly interpreter

usage: kite <command> [options] [args]

commands:
  run [OPTIONS] FILE [ARGS...]   run a module (.wasm or .wat); see `kite run --help`
  wast FILE...                   run WebAssembly spec scripts, print passed/total per file
  validate FILE...               decode and validate modules
  inspect [OPTIONS] FILE         show sections, imports, exports; --ir FUNC shows kite's IR
  help                           this text
  version                        print the version
)";

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  using namespace kite::cli;
  if (command == "run") return run_command(args);
  if (command == "wast") return wast_command(args);
  if (command == "validate") return validate_command(args);
  if (command == "inspect") return inspect_command(args);
  if (command == "help" || command == "--help" || command == "-h") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "version" || command == "--version" || command == "-V") {
    std::puts("kite 0.1.0");
    return 0;
  }
  report("unknown command '" + command + "' (try `kite help`)");
  return 1;
}
