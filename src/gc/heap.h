// The GC heap: where a store's structs, arrays and exceptions live, and the
// collector that frees the ones no root reaches. See "Garbage collection" in
// docs/architecture.md.
//
// Non-moving mark-sweep. Objects up to 2 KiB live in cells of a size class,
// carved from 256 KiB chunks; larger ones are allocated one by one. A
// collection marks from the roots its caller reports (mark_root), traces
// through the objects' layouts with an explicit stack, then sweeps: each
// unmarked cell goes on its class's free list, chunks left empty go back to
// the system. A collection is due when the bytes allocated since the last
// one reach the live bytes it left (at least kMinTrigger): the heap grows to
// about twice its live data before it collects again.
//
// Thread-safe: allocation and collection take the heap's lock. Whoever
// collects must know that no other thread is reading or writing references
// meanwhile (the interpreter's rule: see interp.cpp, collect_garbage).
#pragma once

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "gc/object.h"
#include "support/storage_budget.h"

namespace kite::gc {

class Heap {
public:
  // Memory the heap holds is charged to both budgets: its own cap and the
  // store's total.
  Heap(StorageBudget& own, StorageBudget& shared);
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  // A zeroed object of `bytes` (header included) with its header set, or
  // null when the store's budget refuses the memory. Never collects.
  void* allocate(size_t bytes, ObjectKind kind, uint32_t type_id);

  bool collection_due() const {
    return (allocated_since_collection_ >= trigger_ || stress_) &&
           paused_.load(std::memory_order_relaxed) == 0;
  }
  // While one exists, no collection is due: instantiation holds references
  // only its constant-expression evaluator knows about.
  class Pause {
  public:
    explicit Pause(Heap& heap) : heap_(heap) { heap_.paused_.fetch_add(1); }
    ~Pause() { heap_.paused_.fetch_sub(1); }
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;

  private:
    Heap& heap_;
  };

  // Runs a collection: `report_roots(heap)` calls mark_root for every root.
  template <class ReportRoots> void collect(ReportRoots&& report_roots) {
    std::lock_guard lock(mutex_);
    report_roots(*this);
    trace();
    sweep();
  }
  // A root (during collect): null, i31 and store-owned objects are ignored.
  void mark_root(Ref r) { mark(r); }
  void mark_roots(const Slot* slots, size_t count) {
    for (size_t i = 0; i < count; ++i)
      mark(slots[i]);
  }

  // Stress mode (KITE_GC_STRESS): every allocation finds a collection due.
  void set_stress(bool on) { stress_ = on; }
  bool stress() const { return stress_; }

  uint64_t collections() const { return collections_; }
  uint64_t live_bytes() const { return live_bytes_; }
  uint64_t heap_bytes() const { return heap_bytes_; }

  static constexpr size_t kMinTrigger = size_t{16} << 20;

private:
  struct Chunk;
  struct SizeClass {
    uint32_t cell_size = 0;
    void* free = nullptr;           // free cells, linked through their second word
    Chunk* bump = nullptr;          // the chunk new cells are carved from
    std::vector<Chunk*> chunks;
  };
  struct Large {
    void* object;
    size_t bytes;
  };

  void* allocate_small(uint32_t cls, size_t bytes);
  void* allocate_large(size_t bytes);
  Chunk* new_chunk(uint32_t cell_size);
  void release_chunk(Chunk* chunk);
  void mark(Ref r) {
    if (r == kNullRef || is_i31(r)) return;
    auto* h = reinterpret_cast<ObjectHeader*>(r);
    if (!is_heap_kind(h->kind) || h->marked) return;
    h->marked = 1;
    mark_stack_.push_back(h);
  }
  void trace();
  void sweep();

  std::mutex mutex_;
  bool charge(uint64_t bytes);
  void refund(uint64_t bytes);

  StorageBudget& own_budget_;
  StorageBudget& shared_budget_;
  std::vector<SizeClass> classes_;
  std::vector<Large> large_;
  std::vector<ObjectHeader*> mark_stack_;
  uint64_t allocated_since_collection_ = 0;
  uint64_t trigger_ = kMinTrigger;
  uint64_t live_bytes_ = 0;
  uint64_t heap_bytes_ = 0; // chunks and large objects held
  uint64_t collections_ = 0;
  bool stress_ = false;
  std::atomic<int> paused_{0};
};

} // namespace kite::gc
