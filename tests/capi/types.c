// Types, vectors and the runtime environment: every type's constructor,
// accessors, copy and delete, the extern-type views, import and export
// types, and the five functions of every wasm_*_vec_t.
#include "check.h"

// new_empty, new_uninitialized, new (taking `n` elements), copy, delete.
#define EXERCISE_PTR_VEC(name, make)                                                               \
  do {                                                                                             \
    wasm_##name##_vec_t empty, unset, full, copy;                                                  \
    wasm_##name##_vec_new_empty(&empty);                                                           \
    CHECK(empty.size == 0);                                                                        \
    wasm_##name##_vec_new_uninitialized(&unset, 3);                                                \
    CHECK(unset.size == 3);                                                                        \
    unset.data[0] = make;                                                                          \
    wasm_##name##_t* elems[2] = {make, make};                                                      \
    wasm_##name##_vec_new(&full, 2, elems);                                                        \
    wasm_##name##_vec_copy(&copy, &full);                                                          \
    CHECK(copy.size == 2 && copy.data[0] != full.data[0]);                                         \
    wasm_##name##_vec_delete(&empty);                                                              \
    wasm_##name##_vec_delete(&unset);                                                              \
    wasm_##name##_vec_delete(&full);                                                               \
    wasm_##name##_vec_delete(&copy);                                                               \
  } while (0)

static wasm_externtype_t* make_externtype(void) {
  return wasm_functype_as_externtype(wasm_functype_new_0_0());
}

static wasm_importtype_t* make_importtype(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "env");
  wasm_name_new_from_string(&name, "f");
  return wasm_importtype_new(&module, &name, make_externtype());
}

static wasm_exporttype_t* make_exporttype(void) {
  wasm_name_t name;
  wasm_name_new_from_string(&name, "f");
  return wasm_exporttype_new(&name, make_externtype());
}

static wasm_limits_t limits = {1, 2};

static void vectors(void) {
  wasm_byte_vec_t bytes, empty, unset, copy;
  wasm_byte_vec_new(&bytes, 3, "abc");
  wasm_byte_vec_new_empty(&empty);
  wasm_byte_vec_new_uninitialized(&unset, 4);
  wasm_byte_vec_copy(&copy, &bytes);
  CHECK(copy.size == 3 && memcmp(copy.data, "abc", 3) == 0 && unset.size == 4 && empty.size == 0);
  wasm_byte_vec_delete(&bytes);
  wasm_byte_vec_delete(&empty);
  wasm_byte_vec_delete(&unset);
  wasm_byte_vec_delete(&copy);
  wasm_name_t name;
  wasm_name_new_from_string_nt(&name, "xy");
  CHECK(name.size == 3 && name.data[2] == 0);
  wasm_name_delete(&name);
  wasm_name_new_empty(&name);
  wasm_name_delete(&name);
  wasm_name_new_uninitialized(&name, 2);
  wasm_name_copy(&copy, &name);
  wasm_name_delete(&name);
  wasm_name_delete(&copy);

  wasm_val_t vals[] = {WASM_I32_VAL(1), WASM_F64_VAL(2.0)};
  wasm_val_vec_t vv, vempty, vunset, vcopy;
  wasm_val_vec_new(&vv, 2, vals);
  wasm_val_vec_new_empty(&vempty);
  wasm_val_vec_new_uninitialized(&vunset, 2);
  wasm_val_vec_copy(&vcopy, &vv);
  CHECK(vcopy.size == 2 && vcopy.data[1].of.f64 == 2.0);
  wasm_val_vec_delete(&vv);
  wasm_val_vec_delete(&vempty);
  wasm_val_vec_delete(&vunset);
  wasm_val_vec_delete(&vcopy);

  EXERCISE_PTR_VEC(valtype, wasm_valtype_new_f32());
  EXERCISE_PTR_VEC(functype, wasm_functype_new_0_0());
  EXERCISE_PTR_VEC(globaltype, wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST));
  EXERCISE_PTR_VEC(tabletype, wasm_tabletype_new(wasm_valtype_new_externref(), &limits));
  EXERCISE_PTR_VEC(memorytype, wasm_memorytype_new(&limits));
  EXERCISE_PTR_VEC(tagtype, wasm_tagtype_new(wasm_functype_new_1_0(wasm_valtype_new_i32())));
  EXERCISE_PTR_VEC(externtype, make_externtype());
  EXERCISE_PTR_VEC(importtype, make_importtype());
  EXERCISE_PTR_VEC(exporttype, make_exporttype());
}

static void value_types(void) {
  static const wasm_valkind_t kinds[] = {WASM_I32, WASM_I64,       WASM_F32,
                                         WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (size_t i = 0; i < 6; ++i) {
    wasm_valtype_t* t = wasm_valtype_new(kinds[i]);
    wasm_valtype_t* c = wasm_valtype_copy(t);
    CHECK(wasm_valtype_kind(c) == kinds[i]);
    CHECK(wasm_valtype_is_num(t) == (i < 4) && wasm_valtype_is_ref(t) == (i >= 4));
    CHECK(wasm_valkind_is_num(kinds[i]) == (i < 4) && wasm_valkind_is_ref(kinds[i]) == (i >= 4));
    wasm_valtype_delete(t);
    wasm_valtype_delete(c);
  }
}

static void function_types(void) {
  wasm_functype_t* types[] = {
      wasm_functype_new_0_0(),
      wasm_functype_new_1_0(wasm_valtype_new_i32()),
      wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64()),
      wasm_functype_new_3_0(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
      wasm_functype_new_0_1(wasm_valtype_new_f64()),
      wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_f64()),
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f64()),
      wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                            wasm_valtype_new_f64()),
      wasm_functype_new_0_2(wasm_valtype_new_f64(), wasm_valtype_new_funcref()),
      wasm_functype_new_1_2(wasm_valtype_new_i32(), wasm_valtype_new_f64(),
                            wasm_valtype_new_externref()),
      wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f64(),
                            wasm_valtype_new_f32()),
      wasm_functype_new_3_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                            wasm_valtype_new_f64(), wasm_valtype_new_i32()),
  };
  for (size_t i = 0; i < 12; ++i) {
    wasm_functype_t* c = wasm_functype_copy(types[i]);
    CHECK(wasm_functype_params(c)->size == i % 4);
    CHECK(wasm_functype_results(c)->size == i / 4);
    wasm_functype_delete(c);
    wasm_functype_delete(types[i]);
  }
}

