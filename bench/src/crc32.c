// CRC-32 (table-driven) and Adler-32 over a buffer: byte loads, table lookups.
#include "bench.h"

#define LEN (1 << 20)
static uint8_t data[LEN];
static uint32_t table[256];

EXPORT {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  for (int i = 0; i < LEN; i++)
    data[i] = (uint8_t)rng();
  uint32_t result = 0;
  for (int rep = 0; rep < 100; rep++) {
    uint32_t crc = 0xFFFFFFFFu, a = 1, b = 0;
    for (int i = 0; i < LEN; i++) {
      crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
      a += data[i];
      if (a >= 65521) a -= 65521;
      b += a;
      if (b >= 65521) b -= 65521;
    }
    result ^= ~crc ^ (b << 16 | a);
    data[rep] = (uint8_t)result;
  }
  return result;
}
