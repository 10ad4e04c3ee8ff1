#include "runtime/atomic_wait.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>

namespace kite {
namespace {

struct Waiter {
  const void* addr = nullptr;
  std::condition_variable cv;
  bool woken = false;
};

struct Bucket {
  std::mutex mutex;
  std::list<Waiter*> waiters; // in arrival order
};

Bucket& bucket_of(const void* addr) {
  static Bucket buckets[64];
  uint64_t h = reinterpret_cast<uintptr_t>(addr) * 0x9E3779B97F4A7C15ull;
  return buckets[h >> 58];
}

template <typename T> uint32_t wait(T* addr, T expected, int64_t timeout_ns) {
  Bucket& b = bucket_of(addr);
  std::unique_lock lock(b.mutex);
  if (std::atomic_ref<T>(*addr).load() != expected) return 1;
  Waiter w;
  w.addr = addr;
  b.waiters.push_back(&w);
  auto woken = [&] { return w.woken; };
  using Clock = std::chrono::steady_clock;
  Clock::time_point now = Clock::now();
  std::chrono::nanoseconds timeout(timeout_ns);
  // A negative timeout, or one past the clock's range, waits for a notify.
  if (timeout_ns < 0 || timeout >= Clock::time_point::max() - now) {
    w.cv.wait(lock, woken);
    return 0;
  }
  if (w.cv.wait_until(lock, now + timeout, woken)) return 0;
  b.waiters.remove(&w);
  return 2;
}

} // namespace

uint32_t atomic_wait32(uint32_t* addr, uint32_t expected, int64_t timeout_ns) {
  return wait(addr, expected, timeout_ns);
}

uint32_t atomic_wait64(uint64_t* addr, uint64_t expected, int64_t timeout_ns) {
  return wait(addr, expected, timeout_ns);
}

uint32_t atomic_notify(const void* addr, uint32_t count) {
  Bucket& b = bucket_of(addr);
  std::lock_guard lock(b.mutex);
  uint32_t n = 0;
  for (auto it = b.waiters.begin(); it != b.waiters.end() && n < count;) {
    if ((*it)->addr != addr) {
      ++it;
      continue;
    }
    (*it)->woken = true;
    (*it)->cv.notify_one();
    it = b.waiters.erase(it);
    ++n;
  }
  return n;
}

} // namespace kite
