// Modules (compile, validate, imports/exports, serialize, share) and
// instances.
#include <cstring>

#include "capi/capi.h"

using namespace kite;
using namespace kite::capi;

namespace {

std::span<const uint8_t> span_of(const wasm_byte_vec_t* v) {
  return {reinterpret_cast<const uint8_t*>(v->data), v->size};
}

wasm_module_t* module_handle(api::Module m) {
  auto* h = new_handle<wasm_module_t>(HandleKind::Module, nullptr, nullptr);
  h->module = std::make_shared<ModuleData>(std::move(m));
  return h;
}

const api::Module& api_module(const wasm_module_t* m) { return m->module->module; }

// Serialized modules: a header, then the module's binary.
//   magic "kitemod\0", u32 format version, u32 zero, u64 binary size,
//   u64 FNV-1a hash of the binary.
constexpr char kMagic[8] = {'k', 'i', 't', 'e', 'm', 'o', 'd', '\0'};
constexpr uint32_t kFormat = 1;
constexpr size_t kHeaderSize = 32;

uint64_t fnv1a(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325u;
  for (uint8_t b : bytes)
    h = (h ^ b) * 0x100000001b3u;
  return h;
}

} // namespace

extern "C" wasm_module_t* wasm_module_new(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  if (!s || !binary) return nullptr;
  Result<api::Module> m = api::Module::compile(s->box->engine, span_of(binary));
  return m.ok() ? module_handle(std::move(*m)) : nullptr;
}

extern "C" kite_error_t* kite_module_new_from_file(wasm_store_t* s, const char* path,
                                                   wasm_module_t** out) {
  if (!s || !path || !out) return error_new("null argument");
  Result<api::Module> m = api::Module::from_file(s->box->engine, path);
  if (!m.ok()) return error_new(std::string(path) + ": " + m.error().describe());
  *out = module_handle(std::move(*m));
  return nullptr;
}

extern "C" bool wasm_module_validate(wasm_store_t* s, const wasm_byte_vec_t* binary) {
  return s && binary && api::Module::compile(s->box->engine, span_of(binary)).ok();
}

extern "C" void wasm_module_imports(const wasm_module_t* m, wasm_importtype_vec_t* out) {
  std::vector<api::ImportType> imports = api_module(m).imports();
  wasm_importtype_vec_new_uninitialized(out, imports.size());
  for (size_t i = 0; i < imports.size(); ++i) {
    auto* t = new wasm_importtype_t{{}, {}, externtype_of(imports[i].type)};
    name_new(&t->module, imports[i].module);
    name_new(&t->name, imports[i].name);
    out->data[i] = t;
  }
}

extern "C" void wasm_module_exports(const wasm_module_t* m, wasm_exporttype_vec_t* out) {
  std::vector<api::ExportType> exports = api_module(m).exports();
  wasm_exporttype_vec_new_uninitialized(out, exports.size());
  for (size_t i = 0; i < exports.size(); ++i) {
    auto* t = new wasm_exporttype_t{{}, externtype_of(exports[i].type)};
    name_new(&t->name, exports[i].name);
    out->data[i] = t;
  }
}

extern "C" void wasm_module_serialize(const wasm_module_t* m, wasm_byte_vec_t* out) {
  const ByteBuffer& bytes = api_module(m).raw().bytes;
  std::span<const uint8_t> binary(bytes.data(), bytes.size());
  const uint32_t format = kFormat, zero = 0;
  const uint64_t size = binary.size(), hash = fnv1a(binary);
  wasm_byte_vec_new_uninitialized(out, kHeaderSize + binary.size());
  char* p = out->data;
  std::memcpy(p, kMagic, 8);
  std::memcpy(p + 8, &format, 4);
  std::memcpy(p + 12, &zero, 4);
  std::memcpy(p + 16, &size, 8);
  std::memcpy(p + 24, &hash, 8);
  if (!binary.empty()) std::memcpy(p + kHeaderSize, binary.data(), binary.size());
}

extern "C" wasm_module_t* wasm_module_deserialize(wasm_store_t* s, const wasm_byte_vec_t* data) {
  if (!s || !data || data->size < kHeaderSize) return nullptr;
  const char* p = data->data;
  uint32_t format;
  uint64_t size, hash;
  std::memcpy(&format, p + 8, 4);
  std::memcpy(&size, p + 16, 8);
  std::memcpy(&hash, p + 24, 8);
  if (std::memcmp(p, kMagic, 8) != 0 || format != kFormat || size != data->size - kHeaderSize)
    return nullptr;
  std::span<const uint8_t> binary = span_of(data).subspan(kHeaderSize);
  if (fnv1a(binary) != hash) return nullptr;
  Result<api::Module> m = api::Module::from_binary(s->box->engine, binary);
  return m.ok() ? module_handle(std::move(*m)) : nullptr;
}

extern "C" wasm_shared_module_t* wasm_module_share(const wasm_module_t* m) {
  return new wasm_shared_module_t{api_module(m)};
}

extern "C" wasm_module_t* wasm_module_obtain(wasm_store_t*, const wasm_shared_module_t* shared) {
  return shared ? module_handle(shared->module) : nullptr;
}

extern "C" void wasm_shared_module_delete(wasm_shared_module_t* m) { delete m; }

// ---- Instances ----

extern "C" wasm_instance_t* wasm_instance_new(wasm_store_t* s, const wasm_module_t* m,
                                              const wasm_extern_vec_t* imports,
                                              wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  auto fail = [&](wasm_trap_t* t) -> wasm_instance_t* {
    if (trap)
      *trap = t;
    else
      wasm_trap_delete(t);
    return nullptr;
  };
  if (!s || !m) return fail(trap_new(s ? s->box : nullptr, "wasm_instance_new: null argument"));
  std::vector<api::ImportType> wanted = api_module(m).imports();
  std::vector<api::Extern> externs;
  for (size_t i = 0; i < wanted.size(); ++i) {
    std::optional<api::Extern> e;
    if (imports && i < imports->size) e = to_api_extern(imports->data[i]);
    if (!e)
      return fail(trap_new(s->box, "unknown import: \"" + wanted[i].module + "\" \"" +
                                       wanted[i].name + "\" (import " + std::to_string(i) +
                                       " was not given)"));
    externs.push_back(*e);
  }
  Result<api::Instance> inst = api::Instance::create(s->box->store, api_module(m), externs);
  if (!inst.ok()) return fail(trap_from(s->box, inst.error()));
  return new_handle<wasm_instance_t>(HandleKind::Instance, s->box, inst->raw());
}

extern "C" void wasm_instance_exports(const wasm_instance_t* i, wasm_extern_vec_t* out) {
  auto exports = api::Instance(static_cast<kite::Instance*>(i->object)).exports();
  wasm_extern_vec_new_uninitialized(out, exports.size());
  for (size_t k = 0; k < exports.size(); ++k)
    out->data[k] = extern_handle(i->box, exports[k].second);
}
