// The interpreter through the embedding API: IR shape (fusion, folding),
// calls and frames, traps (guard-page faults, stack exhaustion, host errors),
// re-entrancy, lazy translation racing between threads.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "interp/interp.h"
#include "kite/kite.h"
#include "running_module.h"

namespace kite::api {
namespace {

using Running = test_support::RunningModule;

constexpr std::string_view kFib = R"((module
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
)";

// Tests of fused pairs and loops (ir_fusions.def) look for them in the IR;
// a build without them (KITE_FUSIONS off, the small preset) has none.
#define SKIP_WITHOUT_FUSIONS()                                                                     \
  if (!KITE_FUSIONS) GTEST_SKIP() << "no fused pairs in this build (KITE_FUSIONS is off)"

TEST(InterpExecution, FibComputesAndFusesCompareWithBranch) {
  Running r(kFib);
  auto result = r.func("fib").call({Value::i32(20)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 6765);
  std::string ir = r.ir("fib");
  // `if (i32.lt_u x 2)` is one branch on the inverse compare with an immediate;
  // `local.get` and constants produce no instructions.
  EXPECT_NE(ir.find("BrIfI32GeUImm s0 #2"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("Const"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32SubImm"), std::string::npos) << ir;
}

TEST(InterpExecution, LocalSetIsFoldedIntoTheProducer) {
  Running r(R"((module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 3)))
        (br_if $l (i32.ne (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
      (local.get 1))))");
  auto result = r.func("count").call({Value::i32(10)});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].i32(), 30);
  std::string ir = r.ir("count");
  EXPECT_NE(ir.find("I32AddImm s1 s1 #3"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32SubImm s0 s0 #1"), std::string::npos) << ir;
  EXPECT_NE(ir.find("BrIfI32NeImm s0 #0"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("Copy"), std::string::npos) << ir;
}

TEST(InterpExecution, AddImmediateAddressesFoldIntoLoadsAndStoresAndWrap) {
  // The folded addend wraps in 32 bits before the (non-wrapping) offset is added.
  Running r(R"((module (memory 1)
    (func (export "f") (param i32) (result i32)
      (i32.store (i32.add (local.get 0) (i32.const 8)) (i32.const -7))
      (i64.store offset=16
        (i32.add (i32.add (local.get 0) (i32.const 4)) (i32.add (local.get 0) (i32.const 12)))
        (i64.const 0x100000000))
      (i32.load (i32.add (local.get 0) (i32.const 8))))
    (func (export "peek") (param i32) (result i64) (i64.load (local.get 0)))))");
  auto wrapped = r.func("f").call({Value::i32(-4)}); // -4 + 8 wraps to address 4
  ASSERT_TRUE(wrapped.ok()) << wrapped.error().message;
  EXPECT_EQ((*wrapped)[0].i32(), -7);
  auto stored = r.func("peek").call({Value::i32(24)}); // (-4 + 4) + (-4 + 12) = 8, + 16
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)[0].i64(), int64_t{0x100000000});
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32StoreImm s0 #-7 #8 #0"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32Load s0 s0 #8 #0\n") /* the result goes straight to slot 0 */,
            std::string::npos)
      << ir;
  EXPECT_EQ(ir.find("I32AddImm"), std::string::npos) << ir;
}

TEST(InterpExecution, ScaledIndexAddressesFoldIntoLoadsAndStoresAndWrap) {
  // a[i] = a[j] + 1 with base + (index << 2) + addend wrapping in 32 bits
  // before the offset; as a value (not an address), the sum is one I32AddScaled.
  Running r(R"((module (memory 1)
    (func (export "f") (param $a i32) (param $i i32) (param $j i32) (result i32)
      (i32.store offset=4 (i32.add (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))
                                   (i32.const 8))
        (i32.add (i32.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 3))))
                 (i32.const 1)))
      (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $a)))
    (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))))");
  ASSERT_TRUE(r.func("poke").call({Value::i32(40), Value::i32(41)}).ok());
  // a = -16, j = 7: -16 + 56 = 40; i = 2: -16 + 8 + 8 = 0 (wrapped), + offset 4.
  auto f = r.func("f").call({Value::i32(-16), Value::i32(2), Value::i32(7)});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ((*f)[0].i32(), -8);
  auto stored = r.func("peek").call({Value::i32(4)});
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ((*stored)[0].i32(), 42);
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32LoadIdx"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32StoreIdx"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32AddScaled s0 s0 s1 #2 #0"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("I32Shl"), std::string::npos) << ir;
}

