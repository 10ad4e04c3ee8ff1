// kite.h, the C extensions: fuel, interrupts from another thread, timeouts,
// limits, GC statistics, the IR dump, errors, WASI, bounded host <-> wasm
// re-entry; and trap frames' offsets with and without guard pages.
#define _POSIX_C_SOURCE 200809L // nanosleep, mkdtemp
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "kite.h"

static const char* const kLoops =
    "(module"
    "  (func (export \"spin\") (loop $l (br $l)))"
    "  (func $down (export \"down\") (param i32) (result i32)"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
    "      (else (call $down (i32.sub (local.get 0) (i32.const 1))))))"
    "  (func (export \"count\") (param i32) (result i32) (local i32)"
    "    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))"
    "    (local.get 1)))";

// Checks that `error` is non-null with a message containing `expected`.
static void check_error(kite_error_t* error, const char* expected) {
  CHECK(error != NULL);
  wasm_name_t message;
  kite_error_message(error, &message);
  if (strstr(message.data, expected) == NULL) {
    fprintf(stderr, "error \"%s\", expected \"%s\"\n", message.data, expected);
    exit(1);
  }
  wasm_name_delete(&message);
  kite_error_delete(error);
}

static wasm_trap_t* call1(wasm_func_t* f, int32_t arg, int32_t* result) {
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t in = WASM_ARRAY_VEC(args), out = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(f, &in, &out);
  if (!trap && result) *result = results[0].of.i32;
  return trap;
}

static wasm_trap_t* call0(wasm_func_t* f) {
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  return wasm_func_call(f, &none, &none);
}

// A store of an engine configured by `configure`, and kLoops instantiated in it.
typedef struct {
  wasm_engine_t* engine;
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
} Loops;

static Loops loops_new(wasm_config_t* config) {
  Loops l;
  l.engine = wasm_engine_new_with_config(config);
  l.store = wasm_store_new(l.engine);
  l.module = compile_wat(l.store, kLoops);
  l.instance = instantiate(l.store, l.module, NULL, 0);
  wasm_instance_exports(l.instance, &l.exports);
  return l;
}

static void loops_delete(Loops* l) {
  wasm_extern_vec_delete(&l->exports);
  wasm_instance_delete(l->instance);
  wasm_module_delete(l->module);
  wasm_store_delete(l->store);
  wasm_engine_delete(l->engine);
}

static void test_fuel(void) {
  wasm_config_t* config = wasm_config_new();
  kite_config_consume_fuel_set(config, true);
  Loops l = loops_new(config);
  wasm_func_t* spin = export_func(&l.exports, 0);
  wasm_func_t* count = export_func(&l.exports, 2);
  uint64_t fuel = 99;
  CHECK(kite_store_get_fuel(l.store, &fuel) == NULL && fuel == 0);
  check_trap(call0(spin), "all fuel consumed"); // a store starts with none
  CHECK(kite_store_set_fuel(l.store, 100000) == NULL);
  check_trap(call0(spin), "all fuel consumed");
  CHECK(kite_store_set_fuel(l.store, 100000) == NULL);
  int32_t n = 0;
  CHECK(call1(count, 1000, &n) == NULL && n == 1000);
  CHECK(kite_store_get_fuel(l.store, &fuel) == NULL);
  CHECK(fuel < 100000 - 1000 && fuel > 100000 - 20000); // a few units per iteration
  CHECK(kite_store_add_fuel(l.store, 5) == NULL);
  uint64_t more = 0;
  CHECK(kite_store_get_fuel(l.store, &more) == NULL && more == fuel + 5);
  check_error(kite_store_get_fuel(l.store, NULL), "null");
  loops_delete(&l);

  // Off: every fuel call is an error, and nothing else changes.
  Loops off = loops_new(wasm_config_new());
  check_error(kite_store_set_fuel(off.store, 1), "fuel is off");
  check_error(kite_store_add_fuel(off.store, 1), "fuel is off");
  check_error(kite_store_get_fuel(off.store, &fuel), "fuel is off");
  check_error(kite_store_set_fuel(NULL, 1), "null store");
  check_error(kite_store_add_fuel(NULL, 1), "null store");
  check_error(kite_store_set_timeout(off.store, 1000), "interrupts are off");
  CHECK(kite_interrupt_handle_new(off.store) == NULL);
  loops_delete(&off);
}

