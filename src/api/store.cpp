// kite::api::Store: the store, its GC statistics, fuel, interrupts and
// timeouts.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "kite/kite.h"
#include "runtime/store.h"
#include "support/platform.h"

namespace kite::api {

// A thread that interrupts the store's code at a deadline; set_timeout moves
// the deadline, the destructor stops it.
struct Store::Watchdog {
  std::shared_ptr<std::atomic<uint32_t>> flag;
  std::mutex mutex;
  std::condition_variable wake;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool stop = false;
  std::thread thread;

  explicit Watchdog(std::shared_ptr<std::atomic<uint32_t>> f) : flag(std::move(f)) {
    thread = std::thread([this] { watch(); });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    wake.notify_all();
    thread.join();
  }
  void watch() {
    std::unique_lock lock(mutex);
    while (!stop) {
      if (!deadline) {
        wake.wait(lock);
      } else if (wake.wait_until(lock, *deadline) == std::cv_status::timeout && deadline &&
                 std::chrono::steady_clock::now() >= *deadline) {
        flag->store(1, std::memory_order_relaxed);
        deadline.reset();
      }
    }
  }
};

Store::Store(const Engine& engine)
    : consume_fuel_(engine.config().consume_fuel), interruptible_(engine.config().interruptible),
      store_(std::make_unique<kite::Store>(
          StoreLimits{.max_memory_bytes = engine.config().max_memory_bytes,
                      .max_table_elements = engine.config().max_table_elements,
                      .max_total_bytes = engine.config().max_total_bytes,
                      .max_gc_heap_bytes = engine.config().max_gc_heap_bytes,
                      .guard_pages = engine.config().guard_pages,
                      .execution_checks = consume_fuel_ || interruptible_,
                      .max_call_depth = engine.config().max_call_depth,
                      .max_stack_bytes = engine.config().max_stack_bytes})) {
  if (consume_fuel_) store_->checks.fuel = 0;
}

Store::~Store() = default;

Store::GcStats Store::gc_stats() const {
  const gc::Heap& heap = store_->heap;
  return {heap.collections(), heap.live_bytes(), heap.heap_bytes()};
}

namespace {
constexpr const char* kNoFuel = "fuel is off: set EngineConfig::consume_fuel";
constexpr const char* kNoInterrupts = "interrupts are off: set EngineConfig::interruptible";
constexpr const char* kNoWatchdog = "timeouts need a thread, and this build of kite has none";
constexpr uint64_t kMaxFuel = INT64_MAX;
} // namespace

Status Store::set_fuel(uint64_t fuel) {
  if (!consume_fuel_) return Error{kNoFuel};
  store_->checks.fuel = static_cast<int64_t>(std::min(fuel, kMaxFuel));
  return {};
}

Status Store::add_fuel(uint64_t fuel) {
  if (!consume_fuel_) return Error{kNoFuel};
  const auto now = static_cast<uint64_t>(store_->checks.fuel);
  store_->checks.fuel = static_cast<int64_t>(fuel > kMaxFuel - now ? kMaxFuel : now + fuel);
  return {};
}

Result<uint64_t> Store::fuel() const {
  if (!consume_fuel_) return Error{kNoFuel};
  return static_cast<uint64_t>(store_->checks.fuel);
}

void Store::InterruptHandle::interrupt() const { flag_->store(1, std::memory_order_relaxed); }

Result<Store::InterruptHandle> Store::interrupt_handle() {
  if (!interruptible_) return Error{kNoInterrupts};
  return InterruptHandle(store_->checks.interrupt);
}

void Store::clear_interrupt() { store_->checks.interrupt->store(0, std::memory_order_relaxed); }

Status Store::set_timeout(std::chrono::nanoseconds timeout) {
  if (!interruptible_) return Error{kNoInterrupts};
  if (!platform::kThreads) return Error{kNoWatchdog};
  if (!watchdog_) watchdog_ = std::make_unique<Watchdog>(store_->checks.interrupt);
  {
    std::lock_guard lock(watchdog_->mutex);
    if (timeout.count() > 0)
      watchdog_->deadline = std::chrono::steady_clock::now() + timeout;
    else
      watchdog_->deadline.reset();
  }
  watchdog_->wake.notify_all();
  return {};
}

} // namespace kite::api
