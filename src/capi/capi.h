// The C API's objects (include/wasm.h) as C++ types over kite::api.
//
// Types (wasm_valtype_t, wasm_functype_t, ...) are plain values. Externtypes
// are a class hierarchy: functype, globaltype, tabletype, memorytype and
// tagtype derive from wasm_externtype_t, so the as_externtype conversions are
// casts.
//
// References (wasm_func_t, wasm_memory_t, wasm_instance_t, wasm_trap_t, ...)
// all derive from wasm_ref_t, a handle: its kind, the store it belongs to
// (shared, so handles may outlive wasm_store_delete), and what it denotes.
// A handle to a GC object (struct, array, exception) roots it.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kite.h"
#include "kite/kite.h"
#include "wasm.h"

namespace kite::capi {

// Host info attached to an object; the finalizer runs when it is dropped.
struct HostInfo {
  void* data = nullptr;
  void (*finalizer)(void*) = nullptr;
  HostInfo() = default;
  HostInfo(void* d, void (*f)(void*)) : data(d), finalizer(f) {}
  HostInfo(const HostInfo&) = delete;
  HostInfo& operator=(const HostInfo&) = delete;
  HostInfo(HostInfo&& o) noexcept : data(o.data), finalizer(o.finalizer) { o.finalizer = nullptr; }
  ~HostInfo() {
    if (finalizer) finalizer(data);
  }
};

// A store with what the C API keeps beside it. Shared by the wasm_store_t
// and every handle of its objects; the last one to go releases it.
struct StoreBox : std::enable_shared_from_this<StoreBox> {
  explicit StoreBox(const api::EngineConfig& config) : engine(config), store(engine) {}
  ~StoreBox();
  api::Engine engine;
  api::Store store;
  std::mutex mutex;
  // Host info of store objects, by object address.
  std::unordered_map<const void*, HostInfo> infos;
  // Environments of wasm_func_new_with_env, finalized with the store.
  std::vector<HostInfo> envs;
  uint64_t next_foreign = 0;
};

// Host info shared by the handles of one module or trap.
struct SharedInfo {
  std::mutex mutex;
  HostInfo info;
};

struct ModuleData : SharedInfo {
  explicit ModuleData(api::Module m) : module(std::move(m)) {}
  api::Module module;
};

struct FrameData {
  kite::Instance* instance = nullptr;
  uint32_t func_index = 0;
  size_t func_offset = 0;
  size_t module_offset = 0;
};

struct TrapData : SharedInfo {
  std::string message;
  std::vector<FrameData> frames; // innermost first
};

// Converts a kite::ValType to the C API's kind: numbers map to themselves,
// function references to WASM_FUNCREF, other references to WASM_EXTERNREF,
// v128 to 4 (no wasm.h constant).
wasm_valkind_t valkind_of(ValType t);
ValType valtype_of(wasm_valkind_t kind);

} // namespace kite::capi

struct wasm_config_t {
  kite::api::EngineConfig config;
};

struct wasm_engine_t {
  kite::api::EngineConfig config;
};

struct wasm_store_t {
  std::shared_ptr<kite::capi::StoreBox> box;
};

// ---- Types ----

struct wasm_valtype_t {
  kite::ValType type;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  virtual wasm_externtype_t* clone() const = 0;
  wasm_externkind_t kind;
};

struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t();
  explicit wasm_functype_t(const kite::FuncType& t);
  wasm_functype_t(const wasm_functype_t& o);
  wasm_functype_t& operator=(const wasm_functype_t&) = delete;
  ~wasm_functype_t() override;
  wasm_externtype_t* clone() const override { return new wasm_functype_t(*this); }
  kite::FuncType to_kite() const;
  wasm_valtype_vec_t params;
  wasm_valtype_vec_t results;
};

struct wasm_globaltype_t : wasm_externtype_t {
  explicit wasm_globaltype_t(const kite::GlobalType& t)
      : wasm_externtype_t(WASM_EXTERN_GLOBAL), type(t), content{t.type} {}
  wasm_externtype_t* clone() const override { return new wasm_globaltype_t(*this); }
  kite::GlobalType type;
  wasm_valtype_t content;
};

struct wasm_tabletype_t : wasm_externtype_t {
  explicit wasm_tabletype_t(const kite::TableType& t);
  wasm_externtype_t* clone() const override { return new wasm_tabletype_t(*this); }
  kite::TableType type;
  wasm_valtype_t element;
  wasm_limits_t limits;
};

struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(const kite::MemoryType& t);
  wasm_externtype_t* clone() const override { return new wasm_memorytype_t(*this); }
  kite::MemoryType type;
  wasm_limits_t limits;
};

