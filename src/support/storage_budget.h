// The bytes of linear memory, table storage and GC heap one store may hold in
// all (the embedder's cap, `kite run --max-memory`), shared by its memories,
// tables and GC heap: a grow or allocation that would pass it is refused.
#pragma once

#include <atomic>
#include <cstdint>

namespace kite {

struct StorageBudget {
  std::atomic<uint64_t> used{0};
  uint64_t limit = ~uint64_t{0};

  bool charge(uint64_t bytes) {
    uint64_t now = used.load(std::memory_order_relaxed);
    do {
      if (bytes > limit - now) return false;
    } while (!used.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    return true;
  }
  void refund(uint64_t bytes) { used.fetch_sub(bytes, std::memory_order_relaxed); }
};

} // namespace kite
