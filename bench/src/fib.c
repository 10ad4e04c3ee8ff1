// Recursive Fibonacci: call/return overhead.
#include "bench.h"

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

EXPORT { return fib(38); }
