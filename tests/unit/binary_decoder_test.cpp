#include <gtest/gtest.h>

#include "binary/decoder.h"

namespace kite {
namespace {

std::vector<uint8_t> with_header(std::vector<uint8_t> body) {
  std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  bytes.insert(bytes.end(), body.begin(), body.end());
  return bytes;
}

std::string decode_error(std::vector<uint8_t> bytes) {
  auto m = decode_module(std::move(bytes));
  return m.ok() ? "" : m.error().message;
}

TEST(BinaryDecoder, EmptyModule) {
  auto m = decode_module(with_header({}));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->types.empty());
}

TEST(BinaryDecoder, HeaderErrors) {
  EXPECT_EQ(decode_error({}), "unexpected end");
  EXPECT_EQ(decode_error({0x00, 0x61, 0x73}), "unexpected end");
  EXPECT_EQ(decode_error({0x00, 0x41, 0x53, 0x4D, 1, 0, 0, 0}), "magic header not detected");
  EXPECT_EQ(decode_error({0x00, 0x61, 0x73, 0x6D, 1, 0}), "unexpected end");
  EXPECT_EQ(decode_error({0x00, 0x61, 0x73, 0x6D, 2, 0, 0, 0}), "unknown binary version");
}

TEST(BinaryDecoder, FunctionWithBody) {
  // (type (func (param i32) (result i32))) (func (type 0) (local i64 i64) local.get 0)
  auto m = decode_module(with_header({0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F, // types
                                      0x03, 0x02, 0x01, 0x00,                         // funcs
                                      0x0A, 0x08, 0x01, 0x06, 0x01, 0x02, 0x7E, 0x20, 0x00, 0x0B}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  const Module& mod = **m;
  ASSERT_EQ(mod.functions.size(), 1u);
  EXPECT_EQ(mod.functions[0].num_locals, 2u);
  EXPECT_EQ(mod.functions[0].body.size, 3u); // local.get 0, end
  EXPECT_EQ(mod.bytes[mod.functions[0].body.offset], 0x20);
}

TEST(BinaryDecoder, SectionErrors) {
  EXPECT_EQ(decode_error(with_header({0x0E, 0x01, 0x00})), "malformed section id");
  EXPECT_EQ(decode_error(with_header({0x01, 0x07, 0x02, 0x60, 0x00, 0x00})),
            "length out of bounds");
  EXPECT_EQ(decode_error(with_header({0x01, 0x07, 0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00})),
            "section size mismatch");
  // Function section without a code section.
  EXPECT_EQ(decode_error(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00})),
            "function and code section have inconsistent lengths");
  // Two type sections.
  EXPECT_EQ(decode_error(with_header({0x01, 0x01, 0x00, 0x01, 0x01, 0x00})),
            "unexpected content after last section");
  EXPECT_EQ(decode_error(with_header({0x05, 0x02, 0x01, 0x10})), "malformed limits flags");
  EXPECT_EQ(decode_error(with_header({0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B})),
            "malformed mutability");
  EXPECT_EQ(decode_error(with_header({0x0C, 0x01, 0x01})),
            "data count and data section have inconsistent lengths");
}

TEST(BinaryDecoder, TooManyLocals) {
  EXPECT_EQ(
      decode_error(with_header({0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A,
                                0x0A, 0x01, 0x08, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x0B})),
      "too many locals");
}

TEST(BinaryDecoder, LimitsForms) {
  // memory64 with max, shared memory, custom page size 1.
  auto m = decode_module(
      with_header({0x05, 0x0A, 0x03, 0x05, 0x01, 0x02, 0x03, 0x01, 0x02, 0x08, 0x00, 0x00}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  const Module& mod = **m;
  ASSERT_EQ(mod.memories.size(), 3u);
  EXPECT_TRUE(mod.memories[0].limits.is64);
  EXPECT_EQ(mod.memories[0].limits.max, 2u);
  EXPECT_TRUE(mod.memories[1].limits.shared);
  EXPECT_EQ(mod.memories[2].page_size_log2, 0u);
}

TEST(BinaryDecoder, RecGroupsAndGcTypes) {
  // (rec (type (sub (struct (field (mut i8))))) (type (sub final 0 (array i16))))
  auto m = decode_module(with_header({0x01, 0x0F, 0x01, 0x4E, 0x02, 0x50, 0x00, 0x5F, 0x01, 0x78,
                                      0x01, 0x4F, 0x01, 0x00, 0x5E, 0x77, 0x00}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  const Module& mod = **m;
  ASSERT_EQ(mod.types.size(), 2u);
  ASSERT_EQ(mod.rec_groups.size(), 1u);
  EXPECT_EQ(mod.rec_groups[0].count, 2u);
  EXPECT_FALSE(mod.types[0].final);
  EXPECT_EQ(mod.types[0].comp.fields[0].storage.packed, Packed::I8);
  EXPECT_TRUE(mod.types[0].comp.fields[0].mut);
  EXPECT_TRUE(mod.types[1].final);
  EXPECT_EQ(mod.types[1].supers, std::vector<uint32_t>{0});
  EXPECT_EQ(mod.types[1].comp.elem.storage.packed, Packed::I16);
}

TEST(BinaryDecoder, NameSection) {
  // custom "name": module name "m", function 0 named "f"
  auto m = decode_module(with_header({0x00, 0x0F, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x02, 0x01, 'm',
                                      0x01, 0x04, 0x01, 0x00, 0x01, 'f'}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->name, "m");
  EXPECT_EQ((*m)->function_name(0), "f");
  // A broken name section is ignored.
  auto bad = decode_module(with_header({0x00, 0x08, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x09, 0x01}));
  ASSERT_TRUE(bad.ok()) << bad.error().describe();
  EXPECT_TRUE((*bad)->name.empty());
}

TEST(BinaryDecoder, FunctionNamesAreLookedUpByIndex) {
  // function names 1 "a", 3 "bc": found by index, absent between and after.
  auto m = decode_module(with_header({0x00, 0x0F, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x08, 0x02, 0x01,
                                      0x01, 'a', 0x03, 0x02, 'b', 'c'}));
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->function_name(1), "a");
  EXPECT_EQ((*m)->function_name(3), "bc");
  EXPECT_EQ((*m)->function_name(0), "");
  EXPECT_EQ((*m)->function_name(2), "");
  EXPECT_EQ((*m)->function_name(4), "");
  // Out of index order (3 before 1), as the spec forbids: the name section
  // is ignored like any other malformed one.
  auto unordered = decode_module(with_header({0x00, 0x0F, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x08,
                                              0x02, 0x03, 0x02, 'b', 'c', 0x01, 0x01, 'a'}));
  ASSERT_TRUE(unordered.ok()) << unordered.error().describe();
  EXPECT_EQ((*unordered)->function_name(1), "");
  EXPECT_EQ((*unordered)->function_name(3), "");
}

} // namespace
} // namespace kite