TEST(InterpExecution, ConstantAddressesFloatImmediatesAndLoadedBrTableIndexFold) {
  // A global at a constant address, a float constant as an immediate, and a
  // switch on a byte loaded from memory (bytecode dispatch) as one BrTableLoad.
  Running r(R"((module (memory 1)
    (data (i32.const 16) "\02\00\00\00\00\00\00\00\01\00\00\00\07\00\00\00")
    (func (export "f") (param $pc i32) (result i32)
      (f64.store offset=8 (i32.const 0) (f64.mul (f64.load offset=8 (i32.const 0)) (f64.const 1.5)))
      (block $d (block $b1 (block $b0
        (br_table $b0 $b1 $d (i32.load offset=16 (local.get $pc))))
        (return (i32.const 10)))
        (return (i32.const 11)))
      (i32.trunc_f64_s (f64.load offset=8 (i32.const 0))))
    (func (export "set") (param f64) (f64.store (i32.const 8) (local.get 0)))))");
  ASSERT_TRUE(r.func("set").call({Value::f64(4.0)}).ok());
  std::vector<int32_t> got;
  for (int32_t pc = 0; pc < 16; pc += 4) {
    auto result = r.func("f").call({Value::i32(pc)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    got.push_back((*result)[0].i32());
  }
  EXPECT_EQ(got, (std::vector<int32_t>{6, 10, 11, 20})); // 4 * 1.5^k; opcodes 2, 0, 1, 7
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("F64LoadAbs s2 #8"), std::string::npos) << ir;
  EXPECT_NE(ir.find("F64MulImm"), std::string::npos) << ir;
  EXPECT_NE(ir.find("F64StoreAbs s2 #8"), std::string::npos) << ir;
  EXPECT_NE(ir.find("BrTableLoad s0 #0 #16 ["), std::string::npos) << ir;
  EXPECT_EQ(ir.find("Const s2"), std::string::npos) << ir;
}

TEST(InterpExecution, FusedPairsRunBothStepsAndTheSecondStaysAJumpTarget) {
  SKIP_WITHOUT_FUSIONS();
  // The loop's `i += 1; if (i != 10) continue` is the pair I32AddImm +
  // BrIfI32NeImm; the copy `$b = $a` followed by `$a += 3` another. The
  // loop head is the second op of a pair (Copy + I32AddImm): entering the
  // loop runs the pair, the back edge jumps into its second half alone.
  Running r(R"((module
    (func (export "f") (param $n i32) (result i32)
      (local $i i32) (local $a i32) (local $b i32)
      (local.set $b (local.get $n))
      (loop $l
        (local.set $a (i32.add (local.get $a) (i32.const 3)))
        (local.set $b (i32.add (local.get $b) (local.get $a)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (i32.const 10))))
      (i32.add (local.get $b) (local.get $i)))))");
  auto result = r.func("f").call({Value::i32(100)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 100 + 3 * 55 + 10);
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32AddImm s1 s1 #1  ; fused with the next"), std::string::npos) << ir;
  EXPECT_NE(ir.find("BrIfI32NeImm s1 #10"), std::string::npos) << ir;
}

TEST(InterpExecution, FusedPairsPassATempThatDiesInARegister) {
  SKIP_WITHOUT_FUSIONS();
  // (a ^ b) * 16777619: the xor's result is a temp the multiply pops, so the
  // pair passes it in a register; the block's early exit takes the other
  // path, through a plain fused pair.
  Running r(R"((module
    (func (export "f") (param $a i32) (param $b i32) (result i32)
      (block (result i32)
        (i32.add (local.get $a) (i32.const 1))
        (br_if 0 (i32.eqz (local.get $b)))
        (drop)
        (i32.mul (i32.xor (local.get $a) (local.get $b)) (i32.const 16777619))))))");
  auto hashed = r.func("f").call({Value::i32(5), Value::i32(3)});
  ASSERT_TRUE(hashed.ok()) << hashed.error().message;
  EXPECT_EQ((*hashed)[0].i32(), static_cast<int32_t>((5u ^ 3u) * 16777619u));
  auto early = r.func("f").call({Value::i32(5), Value::i32(0)});
  ASSERT_TRUE(early.ok()) << early.error().message;
  EXPECT_EQ((*early)[0].i32(), 6);
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32Xor s2 s0 s1  ; fused with the next, result passed in a register only\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, AForwardedLocalIsStillStored) {
  SKIP_WITHOUT_FUSIONS();
  // The xor's result is a local: the multiply takes it in a register, and
  // the add after them loads it from its slot, so the pair must store it.
  Running r(R"((module
    (func (export "f") (param $a i32) (param $b i32) (result i32) (local $t i32)
      (local.set $t (i32.xor (local.get $a) (local.get $b)))
      (i32.add (i32.mul (local.get $t) (i32.const 16777619)) (local.get $t)))))");
  auto result = r.func("f").call({Value::i32(5), Value::i32(3)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), static_cast<int32_t>((5u ^ 3u) * 16777619u + (5u ^ 3u)));
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32Xor s2 s0 s1  ; fused with the next, result passed in a register\n"),
            std::string::npos)
      << ir;
}

// The IR line of `instr` noting that `slot` comes from the accumulator, in
// builds that have handlers reading it (tail dispatch); else the bare line.
std::string acc_line(const std::string& instr, const std::string& slot) {
  return KITE_ACCUMULATOR_VARIANTS ? instr + "  ; " + slot + " from the accumulator" : instr + "\n";
}

