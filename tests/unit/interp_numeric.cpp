// kite's own float rounding (num::ffloor, fceil, ftrunc, fnearest), which
// replaces libm's: bit for bit the C library's result on every value class
// the spec cares about, and NaNs quieted with their payload kept.
#include <gtest/gtest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <limits>
#include <vector>

#include "interp/numeric.h"

namespace kite::num {
namespace {

template <typename F> std::vector<F> tricky_values() {
  using L = std::numeric_limits<F>;
  const F big = sizeof(F) == 4 ? F(0x1p23) : F(0x1p52);
  std::vector<F> base = {0,
                         F(0.25),
                         F(0.5),
                         F(0.75),
                         1,
                         F(1.5),
                         F(2.5),
                         F(3.5),
                         F(-0.0),
                         L::denorm_min(),
                         L::min(),
                         L::epsilon(),
                         F(1) - L::epsilon() / 2,
                         big,
                         big - F(0.5),
                         big - 1,
                         big + 1,
                         big * 2 - 1,
                         big / 2 + F(0.5),
                         F(1e20),
                         L::max(),
                         L::infinity()};
  std::vector<F> all;
  for (F v : base) {
    all.push_back(v);
    all.push_back(-v);
    all.push_back(std::nextafter(v, L::infinity()));
    all.push_back(std::nextafter(v, -L::infinity()));
  }
  return all;
}

template <typename F> void expect_same_as_libm() {
  using B = Bits<F>;
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  for (F x : tricky_values<F>()) {
    EXPECT_EQ(std::bit_cast<B>(ffloor(x)), std::bit_cast<B>(std::floor(x))) << x;
    EXPECT_EQ(std::bit_cast<B>(fceil(x)), std::bit_cast<B>(std::ceil(x))) << x;
    EXPECT_EQ(std::bit_cast<B>(ftrunc(x)), std::bit_cast<B>(std::trunc(x))) << x;
    EXPECT_EQ(std::bit_cast<B>(fnearest(x)), std::bit_cast<B>(std::nearbyint(x))) << x;
  }
}

TEST(FloatRounding, MatchesTheCLibraryF32) { expect_same_as_libm<float>(); }
TEST(FloatRounding, MatchesTheCLibraryF64) { expect_same_as_libm<double>(); }

template <typename F> void expect_nans_quieted() {
  using B = Bits<F>;
  constexpr int kMantissa = sizeof(F) == 4 ? 23 : 52;
  const B quiet = B{1} << (kMantissa - 1);
  const B exponent = (~B{0} >> 1) & ~((B{1} << kMantissa) - 1);
  for (B payload : {B{1}, B{5}, quiet, quiet | 3}) {
    for (B sign : {B{0}, kSignBit<F>}) {
      const F nan = std::bit_cast<F>(sign | exponent | payload);
      for (F r : {ffloor(nan), fceil(nan), ftrunc(nan), fnearest(nan)})
        EXPECT_EQ(std::bit_cast<B>(r), std::bit_cast<B>(nan) | quiet);
    }
  }
}

TEST(FloatRounding, QuietsNaNsKeepingTheirPayloadF32) { expect_nans_quieted<float>(); }
TEST(FloatRounding, QuietsNaNsKeepingTheirPayloadF64) { expect_nans_quieted<double>(); }

} // namespace
} // namespace kite::num
