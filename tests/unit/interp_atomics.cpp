// Threads (atomics) through the embedding API: read-modify-write results,
// alignment and bounds traps on the guarded and checked paths, and
// memory.atomic.wait/notify between real OS threads.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "kite/kite.h"
#include "running_module.h"

namespace kite::api {
namespace {

using Running = test_support::RunningModule;

// The same functions over a guarded 32-bit memory and a checked memory64.
std::string atomics_module(std::string_view memory, std::string_view addr) {
  std::string a(addr);
  return "(module (memory " + std::string(memory) +
         ")\n"
         "  (func (export \"add\") (param " +
         a +
         " i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))\n"
         "  (func (export \"cmpxchg8\") (param " +
         a +
         " i64 i64) (result i64)\n"
         "    (i64.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))\n"
         "  (func (export \"load\") (param " +
         a + " ) (result i64) (i64.atomic.load offset=8 (local.get 0))))";
}

TEST(InterpAtomics, RmwAndCmpxchgOnGuardedAndCheckedMemories) {
  for (auto [memory, addr] : {std::pair{"1 1 shared", "i32"}, std::pair{"i64 1 1 shared", "i64"}}) {
    Running r(atomics_module(memory, addr));
    bool is64 = std::string_view(addr) == "i64";
    auto at = [&](uint64_t a) {
      return is64 ? Value::i64(static_cast<int64_t>(a)) : Value::i32(static_cast<int32_t>(a));
    };
    auto old = r.func("add").call({at(8), Value::i32(5)});
    ASSERT_TRUE(old.ok()) << old.error().message;
    EXPECT_EQ((*old)[0].i32(), 0);
    old = r.func("add").call({at(8), Value::i32(-1)});
    ASSERT_TRUE(old.ok());
    EXPECT_EQ((*old)[0].i32(), 5);
    // The expected value is wrapped to the access width: 0x104 matches 4.
    auto swapped = r.func("cmpxchg8").call({at(8), Value::i64(0x104), Value::i64(0x1ff)});
    ASSERT_TRUE(swapped.ok());
    EXPECT_EQ((*swapped)[0].i64(), 4);
    auto value = r.func("load").call({at(0)});
    ASSERT_TRUE(value.ok());
    EXPECT_EQ((*value)[0].i64(), 0xff);

    auto unaligned = r.func("add").call({at(2), Value::i32(1)});
    ASSERT_FALSE(unaligned.ok());
    EXPECT_EQ(unaligned.error().message, "unaligned atomic");
    auto oob = r.func("add").call({at(65536), Value::i32(1)});
    ASSERT_FALSE(oob.ok());
    EXPECT_EQ(oob.error().message, "out of bounds memory access");
    // Alignment is checked before bounds.
    auto both = r.func("load").call({at(65537)});
    ASSERT_FALSE(both.ok());
    EXPECT_EQ(both.error().message, "unaligned atomic");
  }
}

constexpr std::string_view kWaitNotify = R"((module (memory 1 1 shared)
  (func (export "wait") (param i32 i64) (result i32)
    (memory.atomic.wait32 (i32.const 0) (local.get 0) (local.get 1)))
  (func (export "notify") (param i32) (result i32)
    (memory.atomic.notify (i32.const 0) (local.get 0)))
  (func (export "store") (param i32) (i32.atomic.store (i32.const 0) (local.get 0))))
)";

TEST(InterpAtomics, WaitReturnsAtOnceOrTimesOut) {
  Running r(kWaitNotify);
  auto not_equal = r.func("wait").call({Value::i32(1), Value::i64(-1)});
  ASSERT_TRUE(not_equal.ok());
  EXPECT_EQ((*not_equal)[0].i32(), 1);
  auto start = std::chrono::steady_clock::now();
  auto timed_out = r.func("wait").call({Value::i32(0), Value::i64(20'000'000)});
  ASSERT_TRUE(timed_out.ok());
  EXPECT_EQ((*timed_out)[0].i32(), 2);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
  auto nobody = r.func("notify").call({Value::i32(10)});
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ((*nobody)[0].i32(), 0);
}

TEST(InterpAtomics, NotifyWakesWaitersOnOtherThreads) {
  Running r(kWaitNotify);
  constexpr int kWaiters = 3;
  std::vector<std::thread> threads;
  std::vector<int32_t> results(kWaiters, -1);
  for (int t = 0; t < kWaiters; ++t)
    threads.emplace_back([&, t] {
      auto v = r.func("wait").call({Value::i32(0), Value::i64(-1)});
      results[t] = v.ok() ? (*v)[0].i32() : -2;
    });
  // Each notify of one wakes one waiter that is already asleep.
  int woken = 0;
  while (woken < kWaiters) {
    auto n = r.func("notify").call({Value::i32(1)});
    ASSERT_TRUE(n.ok());
    woken += (*n)[0].i32();
    std::this_thread::yield();
  }
  for (auto& t : threads)
    t.join();
  for (int32_t v : results)
    EXPECT_EQ(v, 0);
}

TEST(InterpAtomics, WaitOnAnUnsharedMemoryTrapsAndNotifyWakesNone) {
  Running r(R"((module (memory 1)
    (func (export "wait") (result i32)
      (memory.atomic.wait64 (i32.const 8) (i64.const 0) (i64.const 0)))
    (func (export "notify") (result i32) (memory.atomic.notify (i32.const 8) (i32.const 1)))))");
  auto wait = r.func("wait").call({});
  ASSERT_FALSE(wait.ok());
  EXPECT_EQ(wait.error().message, "expected shared memory");
  auto notify = r.func("notify").call({});
  ASSERT_TRUE(notify.ok());
  EXPECT_EQ((*notify)[0].i32(), 0);
}

} // namespace
} // namespace kite::api
