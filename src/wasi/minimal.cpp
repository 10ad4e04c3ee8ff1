// WASI for a build with KITE_WASI=minimal: wasi_snapshot_preview1's
// fd_write and proc_exit (wasi.cpp), enough for a program that prints and
// exits. Any other import is unknown to the linker, as for any missing one.
#include "wasi/host_call.h"

namespace kite::wasi {

namespace {

constexpr FunctionSpec kFunctions[] = {
    {"fd_write", "iiii", true, fd_write},
    {"proc_exit", "i", false, proc_exit},
};

} // namespace

std::span<const FunctionSpec> preview1_functions() { return kFunctions; }

} // namespace kite::wasi