static void sleep_ms(long ms) {
  struct timespec pause = {ms / 1000, (ms % 1000) * 1000 * 1000};
  nanosleep(&pause, NULL);
}

static void* interrupt_later(void* handle) {
  sleep_ms(50);
  kite_interrupt_handle_interrupt((const kite_interrupt_handle_t*)handle);
  return NULL;
}

static void test_interrupts(void) {
  wasm_config_t* config = wasm_config_new();
  kite_config_interruptible_set(config, true);
  Loops l = loops_new(config);
  wasm_func_t* spin = export_func(&l.exports, 0);
  wasm_func_t* count = export_func(&l.exports, 2);

  // From another thread, while the loop runs.
  kite_interrupt_handle_t* handle = kite_interrupt_handle_new(l.store);
  CHECK(handle != NULL);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, interrupt_later, handle) == 0);
  check_trap(call0(spin), "interrupted");
  pthread_join(thread, NULL);
  int32_t n = 0;
  check_trap(call1(count, 10, &n), "interrupted"); // until cleared
  kite_store_clear_interrupt(l.store);
  CHECK(call1(count, 10, &n) == NULL && n == 10);

  // A timeout; 0 cancels one.
  CHECK(kite_store_set_timeout(l.store, 50 * 1000 * 1000) == NULL);
  check_trap(call0(spin), "interrupted");
  kite_store_clear_interrupt(l.store);
  CHECK(kite_store_set_timeout(l.store, 20 * 1000 * 1000) == NULL);
  CHECK(kite_store_set_timeout(l.store, 0) == NULL);
  sleep_ms(60);
  CHECK(call1(count, 10, &n) == NULL && n == 10);

  // A handle may outlive its store.
  loops_delete(&l);
  kite_interrupt_handle_interrupt(handle);
  kite_interrupt_handle_delete(handle);
}

