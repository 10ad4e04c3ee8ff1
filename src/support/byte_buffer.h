// ByteBuffer: an owned, immutable-size byte array (a module's binary). It
// wraps a std::vector, or, for large buffers to be filled by the caller
// (a module file being read), an anonymous mapping, by default populated in
// one call: the kernel zero-fills the pages either way, but one thread
// taking them one page fault at a time made reading a 30 MB module twice as
// slow (~21 ms vs ~11 ms). From 2 MiB on, the mapping asks for transparent
// huge pages instead (byte_buffer.cpp).
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
  // `size` bytes for the caller to fill (their initial content is
  // unspecified). A large buffer's pages are populated up front, unless the
  // caller fills it from several threads, which then take the page faults
  // in parallel.
  enum class Faults { Populate, OnFirstTouch };
  static ByteBuffer uninitialized(size_t size, Faults faults = Faults::Populate);

  ByteBuffer(ByteBuffer&& other) noexcept { *this = std::move(other); }
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer& other) : vector_(other.begin(), other.end()) {}
  ByteBuffer& operator=(const ByteBuffer& other) { return *this = ByteBuffer(other); }
  ~ByteBuffer() { release(); }

  uint8_t* data() { return mapping_ ? mapping_ : vector_.data(); }
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
