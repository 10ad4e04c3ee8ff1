#include "support/float_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace kite {

namespace {

// printf's "%.*e" has the correctly rounded digits for each precision, so
// the first precision that reads back is the shortest, and its digits the
// nearest of that length.
template <typename T> std::string shortest(T v, T (*read)(const char*, char**)) {
  if (std::isnan(v)) return std::signbit(v) ? "-nan" : "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[48];
  for (int precision = 0; precision < 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision, static_cast<double>(v));
    if (read(buf, nullptr) == v) break;
  }
  // buf: [-]D[.DDD]e(+|-)XX; split it into sign, digits and exponent.
  const std::string s = buf;
  const size_t e = s.find('e');
  const bool negative = s[0] == '-';
  std::string digits;
  for (size_t i = negative; i < e; ++i)
    if (s[i] != '.') digits += s[i];
  const int exponent = std::atoi(s.c_str() + e + 1);
  const int n = static_cast<int>(digits.size());

  std::string scientific = digits.substr(0, 1);
  if (n > 1) scientific += "." + digits.substr(1);
  char exp_text[8];
  std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  scientific += exp_text;

  std::string fixed;
  if (exponent >= n - 1) {
    // An integer: of the texts of this length that read back, to_chars
    // writes the nearest, its exact value (glibc prints it exactly).
    char whole[320];
    std::snprintf(whole, sizeof whole, "%.0f", std::fabs(static_cast<double>(v)));
    fixed = whole;
  } else if (exponent >= 0) {
    fixed = digits.substr(0, static_cast<size_t>(exponent + 1)) + "." +
            digits.substr(static_cast<size_t>(exponent + 1));
  } else {
    fixed = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
  }
  const std::string& best = fixed.size() <= scientific.size() ? fixed : scientific;
  return negative ? "-" + best : best;
}

} // namespace

std::string shortest_text(float v) { return shortest<float>(v, std::strtof); }
std::string shortest_text(double v) { return shortest<double>(v, std::strtod); }

} // namespace kite
