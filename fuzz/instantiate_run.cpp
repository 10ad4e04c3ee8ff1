// Fuzz target (c): arbitrary bytes -> decode + validate -> instantiate with
// dummy imports -> translate every function -> run the start function and
// every export whose execution is statically bounded (harness.cpp).
#include <cstddef>
#include <cstdint>

#include "harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (auto module = kite::fuzz::compile({data, size})) kite::fuzz::run_module(module);
  return 0;
}
