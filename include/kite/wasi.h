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
// 0), so one Wasi may serve several instances of a store, one at a time.
// A Wasi owns its file descriptors and closes them when destroyed; the host
// functions keep it alive as long as the store holds them.
#pragma once

#include <cstdint>
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
  // in `linker`, as host functions of `store` (both on this Wasi's fds).
  void define(api::Linker& linker, api::Store& store);

  // The guest's exit status once it called proc_exit (or a proc_raise
  // ended it); a call that failed with this set did not trap.
  std::optional<uint32_t> exit_code() const;

  // Runs a command: calls `_start` (if exported) and returns the exit code:
  // 0 when `_start` returns, the proc_exit code otherwise. A trap is an Error
  // of kind Trap with its backtrace.
  Result<uint32_t> run_start(const api::Instance& instance);

  Context& context() { return *context_; }

private:
  explicit Wasi(std::shared_ptr<Context> context);
  std::shared_ptr<Context> context_; // shared with the host functions
};

} // namespace kite::wasi
