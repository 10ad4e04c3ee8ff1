// ByteBuffer: an owned, immutable-size byte array (a module's binary). It
// wraps a std::vector, or a large module file mapped read-only: reading
// 30 MB into memory (zeroed pages, then a copy) took most of the start-up
// of a big module, mapping the page cache takes well under a millisecond.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace kite {

class ByteBuffer {
public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::vector<uint8_t> bytes) : vector_(std::move(bytes)) {}
  // The `size` bytes of the regular file `fd`, mapped read-only and
  // populated, or an empty buffer when the file is small (a vector is
  // cheaper) or the mapping fails. The file must not shrink while mapped:
  // the pages past its new end would fault (SIGBUS).
  static ByteBuffer map_file(int fd, size_t size);

  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer& other) : vector_(other.begin(), other.end()) {}
  ByteBuffer& operator=(const ByteBuffer& other) { return *this = ByteBuffer(other); }
  ~ByteBuffer() { release(); }

  const uint8_t* data() const { return mapping_ ? mapping_ : vector_.data(); }
  size_t size() const { return mapping_ ? mapping_size_ : vector_.size(); }
  bool empty() const { return size() == 0; }
  const uint8_t* begin() const { return data(); }
  const uint8_t* end() const { return data() + size(); }
  uint8_t operator[](size_t i) const { return data()[i]; }
  operator std::span<const uint8_t>() const { return {data(), size()}; }

private:
  void release();

  std::vector<uint8_t> vector_;
  uint8_t* mapping_ = nullptr; // when set, the bytes live here, not in vector_
  size_t mapping_size_ = 0;
};

} // namespace kite
