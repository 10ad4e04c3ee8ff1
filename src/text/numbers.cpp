#include "text/numbers.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace kite::text {

namespace {

bool is_digit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

unsigned digit_value(char c) {
  if (c <= '9') return static_cast<unsigned>(c - '0');
  return static_cast<unsigned>((c | 0x20) - 'a' + 10);
}

// Consumes `digit ('_'? digit)*` at text[pos]; false if it is not there.
bool scan_digits(std::string_view text, size_t& pos, bool hex) {
  if (pos >= text.size() || !is_digit(text[pos], hex)) return false;
  ++pos;
  while (pos < text.size()) {
    if (text[pos] == '_') {
      if (pos + 1 >= text.size() || !is_digit(text[pos + 1], hex)) return false;
      pos += 2;
    } else if (is_digit(text[pos], hex)) {
      ++pos;
    } else {
      break;
    }
  }
  return true;
}

bool strip_sign(std::string_view& text, bool& negative) {
  negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
    return true;
  }
  return false;
}

bool strip_hex_prefix(std::string_view& text) {
  if (text.size() >= 2 && text[0] == '0' && text[1] == 'x') {
    text.remove_prefix(2);
    return true;
  }
  return false;
}

// Magnitude of an unsigned num/hexnum; Range if it exceeds 2^64-1.
NumResult<uint64_t> parse_magnitude(std::string_view text) {
  const bool hex = strip_hex_prefix(text);
  size_t end = 0;
  if (!scan_digits(text, end, hex) || end != text.size()) return {0, NumError::Syntax};
  const uint64_t base = hex ? 16 : 10;
  uint64_t v = 0;
  for (char c : text) {
    if (c == '_') continue;
    const uint64_t d = digit_value(c);
    if (v > (UINT64_MAX - d) / base) return {0, NumError::Range};
    v = v * base + d;
  }
  return {v, std::nullopt};
}

// Float literals: checks the text grammar, then lets the C library round
// (glibc's strtof/strtod round decimal and hex input correctly to nearest-even).
template <typename Float, typename Bits>
NumResult<Bits> parse_float(std::string_view text, Float (*convert)(const char*, char**)) {
  constexpr unsigned kMantBits = sizeof(Bits) == 4 ? 23 : 52;
  constexpr Bits kSignBit = Bits{1} << (sizeof(Bits) * 8 - 1);
  constexpr Bits kExpMask = (sizeof(Bits) == 4 ? Bits{0xFF} : Bits{0x7FF}) << kMantBits;
  constexpr Bits kMantMask = (Bits{1} << kMantBits) - 1;

  bool negative;
  strip_sign(text, negative);
  const Bits sign = negative ? kSignBit : 0;
  if (text == "inf") return {sign | kExpMask, std::nullopt};
  if (text == "nan") return {sign | kExpMask | (Bits{1} << (kMantBits - 1)), std::nullopt};
  if (text.starts_with("nan:0x")) {
    NumResult<uint64_t> payload = parse_magnitude(text.substr(4));
    if (payload.error == NumError::Syntax) return {0, NumError::Syntax};
    if (payload.error || payload.value == 0 || payload.value > kMantMask) {
      return {0, NumError::Range};
    }
    return {sign | kExpMask | static_cast<Bits>(payload.value), std::nullopt};
  }

  const bool hex = strip_hex_prefix(text);
  size_t pos = 0;
  if (!scan_digits(text, pos, hex)) return {0, NumError::Syntax};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    if (pos < text.size() && is_digit(text[pos], hex) && !scan_digits(text, pos, hex)) {
      return {0, NumError::Syntax};
    }
  }
  if (pos < text.size() && (hex ? (text[pos] | 0x20) == 'p' : (text[pos] | 0x20) == 'e')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    if (!scan_digits(text, pos, false)) return {0, NumError::Syntax};
  }
  if (pos != text.size()) return {0, NumError::Syntax};

  std::string clean = hex ? "0x" : "";
  clean.reserve(text.size() + 2);
  for (char c : text) {
    if (c != '_') clean += c;
  }
  const Float value = convert(clean.c_str(), nullptr);
  // A finite literal that rounds to infinity is out of range (musl's strtof,
  // kite.wasm's, returns infinity for a long hex float without ERANGE).
  if (std::isinf(value)) return {0, NumError::Range};
  Bits bits;
  std::memcpy(&bits, &value, sizeof bits);
  return {bits | sign, std::nullopt};
}

} // namespace

NumResult<uint64_t> parse_uint(std::string_view text, uint64_t max) {
  NumResult<uint64_t> r = parse_magnitude(text);
  if (r.ok() && r.value > max) r.error = NumError::Range;
  return r;
}

NumResult<uint64_t> parse_int_bits(std::string_view text, unsigned bits) {
  bool negative;
  strip_sign(text, negative);
  NumResult<uint64_t> r = parse_magnitude(text);
  if (!r.ok()) return r;
  const uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (negative) {
    if (r.value > (uint64_t{1} << (bits - 1))) return {0, NumError::Range};
    return {(0 - r.value) & mask, std::nullopt};
  }
  if (r.value > mask) return {0, NumError::Range};
  return r;
}

NumResult<uint32_t> parse_f32_bits(std::string_view text) {
  return parse_float<float, uint32_t>(text,
                                      [](const char* s, char** e) { return std::strtof(s, e); });
}

NumResult<uint64_t> parse_f64_bits(std::string_view text) {
  return parse_float<double, uint64_t>(text,
                                       [](const char* s, char** e) { return std::strtod(s, e); });
}

} // namespace kite::text
