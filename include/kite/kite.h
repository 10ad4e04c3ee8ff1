// The kite C++ embedding API.
//
//   kite::api::Engine engine;
//   kite::api::Store store(engine);
//   auto module = kite::api::Module::compile(engine, bytes);   // .wasm or .wat
//   kite::api::Linker linker;
//   linker.define_spectest(store);                              // optional
//   auto instance = linker.instantiate(store, *module);         // runs start
//   auto results = instance->func("fac")->call({kite::api::Value::i64(5)});
//
// The API lives in kite::api because the runtime's own objects (kite::Module,
// kite::Instance, kite::Memory, ...) already use the plain names in `kite`.
//
// Failures are kite::Error values whose `kind` tells the stage apart:
// Malformed (decode / text parse), Invalid (validation), Unlinkable (imports),
// Trap (instantiation or call; `backtrace` lists the active functions),
// Exception (an uncaught wasm exception), Other (API misuse).
//
// Ownership: a Store owns every runtime object (functions, memories, tables,
// globals, tags, instances, extern boxes) until it is destroyed. Func, Table,
// Memory, Global, Tag and Instance are small handles into a Store and must not
// outlive it. A Module is independent of stores and may be instantiated in
// several.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "model/module.h"
#include "model/types.h"
#include "support/result.h"

namespace kite {
// Runtime objects (runtime/objects.h, runtime/store.h).
struct Function;
struct Table;
struct Memory;
struct Global;
struct Tag;
struct Instance;
struct Store;
using Ref = uintptr_t;
namespace cache {
class ModuleCache; // cache/module_cache.h
}
} // namespace kite

namespace kite::api {

struct EngineConfig {
  // Upper bound for any one memory, in bytes (memory.grow past it fails with
  // -1). 32-bit memories stop at 4 GiB anyway; a memory64 may grow to 1 TiB.
  uint64_t max_memory_bytes = uint64_t{1} << 40;
  // Upper bound for any one table, in elements.
  uint64_t max_table_elements = 10'000'000;
  // Upper bound for all memories and tables of a store together, in bytes
  // (a table element counts 8): caps what a guest can make the host hold.
  uint64_t max_total_bytes = ~uint64_t{0};
  // Upper bound for a store's GC heap (structs, arrays, exceptions), in
  // bytes; it counts towards max_total_bytes too. An allocation past it
  // traps "out of memory: GC heap limit".
  uint64_t max_gc_heap_bytes = uint64_t{4} << 30;
  // Validate function bodies when each function is first called instead of
  // when the module is compiled. Everything instantiation relies on (types,
  // imports, exports, segments, globals, constant expressions) is still
  // checked at compile time. Compiling a large module then costs little more
  // than decoding it, but an invalid body is reported only when its function
  // is called, as a trap ("invalid function body: ... (in func N ...)").
  bool lazy_validation = false;
  // Bounds-check memory accesses with guard pages: each 32-bit memory
  // reserves 8 GiB of address space and an out-of-bounds access faults (the
  // fault becomes a trap). Off: explicit checks, memories map only their
  // current size (slower, but runs where signals or address space are
  // unavailable, and under valgrind).
  bool guard_pages = true;
  // Fuel (Store::set_fuel): code is translated with a check at every loop
  // head and function entry that charges about one unit per wasm instruction
  // and traps "all fuel consumed" when none is left. A store starts with no
  // fuel. Costs a little speed; off, code has no checks.
  bool consume_fuel = false;
  // Interrupts (Store::interrupt_handle, Store::set_timeout): the same
  // checks trap "interrupted" once another thread asks. Off, running code
  // cannot be stopped (but by the host killing the process).
  bool interruptible = false;
  // Nested wasm calls before "call stack exhausted", and the value stack
  // (the frames of all active calls) in bytes, at least 4 KiB. A thread's limits change for
  // the calls it starts afterwards, not for one already running on it.
  uint32_t max_call_depth = 100000;
  uint64_t max_stack_bytes = uint64_t{8} << 20;
  // The module cache: a directory (created if missing) where compiling a
  // binary module records that its bytes validated, so that compiling the
  // same bytes again skips function body validation with the same
  // guarantee. Entries are keyed by a BLAKE3 of the bytes and authenticated;
  // a damaged or foreign entry is ignored. Empty: no cache. A directory that
  // cannot be used only loses the speed-up. `kite run` uses
  // $XDG_CACHE_HOME/kite or ~/.cache/kite by default.
  std::string cache_dir;
  uint64_t cache_max_bytes = uint64_t{64} << 20; // least recently used entries go first
};

// Configuration shared by stores and modules.
class Engine {
public:
  explicit Engine(EngineConfig config = {});
  const EngineConfig& config() const { return config_; }
  // The module cache of config().cache_dir, or nullptr (none, or unusable).
  const cache::ModuleCache* cache() const { return cache_.get(); }
  const std::shared_ptr<const cache::ModuleCache>& shared_cache() const { return cache_; }

private:
  EngineConfig config_;
  std::shared_ptr<const cache::ModuleCache> cache_;
};

// Owns all runtime objects. Not copyable; objects die with it.
class Store {
public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  kite::Store& raw() { return *store_; }

