// wasi-threads: the `wasi` module's `thread-spawn(start_arg) -> tid`, as
// wasi-libc's pthread_create uses it. Each new thread is a new instance of
// the program's module, linked with the same imports (so it shares the
// imported shared memory and the WASI fd table), whose export
// `wasi_thread_start(tid, start_arg)` runs on a new OS thread with its own
// kite execution state. The program is one process: proc_exit or a trap in
// any thread ends it, once, with that status (134 for a trap).
#include "wasi/threads.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "wasi/context.h"

namespace kite::wasi {

void Wasi::Threads::end_program(uint32_t code, const Error* trap) {
  if (ending.exchange(true)) {
    for (;;) // another thread is ending the process
      ::sleep(3600);
  }
  if (on_exit) on_exit(code, trap);
  std::fflush(nullptr);
  _exit(static_cast<int>(code));
}

namespace {

struct ThreadStart {
  std::shared_ptr<Wasi::Threads> threads;
  std::shared_ptr<Context> context;
  api::Func entry;
  uint32_t id;
  int32_t arg;
};

// A spawned thread: wasi_thread_start(id, arg); ending by proc_exit or a
// trap ends the program.
void* run_thread(void* raw) {
  std::unique_ptr<ThreadStart> start(static_cast<ThreadStart*>(raw));
  auto result = start->entry.call(
      {api::Value::i32(static_cast<int32_t>(start->id)), api::Value::i32(start->arg)});
  if (result.ok()) return nullptr; // the thread is done; the program goes on
  if (auto code = start->context->exit_code()) start->threads->end_program(*code, nullptr);
  start->threads->end_program(134, &result.error());
}

// Spawns a thread running `start_arg` through wasi_thread_start; returns its
// id, or -1 when it cannot (threads not enabled, no such export, the new
// instance failed, the OS refused a thread, ids exhausted).
int32_t spawn(const std::shared_ptr<Wasi::Threads>& threads,
              const std::shared_ptr<Context>& context, int32_t start_arg) {
  std::optional<api::Module> module;
  std::optional<api::Linker> linker;
  {
    std::lock_guard lock(threads->mutex);
    module = threads->module;
    linker = threads->linker;
  }
  if (!module || !linker) return -1;
  const uint32_t id = threads->next_id.fetch_add(1);
  if (id > kMaxThreadId) return -1;
  auto instance = linker->instantiate(*threads->store, *module);
  if (!instance.ok()) return -1;
  auto entry = instance->func("wasi_thread_start");
  if (!entry || entry->type().params != std::vector<ValType>{ValType::i32(), ValType::i32()} ||
      !entry->type().results.empty())
    return -1;
  // A pthread, not a std::thread: failing to make one is a -1 for the
  // guest, not an exception.
  auto* start = new ThreadStart{threads, context, *entry, id, start_arg};
  pthread_t thread;
  if (pthread_create(&thread, nullptr, run_thread, start) != 0) {
    delete start;
    return -1;
  }
  pthread_detach(thread);
  threads->spawned.fetch_add(1);
  return static_cast<int32_t>(id);
}

} // namespace

void Wasi::define_thread_spawn(api::Linker& linker, api::Store& store) {
  threads_->store = &store;
  FuncType type;
  type.params = {ValType::i32()};
  type.results = {ValType::i32()};
  linker.define("wasi", "thread-spawn",
                api::Func::host(
                    store, type,
                    [threads = threads_, context = context_](
                        std::span<const api::Value> args, std::span<api::Value> results) -> Status {
                      results[0] = api::Value::i32(spawn(threads, context, args[0].i32()));
                      return {};
                    }));
}

Status Wasi::enable_threads(const api::Module& module, api::Linker& linker, api::Store& store,
                            ExitHandler on_exit) {
  // The program's shared memories come from the host (wasi-libc imports
  // env.memory): made here from the import's own limits unless defined.
  for (const api::ImportType& import : module.imports()) {
    if (import.type.kind != ExternKind::Memory || !import.type.memory.limits.shared ||
        linker.get(import.module, import.name))
      continue;
    KITE_TRY_ASSIGN(api::Memory memory, api::Memory::create(store, import.type.memory));
    linker.define(import.module, import.name, memory);
  }
  std::lock_guard lock(threads_->mutex);
  threads_->module = module;
  threads_->linker = linker;
  threads_->on_exit = std::move(on_exit);
  return {};
}

uint32_t Wasi::threads_spawned() const { return threads_->spawned.load(); }

} // namespace kite::wasi
