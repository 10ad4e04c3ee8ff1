// LEB128 encoding: the text format's encoder writes binary modules with it,
// and the module cache's code layout (decoder.cpp) is LEB128 too.
#pragma once

#include <cstdint>
#include <vector>

namespace kite {

inline void put_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
}

inline void put_sleb(std::vector<uint8_t>& out, int64_t v) {
  while (true) {
    const uint8_t b = v & 0x7F;
    v >>= 7;
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

} // namespace kite
