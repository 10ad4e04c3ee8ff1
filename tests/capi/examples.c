// The classic wasm-c-api walk-throughs, one function each: hello, callback,
// multi, trap, start, global, table, memory, finalize, reflect, serialize,
// threads. Written for kite; uses only the standard wasm.h.
#include <pthread.h>

#include "check.h"

static wasm_engine_t* engine;

// (module (import "" "hello" (func $hello)) (func (export "run") (call $hello)))
static const char hello_binary[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x0a,
    0x01, 0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07,
    0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x0a, 0x06, 0x01, 0x04, 0x00, 0x10, 0x00, 0x0b};

static int hello_calls;
static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 0);
  ++hello_calls;
  return NULL;
}

static void hello(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof hello_binary, hello_binary);
  CHECK(wasm_module_validate(store, &binary));
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK(module != NULL);
  wasm_byte_vec_delete(&binary);

  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* func = wasm_func_new(store, type, hello_callback);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(func)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_delete(func);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(export_func(&exports, 0), &none, &none) == NULL);
  CHECK(hello_calls == 1);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// A callback with an environment, closures over i32 and a funcref argument.
static wasm_trap_t* add_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + *(int*)env;
  return NULL;
}

static void callback(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, "(module (import \"\" \"add\" (func $add (param i32) "
                                             "(result i32))) (func (export \"run\") (param i32) "
                                             "(result i32) (call $add (local.get 0))))");
  int delta = 100;
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new_with_env(store, type, add_env, &delta, NULL);
  wasm_functype_delete(type);
  CHECK(wasm_func_param_arity(add) == 1 && wasm_func_result_arity(add) == 1);
  wasm_extern_t* imports[] = {wasm_func_as_extern(add)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(7)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(export_func(&exports, 0), &args_vec, &results_vec) == NULL);
  CHECK(results[0].kind == WASM_I32 && results[0].of.i32 == 107);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Multi-value: a host function and a wasm function swapping four values.
static wasm_trap_t* swap4(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  for (size_t i = 0; i < 4; ++i)
    wasm_val_copy(&results->data[i], &args->data[3 - i]);
  return NULL;
}

static void multi(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (import \"\" \"swap\" (func $swap (param i64 f64 f32 i32) (result i32 f32 "
             "f64 i64))) (func (export \"run\") (param i32 f32 f64 i64) (result i32 f32 f64 i64) "
             "(call $swap (local.get 3) (local.get 2) (local.get 1) (local.get 0))))");
  wasm_valtype_t* ps[] = {wasm_valtype_new_i64(), wasm_valtype_new_f64(), wasm_valtype_new_f32(),
                          wasm_valtype_new_i32()};
  wasm_valtype_t* rs[] = {wasm_valtype_new_i32(), wasm_valtype_new_f32(), wasm_valtype_new_f64(),
                          wasm_valtype_new_i64()};
  wasm_valtype_vec_t params, res;
  wasm_valtype_vec_new(&params, 4, ps);
  wasm_valtype_vec_new(&res, 4, rs);
  wasm_functype_t* type = wasm_functype_new(&params, &res);
  wasm_func_t* swap = wasm_func_new(store, type, swap4);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(swap)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(1), WASM_F32_VAL(2.5f), WASM_F64_VAL(3.25), WASM_I64_VAL(4)};
  wasm_val_t results[4];
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(export_func(&exports, 0), &args_vec, &results_vec) == NULL);
  CHECK(results[0].kind == WASM_I32 && results[0].of.i32 == 1);
  CHECK(results[1].kind == WASM_F32 && results[1].of.f32 == 2.5f);
  CHECK(results[2].kind == WASM_F64 && results[2].of.f64 == 3.25);
  CHECK(results[3].kind == WASM_I64 && results[3].of.i64 == 4);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(swap);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Traps: from a host callback (with its message) and from wasm (with frames).
