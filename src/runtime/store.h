// The Store: owner of every runtime object, and the implementation limits
// that apply to them. Objects live until the store is destroyed (their
// addresses are stable, so instances and references point at them directly).
// Allocation is thread-safe: wasm threads share a store.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "gc/heap.h"
#include "runtime/objects.h"
#include "support/byte_buffer.h"
#include "support/hash_table.h"
#include "support/owned_list.h"
#include "support/result.h"

namespace kite {

// The default implementation limit for one memory: 32-bit memories stop at
// 4 GiB anyway; a memory64 may grow to 1 TiB (it is mapped as it grows, so
// the limit costs nothing until used).
inline constexpr uint64_t kDefaultMaxMemoryBytes = uint64_t{1} << 40;

struct StoreLimits {
  uint64_t max_memory_bytes = kDefaultMaxMemoryBytes; // per memory
  uint64_t max_table_elements = 10'000'000;      // per table
  // All memories and tables of the store together, in bytes (a table
  // element counts as one pointer).
  uint64_t max_total_bytes = ~uint64_t{0};
  // The GC heap alone (structs, arrays, exceptions), in bytes; it also
  // counts towards max_total_bytes. Past it an allocation traps "out of
  // memory: GC heap limit".
  uint64_t max_gc_heap_bytes = uint64_t{4} << 30;
  // 32-bit memories reserve 8 GiB of address space each so that bounds
  // checks are free (faults become traps). Off: explicit checks and
  // memories no larger than their size (tools like valgrind need this).
  bool guard_pages = true;
  // Translate code with execution checks (ExecutionChecks): at every loop
  // head and function entry, stop on an interrupt and charge fuel. Off (the
  // default), the code has no checks at all and cannot be stopped.
  bool execution_checks = false;
  // Calls into the store's code (the API's Func::call) run with these: nested
  // wasm calls before "call stack exhausted", and the value stack holding
  // the frames of all active calls.
  uint32_t max_call_depth = 100000;
  uint64_t max_stack_bytes = uint64_t{8} << 20;
};

// What checked code (StoreLimits::execution_checks) looks at, at every loop
// head and function entry: an interrupt request from any thread ("interrupted"),
// and the fuel left, charged about one unit per wasm instruction ("all fuel
// consumed" when it runs out). Without fuel set it starts so high that it
// never runs out.
struct ExecutionChecks {
  // Shared with interrupt handles, which may outlive the store.
  std::shared_ptr<std::atomic<uint32_t>> interrupt = std::make_shared<std::atomic<uint32_t>>(0);
  int64_t fuel = INT64_MAX;
};

// KITE_GC_STRESS=1 in the environment: collect at every GC allocation (for
// testing that every root is found).
bool gc_stress_requested();

struct Store {
  explicit Store(StoreLimits limits = {}) : limits(limits) {
    budget.limit = limits.max_total_bytes;
    heap_budget_.limit = limits.max_gc_heap_bytes;
    heap.set_stress(gc_stress_requested());
  }
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Function* new_function();
  // `count` functions in one block (an instance's defined functions: one
  // allocation, not one per function).
  Function* new_functions(size_t count);
  Result<Memory*> new_memory(const MemoryType& type);
  Result<Table*> new_table(const TableType& type, Ref init);
  Global* new_global(const GlobalType& type);
  Tag* new_tag();
  Instance* new_instance();
  // The extern box for `payload`; one box per payload, so equal payloads
  // give equal references.
  ExternObject* extern_box(uint64_t payload);

  // Reports every reference the store holds to `heap` (Heap::mark_root):
  // globals, tables, element segments and host roots. Frames are the
  // interpreter's to report.
  void report_roots(gc::Heap& heap);

  // A reference the host keeps (api::Rooted): a root until released.
  uint32_t add_host_root(Ref r);
  void release_host_root(uint32_t index);
  Ref host_root(uint32_t index);

  const StoreLimits limits;
  StorageBudget budget;
  ExecutionChecks checks;
  // Threads running this store's wasm code (the interpreter counts a thread
  // once however deeply it re-enters): a collection runs only when the
  // collecting thread is the only one.
  std::atomic<int> threads_in_wasm{0};

private:
  StorageBudget heap_budget_; // max_gc_heap_bytes

public:
  gc::Heap heap{heap_budget_, budget};

private:
  std::mutex mutex_;
  OwnedList<Function> functions_;
  // The defined functions of one instantiation, in one allocation: a big
  // module's records (LLVM's 133,000: 8.5 MB) sit in huge pages, one page
  // fault per 2 MiB instead of 512.
  class FunctionBlock {
  public:
    explicit FunctionBlock(size_t count);
    ~FunctionBlock();
    FunctionBlock(const FunctionBlock&) = delete;
    FunctionBlock& operator=(const FunctionBlock&) = delete;
    Function* functions() { return reinterpret_cast<Function*>(storage_.data()); }

  private:
    ByteBuffer storage_;
    size_t count_;
  };
  OwnedList<FunctionBlock> function_blocks_;
  OwnedList<Memory> memories_;
  OwnedList<Table> tables_;
  OwnedList<Global> globals_;
  OwnedList<Tag> tags_;
  std::vector<Ref> host_roots_;
  std::vector<uint32_t> free_host_roots_;
  OwnedList<Instance> instances_;
  HashTable<uint64_t, std::unique_ptr<ExternObject>> extern_boxes_;
};

} // namespace kite
