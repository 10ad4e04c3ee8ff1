// Numeric literals of the text format: integers (decimal/hex, `_` digit
// separators, optional sign) and floats (decimal, hex, inf, nan, nan:0xN),
// rounded to nearest-even exactly as the spec requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kite::text {

// Why a literal was rejected: not a number of that syntax at all, or a
// well-formed number whose value does not fit.
enum class NumError : uint8_t { Syntax, Range };

template <typename T> struct NumResult {
  T value{};
  std::optional<NumError> error;
  bool ok() const { return !error; }
};

// Unsigned integer without sign (indices, alignments, limits).
NumResult<uint64_t> parse_uint(std::string_view text, uint64_t max);
// An iN literal: a signed or unsigned integer in [-2^(N-1), 2^N - 1],
// returned as its two's-complement bit pattern.
NumResult<uint64_t> parse_int_bits(std::string_view text, unsigned bits);
// fN literals as bit patterns.
NumResult<uint32_t> parse_f32_bits(std::string_view text);
NumResult<uint64_t> parse_f64_bits(std::string_view text);

} // namespace kite::text
