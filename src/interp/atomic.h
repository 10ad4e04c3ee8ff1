// Threads (atomics) semantics, shared by both handler forms of each
// instruction (guarded memory 0 and Checked) and by the tail-call and switch
// builds. Every access goes through std::atomic_ref on the memory's bytes
// and is sequentially consistent. Accesses must be naturally aligned
// (checked first, then bounds: a memory's base is page-aligned, so the host
// address is aligned exactly when the wasm effective address is).
#pragma once

#include <atomic>
#include <cstdint>

#include "runtime/atomic_wait.h"
#include "runtime/objects.h"

namespace kite::atomic {

inline constexpr const char* kUnaligned = "unaligned atomic";
inline constexpr const char* kOutOfBounds = "out of bounds memory access";
inline constexpr const char* kExpectedShared = "expected shared memory";

template <typename M> inline bool aligned(const uint8_t* p) {
  return (reinterpret_cast<uintptr_t>(p) & (sizeof(M) - 1)) == 0;
}

// The host address of a checked access of an M at `addr` + `offset` in `m`,
// or the trap that stops it.
template <typename M>
inline const char* checked_address(const Memory* m, Slot addr, uint64_t offset, uint8_t*& p) {
  uint64_t ea;
  if (__builtin_add_overflow(m->is64 ? addr : static_cast<uint32_t>(addr), offset, &ea))
    return kOutOfBounds;
  if (ea & (sizeof(M) - 1)) return kUnaligned;
  if (ea > m->size || sizeof(M) > m->size - ea) return kOutOfBounds;
  p = m->base + ea;
  return nullptr;
}

template <typename M> inline std::atomic_ref<M> ref(uint8_t* p) {
  return std::atomic_ref<M>(*reinterpret_cast<M*>(p));
}

// The old value; the memory gets `replacement` if it held `expected`.
template <typename M> inline M cmpxchg(uint8_t* p, M expected, M replacement) {
  ref<M>(p).compare_exchange_strong(expected, replacement);
  return expected;
}

// memory.atomic.wait32/64 at a checked, aligned `p`: 0 woken, 1 not equal,
// 2 timed out; on an unshared memory, which no other thread can notify, a trap.
template <typename M>
inline const char* wait(const Memory* m, uint8_t* p, M expected, int64_t timeout_ns,
                        uint32_t& result) {
  if (!m->shared) return kExpectedShared;
  if constexpr (sizeof(M) == 4)
    result = atomic_wait32(reinterpret_cast<uint32_t*>(p), expected, timeout_ns);
  else
    result = atomic_wait64(reinterpret_cast<uint64_t*>(p), expected, timeout_ns);
  return nullptr;
}

// memory.atomic.notify: how many waiters were woken (none on an unshared memory).
inline uint32_t notify(const Memory* m, uint8_t* p, uint32_t count) {
  return m->shared ? atomic_notify(p, count) : 0;
}

} // namespace kite::atomic
