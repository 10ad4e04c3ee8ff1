// Externals: globals, tables, memories, and the wasm_extern_t views of them
// and of functions (and tags, which kite exports and imports too).
#include "capi/capi.h"
#include "runtime/objects.h"

using namespace kite;
using namespace kite::capi;

namespace {

template <typename T> T* raw(const wasm_ref_t* r) { return static_cast<T*>(r->object); }

uint32_t clamp32(uint64_t v) { return v > 0xffffffffu ? 0xffffffffu : static_cast<uint32_t>(v); }

} // namespace

namespace kite::capi {

wasm_extern_t* extern_handle(const std::shared_ptr<StoreBox>& box, const api::Extern& e) {
  static constexpr HandleKind kinds[] = {HandleKind::Func, HandleKind::Table, HandleKind::Memory,
                                         HandleKind::Global, HandleKind::Tag};
  void* object = std::visit([](const auto& x) -> void* { return x.raw(); }, e);
  return new_handle<wasm_extern_t>(kinds[e.index()], box, object);
}

std::optional<api::Extern> to_api_extern(const wasm_extern_t* e) {
  if (!e) return std::nullopt;
  switch (e->kind) {
  case HandleKind::Func: return api::Func(raw<kite::Function>(e));
  case HandleKind::Global: return api::Global(raw<kite::Global>(e));
  case HandleKind::Table: return api::Table(raw<kite::Table>(e));
  case HandleKind::Memory: return api::Memory(raw<kite::Memory>(e));
  case HandleKind::Tag: return api::Tag(raw<kite::Tag>(e));
  default: return std::nullopt;
  }
}

} // namespace kite::capi

// ---- Globals ----

extern "C" wasm_global_t* wasm_global_new(wasm_store_t* s, const wasm_globaltype_t* type,
                                          const wasm_val_t* init) {
  if (!s || !type || !init) return nullptr;
  Result<api::Value> v = to_kite(*s->box, *init, type->type.type);
  if (!v.ok()) return nullptr;
  Result<api::Global> g = api::Global::create(s->box->store, type->type, *v);
  if (!g.ok()) return nullptr;
  return new_handle<wasm_global_t>(HandleKind::Global, s->box, g->raw());
}

extern "C" wasm_globaltype_t* wasm_global_type(const wasm_global_t* g) {
  return new wasm_globaltype_t(raw<kite::Global>(g)->type);
}

extern "C" void wasm_global_get(const wasm_global_t* g, wasm_val_t* out) {
  *out = to_c(g->box, api::Global(raw<kite::Global>(g)).get());
}

extern "C" void wasm_global_set(wasm_global_t* g, const wasm_val_t* v) {
  api::Global global(raw<kite::Global>(g));
  Result<api::Value> value = to_kite(*g->box, *v, global.type().type);
  if (value.ok()) (void)global.set(*value); // the standard API has no way to report failure
}

// ---- Tables ----

extern "C" wasm_table_t* wasm_table_new(wasm_store_t* s, const wasm_tabletype_t* type,
                                        wasm_ref_t* init) {
  if (!s || !type) return nullptr;
  Result<api::Value> v = ref_to_kite(*s->box, init, type->type.elem);
  if (!v.ok()) return nullptr;
  Result<api::Table> t = api::Table::create(s->box->store, type->type, *v);
  if (!t.ok()) return nullptr;
  return new_handle<wasm_table_t>(HandleKind::Table, s->box, t->raw());
}

extern "C" wasm_tabletype_t* wasm_table_type(const wasm_table_t* t) {
  return new wasm_tabletype_t(raw<kite::Table>(t)->type);
}

extern "C" wasm_ref_t* wasm_table_get(const wasm_table_t* t, wasm_table_size_t index) {
  Result<api::Value> v = api::Table(raw<kite::Table>(t)).get(index);
  return v.ok() ? ref_to_c(t->box, *v) : nullptr;
}

