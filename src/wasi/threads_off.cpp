// wasi-threads in a build without it (KITE_WASI=minimal or KITE_THREADS off;
// threads.cpp otherwise): thread-spawn is not defined, so a program that
// imports it fails to link, and enable_threads says why.
#include "kite/wasi.h"

namespace kite::wasi {

void Wasi::define_thread_spawn(api::Linker&, api::Store&) {}

Status Wasi::enable_threads(const api::Module&, api::Linker&, api::Store&, ExitHandler) {
  return Error{"wasi-threads is not built into this kite"};
}

uint32_t Wasi::threads_spawned() const { return 0; }

} // namespace kite::wasi
