// The state behind wasi-threads (threads.cpp): what a spawned thread
// instantiates, and how the program ends when a thread ends it.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>

#include "kite/wasi.h"

namespace kite::wasi {

// wasi-libc takes the id as a positive 29-bit number; 0 is the main thread.
inline constexpr uint32_t kMaxThreadId = 0x1FFFFFFF;

struct Wasi::Threads {
  std::mutex mutex; // guards module and linker
  std::optional<api::Module> module;
  std::optional<api::Linker> linker;
  api::Store* store = nullptr;
  ExitHandler on_exit;
  std::atomic<uint32_t> next_id = 1;
  std::atomic<uint32_t> spawned = 0;
  std::atomic<bool> ending = false;

  // Ends the program from a spawned thread; only the first caller reports.
  [[noreturn]] void end_program(uint32_t code, const Error* trap);
};

} // namespace kite::wasi
