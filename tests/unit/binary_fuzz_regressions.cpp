// Inputs found by the fuzzers in fuzz/ (docs/architecture.md, "Fuzzing") that
// concern decoding and validation, reduced and written out as bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary/decoder.h"
#include "validate/validate.h"

namespace kite {
namespace {

// "malformed: <message>", "invalid: <message>" or "valid".
std::string verdict(std::vector<uint8_t> bytes) {
  auto m = decode_module(std::move(bytes));
  if (!m.ok()) return "malformed: " + m.error().message;
  Status valid = validate_module(**m);
  return valid.ok() ? "valid" : "invalid: " + valid.error().message;
}

// (global i32 (try (do) (delegate 0))), from the text fuzzer's
// (module (elem (try (do) (delegate 0)))): the decoder scans a constant
// expression to its final `end` by block nesting and did not count
// `delegate` as closing the `try`, so it ran past the expression. The
// expression is well-formed; validation rejects it.
TEST(BinaryFuzzRegressions, DelegateInConstantExpression) {
  EXPECT_EQ(verdict({
                0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
                0x06, 0x08, 0x01, 0x7f, 0x00,                   // one global: i32, immutable
                0x06, 0x40, 0x18, 0x00, 0x0b,                   // try delegate 0 end
            }),
            "invalid: constant expression required");
}

} // namespace
} // namespace kite
