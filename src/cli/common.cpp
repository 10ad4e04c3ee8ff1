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

namespace kite::cli {

namespace {

// Files from this size on are read by two threads.
constexpr size_t kSplitReadFrom = size_t{8} << 20;

Error read_error() { return Error{std::string("cannot read file: ") + std::strerror(errno)}; }

} // namespace

Result<ByteBuffer> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{std::string("cannot open file: ") + std::strerror(errno)};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    // Straight into a buffer of the file's size (for a large module, one
    // populated mapping: see ByteBuffer), a big file in two halves at once:
    // the copy out of the page cache was half of a 30 MB module's start-up.
    // (Mapping the file would avoid the copy, but a file changed on disk
    // would then change code already validated and not yet translated.)
    const auto size = static_cast<size_t>(st.st_size);
    ByteBuffer bytes =
        ByteBuffer::uninitialized(size, size >= kSplitReadFrom ? ByteBuffer::Faults::OnFirstTouch
                                                               : ByteBuffer::Faults::Populate);
    ssize_t n;
    if (size >= kSplitReadFrom) {
      const size_t half = bytes.size() / 2;
      ssize_t first = 0;
      std::thread helper([&] { first = pread_fully(fd, bytes.data(), half, 0); });
      const ssize_t second = pread_fully(fd, bytes.data() + half, bytes.size() - half, half);
      helper.join();
      n = first < 0 || second < 0              ? -1
          : static_cast<size_t>(first) == half ? first + second
                                               : first;
      if (n >= 0 && ::lseek(fd, static_cast<off_t>(n), SEEK_SET) < 0) n = -1;
    } else {
      n = read_fully(fd, bytes.data(), bytes.size());
    }
    if (n < 0) return read_error();
    uint8_t probe;
    if (static_cast<size_t>(n) == bytes.size() && read_fully(fd, &probe, 1) == 0) return bytes;
    // The file changed size while being read: start over as for a pipe.
    if (::lseek(fd, 0, SEEK_SET) != 0) return read_error();
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[64 * 1024];
  for (;;) {
    const ssize_t n = read_fully(fd, chunk, sizeof chunk);
    if (n < 0) return read_error();
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (static_cast<size_t>(n) < sizeof chunk) break;
  }
  return ByteBuffer(std::move(bytes));
}

void report(const std::string& path, const Error& error) {
  std::fprintf(stderr, "kite: %s: %s\n", path.c_str(), error.describe().c_str());
}

Result<api::Module> compile_file(const api::Engine& engine, const std::string& path,
                                 ByteBuffer bytes) {
  if (path.ends_with(".wasm")) return api::Module::from_binary(engine, std::move(bytes));
  if (path.ends_with(".wat") || path.ends_with(".wast")) {
    return api::Module::from_text(
        engine, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  // Any other name (a multi-call binary's `clang` link): by content, without copying a binary.
  return api::Module::compile(engine, std::move(bytes));
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
