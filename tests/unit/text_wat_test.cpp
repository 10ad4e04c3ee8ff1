// Unit tests of the text layer: numeric literals, identifiers, typeuse and
// implicit type insertion, folded forms, annotations, errors.
#include <gtest/gtest.h>

#include <cstring>

#include "binary/decoder.h"
#include "text/numbers.h"
#include "text/script.h"
#include "text/text.h"

namespace kite::text {
namespace {

uint32_t f32(std::string_view s) {
  NumResult<uint32_t> r = parse_f32_bits(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.value;
}
uint64_t f64(std::string_view s) {
  NumResult<uint64_t> r = parse_f64_bits(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.value;
}

TEST(TextNumbers, Integers) {
  EXPECT_EQ(parse_int_bits("0xffff_ffff", 32).value, 0xFFFFFFFFu);
  EXPECT_EQ(parse_int_bits("-0x8000_0000", 32).value, 0x80000000u);
  EXPECT_EQ(parse_int_bits("-1", 64).value, ~uint64_t{0});
  EXPECT_EQ(parse_int_bits("+42", 32).value, 42u);
  EXPECT_EQ(parse_int_bits("0x1_0000_0000", 32).error, NumError::Range);
  EXPECT_EQ(parse_int_bits("-0x8000_0001", 32).error, NumError::Range);
  EXPECT_EQ(parse_int_bits("18446744073709551616", 64).error, NumError::Range);
  EXPECT_EQ(parse_int_bits("1__0", 32).error, NumError::Syntax);
  EXPECT_EQ(parse_int_bits("_1", 32).error, NumError::Syntax);
  EXPECT_EQ(parse_int_bits("1_", 32).error, NumError::Syntax);
  EXPECT_EQ(parse_int_bits("0x", 32).error, NumError::Syntax);
  EXPECT_EQ(parse_uint("-1", UINT32_MAX).error, NumError::Syntax);
}

TEST(TextNumbers, DecimalFloatsRoundToNearestEven) {
  EXPECT_EQ(f32("1.5"), 0x3FC00000u);
  EXPECT_EQ(f32("-0"), 0x80000000u);
  EXPECT_EQ(f32("1e10"), 0x501502F9u);
  EXPECT_EQ(f32("1_000.000_1"), f32("1000.0001"));
  // Halfway between 1 and 1+2^-23 rounds to even (1); just above rounds up.
  EXPECT_EQ(f32("1.000000059604644775390625"), 0x3F800000u);
  EXPECT_EQ(f32("1.000000059604644775390626"), 0x3F800001u);
  // Largest finite float and the rounding boundary to infinity.
  EXPECT_EQ(f32("3.4028234663852886e38"), 0x7F7FFFFFu);
  EXPECT_EQ(f32("3.4028235677973366e38"), 0x7F7FFFFFu); // just below the halfway point
  EXPECT_EQ(parse_f32_bits("3.4028235677973367e38").error, NumError::Range);
  EXPECT_EQ(parse_f32_bits("1e39").error, NumError::Range);
  // Subnormals and underflow to zero are fine.
  EXPECT_EQ(f32("1e-45"), 0x00000001u);
  EXPECT_EQ(f32("1e-50"), 0x00000000u);
  EXPECT_EQ(f64("4.9406564584124654e-324"), 0x1u);
  EXPECT_EQ(f64("1.7976931348623157e308"), 0x7FEFFFFFFFFFFFFFull);
  EXPECT_EQ(parse_f64_bits("1.7976931348623159e308").error, NumError::Range);
}

TEST(TextNumbers, HexFloats) {
  EXPECT_EQ(f32("0x1p-149"), 0x00000001u);
  EXPECT_EQ(f32("0x1.fffffep127"), 0x7F7FFFFFu);
  // 0x1.fffffe8p127 is below the halfway point to 2^128: rounds down.
  EXPECT_EQ(f32("0x1.fffffefffffffffp127"), 0x7F7FFFFFu);
  EXPECT_EQ(parse_f32_bits("0x1.ffffffp127").error, NumError::Range);
  // Ties to even in the last mantissa bit.
  EXPECT_EQ(f32("0x1.000001p0"), 0x3F800000u);
  EXPECT_EQ(f32("0x1.000003p0"), 0x3F800002u);
  EXPECT_EQ(f64("0x1.00000000000008p0"), 0x3FF0000000000000ull);
  EXPECT_EQ(f64("0x1.00000000000018p0"), 0x3FF0000000000002ull);
  EXPECT_EQ(parse_f64_bits("0x.8p1").error, NumError::Syntax); // a hex digit must lead
  EXPECT_EQ(f32("0x1P+2"), 0x40800000u);
  EXPECT_EQ(f32("0xA.Bp0"), f32("10.6875"));
  EXPECT_EQ(f32("0x1."), 0x3F800000u);
}

TEST(TextNumbers, SpecialFloats) {
  EXPECT_EQ(f32("inf"), 0x7F800000u);
  EXPECT_EQ(f32("-inf"), 0xFF800000u);
  EXPECT_EQ(f32("nan"), 0x7FC00000u);
  EXPECT_EQ(f32("-nan"), 0xFFC00000u);
  EXPECT_EQ(f32("nan:0x1"), 0x7F800001u);
  EXPECT_EQ(f64("-nan:0xf_ffff_ffff_ffff"), 0xFFFFFFFFFFFFFFFFull);
  EXPECT_EQ(parse_f32_bits("nan:0x0").error, NumError::Range);
  EXPECT_EQ(parse_f32_bits("nan:0x80_0000").error, NumError::Range);
  EXPECT_EQ(parse_f32_bits("1.e").error, NumError::Syntax);
  EXPECT_EQ(parse_f32_bits(".5").error, NumError::Syntax);
  EXPECT_EQ(parse_f32_bits("1.5_").error, NumError::Syntax);
  EXPECT_EQ(parse_f32_bits("infinity").error, NumError::Syntax);
}

std::vector<uint8_t> wat(std::string_view text) {
  auto r = wat_to_binary(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? std::move(r).value() : std::vector<uint8_t>{};
}

std::string error_of(std::string_view text) {
  auto r = wat_to_binary(text);
  return r.ok() ? "<accepted>" : r.error().message;
}

// The payload of the section with `id` (the first one), or empty.
std::vector<uint8_t> section(const std::vector<uint8_t>& bin, uint8_t id) {
  size_t p = 8;
  while (p < bin.size()) {
    const uint8_t sid = bin[p++];
    uint32_t size = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = bin[p++];
      size |= uint32_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    if (sid == id) return {bin.begin() + p, bin.begin() + p + size};
    p += size;
  }
  return {};
}

TEST(TextWat, EmptyModule) {
  EXPECT_EQ(wat("(module)"), (std::vector<uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(wat(""), wat("(module)"));
}

TEST(TextWat, ImplicitTypesAppendAfterExplicitOnesInOrderOfUse) {
  auto bin = wat(R"w((module
    (func (param i64))
    (type $a (func (param i32)))
    (func (param i32))
    (func (result f32) (f32.const 0))
    (func (param i64))))w");
  // Explicit type 0 = [i32]->[]; then implicit [i64]->[] and []->[f32].
  EXPECT_EQ(section(bin, 1),
            (std::vector<uint8_t>{3, 0x60, 1, 0x7F, 0, 0x60, 1, 0x7E, 0, 0x60, 0, 1, 0x7D}));
  EXPECT_EQ(section(bin, 3), (std::vector<uint8_t>{4, 1, 0, 2, 1}));
}

TEST(TextWat, TypeUseMustMatchInlineSignature) {
  EXPECT_EQ(wat("(module (type $t (func (param i32))) (func (type $t) (param i32)))").empty(),
            false);
  EXPECT_EQ(error_of("(module (type $t (func (param i32))) (func (type $t) (param i64)))"),
            "inline function type");
}

TEST(TextWat, NonFinalTypesAreNotReusedForInlineSignatures) {
  auto bin = wat("(module (type (sub (func))) (func))");
  // The sub type is open, so (func) gets a fresh final type 1.
  EXPECT_EQ(section(bin, 3), (std::vector<uint8_t>{1, 1}));
}

TEST(TextWat, FoldedAndFlatFormsEncodeTheSame) {
  auto folded = wat(R"w((module (func (param i32) (result i32)
      (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))))w");
  auto flat = wat(R"w((module (func (param i32) (result i32)
      local.get 0 if (result i32) i32.const 1 else i32.const 2 end)))w");
  EXPECT_EQ(folded, flat);
  auto folded_add = wat("(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))");
  auto flat_add = wat("(module (func (result i32) i32.const 1 i32.const 2 i32.add))");
  EXPECT_EQ(folded_add, flat_add);
}

TEST(TextWat, Identifiers) {
  auto named = wat(R"w((module
    (func $f (param $x i32) (local $y i32)
      (block $out (loop $top (br_if $out (local.get $x)) (local.set $y (local.get $x)) (br $top)))
      (call $f (local.get $y)))))w");
  auto numbered = wat(R"w((module
    (func (param i32) (local i32)
      (block (loop (br_if 1 (local.get 0)) (local.set 1 (local.get 0)) (br 0)))
      (call 0 (local.get 1)))))w");
  // Equal apart from the name section.
  EXPECT_EQ(section(named, 10), section(numbered, 10));
  EXPECT_EQ(error_of("(module (func $f) (func $f))"), "duplicate func");
  EXPECT_EQ(error_of("(module (func (local $a i32) (local $a i32)))"), "duplicate local");
  EXPECT_EQ(error_of("(module (func (br $nowhere)))"), "unknown label $nowhere");
  EXPECT_EQ(error_of("(module (func (call $g)))"), "unknown function $g");
  EXPECT_EQ(error_of("(module (func block $a end $b))"), "mismatching label");
  // Quoted identifiers denote the same name as plain ones.
  EXPECT_FALSE(wat(R"w((module (func $"f" (call $f))))w").empty());
}

