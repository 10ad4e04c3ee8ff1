// Module (text/binary -> decoded, validated module) and Instance
// (instantiation through the runtime, then the start function through the
// interpreter). The calls into the text, binary and validate layers are here.
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "binary/decoder.h"
#include "cache/module_cache.h"
#include "cache/module_file.h"
#include "kite/kite.h"
#include "runtime/instantiate.h"
#include "runtime/store.h"
#include "support/file_io.h"
#include "support/phase_timer.h"
#include "text/text.h"
#include "validate/validate.h"

namespace kite::api {
namespace {

// The options a cache entry's facts depend on: none yet (validity does not
// depend on the engine's configuration); bump when one does.
constexpr uint32_t kCacheOptions = 0;

Error with_kind(Error e, ErrorKind kind) {
  // A lower layer may know better (the validator reports malformed bodies).
  if (e.kind == ErrorKind::Other) e.kind = kind;
  return e;
}

bool is_binary(std::span<const uint8_t> bytes) {
  return bytes.size() >= 4 && std::memcmp(bytes.data(), "\0asm", 4) == 0;
}

ExternType func_extern(ExternKind kind, const FuncType& type) {
  ExternType t;
  t.kind = kind;
  t.func = type;
  return t;
}

Extern to_api(const kite::Extern& e) {
  switch (e.kind) {
  case ExternKind::Func: return Func(e.func);
  case ExternKind::Table: return Table(e.table);
  case ExternKind::Memory: return Memory(e.memory);
  case ExternKind::Global: return Global(e.global);
  case ExternKind::Tag: return Tag(e.tag);
  }
  return Func();
}

kite::Extern to_runtime(const Extern& e) {
  switch (extern_kind(e)) {
  case ExternKind::Func: return kite::Extern::of(std::get<Func>(e).raw());
  case ExternKind::Table: return kite::Extern::of(std::get<Table>(e).raw());
  case ExternKind::Memory: return kite::Extern::of(std::get<Memory>(e).raw());
  case ExternKind::Global: return kite::Extern::of(std::get<Global>(e).raw());
  case ExternKind::Tag: return kite::Extern::of(std::get<Tag>(e).raw());
  }
  return {};
}

// Decodes and validates a binary module, with a cache: an entry saying
// these bytes validated spares the bodies; else they are validated
// (eagerly, unless lazy validation is asked for) and, once valid, recorded.
// The key is computed while the module is decoded, which needs no key: by
// `file` when the bytes are its (keyed as they are read, its code's pieces
// read later), else by a thread hashing the bytes.
Result<std::shared_ptr<const kite::Module>> compile_binary(const Engine& engine, ByteBuffer&& bytes,
                                                           cache::ModuleFile* file) {
  const cache::ModuleCache* cache = engine.cache();
  // The module owns the bytes from here on, also when decoding fails: the
  // hashing thread reads them until it is joined.
  auto module = std::make_shared<kite::Module>();
  module->bytes = std::move(bytes);
  std::optional<cache::Key> key;
  std::thread hashing;
  if constexpr (KITE_CACHE) {
    if (cache && !file) {
      hashing = std::thread([&key, cache, span = std::span<const uint8_t>(module->bytes)] {
        key = cache->key_of(span, kCacheOptions);
      });
    }
  }
  // With a cache the bodies' walk waits for the lookup: a hit says where
  // they are. A deferred decode that fails is done again whole, for the
  // error a full decode reports first.
  const bool defer = KITE_CACHE && cache;
  Status decoded = decode_into(*module, defer ? CodeBodies::Defer : CodeBodies::Walk);
  if (hashing.joinable()) hashing.join();
  // The file's code pieces left out of the bytes, until they are all read
  // for a walk or a validation.
  std::shared_ptr<cache::LazyCode> lazy;
  auto read_all_code = [&lazy]() -> Status {
    if constexpr (KITE_CACHE) {
      Status read = lazy->load_all();
      lazy.reset();
      if (!read.ok()) return with_kind(std::move(read).error(), ErrorKind::Malformed);
    }
    return {};
  };
  if constexpr (KITE_CACHE) {
    if (file) {
      KITE_TRY_ASSIGN(key, file->finish());
      lazy = file->lazy_code();
    }
  }
  bool redo = !decoded.ok() && defer;
  if (lazy) {
    // The pieces left out must lie among the bodies the decoder skipped (it
    // read no byte of them); else the file is not what it seemed when read:
    // the pieces are read and the module decoded again.
    const std::optional<kite::Module::DeferredCode>& code = module->deferred_code;
    const bool skipped = decoded.ok() && code && lazy->begin() >= code->bodies_start &&
                         lazy->end() <= uint64_t{code->section_start} + code->section_size;
    if (!skipped) {
      KITE_TRY(read_all_code());
      redo = true;
    }
  }
  if (redo) {
    auto whole = std::make_shared<kite::Module>();
    whole->bytes = std::move(module->bytes);
    module = std::move(whole);
    decoded = decode_into(*module);
  }
  if (!decoded.ok()) return with_kind(std::move(decoded).error(), ErrorKind::Malformed);
  phase_timer::mark(cache ? "decode+key" : "decode");
  BodyValidation bodies =
      engine.config().lazy_validation ? BodyValidation::Lazy : BodyValidation::Eager;
  if constexpr (KITE_CACHE) {
    if (key) {
      if (auto facts = cache->lookup(*key); facts && facts->validated) {
        bodies = BodyValidation::Proven;
        (void)apply_code_layout(*module, facts->code_layout); // else walked below
      }
      phase_timer::mark("cache lookup");
    }
  }
  // Code read later must be proven valid and laid out already; else it is
  // read now, for the walk and the validation.
  if (lazy && (bodies != BodyValidation::Proven || module->deferred_code)) {
    KITE_TRY(read_all_code());
    phase_timer::mark("read code");
  }
  module->lazy_bytes = std::move(lazy);
  if (module->deferred_code) {
    if (Status walked = decode_code_bodies(*module); !walked.ok())
      return with_kind(std::move(walked).error(), ErrorKind::Malformed);
    phase_timer::mark("decode bodies");
  }
  Status valid = validate_module(*module, bodies);
  if (!valid.ok()) return with_kind(std::move(valid).error(), ErrorKind::Invalid);
  phase_timer::mark("validate");
  if constexpr (KITE_CACHE) {
    if (key && bodies == BodyValidation::Eager) {
      cache->store(*key, /*validated=*/true, code_layout(*module));
      phase_timer::mark("cache store");
    }
  }
  return std::shared_ptr<const kite::Module>(std::move(module));
}

} // namespace

Result<Module> Module::compile(const Engine& engine, std::span<const uint8_t> bytes) {
  if (is_binary(bytes)) return from_binary(engine, bytes);
  return from_text(engine,
                   std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Result<Module> Module::compile(const Engine& engine, ByteBuffer&& bytes) {
  if (is_binary(bytes)) return from_binary(engine, std::move(bytes));
  return compile(engine, std::span<const uint8_t>(bytes));
}

Result<Module> Module::from_text(const Engine& engine, std::string_view text) {
  if constexpr (KITE_TEXT) {
    auto encoded = text::wat_to_binary(text);
    if (!encoded.ok()) return with_kind(std::move(encoded).error(), ErrorKind::Malformed);
    return from_binary(engine, ByteBuffer(std::move(*encoded)));
  } else {
    Error e{"the text format is not built into this kite (a binary module is needed)"};
    return with_kind(std::move(e), ErrorKind::Malformed);
  }
}

Result<Module> Module::from_binary(const Engine& engine, std::span<const uint8_t> bytes) {
  return from_binary(engine, ByteBuffer(std::vector<uint8_t>(bytes.begin(), bytes.end())));
}

Engine::Engine(EngineConfig config) : config_(std::move(config)) {
  // Without the KITE_CACHE option there is none, whatever the configuration.
  if constexpr (KITE_CACHE) {
    if (!config_.cache_dir.empty())
      cache_ = cache::ModuleCache::open(config_.cache_dir, config_.cache_max_bytes);
  }
}

Result<Module> Module::from_binary(const Engine& engine, ByteBuffer&& bytes) {
  KITE_TRY_ASSIGN(auto module, compile_binary(engine, std::move(bytes), nullptr));
  return Module(std::move(module));
}

Result<Module> Module::from_file(const Engine& engine, const std::string& path, bool binary_only) {
  if constexpr (KITE_CACHE) {
    if (engine.cache()) {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st{};
      if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        auto file = cache::read_module_file(fd, static_cast<uint64_t>(st.st_size),
                                            engine.shared_cache(), kCacheOptions);
        if (file) {
          phase_timer::mark("read");
          KITE_TRY_ASSIGN(auto module,
                          compile_binary(engine, std::move(file->bytes()), file.get()));
          return Module(std::move(module));
        }
      }
      if (fd >= 0) ::close(fd);
    }
  }
  KITE_TRY_ASSIGN(ByteBuffer bytes, read_file(path));
  phase_timer::mark("read");
  return binary_only ? from_binary(engine, std::move(bytes)) : compile(engine, std::move(bytes));
}

std::vector<ImportType> Module::imports() const {
  std::vector<ImportType> result;
  for (const Import& i : module_->imports) {
    ExternType type;
    type.kind = i.kind;
    switch (i.kind) {
    case ExternKind::Func:
    case ExternKind::Tag: type = func_extern(i.kind, module_->func_type(i.type_index)); break;
    case ExternKind::Table: type.table = i.table; break;
    case ExternKind::Memory: type.memory = i.memory; break;
    case ExternKind::Global: type.global = i.global; break;
    }
    result.push_back(ImportType{i.module, i.name, std::move(type)});
  }
  return result;
}

std::vector<ExportType> Module::exports() const {
  std::vector<ExportType> result;
  for (const Export& e : module_->exports) {
    ExternType type;
    type.kind = e.kind;
    switch (e.kind) {
    case ExternKind::Func: type.func = module_->function_type(e.index); break;
    case ExternKind::Table: type.table = module_->tables[e.index].type; break;
    case ExternKind::Memory: type.memory = module_->memories[e.index]; break;
    case ExternKind::Global: type.global = module_->globals[e.index].type; break;
    case ExternKind::Tag: type.func = module_->func_type(module_->tags[e.index].type_index); break;
    }
    result.push_back(ExportType{e.name, std::move(type)});
  }
  return result;
}

Result<Instance> Instance::create(Store& store, const Module& module,
                                  std::span<const Extern> imports) {
  std::vector<kite::Extern> resolved;
  resolved.reserve(imports.size());
  for (const Extern& e : imports)
    resolved.push_back(to_runtime(e));
  KITE_TRY_ASSIGN(Instantiation inst, instantiate(store.raw(), module.shared(), resolved));
  if (inst.start) KITE_TRY(Func(inst.start).call(std::span<const Value>{}));
  return Instance(inst.instance);
}

std::optional<Extern> Instance::get(std::string_view export_name) const {
  auto e = find_export(*i_, export_name);
  if (!e) return std::nullopt;
  return to_api(*e);
}

namespace {
template <typename T> std::optional<T> get_as(const Instance& i, std::string_view name) {
  auto e = i.get(name);
  if (!e || !std::holds_alternative<T>(*e)) return std::nullopt;
  return std::get<T>(*e);
}
} // namespace

std::optional<Func> Instance::func(std::string_view name) const {
  return get_as<Func>(*this, name);
}
std::optional<Memory> Instance::memory(std::string_view name) const {
  return get_as<Memory>(*this, name);
}
std::optional<Table> Instance::table(std::string_view name) const {
  return get_as<Table>(*this, name);
}
std::optional<Global> Instance::global(std::string_view name) const {
  return get_as<Global>(*this, name);
}
std::optional<Tag> Instance::tag(std::string_view name) const { return get_as<Tag>(*this, name); }

std::vector<std::pair<std::string, Extern>> Instance::exports() const {
  std::vector<std::pair<std::string, Extern>> result;
  for (const Export& e : i_->module->exports)
    result.emplace_back(e.name, to_api(export_value(*i_, e)));
  return result;
}

} // namespace kite::api