// A loop like a sieve's inner one: $j is read at the loop head (from the
// accumulator), stepped by an add fused with the test, and not read after
// the loop. With `return_j` it is read after the loop, from its slot (a load
// comes between).
std::string stepping_loop(bool return_j) {
  const std::string after = return_j ? "(i32.sub (local.get $j) (i32.load8_u (i32.const 2)))"
                                     : "(i32.add (i32.load8_u (i32.const 999))"
                                       " (i32.mul (i32.load8_u (i32.const 998)) (i32.const 2)))";
  return R"((module (memory 1)
    (func (export "f") (param $start i32) (param $step i32) (result i32) (local $j i32)
      (local.set $j (local.get $start))
      (loop $l
        (i32.store8 (local.get $j) (i32.const 1))
        (local.set $j (i32.add (local.get $j) (local.get $step)))
        (br_if $l (i32.lt_u (local.get $j) (i32.const 1000))))
      )" +
         after + "))";
}

// "sN from the accumulator, ", the note before a fused op's, in builds that
// have handlers reading it; else nothing.
std::string acc_note(const std::string& slot) {
  return KITE_ACCUMULATOR_VARIANTS ? slot + " from the accumulator, " : "";
}

// The IR line of stepping_loop's add, with `notes` after the accumulator's.
std::string add_line(const std::string& notes) {
  return std::string("I32Add s2 s2 s1  ; ") + acc_note("s2") + notes;
}

TEST(InterpExecution, ALoopVariableReadOnlyFromRegistersIsNotStored) {
  SKIP_WITHOUT_FUSIONS();
  Running r(stepping_loop(false));
  auto result = r.func("f").call({Value::i32(0), Value::i32(3)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 1); // 999 = 3 * 333 was set, 998 was not
  std::string ir = r.ir("f");
  // The add is paired with the branch rather than with the store before it,
  // and leaves $j (s2) out of the frame: every reader takes it in a register.
  EXPECT_NE(ir.find(add_line("fused with the next, result passed in a register only\n")),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ALocalReadOnlyByACatchIsStored) {
  SKIP_WITHOUT_FUSIONS();
  // $x goes to the call in a register (the add is fused with the copy of
  // the argument) and the normal path never reads it again; the catch does,
  // from its slot.
  Running r(R"((module
    (tag $e)
    (func $throw (param i32) (throw $e))
    (func (export "f") (param $a i32) (result i32) (local $x i32)
      (block $caught
        (try_table (catch $e $caught)
          (local.set $x (i32.add (local.get $a) (i32.const 5)))
          (call $throw (local.get $x)))
        (return (i32.const -1)))
      (local.get $x))))");
  auto result = r.func("f").call({Value::i32(37)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 42);
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32AddImm s1 s0 #5  ; fused with the next, result passed in a register\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ALoopVariableReadAfterTheLoopIsStored) {
  SKIP_WITHOUT_FUSIONS();
  Running r(stepping_loop(true));
  auto result = r.func("f").call({Value::i32(1), Value::i32(7)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 1002); // 1 + 7 * 143 (the load of byte 2 reads 0)
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find(add_line("fused with the next, result passed in a register\n")),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, APairsSecondOpReadsTheAccumulatorFromBeforeIt) {
  SKIP_WITHOUT_FUSIONS();
  // $h is in the accumulator when the load starts (the branch between
  // passes it on); the xor takes the loaded byte from the load's register
  // and $h from the accumulator the pair received, neither from the frame.
  Running r(R"((module (memory 1) (data (i32.const 7) "A")
    (func (export "f") (param $a i32) (result i32) (local $h i32)
      (local.set $h (i32.mul (local.get $a) (i32.const 3)))
      (block (br_if 0 (i32.eqz (local.get $a))))
      (i32.xor (local.get $h) (i32.load8_u (local.get $a))))))");
  auto result = r.func("f").call({Value::i32(7)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 21 ^ 'A');
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32Load8U s3 s0 #0 #0  ; fused with the next, result and the accumulator "
                    "before it passed in registers\n"),
            std::string::npos)
      << ir;
}

// Nodes [next, key] at 16, 24 and 32.
constexpr const char* kListData =
    R"((data (i32.const 16) "\18\00\00\00\01\00\00\00\20\00\00\00\02\00\00\00"
                            "\00\00\00\00\03\00\00\00"))";

