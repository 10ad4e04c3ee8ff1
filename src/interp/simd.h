// SIMD (v128) semantics, shared by every handler form of an instruction and
// by the tail-call and switch builds. A v128 is handled as `V128` (two
// 64-bit lanes, the layout of its two frame slots) and viewed through
// `lanes<L>` as a vector of L; results go back through `raw`. Lane i of a
// wasm v128 is element i of the vector (little-endian, as wasm defines it).
//
// Portable C++ with clang/gcc vector extensions: the compiler picks SSE,
// NEON or scalar code. Integer arithmetic is done on unsigned lanes so that
// wrapping is defined. Relaxed SIMD instructions use one deterministic choice
// among the results the spec allows (documented at each helper).
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "interp/numeric.h"

namespace kite::simd {

template <typename L> using Vec [[gnu::vector_size(16)]] = L;
using V128 = Vec<uint64_t>;

template <typename L> inline constexpr unsigned kLanes = 16 / sizeof(L);

template <typename L> inline Vec<L> lanes(V128 v) { return std::bit_cast<Vec<L>>(v); }
template <typename T> inline V128 raw(T v) {
  static_assert(sizeof(T) == 16);
  return std::bit_cast<V128>(v);
}

// A v128 value in two consecutive (possibly unaligned) frame slots.
inline V128 load(const uint64_t* slots) {
  V128 v;
  std::memcpy(&v, slots, sizeof v);
  return v;
}
inline void store(uint64_t* slots, V128 v) { std::memcpy(slots, &v, sizeof v); }

// The unsigned integer type of a lane's width (wrapping arithmetic, bits).
template <typename L>
using Bits =
    std::conditional_t<sizeof(L) == 1, uint8_t,
                       std::conditional_t<sizeof(L) == 2, uint16_t,
                                          std::conditional_t<sizeof(L) == 4, uint32_t, uint64_t>>>;

// ---- lanes ----
// The slot holds a scalar zero-extended to 64 bits; a lane takes its low bits.
template <typename L> inline V128 splat(uint64_t x) {
  return raw(Vec<Bits<L>>{} + static_cast<Bits<L>>(x));
}
template <typename L> inline L extract(V128 v, uint32_t lane) { return lanes<L>(v)[lane]; }
template <typename L> inline V128 replace(V128 v, uint32_t lane, uint64_t x) {
  Vec<Bits<L>> r = lanes<Bits<L>>(v);
  r[lane] = static_cast<Bits<L>>(x);
  return raw(r);
}
// Lanes of a 32-byte concatenation a:b; indices are < 32 (validated).
inline V128 shuffle(V128 a, V128 b, uint64_t lo, uint64_t hi) {
  uint8_t in[32], out[16];
  std::memcpy(in, &a, 16);
  std::memcpy(in + 16, &b, 16);
  for (unsigned i = 0; i < 16; ++i)
    out[i] = in[((i < 8 ? lo : hi) >> (8 * (i % 8))) & 31];
  return std::bit_cast<V128>(out);
}
// Out-of-range indices select 0 (relaxed_swizzle makes the same choice).
inline V128 swizzle(V128 a, V128 s) {
  Vec<uint8_t> v = lanes<uint8_t>(a), idx = lanes<uint8_t>(s), r{};
  for (unsigned i = 0; i < 16; ++i)
    r[i] = idx[i] < 16 ? v[idx[i] & 15] : 0;
  return raw(r);
}

// ---- bitwise and tests ----
inline V128 bitselect(V128 a, V128 b, V128 mask) { return (a & mask) | (b & ~mask); }
inline uint32_t any_true(V128 a) { return (a[0] | a[1]) != 0; }
template <typename L> inline uint32_t all_true(V128 a) {
  return __builtin_reduce_and(lanes<Bits<L>>(a) != 0) != 0;
}
template <typename L> inline uint32_t bitmask(V128 a) {
  Vec<std::make_signed_t<Bits<L>>> v = lanes<std::make_signed_t<Bits<L>>>(a);
  uint32_t r = 0;
  for (unsigned i = 0; i < kLanes<L>; ++i)
    r |= uint32_t{v[i] < 0} << i;
  return r;
}

// ---- integer arithmetic (L's signedness picks signed/unsigned semantics) ----
template <typename L> inline V128 add(V128 a, V128 b) {
  return raw(lanes<Bits<L>>(a) + lanes<Bits<L>>(b));
}
template <typename L> inline V128 sub(V128 a, V128 b) {
  return raw(lanes<Bits<L>>(a) - lanes<Bits<L>>(b));
}
template <typename L> inline V128 mul(V128 a, V128 b) {
  return raw(lanes<Bits<L>>(a) * lanes<Bits<L>>(b));
}
template <typename L> inline V128 neg(V128 a) { return raw(-lanes<Bits<L>>(a)); }
template <typename L> inline V128 abs(V128 a) {
  Vec<Bits<L>> u = lanes<Bits<L>>(a);
  return raw(lanes<L>(a) < 0 ? -u : u);
}
template <typename L> inline V128 add_sat(V128 a, V128 b) {
  return raw(__builtin_elementwise_add_sat(lanes<L>(a), lanes<L>(b)));
}
template <typename L> inline V128 sub_sat(V128 a, V128 b) {
  return raw(__builtin_elementwise_sub_sat(lanes<L>(a), lanes<L>(b)));
}
template <typename L> inline V128 min(V128 a, V128 b) {
  return raw(__builtin_elementwise_min(lanes<L>(a), lanes<L>(b)));
}
template <typename L> inline V128 max(V128 a, V128 b) {
  return raw(__builtin_elementwise_max(lanes<L>(a), lanes<L>(b)));
}
// Rounding average of unsigned lanes, without overflow.
template <typename L> inline V128 avgr(V128 a, V128 b) {
  Vec<L> x = lanes<L>(a), y = lanes<L>(b);
  return raw((x | y) - ((x ^ y) >> 1));
}
inline V128 popcnt(V128 a) {
  Vec<uint8_t> v = lanes<uint8_t>(a);
  for (unsigned i = 0; i < 16; ++i)
    v[i] = static_cast<uint8_t>(std::popcount(v[i]));
  return raw(v);
}
// The shift count is taken modulo the lane width.
template <typename L> inline V128 shl(V128 a, uint64_t n) {
  return raw(lanes<Bits<L>>(a) << static_cast<Bits<L>>(n & (8 * sizeof(L) - 1)));
}
template <typename L> inline V128 shr(V128 a, uint64_t n) {
  return raw(lanes<L>(a) >> static_cast<L>(n & (8 * sizeof(L) - 1)));
}
// i16x8.q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only -1 * -1 overflows).
// relaxed_q15mulr_s uses it as well.
inline V128 q15mulr_sat(V128 a, V128 b) {
  Vec<int16_t> x = lanes<int16_t>(a), y = lanes<int16_t>(b), r{};
  for (unsigned i = 0; i < 8; ++i)
    r[i] = static_cast<int16_t>(std::min((int32_t{x[i]} * y[i] + 0x4000) >> 15, 0x7fff));
  return raw(r);
}

// ---- lane width changes: From lanes to To lanes ----
// Both inputs' lanes saturated to To, a's first.
template <typename From, typename To> inline V128 narrow(V128 a, V128 b) {
  Vec<From> x = lanes<From>(a), y = lanes<From>(b);
  Vec<To> r{};
  constexpr From lo = std::numeric_limits<To>::min(), hi = std::numeric_limits<To>::max();
  for (unsigned i = 0; i < kLanes<From>; ++i) {
    r[i] = static_cast<To>(std::clamp(x[i], lo, hi));
    r[i + kLanes<From>] = static_cast<To>(std::clamp(y[i], lo, hi));
  }
  return raw(r);
}
// The low or high half of a's lanes, extended.
template <typename From, typename To, unsigned kFirst> inline V128 extend(V128 a) {
  Vec<From> x = lanes<From>(a);
  Vec<To> r{};
  for (unsigned i = 0; i < kLanes<To>; ++i)
    r[i] = static_cast<To>(x[kFirst + i]);
  return raw(r);
}
template <typename From, typename To> inline V128 extend_low(V128 a) {
  return extend<From, To, 0>(a);
}
template <typename From, typename To> inline V128 extend_high(V128 a) {
  return extend<From, To, kLanes<To>>(a);
}
// A 64-bit memory value, extended lane by lane (v128.loadNxM).
template <typename From, typename To> inline V128 load_extend(uint64_t m) {
  return extend_low<From, To>(V128{m, 0});
}
// Products of the extended low or high halves (they never overflow To).
template <typename From, typename To, unsigned kFirst> inline V128 extmul(V128 a, V128 b) {
  Vec<From> x = lanes<From>(a), y = lanes<From>(b);
  Vec<To> r{};
  for (unsigned i = 0; i < kLanes<To>; ++i)
    r[i] = static_cast<To>(static_cast<To>(x[kFirst + i]) * static_cast<To>(y[kFirst + i]));
  return raw(r);
}
template <typename From, typename To> inline V128 extmul_low(V128 a, V128 b) {
  return extmul<From, To, 0>(a, b);
}
template <typename From, typename To> inline V128 extmul_high(V128 a, V128 b) {
  return extmul<From, To, kLanes<To>>(a, b);
}
template <typename From, typename To> inline V128 extadd_pairwise(V128 a) {
  Vec<From> x = lanes<From>(a);
  Vec<To> r{};
  for (unsigned i = 0; i < kLanes<To>; ++i)
    r[i] = static_cast<To>(static_cast<To>(x[2 * i]) + static_cast<To>(x[2 * i + 1]));
  return raw(r);
}
// i32x4.dot_i16x8_s: sums of adjacent products, wrapping (only
// -2^15 * -2^15 * 2 overflows).
inline V128 dot_i16x8(V128 a, V128 b) {
  Vec<int16_t> x = lanes<int16_t>(a), y = lanes<int16_t>(b);
  Vec<uint32_t> r{};
  for (unsigned i = 0; i < 4; ++i)
    r[i] = static_cast<uint32_t>(x[2 * i] * y[2 * i]) +
           static_cast<uint32_t>(x[2 * i + 1] * y[2 * i + 1]);
  return raw(r);
}
// relaxed_dot_i8x16_i7x16_s: b's lanes are read as signed and the pair sums
// wrap to 16 bits (one of the allowed results when b's top bit is set).
inline V128 relaxed_dot_i8x16(V128 a, V128 b) {
  Vec<int8_t> x = lanes<int8_t>(a), y = lanes<int8_t>(b);
  Vec<uint16_t> r{};
  for (unsigned i = 0; i < 8; ++i)
    r[i] = static_cast<uint16_t>(x[2 * i] * y[2 * i] + x[2 * i + 1] * y[2 * i + 1]);
  return raw(r);
}
// relaxed_dot_i8x16_i7x16_add_s: the 16-bit pair sums above, added pairwise
// into 32-bit lanes, plus c.
inline V128 relaxed_dot_i8x16_add(V128 a, V128 b, V128 c) {
  Vec<int16_t> d = lanes<int16_t>(relaxed_dot_i8x16(a, b));
  Vec<uint32_t> r = lanes<uint32_t>(c);
  for (unsigned i = 0; i < 4; ++i)
    r[i] += static_cast<uint32_t>(d[2 * i] + d[2 * i + 1]);
  return raw(r);
}

// ---- compares: all-ones lanes where true (L picks signedness or float) ----
template <typename L> inline V128 eq(V128 a, V128 b) { return raw(lanes<L>(a) == lanes<L>(b)); }
template <typename L> inline V128 ne(V128 a, V128 b) { return raw(lanes<L>(a) != lanes<L>(b)); }
template <typename L> inline V128 lt(V128 a, V128 b) { return raw(lanes<L>(a) < lanes<L>(b)); }
template <typename L> inline V128 gt(V128 a, V128 b) { return raw(lanes<L>(a) > lanes<L>(b)); }
template <typename L> inline V128 le(V128 a, V128 b) { return raw(lanes<L>(a) <= lanes<L>(b)); }
template <typename L> inline V128 ge(V128 a, V128 b) { return raw(lanes<L>(a) >= lanes<L>(b)); }

// ---- floating point (F = float or double) ----
template <typename F> inline V128 fadd(V128 a, V128 b) { return raw(lanes<F>(a) + lanes<F>(b)); }
template <typename F> inline V128 fsub(V128 a, V128 b) { return raw(lanes<F>(a) - lanes<F>(b)); }
template <typename F> inline V128 fmul(V128 a, V128 b) { return raw(lanes<F>(a) * lanes<F>(b)); }
template <typename F> inline V128 fdiv(V128 a, V128 b) { return raw(lanes<F>(a) / lanes<F>(b)); }
// Sign-bit operations leave NaN payloads alone.
template <typename F> inline V128 fabs(V128 a) {
  return raw(lanes<Bits<F>>(a) & ~num::kSignBit<F>);
}
template <typename F> inline V128 fneg(V128 a) { return raw(lanes<Bits<F>>(a) ^ num::kSignBit<F>); }
// Lane-wise f(x) or f(x, y) with the scalar semantics.
template <typename F, typename Fn> inline V128 map(V128 a, Fn f) {
  Vec<F> x = lanes<F>(a);
  for (unsigned i = 0; i < kLanes<F>; ++i)
    x[i] = f(x[i]);
  return raw(x);
}
template <typename F, typename Fn> inline V128 map2(V128 a, V128 b, Fn f) {
  Vec<F> x = lanes<F>(a), y = lanes<F>(b);
  for (unsigned i = 0; i < kLanes<F>; ++i)
    x[i] = f(x[i], y[i]);
  return raw(x);
}
template <typename F> inline V128 sqrt(V128 a) {
  return map<F>(a, [](F x) { return std::sqrt(x); });
}
template <typename F> inline V128 ceil(V128 a) {
  return map<F>(a, [](F x) { return num::fceil(x); });
}
template <typename F> inline V128 floor(V128 a) {
  return map<F>(a, [](F x) { return num::ffloor(x); });
}
template <typename F> inline V128 trunc(V128 a) {
  return map<F>(a, [](F x) { return num::ftrunc(x); });
}
template <typename F> inline V128 nearest(V128 a) {
  return map<F>(a, [](F x) { return num::fnearest(x); });
}
// min/max as wasm defines them (NaN wins, -0 < +0); the relaxed forms use
// them too.
template <typename F> inline V128 fmin(V128 a, V128 b) {
  return map2<F>(a, b, [](F x, F y) { return num::fmin(x, y); });
}
template <typename F> inline V128 fmax(V128 a, V128 b) {
  return map2<F>(a, b, [](F x, F y) { return num::fmax(x, y); });
}
// pmin/pmax: b < a ? b : a and a < b ? b : a (the first operand on NaN).
template <typename F> inline V128 pmin(V128 a, V128 b) {
  Vec<F> x = lanes<F>(a), y = lanes<F>(b);
  return raw(y < x ? y : x);
}
template <typename F> inline V128 pmax(V128 a, V128 b) {
  Vec<F> x = lanes<F>(a), y = lanes<F>(b);
  return raw(x < y ? y : x);
}
// relaxed_madd/nmadd: a * b + c and -(a * b) + c, fused or not as the
// compiler's contraction rules decide (both are allowed).
template <typename F> inline V128 madd(V128 a, V128 b, V128 c) {
  return raw(lanes<F>(a) * lanes<F>(b) + lanes<F>(c));
}
template <typename F> inline V128 nmadd(V128 a, V128 b, V128 c) {
  return raw(-(lanes<F>(a) * lanes<F>(b)) + lanes<F>(c));
}

// ---- conversions ----
// Integer lanes I to float lanes F of the same count (i32x4 -> f32x4).
template <typename I, typename F> inline V128 convert(V128 a) {
  Vec<I> x = lanes<I>(a);
  Vec<F> r{};
  for (unsigned i = 0; i < kLanes<F>; ++i)
    r[i] = static_cast<F>(x[i]);
  return raw(r);
}
// The two low i32 lanes to f64x2.
template <typename I> inline V128 convert_low(V128 a) {
  Vec<I> x = lanes<I>(a);
  return raw(Vec<double>{static_cast<double>(x[0]), static_cast<double>(x[1])});
}
// Saturating truncation (relaxed_trunc makes the same choice).
template <typename I, typename F> inline V128 trunc_sat(V128 a) {
  Vec<F> x = lanes<F>(a);
  Vec<uint32_t> r{};
  for (unsigned i = 0; i < kLanes<F>; ++i)
    r[i] = num::trunc_sat<I, F>(x[i]);
  return raw(r);
}
inline V128 demote_zero(V128 a) {
  Vec<double> x = lanes<double>(a);
  return raw(Vec<float>{static_cast<float>(x[0]), static_cast<float>(x[1]), 0, 0});
}
inline V128 promote_low(V128 a) {
  Vec<float> x = lanes<float>(a);
  return raw(Vec<double>{x[0], x[1]});
}

} // namespace kite::simd
