// Type representations: value, function, global, table, memory, tag, extern,
// import and export types.
#include "capi/capi.h"

using namespace kite;
using namespace kite::capi;

namespace kite::capi {

wasm_valkind_t valkind_of(ValType t) {
  switch (t.kind) {
  case ValKind::I32: return WASM_I32;
  case ValKind::I64: return WASM_I64;
  case ValKind::F32: return WASM_F32;
  case ValKind::F64: return WASM_F64;
  case ValKind::V128: return 4;
  default: break;
  }
  const HeapKind h = t.heap.kind;
  return h == HeapKind::Func || h == HeapKind::NoFunc || h == HeapKind::Index ? WASM_FUNCREF
                                                                              : WASM_EXTERNREF;
}

ValType valtype_of(wasm_valkind_t kind) {
  switch (kind) {
  case WASM_I64: return ValType::i64();
  case WASM_F32: return ValType::f32();
  case WASM_F64: return ValType::f64();
  case 4: return ValType::v128();
  case WASM_EXTERNREF: return ValType::externref();
  case WASM_FUNCREF: return ValType::funcref();
  default: return ValType::i32();
  }
}

} // namespace kite::capi

namespace {

wasm_limits_t limits_of(const Limits& l) {
  auto clamp = [](uint64_t v) { return v > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(v); };
  return wasm_limits_t{clamp(l.min), l.max ? clamp(*l.max) : wasm_limits_max_default};
}

Limits kite_limits(const wasm_limits_t* l) {
  Limits out;
  out.min = l->min;
  if (l->max != wasm_limits_max_default) out.max = l->max;
  return out;
}

void valtypes_new(wasm_valtype_vec_t* out, const std::vector<ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < types.size(); ++i)
    out->data[i] = new wasm_valtype_t{types[i]};
}

std::vector<ValType> kite_valtypes(const wasm_valtype_vec_t& v) {
  std::vector<ValType> out;
  for (size_t i = 0; i < v.size; ++i)
    out.push_back(v.data[i] ? v.data[i]->type : ValType::i32());
  return out;
}

} // namespace

// ---- Value types ----

extern "C" wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  return new wasm_valtype_t{valtype_of(kind)};
}
extern "C" wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* t) { return valkind_of(t->type); }
extern "C" wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* t) {
  return new wasm_valtype_t(*t);
}
extern "C" void wasm_valtype_delete(wasm_valtype_t* t) { delete t; }

// ---- Function types ----

wasm_functype_t::wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {
  wasm_valtype_vec_new_empty(&params);
  wasm_valtype_vec_new_empty(&results);
}
wasm_functype_t::wasm_functype_t(const FuncType& t) : wasm_externtype_t(WASM_EXTERN_FUNC) {
  valtypes_new(&params, t.params);
  valtypes_new(&results, t.results);
}
wasm_functype_t::wasm_functype_t(const wasm_functype_t& o) : wasm_externtype_t(WASM_EXTERN_FUNC) {
  wasm_valtype_vec_copy(&params, &o.params);
  wasm_valtype_vec_copy(&results, &o.results);
}
wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}
FuncType wasm_functype_t::to_kite() const {
  return FuncType{kite_valtypes(params), kite_valtypes(results)};
}

extern "C" wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params,
                                              wasm_valtype_vec_t* results) {
  auto* f = new wasm_functype_t();
  f->params = *params; // takes the vectors over
  f->results = *results;
  wasm_valtype_vec_new_empty(params);
  wasm_valtype_vec_new_empty(results);
  return f;
}
extern "C" const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* f) {
  return &f->params;
}
extern "C" const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* f) {
  return &f->results;
}

// ---- Global, table, memory and tag types ----

extern "C" wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t m) {
  auto* g = new wasm_globaltype_t(GlobalType{content->type, m == WASM_VAR});
  delete content;
  return g;
}
extern "C" const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* g) {
  return &g->content;
}
extern "C" wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* g) {
  return g->type.mut ? WASM_VAR : WASM_CONST;
}

wasm_tabletype_t::wasm_tabletype_t(const TableType& t)
    : wasm_externtype_t(WASM_EXTERN_TABLE), type(t), element{t.elem}, limits(limits_of(t.limits)) {}

extern "C" wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* elem, const wasm_limits_t* l) {
  auto* t = new wasm_tabletype_t(TableType{elem->type, kite_limits(l)});
  delete elem;
  return t;
}
extern "C" const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* t) {
  return &t->element;
}
extern "C" const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* t) {
  return &t->limits;
}

wasm_memorytype_t::wasm_memorytype_t(const MemoryType& t)
    : wasm_externtype_t(WASM_EXTERN_MEMORY), type(t), limits(limits_of(t.limits)) {}