  // The GC heap: collections so far, bytes alive after the last one, bytes
  // the heap holds now (chunks and large objects).
  struct GcStats {
    uint64_t collections = 0;
    uint64_t live_bytes = 0;
    uint64_t heap_bytes = 0;
  };
  GcStats gc_stats() const;

  // Fuel (EngineConfig::consume_fuel; Errors otherwise): set, add, and what
  // is left. Running out traps "all fuel consumed".
  Status set_fuel(uint64_t fuel);
  Status add_fuel(uint64_t fuel);
  Result<uint64_t> fuel() const;

  // Stops running code from any thread (EngineConfig::interruptible): the
  // next check traps "interrupted", and so does every check after it until
  // clear_interrupt(). A waiting thread (memory.atomic.wait) or a host call
  // in progress sees it when it returns to wasm code.
  class InterruptHandle {
  public:
    void interrupt() const;

  private:
    friend class Store;
    explicit InterruptHandle(std::shared_ptr<std::atomic<uint32_t>> flag)
        : flag_(std::move(flag)) {}
    std::shared_ptr<std::atomic<uint32_t>> flag_; // outlives the store
  };
  Result<InterruptHandle> interrupt_handle();
  void clear_interrupt();
  // Interrupts running code `timeout` from now (EngineConfig::interruptible),
  // replacing an earlier timeout; zero cancels it.
  Status set_timeout(std::chrono::nanoseconds timeout);

private:
  struct Watchdog;
  bool consume_fuel_ = false;
  bool interruptible_ = false;
  std::unique_ptr<kite::Store> store_;
  std::unique_ptr<Watchdog> watchdog_;
};

class Func;

// What a non-null reference points at.
enum class RefKind : uint8_t { Null, Func, Extern, I31, Struct, Array, Exception };

// A typed wasm value. References carry their static type (e.g. funcref,
// externref, (ref null $t)) and the reference itself.
class Value {
public:
  Value() : Value(ValType::i32(), 0) {}

  static Value i32(int32_t v) { return Value(ValType::i32(), static_cast<uint32_t>(v)); }
  static Value i64(int64_t v) { return Value(ValType::i64(), static_cast<uint64_t>(v)); }
  static Value f32(float v);
  static Value f64(double v);
  static Value f32_bits(uint32_t bits) { return Value(ValType::f32(), bits); }
  static Value f64_bits(uint64_t bits) { return Value(ValType::f64(), bits); }
  static Value v128(const std::array<uint8_t, 16>& bytes);
  // A null reference of the given reference type (e.g. ValType::funcref()).
  static Value null(ValType ref_type) { return Value(ref_type, 0); }
  static Value funcref(const Func& f);
  // A boxed host value; the same payload gives the same reference in a store.
  static Value externref(Store& store, uint64_t payload);
  // A raw reference (see runtime/objects.h) of the given type.
  static Value ref(ValType ref_type, kite::Ref r) { return Value(ref_type, r); }
  // From / to the interpreter's slot layout (v128 uses two slots).
  static Value from_slots(ValType type, const uint64_t* slots);
  void to_slots(uint64_t* slots) const;

  ValType type() const { return type_; }
  int32_t i32() const { return static_cast<int32_t>(bits_[0]); }
  int64_t i64() const { return static_cast<int64_t>(bits_[0]); }
  float f32() const;
  double f64() const;
  uint32_t f32_bits() const { return static_cast<uint32_t>(bits_[0]); }
  uint64_t f64_bits() const { return bits_[0]; }
  std::array<uint8_t, 16> v128() const;

  kite::Ref ref() const { return static_cast<kite::Ref>(bits_[0]); }
  bool is_null() const { return type_.is_ref() && bits_[0] == 0; }
  RefKind ref_kind() const;
  // The function a funcref points at, if any.
  std::optional<Func> func() const;
  // The payload of an extern box (externref), if this is one.
  std::optional<uint64_t> extern_payload() const;