struct wasm_tagtype_t : wasm_externtype_t {
  explicit wasm_tagtype_t(wasm_functype_t* f) : wasm_externtype_t(WASM_EXTERN_TAG), func(f) {}
  wasm_tagtype_t(const wasm_tagtype_t& o)
      : wasm_externtype_t(WASM_EXTERN_TAG), func(new wasm_functype_t(*o.func)) {}
  wasm_tagtype_t& operator=(const wasm_tagtype_t&) = delete;
  ~wasm_tagtype_t() override { delete func; }
  wasm_externtype_t* clone() const override { return new wasm_tagtype_t(*this); }
  wasm_functype_t* func;
};

struct wasm_importtype_t {
  wasm_name_t module;
  wasm_name_t name;
  wasm_externtype_t* type;
};

struct wasm_exporttype_t {
  wasm_name_t name;
  wasm_externtype_t* type;
};

// ---- References ----

enum class HandleKind : uint8_t {
  Func,
  Global,
  Table,
  Memory,
  Tag,
  Instance,
  Module,
  Trap,
  Foreign,
  Any
};

struct wasm_ref_t {
  HandleKind kind;
  std::shared_ptr<kite::capi::StoreBox> box; // null for modules
  // Func/Global/Table/Memory/Tag/Instance: the runtime object. Foreign: the
  // extern box. Any: null (see `rooted`).
  void* object = nullptr;
  std::shared_ptr<kite::capi::ModuleData> module; // Module
  std::shared_ptr<kite::capi::TrapData> trap;     // Trap
  uint64_t foreign_payload = 0;                   // Foreign
  kite::api::Rooted rooted;                       // Any (and Foreign: kept reachable)

  wasm_ref_t(HandleKind k, std::shared_ptr<kite::capi::StoreBox> b, void* o)
      : kind(k), box(std::move(b)), object(o) {}
  ~wasm_ref_t();
  // A new handle to the same object.
  wasm_ref_t* clone() const;
  // The identity `same` compares and host info is keyed by.
  const void* identity() const;
};

struct wasm_extern_t : wasm_ref_t {};
struct wasm_func_t : wasm_extern_t {};
struct wasm_global_t : wasm_extern_t {};
struct wasm_table_t : wasm_extern_t {};
struct wasm_memory_t : wasm_extern_t {};
struct wasm_instance_t : wasm_ref_t {};
struct wasm_module_t : wasm_ref_t {};
struct wasm_trap_t : wasm_ref_t {};
struct wasm_foreign_t : wasm_ref_t {};

struct wasm_shared_module_t {
  kite::api::Module module;
};

struct wasm_frame_t {
  kite::capi::FrameData data;
  std::shared_ptr<kite::capi::StoreBox> box;
  wasm_instance_t* instance = nullptr; // made on first request, owned here
  ~wasm_frame_t();
};

namespace kite::capi {

// New handles (the kind must match T).
template <typename T> T* new_handle(HandleKind kind, std::shared_ptr<StoreBox> box, void* object) {
  static_assert(sizeof(T) == sizeof(wasm_ref_t));
  return static_cast<T*>(new wasm_ref_t(kind, std::move(box), object));
}
wasm_extern_t* extern_handle(const std::shared_ptr<StoreBox>& box, const api::Extern& e);
// The api object an extern handle denotes (nullopt for a non-extern).
std::optional<api::Extern> to_api_extern(const wasm_extern_t* e);
wasm_externtype_t* externtype_of(const api::ExternType& t);

// A value from / to the C representation. to_c gives a new (owned) ref.
wasm_val_t to_c(const std::shared_ptr<StoreBox>& box, const api::Value& v);
// Fails (message) when the value does not fit `type`.
Result<api::Value> to_kite(StoreBox& box, const wasm_val_t& v, ValType type);
// The reference value a ref handle denotes, as a value of `type` (null ref: null).
Result<api::Value> ref_to_kite(StoreBox& box, const wasm_ref_t* r, ValType type);
wasm_ref_t* ref_to_c(const std::shared_ptr<StoreBox>& box, const api::Value& v);

// A trap from a kite error (message and the frames of the last trap).
wasm_trap_t* trap_from(const std::shared_ptr<StoreBox>& box, const Error& e);
wasm_trap_t* trap_new(const std::shared_ptr<StoreBox>& box, std::string message);

// kite.h's errors: a new one, or null for a success.
kite_error_t* error_new(std::string message);
kite_error_t* error_from(const Status& s);

// Byte and name vectors from C++ data.
void bytes_new(wasm_byte_vec_t* out, const void* data, size_t size);
void name_new(wasm_name_t* out, std::string_view s);
inline std::string_view to_view(const wasm_byte_vec_t& v) { return {v.data, v.size}; }

} // namespace kite::capi
