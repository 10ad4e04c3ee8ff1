// WASI through the C++ API (kite/wasi.h): output to embedder-chosen fds,
// args, proc_exit reported as an exit code (not a trap), reactors, and
// calls without a calling instance.
#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

#include "kite/kite.h"
#include "kite/wasi.h"

namespace kite::wasi {
namespace {

// Writes "hi\n" to fd 1, then exits with argc + 40 (or returns if argc == 1).
constexpr const char* kCommand = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 3))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (drop (call $args_sizes (i32.const 32) (i32.const 36)))
    (if (i32.ne (i32.load (i32.const 32)) (i32.const 1))
      (then (call $exit (i32.add (i32.load (i32.const 32)) (i32.const 40)))))))
)";

struct Pipe {
  int fds[2];
  Pipe() { EXPECT_EQ(pipe(fds), 0); }
  ~Pipe() {
    close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
  }
  std::string drain() {
    close(fds[1]);
    fds[1] = -1;
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

Result<uint32_t> run(std::vector<std::string> args, int stdout_fd) {
  api::Engine engine;
  api::Store store(engine);
  auto module = api::Module::compile(engine, std::string_view(kCommand));
  if (!module.ok()) return module.error();
  Config config;
  config.args = std::move(args);
  config.stdout_fd = stdout_fd;
  auto wasi = Wasi::create(std::move(config));
  if (!wasi.ok()) return wasi.error();
  api::Linker linker;
  (*wasi)->define(linker, store);
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) return instance.error();
  return (*wasi)->run_start(*instance);
}

TEST(WasiEmbedding, CommandReturnsZeroAndWritesToTheGivenFd) {
  Pipe out;
  auto status = run({"app"}, out.fds[1]);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, 0u);
  EXPECT_EQ(out.drain(), "hi\n");
}

TEST(WasiEmbedding, ProcExitIsAnExitCodeNotATrap) {
  Pipe out;
  auto status = run({"app", "x", "y"}, out.fds[1]);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, 43u);
  EXPECT_EQ(out.drain(), "hi\n");
}

TEST(WasiEmbedding, ReactorExportsAndExitCode) {
  api::Engine engine;
  api::Store store(engine);
  auto module = api::Module::compile(engine, std::string_view(R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (global $ready (mut i32) (i32.const 0))
    (func (export "_initialize") (global.set $ready (i32.const 1)))
    (func (export "ready") (result i32) (global.get $ready))
    (func (export "random_past_end") (result i32) (call $random (i32.const 65530) (i32.const 8)))
    (func (export "quit") (param i32) (call $exit (local.get 0))))
  )"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  auto wasi = Wasi::create({});
  ASSERT_TRUE(wasi.ok());
  api::Linker linker;
  (*wasi)->define(linker, store);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok());
  ASSERT_TRUE(instance->func("_initialize")->call({}).ok());
  EXPECT_EQ((*instance->func("ready")->call({}))[0].i32(), 1);
  EXPECT_EQ((*instance->func("random_past_end")->call({}))[0].i32(), 21); // EFAULT
  EXPECT_FALSE((*wasi)->exit_code());
  auto r = instance->func("quit")->call({api::Value::i32(5)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ((*wasi)->exit_code(), 5u);
}

TEST(WasiEmbedding, MissingPreopenAndBadListenerAreErrors) {
  Config config;
  config.preopens = {{"/nonexistent/kite-wasi-dir", "/x"}};
  auto wasi = Wasi::create(config);
  ASSERT_FALSE(wasi.ok());
  EXPECT_NE(wasi.error().message.find("/nonexistent/kite-wasi-dir"), std::string::npos);
  Config listen;
  listen.tcp_listen = {"no-port-here"};
  EXPECT_FALSE(Wasi::create(listen).ok());
}

TEST(WasiEmbedding, CalledFromTheHostWithoutAnInstanceTraps) {
  api::Engine engine;
  api::Store store(engine);
  auto wasi = Wasi::create({});
  ASSERT_TRUE(wasi.ok());
  api::Linker linker;
  (*wasi)->define(linker, store);
  auto sched = std::get<api::Func>(*linker.get("wasi_snapshot_preview1", "sched_yield"));
  auto r = sched.call({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
}

} // namespace
} // namespace kite::wasi
