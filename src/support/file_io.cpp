#include "support/file_io.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace kite {

namespace {
// Calls `io(done)` until `size` bytes are done, the file ends (0) or an
// error other than EINTR: the count done, or -1.
template <typename Io> ssize_t repeat(size_t size, Io io) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = io(done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}
} // namespace

ssize_t read_fully(int fd, uint8_t* out, size_t size) {
  return repeat(size, [&](size_t done) { return ::read(fd, out + done, size - done); });
}

ssize_t pread_fully(int fd, uint8_t* out, size_t size, uint64_t offset) {
  return repeat(size, [&](size_t done) {
    return ::pread(fd, out + done, size - done, static_cast<off_t>(offset + done));
  });
}

bool write_fully(int fd, const uint8_t* data, size_t size) {
  return repeat(size, [&](size_t done) { return ::write(fd, data + done, size - done); }) ==
         static_cast<ssize_t>(size);
}

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

} // namespace kite
