// The runtime environment (config, engine, store), reference handles (copy,
// same, host info, views as wasm_ref_t), values, foreign objects, traps and
// frames.
#include "capi/capi.h"
#include "interp/interp.h"
#include "runtime/objects.h"

using namespace kite;
using namespace kite::capi;

// ---- Config, engine, store ----

extern "C" wasm_config_t* wasm_config_new(void) { return new wasm_config_t(); }
extern "C" void wasm_config_delete(wasm_config_t* c) { delete c; }

extern "C" wasm_engine_t* wasm_engine_new(void) { return new wasm_engine_t(); }
extern "C" wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* c) {
  auto* e = new wasm_engine_t{c ? c->config : api::EngineConfig{}};
  delete c;
  return e;
}
extern "C" void wasm_engine_delete(wasm_engine_t* e) { delete e; }

extern "C" wasm_store_t* wasm_store_new(wasm_engine_t* e) {
  if (!e) return nullptr;
  return new wasm_store_t{std::make_shared<StoreBox>(e->config)};
}
extern "C" void wasm_store_delete(wasm_store_t* s) { delete s; }

StoreBox::~StoreBox() = default;

// ---- Handles ----

wasm_ref_t::~wasm_ref_t() = default;

wasm_ref_t* wasm_ref_t::clone() const {
  auto* r = new wasm_ref_t(kind, box, object);
  r->module = module;
  r->trap = trap;
  r->foreign_payload = foreign_payload;
  if (kind == HandleKind::Any) r->rooted = api::Rooted(box->store, rooted.value());
  return r;
}

const void* wasm_ref_t::identity() const {
  if (kind == HandleKind::Module) return module.get();
  if (kind == HandleKind::Trap) return trap.get();
  return object;
}

wasm_frame_t::~wasm_frame_t() { delete instance; }

namespace {

// Where a handle's host info lives, and the lock that guards it.
std::pair<std::mutex*, HostInfo*> host_info_slot(const wasm_ref_t* r, bool create) {
  if (r->kind == HandleKind::Module) return {&r->module->mutex, &r->module->info};
  if (r->kind == HandleKind::Trap) return {&r->trap->mutex, &r->trap->info};
  StoreBox& box = *r->box;
  auto it = box.infos.find(r->identity());
  if (it == box.infos.end() && create) it = box.infos.emplace(r->identity(), HostInfo()).first;
  return {&box.mutex, it == box.infos.end() ? nullptr : &it->second};
}

void* get_host_info(const wasm_ref_t* r) {
  if (!r) return nullptr;
  std::mutex& m = r->kind == HandleKind::Module ? r->module->mutex
                  : r->kind == HandleKind::Trap ? r->trap->mutex
                                                : r->box->mutex;
  std::lock_guard lock(m);
  HostInfo* info = host_info_slot(r, false).second;
  return info ? info->data : nullptr;
}

void set_host_info(wasm_ref_t* r, void* data, void (*finalizer)(void*)) {
  if (!r) return;
  HostInfo old; // finalized after the lock is released
  std::mutex& m = r->kind == HandleKind::Module ? r->module->mutex
                  : r->kind == HandleKind::Trap ? r->trap->mutex
                                                : r->box->mutex;
  {
    std::lock_guard lock(m);
    HostInfo* info = host_info_slot(r, true).second;
    old.data = info->data;
    old.finalizer = info->finalizer;
    info->data = data;
    info->finalizer = finalizer;
  }
}

bool is_extern_kind(HandleKind k) { return k <= HandleKind::Tag; }

} // namespace

// copy, same, delete and host info for every reference type.
#define KITE_CAPI_REF_BASE(name)                                                                   \
  extern "C" wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* r) {                       \
    return r ? static_cast<wasm_##name##_t*>(r->clone()) : nullptr;                                \
  }                                                                                                \
  extern "C" bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {         \
    return a == b || (a && b && a->kind == b->kind && a->identity() == b->identity());             \
  }                                                                                                \
  extern "C" void wasm_##name##_delete(wasm_##name##_t* r) { delete static_cast<wasm_ref_t*>(r); } \
  extern "C" void* wasm_##name##_get_host_info(const wasm_##name##_t* r) {                         \
    return get_host_info(r);                                                                       \
  }                                                                                                \
  extern "C" void wasm_##name##_set_host_info(wasm_##name##_t* r, void* data) {                    \
    set_host_info(r, data, nullptr);                                                               \
  }                                                                                                \
  extern "C" void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* r, void* data,       \
                                                             void (*finalizer)(void*)) {           \
    set_host_info(r, data, finalizer);                                                             \
  }