TEST(TextWat, StructFieldNames) {
  auto named = wat(R"w((module (type $s (struct (field $a i32) (field $b (mut i64))))
    (func (param (ref $s)) (result i64) (struct.get $s $b (local.get 0)))))w");
  auto numbered = wat(R"w((module (type (struct (field i32) (field (mut i64))))
    (func (param (ref 0)) (result i64) (struct.get 0 1 (local.get 0)))))w");
  EXPECT_EQ(section(named, 10), section(numbered, 10));
}

TEST(TextWat, RefCastPicksNullableOpcode) {
  auto bin = wat("(module (func (param anyref) (drop (ref.cast (ref null i31) (local.get 0)))))");
  auto code = section(bin, 10);
  const uint8_t nullable_cast[] = {0xFB, 23, 0x6C};
  EXPECT_NE(
      std::search(code.begin(), code.end(), std::begin(nullable_cast), std::end(nullable_cast)),
      code.end());
}

TEST(TextWat, NameSectionHasFunctionNames) {
  auto bin = wat("(module $m (import \"a\" \"b\" (func $imp)) (func $main))");
  auto m = decode_module(bin);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ((*m)->name, "m");
  EXPECT_EQ((*m)->function_name(0), "imp");
  EXPECT_EQ((*m)->function_name(1), "main");
}

