// kite's C extensions (include/kite.h) other than WASI: errors, engine
// options and limits, fuel, interrupts and timeouts, GC statistics, the IR.
#include <chrono>
#include <cstring>

#include "capi/capi.h"
#include "kite.h"

using namespace kite;
using namespace kite::capi;

struct kite_error_t {
  std::string message;
};

struct kite_interrupt_handle_t {
  api::Store::InterruptHandle handle;
};

namespace kite::capi {

kite_error_t* error_new(std::string message) { return new kite_error_t{std::move(message)}; }

kite_error_t* error_from(const Status& s) {
  return s.ok() ? nullptr : error_new(s.error().message);
}

} // namespace kite::capi

extern "C" void kite_error_message(const kite_error_t* e, wasm_name_t* out) {
  std::string_view text = e ? std::string_view(e->message) : "null error";
  wasm_byte_vec_new_uninitialized(out, text.size() + 1);
  std::memcpy(out->data, text.data(), text.size());
  out->data[text.size()] = '\0';
}

extern "C" void kite_error_delete(kite_error_t* e) { delete e; }

// ---- Engine configuration ----

namespace {
// Sets one EngineConfig field; a null config is ignored, as wasm.h's
// functions ignore null arguments they cannot report on.
template <typename T> void set_option(wasm_config_t* c, T api::EngineConfig::* field, T value) {
  if (c) c->config.*field = value;
}
} // namespace

extern "C" void kite_config_consume_fuel_set(wasm_config_t* c, bool enable) {
  set_option(c, &api::EngineConfig::consume_fuel, enable);
}
extern "C" void kite_config_interruptible_set(wasm_config_t* c, bool enable) {
  set_option(c, &api::EngineConfig::interruptible, enable);
}
extern "C" void kite_config_lazy_validation_set(wasm_config_t* c, bool enable) {
  set_option(c, &api::EngineConfig::lazy_validation, enable);
}
extern "C" void kite_config_guard_pages_set(wasm_config_t* c, bool enable) {
  set_option(c, &api::EngineConfig::guard_pages, enable);
}
extern "C" void kite_config_cache_dir_set(wasm_config_t* c, const char* dir) {
  set_option(c, &api::EngineConfig::cache_dir, std::string(dir ? dir : ""));
}
extern "C" void kite_config_cache_max_bytes_set(wasm_config_t* c, uint64_t bytes) {
  set_option(c, &api::EngineConfig::cache_max_bytes, bytes);
}
extern "C" void kite_config_max_memory_bytes_set(wasm_config_t* c, uint64_t bytes) {
  set_option(c, &api::EngineConfig::max_memory_bytes, bytes);
}
extern "C" void kite_config_max_table_elements_set(wasm_config_t* c, uint64_t elements) {
  set_option(c, &api::EngineConfig::max_table_elements, elements);
}
extern "C" void kite_config_max_store_bytes_set(wasm_config_t* c, uint64_t bytes) {
  set_option(c, &api::EngineConfig::max_total_bytes, bytes);
}
extern "C" void kite_config_max_gc_heap_bytes_set(wasm_config_t* c, uint64_t bytes) {
  set_option(c, &api::EngineConfig::max_gc_heap_bytes, bytes);
}
extern "C" void kite_config_max_call_depth_set(wasm_config_t* c, uint32_t depth) {
  set_option(c, &api::EngineConfig::max_call_depth, depth);
}
extern "C" void kite_config_max_stack_bytes_set(wasm_config_t* c, uint64_t bytes) {
  set_option(c, &api::EngineConfig::max_stack_bytes, bytes);
}

// ---- Fuel, interrupts, timeouts ----

namespace {
constexpr const char* kNullStore = "null store";
}

extern "C" kite_error_t* kite_store_set_fuel(wasm_store_t* s, uint64_t fuel) {
  return s ? error_from(s->box->store.set_fuel(fuel)) : error_new(kNullStore);
}

extern "C" kite_error_t* kite_store_add_fuel(wasm_store_t* s, uint64_t fuel) {
  return s ? error_from(s->box->store.add_fuel(fuel)) : error_new(kNullStore);
}

extern "C" kite_error_t* kite_store_get_fuel(const wasm_store_t* s, uint64_t* remaining) {
  if (!s || !remaining) return error_new(s ? "null result pointer" : kNullStore);
  Result<uint64_t> fuel = s->box->store.fuel();
  if (!fuel.ok()) return error_new(fuel.error().message);
  *remaining = *fuel;
  return nullptr;
}

extern "C" kite_interrupt_handle_t* kite_interrupt_handle_new(wasm_store_t* s) {
  if (!s) return nullptr;
  Result<api::Store::InterruptHandle> handle = s->box->store.interrupt_handle();
  return handle.ok() ? new kite_interrupt_handle_t{*handle} : nullptr;
}

extern "C" void kite_interrupt_handle_interrupt(const kite_interrupt_handle_t* h) {
  if (h) h->handle.interrupt();
}

extern "C" void kite_interrupt_handle_delete(kite_interrupt_handle_t* h) { delete h; }

extern "C" void kite_store_clear_interrupt(wasm_store_t* s) {
  if (s) s->box->store.clear_interrupt();
}

extern "C" kite_error_t* kite_store_set_timeout(wasm_store_t* s, uint64_t nanoseconds) {
  if (!s) return error_new(kNullStore);
  return error_from(s->box->store.set_timeout(std::chrono::nanoseconds(nanoseconds)));
}

extern "C" void kite_store_gc_stats(const wasm_store_t* s, uint64_t* collections,
                                    uint64_t* live_bytes, uint64_t* heap_bytes) {
  api::Store::GcStats stats = s ? s->box->store.gc_stats() : api::Store::GcStats{};
  if (collections) *collections = stats.collections;
  if (live_bytes) *live_bytes = stats.live_bytes;
  if (heap_bytes) *heap_bytes = stats.heap_bytes;
}

// ---- Inspection ----

extern "C" kite_error_t* kite_func_dump_ir(const wasm_func_t* f, wasm_byte_vec_t* out) {
  if (!f || !out) return error_new("null argument");
  Result<std::string> ir = api::Func(static_cast<kite::Function*>(f->object)).dump_ir();
  if (!ir.ok()) return error_new(ir.error().message);
  bytes_new(out, ir->data(), ir->size());
  return nullptr;
}
