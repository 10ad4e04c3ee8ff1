// The decoded form of a module. Produced by binary::decode_module (the text
// parser produces binary bytes first, then decodes them), checked by
// validate::validate_module, consumed by runtime and translate.
//
// The module owns its binary; function bodies and constant expressions are
// byte ranges into it, decoded lazily by whoever needs them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.h"
#include "support/byte_buffer.h"
#include "support/result.h"

namespace kite {

struct ByteRange {
  uint32_t offset = 0; // into Module::bytes
  uint32_t size = 0;
};

// An initialiser expression, including its final `end`.
using ConstExpr = ByteRange;

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool is64 = false;   // memory64 / table64: addresses are i64
  bool shared = false; // threads
};

struct TableType {
  ValType elem = ValType::funcref();
  Limits limits;
};

struct MemoryType {
  Limits limits;                // in pages
  uint32_t page_size_log2 = 16; // custom-page-sizes: 0 (1 byte) or 16 (64 KiB)
};

struct GlobalType {
  ValType type{};
  bool mut = false;
};

struct TagType {
  uint32_t type_index = 0; // a function type with no results
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0; // Func, Tag
  TableType table;         // Table
  MemoryType memory;       // Memory
  GlobalType global;       // Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// `count` declared locals of one type, as the code section groups them.
struct LocalGroup {
  uint32_t count = 0;
  ValType type{};
};

struct FunctionDecl {
  uint32_t type_index = 0;
  // Filled from the code section (absent for imported functions). The
  // declared locals (params excluded) are Module::local_groups
  // [first_local_group, +num_local_groups): kept grouped, since expanding
  // them for every function cost a big module's decoding a quarter of its time.
  uint32_t first_local_group = 0;
  uint32_t num_local_groups = 0;
  uint32_t num_locals = 0;
  ByteRange body{};         // instructions after the locals, through the final `end`
  uint32_t code_offset = 0; // byte offset of the body's size field (for error messages)
};

struct TableDecl {
  TableType type;
  std::optional<ConstExpr> init; // table with an explicit initialiser (typed refs)
};

struct GlobalDecl {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType type = ValType::funcref();
  uint32_t table = 0;
  ConstExpr offset;        // Active only
  bool uses_exprs = false; // false: func_indices; true: exprs
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> exprs;
  uint32_t size() const {
    return uses_exprs ? static_cast<uint32_t>(exprs.size())
                      : static_cast<uint32_t>(func_indices.size());
  }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active; // Active or Passive
  uint32_t memory = 0;
  ConstExpr offset; // Active only
  ByteRange data;
};

// What validate_module leaves for the first translation of each function
// when bodies are validated lazily (defined in src/validate).
struct DeferredBodies;

// A function's name from the name section, kept as a range of the module's
// bytes: a big module names thousands of functions.
struct FunctionName {
  uint32_t index = 0;
  ByteRange name;
};

struct CustomSection {
  std::string name;
  ByteRange contents;
};

// Bytes of a module not read yet (a big module file's code, read as its
// functions are first translated: cache/module_file.h). load() makes a range
// of Module::bytes hold the file's bytes; it fails if the file changed.
class LazyBytes {
public:
  virtual ~LazyBytes() = default;
  virtual Status load(uint64_t offset, uint64_t size) = 0;
};

struct Module {
  ByteBuffer bytes; // the whole binary; ranges point here
  // When set, function bodies may not be in `bytes` yet: the translator
  // loads a body through it before reading it.
  std::shared_ptr<LazyBytes> lazy_bytes;

  std::vector<SubType> types;
  std::vector<RecGroup> rec_groups;
  std::vector<Import> imports;
  // Index spaces: imported entities first, then defined ones.
  std::vector<FunctionDecl> functions;  // all functions (imports have empty bodies)
  std::vector<LocalGroup> local_groups; // of every defined function, in order
  // Set when decoding left the code section's bodies unwalked (a warm
  // start takes their layout from the module cache instead: see
  // decode_code_bodies and apply_code_layout in binary/decoder.h).
  struct DeferredCode {
    uint32_t section_start = 0; // the section's contents, after its size
    uint32_t section_size = 0;
    uint32_t bodies_start = 0; // after the body count
    uint32_t count = 0;
  };
  std::optional<DeferredCode> deferred_code;
  std::vector<TableDecl> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalDecl> globals; // imported globals have an empty init
  std::vector<TagType> tags;
  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;
  uint32_t num_imported_tags = 0;

  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<CustomSection> customs;

  // From the name section (best effort; a malformed name section is ignored).
  std::string name;
  std::vector<FunctionName> function_names; // by increasing index

  // Canonical type ids (TypeRegistry), one per entry of `types`; filled by
  // validate_module so that type equality across modules is an integer compare.
  std::vector<uint32_t> canonical_types;

  // Set by validate_module when function bodies are validated lazily: a body
  // is unchecked until validate_function_body (the translator calls it).
  // Null when every body has been validated.
  std::shared_ptr<const DeferredBodies> deferred_bodies;

  const FuncType& func_type(uint32_t type_index) const { return types[type_index].comp.func; }
  const FuncType& function_type(uint32_t func_index) const {
    return func_type(functions[func_index].type_index);
  }
  bool is_imported_function(uint32_t i) const { return i < num_imported_functions; }
  std::span<const LocalGroup> local_groups_of(const FunctionDecl& f) const {
    return {local_groups.data() + f.first_local_group, f.num_local_groups};
  }
  const uint8_t* data_at(ByteRange r) const { return bytes.data() + r.offset; }
  // Function `index`'s name from the name section, or empty.
  std::string_view function_name(uint32_t index) const {
    auto it = std::lower_bound(function_names.begin(), function_names.end(), index,
                               [](const FunctionName& n, uint32_t i) { return n.index < i; });
    if (it == function_names.end() || it->index != index) return {};
    return {reinterpret_cast<const char*>(data_at(it->name)), it->name.size};
  }
};

} // namespace kite
