// Numeric semantics shared by every operand form of an instruction (slot,
// immediate, fused branch): integer division traps, float min/max/copysign
// as the spec defines them, float-to-int truncation ranges.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace kite::num {

inline constexpr const char* kDivideByZero = "integer divide by zero";
inline constexpr const char* kIntegerOverflow = "integer overflow";
inline constexpr const char* kInvalidConversion = "invalid conversion to integer";

// Division: return the trap message, or nullptr and the result in `r`.
// Operands arrive as the unsigned slot type U of the same width.
template <typename S, typename U = std::make_unsigned_t<S>>
inline const char* div_s(U a, U b, U& r) {
  if (b == 0) return kDivideByZero;
  if (S(a) == std::numeric_limits<S>::min() && S(b) == -1) return kIntegerOverflow;
  r = U(S(a) / S(b));
  return nullptr;
}
template <typename U> inline const char* div_u(U a, U b, U& r) {
  if (b == 0) return kDivideByZero;
  r = a / b;
  return nullptr;
}
template <typename S, typename U = std::make_unsigned_t<S>>
inline const char* rem_s(U a, U b, U& r) {
  if (b == 0) return kDivideByZero;
  r = S(b) == -1 ? 0 : U(S(a) % S(b));
  return nullptr;
}
template <typename U> inline const char* rem_u(U a, U b, U& r) {
  if (b == 0) return kDivideByZero;
  r = a % b;
  return nullptr;
}

// Sign-bit operations never touch the payload of a NaN.
template <typename F> using Bits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;
template <typename F> inline constexpr Bits<F> kSignBit = Bits<F>{1} << (sizeof(F) * 8 - 1);
template <typename F> inline F fabs(F a) {
  return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) & ~kSignBit<F>);
}
template <typename F> inline F fneg(F a) {
  return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) ^ kSignBit<F>);
}
template <typename F> inline F fcopysign(F a, F b) {
  return std::bit_cast<F>((std::bit_cast<Bits<F>>(a) & ~kSignBit<F>) |
                          (std::bit_cast<Bits<F>>(b) & kSignBit<F>));
}
// Rounding to an integral value without libm: on baseline x86-64 (no
// SSE4.1) std::floor and friends are library calls, and a kite that needs
// no libm maps none of its pages into a run. A NaN is quieted (x + x), as
// the hardware's round instructions do; a float whose magnitude is at least
// 2^(mantissa bits) is integral already.
template <typename F> inline constexpr F kAllIntegral = sizeof(F) == 4 ? F(0x1p23) : F(0x1p52);
template <typename F> inline F ftrunc(F x) {
  using I = std::conditional_t<sizeof(F) == 4, int32_t, int64_t>;
  if (x != x) return x + x;
  if (!(fabs(x) < kAllIntegral<F>)) return x;
  return fcopysign(F(I(x)), x); // -0.5 truncates to -0
}
template <typename F> inline F ffloor(F x) {
  const F t = ftrunc(x);
  return t > x ? t - 1 : t;
}
template <typename F> inline F fceil(F x) {
  const F t = ftrunc(x);
  return t < x ? t + 1 : t;
}
// Ties to even: adding 2^(mantissa bits) leaves no fraction bits, so the
// addition rounds (in the default rounding mode); subtracting it is exact.
template <typename F> inline F fnearest(F x) {
  if (x != x) return x + x;
  const F a = fabs(x);
  if (!(a < kAllIntegral<F>)) return x;
  return fcopysign((a + kAllIntegral<F>)-kAllIntegral<F>, x);
}

// min/max: NaN if either is NaN; -0 < +0.
template <typename F> inline F fmin(F a, F b) {
  if (a != a || b != b) return a + b; // an arithmetic NaN
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) | std::bit_cast<Bits<F>>(b));
  return a < b ? a : b;
}
template <typename F> inline F fmax(F a, F b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::bit_cast<F>(std::bit_cast<Bits<F>>(a) & std::bit_cast<Bits<F>>(b));
  return a > b ? a : b;
}

// The open interval (lo, hi) of floats that truncate into integer type I,
// as doubles (exact for every bound involved).
template <typename I>
inline constexpr double kTruncHigh = std::is_signed_v<I>
                                         ? double(uint64_t{1} << (sizeof(I) * 8 - 1))
                                         : 2.0 * double(uint64_t{1} << (sizeof(I) * 8 - 1));
template <typename I>
inline constexpr double kTruncLow = std::is_signed_v<I> ? -kTruncHigh<I> - 1.0 : -1.0;

template <typename I, typename F> inline bool trunc_in_range(F a) {
  if constexpr (sizeof(I) == 8 && std::is_signed_v<I>) {
    // -2^63 - 1 is not a double: compare against -2^63 inclusively.
    return double(a) >= -9223372036854775808.0 && double(a) < kTruncHigh<I>;
  } else {
    return double(a) > kTruncLow<I> && double(a) < kTruncHigh<I>;
  }
}

// Trapping truncation; the result is returned as the unsigned slot type.
template <typename I, typename F, typename U = std::make_unsigned_t<I>>
inline const char* trunc(F a, U& r) {
  if (a != a) return kInvalidConversion;
  if (!trunc_in_range<I>(a)) return kIntegerOverflow;
  r = U(I(a));
  return nullptr;
}

// Saturating truncation.
template <typename I, typename F, typename U = std::make_unsigned_t<I>> inline U trunc_sat(F a) {
  if (a != a) return 0;
  if (!trunc_in_range<I>(a))
    return a < 0 ? U(std::numeric_limits<I>::min()) : U(std::numeric_limits<I>::max());
  return U(I(a));
}

} // namespace kite::num
