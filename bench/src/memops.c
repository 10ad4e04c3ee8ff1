// memory.copy and memory.fill of assorted sizes (bulk memory), plus a
// byte-wise copy loop: moves through the runtime's memory paths.
#include "bench.h"

#define SIZE (4 << 20)
static uint8_t buf[SIZE];

EXPORT {
  for (int i = 0; i < SIZE; i += 4)
    *(uint32_t*)(buf + i) = rng();
  uint32_t sum = 0;
  for (int rep = 0; rep < 2000000; rep++) {
    uint32_t r = rng();
    uint32_t n = 16 + (r & 4095);
    uint32_t src = (r >> 12) % (SIZE - n), dst = (r * 2654435761u >> 8) % (SIZE - n);
    if (rep & 1)
      copy_bytes(buf + dst, buf + src, n);
    else
      fill_bytes(buf + dst, (int)(r >> 24), n / 2);
    // A short open-coded copy, as small struct copies compile to.
    uint8_t* d = buf + (src ^ 4096) % (SIZE - 64);
    const uint8_t* s = buf + dst;
    for (int k = 0; k < 48; k++)
      d[k] = s[k];
    sum += buf[(r >> 7) % SIZE];
  }
  for (int i = 0; i < SIZE; i += 4096)
    sum = sum * 31 + *(uint32_t*)(buf + i);
  return sum;
}