static void test_limits(void) {
  wasm_config_t* config = wasm_config_new();
  kite_config_max_call_depth_set(config, 500);
  kite_config_max_stack_bytes_set(config, 1 << 20);
  kite_config_max_memory_bytes_set(config, 2 * 65536);
  kite_config_max_table_elements_set(config, 10);
  kite_config_max_store_bytes_set(config, 1 << 30);
  kite_config_max_gc_heap_bytes_set(config, 1 << 20);
  kite_config_guard_pages_set(config, false);
  kite_config_lazy_validation_set(config, false);
  kite_config_consume_fuel_set(NULL, true); // ignored
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (memory (export \"m\") 1) (table 1 funcref)"
             "  (type $bytes (array (mut i8)))"
             "  (func $down (export \"down\") (param i32) (result i32)"
             "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
             "      (else (call $down (i32.sub (local.get 0) (i32.const 1))))))"
             "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
             "  (func (export \"tgrow\") (param i32) (result i32)"
             "    (table.grow (ref.null func) (local.get 0)))"
             "  (func (export \"alloc\") (param i32) (result i32)"
             "    (array.len (array.new_default $bytes (local.get 0)))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* down = export_func(&exports, 1);
  wasm_func_t* grow = export_func(&exports, 2);
  wasm_func_t* tgrow = export_func(&exports, 3);
  wasm_func_t* alloc = export_func(&exports, 4);
  int32_t r = -2;
  CHECK(call1(down, 400, &r) == NULL && r == 0);
  check_trap(call1(down, 600, &r), "call stack exhausted");
  CHECK(call1(grow, 1, &r) == NULL && r == 1);
  CHECK(call1(grow, 1, &r) == NULL && r == -1); // past 2 pages
  CHECK(call1(tgrow, 9, &r) == NULL && r == 1);
  CHECK(call1(tgrow, 1, &r) == NULL && r == -1); // past 10 elements
  CHECK(call1(alloc, 1000, &r) == NULL && r == 1000);
  check_trap(call1(alloc, 4 << 20, &r), "out of memory: GC heap limit");
  uint64_t collections = 0, live = 0, heap = 0;
  kite_store_gc_stats(store, &collections, &live, &heap);
  CHECK(heap > 0 && heap <= (1 << 20));
  kite_store_gc_stats(store, NULL, NULL, NULL);

  // The IR of a wasm function; host functions have none.
  wasm_byte_vec_t ir;
  CHECK(kite_func_dump_ir(down, &ir) == NULL);
  CHECK(ir.size > 0 && memchr(ir.data, '\n', ir.size) != NULL);
  wasm_byte_vec_delete(&ir);
  wasm_functype_t* nothing = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, nothing, NULL); // rejected: no callback
  CHECK(host == NULL);
  check_error(kite_func_dump_ir(NULL, &ir), "null argument");
  wasm_functype_delete(nothing);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- Re-entry: wasm -> host -> wasm ... without end traps, never crashes.

static wasm_func_t* g_enter;
static int g_rounds;

static wasm_trap_t* again(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  ++g_rounds;
  return call0(g_enter);
}

static wasm_trap_t* nothing_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void test_reentry(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, "(module (import \"env\" \"again\" (func $again))"
                                             "  (func (export \"enter\") (call $again)))");
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, type, again);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  g_enter = export_func(&exports, 0);
  check_trap(call0(g_enter), "call stack exhausted");
  CHECK(g_rounds > 100);
  // The thread runs wasm again afterwards.
  wasm_func_t* quiet = wasm_func_new(store, type, nothing_cb);
  wasm_extern_t* quiet_imports[] = {wasm_func_as_extern(quiet)};
  wasm_instance_t* fresh = instantiate(store, module, quiet_imports, 1);
  wasm_extern_vec_t fresh_exports;
  wasm_instance_exports(fresh, &fresh_exports);
  CHECK(call0(export_func(&fresh_exports, 0)) == NULL);
  wasm_extern_vec_delete(&fresh_exports);
  wasm_instance_delete(fresh);
  wasm_func_delete(quiet);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_functype_delete(type);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- WASI

static const char* const kWasiProgram =
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) "
    "(result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\" (func $fd_read (param i32 i32 i32 i32) "
    "(result i32)))"
    "  (import \"wasi_unstable\" \"args_sizes_get\" (func $args_sizes (param i32 i32) (result "
    "i32)))"
    "  (import \"wasi_snapshot_preview1\" \"environ_sizes_get\" (func $env_sizes (param i32 i32) "
    "(result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"fd_prestat_get\" (func $prestat (param i32 i32) "
    "(result i32)))"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))"
    "  (import \"env\" \"answer\" (func $answer (result i32)))"
    "  (memory (export \"memory\") 1)"
    "  (data (i32.const 16) \"hello \")"
    "  (func (export \"_start\")"
    // Copy up to 32 bytes of stdin after \"hello \", then write it all to stdout.
    "    (i32.store (i32.const 0) (i32.const 22)) (i32.store (i32.const 4) (i32.const 32))"
    "    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))"
    "    (i32.store (i32.const 0) (i32.const 16))"
    "    (i32.store (i32.const 4) (i32.add (i32.const 6) (i32.load (i32.const 8))))"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))"
    // Exit status: argc * 1000 + environment count * 100 + (preopen 3 ok ? 10 : 0) + answer.
    "    (drop (call $args_sizes (i32.const 64) (i32.const 68)))"
    "    (drop (call $env_sizes (i32.const 72) (i32.const 76)))"
    "    (call $exit (i32.add (i32.add (i32.mul (i32.load (i32.const 64)) (i32.const 1000))"
    "                                  (i32.mul (i32.load (i32.const 72)) (i32.const 100)))"
    "      (i32.add (select (i32.const 10) (i32.const 0)"
    "                 (i32.eqz (call $prestat (i32.const 3) (i32.const 80))))"
    "               (call $answer)))))"
    "  (func (export \"print\")"
    "    (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 5))"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))";

