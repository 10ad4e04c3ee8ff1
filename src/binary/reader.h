// A bounds-checked cursor over wasm binary bytes: LEB128 integers, floats,
// names, value and heap types. Every read reports failure with the byte
// offset (relative to `base`, the absolute position of data[0] in the file).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "model/module.h"
#include "model/types.h"
#include "support/features.h"
#include "support/result.h"

namespace kite {

class Reader {
public:
  Reader(const uint8_t* data, size_t size, uint64_t base = 0)
      : p_(data), begin_(data), end_(data + size), base_(base) {}

  // The message for running out of input. The spec says "unexpected end" for
  // the module header and "unexpected end of section or function" inside
  // sections and bodies; the decoder switches after the header.
  void set_end_message(const char* message) { end_message_ = message; }
  const char* end_message() const { return end_message_; }

  bool at_end() const { return p_ >= end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  uint64_t offset() const { return base_ + static_cast<uint64_t>(p_ - begin_); }
  const uint8_t* cursor() const { return p_; }
  void skip(size_t n) { p_ += n; }

  // Inline for the common one-byte encodings: decoding reads every
  // immediate through these.
  Result<uint8_t> u8() {
    if (p_ >= end_) return fail_end();
    return *p_++;
  }
  // Unsigned LEB128, at most 5 bytes.
  Result<uint32_t> u32() {
    return p_ < end_ && *p_ < 0x80 ? Result<uint32_t>(*p_++) : u32_multibyte();
  }
  // Unsigned LEB128, at most 10 bytes.
  Result<uint64_t> u64() {
    return p_ < end_ && *p_ < 0x80 ? Result<uint64_t>(*p_++) : u64_multibyte();
  }
  // Signed LEB128: one byte holds -64..63.
  Result<int32_t> s32() {
    if (p_ < end_ && *p_ < 0x80)
      return static_cast<int32_t>(static_cast<uint32_t>(*p_++) << 25) >> 25;
    return s32_multibyte();
  }
  Result<int64_t> s33(); // signed LEB128 limited to 33 bits (block types)
  Result<int64_t> s64();
  Result<uint32_t> f32_bits();
  Result<uint64_t> f64_bits();
  // Length-prefixed, validated UTF-8; a length past the end of the input is
  // "length out of bounds" (the spec's len32 check).
  Result<std::string> name();
  Result<ByteRange> name_range(); // the same, as where its bytes are
  Result<const uint8_t*> bytes(size_t n);

  // Value types and heap types, with all GC / typed-reference encodings.
  Result<ValType> val_type();
  Result<HeapType> heap_type();
  // An abstract heap type read at `at`, if its feature is built in.
  Result<HeapType> abstract_heap_type(HeapKind k, uint64_t at) const;
  // A value type given its already-read first byte.
  Result<ValType> val_type_from(uint8_t first, uint64_t at);

  Failure fail(const char* message) const { return failure_at(offset(), message); }
  Failure fail(std::string message) const { return failure_at(offset(), std::move(message)); }
  Failure fail_end() const { return fail(end_message_); }
  Failure fail_at(uint64_t at, const char* message) const { return failure_at(at, message); }
  Failure fail_at(uint64_t at, std::string message) const {
    return failure_at(at, std::move(message));
  }

private:
  template <typename T, int Bits, bool Signed> Result<T> leb();
  Result<uint32_t> u32_multibyte();
  Result<uint64_t> u64_multibyte();
  Result<int32_t> s32_multibyte();

  const uint8_t* p_;
  const uint8_t* begin_;
  const uint8_t* end_;
  uint64_t base_;
  const char* end_message_ = "unexpected end";
};

} // namespace kite