  // "i32:42", "f64:1.5", "ref.null func", "ref.extern 7", ... (for messages).
  std::string to_string() const;

private:
  Value(ValType type, uint64_t lo, uint64_t hi = 0) : type_(type), bits_{lo, hi} {}
  ValType type_;
  uint64_t bits_[2];
};

// A reference the host keeps across calls into wasm. A Value holding a
// struct, array or exception reference does not keep its object alive: the
// next call into the store may collect it. A Rooted does, until it is
// destroyed (then the reference is the collector's again).
class Rooted {
public:
  Rooted() = default;
  Rooted(Store& store, const Value& value);
  ~Rooted();
  Rooted(Rooted&& other) noexcept;
  Rooted& operator=(Rooted&& other) noexcept;
  Rooted(const Rooted&) = delete;
  Rooted& operator=(const Rooted&) = delete;

  // The reference, with the static type it was rooted with.
  Value value() const;

private:
  void release();
  kite::Store* store_ = nullptr;
  uint32_t index_ = 0;
  ValType type_{};
};

// A host function: reads `args` (typed as the FuncType's params) and writes
// `results` (pre-sized, one per result type). Returning an Error traps.
using HostFunction = std::function<Status(std::span<const Value> args, std::span<Value> results)>;

class Func {
public:
  Func() = default;
  explicit Func(kite::Function* fn) : fn_(fn) {}
  // A host function in `store`. Only abstract heap types (funcref,
  // externref, anyref, ...) may appear in `type`.
  static Func host(Store& store, FuncType type, HostFunction fn);

  const FuncType& type() const;
  // Calls the function. Arguments must match the parameter types. A trap or
  // an uncaught exception is returned as the Error (kind Trap / Exception).
  Result<std::vector<Value>> call(std::span<const Value> args) const;
  Result<std::vector<Value>> call(std::initializer_list<Value> args) const {
    return call(std::span<const Value>(args.begin(), args.size()));
  }
  // kite's register IR of a wasm function as text, one instruction per line
  // (translating it if it has not run yet); an Error for host functions.
  Result<std::string> dump_ir() const;

  kite::Function* raw() const { return fn_; }
  explicit operator bool() const { return fn_ != nullptr; }
  bool operator==(const Func&) const = default;

private:
  kite::Function* fn_ = nullptr;
};

class Table {
public:
  Table() = default;
  explicit Table(kite::Table* t) : t_(t) {}
  // A new table in `store`, every element set to `init`.
  static Result<Table> create(Store& store, TableType type, Value init);

  const TableType& type() const;
  uint64_t size() const;
  Result<Value> get(uint64_t index) const;
  Status set(uint64_t index, const Value& v) const;
  // Old size, or an Error when the table cannot grow that far.
  Result<uint64_t> grow(uint64_t delta, const Value& init) const;

  kite::Table* raw() const { return t_; }
  explicit operator bool() const { return t_ != nullptr; }
  bool operator==(const Table&) const = default;

private:
  kite::Table* t_ = nullptr;
};

class Memory {
public:
  Memory() = default;
  explicit Memory(kite::Memory* m) : m_(m) {}
  static Result<Memory> create(Store& store, MemoryType type);

  const MemoryType& type() const;
  uint64_t size_pages() const;
  uint64_t size_bytes() const;
  uint64_t page_size() const;
  // The memory's bytes [data(), data() + size_bytes()). The pointer stays
  // valid across grow for 32-bit memories; re-read it after grow otherwise.
  uint8_t* data() const;
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  Status write(uint64_t offset, std::span<const uint8_t> in) const;
  // Old size in pages, or an Error when the memory cannot grow that far.
  Result<uint64_t> grow(uint64_t delta_pages) const;

  kite::Memory* raw() const { return m_; }
  explicit operator bool() const { return m_ != nullptr; }
  bool operator==(const Memory&) const = default;

private:
  kite::Memory* m_ = nullptr;
};

class Global {
public:
  Global() = default;
  explicit Global(kite::Global* g) : g_(g) {}
  static Result<Global> create(Store& store, GlobalType type, const Value& init);

  const GlobalType& type() const;
  Value get() const;
  // Fails for an immutable global or a value of the wrong type.
  Status set(const Value& v) const;

  kite::Global* raw() const { return g_; }
  explicit operator bool() const { return g_ != nullptr; }
  bool operator==(const Global&) const = default;

private:
  kite::Global* g_ = nullptr;
};

class Tag {
public:
  Tag() = default;
  explicit Tag(kite::Tag* t) : t_(t) {}
  // A new exception tag with the given parameter types (no results).
  static Tag create(Store& store, FuncType type);

  const FuncType& type() const;