static wasm_trap_t* answer(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(7);
  return NULL;
}

static void write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "wb");
  CHECK(f != NULL);
  fputs(text, f);
  fclose(f);
}

static size_t read_file(const char* path, char* buffer, size_t size) {
  FILE* f = fopen(path, "rb");
  CHECK(f != NULL);
  size_t n = fread(buffer, 1, size - 1, f);
  fclose(f);
  buffer[n] = '\0';
  return n;
}

static void test_wasi(void) {
  char dir[] = "/tmp/kite-capi-wasi-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char in_path[128], out_path[128], err_path[128];
  snprintf(in_path, sizeof in_path, "%s/in", dir);
  snprintf(out_path, sizeof out_path, "%s/out", dir);
  snprintf(err_path, sizeof err_path, "%s/err", dir);
  write_file(in_path, "world");

  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, kWasiProgram);

  wasi_config_t* config = wasi_config_new();
  const char* argv[] = {"prog", "a", "b"};
  wasi_config_set_argv(config, 3, argv);
  const char* names[] = {"A", "B"};
  const char* values[] = {"1", "2"};
  wasi_config_set_env(config, 2, names, values);
  CHECK(wasi_config_set_stdin_file(config, in_path));
  CHECK(wasi_config_set_stdout_file(config, out_path));
  CHECK(wasi_config_set_stderr_file(config, err_path));
  CHECK(!wasi_config_set_stdin_file(config, "/nonexistent/kite/file"));
  CHECK(wasi_config_preopen_dir(config, dir, "/sandbox"));
  CHECK(!wasi_config_preopen_dir(config, in_path, "/file")); // not a directory
  kite_error_t* error = NULL;
  kite_wasi_t* wasi = kite_wasi_new(store, config, &error);
  CHECK(wasi != NULL && error == NULL);

  // WASI fills its imports; the host fills the rest.
  wasm_extern_vec_t imports;
  wasm_extern_vec_new_uninitialized(&imports, 7);
  for (size_t i = 0; i < imports.size; ++i)
    imports.data[i] = NULL;
  CHECK(kite_wasi_fill_imports(wasi, module, &imports) == 6);
  CHECK(imports.data[6] == NULL);
  wasm_functype_t* answer_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  imports.data[6] = wasm_func_as_extern(wasm_func_new(store, answer_type, answer));
  wasm_functype_delete(answer_type);
  CHECK(kite_wasi_fill_imports(wasi, module, &imports) == 0);
  wasm_importtype_vec_t types;
  wasm_module_imports(module, &types);
  CHECK(kite_wasi_bind_import(wasi, types.data[6]) == NULL); // env.answer: not WASI
  wasm_extern_t* bound = kite_wasi_bind_import(wasi, types.data[0]);
  CHECK(bound != NULL && wasm_extern_kind(bound) == WASM_EXTERN_FUNC);
  wasm_extern_delete(bound);
  wasm_importtype_vec_delete(&types);

  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);
  uint32_t code = 0;
  CHECK(!kite_wasi_exit_code(wasi, &code));
  CHECK(kite_wasi_run_start(wasi, instance, &code) == NULL);
  CHECK(code == 3 * 1000 + 2 * 100 + 10 + 7);
  CHECK(kite_wasi_exit_code(wasi, &code) && code == 3217);
  char text[64];
  read_file(out_path, text, sizeof text);
  CHECK(strcmp(text, "hello world") == 0);
  wasm_extern_vec_delete(&imports);
  wasm_instance_delete(instance);
  kite_wasi_delete(wasi);

  // A default config: no args, no env, no preopens, stdout discarded.
  kite_wasi_t* quiet = kite_wasi_new(store, wasi_config_new(), &error);
  CHECK(quiet != NULL);
  wasm_extern_vec_new_uninitialized(&imports, 7);
  for (size_t i = 0; i < imports.size; ++i)
    imports.data[i] = NULL;
  CHECK(kite_wasi_fill_imports(quiet, module, &imports) == 6);
  answer_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  imports.data[6] = wasm_func_as_extern(wasm_func_new(store, answer_type, answer));
  wasm_functype_delete(answer_type);
  instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL);
  CHECK(kite_wasi_run_start(quiet, instance, &code) == NULL && code == 7);
  // Its exports stay callable after the command exited; calling _start
  // directly, proc_exit ends the call as a trap, told apart by the exit code.
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(call0(export_func(&exports, 2)) == NULL); // print: discarded
  wasm_trap_t* exited = call0(export_func(&exports, 1));
  CHECK(exited != NULL && kite_wasi_exit_code(quiet, &code) && code == 7);
  wasm_trap_delete(exited);
  wasm_extern_vec_delete(&exports);
  wasm_extern_vec_delete(&imports);
  wasm_instance_delete(instance);
  kite_wasi_delete(quiet);

  // Inherited settings, and failures.
  wasi_config_t* inherit = wasi_config_new();
  wasi_config_inherit_argv(inherit);
  wasi_config_inherit_env(inherit);
  wasi_config_inherit_stdin(inherit);
  wasi_config_inherit_stdout(inherit);
  wasi_config_inherit_stderr(inherit);
  wasi_config_t* gone = wasi_config_new();
  wasi_config_delete(gone);
  CHECK(wasi_config_preopen_dir(inherit, dir, "/d"));
  kite_wasi_t* inherited = kite_wasi_new(store, inherit, &error);
  CHECK(inherited != NULL);
  kite_wasi_delete(inherited);
  wasi_config_t* broken = wasi_config_new();
  CHECK(wasi_config_preopen_dir(broken, dir, "/d"));
  unlink(in_path);
  unlink(out_path);
  unlink(err_path);
  CHECK(rmdir(dir) == 0);
  CHECK(kite_wasi_new(store, broken, &error) == NULL); // its preopen is gone
  check_error(error, dir);
  check_error(kite_store_set_timeout(NULL, 1), "null store");
  check_trap(kite_wasi_run_start(NULL, NULL, &code), "null argument");
  CHECK(kite_wasi_new(NULL, wasi_config_new(), &error) == NULL);
  check_error(error, "null store");
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// Frames name the wasm instruction each one is at: the one that trapped, and
// the calls below it. A module in binary, so that the offsets are known.
static const unsigned char kOffsets[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                   // 0: header
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,                               // 8: type () -> ()
    0x03, 0x04, 0x03, 0x00, 0x00, 0x00,                               // 14: three functions
    0x05, 0x03, 0x01, 0x00, 0x00,                                     // 20: memory 0 pages
    0x07, 0x0f, 0x02, 0x05, 'o',  'u',  't',  'e',  'r',  0x00, 0x01, // 25: exports
    0x03, 'd',  'i',  'v',  0x00, 0x02,                               //
    0x0a, 0x19, 0x03,                                                 // 42: code
    0x08, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b,             // 45: i32.load at 49
    0x05, 0x00, 0x01, 0x10, 0x00, 0x0b,                               // 54: call 0 at 57
    0x08, 0x00, 0x41, 0x01, 0x41, 0x00, 0x6d, 0x1a, 0x0b};            // 60: i32.div_s at 66

