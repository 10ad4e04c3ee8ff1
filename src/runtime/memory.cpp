#include "runtime/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include "support/platform.h"

namespace kite {
namespace {

uint64_t os_page_size() {
  static const uint64_t size = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return size;
}

uint64_t round_up_to_os_page(uint64_t bytes) {
  uint64_t page = os_page_size();
  return (bytes + page - 1) / page * page;
}

// Makes [committed_bytes(old), committed_bytes(new)) readable and writable.
bool commit(Memory& memory, uint64_t old_size, uint64_t new_size) {
  uint64_t from = round_up_to_os_page(old_size);
  uint64_t to = round_up_to_os_page(new_size);
  if (to <= from) return true;
  return mprotect(memory.base + from, to - from, PROT_READ | PROT_WRITE) == 0;
}

} // namespace

Status init_memory(Memory& memory, const MemoryType& type, const StoreLimits& store_limits) {
  const Limits& limits = type.limits;
  const uint32_t log2 = type.page_size_log2;
  // The largest size the address type allows, then the declared maximum,
  // then the implementation limit.
  uint64_t address_pages =
      limits.is64 ? (std::numeric_limits<uint64_t>::max() >> log2) : (uint64_t{1} << (32 - log2));
  uint64_t max_pages = std::min(address_pages, limits.max.value_or(address_pages));
  max_pages = std::min(max_pages, store_limits.max_memory_bytes >> log2);
  if (limits.min > max_pages) return Error{"memory size exceeds implementation limit"};

  memory.type = type;
  memory.page_size_log2 = log2;
  memory.is64 = limits.is64;
  memory.shared = limits.shared;
  memory.max_pages = max_pages;
  const bool guard_pages = store_limits.guard_pages && platform::kGuardPages;
  memory.guarded = guard_pages && !limits.is64 && (uint64_t{1} << log2) % os_page_size() == 0;
  // An unshared memory64 is never guarded, so nothing gains from a fixed base:
  // it maps its current size and moves when it grows, whatever its maximum.
  memory.movable = (!guard_pages || limits.is64) && !limits.shared;
  uint64_t initial = limits.min << log2;
  if (memory.budget && !memory.budget->charge(initial)) {
    return Error{"memory size exceeds the store's memory limit"};
  }
  if (memory.movable) {
    // Just the initial size (at least a page), readable and writable;
    // growing remaps it.
    memory.reserved = std::max(round_up_to_os_page(initial), os_page_size());
  } else {
    memory.reserved = memory.guarded
                          ? kGuardedReservation
                          : round_up_to_os_page(std::max<uint64_t>(max_pages << log2, 1));
  }
  void* base = mmap(nullptr, memory.reserved, memory.movable ? PROT_READ | PROT_WRITE : PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    memory.reserved = 0;
    if (memory.budget) memory.budget->refund(initial);
    return Error{std::string("cannot reserve memory: ") + std::strerror(errno)};
  }
  memory.base = static_cast<uint8_t*>(base);
  memory.size = 0;
  if (!memory.movable && !commit(memory, 0, initial)) {
    release_memory(memory);
    return Error{std::string("cannot commit memory: ") + std::strerror(errno)};
  }
  memory.size = initial;
  return {};
}

void prepare_dense_write(Memory& memory, uint64_t offset, uint64_t size) {
  if constexpr (platform::kVirtualMemory) {
    constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
    const auto from = reinterpret_cast<uintptr_t>(memory.base) + offset;
    const uintptr_t start = (from + kHugePage - 1) & ~(kHugePage - 1);
    const uintptr_t end = (from + size) & ~(kHugePage - 1);
    if (end > start) (void)madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  }
}

int64_t grow_memory(Memory& memory, uint64_t delta_pages) {
  std::unique_lock<std::mutex> lock(memory.grow_mutex, std::defer_lock);
  if (memory.shared) lock.lock();
  uint64_t old_pages = memory.pages();
  if (delta_pages > memory.max_pages - old_pages) return -1;
  uint64_t new_size = (old_pages + delta_pages) << memory.page_size_log2;
  const uint64_t added = new_size - memory.size;
  if (memory.budget && !memory.budget->charge(added)) return -1;
  auto refuse = [&] {
    if (memory.budget) memory.budget->refund(added);
    return int64_t{-1};
  };
  if (memory.movable) {
    if (new_size > memory.reserved) {
      // The new pages are zero, like the rest of the mapping, readable and writable.
      uint64_t reserved = round_up_to_os_page(new_size);
      void* base = mremap(memory.base, memory.reserved, reserved, MREMAP_MAYMOVE);
      if (base == MAP_FAILED) return refuse();
      memory.base = static_cast<uint8_t*>(base);
      memory.reserved = reserved;
    }
  } else if (!commit(memory, memory.size, new_size)) {
    return refuse();
  }
  memory.size = new_size;
  return static_cast<int64_t>(old_pages);
}

void release_memory(Memory& memory) {
  if (memory.base != nullptr) munmap(memory.base, memory.reserved);
  memory.base = nullptr;
  memory.size = 0;
  memory.reserved = 0;
}

Status init_table(Table& table, const TableType& type, Ref init, uint64_t max_elements) {
  uint64_t address_max = type.limits.is64 ? std::numeric_limits<uint64_t>::max()
                                          : std::numeric_limits<uint32_t>::max();
  uint64_t max = std::min(address_max, type.limits.max.value_or(address_max));
  max = std::min(max, max_elements);
  if (type.limits.min > max) return Error{"table size exceeds implementation limit"};
  if (table.budget && !table.budget->charge(type.limits.min * sizeof(Ref))) {
    return Error{"table size exceeds the store's memory limit"};
  }
  table.type = type;
  table.max = max;
  table.elements.assign(type.limits.min, init);
  return {};
}

int64_t grow_table(Table& table, uint64_t delta, Ref init) {
  uint64_t old_size = table.elements.size();
  if (delta > table.max - old_size) return -1;
  if (table.budget && !table.budget->charge(delta * sizeof(Ref))) return -1;
  table.elements.resize(old_size + delta, init);
  return static_cast<int64_t>(old_size);
}

} // namespace kite
