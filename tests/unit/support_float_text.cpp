// shortest_text must write what std::to_chars writes (kite run --invoke's
// float results), for every class of float: specials, integers (exact
// digits), tiny and huge values, and random bit patterns.
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "support/float_text.h"

namespace {

template <typename T> std::string reference(T v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

TEST(FloatText, SpecialValues) {
  const double values[] = {0.0,      -0.0,      1.0,      0.1,
                           100000.0, 1e20,      1e21,     1e-5,
                           1e-7,     0.5,       2.5e-10,  1e15,
                           1e16,     12345.678, 5e-324,   std::numeric_limits<double>::max(),
                           NAN,      -NAN,      INFINITY, -INFINITY};
  for (double d : values) {
    EXPECT_EQ(kite::shortest_text(d), reference(d)) << d;
    const float f = static_cast<float>(d);
    EXPECT_EQ(kite::shortest_text(f), reference(f)) << f;
  }
}

TEST(FloatText, RandomBitPatterns) {
  std::mt19937_64 rng(18);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    ASSERT_EQ(kite::shortest_text(d), reference(d)) << bits;
    const uint32_t fbits = static_cast<uint32_t>(bits >> 16);
    float f;
    std::memcpy(&f, &fbits, sizeof f);
    ASSERT_EQ(kite::shortest_text(f), reference(f)) << fbits;
  }
}

TEST(FloatText, IntegersAndDecimals) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const double d = static_cast<double>(static_cast<int64_t>(rng() % 2000000) - 1000000) / 1000.0;
    ASSERT_EQ(kite::shortest_text(d), reference(d));
    const float f = static_cast<float>(rng() % (1u << 30)) * 64.0f;
    ASSERT_EQ(kite::shortest_text(f), reference(f));
  }
}

} // namespace
