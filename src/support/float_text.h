// The shortest text that reads back as the same float, as std::to_chars
// writes it (fixed or scientific, whichever is shorter, fixed on a tie), from
// the C library's printf and strtod: libstdc++'s to_chars brings ~130 KB of
// tables into a statically linked kite.
#pragma once

#include <string>

namespace kite {

std::string shortest_text(float v);
std::string shortest_text(double v);

} // namespace kite
