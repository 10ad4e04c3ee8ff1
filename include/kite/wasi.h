// WASI preview 1 (`wasi_snapshot_preview1`) and snapshot 0 (`wasi_unstable`,
// what 2019-2020 toolchains import) for the kite C++ API.
//
//   kite::wasi::Config config;
//   config.args = {"app.wasm", "--flag"};
//   config.env = {"HOME=/"};
//   config.preopens = {{"/tmp/data", "/data"}};
//   auto wasi = kite::wasi::Wasi::create(std::move(config));   // opens preopens
//   kite::api::Linker linker;
//   (*wasi)->define(linker, store);                             // both modules
//   auto instance = linker.instantiate(store, module);
//   auto status = (*wasi)->run_start(*instance);                // exit code or trap
//
// A reactor (e.g. QuickJS built as a library) is driven the same way: call
// its `_initialize` export first, then any export; after a failed call,
// `exit_code()` tells a proc_exit apart from a trap.
//
// WASI functions use the linear memory of the calling instance (its memory
// 0), so one Wasi may serve several instances of a store, also at once from
// several threads (the fd table is shared and locked).
//
// wasi-threads (programs built for wasm32-wasip1-threads): after define(),
//   (*wasi)->enable_threads(module, linker, store, on_exit);
// before instantiating. `wasi` "thread-spawn" then starts each new thread as
// a new instance of `module` (same imports, so the same shared memory)
// running `wasi_thread_start(tid, arg)` on its own OS thread. As in the
// proposal, the program is one process: when a spawned thread calls
// proc_exit or traps, `on_exit(code, trap)` runs once (trap is null for
// proc_exit) and the process exits with `code` (134 after a trap). When
// `_start` returns, the other threads are not waited for: the embedder ends
// the process (as `kite run` does), and the store must outlive them.
// A Wasi owns its file descriptors and closes them when destroyed; the host
// functions keep it alive as long as the store holds them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kite/kite.h"
#include "support/result.h"

namespace kite::wasi {

// A host directory the guest sees as `guest_path` (a preopened fd).
struct Preopen {
  std::string host_path;
  std::string guest_path;
};

struct Config {
  // argv as the guest sees it; args[0] is conventionally the program name.
  std::vector<std::string> args;
  // "KEY=VALUE" entries. Nothing is inherited from the host unless added here.
  std::vector<std::string> env;
  // Preopened directories, numbered from fd 3 in this order.
  std::vector<Preopen> preopens;
  // "HOST:PORT" TCP listeners, bound at create() and numbered after the
  // preopens; the guest accepts connections on them with sock_accept.
  std::vector<std::string> tcp_listen;
  // Host descriptors behind the guest's fds 0, 1, 2 (not closed by kite).
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
};

class Context; // the fd table and process state (src/wasi)

class Wasi {
public:
  // Opens the preopened directories and binds the listeners. Errors name
  // the path or address that failed.
  static Result<std::shared_ptr<Wasi>> create(Config config);
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  // Defines every wasi_snapshot_preview1 and every wasi_unstable function
  // in `linker`, as host functions of `store` (both on this Wasi's fds),
  // and wasi-threads' `wasi` "thread-spawn" (which spawns nothing, returning
  // -1, until enable_threads).
  void define(api::Linker& linker, api::Store& store);

  // The guest's exit status once it called proc_exit (or a proc_raise
  // ended it); a call that failed with this set did not trap.
  std::optional<uint32_t> exit_code() const;

  // Runs a command: calls `_start` (if exported) and returns the exit code:
  // 0 when `_start` returns, the proc_exit code otherwise. A trap is an Error
  // of kind Trap with its backtrace.
  Result<uint32_t> run_start(const api::Instance& instance);

  // wasi-threads (see above). Defines, from their import types, the shared
  // memories `module` imports that `linker` lacks. Errors: a memory that
  // cannot be made.
  using ExitHandler = std::function<void(uint32_t code, const Error* trap)>;
  Status enable_threads(const api::Module& module, api::Linker& linker, api::Store& store,
                        ExitHandler on_exit = {});
  // How many threads thread-spawn has started.
  uint32_t threads_spawned() const;

  Context& context() { return *context_; }
  struct Threads; // wasi-threads state (src/wasi/threads.h)

private:
  explicit Wasi(std::shared_ptr<Context> context);
  void define_thread_spawn(api::Linker& linker, api::Store& store);
  std::shared_ptr<Context> context_; // shared with the host functions
  std::shared_ptr<Threads> threads_; // shared with thread-spawn and its threads
};

} // namespace kite::wasi