extern "C" wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* l) {
  MemoryType t;
  t.limits = kite_limits(l);
  return new wasm_memorytype_t(t);
}
extern "C" const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* m) {
  return &m->limits;
}

extern "C" wasm_tagtype_t* wasm_tagtype_new(wasm_functype_t* f) { return new wasm_tagtype_t(f); }
extern "C" const wasm_functype_t* wasm_tagtype_functype(const wasm_tagtype_t* t) { return t->func; }

// copy and delete of the extern types (all deleted through the base).
#define KITE_CAPI_EXTERNTYPE_COPY(name)                                                            \
  extern "C" wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* t) {                       \
    return static_cast<wasm_##name##_t*>(t->clone());                                              \
  }                                                                                                \
  extern "C" void wasm_##name##_delete(wasm_##name##_t* t) { delete t; }
KITE_CAPI_EXTERNTYPE_COPY(functype)
KITE_CAPI_EXTERNTYPE_COPY(globaltype)
KITE_CAPI_EXTERNTYPE_COPY(tabletype)
KITE_CAPI_EXTERNTYPE_COPY(memorytype)
KITE_CAPI_EXTERNTYPE_COPY(tagtype)
KITE_CAPI_EXTERNTYPE_COPY(externtype)

// ---- Extern types ----

extern "C" wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* t) { return t->kind; }

#define KITE_CAPI_EXTERNTYPE_CONV(name, kind_value)                                                \
  extern "C" wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }      \
  extern "C" const wasm_externtype_t* wasm_##name##_as_externtype_const(                           \
      const wasm_##name##_t* t) {                                                                  \
    return t;                                                                                      \
  }                                                                                                \
  extern "C" wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                    \
    return t && t->kind == kind_value ? static_cast<wasm_##name##_t*>(t) : nullptr;                \
  }                                                                                                \
  extern "C" const wasm_##name##_t* wasm_externtype_as_##name##_const(                             \
      const wasm_externtype_t* t) {                                                                \
    return t && t->kind == kind_value ? static_cast<const wasm_##name##_t*>(t) : nullptr;          \
  }
KITE_CAPI_EXTERNTYPE_CONV(functype, WASM_EXTERN_FUNC)
KITE_CAPI_EXTERNTYPE_CONV(globaltype, WASM_EXTERN_GLOBAL)
KITE_CAPI_EXTERNTYPE_CONV(tabletype, WASM_EXTERN_TABLE)
KITE_CAPI_EXTERNTYPE_CONV(memorytype, WASM_EXTERN_MEMORY)
KITE_CAPI_EXTERNTYPE_CONV(tagtype, WASM_EXTERN_TAG)

namespace kite::capi {

wasm_externtype_t* externtype_of(const api::ExternType& t) {
  switch (t.kind) {
  case ExternKind::Func: return new wasm_functype_t(t.func);
  case ExternKind::Table: return new wasm_tabletype_t(t.table);
  case ExternKind::Memory: return new wasm_memorytype_t(t.memory);
  case ExternKind::Global: return new wasm_globaltype_t(t.global);
  default: return new wasm_tagtype_t(new wasm_functype_t(t.func));
  }
}

} // namespace kite::capi

// ---- Import and export types ----

extern "C" wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                                  wasm_externtype_t* type) {
  auto* t = new wasm_importtype_t{*module, *name, type};
  wasm_name_new_empty(module);
  wasm_name_new_empty(name);
  return t;
}
extern "C" const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* t) {
  return &t->module;
}
extern "C" const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* t) { return &t->name; }
extern "C" const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* t) {
  return t->type;
}
extern "C" wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* t) {
  auto* c = new wasm_importtype_t{{}, {}, t->type->clone()};
  wasm_name_copy(&c->module, &t->module);
  wasm_name_copy(&c->name, &t->name);
  return c;
}
extern "C" void wasm_importtype_delete(wasm_importtype_t* t) {
  wasm_name_delete(&t->module);
  wasm_name_delete(&t->name);
  delete t->type;
  delete t;
}

extern "C" wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new wasm_exporttype_t{*name, type};
  wasm_name_new_empty(name);
  return t;
}
extern "C" const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* t) { return &t->name; }
extern "C" const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* t) {
  return t->type;
}
extern "C" wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* t) {
  auto* c = new wasm_exporttype_t{{}, t->type->clone()};
  wasm_name_copy(&c->name, &t->name);
  return c;
}
extern "C" void wasm_exporttype_delete(wasm_exporttype_t* t) {
  wasm_name_delete(&t->name);
  delete t->type;
  delete t;
}