TEST(TextWat, DataCountOnlyWhenNeeded) {
  EXPECT_TRUE(section(wat("(module (memory 1) (data \"x\"))"), 12).empty());
  EXPECT_EQ(section(wat("(module (memory 1) (data $d \"x\") (func (data.drop $d)))"), 12),
            (std::vector<uint8_t>{1}));
}

TEST(TextWat, CustomAnnotationPlacement) {
  auto bin = wat(R"w((module (@custom "c" (before first) "xy") (func)))w");
  EXPECT_EQ(bin[8], 0); // the custom section precedes the type section
  EXPECT_EQ(error_of("(module (@custom))"), "@custom annotation: missing section name");
  EXPECT_EQ(error_of("(module (func (@custom \"x\")))"), "misplaced @custom annotation");
}

TEST(TextWat, Errors) {
  EXPECT_EQ(error_of("(module (func i32.frob))"), "unknown operator i32.frob");
  EXPECT_EQ(error_of("(module (func (i32.const 0x1_0000_0000) drop))"),
            "i32 constant out of range");
  EXPECT_EQ(error_of("(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))"),
            "alignment must be a power of two");
  EXPECT_EQ(error_of("(module (func) (import \"a\" \"b\" (func)))"), "import after function");
  EXPECT_EQ(error_of("(module (export \"\\ff\" (func 0)))"), "malformed UTF-8 encoding");
  EXPECT_EQ(error_of("(module (start 0) (start 0))"), "multiple start sections");
  auto r = wat_to_binary("(module\n  (func\n    nop\n    bogus))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().line, 4u);
  EXPECT_EQ(r.error().column, 5u);
}

TEST(TextWat, HostileNestingIsRejectedNotCrashed) {
  std::string deep = "(module (func";
  for (int i = 0; i < 100000; ++i)
    deep += " (block";
  for (int i = 0; i < 100000; ++i)
    deep += ")";
  deep += "))";
  EXPECT_EQ(error_of(deep), "nesting too deep");
  std::string flat = "(module (func";
  for (int i = 0; i < 100000; ++i)
    flat += " block";
  EXPECT_FALSE(wat_to_binary(flat).ok());
  EXPECT_FALSE(wat_to_binary(std::string(100000, '(')).ok());
  std::string script;
  for (int i = 0; i < 100000; ++i)
    script += "(thread $t ";
  EXPECT_FALSE(wast::parse_script(script).ok());
}

TEST(TextWast, Commands) {
  auto s = wast::parse_script(R"w(
    (module $m (func (export "f") (param i32) (result i32) (local.get 0)))
    (module $b binary "\00asm" "\01\00\00\00")
    (assert_return (invoke $m "f" (i32.const -1)) (i32.const 0xffffffff))
    (assert_return (invoke "g") (f32.const nan:canonical) (either (ref.null) (ref.extern 3)))
    (assert_return (invoke "v") (v128.const f32x4 nan:arithmetic 1 2 3))
    (assert_malformed (module quote "(func" ")") "unexpected token")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_trap (invoke "t") "unreachable")
    (register "M" $m)
    (module (func bogus))
  )w");
  ASSERT_TRUE(s.ok()) << s.error().describe();
  const auto& c = s->commands;
  ASSERT_EQ(c.size(), 10u);
  EXPECT_EQ(c[0].module.id, "m");
  EXPECT_EQ(c[0].line, 2u);
  EXPECT_EQ(c[1].module.bytes.size(), 8u);
  EXPECT_EQ(c[2].action.args[0].bits, 0xFFFFFFFFu);
  EXPECT_EQ(c[3].expected[0].kind, wast::Expected::Kind::F32CanonicalNan);
  EXPECT_EQ(c[3].expected[1].alternatives.size(), 2u);
  EXPECT_EQ(c[4].expected[0].lane_shape, "f32");
  EXPECT_EQ(c[4].expected[0].lanes[0].kind, wast::Expected::Kind::F32ArithmeticNan);
  EXPECT_EQ(c[5].module.kind, wast::ModuleSource::Kind::Quote);
  EXPECT_EQ(c[5].module.text, "(func)");
  EXPECT_EQ(c[8].register_id, "m");
  EXPECT_EQ(c[9].module.kind, wast::ModuleSource::Kind::Error);
}

} // namespace
} // namespace kite::text
