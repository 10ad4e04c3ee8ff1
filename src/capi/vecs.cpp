// Every wasm_*_vec_t function, from one template per element layout: vectors
// of values (bytes, wasm_val_t) and vectors of owned pointers (types,
// frames, externs).
#include <algorithm>

#include "capi/capi.h"

namespace {

// How a vector copies and deletes its elements.
template <typename E> struct ValueElem {
  static void copy(E* out, const E* in) { *out = *in; }
  static void destroy(E*) {}
};
template <> struct ValueElem<wasm_val_t> {
  static void copy(wasm_val_t* out, const wasm_val_t* in) { wasm_val_copy(out, in); }
  static void destroy(wasm_val_t* v) { wasm_val_delete(v); }
};
template <typename T, T* (*Copy)(const T*), void (*Delete)(T*)> struct PtrElem {
  static void copy(T** out, T* const* in) { *out = *in ? Copy(*in) : nullptr; }
  static void destroy(T** p) {
    if (*p) Delete(*p);
  }
};

template <typename V, typename E, typename Ops> struct Vec {
  static void new_empty(V* out) {
    out->size = 0;
    out->data = nullptr;
  }
  // Elements start zeroed (a zero wasm_val_t is i32 0, a zero pointer null),
  // so deleting a vector the caller filled only in part is safe.
  static void new_uninitialized(V* out, size_t n) {
    out->size = n;
    out->data = n ? new E[n]() : nullptr;
  }
  static void new_from(V* out, size_t n, const E* in) {
    new_uninitialized(out, n);
    if (n) std::copy(in, in + n, out->data);
  }
  static void copy(V* out, const V* in) {
    new_uninitialized(out, in->size);
    for (size_t i = 0; i < in->size; ++i)
      Ops::copy(&out->data[i], &in->data[i]);
  }
  static void destroy(V* v) {
    if (!v) return;
    for (size_t i = 0; i < v->size; ++i)
      Ops::destroy(&v->data[i]);
    delete[] v->data;
    v->size = 0;
    v->data = nullptr;
  }
};

} // namespace

#define KITE_CAPI_VEC(name, elem, ops)                                                             \
  using name##_vec_impl = Vec<wasm_##name##_vec_t, elem, ops>;                                     \
  extern "C" void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) {                          \
    name##_vec_impl::new_empty(out);                                                               \
  }                                                                                                \
  extern "C" void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t n) {        \
    name##_vec_impl::new_uninitialized(out, n);                                                    \
  }                                                                                                \
  extern "C" void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t n, elem const in[]) {     \
    name##_vec_impl::new_from(out, n, in);                                                         \
  }                                                                                                \
  extern "C" void wasm_##name##_vec_copy(wasm_##name##_vec_t* out,                                 \
                                         const wasm_##name##_vec_t* in) {                          \
    name##_vec_impl::copy(out, in);                                                                \
  }                                                                                                \
  extern "C" void wasm_##name##_vec_delete(wasm_##name##_vec_t* v) { name##_vec_impl::destroy(v); }

#define KITE_CAPI_PTR_VEC(name)                                                                    \
  using name##_elem_ops = PtrElem<wasm_##name##_t, wasm_##name##_copy, wasm_##name##_delete>;      \
  KITE_CAPI_VEC(name, wasm_##name##_t*, name##_elem_ops)

KITE_CAPI_VEC(byte, wasm_byte_t, ValueElem<wasm_byte_t>)
KITE_CAPI_VEC(val, wasm_val_t, ValueElem<wasm_val_t>)
KITE_CAPI_PTR_VEC(valtype)
KITE_CAPI_PTR_VEC(functype)
KITE_CAPI_PTR_VEC(globaltype)
KITE_CAPI_PTR_VEC(tabletype)
KITE_CAPI_PTR_VEC(memorytype)
KITE_CAPI_PTR_VEC(tagtype)
KITE_CAPI_PTR_VEC(externtype)
KITE_CAPI_PTR_VEC(importtype)
KITE_CAPI_PTR_VEC(exporttype)
KITE_CAPI_PTR_VEC(frame)
KITE_CAPI_PTR_VEC(extern)

namespace kite::capi {

void bytes_new(wasm_byte_vec_t* out, const void* data, size_t size) {
  wasm_byte_vec_new(out, size, static_cast<const wasm_byte_t*>(data));
}

void name_new(wasm_name_t* out, std::string_view s) { bytes_new(out, s.data(), s.size()); }

} // namespace kite::capi
