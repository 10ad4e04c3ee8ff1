// v128 in the interpreter, beyond what the spec scripts reach: v128 values
// (two slots each) mixed with scalars through blocks, branches, calls (wasm,
// indirect, tail, host), locals, globals and select; the IR shape of v128
// local.set and constants; checked (memory64) v128 accesses.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "interp/interp.h"
#include "kite/kite.h"
#include "running_module.h"

namespace kite::api {
namespace {

Value i32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  std::array<uint32_t, 4> lanes{a, b, c, d};
  std::array<uint8_t, 16> bytes;
  std::memcpy(bytes.data(), lanes.data(), 16);
  return Value::v128(bytes);
}
std::array<uint32_t, 4> lanes_of(const Value& v) {
  std::array<uint32_t, 4> lanes;
  auto bytes = v.v128();
  std::memcpy(lanes.data(), bytes.data(), 16);
  return lanes;
}
using Lanes = std::array<uint32_t, 4>;

using Running = test_support::RunningModule;

TEST(InterpSimd, V128ValuesFlowThroughBlocksAndBranches) {
  Running r(R"((module
    (type $vi (func (param v128 i32) (result v128 i32)))
    (func (export "blocks") (param $v v128) (param $n i32) (result v128 i32)
      (local.get $v) (local.get $n)
      ;; a loop with v128 and i32 parameters: add 1 to every lane n times
      (loop $l (type $vi)
        (local.set $n)
        (i32x4.add (v128.const i32x4 1 1 1 1))
        (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $l (local.get $n)))
      (i32.const 7)
      ;; if/else with a v128 result, chosen by the i32 underneath
      (if (param v128 i32) (result v128 i32)
        (then (drop) (i32x4.mul (v128.const i32x4 2 2 2 2)) (i32.const 1))
        (else (drop) (i32.const 2)))
      ;; br_table carrying v128 and i32 to different blocks
      (block $b1 (param v128 i32) (result v128 i32)
        (block $b0 (param v128 i32) (result v128 i32)
          (br_table $b0 $b1 (i32.const 1)))
        (drop) (i32.const 99)))))");
  auto result = r.func("blocks").call({i32x4(1, 2, 3, 4), Value::i32(3)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(lanes_of((*result)[0]), (Lanes{8, 10, 12, 14}));
  EXPECT_EQ((*result)[1].i32(), 1);
}

TEST(InterpSimd, CallsPassV128InTwoSlots) {
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, R"((module
    (import "env" "host" (func $host (param v128 i64 v128) (result v128 i32)))
    (type $sig (func (param i32 v128 i64 v128) (result v128 i32)))
    (table funcref (elem $callee))
    (func $callee (type $sig)
      (i32x4.sub (local.get 1) (local.get 3))
      (i32.add (local.get 0) (i32.wrap_i64 (local.get 2))))
    (func (export "direct") (param v128 v128) (result v128 i32)
      (call $callee (i32.const 5) (local.get 0) (i64.const 6) (local.get 1)))
    (func (export "indirect") (param v128 v128) (result v128 i32)
      (call_indirect (type $sig) (i32.const 5) (local.get 0) (i64.const 6) (local.get 1)
                     (i32.const 0)))
    (func (export "tail") (param v128 v128) (result v128 i32)
      (return_call $callee (i32.const 5) (local.get 0) (i64.const 6) (local.get 1)))
    (func (export "host") (param v128 v128) (result v128 i32)
      (call $host (local.get 0) (i64.const 6) (local.get 1)))
    (func (export "tail_host") (param v128 v128) (result v128 i32)
      (return_call $host (local.get 0) (i64.const 6) (local.get 1)))))");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Func host = Func::host(store,
                         FuncType{{ValType::v128(), ValType::i64(), ValType::v128()},
                                  {ValType::v128(), ValType::i32()}},
                         [](std::span<const Value> args, std::span<Value> results) -> Status {
                           Lanes a = lanes_of(args[0]), b = lanes_of(args[2]);
                           results[0] = i32x4(a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]);
                           results[1] = Value::i32(static_cast<int32_t>(args[1].i64()) + 5);
                           return {};
                         });
  Linker linker;
  linker.define("env", "host", host);
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  for (const char* name : {"direct", "indirect", "tail", "host", "tail_host"}) {
    auto result = inst->func(name)->call({i32x4(10, 20, 30, 40), i32x4(1, 2, 3, 4)});
    ASSERT_TRUE(result.ok()) << name << ": " << result.error().describe();
    EXPECT_EQ(lanes_of((*result)[0]), (Lanes{9, 18, 27, 36})) << name;
    EXPECT_EQ((*result)[1].i32(), 11) << name;
  }
}

