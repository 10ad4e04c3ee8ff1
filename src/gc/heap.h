// The GC heap: where a store's structs, arrays and exceptions live, and the
// collector that frees the ones no root reaches. See "Garbage collection" in
// docs/architecture.md.
//
// Non-moving mark-sweep. Objects up to 2 KiB live in cells of a size class,
// carved from 256 KiB chunks; larger ones are allocated one by one. A
// collection marks from the roots its caller reports (mark_root), traces
// through the objects' layouts with an explicit stack, then sweeps: each
// unmarked cell goes on its class's free list, chunks left empty go back to
// the system (but for a few spares kept for reuse). A collection is due when the bytes allocated
// since the last one reach the live bytes it left (at least kMinTrigger): the heap grows to about
// twice its live data before it collects again.
//
// Thread-safe: allocation and collection take the heap's lock. Whoever
// collects must know that no other thread is reading or writing references
// meanwhile (the interpreter's rule: see interp.cpp, collect_garbage).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
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

  static constexpr size_t kMinTrigger = size_t{16} << 20;
  static constexpr uint32_t kMaxSmall = 2048; // larger objects are allocated one by one

  // An object of `bytes` (header included) with its header set, its body
  // zeroed unless `zero` is false (the caller then writes all of it), or
  // null when a budget refuses the memory. Never collects.
  void* allocate(size_t bytes, ObjectKind kind, uint32_t type_id, bool zero = true) {
    if (bytes <= kMaxSmall) [[likely]] {
      const uint32_t cls = kClassOf[(bytes + 7) / 8];
      SizeClass& c = classes_[cls];
      lock();
      void* cell = c.free;
      if (cell) [[likely]] {
        c.free = next_free(cell);
      } else if (c.bump_next != c.bump_end) {
        cell = c.bump_next;
        c.bump_next += c.cell_size;
      }
      if (cell) [[likely]] {
        note_allocated(c.cell_size);
        // The header first, under the lock: a sweep takes a cell marked
        // Free for its own.
        *static_cast<ObjectHeader*>(cell) =
            ObjectHeader{kind, 0, static_cast<uint16_t>(cls), type_id};
        unlock();
        if (zero) std::memset(static_cast<char*>(cell) + 8, 0, c.cell_size - 8);
        return cell;
      }
      unlock();
    }
    return allocate_slow(bytes, kind, type_id, zero);
  }

  bool collection_due() const {
    return (allocated_since_collection_.load(std::memory_order_relaxed) >= trigger_ || stress_) &&
           paused_.load(std::memory_order_relaxed) == 0;
  }

  // Runs a collection (unless paused): `report_roots(heap)` calls mark_root
  // for every root.
  template <class ReportRoots> void collect(ReportRoots&& report_roots) {
    lock();
    if (paused_.load() == 0) {
      report_roots(*this);
      trace();
      sweep();
    }
    unlock();
  }
  // A root (during collect): null, i31 and store-owned objects are ignored.
  void mark_root(Ref r) { mark(r); }
  // Slots or Refs (narrower than a Slot on 32-bit hosts: kite.wasm).
  template <typename Word> void mark_roots(const Word* words, size_t count) {
    for (size_t i = 0; i < count; ++i)
      mark(static_cast<Ref>(words[i]));
  }

  // While one exists, no collection runs: instantiation holds references
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

  // Stress mode (KITE_GC_STRESS): every allocation finds a collection due.
  void set_stress(bool on) { stress_ = on; }

  uint64_t collections() const { return collections_; }
  uint64_t live_bytes() const { return live_bytes_; }
  uint64_t heap_bytes() const { return heap_bytes_; }

private:
  // Cell sizes: every 8 bytes to 128, then four classes per doubling.
  static constexpr std::array<uint32_t, 31> kClassSizes = {
      16,  24,  32,  40,  48,  56,  64,  72,  80,  88,  96,   104,  112,  120,  128, 160,
      192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280, 1536, 1792, 2048};
  static constexpr auto kClassOf = [] { // by size / 8, rounded up
    std::array<uint8_t, kMaxSmall / 8 + 1> table{};
    size_t c = 0;
    for (size_t units = 0; units < table.size(); ++units) {
      while (kClassSizes[c] < units * 8)
        ++c;
      table[units] = static_cast<uint8_t>(c);
    }
    return table;
  }();
  static void*& next_free(void* cell) {
    return *reinterpret_cast<void**>(static_cast<char*>(cell) + 8);
  }

  struct Chunk;
  struct SizeClass {
    uint32_t cell_size = 0;
    void* free = nullptr;  // free cells, linked through their second word
    Chunk* bump = nullptr; // the chunk new cells are carved from: [bump_next, bump_end)
    uint8_t* bump_next = nullptr;
    uint8_t* bump_end = nullptr;
    std::vector<Chunk*> chunks;
  };
  struct Large {
    void* object;
    size_t bytes;
  };

  // A spin lock: allocation holds it for a few instructions, and it is
  // almost never contended.
  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire))
      while (locked_.load(std::memory_order_relaxed))
        std::this_thread::yield();
  }
  void unlock() { locked_.store(false, std::memory_order_release); }
  void note_allocated(uint64_t bytes) {
    allocated_since_collection_.store(allocated_since_collection_.load(std::memory_order_relaxed) +
                                          bytes,
                                      std::memory_order_relaxed);
  }
  void* allocate_slow(size_t bytes, ObjectKind kind, uint32_t type_id, bool zero);
  void* carve(SizeClass& c);
  void* allocate_large(size_t bytes);
  bool charge(uint64_t bytes);
  void refund(uint64_t bytes);
  Chunk* new_chunk(uint32_t cell_size);
  void release_chunk(Chunk* chunk);
  void unmap_chunk(Chunk* chunk);
  void mark(Ref r) {
    if (r == kNullRef || is_i31(r)) return;
    auto* h = reinterpret_cast<ObjectHeader*>(r);
    if (!is_heap_kind(h->kind) || h->marked) return;
    h->marked = 1;
    mark_stack_.push_back(h);
  }
  void trace();
  void sweep();

  std::atomic<bool> locked_{false};
  StorageBudget& own_budget_;
  StorageBudget& shared_budget_;
  std::array<SizeClass, kClassSizes.size()> classes_;
  std::vector<Large> large_;
  static constexpr size_t kMaxSpareChunks = kMinTrigger / (size_t{256} << 10);
  std::vector<Chunk*> spare_; // empty chunks kept for reuse
  std::vector<ObjectHeader*> mark_stack_;
  std::atomic<uint64_t> allocated_since_collection_{0};
  uint64_t trigger_ = kMinTrigger;
  uint64_t live_bytes_ = 0;
  uint64_t heap_bytes_ = 0; // chunks and large objects held
  uint64_t collections_ = 0;
  bool stress_ = false;
  std::atomic<int> paused_{0};
};

} // namespace kite::gc