static void check_frame(const wasm_frame_t* frame, uint32_t func, size_t func_offset,
                        size_t module_offset) {
  if (wasm_frame_func_index(frame) != func || wasm_frame_func_offset(frame) != func_offset ||
      wasm_frame_module_offset(frame) != module_offset) {
    fprintf(stderr, "frame: func %u at %zu (module %zu), expected func %u at %zu (module %zu)\n",
            wasm_frame_func_index(frame), wasm_frame_func_offset(frame),
            wasm_frame_module_offset(frame), func, func_offset, module_offset);
    exit(1);
  }
}

static void trap_offsets(bool guard_pages) {
  wasm_config_t* config = wasm_config_new();
  kite_config_guard_pages_set(config, guard_pages);
  wasm_engine_t* offsets_engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(offsets_engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof kOffsets, (const char*)kOffsets);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  CHECK(module != NULL);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;

  wasm_trap_t* t = wasm_func_call(export_func(&exports, 0), &none, &none);
  CHECK(t != NULL);
  wasm_frame_vec_t trace;
  wasm_trap_trace(t, &trace);
  CHECK(trace.size == 2);
  check_frame(trace.data[0], 0, 3, 49); // the load (a guard-page fault, or a checked access)
  check_frame(trace.data[1], 1, 2, 57); // the call
  wasm_frame_vec_delete(&trace);
  check_trap(t, "out of bounds memory access");

  t = wasm_func_call(export_func(&exports, 1), &none, &none);
  wasm_frame_t* origin = wasm_trap_origin(t);
  check_frame(origin, 2, 5, 66);
  wasm_frame_delete(origin);
  check_trap(t, "integer divide by zero");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(offsets_engine);
}

