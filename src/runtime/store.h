// The Store: owner of every runtime object, and the implementation limits
// that apply to them. Objects live until the store is destroyed (their
// addresses are stable, so instances and references point at them directly).
// Allocation is thread-safe: wasm threads share a store.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "runtime/objects.h"
#include "support/result.h"

namespace kite {

struct StoreLimits {
  uint64_t max_memory_bytes = uint64_t{1} << 32; // per memory
  uint64_t max_table_elements = 10'000'000;      // per table
  // All memories and tables of the store together, in bytes (a table
  // element counts as one pointer).
  uint64_t max_total_bytes = ~uint64_t{0};
  // 32-bit memories reserve 8 GiB of address space each so that bounds
  // checks are free (faults become traps). Off: explicit checks and
  // memories no larger than their size (tools like valgrind need this).
  bool guard_pages = true;
};

struct Store {
  explicit Store(StoreLimits limits = {}) : limits(limits) {
    budget.limit = limits.max_total_bytes;
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
  // An exception object; lives until the store is destroyed (no collector
  // yet: see "Exceptions" in docs/architecture.md).
  Exception* new_exception(Tag* tag, const Slot* payload, size_t count);
  Instance* new_instance();
  // The extern box for `payload`; one box per payload, so equal payloads
  // give equal references.
  ExternObject* extern_box(uint64_t payload);

  const StoreLimits limits;
  StorageBudget budget;

private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Function>> functions_;
  std::vector<std::unique_ptr<Function[]>> function_blocks_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Global>> globals_;
  std::vector<std::unique_ptr<Tag>> tags_;
  std::vector<std::unique_ptr<Exception>> exceptions_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::unordered_map<uint64_t, std::unique_ptr<ExternObject>> extern_boxes_;
};

} // namespace kite
