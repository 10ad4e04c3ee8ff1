#include "support/file_io.h"

#include <cerrno>
#include <unistd.h>

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

} // namespace kite