// ...and the views as wasm_ref_t (`test` checks the kind).
#define KITE_CAPI_REF(name, test)                                                                  \
  KITE_CAPI_REF_BASE(name)                                                                         \
  extern "C" wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* r) { return r; }                    \
  extern "C" const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* r) { return r; }  \
  extern "C" wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* r) {                                  \
    return r && (test) ? static_cast<wasm_##name##_t*>(r) : nullptr;                               \
  }                                                                                                \
  extern "C" const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* r) {              \
    return r && (test) ? static_cast<const wasm_##name##_t*>(r) : nullptr;                         \
  }

KITE_CAPI_REF_BASE(ref)
KITE_CAPI_REF(func, r->kind == HandleKind::Func)
KITE_CAPI_REF(global, r->kind == HandleKind::Global)
KITE_CAPI_REF(table, r->kind == HandleKind::Table)
KITE_CAPI_REF(memory, r->kind == HandleKind::Memory)
KITE_CAPI_REF(extern, is_extern_kind(r->kind))
KITE_CAPI_REF(instance, r->kind == HandleKind::Instance)
KITE_CAPI_REF(module, r->kind == HandleKind::Module)
KITE_CAPI_REF(trap, r->kind == HandleKind::Trap)
KITE_CAPI_REF(foreign, r->kind == HandleKind::Foreign)

// ---- Values ----

namespace kite::capi {

wasm_ref_t* ref_to_c(const std::shared_ptr<StoreBox>& box, const api::Value& v) {
  if (v.is_null()) return nullptr;
  switch (v.ref_kind()) {
  case api::RefKind::Func: return new_handle<wasm_ref_t>(HandleKind::Func, box, v.func()->raw());
  case api::RefKind::Extern:
    if (auto payload = v.extern_payload()) {
      auto* r = new_handle<wasm_ref_t>(HandleKind::Foreign, box, reinterpret_cast<void*>(v.ref()));
      r->foreign_payload = *payload;
      return r;
    }
    break;
  default: break;
  }
  auto* r = new_handle<wasm_ref_t>(HandleKind::Any, box, reinterpret_cast<void*>(v.ref()));
  r->rooted = api::Rooted(box->store, v); // kept alive while the handle lives
  return r;
}

Result<api::Value> ref_to_kite(StoreBox& box, const wasm_ref_t* r, ValType type) {
  if (!r) return api::Value::null(type);
  const bool want_func = valkind_of(type) == WASM_FUNCREF;
  switch (r->kind) {
  case HandleKind::Func:
    if (!want_func) break;
    return api::Value::funcref(api::Func(static_cast<kite::Function*>(r->object)));
  case HandleKind::Foreign:
    if (want_func) break;
    return api::Value::externref(box.store, r->foreign_payload);
  case HandleKind::Any: {
    api::Value v = r->rooted.value();
    return api::Value::ref(type, v.ref());
  }
  default: return Error{"this reference cannot be used as a value"};
  }
  return Error{std::string("reference of the wrong type (expected ") +
               (want_func ? "funcref" : "externref") + ")"};
}

wasm_val_t to_c(const std::shared_ptr<StoreBox>& box, const api::Value& v) {
  wasm_val_t out{};
  out.kind = valkind_of(v.type());
  switch (v.type().kind) {
  case ValKind::I32: out.of.i32 = v.i32(); break;
  case ValKind::I64: out.of.i64 = v.i64(); break;
  case ValKind::F32: out.of.f32 = v.f32(); break;
  case ValKind::F64: out.of.f64 = v.f64(); break;
  case ValKind::Ref: out.of.ref = ref_to_c(box, v); break;
  default: break; // v128 has no wasm_val_t representation
  }
  return out;
}

Result<api::Value> to_kite(StoreBox& box, const wasm_val_t& v, ValType type) {
  if (v.kind != valkind_of(type))
    return Error{"value of kind " + std::to_string(v.kind) + " where kind " +
                 std::to_string(valkind_of(type)) + " (" + to_string(type) + ") is expected"};
  switch (type.kind) {
  case ValKind::I32: return api::Value::i32(v.of.i32);
  case ValKind::I64: return api::Value::i64(v.of.i64);
  case ValKind::F32: return api::Value::f32(v.of.f32);
  case ValKind::F64: return api::Value::f64(v.of.f64);
  case ValKind::Ref: return ref_to_kite(box, v.of.ref, type);
  default: return Error{"v128 values cannot be passed through the C API"};
  }
}

} // namespace kite::capi

extern "C" void wasm_val_delete(wasm_val_t* v) {
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}

extern "C" void wasm_val_copy(wasm_val_t* out, const wasm_val_t* in) {
  *out = *in;
  if (wasm_valkind_is_ref(in->kind) && in->of.ref) out->of.ref = in->of.ref->clone();
}

// ---- Foreign objects ----