// Instantiates `module`, checks that its first export, called with 0,
// returns 7, and deletes it all.
static void expect_first_export_returns_7(wasm_store_t* store, wasm_module_t* module) {
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  int32_t r = 0;
  CHECK(call1(export_func(&exports, 0), 0, &r) == NULL && r == 7);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// The module cache through the C API: a module compiled twice (the second
// time from its entry) and an invalid one, in a fresh directory.
static void test_cache(void) {
  char dir[] = "/tmp/kite-capi-cache-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  wasm_config_t* config = wasm_config_new();
  kite_config_cache_dir_set(config, dir);
  kite_config_cache_max_bytes_set(config, 1 << 20);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  const char* wat = "(module (func (export \"f\") (param i32) (result i32) (i32.const 7)))";
  for (int round = 0; round < 2; ++round) {
    expect_first_export_returns_7(store, compile_wat(store, wat));
  }
  // An entry was written (the directory holds it and the secret).
  char command[128];
  snprintf(command, sizeof command, "ls %s/*.entry >/dev/null", dir);
  CHECK(system(command) == 0);
  // A module file: compiled through the cache, and a missing one refused.
  char path[128];
  snprintf(path, sizeof path, "%s/m.wat", dir);
  FILE* file = fopen(path, "w");
  CHECK(file != NULL && fputs(wat, file) >= 0 && fclose(file) == 0);
  wasm_module_t* from_file = NULL;
  CHECK(kite_module_new_from_file(store, path, &from_file) == NULL && from_file != NULL);
  expect_first_export_returns_7(store, from_file);
  snprintf(path, sizeof path, "%s/missing.wasm", dir);
  kite_error_t* missing = kite_module_new_from_file(store, path, &from_file);
  CHECK(missing != NULL);
  wasm_name_t message;
  kite_error_message(missing, &message);
  CHECK(strstr(message.data, "cannot open file") != NULL);
  wasm_name_delete(&message);
  kite_error_delete(missing);
  const char* invalid = "(module (func (result i32) (i64.const 7)))";
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, strlen(invalid), invalid);
  CHECK(wasm_module_new(store, &bytes) == NULL);
  wasm_byte_vec_delete(&bytes);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  snprintf(command, sizeof command, "rm -rf %s", dir);
  CHECK(system(command) == 0);
  kite_config_cache_dir_set(NULL, "ignored");
}

int main(void) {
  test_cache();
  test_fuel();
  test_interrupts();
  test_limits();
  test_reentry();
  test_wasi();
  trap_offsets(true);
  trap_offsets(false);
  puts("ok");
  return 0;
}
