/* An embedder in C: the standard API plus kite.h (fuel, WASI). Prints
 * "fac(10) = 3628800", then the guest's own "hello from wasi". */
#include <stdio.h>
#include <string.h>

#include <kite.h>
#include <wasm.h>

static const char wat[] =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\""
    "    (func $fd_write (param i32 i32 i32 i32) (result i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 16) \"hello from wasi\\n\")"
    "  (func $fac (export \"fac\") (param i64) (result i64)"
    "    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))"
    "      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))"
    "  (func (export \"_start\")"
    "    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 16))"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))";

int main(void) {
  wasm_config_t* config = wasm_config_new();
  kite_config_consume_fuel_set(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  if (kite_store_set_fuel(store, 1000000) != NULL) return 1;
  wasm_byte_vec_t text;
  wasm_byte_vec_new(&text, sizeof wat - 1, wat);
  wasm_module_t* module = wasm_module_new(store, &text);
  wasm_byte_vec_delete(&text);
  if (!module) return 2;

  wasi_config_t* wasi_config = wasi_config_new();
  wasi_config_inherit_stdout(wasi_config);
  kite_error_t* error = NULL;
  kite_wasi_t* wasi = kite_wasi_new(store, wasi_config, &error);
  if (!wasi) return 3;
  wasm_extern_vec_t imports;
  wasm_extern_vec_new_uninitialized(&imports, 1);
  imports.data[0] = NULL;
  if (kite_wasi_fill_imports(wasi, module, &imports) != 1) return 4;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) return 5;

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[1] = {WASM_I64_VAL(10)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t in = WASM_ARRAY_VEC(args), out = WASM_ARRAY_VEC(results);
  if (wasm_func_call(wasm_extern_as_func(exports.data[1]), &in, &out) != NULL) return 6;
  printf("fac(10) = %lld\n", (long long)results[0].of.i64);
  fflush(stdout);
  uint32_t code = 1;
  if (kite_wasi_run_start(wasi, instance, &code) != NULL || code != 0) return 7;

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  kite_wasi_delete(wasi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
