// The interpreter's entry API: call a function (wasm or host) with argument
// slots and get result slots, or the trap that stopped it.
//
// Execution state is per OS thread: each thread that calls invoke() gets its
// own value stack (frames of all active wasm calls live there; wasm->wasm
// calls never recurse natively). invoke() is re-entrant: a host function
// called from wasm may call invoke() again on the same thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/objects.h"
#include "support/result.h"

namespace kite::interp {

// Limits of the calling thread's execution state. They take effect for the
// thread's next outermost invoke() (not while wasm runs on it).
struct ThreadLimits {
  size_t stack_slots = size_t{1} << 20; // value stack size in 64-bit slots (8 MiB)
  uint32_t max_call_depth = 100000;     // nested wasm calls before "call stack exhausted"
};
void set_thread_limits(const ThreadLimits& limits);
ThreadLimits thread_limits();

// Calls `fn` with `args` (one slot per parameter, two for v128) and writes
// its results to `results` (same layout). Host functions are called directly.
// On a trap the returned Error's message is the spec's trap text ("unreachable",
// "integer divide by zero", "out of bounds memory access", ...) or the message
// of the Error a host function returned; last_trap_backtrace() then names the
// functions that were active, innermost first.
Status invoke(Function& fn, const Slot* args, Slot* results);

// function_name() of each frame active when this thread's last trap
// happened, innermost first.
// Deep stacks are cut after 64 frames with a last entry "... N more frames".
const std::vector<std::string>& last_trap_backtrace();
// The functions of those frames (without the "more frames" entry), for
// embedders that report frames by function index (the C API's wasm_frame_t).
const std::vector<const Function*>& last_trap_functions();
// For each of those frames, the module offset of the wasm instruction it was
// at: the one that trapped (innermost), or a call. A frame whose position is
// unknown (a fault outside a handler's reach) gives its body's start.
const std::vector<uint32_t>& last_trap_offsets();

// Translates `fn` if needed and renders its register IR as text, one
// instruction per line (for `kite inspect --ir`). Fails for host functions
// and for bodies the translator cannot handle (the error names the instruction).
Result<std::string> dump_ir(Function& fn);

} // namespace kite::interp
