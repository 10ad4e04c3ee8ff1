#include "binary/reader.h"

#include "support/utf8.h"

namespace kite {

// Spec messages: "integer representation too long" when a LEB runs past its
// maximum byte count, "integer too large" when the final byte has bits that
// do not fit, "unexpected end" when input runs out.
template <typename T, int Bits, bool Signed> Result<T> Reader::leb() {
  using U = std::conditional_t<(Bits > 32), uint64_t, uint32_t>;
  constexpr int kMaxBytes = (Bits + 6) / 7;
  U result = 0;
  int shift = 0;
  for (int i = 0;; ++i) {
    if (p_ >= end_) return fail_end();
    if (i >= kMaxBytes) return fail("integer representation too long");
    const uint8_t byte = *p_++;
    if (i == kMaxBytes - 1) {
      // Last permitted byte: the unused high bits must be zero (unsigned) or
      // a sign extension of the top used bit (signed).
      const int used = Bits - 7 * (kMaxBytes - 1);
      if (byte & 0x80) return fail("integer representation too long");
      if constexpr (Signed) {
        const uint8_t rest = byte >> (used - 1); // sign bit and the unused bits
        const uint8_t all = static_cast<uint8_t>((1u << (8 - used)) - 1);
        if (rest != 0 && rest != all) return fail("integer too large");
      } else {
        if (used < 7 && (byte >> used) != 0) return fail("integer too large");
      }
    }
    result |= static_cast<U>(byte & 0x7F) << shift;
    shift += 7;
    if (!(byte & 0x80)) {
      if constexpr (Signed) {
        if (shift < static_cast<int>(sizeof(U) * 8) && (byte & 0x40)) {
          result |= ~U{0} << shift;
        }
      }
      break;
    }
  }
  if constexpr (Signed && Bits == 33) {
    return static_cast<T>(static_cast<int64_t>(result << 31) >> 31);
  } else {
    return static_cast<T>(result);
  }
}

Result<uint32_t> Reader::u32_multibyte() { return leb<uint32_t, 32, false>(); }
Result<uint64_t> Reader::u64_multibyte() { return leb<uint64_t, 64, false>(); }
Result<int32_t> Reader::s32_multibyte() { return leb<int32_t, 32, true>(); }
Result<int64_t> Reader::s33() { return leb<int64_t, 33, true>(); }
Result<int64_t> Reader::s64() { return leb<int64_t, 64, true>(); }

Result<uint32_t> Reader::f32_bits() {
  if (remaining() < 4) return fail_end();
  uint32_t v;
  std::memcpy(&v, p_, 4);
  p_ += 4;
  return v;
}

Result<uint64_t> Reader::f64_bits() {
  if (remaining() < 8) return fail_end();
  uint64_t v;
  std::memcpy(&v, p_, 8);
  p_ += 8;
  return v;
}

Result<const uint8_t*> Reader::bytes(size_t n) {
  if (remaining() < n) return fail_end();
  const uint8_t* start = p_;
  p_ += n;
  return start;
}

Result<std::string> Reader::name() {
  KITE_TRY_ASSIGN(ByteRange range, name_range());
  return std::string(reinterpret_cast<const char*>(p_ - range.size), range.size);
}

Result<ByteRange> Reader::name_range() {
  KITE_TRY_ASSIGN(uint32_t len, u32());
  if (remaining() < len) return fail("length out of bounds");
  if (!is_valid_utf8(std::string_view(reinterpret_cast<const char*>(p_), len)))
    return fail("malformed UTF-8 encoding");
  const ByteRange range{static_cast<uint32_t>(offset()), len};
  p_ += len;
  return range;
}

namespace {

std::optional<HeapKind> abstract_heap(int64_t code) {
  switch (code) {
  case -0x10: return HeapKind::Func;     // 0x70
  case -0x11: return HeapKind::Extern;   // 0x6F
  case -0x12: return HeapKind::Any;      // 0x6E
  case -0x13: return HeapKind::Eq;       // 0x6D
  case -0x14: return HeapKind::I31;      // 0x6C
  case -0x15: return HeapKind::Struct;   // 0x6B
  case -0x16: return HeapKind::Array;    // 0x6A
  case -0x17: return HeapKind::Exn;      // 0x69
  case -0x0F: return HeapKind::None;     // 0x71
  case -0x0E: return HeapKind::NoExtern; // 0x72
  case -0x0D: return HeapKind::NoFunc;   // 0x73
  case -0x0C: return HeapKind::NoExn;    // 0x74
  default: return std::nullopt;
  }
}

// The feature an abstract heap type belongs to (support/features.h).
Feature heap_feature(HeapKind k) {
  switch (k) {
  case HeapKind::Func:
  case HeapKind::Extern:
  case HeapKind::NoExtern:
  case HeapKind::NoFunc: return Feature::Core;
  case HeapKind::Exn:
  case HeapKind::NoExn: return Feature::Exceptions;
  default: return Feature::Gc;
  }
}

} // namespace

Result<HeapType> Reader::abstract_heap_type(HeapKind k, uint64_t at) const {
  if constexpr (!kAllFeatures) {
    if (const Feature f = heap_feature(k); !built_in(f))
      return fail_at(at, feature_missing(f, "type " + to_string(HeapType::abstract(k))));
  }
  return HeapType::abstract(k);
}

Result<HeapType> Reader::heap_type() {
  const uint64_t at = offset();
  KITE_TRY_ASSIGN(int64_t code, s33());
  if (code >= 0) return HeapType::of_index(static_cast<uint32_t>(code));
  if (auto k = abstract_heap(code)) return abstract_heap_type(*k, at);
  return fail_at(at, "malformed reference type");
}

Result<ValType> Reader::val_type_from(uint8_t first, uint64_t at) {
  switch (first) {
  case 0x7F: return ValType::i32();
  case 0x7E: return ValType::i64();
  case 0x7D: return ValType::f32();
  case 0x7C: return ValType::f64();
  case 0x7B:
    if constexpr (!KITE_SIMD) return fail_at(at, feature_missing(Feature::Simd, "type v128"));
    return ValType::v128();
  case 0x63:
  case 0x64: {
    KITE_TRY_ASSIGN(HeapType h, heap_type());
    return ValType::ref(h, first == 0x63);
  }
  default:
    // Shorthands: a single-byte abstract heap type means (ref null ht).
    if (auto k = abstract_heap(static_cast<int64_t>(first) - 0x80)) {
      KITE_TRY_ASSIGN(HeapType h, abstract_heap_type(*k, at));
      return ValType::ref(h, true);
    }
    return fail_at(at, "malformed value type");
  }
}

Result<ValType> Reader::val_type() {
  const uint64_t at = offset();
  KITE_TRY_ASSIGN(uint8_t first, u8());
  return val_type_from(first, at);
}

} // namespace kite