static wasm_store_t* trap_store;
static wasm_trap_t* fail_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args, (void)results;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(trap_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static void trap(void) {
  wasm_store_t* store = trap_store = wasm_store_new(engine);
  wasm_module_t* module =
      compile_wat(store, "(module (import \"\" \"fail\" (func $fail)) (func $nop) "
                         "(func (export \"host\") (call $fail)) "
                         "(func $deep (export \"wasm\") (call $nop) (unreachable)))");
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* fail = wasm_func_new(store, type, fail_callback);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fail)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  check_trap(wasm_func_call(export_func(&exports, 0), &none, &none), "callback abort");

  wasm_trap_t* t = wasm_func_call(export_func(&exports, 1), &none, &none);
  CHECK(t != NULL);
  wasm_frame_t* origin = wasm_trap_origin(t);
  CHECK(origin != NULL);
  CHECK(wasm_frame_func_index(origin) == 3);
  CHECK(wasm_frame_func_offset(origin) == 3); // after a local count and the call
  CHECK(wasm_frame_module_offset(origin) > 0);
  CHECK(wasm_instance_same(wasm_frame_instance(origin), instance));
  wasm_frame_vec_t trace;
  wasm_trap_trace(t, &trace);
  CHECK(trace.size == 1 && wasm_frame_func_index(trace.data[0]) == 3);
  wasm_frame_t* copy = wasm_frame_copy(trace.data[0]);
  CHECK(wasm_frame_module_offset(copy) == wasm_frame_module_offset(origin));
  wasm_frame_delete(copy);
  wasm_frame_vec_delete(&trace);
  wasm_frame_delete(origin);
  check_trap(t, "unreachable");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// A trapping start function fails instantiation with the trap.
static void start(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module =
      compile_wat(store, "(module (func $start (i32.div_u (i32.const 1) (i32.const 0)) drop) "
                         "(start $start))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL && wasm_frame_func_index(origin) == 0);
  wasm_frame_delete(origin);
  check_trap(trap, "integer divide by zero");
  CHECK(wasm_instance_new(store, module, &none, NULL) == NULL); // the trap may be ignored
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Globals: imported (host-made) and exported, constant and mutable.
static void global(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (global $in (import \"\" \"in\") (mut i64)) "
             "(global $c (export \"c\") f32 (f32.const 1.5)) "
             "(global $v (export \"v\") (mut i32) (i32.const 7)) "
             "(func (export \"bump\") (global.set $in (i64.add (global.get $in) (i64.const 1)))) "
             "(func (export \"get_v\") (result i32) (global.get $v)))");
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t init = WASM_I64_VAL(41);
  wasm_global_t* in = wasm_global_new(store, type, &init);
  wasm_globaltype_delete(type);
  CHECK(in != NULL);
  wasm_extern_t* imports[] = {wasm_global_as_extern(in)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t* c = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* v = wasm_extern_as_global(exports.data[1]);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(export_func(&exports, 2), &none, &none) == NULL);
  wasm_val_t got;
  wasm_global_get(in, &got);
  CHECK(got.kind == WASM_I64 && got.of.i64 == 42);
  wasm_global_get(c, &got);
  CHECK(got.kind == WASM_F32 && got.of.f32 == 1.5f);
  wasm_val_t nine = WASM_I32_VAL(9);
  wasm_global_set(v, &nine);
  wasm_val_t result[1];
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(result);
  CHECK(wasm_func_call(export_func(&exports, 3), &none, &result_vec) == NULL);
  CHECK(result[0].of.i32 == 9);
  wasm_global_set(c, &nine); // immutable (and wrong type): ignored
  wasm_global_get(c, &got);
  CHECK(got.of.f32 == 1.5f);
  wasm_globaltype_t* ct = wasm_global_type(c);
  CHECK(wasm_globaltype_mutability(ct) == WASM_CONST);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(ct)) == WASM_F32);
  wasm_globaltype_delete(ct);
  wasm_extern_vec_delete(&exports);
  wasm_global_delete(in);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Tables of funcref: get, set, grow, and calls through them.
static void table(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (table (export \"t\") 2 10 funcref) (elem (i32.const 1) $f) "
             "(type $t (func (result i32))) (func $f (export \"f\") (result i32) (i32.const 5)) "
             "(func (export \"call\") (param i32) (result i32) "
             "(call_indirect (type $t) (local.get 0))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* t = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* f = export_func(&exports, 1);
  CHECK(wasm_table_size(t) == 2);
  CHECK(wasm_table_get(t, 0) == NULL);
  wasm_ref_t* r = wasm_table_get(t, 1);
  CHECK(r != NULL && wasm_func_same(wasm_ref_as_func(r), f));
  CHECK(wasm_table_set(t, 0, r));
  wasm_ref_delete(r);
  CHECK(wasm_table_get(t, 5) == NULL);
  CHECK(!wasm_table_set(t, 5, NULL));
  CHECK(wasm_table_grow(t, 3, wasm_func_as_ref(f)));
  CHECK(wasm_table_size(t) == 5);
  CHECK(!wasm_table_grow(t, 6, NULL));
  wasm_val_t args[] = {WASM_I32_VAL(4)};
  wasm_val_t results[1];
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(export_func(&exports, 2), &args_vec, &results_vec) == NULL);
  CHECK(results[0].of.i32 == 5);
  args[0].of.i32 = 9;
  check_trap(wasm_func_call(export_func(&exports, 2), &args_vec, &results_vec), "undefined");

  // A host table.
  wasm_limits_t limits = {1, 4};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* host = wasm_table_new(store, tt, wasm_func_as_ref(f));
  wasm_tabletype_delete(tt);
  CHECK(host != NULL && wasm_table_size(host) == 1);
  wasm_tabletype_t* got = wasm_table_type(host);
  CHECK(wasm_tabletype_limits(got)->max == 4);
  CHECK(wasm_valtype_kind(wasm_tabletype_element(got)) == WASM_FUNCREF);
  wasm_tabletype_delete(got);
  wasm_table_delete(host);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Memories: data, sizes, grow, and out-of-bounds traps.
static void memory(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (memory (export \"m\") 1 3) (data (i32.const 4096) \"\\01\\02\") "
             "(func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* m = wasm_extern_as_memory(exports.data[0]);
  CHECK(wasm_memory_size(m) == 1);
  CHECK(wasm_memory_data_size(m) == MEMORY_PAGE_SIZE);
  CHECK(wasm_memory_data(m)[4096] == 1 && wasm_memory_data(m)[4097] == 2);
  wasm_memory_data(m)[100] = 42;
  wasm_val_t args[] = {WASM_I32_VAL(100)};
  wasm_val_t results[1];
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(export_func(&exports, 1), &args_vec, &results_vec) == NULL);
  CHECK(results[0].of.i32 == 42);
  CHECK(wasm_memory_grow(m, 2));
  CHECK(wasm_memory_size(m) == 3 && wasm_memory_data_size(m) == 3 * MEMORY_PAGE_SIZE);
  CHECK(!wasm_memory_grow(m, 1));
  args[0].of.i32 = 3 * 65536;
  check_trap(wasm_func_call(export_func(&exports, 1), &args_vec, &results_vec), "out of bounds");

  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* host = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  CHECK(host != NULL && wasm_memory_size(host) == 2);
  wasm_memorytype_t* got = wasm_memory_type(host);
  CHECK(wasm_memorytype_limits(got)->min == 2);
  CHECK(wasm_memorytype_limits(got)->max == wasm_limits_max_default);
  wasm_memorytype_delete(got);
  wasm_memory_delete(host);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Finalizers run: host info when the store ends, environments too.
static int finalized;
static void count_finalize(void* data) { finalized += *(int*)data; }

static void finalize(void) {
  static int one = 1, ten = 10, hundred = 100;
  finalized = 0;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, "(module (func (export \"f\")))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_set_host_info_with_finalizer(instance, &one, count_finalize);
  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new_with_env(store, type, add_env, &ten, count_finalize);
  wasm_functype_delete(type);
  wasm_module_set_host_info_with_finalizer(module, &hundred, count_finalize);
  wasm_instance_delete(instance);
  wasm_func_delete(f);
  CHECK(finalized == 0); // the objects live in the store until it ends
  wasm_store_delete(store);
  CHECK(finalized == 11);
  wasm_module_delete(module);
  CHECK(finalized == 111);
}

// Reflection: a module's imports and exports with their types.
static void reflect(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(
      store, "(module (import \"env\" \"f\" (func (param i32 f64) (result i64))) "
             "(import \"env\" \"g\" (global (mut f32))) (tag (export \"e\") (param i32)) "
             "(func (export \"f\") (param i32 f64) (result i64) (i64.const 0)) "
             "(table (export \"t\") 1 2 externref) (memory (export \"m\") 1) "
             "(global (export \"g\") i32 (i32.const 0)))");
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  CHECK(imports.size == 2);
  CHECK(memcmp(wasm_importtype_module(imports.data[0])->data, "env", 3) == 0);
  CHECK(wasm_importtype_name(imports.data[1])->size == 1);
  const wasm_functype_t* ft =
      wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0]));
  CHECK(ft != NULL && wasm_functype_params(ft)->size == 2);
  CHECK(wasm_valtype_kind(wasm_functype_params(ft)->data[1]) == WASM_F64);
  CHECK(wasm_valtype_kind(wasm_functype_results(ft)->data[0]) == WASM_I64);
  CHECK(wasm_externtype_kind(wasm_importtype_type(imports.data[1])) == WASM_EXTERN_GLOBAL);
  wasm_importtype_vec_delete(&imports);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  CHECK(exports.size == 5);
  static const wasm_externkind_t kinds[] = {WASM_EXTERN_TAG, WASM_EXTERN_FUNC, WASM_EXTERN_TABLE,
                                            WASM_EXTERN_MEMORY, WASM_EXTERN_GLOBAL};
  for (size_t i = 0; i < exports.size; ++i)
    CHECK(wasm_externtype_kind(wasm_exporttype_type(exports.data[i])) == kinds[i]);
  const wasm_tagtype_t* tag =
      wasm_externtype_as_tagtype_const(wasm_exporttype_type(exports.data[0]));
  CHECK(wasm_functype_params(wasm_tagtype_functype(tag))->size == 1);
  const wasm_tabletype_t* tt =
      wasm_externtype_as_tabletype_const(wasm_exporttype_type(exports.data[2]));
  CHECK(wasm_valtype_kind(wasm_tabletype_element(tt)) == WASM_EXTERNREF);
  CHECK(wasm_tabletype_limits(tt)->min == 1 && wasm_tabletype_limits(tt)->max == 2);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Serialize, then deserialize in another store; corrupt data is refused.
static void serialize(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module =
      compile_wat(store, "(module (func (export \"answer\") (result i32) (i32.const 42)))");
  wasm_byte_vec_t data;
  wasm_module_serialize(module, &data);
  wasm_module_delete(module);
  wasm_store_delete(store);

  store = wasm_store_new(engine);
  module = wasm_module_deserialize(store, &data);
  CHECK(module != NULL);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t results[1];
  wasm_val_vec_t none = WASM_EMPTY_VEC, results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(export_func(&exports, 0), &none, &results_vec) == NULL);
  CHECK(results[0].of.i32 == 42);
  data.data[data.size - 2] ^= 1; // checksum mismatch
  CHECK(wasm_module_deserialize(store, &data) == NULL);
  data.size = 10; // truncated
  CHECK(wasm_module_deserialize(store, &data) == NULL);
  data.size = 0;
  CHECK(wasm_module_deserialize(store, &data) == NULL);
  wasm_byte_vec_delete(&data);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Threads: a shared module instantiated in a store per thread.
static void* thread_main(void* arg) {
  wasm_shared_module_t* shared = arg;
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = wasm_module_obtain(store, shared);
  CHECK(module != NULL);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  for (int i = 0; i < 1000; ++i) {
    wasm_val_t args[] = {WASM_I32_VAL(i)};
    wasm_val_t results[1];
    wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
    CHECK(wasm_func_call(export_func(&exports, 0), &args_vec, &results_vec) == NULL);
    CHECK(results[0].of.i32 == 2 * i);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

static void threads(void) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module =
      compile_wat(store, "(module (func (export \"double\") (param i32) (result i32) "
                         "(i32.add (local.get 0) (local.get 0))))");
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);
  pthread_t t[4];
  for (int i = 0; i < 4; ++i)
    CHECK(pthread_create(&t[i], NULL, thread_main, shared) == 0);
  for (int i = 0; i < 4; ++i)
    pthread_join(t[i], NULL);
  wasm_shared_module_delete(shared);
}

int main(void) {
  engine = wasm_engine_new();
  hello();
  callback();
  multi();
  trap();
  start();
  global();
  table();
  memory();
  finalize();
  reflect();
  serialize();
  threads();
  wasm_engine_delete(engine);
  puts("ok");
  return 0;
}
