// Wasm GC under the interpreter: objects from constant expressions and
// function bodies, and the collector. Most tests run with the heap in
// stress mode (a collection at every allocation), so a root the translator
// or the frame walk missed shows up as a wrong result (or, under ASan, a
// use after free).
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "kite/kite.h"
#include "running_module.h"
#include "runtime/store.h"

namespace kite::api {
namespace {

using Running = test_support::RunningModule;

// A linked list built while garbage is allocated: every node must survive.
constexpr const char* kList = R"((module
  (type $node (struct (field $value i32) (field $next (ref null $node))))
  (type $bytes (array (mut i8)))
  (global $head (mut (ref null $node)) (ref.null $node))
  (func $garbage (drop (array.new_default $bytes (i32.const 100))))
  ;; Builds n nodes; locals, temps and call arguments hold the only
  ;; references while collections run.
  (func (export "build") (param $n i32) (result (ref null $node))
    (local $list (ref null $node)) (local $i i32)
    (loop $l
      (call $garbage)
      (local.set $list
        (struct.new $node (local.get $i)
          (block (result (ref null $node)) (call $garbage) (local.get $list))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $list))
  (func (export "sum") (param $list (ref null $node)) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (ref.is_null (local.get $list)))
      (local.set $s (i32.add (local.get $s) (struct.get $node $value (local.get $list))))
      (local.set $list (struct.get $node $next (local.get $list)))
      (call $garbage)
      (br $l)))
    (local.get $s))
  (func (export "keep") (param $n i32) (global.set $head (call 1 (local.get $n))))
  (func (export "sum_kept") (result i32) (call 2 (global.get $head)))
  (func (export "build_sum") (param $n i32) (result i32) (call 2 (call 1 (local.get $n))))))";

TEST(InterpGc, ListSurvivesCollectionsAtEveryAllocation) {
  Running r(kList);
  r.store.raw().heap.set_stress(true);
  auto list = r.func("build").call({Value::i32(300)});
  ASSERT_TRUE(list.ok()) << list.error().describe();
  // The list is only in this Value: rooted, it survives the calls below.
  Rooted rooted(r.store, (*list)[0]);
  auto other = r.func("build").call({Value::i32(50)});
  ASSERT_TRUE(other.ok());
  auto sum = r.func("sum").call({rooted.value()});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i32(), 300 * 299 / 2);
  EXPECT_GT(r.store.raw().heap.collections(), 600u);
}

TEST(InterpGc, GlobalsAreRoots) {
  Running r(kList);
  r.store.raw().heap.set_stress(true);
  ASSERT_TRUE(r.func("keep").call({Value::i32(200)}).ok());
  auto sum = r.func("sum_kept").call({});
  ASSERT_TRUE(sum.ok()) << sum.error().describe();
  EXPECT_EQ((*sum)[0].i32(), 200 * 199 / 2);
}

TEST(InterpGc, GarbageIsFreed) {
  Running r(R"((module (type $a (array (mut i64)))
    (func (export "churn") (param $n i32) (local $keep (ref null $a))
      (local.set $keep (array.new_default $a (i32.const 1000)))
      (loop $l
        (drop (array.new_default $a (i32.const 1000)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (array.set $a (local.get $keep) (i32.const 0) (i64.const 1)))))");
  // 20,000 arrays of 8 KB: 160 MB allocated in all, one kept.
  ASSERT_TRUE(r.func("churn").call({Value::i32(20000)}).ok());
  const gc::Heap& heap = r.store.raw().heap;
  EXPECT_GT(heap.collections(), 0u);
  EXPECT_LT(heap.heap_bytes(), uint64_t{64} << 20);
}

TEST(InterpGc, ConstantExpressionsAllocate) {
  Running r(R"((module
    (type $pair (struct (field i32) (field i64)))
    (type $arr (array i16))
    (global $p (ref $pair) (struct.new $pair (i32.const 7) (i64.const -2)))
    (global $a (ref $arr) (array.new_fixed $arr 3 (i32.const 1) (i32.const -1) (i32.const 3)))
    (table $t 2 (ref null $pair) (struct.new_default $pair))
    (func (export "get") (result i32 i64 i32 i32)
      (struct.get $pair 0 (global.get $p)) (struct.get $pair 1 (global.get $p))
      (array.get_s $arr (global.get $a) (i32.const 1))
      (struct.get $pair 0 (ref.as_non_null (table.get $t (i32.const 1)))))))");
  r.store.raw().heap.set_stress(true);
  auto v = r.func("get").call({});
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ((*v)[0].i32(), 7);
  EXPECT_EQ((*v)[1].i64(), -2);
  EXPECT_EQ((*v)[2].i32(), -1);
  EXPECT_EQ((*v)[3].i32(), 0);
}

TEST(InterpGc, ExceptionPayloadsAreRoots) {
  Running r(R"((module
    (type $box (struct (field i32)))
    (type $junk (array i8))
    (tag $e (param (ref $box)))
    (func $throw (throw $e (struct.new $box (i32.const 41))))
    (func (export "run") (result i32) (local $i i32)
      (block $caught (result (ref $box))
        (try_table (catch $e $caught) (call $throw))
        (unreachable))
      ;; The payload is only on the operand stack while garbage piles up.
      (loop $l
        (drop (array.new_default $junk (i32.const 64)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 50))))
      (i32.add (struct.get $box 0) (i32.const 1)))))");
  r.store.raw().heap.set_stress(true);
  auto v = r.func("run").call({});
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ((*v)[0].i32(), 42);
}