// `find` walks the list of kListData from $list to the node whose key (read
// by `load_key`, at offset 4) is $key, or to 0.
std::string list_find_module(const char* load_key) {
  return std::string(R"((module (memory 1) )") + kListData + R"(
    (func (export "find") (param $list i32) (param $key i32) (result i32) (local $p i32)
      (local.set $p (local.get $list))
      (block $found
        (loop $walk
          (br_if $found (i32.eq ()" +
         load_key + R"( offset=4 (local.get $p)) (local.get $key)))
          (br_if $walk (local.tee $p (i32.load (local.get $p))))))
      (local.get $p))))";
}
// `find` from the first node reaches each key's node, and 0 for a key no
// node has.
void expect_finds_each_key(Running& r) {
  for (auto [key, expected] : {std::pair{1, 16}, {2, 24}, {3, 32}, {9, 0}}) {
    auto result = r.func("find").call({Value::i32(16), Value::i32(key)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << "key " << key;
  }
}

TEST(InterpExecution, APairWhoseResultIsDeadPassesOnTheAccumulatorItReceived) {
  SKIP_WITHOUT_FUSIONS();
  // A list walk: the load of the key and its test pass $p on rather than
  // the key, so the load of the next pointer takes $p in a register too.
  Running r(list_find_module("i32.load"));
  ASSERT_NO_FATAL_FAILURE(expect_finds_each_key(r));
  std::string ir = r.ir("find");
  EXPECT_NE(ir.find(std::string("I32Load s3 s2 #0 #4  ; ") + acc_note("s2") +
                    "fused with the next, result passed in a register only, accumulator kept\n"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find(KITE_ACCUMULATOR_VARIANTS
                        ? "I32Load s2 s2 #0 #0  ; s2 from the accumulator, fused with the next"
                        : "I32Load s2 s2 #0 #0  ; fused with the next"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, APairRunWithinThePairBeforeItPassesOnItsResult) {
  // The copy is fused with the load of the key, which then runs inside the
  // copy's handler and passes on the key: the load of the next pointer must
  // read $p from its slot.
  Running r(std::string(R"((module (memory 1) )") + kListData + R"(
    (func (export "next") (param $list i32) (param $key i32) (result i32) (local $p i32)
      (local.set $p (local.get $list))
      (block $found
        (br_if $found (i32.eq (i32.load offset=4 (local.get $p)) (local.get $key)))
        (local.set $p (i32.load (local.get $p))))
      (local.get $p))))");
  for (auto [key, expected] : {std::pair{1, 16}, {9, 24}}) {
    auto result = r.func("next").call({Value::i32(16), Value::i32(key)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << "key " << key;
  }
  std::string ir = r.ir("next");
  EXPECT_EQ(ir.find("accumulator kept"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32Load s2 s2 #0 #0\n"), std::string::npos) << ir;
}

TEST(InterpExecution, AListWalkOfTwoPairsRunsInOneHandler) {
  SKIP_WITHOUT_FUSIONS();
  // The load and test of the key (leaving the loop when found), then the
  // load and test of the next pointer, jumping back: two pairs in one
  // handler (KITE_FUSE_LOOP), which exits by either branch.
  Running r(list_find_module("i32.load16_u"));
  ASSERT_NO_FATAL_FAILURE(expect_finds_each_key(r));
  std::string ir = r.ir("find");
  EXPECT_NE(ir.find("a loop in one handler with the next three\n    5: BrIfI32Eq s3 s1 ->13\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ALoopOfThreePairsRunsInOneHandler) {
  SKIP_WITHOUT_FUSIONS();
  // FNV-1a over n bytes: load+xor, multiply+step, count+test, all three
  // pairs in one handler (KITE_FUSE_LOOP).
  Running r(std::string(R"((module (memory 1) )") + kListData + R"(
    (func (export "fnv") (param $p i32) (param $n i32) (result i32) (local $h i32)
      (local.set $h (i32.const 0x811c9dc5))
      (loop $l
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $p)))
                               (i32.const 16777619)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
      (local.get $h))))");
  // Computed byte by byte from kListData.
  for (auto [n, expected] : {std::pair{1, 0x1d0c82e7u}, {24, 774810013u}}) {
    auto result = r.func("fnv").call({Value::i32(16), Value::i32(n)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(static_cast<uint32_t>((*result)[0].i32()), expected) << n << " bytes";
  }
  std::string ir = r.ir("fnv");
  EXPECT_NE(ir.find("a loop in one handler with the next five\n    6: I32Xor s3 s2 s4"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ALoopOfFourHandlersLeavesByItsHeadOrItsLast) {
  SKIP_WITHOUT_FUSIONS();
  // Comparing n bytes: the count test alone (leaving when done), then the
  // address pair, the step and first load, the second load and the compare
  // jumping back (leaving on a difference), all in one handler.
  Running r(R"((module (memory 1)
    (data (i32.const 16) "abcdabcxabcd")
    (func (export "same") (param $a i32) (param $b i32) (param $n i32) (result i32)
      (local $i i32) (local $pa i32) (local $pb i32)
      (block $differ
        (block $same
          (loop $l
            (br_if $same (i32.eq (local.get $n) (local.get $i)))
            (local.set $pb (i32.add (local.get $b) (local.get $i)))
            (local.set $pa (i32.add (local.get $a) (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.eq (i32.load8_u (local.get $pa)) (i32.load8_u (local.get $pb)))))
          (br $differ))
        (return (i32.const 1)))
      (i32.const 0))))");
  for (auto [b, n, expected] : {std::tuple{24, 4, 1}, {20, 4, 0}, {20, 3, 1}, {24, 0, 1}}) {
    auto result = r.func("same").call({Value::i32(16), Value::i32(b), Value::i32(n)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << b << " " << n;
  }
  std::string ir = r.ir("same");
  EXPECT_NE(ir.find("0: BrIfI32Eq s2 s3 ->23  ; a loop in one handler with the next six\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ALoopWhoseHeadJumpsToItsTailRunsInOneHandler) {
  SKIP_WITHOUT_FUSIONS();
  // Counting zero bytes: a nonzero byte skips the count (the head jumps
  // forward to the step and test, which jump back), one handler for both
  // while bytes are nonzero (KITE_FUSE_LOOP, via_jump); a zero byte leaves it.
  Running r(std::string(R"((module (memory 1) )") + kListData + R"(
    (func (export "zeros") (param $p i32) (result i32) (local $n i32)
      (loop $l
        (block $skip
          (br_if $skip (i32.load8_u (local.get $p)))
          (local.set $n (i32.add (local.get $n) (i32.const 1))))
        (br_if $l (i32.ne (local.tee $p (i32.add (local.get $p) (i32.const 1)))
                          (i32.const 40))))
      (local.get $n))))");
  for (auto [start, expected] : {std::pair{16, 19}, {30, 9}, {39, 1}, {36, 3}}) {
    auto result = r.func("zeros").call({Value::i32(start)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << "from " << start;
  }
  std::string ir = r.ir("zeros");
  EXPECT_NE(ir.find("a loop in one handler with the one it jumps to\n    3: BrIfNez s2 ->8\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, ASievesMarkingLoopRunsInOneHandler) {
  SKIP_WITHOUT_FUSIONS();
  // stepping_loop's store, then add+branch: one handler, which exits after
  // the first store as well as after many.
  for (auto [start, step, expected] : {std::tuple{0, 3, 1}, {998, 5, 2}, {999, 7, 1}, {2, 4, 2}}) {
    Running fresh(stepping_loop(false));
    auto result = fresh.func("f").call({Value::i32(start), Value::i32(step)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << start << " " << step;
  }
  Running r(stepping_loop(false));
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find(std::string("I32Store8Imm s2 #1 #0 #0  ; ") + acc_note("s2") +
                    "a loop in one handler with the next two\n"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, AStepReadsThePreviousResultFromTheAccumulator) {
  // A chain of ops that no pair fuses: each takes the result of the one
  // before it from the accumulator, across a dispatch.
  Running r(R"((module
    (func (export "f") (param $a i32) (param $b i32) (result i32)
      (i32.clz (i32.popcnt (i32.rotl (local.get $a) (local.get $b)))))))");
  auto result = r.func("f").call({Value::i32(0x0F0F0F0F), Value::i32(3)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 27); // popcnt 16 = 0b10000: 27 leading zeros
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find(acc_line("I32Popcnt s2 s2", "s2")), std::string::npos) << ir;
  EXPECT_NE(ir.find(acc_line("I32Clz s0 s2", "s2")), std::string::npos) << ir;
}

TEST(InterpExecution, HandWrittenHandlersReadTheAccumulatorToo) {
  // br_table and a division that can trap (no steps) have variants that
  // take an operand from the accumulator; the trap still names itself.
  Running r(R"((module
    (func (export "pick") (param $x i32) (result i32)
      (block $b (block $a
        (br_table $a $b (i32.and (i32.popcnt (local.get $x)) (i32.const 1))))
        (return (i32.const 7)))
      (i32.const 9))
    (func (export "div") (param $x i32) (result i32)
      (i32.div_u (i32.const 100) (i32.popcnt (local.get $x))))))");
  for (auto [x, expected] : {std::pair{1, 9}, {3, 7}}) {
    auto result = r.func("pick").call({Value::i32(x)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << x;
  }
  auto quotient = r.func("div").call({Value::i32(0xF)});
  ASSERT_TRUE(quotient.ok()) << quotient.error().message;
  EXPECT_EQ((*quotient)[0].i32(), 25);
  auto trap = r.func("div").call({Value::i32(0)});
  ASSERT_FALSE(trap.ok());
  EXPECT_EQ(trap.error().message, "integer divide by zero");
  EXPECT_NE(r.ir("pick").find(acc_line("BrTable s1 [->10 ->14]", "s1")), std::string::npos)
      << r.ir("pick");
  EXPECT_NE(r.ir("div").find(acc_line("I32DivU s0 s1 s2", "s1")), std::string::npos) << r.ir("div");
}

TEST(InterpExecution, APairEnteringAHandWrittenHandlerPassesItTheResult) {
  SKIP_WITHOUT_FUSIONS();
  // x - 1 picks the br_table target: the subtraction and the br_table run
  // as one fused pair (KITE_FUSE_ENTER_FWD), the br_table taking its index
  // from the pair's register instead of the frame.
  Running r(R"((module
    (func (export "pick") (param $x i32) (result i32)
      (block $b (block $a
        (br_table $a $b (i32.sub (local.get $x) (i32.const 1))))
        (return (i32.const 7)))
      (i32.const 9))))");
  for (auto [x, expected] : {std::pair{1, 7}, {2, 9}, {0, 9}}) {
    auto result = r.func("pick").call({Value::i32(x)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << x;
  }
  std::string ir = r.ir("pick");
  EXPECT_NE(ir.find("I32SubImm s1 s0 #1  ; fused with the next, result passed in a register"),
            std::string::npos)
      << ir;
}

TEST(InterpExecution, AJumpTargetReadsTheAccumulatorOnlyWhenEveryPathAgrees) {
  // Both paths into the first loop's head bring $x in the accumulator (the
  // op before the loop and the back edge's counter); into the second's the
  // back edge brings the xor's result. After the call, the accumulator
  // holds the callee's last result, not the returned value.
  Running r(R"((module
    (func $g (param $p i32) (result i32) (local $r i32)
      (local.set $r (i32.mul (local.get $p) (i32.const 7)))
      (drop (i32.add (local.get $p) (i32.const 1000)))
      (local.get $r))
    (func (export "f") (param $n i32) (result i32) (local $x i32) (local $y i32) (local $z i32)
      (local.set $x (i32.popcnt (local.get $n)))
      (loop $agree
        (local.set $y (i32.add (local.get $y) (i32.clz (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br_if $agree (i32.lt_u (local.get $x) (i32.const 8))))
      (loop $differ
        (local.set $y (i32.add (local.get $y) (i32.ctz (local.get $x))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (local.set $z (i32.xor (local.get $z) (local.get $y)))
        (br_if $differ (i32.lt_u (local.get $x) (i32.const 12))))
      (i32.add (i32.add (i32.clz (call $g (local.get $y))) (local.get $y)) (local.get $z)))))");
  auto result = r.func("f").call({Value::i32(3)});
  ASSERT_TRUE(result.ok()) << result.error().message;
  // $x runs 2..7: $y = 30 + 30 + 29 * 4 = 176; then 8..11: $y = 180, $z = 0;
  // clz(180 * 7) = 21.
  EXPECT_EQ((*result)[0].i32(), 21 + 180);
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find(acc_line("I32Clz s5 s1", "s1")), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32Ctz s5 s1\n"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32Clz s4 s4\n"), std::string::npos) << ir;
}

TEST(InterpExecution, BrTableCarriesTheAccumulatorACatchLandingDoesNot) {
  // Both br_table targets are reached with the index in the accumulator,
  // so the first op of $a's continuation reads it from there. After the
  // try_table block, one path comes from the catch's landing (entered by
  // the unwinder): nothing is known there.
  Running r(R"((module
    (tag $e)
    (func $boom (param i32) (if (local.get 0) (then (throw $e))))
    (func (export "f") (param $x i32) (result i32) (local $y i32) (local $i i32)
      (local.set $y (i32.popcnt (local.get $x)))
      (block $b
        (block $a
          (br_table $a $b (local.tee $i (i32.and (local.get $y) (i32.const 1)))))
        (local.set $y (i32.add (local.get $y) (local.get $i))))
      (block $h
        (try_table (catch_all $h)
          (call $boom (i32.and (local.get $x) (i32.const 4))))
        (local.set $y (i32.add (local.get $y) (i32.const 100))))
      (i32.ctz (local.get $y)))))");
  // $y: popcnt, + the index on $a's path, + 100 unless $boom threw.
  for (auto [x, expected] : {std::pair{1, 0}, {3, 1}, {4, 0}, {6, 1}, {7, 0}}) {
    auto result = r.func("f").call({Value::i32(x)});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ((*result)[0].i32(), expected) << x;
  }
  std::string ir = r.ir("f");
  EXPECT_NE(ir.find("I32Add s1 s1 s2"), std::string::npos) << ir;
  if (KITE_ACCUMULATOR_VARIANTS)
    EXPECT_NE(ir.find("I32Add s1 s1 s2  ; s2 from the accumulator"), std::string::npos) << ir;
  EXPECT_NE(ir.find("I32Ctz s0 s1\n"), std::string::npos) << ir;
}

TEST(InterpExecution, DeclaredLocalsReadAsZeroOverAStaleFrame) {
  // $dirty leaves junk where $f's frame will be. $f sets $w before any
  // read (so entry does not zero it), reads $r first, and reads $l only
  // after a block, where the translator stops tracking: both must be 0.
  Running r(R"((module
    (func $dirty (result i32) (local i32 i32 i32 i32)
      (local.set 0 (i32.const 111)) (local.set 1 (i32.const 222))
      (local.set 2 (i32.const 333)) (local.set 3 (i32.const 444))
      (i32.add (local.get 0) (local.get 3)))
    (func $f (result i32) (local $w i32) (local $r i32) (local $l i32)
      (local.set $w (i32.const 5))
      (local.set $w (i32.add (local.get $w) (local.get $r)))
      (block (nop))
      (local.set $l (i32.add (local.get $l) (local.get $w)))
      (local.get $l))
    (func (export "g") (result i32)
      (drop (call $dirty))
      (call $f))))");
  auto result = r.func("g").call({});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 5);
}

TEST(InterpExecution, BranchesBackToASwitchLoopCopyItsHead) {
  // A bytecode loop: the head loads the opcode and switches on it. The
  // branch back from case 0 is emitted while the later cases' blocks are not
  // bound yet, so its copy of the head binds those entries with the
  // original's. Program: 1, 1, 2 (add 10), 0 (add 1), 3 (stop) -> 13.
  Running r(R"((module (memory 1)
    (data (i32.const 0) "\01\00\00\00\01\00\00\00\02\00\00\00\00\00\00\00\03\00\00\00")
    (func (export "f") (result i32) (local $pc i32) (local $acc i32)
      (loop $next
        (block $stop (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $stop (i32.load (i32.shl (local.get $pc) (i32.const 2)))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next))
          (local.set $acc (i32.add (local.get $acc) (i32.const 10)))
          (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
          (br $next)))
      (local.get $acc))))");
  auto result = r.func("f").call({});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 13);
  std::string ir = r.ir("f");
  size_t tables = 0;
  for (size_t at = ir.find("BrTableLoad"); at != std::string::npos;
       at = ir.find("BrTableLoad", at + 1))
    ++tables;
  EXPECT_EQ(tables, 4u) << ir; // the head and one copy per case
  EXPECT_EQ(ir.find("Br ->"), std::string::npos) << ir;
}

TEST(InterpExecution, BranchesToASharedCaseTailCopyTheTailAndTheHead) {
  // As a C switch compiles: cases 0 and 1 branch to the end of a block
  // whose tail steps pc and branches back to the switch loop. Each branch
  // gets its own copy of the tail and of the head, so no Br is left in the
  // cases. Program: 0, 0, 1, 0, 2 (stop) -> 1 + 1 - 1 + 1 = 2.
  Running r(R"((module (memory 1)
    (data (i32.const 0) "\00\00\01\00\02")
    (func (export "f") (result i32) (local $pc i32) (local $acc i32)
      (loop $top
        (block $next
          (block $stop (block $dec (block $inc
            (br_table $inc $dec $stop (i32.load8_u (local.get $pc))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
            (br $next))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))
            (br $next))
          (return (local.get $acc)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $top))
      (unreachable))))");
  auto result = r.func("f").call({});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 2);
  std::string ir = r.ir("f");
  size_t tables = 0;
  for (size_t at = ir.find("BrTable "); at != std::string::npos; at = ir.find("BrTable ", at + 1))
    ++tables;
  EXPECT_EQ(tables, 3u) << ir; // the head, and one copy per case
  EXPECT_EQ(ir.find("Br ->"), std::string::npos) << ir;
}

TEST(InterpExecution, BranchesToASharedTailOfAStateMachineCopyTheTail) {
  // A loop over bytes whose head tests for the end (so is not a dispatch
  // head): each case still gets its own copy of the tail that loads the
  // next byte, and branches straight back to the loop. Counts the runs of
  // "a"s in "aab" "a" "bba": 3.
  Running r(R"((module (memory 1)
    (data (i32.const 0) "aababba")
    (func (export "f") (result i32) (local $p i32) (local $c i32) (local $in i32) (local $runs i32)
      (local.set $c (i32.load8_u (i32.const 0)))
      (loop $top
        (if (i32.eqz (local.get $c)) (then (return (local.get $runs))))
        (block $next
          (if (i32.eq (local.get $c) (i32.const 97))
            (then
              (local.set $runs (i32.add (local.get $runs) (i32.eqz (local.get $in))))
              (local.set $in (i32.const 1))
              (br $next)))
          (local.set $in (i32.const 0))
          (br $next))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $c (i32.load8_u (local.get $p)))
        (br $top))
      (unreachable))))");
  auto result = r.func("f").call({});
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)[0].i32(), 3);
  std::string ir = r.ir("f");
  size_t loads = 0;
  for (size_t at = ir.find("I32Load8U "); at != std::string::npos;
       at = ir.find("I32Load8U ", at + 1))
    ++loads;
  EXPECT_EQ(loads, 2u) << ir; // one per case; the shared tail is not reached
}

TEST(InterpExecution, WithoutGuardPagesAccessesAreCheckedAndMemoriesGrow) {
  EngineConfig config;
  config.guard_pages = false;
  Engine engine(config);
  Store store(engine);
  auto module = Module::compile(engine, R"((module (memory (export "m") 1)
    (func (export "grow_and_sum") (result i32) (local $i i32) (local $sum i32)
      (i32.store (i32.const 65532) (i32.const 5))
      (drop (memory.grow (i32.const 100)))
      (i32.store (i32.const 6553596) (i32.const 7))
      (i32.add (i32.load (i32.const 65532)) (i32.load (i32.const 6553596))))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))))");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker;
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  auto sum = inst->func("grow_and_sum")->call({});
  ASSERT_TRUE(sum.ok()) << sum.error().message;
  EXPECT_EQ((*sum)[0].i32(), 12);
  auto oob = inst->func("load")->call({Value::i32(101 * 65536 - 3)});
  ASSERT_FALSE(oob.ok());
  EXPECT_EQ(oob.error().message, "out of bounds memory access");
  std::string ir = *interp::dump_ir(*inst->func("load")->raw());
  EXPECT_NE(ir.find("I32LoadChecked"), std::string::npos) << ir;
}

TEST(InterpExecution, DeepRecursionTrapsCleanly) {
  Running r(R"((module
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))))");
  auto deep = r.func("down").call({Value::i32(1000000)});
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().message, "call stack exhausted");
  EXPECT_EQ(deep.error().backtrace.size(), 65u); // 64 frames and "... N more frames"
  auto fine = r.func("down").call({Value::i32(10000)});
  ASSERT_TRUE(fine.ok()) << fine.error().describe();
  EXPECT_EQ((*fine)[0].i32(), 10000);
}

TEST(InterpExecution, TailCallsRunInConstantStack) {
  Running r(R"((module
    (func $loop (export "loop") (param i64 i64) (result i64)
      (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
        (else (return_call $loop (i64.sub (local.get 0) (i64.const 1))
                                 (i64.add (local.get 1) (i64.const 2))))))))");
  auto result = r.func("loop").call({Value::i64(3000000), Value::i64(0)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i64(), 6000000);
}

TEST(InterpExecution, GuardPageFaultBecomesTrapAndExecutionContinues) {
  Running r(R"((module (memory 1)
    (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))))");
  ASSERT_TRUE(r.func("store").call({Value::i32(100), Value::i32(42)}).ok());
  for (int i = 0; i < 3; ++i) {
    auto oob = r.func("load").call({Value::i32(65533)});
    ASSERT_FALSE(oob.ok());
    EXPECT_EQ(oob.error().message, "out of bounds memory access");
    auto far = r.func("load").call({Value::i32(-1)});
    ASSERT_FALSE(far.ok());
    EXPECT_EQ(far.error().message, "out of bounds memory access");
  }
  auto ok = r.func("load").call({Value::i32(96)});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)[0].i32(), 42);
}

TEST(InterpExecution, HostFunctionsTrapAndReenter) {
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, R"((module
    (import "env" "host" (func $host (param i32) (result i32)))
    (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "outer") (param i32) (result i32)
      (i32.add (call $host (local.get 0)) (i32.const 1)))))");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  std::optional<Instance> instance;
  Func host = Func::host(store, FuncType{{ValType::i32()}, {ValType::i32()}},
                         [&](std::span<const Value> args, std::span<Value> results) -> Status {
                           if (args[0].i32() < 0) return Error{"negative argument"};
                           // Re-enter wasm from inside a wasm -> host call.
                           auto inner = instance->func("twice")->call({args[0]});
                           if (!inner.ok()) return std::move(inner).error();
                           results[0] = (*inner)[0];
                           return {};
                         });
  Linker linker;
  linker.define("env", "host", host);
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  instance = std::move(*inst);
  auto result = instance->func("outer")->call({Value::i32(20)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 41);
  auto trap = instance->func("outer")->call({Value::i32(-5)});
  ASSERT_FALSE(trap.ok());
  EXPECT_EQ(trap.error().message, "negative argument");
  auto again = instance->func("outer")->call({Value::i32(1)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].i32(), 3);
}

TEST(InterpExecution, ExceptionsUnwindFramesAndEscapeAsExceptionErrors) {
  Running r(R"((module (tag $e (param i32 i64))
    (func $thrower (param i32) (if (local.get 0) (then (throw $e (local.get 0) (i64.const 7)))))
    (func $middle (param i32) (result i32)
      (call $thrower (local.get 0)) (i32.const -1))
    (func (export "catch") (param i32) (result i32)
      (block $h (result i32 i64)
        (return (try_table (result i32) (catch $e $h) (call $middle (local.get 0)))))
      (i32.wrap_i64) (i32.add))
    (func (export "uncaught") (param i32) (result i32) (call $middle (local.get 0)))))");
  auto caught = r.func("catch").call({Value::i32(5)});
  ASSERT_TRUE(caught.ok()) << caught.error().describe();
  EXPECT_EQ((*caught)[0].i32(), 12);
  auto none = r.func("catch").call({Value::i32(0)});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)[0].i32(), -1);
  auto escaped = r.func("uncaught").call({Value::i32(3)});
  ASSERT_FALSE(escaped.ok());
  EXPECT_EQ(escaped.error().kind, ErrorKind::Exception);
  // The thread state is intact afterwards.
  auto again = r.func("catch").call({Value::i32(1)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].i32(), 8);
}

