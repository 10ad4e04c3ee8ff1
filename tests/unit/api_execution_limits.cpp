// Fuel, interrupts and timeouts (EngineConfig::consume_fuel / interruptible):
// runaway code stops with a trap; with both off, code carries no checks.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "kite/kite.h"
#include "running_module.h"

namespace kite::api {
namespace {

using Running = test_support::RunningModule;
using namespace std::chrono_literals;

constexpr const char* kLoops = R"((module
  (func (export "spin") (loop $l (br $l)))
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $deep (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "forever") (param i32) (result i32)
    ;; recursion with no loop: only function entries are checked
    (return_call 2 (local.get 0)))
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $i))))";

EngineConfig with_fuel() {
  EngineConfig c;
  c.consume_fuel = true;
  return c;
}
EngineConfig interruptible() {
  EngineConfig c;
  c.interruptible = true;
  return c;
}

TEST(ExecutionLimits, FuelRunsOutAndCanBeAdded) {
  Running r(kLoops, with_fuel());
  EXPECT_EQ(*r.store.fuel(), 0u); // a store starts with none
  auto none = r.func("count").call({Value::i32(10)});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "all fuel consumed");

  ASSERT_TRUE(r.store.set_fuel(100'000).ok());
  auto spin = r.func("spin").call({});
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.error().message, "all fuel consumed");
  EXPECT_EQ(*r.store.fuel(), 0u);

  ASSERT_TRUE(r.store.add_fuel(10'000).ok());
  auto counted = r.func("count").call({Value::i32(100)});
  ASSERT_TRUE(counted.ok()) << counted.error().describe();
  EXPECT_EQ((*counted)[0].i32(), 100);
  // About one unit per instruction: 100 iterations of a 7-instruction loop.
  const uint64_t used = 10'000 - *r.store.fuel();
  EXPECT_GE(used, 700u);
  EXPECT_LE(used, 1'500u);
}

TEST(ExecutionLimits, CallDepthAndStackFollowTheEngine) {
  EngineConfig shallow;
  shallow.max_call_depth = 300;
  Running r(kLoops, shallow);
  auto fits = r.func("deep").call({Value::i32(250)});
  ASSERT_TRUE(fits.ok()) << fits.error().describe();
  auto deep = r.func("deep").call({Value::i32(350)});
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().message, "call stack exhausted");

  // A store of another engine on the same thread runs with its own limits.
  EngineConfig small_stack;
  small_stack.max_stack_bytes = 64 << 10;
  Running other(kLoops, small_stack);
  EXPECT_FALSE(other.func("deep").call({Value::i32(20'000)}).ok());
  EXPECT_TRUE(Running(kLoops).func("deep").call({Value::i32(20'000)}).ok());
}

TEST(ExecutionLimits, IrOfWasmFunctionsOnly) {
  Running r(kLoops);
  auto ir = r.func("count").dump_ir();
  ASSERT_TRUE(ir.ok()) << ir.error().describe();
  EXPECT_NE(ir->find('\n'), std::string::npos);
  Func host = Func::host(r.store, FuncType{}, [](auto, auto) { return Status{}; });
  EXPECT_FALSE(host.dump_ir().ok());
}

TEST(ExecutionLimits, FuelStopsRecursionWithoutLoops) {
  Running r(kLoops, with_fuel());
  ASSERT_TRUE(r.store.set_fuel(1'000'000).ok());
  auto v = r.func("forever").call({Value::i32(1)});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "all fuel consumed");
}

TEST(ExecutionLimits, FuelNeedsItsEngineOption) {
  Running r(kLoops);
  EXPECT_FALSE(r.store.set_fuel(10).ok());
  EXPECT_FALSE(r.store.fuel().ok());
  EXPECT_FALSE(r.store.interrupt_handle().ok());
  EXPECT_FALSE(r.store.set_timeout(1s).ok());
  // Without either option the code has no checks at all.
  EXPECT_EQ(r.ir("spin").find("Check"), std::string::npos) << r.ir("spin");
  Running checked(kLoops, interruptible());
  EXPECT_NE(checked.ir("spin").find("Check"), std::string::npos) << checked.ir("spin");
}

TEST(ExecutionLimits, AnotherThreadInterrupts) {
  Running r(kLoops, interruptible());
  auto handle = r.store.interrupt_handle();
  ASSERT_TRUE(handle.ok());
  std::thread stopper([h = *handle] {
    std::this_thread::sleep_for(50ms);
    h.interrupt();
  });
  auto spin = r.func("spin").call({});
  stopper.join();
  ASSERT_FALSE(spin.ok());
  EXPECT_EQ(spin.error().message, "interrupted");
  // Interrupted until cleared.
  EXPECT_FALSE(r.func("count").call({Value::i32(3)}).ok());
  r.store.clear_interrupt();
  auto counted = r.func("count").call({Value::i32(3)});
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ((*counted)[0].i32(), 3);
}

TEST(ExecutionLimits, TimeoutStopsRunawayCode) {
  Running r(kLoops, interruptible());
  ASSERT_TRUE(r.store.set_timeout(100ms).ok());
  const auto start = std::chrono::steady_clock::now();
  auto v = r.func("forever").call({Value::i32(1)});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "interrupted");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  // A cancelled timeout never fires.
  r.store.clear_interrupt();
  ASSERT_TRUE(r.store.set_timeout(50ms).ok());
  ASSERT_TRUE(r.store.set_timeout(0ns).ok());
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(r.func("count").call({Value::i32(3)}).ok());
}

TEST(ExecutionLimits, EndlessReentryThroughTheHostIsBounded) {
  // wasm -> host -> wasm -> host ... without end: each round takes native
  // stack (wasm calls alone do not), so it must stop as a trap.
  Engine engine;
  Store store(engine);
  Linker linker;
  std::optional<Instance> instance;
  uint64_t rounds = 0;
  linker.define("env", "again", Func::host(store, FuncType{}, [&](auto, auto) -> Status {
                  ++rounds;
                  auto r = instance->func("enter")->call({});
                  if (!r.ok()) return r.error();
                  return {};
                }));
  auto module = Module::compile(engine, R"((module (import "env" "again" (func $again))
    (func (export "enter") (call $again))))");
  ASSERT_TRUE(module.ok());
  auto inst = linker.instantiate(store, *module);
  ASSERT_TRUE(inst.ok());
  instance = std::move(*inst);
  auto v = instance->func("enter")->call({});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "call stack exhausted");
  EXPECT_GT(rounds, 100u);
  // The thread can run wasm again afterwards.
  linker.define("env", "again", Func::host(store, FuncType{}, [](auto, auto) { return Status{}; }));
  auto fresh = linker.instantiate(store, *module);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh->func("enter")->call({}).ok());
}

} // namespace
} // namespace kite::api