TEST(InterpGc, HostCallsKeepTheCallersReferences) {
  Engine engine;
  Store store(engine);
  store.raw().heap.set_stress(true);
  Linker linker;
  std::optional<Instance> instance;
  // The host calls back into wasm, which allocates, while the wasm frame that
  // called the host holds references in a local and on its operand stack.
  linker.define("env", "callback", Func::host(store, FuncType{}, [&](auto, auto) -> Status {
                  auto r = instance->func("allocate")->call({Value::i32(20)});
                  if (!r.ok()) return r.error();
                  return {};
                }));
  auto module = Module::compile(engine, R"((module
    (import "env" "callback" (func $callback))
    (type $box (struct (field i32)))
    (func (export "allocate") (param $n i32)
      (loop $l
        (drop (struct.new $box (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (func (export "run") (result i32) (local $b (ref null $box))
      (local.set $b (struct.new $box (i32.const 5)))
      (struct.new $box (i32.const 6))
      (call $callback)
      (struct.get $box 0)
      (struct.get $box 0 (local.get $b))
      (i32.add))))");
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok()) << inst.error().describe();
  instance = std::move(*inst);
  auto v = instance->func("run")->call({});
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_EQ((*v)[0].i32(), 11);
}

TEST(InterpGc, HeapLimitTrapsCleanly) {
  EngineConfig config;
  config.max_gc_heap_bytes = uint64_t{4} << 20;
  Running r(R"((module (type $a (array i64))
    (func (export "big") (param i32) (drop (array.new_default $a (local.get 0))))))",
            config);
  auto huge = r.func("big").call({Value::i32(-1)});
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().message, "out of memory: GC heap limit");
  auto small = r.func("big").call({Value::i32(1000)});
  EXPECT_TRUE(small.ok());
}

TEST(InterpGc, LiveDataPastTheLimitTraps) {
  EngineConfig config;
  config.max_gc_heap_bytes = uint64_t{8} << 20;
  Running r(R"((module (type $a (array i64)) (type $cell (struct (field anyref) (field anyref)))
    (func (export "hoard") (local $l anyref)
      (loop $forever
        (local.set $l (struct.new $cell (array.new_default $a (i32.const 100)) (local.get $l)))
        (br $forever)))))",
            config);
  auto v = r.func("hoard").call({});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "out of memory: GC heap limit");
}

TEST(InterpGc, ThreadsAllocateInOneStore) {
  // Two threads build lists in one store at once, then one thread alone
  // (where collections may run): every list must be intact.
  Running r(kList);
  // A list lives only inside one call: between calls another thread may
  // collect, and the host holds no roots.
  auto work = [&](int n, int32_t* out) {
    auto sum = r.func("build_sum").call({Value::i32(n)});
    ASSERT_TRUE(sum.ok()) << sum.error().describe();
    *out = (*sum)[0].i32();
  };
  int32_t a = 0, b = 0;
  std::thread other([&] { work(20000, &a); });
  work(30000, &b);
  other.join();
  EXPECT_EQ(a, 20000 * 19999 / 2);
  EXPECT_EQ(b, 30000 * 29999 / 2);
  r.store.raw().heap.set_stress(true);
  int32_t c = 0;
  work(100, &c);
  EXPECT_EQ(c, 100 * 99 / 2);
}

TEST(InterpGc, StoresOnOtherThreadsDoNotStopCollections) {
  // Two stores churning on two threads at once: each collects its own heap.
  constexpr const char* kChurn = R"((module (type $a (array (mut i64)))
    (func (export "churn") (param $n i32)
      (loop $l
        (drop (array.new_default $a (i32.const 1000)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))))";
  Running a(kChurn), b(kChurn);
  std::thread other([&] { EXPECT_TRUE(a.func("churn").call({Value::i32(20000)}).ok()); });
  EXPECT_TRUE(b.func("churn").call({Value::i32(20000)}).ok());
  other.join();
  EXPECT_GT(a.store.gc_stats().collections, 0u);
  EXPECT_GT(b.store.gc_stats().collections, 0u);
}

TEST(InterpGc, GcOpsPrintInTheIr) {
  Running r(R"((module (type $p (struct (field (mut i32)) (field anyref)))
    (func $g (param i32) (result i32) (local.get 0))
    (func (export "f") (param (ref $p)) (result i32) (local $q (ref null $p))
      (struct.set $p 0 (local.get 0) (i32.const 3))
      (local.set $q (struct.new $p (i32.const 1) (local.get 0)))
      (struct.get $p 0 (local.get 0))
      (call $g (i32.const 2))
      (i32.add))))");
  const std::string ir = r.ir("f");
  EXPECT_NE(ir.find("reference locals (GC roots): s0 s1"), std::string::npos) << ir;
  EXPECT_NE(ir.find("StructSetI32"), std::string::npos) << ir;
  EXPECT_NE(ir.find("StructGetI32"), std::string::npos) << ir;
  EXPECT_NE(ir.find("StructNew"), std::string::npos) << ir;
  EXPECT_NE(ir.find("type#"), std::string::npos) << ir;
  // struct.new reads its reference field (a copy of local 0) from a temp.
  EXPECT_NE(ir.find("GC roots s3"), std::string::npos) << ir;
}

} // namespace
} // namespace kite::api