TEST(InterpExecution, ExceptionsPropagateThroughHostFunctions) {
  // wasm `outer` -> host -> wasm `inner` throws; the host returns the
  // Exception error and `outer` catches the same exception (tag and payload).
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, R"((module
    (import "env" "host" (func $host (param i32)))
    (tag $e (param i32))
    (func (export "inner") (param i32) (throw $e (local.get 0)))
    (func (export "outer") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $e $h) (call $host (local.get 0)))
        (i32.const -1)))))");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  std::optional<Instance> instance;
  Func host = Func::host(store, FuncType{{ValType::i32()}, {}},
                         [&](std::span<const Value> args, std::span<Value>) -> Status {
                           auto inner = instance->func("inner")->call({args[0]});
                           if (!inner.ok()) return std::move(inner).error();
                           return {};
                         });
  Linker linker;
  linker.define("env", "host", host);
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  instance = std::move(*inst);
  auto result = instance->func("outer")->call({Value::i32(42)});
  ASSERT_TRUE(result.ok()) << result.error().describe();
  EXPECT_EQ((*result)[0].i32(), 42);
}

TEST(InterpExecution, ThreadsRacingToTranslateShareOneCode) {
  Running r(kFib);
  Func fib = r.func("fib");
  std::vector<std::thread> threads;
  std::vector<int32_t> results(4);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      auto v = fib.call({Value::i32(15)});
      results[t] = v.ok() ? (*v)[0].i32() : -1;
    });
  for (auto& t : threads)
    t.join();
  for (int32_t v : results)
    EXPECT_EQ(v, 610);
}

} // namespace
} // namespace kite::api