TEST(InterpSimd, LocalsGlobalsAndSelect) {
  Running r(R"((module
    (global $g (mut v128) (v128.const i32x4 1 2 3 4))
    (func (export "swap") (param $a v128) (param $b v128) (param $c i32) (result v128 v128 v128)
      (local $t v128) (local $zero v128)
      ;; swap a and b through t, with tees leaving copies on the stack
      (local.set $t (local.get $a))
      (drop (local.tee $a (local.get $b)))
      (local.set $b (local.get $t))
      (global.set $g (i32x4.add (global.get $g) (local.get $a)))
      (select (local.get $a) (local.get $b) (local.get $c))
      (select (v128.const i32x4 5 5 5 5) (local.get $zero) (i32.eqz (local.get $c)))
      (global.get $g))))");
  auto result = r.func("swap").call({i32x4(1, 1, 1, 1), i32x4(2, 2, 2, 2), Value::i32(0)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(lanes_of((*result)[0]), (Lanes{1, 1, 1, 1}));
  EXPECT_EQ(lanes_of((*result)[1]), (Lanes{5, 5, 5, 5}));
  EXPECT_EQ(lanes_of((*result)[2]), (Lanes{3, 4, 5, 6}));
}

TEST(InterpSimd, LocalSetRetargetsTheProducerAndConstantsAreOneInstruction) {
  Running r(R"((module
    (func (export "f") (param v128) (result v128) (local v128)
      (local.set 1 (i32x4.add (local.get 0) (v128.const i32x4 1 2 3 4)))
      (local.get 1))))");
  auto result = r.func("f").call({i32x4(1, 1, 1, 1)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ(lanes_of((*result)[0]), (Lanes{2, 3, 4, 5}));
  std::string ir = r.ir("f");
  // Locals take slots 0-1 and 2-3, the constant s6-7; the add writes local 1
  // directly, which is returned from its slots.
  EXPECT_NE(ir.find("V128Const s6"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32x4Add s2 s0 s6"), std::string::npos) << ir;
  EXPECT_NE(ir.find("ReturnN s2 #2"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("Copy"), std::string::npos) << ir;
}

TEST(InterpSimd, CheckedAccessesTrapAtTheBound) {
  Running r(R"((module
    (memory i64 1)
    (func (export "load") (param i64) (result v128) (v128.load (local.get 0)))
    (func (export "store_lane") (param i64)
      (v128.store32_lane 3 (local.get 0) (v128.const i32x4 1 2 3 4)))
    (func (export "load_lane") (param i64) (result v128)
      (v128.load32_lane 0 (local.get 0) (v128.const i32x4 0 0 0 0)))))");
  ASSERT_TRUE(r.func("load").call({Value::i64(65536 - 16)}).ok());
  auto out = r.func("load").call({Value::i64(65536 - 15)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().message, "out of bounds memory access");
  ASSERT_TRUE(r.func("store_lane").call({Value::i64(65536 - 4)}).ok());
  EXPECT_FALSE(r.func("store_lane").call({Value::i64(65536 - 3)}).ok());
  auto lane = r.func("load_lane").call({Value::i64(65536 - 4)});
  ASSERT_TRUE(lane.ok()) << lane.error().describe();
  EXPECT_EQ(lanes_of((*lane)[0]), (Lanes{4, 0, 0, 0}));
}

} // namespace
} // namespace kite::api