extern "C" wasm_foreign_t* wasm_foreign_new(wasm_store_t* s) {
  if (!s) return nullptr;
  uint64_t payload;
  {
    std::lock_guard lock(s->box->mutex);
    // Payloads of foreign objects count down from the top, away from the
    // small integers embedders and scripts use for their own externrefs.
    payload = ~uint64_t{0} - s->box->next_foreign++;
  }
  api::Value v = api::Value::externref(s->box->store, payload);
  auto* f =
      new_handle<wasm_foreign_t>(HandleKind::Foreign, s->box, reinterpret_cast<void*>(v.ref()));
  f->foreign_payload = payload;
  return f;
}

// ---- Traps and frames ----

namespace kite::capi {

wasm_trap_t* trap_new(const std::shared_ptr<StoreBox>& box, std::string message) {
  auto* t = new_handle<wasm_trap_t>(HandleKind::Trap, box, nullptr);
  t->trap = std::make_shared<TrapData>();
  t->trap->message = std::move(message);
  return t;
}

namespace {
// A module offset relative to the function's start in the code section (its
// local declarations, after the body's size), as wasm_frame_func_offset
// reports it.
size_t function_relative(const kite::Function& fn, uint32_t module_offset) {
  const kite::Module& m = *fn.instance->module;
  size_t start = m.functions[fn.index].code_offset;
  while (start < m.bytes.size() && (m.bytes.data()[start] & 0x80))
    ++start;
  ++start; // the size's last byte
  return module_offset >= start ? module_offset - start : 0;
}
} // namespace

wasm_trap_t* trap_from(const std::shared_ptr<StoreBox>& box, const Error& e) {
  wasm_trap_t* t = trap_new(
      box, e.kind == ErrorKind::Exception && e.message.empty() ? "uncaught exception" : e.message);
  // The interpreter's frames belong to this error when it has a backtrace
  // (segment initialisation and link errors have none).
  if (e.kind != ErrorKind::Trap && e.kind != ErrorKind::Exception) return t;
  if (e.backtrace.empty()) return t;
  const std::vector<const kite::Function*>& functions = interp::last_trap_functions();
  const std::vector<uint32_t>& offsets = interp::last_trap_offsets();
  for (size_t i = 0; i < functions.size() && i < offsets.size(); ++i) {
    const kite::Function* fn = functions[i];
    if (!fn->instance) continue; // host functions have no wasm frame
    t->trap->frames.push_back(
        FrameData{fn->instance, fn->index, function_relative(*fn, offsets[i]), offsets[i]});
  }
  return t;
}

} // namespace kite::capi

extern "C" wasm_trap_t* wasm_trap_new(wasm_store_t* s, const wasm_message_t* message) {
  std::string text = message ? std::string(message->data, message->size) : std::string();
  if (!text.empty() && text.back() == '\0') text.pop_back();
  return trap_new(s ? s->box : nullptr, std::move(text));
}

extern "C" void wasm_trap_message(const wasm_trap_t* t, wasm_message_t* out) {
  const std::string& m = t->trap->message;
  bytes_new(out, m.c_str(), m.size() + 1); // with the terminating NUL
}

namespace {

wasm_frame_t* frame_new(const wasm_trap_t* t, size_t i) {
  return new wasm_frame_t{t->trap->frames[i], t->box, nullptr};
}

} // namespace

extern "C" wasm_frame_t* wasm_trap_origin(const wasm_trap_t* t) {
  return t->trap->frames.empty() ? nullptr : frame_new(t, 0);
}

extern "C" void wasm_trap_trace(const wasm_trap_t* t, wasm_frame_vec_t* out) {
  wasm_frame_vec_new_uninitialized(out, t->trap->frames.size());
  for (size_t i = 0; i < out->size; ++i)
    out->data[i] = frame_new(t, i);
}

extern "C" wasm_frame_t* wasm_frame_copy(const wasm_frame_t* f) {
  return new wasm_frame_t{f->data, f->box, nullptr};
}
extern "C" void wasm_frame_delete(wasm_frame_t* f) { delete f; }

extern "C" wasm_instance_t* wasm_frame_instance(const wasm_frame_t* f) {
  if (!f->instance && f->box) {
    const_cast<wasm_frame_t*>(f)->instance =
        new_handle<wasm_instance_t>(HandleKind::Instance, f->box, f->data.instance);
  }
  return f->instance;
}
extern "C" uint32_t wasm_frame_func_index(const wasm_frame_t* f) { return f->data.func_index; }
extern "C" size_t wasm_frame_func_offset(const wasm_frame_t* f) { return f->data.func_offset; }
extern "C" size_t wasm_frame_module_offset(const wasm_frame_t* f) { return f->data.module_offset; }
