// Whole reads and writes on file descriptors: the loops a short count or an
// interrupted call (EINTR) needs, in one place; and reading a whole file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

#include "support/byte_buffer.h"
#include "support/result.h"

namespace kite {

// Reads until `size` bytes are in or the file ends: the count read, or -1
// (errno set).
ssize_t read_fully(int fd, uint8_t* out, size_t size);
// As read_fully, from `offset` on, leaving the file position alone.
ssize_t pread_fully(int fd, uint8_t* out, size_t size, uint64_t offset);
// Writes all `size` bytes; false on an error (errno set) or a write of none.
bool write_fully(int fd, const uint8_t* data, size_t size);

// Reads a whole file; the error gives the OS reason.
Result<ByteBuffer> read_file(const std::string& path);

} // namespace kite
