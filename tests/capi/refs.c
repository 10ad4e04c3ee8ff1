// References: copy, same, host info (with finalizers) and the wasm_ref_t
// views for every reference type; extern views; foreign objects and
// references passed through wasm (GC objects stay rooted while a handle
// lives); frame and extern vectors; and API misuse, which must give a trap
// or NULL, never a crash.
#include "check.h"

static int finalized;
static void finalize_add(void* data) { finalized += *(int*)data; }
static int weight = 1;

// copy / same / host info of a handle `x` of type wasm_NAME_t (`other` is
// another object of the same type, or NULL); `views` checks more on the copy.
#define EXERCISE_REF_WITH(name, x, other, views)                                                   \
  do {                                                                                             \
    wasm_##name##_t* c = wasm_##name##_copy(x);                                                    \
    CHECK(wasm_##name##_same(x, c) && !wasm_##name##_same(x, other));                              \
    CHECK(wasm_##name##_get_host_info(x) == NULL);                                                 \
    static int info;                                                                               \
    wasm_##name##_set_host_info(c, &info);                                                         \
    CHECK(wasm_##name##_get_host_info(x) == &info); /* shared by the object's handles */           \
    wasm_##name##_set_host_info_with_finalizer(x, &weight, finalize_add);                          \
    CHECK(wasm_##name##_get_host_info(c) == &weight);                                              \
    views;                                                                                         \
    wasm_##name##_delete(c);                                                                       \
  } while (0)

// ...and the views as wasm_ref_t and back.
#define EXERCISE_REF(name, x, other)                                                               \
  EXERCISE_REF_WITH(name, x, other, {                                                              \
    wasm_ref_t* r = wasm_##name##_as_ref(c);                                                       \
    CHECK(wasm_ref_as_##name(r) == c && wasm_ref_as_##name##_const(r) == c);                       \
    CHECK(wasm_##name##_as_ref_const(c) == r);                                                     \
    wasm_ref_t* rc = wasm_ref_copy(r);                                                             \
    CHECK(wasm_ref_same(r, rc) && wasm_ref_get_host_info(rc) == &weight);                          \
    wasm_ref_delete(rc);                                                                           \
  })

static wasm_trap_t* identity(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static wasm_trap_t* wrong_result(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_F64; // declared i32
  results->data[0].of.f64 = 1;
  return NULL;
}

static const char* wat =
    "(module (import \"\" \"id\" (func $id (param externref) (result externref)))"
    " (type $s (struct (field i32)))"
    " (func (export \"pass\") (param externref) (result externref) (call $id (local.get 0)))"
    " (func (export \"make\") (param i32) (result anyref) (struct.new $s (local.get 0)))"
    " (func (export \"read\") (param anyref) (result i32)"
    "   (struct.get $s 0 (ref.cast (ref $s) (local.get 0))))"
    " (func (export \"garbage\") (local i32) (loop (drop (struct.new $s (local.get 0)))"
    "   (local.set 0 (i32.add (local.get 0) (i32.const 1)))"
    "   (br_if 0 (i32.lt_u (local.get 0) (i32.const 100000)))))"
    " (global (export \"g\") i32 (i32.const 1)) (table (export \"t\") 1 funcref)"
    " (memory (export \"m\") 1) (func (export \"two\") (param i32 i32)))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile_wat(store, wat);
  wasm_module_t* module2 = compile_wat(store, "(module)");

  wasm_functype_t* idtype =
      wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t* id = wasm_func_new(store, idtype, identity);
  wasm_extern_t* imports[] = {wasm_func_as_extern(id)};

  // Misuse first: missing imports, wrong kinds.
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  check_trap(trap, "unknown import: \"\" \"id\"");
  CHECK(wasm_instance_new(store, module, NULL, &trap) == NULL);
  check_trap(trap, "unknown import");

  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_instance_t* instance2 = instantiate(store, module2, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* pass = export_func(&exports, 0);
  wasm_func_t* make = export_func(&exports, 1);
  wasm_func_t* read = export_func(&exports, 2);
  wasm_func_t* garbage = export_func(&exports, 3);
  wasm_global_t* g = wasm_extern_as_global(exports.data[4]);
  wasm_table_t* t = wasm_extern_as_table(exports.data[5]);
  wasm_memory_t* m = wasm_extern_as_memory(exports.data[6]);
  wasm_func_t* two = export_func(&exports, 7);

  // Foreign objects round-trip through wasm as externref.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_t* foreign2 = wasm_foreign_new(store);
  wasm_val_t args[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t results[1];
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args), results_vec = WASM_ARRAY_VEC(results);
  CHECK(wasm_func_call(pass, &args_vec, &results_vec) == NULL);
  CHECK(results[0].kind == WASM_EXTERNREF && results[0].of.ref != NULL);
  CHECK(wasm_foreign_same(wasm_ref_as_foreign(results[0].of.ref), foreign));
  CHECK(wasm_ref_as_foreign_const(results[0].of.ref) != NULL);
  CHECK(wasm_ref_as_func(results[0].of.ref) == NULL);
  wasm_val_t copied;
  wasm_val_copy(&copied, &results[0]);
  wasm_val_delete(&results[0]);
  wasm_val_delete(&copied);
  args[0].of.ref = NULL; // null externref
  CHECK(wasm_func_call(pass, &args_vec, &results_vec) == NULL);
  CHECK(results[0].of.ref == NULL);

  // A GC struct held by the host survives collections while its handle lives.
  wasm_val_t seven[1] = {WASM_I32_VAL(7)};
  wasm_val_vec_t seven_vec = WASM_ARRAY_VEC(seven);
  CHECK(wasm_func_call(make, &seven_vec, &results_vec) == NULL);
  wasm_ref_t* object = results[0].of.ref;
  CHECK(object != NULL);
  wasm_val_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(garbage, &empty, &empty) == NULL);
  wasm_val_t read_args[1] = {WASM_REF_VAL(object)};
  wasm_val_vec_t read_vec = WASM_ARRAY_VEC(read_args);
  CHECK(wasm_func_call(read, &read_vec, &results_vec) == NULL);
  CHECK(results[0].of.i32 == 7);
  EXERCISE_REF_WITH(ref, object, wasm_foreign_as_ref(foreign), {});
  wasm_ref_delete(object);

  // Every reference type.
  EXERCISE_REF(func, pass, make);
  EXERCISE_REF(global, g, NULL);
  EXERCISE_REF(table, t, NULL);
  EXERCISE_REF(memory, m, NULL);
  EXERCISE_REF(extern, exports.data[3], exports.data[1]);
  EXERCISE_REF(instance, instance, instance2);
  EXERCISE_REF(module, module, module2);
  EXERCISE_REF(foreign, foreign, foreign2);
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "made by the host");
  wasm_trap_t* trap1 = wasm_trap_new(store, &message);
  wasm_trap_t* trap2 = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  EXERCISE_REF(trap, trap1, trap2);
  CHECK(wasm_trap_origin(trap1) == NULL);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap1, &frames);
  CHECK(frames.size == 0);
  wasm_frame_vec_delete(&frames);
  check_trap(trap1, "made by the host");
  wasm_trap_delete(trap2);
  CHECK(finalized == 1); // the trap's host info went with its last handle

  // Extern views and types.
  CHECK(wasm_extern_kind(exports.data[0]) == WASM_EXTERN_FUNC);
  CHECK(wasm_extern_kind(exports.data[4]) == WASM_EXTERN_GLOBAL);
  CHECK(wasm_extern_kind(exports.data[5]) == WASM_EXTERN_TABLE);
  CHECK(wasm_extern_kind(exports.data[6]) == WASM_EXTERN_MEMORY);
  CHECK(wasm_extern_as_func_const(exports.data[0]) == pass);
  CHECK(wasm_extern_as_global_const(exports.data[4]) == g);
  CHECK(wasm_extern_as_table_const(exports.data[5]) == t);
  CHECK(wasm_extern_as_memory_const(exports.data[6]) == m);
  CHECK(wasm_extern_as_func(exports.data[4]) == NULL &&
        wasm_extern_as_global(exports.data[0]) == NULL);
  CHECK(wasm_func_as_extern_const(pass) == exports.data[0]);
  CHECK(wasm_global_as_extern_const(g) == exports.data[4]);
  CHECK(wasm_table_as_extern(t) == wasm_table_as_extern_const(t));
  CHECK(wasm_memory_as_extern(m) == wasm_memory_as_extern_const(m));
  CHECK(wasm_ref_as_extern(wasm_func_as_ref(pass)) == exports.data[0]);
  CHECK(wasm_ref_as_extern_const(wasm_instance_as_ref(instance)) == NULL);
  CHECK(wasm_ref_as_global(wasm_global_as_ref(g)) == g);
  CHECK(wasm_ref_as_global_const(wasm_global_as_ref_const(g)) == g);
  CHECK(wasm_ref_as_table(wasm_table_as_ref(t)) == t);
  CHECK(wasm_ref_as_table_const(wasm_table_as_ref_const(t)) == t);
  CHECK(wasm_ref_as_memory(wasm_memory_as_ref(m)) == m);
  CHECK(wasm_ref_as_memory_const(wasm_memory_as_ref_const(m)) == m);
  CHECK(wasm_ref_as_func_const(wasm_func_as_ref_const(pass)) == pass);
  CHECK(wasm_ref_as_instance(wasm_instance_as_ref(instance)) == instance);
  CHECK(wasm_ref_as_instance_const(wasm_instance_as_ref_const(instance)) == instance);
  CHECK(wasm_ref_as_module(wasm_module_as_ref(module)) == module);
  CHECK(wasm_ref_as_module_const(wasm_module_as_ref_const(module)) == module);
  CHECK(wasm_ref_as_trap(wasm_module_as_ref(module)) == NULL);
  CHECK(wasm_ref_as_trap_const(wasm_module_as_ref_const(module)) == NULL);
  CHECK(wasm_ref_as_foreign(wasm_foreign_as_ref(foreign)) == foreign);
  CHECK(wasm_foreign_as_ref_const(foreign) != NULL);
  wasm_externtype_t* et = wasm_extern_type(exports.data[7]);
  CHECK(wasm_functype_params(wasm_externtype_as_functype_const(et))->size == 2);
  wasm_externtype_delete(et);
  wasm_functype_t* ft = wasm_func_type(two);
  CHECK(wasm_functype_params(ft)->size == 2 && wasm_functype_results(ft)->size == 0);
  wasm_functype_delete(ft);

  // Extern and frame vectors.
  wasm_extern_vec_t ev, evcopy, evempty, evunset;
  wasm_extern_t* some[] = {wasm_extern_copy(exports.data[4]), wasm_extern_copy(exports.data[5])};
  wasm_extern_vec_new(&ev, 2, some);
  wasm_extern_vec_copy(&evcopy, &ev);
  CHECK(wasm_extern_same(evcopy.data[1], exports.data[5]));
  wasm_extern_vec_new_empty(&evempty);
  wasm_extern_vec_new_uninitialized(&evunset, 2);
  wasm_extern_vec_delete(&ev);
  wasm_extern_vec_delete(&evcopy);
  wasm_extern_vec_delete(&evempty);
  wasm_extern_vec_delete(&evunset);
  wasm_frame_vec_t fv, fvcopy, fvunset;
  wasm_frame_vec_new_empty(&fv);
  wasm_frame_vec_copy(&fvcopy, &fv);
  wasm_frame_vec_new_uninitialized(&fvunset, 1);
  wasm_frame_vec_delete(&fv);
  wasm_frame_vec_delete(&fvcopy);
  wasm_frame_vec_delete(&fvunset);
  wasm_frame_vec_new(&fv, 0, NULL);
  wasm_frame_vec_delete(&fv);

  // Misuse: wrong argument count and types, a small results vector, a
  // callback writing the wrong result type, a wrong init value.
  wasm_val_t ints[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t one_int = {1, ints}, two_ints = {2, ints};
  check_trap(wasm_func_call(two, &one_int, &empty), "wrong number of arguments");
  check_trap(wasm_func_call(two, NULL, NULL), "wrong number of arguments");
  CHECK(wasm_func_call(two, &two_ints, NULL) == NULL);
  wasm_val_t mixed[2] = {WASM_I32_VAL(1), WASM_F32_VAL(2)};
  wasm_val_vec_t mixed_vec = WASM_ARRAY_VEC(mixed);
  check_trap(wasm_func_call(two, &mixed_vec, &empty), "argument 1");
  check_trap(wasm_func_call(make, &seven_vec, &empty), "results vector too small");
  args[0] = (wasm_val_t)WASM_REF_VAL(wasm_func_as_ref(pass)); // a funcref where externref goes
  check_trap(wasm_func_call(pass, &args_vec, &results_vec), "wrong type");
  check_trap(wasm_func_call(NULL, &empty, &empty), "null function");
  wasm_functype_t* bad_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* bad = wasm_func_new(store, bad_type, wrong_result);
  wasm_functype_delete(bad_type);
  check_trap(wasm_func_call(bad, &empty, &results_vec), "host function result 0");
  wasm_func_delete(bad);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t f64 = WASM_F64_VAL(1);
  CHECK(wasm_global_new(store, gt, &f64) == NULL);
  wasm_globaltype_delete(gt);
  CHECK(wasm_module_new(store, &(wasm_byte_vec_t){4, "\0asm"}) == NULL);
  CHECK(!wasm_module_validate(store, &(wasm_byte_vec_t){3, "abc"}));
  CHECK(wasm_store_new(NULL) == NULL);

  // Handles may outlive their store; finalizers run when it ends.
  wasm_func_t* late = wasm_func_copy(pass);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_instance_delete(instance2);
  wasm_func_delete(id);
  wasm_functype_delete(idtype);
  wasm_foreign_delete(foreign);
  wasm_foreign_delete(foreign2);
  int before = finalized;
  wasm_store_delete(store);
  CHECK(finalized == before); // `late` still holds the store
  wasm_func_delete(late);
  CHECK(finalized == before + 8); // ref, func, global, table, memory, extern, instance, foreign
  wasm_module_delete(module2);
  wasm_module_delete(module);
  CHECK(finalized == before + 9);
  wasm_engine_delete(engine);
  puts("ok");
  return 0;
}
