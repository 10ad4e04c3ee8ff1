// Linear memories: virtual-memory reservations, growth, and table growth.
//
// Every memory reserves, once, all the address space it can ever use, so its
// base never moves. A 32-bit memory reserves 4 GiB of addresses + 4 GiB of
// maximum static offset + a guard: any `i32 address + offset + access size`
// lands inside the reservation, and everything beyond the current size is
// PROT_NONE, so the interpreter omits bounds checks (Memory::guarded) and
// turns the fault into a trap. Growing commits pages with mprotect.
// memory64 memories (and memories whose page size is smaller than the OS
// page, where a fault would not fire at the exact byte) are bounds-checked
// explicitly by the interpreter (guarded == false); an unshared memory64
// maps just its current size and moves when it grows (Memory::movable), so
// it may grow to the implementation limit (StoreLimits::max_memory_bytes)
// without reserving it.
// Without guard pages (StoreLimits::guard_pages off, e.g. to run under
// valgrind), no memory is guarded, and unshared memories map just their
// current size and move when they grow (Memory::movable): whoever caches
// `base` reloads it after anything that may grow the memory.
#pragma once

#include <cstdint>

#include "runtime/objects.h"
#include "runtime/store.h"
#include "support/result.h"

namespace kite {

// Address space a guarded 32-bit memory reserves: 4 GiB of addresses, 4 GiB of
// static offsets, and a guard for the widest access (v128) past the end.
inline constexpr uint64_t kGuardedReservation = (uint64_t{8} << 30) + (uint64_t{64} << 10);

// Reserves and commits `type.limits.min` pages, within the store's limits
// (StoreLimits::max_memory_bytes for one memory, guard_pages).
Status init_memory(Memory& memory, const MemoryType& type, const StoreLimits& limits);

// memory.grow: the old size in pages, or -1 when the memory cannot grow by
// `delta_pages` (beyond its maximum, or the OS refused to commit).
int64_t grow_memory(Memory& memory, uint64_t delta_pages);
// Bytes [offset, offset + size) of `memory` are about to be written whole
// (an active data segment): the 2 MiB pages wholly inside ask for huge
// pages, one fault each instead of 512 (a hint; ignored where not mapped).
void prepare_dense_write(Memory& memory, uint64_t offset, uint64_t size);

// Returns the reservation to the OS.
void release_memory(Memory& memory);

// Sets up a table of `type.limits.min` elements equal to `init`;
// `max_elements` is the implementation limit (StoreLimits::max_table_elements).
Status init_table(Table& table, const TableType& type, Ref init, uint64_t max_elements);

// table.grow: the old size, or -1 when the table cannot grow by `delta`.
int64_t grow_table(Table& table, uint64_t delta, Ref init);

} // namespace kite
