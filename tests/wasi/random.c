// random_get: fills buffers from the OS, different every call; a buffer
// outside memory is EFAULT.
#include "check.h"

__wasi_errno_t raw_random_get(uint32_t buf, uint32_t len)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get")));

static uint8_t a[4096], b[4096];

int main(void) {
  CHECK_WASI(__wasi_random_get(a, sizeof a), 0);
  CHECK_WASI(__wasi_random_get(b, sizeof b), 0);
  CHECK(memcmp(a, b, sizeof a) != 0);
  int histogram[256] = {0};
  for (size_t i = 0; i < sizeof a; ++i)
    ++histogram[a[i]];
  for (int v = 0; v < 256; ++v)
    CHECK(histogram[v] < 100); // 4096 uniform bytes: about 16 of each
  CHECK_WASI(__wasi_random_get(a, 0), 0);
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  CHECK_WASI(raw_random_get(end - 8, 16), __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_random_get(0xFFFFFFF0u, 0x20), __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_random_get(end - 16, 16), 0); // the last bytes are fine
  puts("random ok");
  return 0;
}