extern "C" bool wasm_table_set(wasm_table_t* t, wasm_table_size_t index, wasm_ref_t* r) {
  api::Table table(raw<kite::Table>(t));
  Result<api::Value> v = ref_to_kite(*t->box, r, table.type().elem);
  return v.ok() && table.set(index, *v).ok();
}

extern "C" wasm_table_size_t wasm_table_size(const wasm_table_t* t) {
  return clamp32(api::Table(raw<kite::Table>(t)).size());
}

extern "C" bool wasm_table_grow(wasm_table_t* t, wasm_table_size_t delta, wasm_ref_t* init) {
  api::Table table(raw<kite::Table>(t));
  Result<api::Value> v = ref_to_kite(*t->box, init, table.type().elem);
  return v.ok() && table.grow(delta, *v).ok();
}

// ---- Memories ----

extern "C" wasm_memory_t* wasm_memory_new(wasm_store_t* s, const wasm_memorytype_t* type) {
  if (!s || !type) return nullptr;
  Result<api::Memory> m = api::Memory::create(s->box->store, type->type);
  if (!m.ok()) return nullptr;
  return new_handle<wasm_memory_t>(HandleKind::Memory, s->box, m->raw());
}

extern "C" wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* m) {
  return new wasm_memorytype_t(raw<kite::Memory>(m)->type);
}

extern "C" byte_t* wasm_memory_data(wasm_memory_t* m) {
  return reinterpret_cast<byte_t*>(raw<kite::Memory>(m)->base);
}

extern "C" size_t wasm_memory_data_size(const wasm_memory_t* m) {
  return raw<kite::Memory>(m)->size;
}

extern "C" wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* m) {
  return clamp32(raw<kite::Memory>(m)->pages());
}

extern "C" bool wasm_memory_grow(wasm_memory_t* m, wasm_memory_pages_t delta) {
  return api::Memory(raw<kite::Memory>(m)).grow(delta).ok();
}

// ---- Externals ----

extern "C" wasm_externkind_t wasm_extern_kind(const wasm_extern_t* e) {
  switch (e->kind) {
  case HandleKind::Global: return WASM_EXTERN_GLOBAL;
  case HandleKind::Table: return WASM_EXTERN_TABLE;
  case HandleKind::Memory: return WASM_EXTERN_MEMORY;
  case HandleKind::Tag: return WASM_EXTERN_TAG;
  default: return WASM_EXTERN_FUNC;
  }
}

extern "C" wasm_externtype_t* wasm_extern_type(const wasm_extern_t* e) {
  switch (e->kind) {
  case HandleKind::Func: return new wasm_functype_t(*raw<kite::Function>(e)->type);
  case HandleKind::Global: return new wasm_globaltype_t(raw<kite::Global>(e)->type);
  case HandleKind::Table: return new wasm_tabletype_t(raw<kite::Table>(e)->type);
  case HandleKind::Memory: return new wasm_memorytype_t(raw<kite::Memory>(e)->type);
  case HandleKind::Tag: return new wasm_tagtype_t(new wasm_functype_t(*raw<kite::Tag>(e)->type));
  default: return nullptr;
  }
}

#define KITE_CAPI_EXTERN_CONV(name, handle_kind)                                                   \
  extern "C" wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }              \
  extern "C" const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) {        \
    return x;                                                                                      \
  }                                                                                                \
  extern "C" wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                            \
    return e && e->kind == handle_kind ? static_cast<wasm_##name##_t*>(e) : nullptr;               \
  }                                                                                                \
  extern "C" const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {        \
    return e && e->kind == handle_kind ? static_cast<const wasm_##name##_t*>(e) : nullptr;         \
  }
KITE_CAPI_EXTERN_CONV(func, HandleKind::Func)
KITE_CAPI_EXTERN_CONV(global, HandleKind::Global)
KITE_CAPI_EXTERN_CONV(table, HandleKind::Table)
KITE_CAPI_EXTERN_CONV(memory, HandleKind::Memory)
