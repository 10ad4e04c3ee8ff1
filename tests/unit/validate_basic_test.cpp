#include <gtest/gtest.h>

#include <algorithm>

#include "binary/decoder.h"
#include "model/type_registry.h"
#include "validate/validate.h"

namespace kite {
namespace {

// A module with one type [] -> [i32]... built from the given type section
// entries and one function body (locals + instructions, without size).
std::vector<uint8_t> module_with_body(std::vector<uint8_t> type, std::vector<uint8_t> body) {
  std::vector<uint8_t> b = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  b.push_back(0x01);
  b.push_back(static_cast<uint8_t>(type.size() + 1));
  b.push_back(0x01);
  b.insert(b.end(), type.begin(), type.end());
  b.insert(b.end(), {0x03, 0x02, 0x01, 0x00});
  b.push_back(0x0A);
  b.push_back(static_cast<uint8_t>(body.size() + 2));
  b.push_back(0x01);
  b.push_back(static_cast<uint8_t>(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

std::string validate_error(std::vector<uint8_t> bytes) {
  auto m = decode_module(std::move(bytes));
  if (!m.ok()) return "malformed: " + m.error().message;
  Status s = validate_module(**m);
  if (s.ok()) return "";
  // Drop the location suffix, " (in func N at op)", to compare the reason.
  const std::string& message = s.error().message;
  return message.substr(0, message.find(" (in func "));
}

const std::vector<uint8_t> kToI32 = {0x60, 0x00, 0x01, 0x7F};

TEST(Validate, SimpleFunction) {
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B})),
            "");
}

TEST(Validate, TypeMismatch) {
  // i64.const 1; i32.add
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x42, 0x01, 0x41, 0x02, 0x6A, 0x0B})),
            "type mismatch");
  // Missing result.
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x0B})), "type mismatch");
}

TEST(Validate, UnreachableIsPolymorphic) {
  // unreachable; i32.add  -> ok
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x00, 0x6A, 0x0B})), "");
  // unreachable; select with a ref operand is still a mismatch only if known
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x00, 0x1B, 0x0B})), "");
}

TEST(Validate, BlocksAndBranches) {
  // block (result i32) i32.const 1 br 0 end
  EXPECT_EQ(validate_error(
                module_with_body(kToI32, {0x00, 0x02, 0x7F, 0x41, 0x01, 0x0C, 0x00, 0x0B, 0x0B})),
            "");
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x0C, 0x05, 0x0B})), "unknown label");
}

TEST(Validate, Locals) {
  // (local (ref func)) local.get 0 -> uninitialized
  EXPECT_EQ(validate_error(module_with_body({0x60, 0x00, 0x00},
                                            {0x01, 0x01, 0x64, 0x70, 0x20, 0x00, 0x1A, 0x0B})),
            "uninitialized local");
  EXPECT_EQ(validate_error(module_with_body({0x60, 0x00, 0x00}, {0x00, 0x20, 0x03, 0x1A, 0x0B})),
            "unknown local 3");
}

TEST(Validate, MemoryInstructionsNeedMemory) {
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0B})),
            "unknown memory 0");
}

TEST(Validate, TrailingBytesAfterEnd) {
  EXPECT_EQ(validate_error(module_with_body(kToI32, {0x00, 0x41, 0x00, 0x0B, 0x01})),
            "section size mismatch");
}

TEST(Validate, CanonicalTypesAcrossModules) {
  auto a = decode_module(module_with_body(kToI32, {0x00, 0x41, 0x00, 0x0B}));
  auto b = decode_module(module_with_body(kToI32, {0x00, 0x41, 0x07, 0x0B}));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(validate_module(**a).ok());
  ASSERT_TRUE(validate_module(**b).ok());
  ASSERT_EQ((*a)->canonical_types.size(), 1u);
  EXPECT_EQ((*a)->canonical_types, (*b)->canonical_types);
  const uint32_t id = (*a)->canonical_types[0];
  EXPECT_TRUE(TypeRegistry::global().is_subtype(id, id));
  EXPECT_EQ(TypeRegistry::global().type(id).comp.func.results.size(), 1u);
}

// Appends v as unsigned LEB128.
void leb(std::vector<uint8_t>& out, uint32_t v) {
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    out.push_back(v ? byte | 0x80 : byte);
  } while (v);
}

// `count` functions [] -> [] whose bodies are `filler` pairs of
// `i32.const 0; drop`, except those listed in `invalid`, which end with an
// `i32.add` on an empty stack.
std::vector<uint8_t> many_functions(uint32_t count, uint32_t filler,
                                    std::vector<uint32_t> invalid) {
  std::vector<uint8_t> b = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  b.insert(b.end(), {0x01, 0x04, 0x01, 0x60, 0x00, 0x00});
  std::vector<uint8_t> funcs;
  leb(funcs, count);
  for (uint32_t i = 0; i < count; ++i)
    funcs.push_back(0x00);
  b.push_back(0x03);
  leb(b, static_cast<uint32_t>(funcs.size()));
  b.insert(b.end(), funcs.begin(), funcs.end());
  std::vector<uint8_t> code;
  leb(code, count);
  for (uint32_t i = 0; i < count; ++i) {
    std::vector<uint8_t> body = {0x00};
    for (uint32_t k = 0; k < filler; ++k)
      body.insert(body.end(), {0x41, 0x00, 0x1A});
    if (std::find(invalid.begin(), invalid.end(), i) != invalid.end()) body.push_back(0x6A);
    body.push_back(0x0B);
    leb(code, static_cast<uint32_t>(body.size()));
    code.insert(code.end(), body.begin(), body.end());
  }
  b.push_back(0x0A);
  leb(b, static_cast<uint32_t>(code.size()));
  b.insert(b.end(), code.begin(), code.end());
  return b;
}

TEST(Validate, ManyBodiesAcrossThreadsReportTheFirstInvalidOne) {
  // 4 MB of code: enough for every validation thread the machine offers.
  EXPECT_EQ(validate_error(many_functions(4000, 350, {})), "");
  // Threads take chunks in turn (eight per thread): the lowest invalid
  // function wins however the chunks fall to threads.
  for (std::vector<uint32_t> invalid : {std::vector<uint32_t>{3999},
                                        {2500, 3900},
                                        {10, 3000},
                                        {0, 1},
                                        {1999, 2000},
                                        {3998, 3999}}) {
    auto m = decode_module(many_functions(4000, 350, invalid));
    ASSERT_TRUE(m.ok()) << m.error().message;
    for (unsigned threads : {0u, 1u, 3u, 4u}) {
      Status s = validate_module(**m, BodyValidation::Eager, threads);
      ASSERT_FALSE(s.ok());
      EXPECT_NE(s.error().message.find("(in func " + std::to_string(invalid[0]) + " "),
                std::string::npos)
          << threads << " threads: " << s.error().message;
    }
  }
}

} // namespace
} // namespace kite
