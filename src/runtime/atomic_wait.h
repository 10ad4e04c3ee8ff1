// memory.atomic.wait32/64 and memory.atomic.notify: a process-wide wait table
// keyed by host address (a shared memory's base never moves, so an address
// names one memory cell for good). Waiters queue per address in arrival
// order, each on its own condition variable; the table's buckets each hold
// a mutex, so a notify cannot slip between a waiter's compare and its sleep.
#pragma once

#include <cstdint>

namespace kite {

// Blocks while the value at `addr` equals `expected` until a notify wakes
// this thread (returns 0) or `timeout_ns` passes (returns 2; a negative
// timeout never passes); returns 1 at once when the value differs. `addr`
// is naturally aligned.
uint32_t atomic_wait32(uint32_t* addr, uint32_t expected, int64_t timeout_ns);
uint32_t atomic_wait64(uint64_t* addr, uint64_t expected, int64_t timeout_ns);

// Wakes up to `count` threads waiting on `addr`, oldest first; returns how many.
uint32_t atomic_notify(const void* addr, uint32_t count);

} // namespace kite
