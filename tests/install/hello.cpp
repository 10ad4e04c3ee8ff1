// An embedder in C++: kite::api and kite::wasi. Prints "fac(10) = 3628800",
// then the guest's own "hello from wasi".
#include <cstdio>

#include <kite/kite.h>
#include <kite/wasi.h>

constexpr const char* kWat = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasi\n")
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))))";

int main() {
  kite::api::Engine engine;
  kite::api::Store store(engine);
  auto module = kite::api::Module::compile(engine, kWat);
  if (!module.ok()) return 2;
  auto wasi = kite::wasi::Wasi::create({});
  if (!wasi.ok()) return 3;
  kite::api::Linker linker;
  (*wasi)->define(linker, store);
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) return 5;
  auto fac = instance->func("fac")->call({kite::api::Value::i64(10)});
  if (!fac.ok()) return 6;
  std::printf("fac(10) = %lld\n", static_cast<long long>((*fac)[0].i64()));
  std::fflush(stdout);
  auto status = (*wasi)->run_start(*instance);
  return status.ok() && *status == 0 ? 0 : 7;
}
