// Fuzz target (a): arbitrary bytes -> binary decoder + validator. Neither may
// crash, hang or leak; a rejection must carry a message.
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)kite::fuzz::compile({data, size});
  return 0;
}