  kite::Tag* raw() const { return t_; }
  explicit operator bool() const { return t_ != nullptr; }
  bool operator==(const Tag&) const = default;

private:
  kite::Tag* t_ = nullptr;
};

// An importable / exportable entity. The variant index equals ExternKind
// (Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4).
using Extern = std::variant<Func, Table, Memory, Global, Tag>;
inline ExternKind extern_kind(const Extern& e) { return static_cast<ExternKind>(e.index()); }

// An import or export of a module, with its type. For Func and Tag, `func`
// is the function type; heap type indices in it are relative to the module.
struct ExternType {
  ExternKind kind = ExternKind::Func;
  FuncType func;     // Func, Tag
  TableType table;   // Table
  MemoryType memory; // Memory
  GlobalType global; // Global
};

struct ImportType {
  std::string module;
  std::string name;
  ExternType type;
};

struct ExportType {
  std::string name;
  ExternType type;
};

std::string_view extern_kind_name(ExternKind kind); // "func", "table", ...

// A decoded and validated module.
class Module {
public:
  // From a binary module, or from WAT text when `bytes` does not start with
  // "\0asm". Errors have kind Malformed or Invalid.
  static Result<Module> compile(const Engine& engine, std::span<const uint8_t> bytes);
  static Result<Module> compile(const Engine& engine, std::string_view text_or_binary) {
    return compile(engine,
                   std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text_or_binary.data()),
                                            text_or_binary.size()));
  }
  // The same, taking ownership of `bytes` (a binary module keeps them; no copy).
  static Result<Module> compile(const Engine& engine, ByteBuffer&& bytes);

  // A module file: binary if it starts with "\0asm", else WAT text; with
  // `binary_only`, a binary module only (as from_binary). The module keeps
  // the bytes read. With a cache, a big binary module's code is read while
  // being keyed, then again as each function is first translated, from the
  // file kept open: a warm start copies only the code it runs (a body that
  // changed on disk since is refused when it is reached).
  static Result<Module> from_file(const Engine& engine, const std::string& path,
                                  bool binary_only = false);

  // A binary module only / a text module only (no detection).
  static Result<Module> from_binary(const Engine& engine, std::span<const uint8_t> bytes);
  // Takes ownership of `bytes` (the module keeps its binary; no copy).
  static Result<Module> from_binary(const Engine& engine, ByteBuffer&& bytes);
  static Result<Module> from_text(const Engine& engine, std::string_view text);

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;

  const kite::Module& raw() const { return *module_; }
  const std::shared_ptr<const kite::Module>& shared() const { return module_; }

private:
  explicit Module(std::shared_ptr<const kite::Module> m) : module_(std::move(m)) {}
  std::shared_ptr<const kite::Module> module_;
};

class Instance {
public:
  Instance() = default;
  explicit Instance(kite::Instance* i) : i_(i) {}
  // Instantiates `module` with `imports` given in the module's import order,
  // then runs its start function. Errors: Unlinkable (imports), Trap
  // (segment initialisation or the start function), Exception.
  static Result<Instance> create(Store& store, const Module& module,
                                 std::span<const Extern> imports);

  std::optional<Extern> get(std::string_view export_name) const;
  std::optional<Func> func(std::string_view export_name) const;
  std::optional<Memory> memory(std::string_view export_name) const;
  std::optional<Table> table(std::string_view export_name) const;
  std::optional<Global> global(std::string_view export_name) const;
  std::optional<Tag> tag(std::string_view export_name) const;
  // All exports, in the module's export order.
  std::vector<std::pair<std::string, Extern>> exports() const;

  kite::Instance* raw() const { return i_; }
  explicit operator bool() const { return i_ != nullptr; }

private:
  kite::Instance* i_ = nullptr;
};

// Resolves imports by (module name, field name).
class Linker {
public:
  // Later definitions of the same name replace earlier ones.
  void define(std::string module, std::string name, Extern value);
  // Makes every export of `instance` importable as module_name."export".
  void define_instance(const std::string& module_name, const Instance& instance);
  // Defines the "spectest" module used by the official testsuite: print*
  // functions (printing to stdout), global_i32/i64/f32/f64 (666 / 666.6),
  // table (funcref 10..20), table64, memory (1..2 pages), shared_memory.
  void define_spectest(Store& store);

  std::optional<Extern> get(std::string_view module, std::string_view name) const;
  // Resolves `module`'s imports ("unknown import" is an Unlinkable error),
  // then Instance::create.
  Result<Instance> instantiate(Store& store, const Module& module) const;

private:
  using Name = std::pair<std::string, std::string>; // (module, field)
  // Sorted by name: a few dozen entries, looked up once per import.
  std::vector<std::pair<Name, Extern>> definitions_;
};

} // namespace kite::api
