// What the platform kite is built for offers, for the few places whose
// behaviour depends on it. Everything else of a platform's differences is
// in src/platform/ (kite.wasm: src/platform/wasi/compat.h).
#pragma once

namespace kite::platform {

#ifdef __wasi__
// kite.wasm: one thread and no signal handlers.
inline constexpr bool kThreads = false;
inline constexpr bool kGuardPages = false;
// mmap is malloc underneath: no unmapping part of a mapping, no page hints.
inline constexpr bool kVirtualMemory = false;
#else
// Threads that run alongside (timeouts' watchdog).
inline constexpr bool kThreads = true;
// Guard pages whose faults become traps (memories without bounds checks).
inline constexpr bool kGuardPages = true;
// Mappings of address space: parts can be unmapped, pages given hints.
inline constexpr bool kVirtualMemory = true;
#endif

} // namespace kite::platform
