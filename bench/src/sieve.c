// Sieve of Eratosthenes over a byte array, repeatedly.
#include "bench.h"

#define N 8000000
static uint8_t composite[N + 1];

EXPORT {
  uint32_t total = 0;
  for (int rep = 0; rep < 6; rep++) {
    fill_bytes(composite, 0, sizeof composite);
    uint32_t count = 0;
    for (uint32_t i = 2; i <= N; i++) {
      if (composite[i]) continue;
      count++;
      for (uint32_t j = i * 2; j <= N; j += i)
        composite[j] = 1;
    }
    total += count;
  }
  return total;
}
