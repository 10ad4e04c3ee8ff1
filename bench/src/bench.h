// Shared by every benchmark program: freestanding wasm32 (no libc, no
// imports), so any runtime can run it. Each program exports
//   uint32_t run(void)
// which does the work and returns a checksum that bench/expected.txt pins.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define EXPORT __attribute__((export_name("run"))) uint32_t run(void)

// Bulk memory is enabled, so these become memory.copy / memory.fill.
static inline void* copy_bytes(void* dst, const void* src, size_t n) {
  return __builtin_memcpy(dst, src, n);
}
static inline void* fill_bytes(void* dst, int c, size_t n) { return __builtin_memset(dst, c, n); }

// A bump allocator over memory grown on demand (no free).
extern unsigned char __heap_base;
static uintptr_t heap_top;
static inline void* alloc(size_t n) {
  if (!heap_top) heap_top = (uintptr_t)&__heap_base;
  uintptr_t p = (heap_top + 15) & ~(uintptr_t)15;
  heap_top = p + n;
  size_t have = __builtin_wasm_memory_size(0) * 65536;
  if (heap_top > have) __builtin_wasm_memory_grow(0, (heap_top - have + 65535) / 65536);
  return (void*)p;
}

// Deterministic pseudo-random numbers (xorshift32).
static uint32_t rng_state = 2463534242u;
static inline uint32_t rng(void) {
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}