// Each extern type: its view as wasm_externtype_t and back, and the
// other views' NULL.
static void extern_types(void) {
  wasm_functype_t* ft = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_tagtype_t* gtag = wasm_tagtype_new(wasm_functype_new_1_0(wasm_valtype_new_i64()));

  CHECK(wasm_externtype_as_functype(wasm_functype_as_externtype(ft)) == ft);
  CHECK(wasm_externtype_as_globaltype(wasm_globaltype_as_externtype(gt)) == gt);
  CHECK(wasm_externtype_as_tabletype(wasm_tabletype_as_externtype(tt)) == tt);
  CHECK(wasm_externtype_as_memorytype(wasm_memorytype_as_externtype(mt)) == mt);
  CHECK(wasm_externtype_as_tagtype(wasm_tagtype_as_externtype(gtag)) == gtag);
  CHECK(wasm_externtype_as_functype_const(wasm_functype_as_externtype_const(ft)) == ft);
  CHECK(wasm_externtype_as_globaltype_const(wasm_globaltype_as_externtype_const(gt)) == gt);
  CHECK(wasm_externtype_as_tabletype_const(wasm_tabletype_as_externtype_const(tt)) == tt);
  CHECK(wasm_externtype_as_memorytype_const(wasm_memorytype_as_externtype_const(mt)) == mt);
  CHECK(wasm_externtype_as_tagtype_const(wasm_tagtype_as_externtype_const(gtag)) == gtag);
  wasm_externtype_t* e = wasm_globaltype_as_externtype(gt);
  CHECK(wasm_externtype_kind(e) == WASM_EXTERN_GLOBAL);
  CHECK(wasm_externtype_as_functype(e) == NULL && wasm_externtype_as_tabletype(e) == NULL);
  CHECK(wasm_externtype_as_memorytype(e) == NULL && wasm_externtype_as_tagtype(e) == NULL);
  wasm_externtype_t* ec = wasm_externtype_copy(e);
  const wasm_globaltype_t* gc = wasm_externtype_as_globaltype_const(ec);
  CHECK(wasm_globaltype_mutability(gc) == WASM_VAR);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(gc)) == WASM_F64);
  wasm_externtype_delete(ec);

  wasm_globaltype_t* gcopy = wasm_globaltype_copy(gt);
  wasm_tabletype_t* tcopy = wasm_tabletype_copy(tt);
  wasm_memorytype_t* mcopy = wasm_memorytype_copy(mt);
  wasm_tagtype_t* tagcopy = wasm_tagtype_copy(gtag);
  CHECK(wasm_tabletype_limits(tcopy)->min == 1 && wasm_tabletype_limits(tcopy)->max == 2);
  CHECK(wasm_memorytype_limits(mcopy)->max == 2);
  CHECK(wasm_valtype_kind(wasm_functype_params(wasm_tagtype_functype(tagcopy))->data[0]) ==
        WASM_I64);
  wasm_globaltype_delete(gcopy);
  wasm_tabletype_delete(tcopy);
  wasm_memorytype_delete(mcopy);
  wasm_tagtype_delete(tagcopy);

  wasm_importtype_t* it = make_importtype();
  wasm_importtype_t* ic = wasm_importtype_copy(it);
  CHECK(memcmp(wasm_importtype_module(ic)->data, "env", 3) == 0);
  CHECK(wasm_importtype_name(ic)->size == 1);
  CHECK(wasm_externtype_kind(wasm_importtype_type(ic)) == WASM_EXTERN_FUNC);
  wasm_importtype_delete(it);
  wasm_importtype_delete(ic);
  wasm_exporttype_t* xt = make_exporttype();
  wasm_exporttype_t* xc = wasm_exporttype_copy(xt);
  CHECK(wasm_exporttype_name(xc)->data[0] == 'f');
  CHECK(wasm_externtype_kind(wasm_exporttype_type(xc)) == WASM_EXTERN_FUNC);
  wasm_exporttype_delete(xt);
  wasm_exporttype_delete(xc);

  wasm_functype_delete(ft);
  wasm_globaltype_delete(gt);
  wasm_tabletype_delete(tt);
  wasm_memorytype_delete(mt);
  wasm_tagtype_delete(gtag);
}

// Engines from a config; a store per engine.
static void environment(void) {
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine = wasm_engine_new_with_config(config); // takes the config
  wasm_store_t* store = wasm_store_new(engine);
  CHECK(store != NULL);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  wasm_config_delete(wasm_config_new());
  assertions();
}

int main(void) {
  vectors();
  value_types();
  function_types();
  extern_types();
  environment();
  puts("ok");
  return 0;
}
