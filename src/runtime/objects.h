// The runtime objects the interpreter executes against: functions, memories,
// tables, globals, tags and instances. Layout matters here: the interpreter
// reads these in its hot paths (memory base and size, globals, tables).
//
// Values live in 64-bit slots. v128 takes two consecutive slots. A reference
// is one slot holding a tagged pointer (see gc/object.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gc/object.h"
#include "model/module.h"
#include "support/result.h"
#include "support/storage_budget.h"

namespace kite {

struct Instance;
struct Store;

// A host function's view of a call. Returning an Error traps with its message.
struct HostContext {
  Store* store = nullptr;
  Instance* caller = nullptr; // the calling instance, if called from wasm
};
using HostCallback = std::function<Status(HostContext& ctx, const Slot* args, Slot* results)>;

// What a host function runs, kept out of Function: a big module allocates a
// Function per wasm function, none of which needs these.
struct HostFunction {
  HostCallback callback;
  std::shared_ptr<FuncType> type; // owns Function::type
  std::string name;               // for backtraces
};

// What the interpreter translates a function into (ir::Code derives from it),
// owned by the function.
struct FunctionCode {
  virtual ~FunctionCode() = default;
};

struct Function {
  ObjectHeader header{ObjectKind::Function}; // header.type_id = canonical type
  // Execution state owned by the interpreter (lazily translated code), next
  // to the type id that call_indirect compares. `code` is published once
  // (atomically, by the interpreter) and deleted with the function; host
  // functions never have code. A function is 64 bytes: a module may have
  // tens of thousands.
  FunctionCode* code = nullptr;
  // The code's first instruction and its first word (its handler), written
  // before `code` is published: a call reaches the callee's first handler
  // with one load from here instead of three through `code`.
  const uint64_t* entry = nullptr;
  uint64_t entry_word = 0;
  const FuncType* type = nullptr;
  // A wasm function: its defining instance and index there.
  Instance* instance = nullptr;
  uint32_t index = 0;
  std::unique_ptr<HostFunction> host; // a host function (instance == nullptr)

  Function() = default;
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;
  ~Function() { delete code; }
};
static_assert(sizeof(void*) != 8 || sizeof(Function) == 64);

// A function's name for backtraces: a host function's own; a wasm
// function's from the name section, else its first export name, else
// func[INDEX].
std::string function_name(const Function& fn);

// A boxed host (externref) value: (ref.extern N) in scripts, embedder data.
struct ExternObject {
  ObjectHeader header{ObjectKind::Extern};
  uint64_t payload = 0;
};

struct Memory {
  uint8_t* base = nullptr;
  uint64_t size = 0;      // current size in bytes
  uint64_t max_pages = 0; // effective maximum (declared or implementation limit)
  uint32_t page_size_log2 = 16;
  bool is64 = false;
  bool shared = false;
  // True when every 32-bit address + offset access beyond `size` faults
  // (reserved, inaccessible virtual memory): no explicit bounds checks needed.
  bool guarded = false;
  // True when `base` may change as the memory grows (no guard pages, unshared).
  bool movable = false;
  uint64_t reserved = 0; // bytes of address space reserved at `base`
  MemoryType type;
  // Serialises grow of a shared memory (threads may grow it concurrently).
  std::mutex grow_mutex;
  StorageBudget* budget = nullptr; // the owning store's, charged per byte

  uint64_t pages() const { return size >> page_size_log2; }
};

struct Table {
  std::vector<Ref> elements;
  TableType type;
  uint64_t max = 0;                // effective maximum
  StorageBudget* budget = nullptr; // the owning store's, charged per element slot
  // The module whose type indices `type` uses; null for host tables (whose
  // types only use abstract heap types). Needed to match imports.
  const Module* type_owner = nullptr;
};

struct Global {
  Slot value[2] = {0, 0}; // v128 uses both
  GlobalType type;
  const Module* type_owner = nullptr; // as Table::type_owner
};

struct Tag {
  uint32_t type_id = 0; // canonical type id
  const FuncType* type = nullptr;
  std::shared_ptr<FuncType> host_type;
};

struct Instance {
  std::shared_ptr<const Module> module;
  std::vector<Function*> functions;
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  std::vector<Global*> globals;
  std::vector<Tag*> tags;
  // Element segments evaluated at instantiation; elem.drop clears one.
  std::vector<std::vector<Ref>> elem_segments;
  // Data segments are read from the module's bytes until data.drop. (Flags
  // are bytes, here and in the translator's passes: std::vector<bool>'s
  // bit-level fill and insert code was linked for them alone.)
  std::vector<uint8_t> dropped_datas;
  // Canonical type id for each module type index (call_indirect checks).
  std::vector<uint32_t> type_ids;
  Store* store = nullptr;
};

} // namespace kite
