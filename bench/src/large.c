// Start-up probe: a large module (thousands of functions, a big function
// table) whose `run` returns at once, so timing it measures decode,
// validation, instantiation and the first call, not execution.
#include "bench.h"

#define F(n)                                                                                       \
  __attribute__((noinline)) static uint32_t f##n(uint32_t x) {                                     \
    uint32_t s = x * (n + 1);                                                                      \
    for (uint32_t i = 0; i < (x & 7); i++) {                                                       \
      switch ((s + i) & 3) {                                                                       \
      case 0: s = s * 31 + n; break;                                                               \
      case 1: s ^= s >> 3; break;                                                                  \
      case 2: s += (uint32_t)n << (i & 15); break;                                                 \
      default: s = s / 3 + 7;                                                                      \
      }                                                                                            \
    }                                                                                              \
    return s;                                                                                      \
  }
#define F4(n) F(n##0) F(n##1) F(n##2) F(n##3)
#define F16(n) F4(n##0) F4(n##1) F4(n##2) F4(n##3)
#define F64(n) F16(n##0) F16(n##1) F16(n##2) F16(n##3)
#define F256(n) F64(n##0) F64(n##1) F64(n##2) F64(n##3)
#define F1K(n) F256(n##0) F256(n##1) F256(n##2) F256(n##3)
F1K(1) F1K(2) F1K(3) F1K(4) F1K(5) F1K(6) F1K(7) F1K(8)

#define P(n) f##n,
#define P4(n) P(n##0) P(n##1) P(n##2) P(n##3)
#define P16(n) P4(n##0) P4(n##1) P4(n##2) P4(n##3)
#define P64(n) P16(n##0) P16(n##1) P16(n##2) P16(n##3)
#define P256(n) P64(n##0) P64(n##1) P64(n##2) P64(n##3)
#define P1K(n) P256(n##0) P256(n##1) P256(n##2) P256(n##3)
static uint32_t (*const table[])(uint32_t) = {
    P1K(1) P1K(2) P1K(3) P1K(4) P1K(5) P1K(6) P1K(7) P1K(8)};

static volatile uint32_t which = 1234;

EXPORT { return table[which % (sizeof table / sizeof table[0])](5); }
