// Fuzz target (b): arbitrary text -> WAT parser/encoder -> decoder +
// validator. The encoder's output for accepted text must decode: the text
// layer emitting a malformed binary is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "binary/decoder.h"
#include "harness.h"
#include "text/text.h"
#include "validate/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto binary = kite::text::wat_to_binary({reinterpret_cast<const char*>(data), size});
  if (!binary.ok()) {
    kite::fuzz::check_error_message(binary.error(), "text");
    return 0;
  }
  auto decoded = kite::decode_module(std::move(binary).value());
  if (!decoded.ok()) {
    std::fprintf(stderr, "accepted text encodes to a malformed binary: %s\n",
                 decoded.error().describe().c_str());
    std::abort();
  }
  kite::Status valid = kite::validate_module(**decoded);
  if (!valid.ok()) kite::fuzz::check_error_message(valid.error(), "validate");
  return 0;
}
