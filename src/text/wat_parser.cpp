// WAT → wasm binary, in three passes over the token stream of one module:
//  1. collect the identifiers of every index space (fields may refer to
//     later fields) and enforce "imports before definitions";
//  2. encode the type definitions (typeuses must see all explicit types);
//  3. encode every other field in text order into per-section buffers,
//     appending the implicit function types of inline signatures.
// The binary is then assembled in section order, with @custom sections at
// their placements and a name section for function names.
#include "text/wat_parser.h"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>

#include "binary/leb_writer.h"
#include "model/module.h"
#include "opcodes/opcodes.h"
#include "support/utf8.h"
#include "text/numbers.h"
#include "text/text.h"

namespace kite::text {

namespace {

using Bytes = std::vector<uint8_t>;

void put_u32(Bytes& out, uint32_t v) { put_uleb(out, v); }
void put_bytes(Bytes& out, std::string_view s) { out.insert(out.end(), s.begin(), s.end()); }
void put_bytes(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
void put_name(Bytes& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  put_bytes(out, s);
}
void put_fixed(Bytes& out, uint64_t bits, int size) {
  for (int i = 0; i < size; ++i)
    out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void put_op(Bytes& out, Op op) {
  const OpInfo& info = op_info(op);
  if (info.prefix == 0) {
    out.push_back(static_cast<uint8_t>(info.code));
  } else {
    out.push_back(info.prefix);
    put_u32(out, info.code);
  }
}

// The index spaces named by identifiers.
enum Space : uint8_t { kFunc, kTable, kMemory, kGlobal, kTag, kElem, kData, kType, kNumSpaces };
constexpr std::array<const char*, kNumSpaces> kSpaceNames = {
    "function", "table", "memory", "global", "tag", "elem segment", "data segment", "type"};
// Keyword of each space's module field, used for "duplicate ..." messages.
constexpr std::array<const char*, kNumSpaces> kSpaceFields = {"func", "table", "memory", "global",
                                                              "tag",  "elem",  "data",   "type"};

struct IndexSpace {
  std::unordered_map<std::string, uint32_t> names;
  uint32_t count = 0;
};

// A value type in its binary encoding (type indices already resolved), so
// signatures compare and hash as byte strings.
using EncType = std::string;

struct TypeInfo {
  bool is_func = false;
  uint32_t num_params = 0;
  std::string signature; // encoded params and results (func types)
  std::unordered_map<std::string, uint32_t> field_names;
};

// Where a @custom section goes relative to the standard sections.
struct CustomPlacement {
  int section_order = 0; // position in kSectionOrder, or -1/size for first/last
  bool after = true;
};

struct CustomSectionText {
  std::string name;
  std::string contents;
  CustomPlacement placement;
};

// Binary section ids in the order the binary format requires.
constexpr std::array<uint8_t, 13> kSectionOrder = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};
constexpr std::array<std::string_view, 13> kSectionKeywords = {
    "type",   "import", "func", "table",     "memory", "tag", "global",
    "export", "start",  "elem", "datacount", "code",   "data"};

struct Section {
  Bytes bytes;
  uint32_t count = 0;
};

struct TypeUse {
  std::optional<uint32_t> index;
  const Token* index_token = nullptr;
  std::vector<EncType> params;
  std::vector<std::string> param_names; // "" for anonymous
  std::vector<EncType> results;
};

// Per-function (or per-constant-expression) instruction context.
// The contents of an elem segment: function indices or expressions.
struct ElemList {
  bool uses_exprs = false;
  EncType type;                // the element type when uses_exprs
  std::vector<uint32_t> funcs; // !uses_exprs
  Bytes exprs;                 // uses_exprs: each expression with its `end`
  uint32_t count = 0;

  // Writes the vector of elements, as `ref.func` expressions if `as_exprs`.
  void put_items(Bytes& out, bool as_exprs) const {
    put_u32(out, count);
    if (uses_exprs) {
      put_bytes(out, exprs);
    } else {
      for (uint32_t f : funcs) {
        if (as_exprs) out.push_back(0xD2);
        put_u32(out, f);
        if (as_exprs) out.push_back(0x0B);
      }
    }
  }
};

const EncType kFuncRef(1, static_cast<char>(0x70));

struct Body {
  Bytes* out = nullptr;
  std::unordered_map<std::string, uint32_t>* locals = nullptr; // null in constant expressions
  std::vector<std::string> labels;                             // innermost last; "" = no label
  uint32_t depth = 0;
};

class ModuleParser : TokenCursor {
public:
  explicit ModuleParser(std::span<const Token> toks) : TokenCursor(toks) {}

  Result<Bytes> run();

private:
  // ---- token cursor (TokenCursor) and index/error helpers ----
  bool at_index() const {
    return peek().kind == TokKind::Id ||
           (peek().kind == TokKind::Reserved && peek().text[0] >= '0' && peek().text[0] <= '9');
  }
  Error unexpected(const Token& t) const {
    if (t.kind == TokKind::Annot)
      return error_at(t, "misplaced @" + std::string(t.text) + " annotation");
    if (t.kind == TokKind::Eof) return error_at(t, "unexpected end of input");
    return error_at(t, "unexpected token");
  }
  Status expect(TokKind k) {
    if (!at(k)) return unexpected(peek());
    next();
    return {};
  }
  Status expect_keyword(std::string_view kw) {
    if (!at_keyword(kw)) return unexpected(peek());
    next();
    return {};
  }
  Status open_field(std::string_view kw) {
    KITE_TRY(expect(TokKind::LParen));
    return expect_keyword(kw);
  }
  // Skips from a `(` to just after its matching `)`.
  Status skip_sexpr();
  Result<std::string> string_token();
  Result<std::string> name_string(); // a string that must be valid UTF-8

  // ---- numbers ----
  Result<uint32_t> u32_token();
  Result<uint64_t> limit_token();

  // ---- pass 1 ----
  Status declare_fields();
  Status declare(Space s, const Token* id);
  Status note_import(const Token& at);
  Status note_definition(Space s);

  // ---- identifiers ----
  Result<uint32_t> index(Space s);
  std::optional<uint32_t> optional_index(Space s, Status& st);
  Result<uint32_t> label_index(Body& b);
  Result<uint32_t> local_index(Body& b);
  Result<uint32_t> field_index(uint32_t type_index);

  // ---- types ----
  Status define_types();
  Status sub_type(Bytes& out, uint32_t type_index, bool& matchable);
  Status comp_type(Bytes& out, uint32_t type_index);
  Result<EncType> val_type();
  Result<EncType> ref_type(bool* nullable = nullptr);
  Result<EncType> heap_type();
  Result<EncType> storage_type();
  Result<EncType> field_type();
  Status params_results(std::vector<EncType>& params, std::vector<std::string>* names,
                        std::vector<EncType>& results);
  Result<TypeUse> type_use(bool allow_names);
  Result<uint32_t> resolve_type_use(const TypeUse& use, const Token& at);
  uint32_t implicit_type(const std::string& signature, uint32_t num_params);

  // ---- module fields ----
  Status define_fields();
  Status field_func();
  Status field_table();
  Status field_memory();
  Status field_global();
  Status field_tag();
  Status field_import();
  Status field_export();
  Status field_start();
  Status field_elem();
  Status field_data();
  Status field_custom();
  Status inline_exports(ExternKind kind, uint32_t idx);
  std::optional<std::pair<std::string, std::string>> inline_import_names(Status& st);
  const Token* optional_id() { return at(TokKind::Id) ? &next() : nullptr; }
  Status optional_name_annotation(std::string* name);
  Status table_type(Bytes& out, bool* is64);
  Status memory_type(Bytes& out, bool* is64, uint32_t* page_log2);
  Status global_type(Bytes& out);
  Status const_expr(Bytes& out);
  Status elem_exprs(ElemList& list);
  Status elem_list(ElemList& list);

  // ---- instructions ----
  Status instrs(Body& b);
  Status folded(Body& b);
  Status block_type(Bytes& out);
  Status end_label(const std::string& label);
  Status catch_clauses(Body& b, Bytes& out);
  Status folded_structured(Body& b, Op op);
  Status immediates(Body& b, Op op, Bytes& out);
  Status mem_arg(Op op, Bytes& out);
  Status v128_const(Bytes& out);
  Status branch_hint(Body& b);

  std::array<IndexSpace, kNumSpaces> spaces_;
  std::vector<size_t> fields_; // token index of each module field's `(`
  const char* defined_kind_ = nullptr;
  std::string module_name_;
  bool has_module_name_ = false;

  std::vector<TypeInfo> types_;
  std::unordered_map<std::string, uint32_t> func_type_by_signature_;
  Section type_sec_, import_sec_, func_sec_, table_sec_, memory_sec_, tag_sec_, global_sec_,
      export_sec_, elem_sec_, code_sec_, data_sec_;
  std::optional<uint32_t> start_;
  bool uses_data_count_ = false;
  std::vector<CustomSectionText> customs_;
  std::vector<std::pair<uint32_t, std::string>> function_names_;
  uint32_t funcs_seen_ = 0;
  uint32_t globals_seen_ = 0;
  uint32_t tags_seen_ = 0;
  uint32_t tables_seen_ = 0;
  uint32_t memories_seen_ = 0;
};

// ===================================================================
// Cursor helpers

Status ModuleParser::skip_sexpr() {
  uint32_t depth = 0;
  do {
    const Token& t = next();
    if (t.kind == TokKind::LParen || t.kind == TokKind::Annot) {
      ++depth;
    } else if (t.kind == TokKind::RParen) {
      --depth;
    } else if (t.kind == TokKind::Eof) {
      return error_at(t, "unexpected end of input");
    }
  } while (depth > 0);
  return {};
}

Result<std::string> ModuleParser::string_token() {
  if (!at(TokKind::String)) return unexpected(peek());
  return string_value(next());
}

Result<std::string> ModuleParser::name_string() {
  const Token& t = peek();
  KITE_TRY_ASSIGN(std::string s, string_token());
  if (!is_valid_utf8(s)) return error_at(t, "malformed UTF-8 encoding");
  return s;
}

Result<uint32_t> ModuleParser::u32_token() {
  const Token& t = peek();
  if (t.kind != TokKind::Reserved && t.kind != TokKind::Keyword) return unexpected(t);
  NumResult<uint64_t> r = parse_uint(t.text, UINT32_MAX);
  if (r.error == NumError::Syntax) return unexpected(t);
  if (r.error) return error_at(t, "constant out of range");
  next();
  return static_cast<uint32_t>(r.value);
}

Result<uint64_t> ModuleParser::limit_token() {
  const Token& t = peek();
  if (t.kind != TokKind::Reserved) return unexpected(t);
  NumResult<uint64_t> r = parse_uint(t.text, UINT64_MAX);
  if (r.error == NumError::Syntax) return unexpected(t);
  if (r.error) return error_at(t, "i64 constant out of range");
  next();
  return r.value;
}

// ===================================================================
// Pass 1: identifiers and import order

Status ModuleParser::declare(Space s, const Token* id) {
  IndexSpace& space = spaces_[s];
  if (id != nullptr) {
    if (!space.names.emplace(id_value(*id), space.count).second) {
      return error_at(*id, std::string("duplicate ") + kSpaceFields[s]);
    }
  }
  ++space.count;
  return {};
}

Status ModuleParser::note_import(const Token& at) {
  if (defined_kind_ != nullptr) return error_at(at, std::string("import after ") + defined_kind_);
  return {};
}

Status ModuleParser::note_definition(Space s) {
  defined_kind_ = kSpaceNames[s];
  return {};
}

Status ModuleParser::declare_fields() {
  while (!at(TokKind::Eof) && !at(TokKind::RParen)) {
    fields_.push_back(pos_);
    if (at(TokKind::Annot)) {
      if (peek().text == "custom") {
        KITE_TRY(skip_sexpr());
        continue;
      }
      if (peek().text.starts_with("metadata.code.")) {
        return error_at(peek(), "@" + std::string(peek().text) + " annotation: not in a function");
      }
      return unexpected(peek());
    }
    KITE_TRY(expect(TokKind::LParen));
    const Token& kw = peek();
    if (kw.kind != TokKind::Keyword) return unexpected(kw);
    next();
    const std::string_view k = kw.text;
    Space space = kNumSpaces;
    if (k == "func")
      space = kFunc;
    else if (k == "table")
      space = kTable;
    else if (k == "memory")
      space = kMemory;
    else if (k == "global")
      space = kGlobal;
    else if (k == "tag")
      space = kTag;

    if (space != kNumSpaces) {
      KITE_TRY(declare(space, optional_id()));
      // Look inside the field (one level deep) for an inline import and for
      // inline elem/data segments, which take the next segment index.
      bool imported = false;
      while (!at(TokKind::RParen)) {
        if (at(TokKind::Eof)) return unexpected(peek());
        if (at_field("import")) {
          KITE_TRY(note_import(peek(1)));
          imported = true;
        } else if (space == kTable && at_field("elem")) {
          KITE_TRY(declare(kElem, nullptr));
        } else if (space == kMemory && at_field("data")) {
          KITE_TRY(declare(kData, nullptr));
        }
        if (at(TokKind::LParen) || at(TokKind::Annot)) {
          KITE_TRY(skip_sexpr());
        } else {
          next();
        }
      }
      if (!imported) KITE_TRY(note_definition(space));
    } else if (k == "import") {
      KITE_TRY(note_import(kw));
      while (at(TokKind::String))
        next();
      if (at(TokKind::LParen) && peek(1).kind == TokKind::Keyword) {
        const std::string_view ik = peek(1).text;
        Space is = ik == "func"     ? kFunc
                   : ik == "table"  ? kTable
                   : ik == "memory" ? kMemory
                   : ik == "global" ? kGlobal
                   : ik == "tag"    ? kTag
                                    : kNumSpaces;
        if (is == kNumSpaces) return unexpected(peek(1));
        next();
        next();
        KITE_TRY(declare(is, optional_id()));
      }
    } else if (k == "type") {
      KITE_TRY(declare(kType, optional_id()));
    } else if (k == "rec") {
      while (at_field("type")) {
        next();
        next();
        KITE_TRY(declare(kType, optional_id()));
        while (!at(TokKind::RParen)) {
          if (at(TokKind::Eof)) return unexpected(peek());
          if (at(TokKind::LParen) || at(TokKind::Annot)) {
            KITE_TRY(skip_sexpr());
          } else {
            next();
          }
        }
        next();
      }
    } else if (k == "elem") {
      KITE_TRY(declare(kElem, optional_id()));
    } else if (k == "data") {
      KITE_TRY(declare(kData, optional_id()));
    } else if (k != "export" && k != "start") {
      return error_at(kw, "unknown operator " + std::string(k));
    }
    pos_ = fields_.back();
    KITE_TRY(skip_sexpr());
  }
  return {};
}

// ===================================================================
// Identifiers and indices

Result<uint32_t> ModuleParser::index(Space s) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    auto it = spaces_[s].names.find(id_value(t));
    if (it == spaces_[s].names.end()) {
      return error_at(t, std::string("unknown ") + kSpaceNames[s] + " " + std::string(t.text));
    }
    next();
    return it->second;
  }
  return u32_token();
}

std::optional<uint32_t> ModuleParser::optional_index(Space s, Status& st) {
  if (!at_index()) return std::nullopt;
  Result<uint32_t> r = index(s);
  if (!r.ok()) {
    st = std::move(r).error();
    return std::nullopt;
  }
  return *r;
}

Result<uint32_t> ModuleParser::label_index(Body& b) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    const std::string name = id_value(t);
    for (size_t i = b.labels.size(); i-- > 0;) {
      if (b.labels[i] == name) {
        next();
        return static_cast<uint32_t>(b.labels.size() - 1 - i);
      }
    }
    return error_at(t, "unknown label " + std::string(t.text));
  }
  return u32_token();
}

Result<uint32_t> ModuleParser::local_index(Body& b) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    if (b.locals != nullptr) {
      auto it = b.locals->find(id_value(t));
      if (it != b.locals->end()) {
        next();
        return it->second;
      }
    }
    return error_at(t, "unknown local " + std::string(t.text));
  }
  return u32_token();
}

Result<uint32_t> ModuleParser::field_index(uint32_t type_index) {
  const Token& t = peek();
  if (t.kind == TokKind::Id) {
    if (type_index < types_.size()) {
      auto& names = types_[type_index].field_names;
      auto it = names.find(id_value(t));
      if (it != names.end()) {
        next();
        return it->second;
      }
    }
    return error_at(t, "unknown field " + std::string(t.text));
  }
  return u32_token();
}

// ===================================================================
// Types

std::string signature_of(const std::vector<EncType>& params, const std::vector<EncType>& results) {
  Bytes b;
  put_u32(b, static_cast<uint32_t>(params.size()));
  for (const EncType& t : params)
    put_bytes(b, t);
  put_u32(b, static_cast<uint32_t>(results.size()));
  for (const EncType& t : results)
    put_bytes(b, t);
  return std::string(b.begin(), b.end());
}

std::optional<uint8_t> abstract_heap_code(std::string_view k) {
  static const std::unordered_map<std::string_view, uint8_t> codes = {
      {"func", 0x70},   {"extern", 0x6F},   {"any", 0x6E},   {"eq", 0x6D},
      {"i31", 0x6C},    {"struct", 0x6B},   {"array", 0x6A}, {"none", 0x71},
      {"nofunc", 0x73}, {"noextern", 0x72}, {"exn", 0x69},   {"noexn", 0x74}};
  auto it = codes.find(k);
  if (it == codes.end()) return std::nullopt;
  return it->second;
}

// `funcref`-style abbreviations of nullable abstract reference types.
std::optional<uint8_t> ref_abbrev_code(std::string_view k) {
  static const std::unordered_map<std::string_view, uint8_t> codes = {
      {"funcref", 0x70},     {"externref", 0x6F},     {"anyref", 0x6E},   {"eqref", 0x6D},
      {"i31ref", 0x6C},      {"structref", 0x6B},     {"arrayref", 0x6A}, {"nullref", 0x71},
      {"nullfuncref", 0x73}, {"nullexternref", 0x72}, {"exnref", 0x69},   {"nullexnref", 0x74}};
  auto it = codes.find(k);
  if (it == codes.end()) return std::nullopt;
  return it->second;
}

Result<EncType> ModuleParser::heap_type() {
  const Token& t = peek();
  if (t.kind == TokKind::Keyword) {
    if (auto code = abstract_heap_code(t.text)) {
      next();
      return EncType(1, static_cast<char>(*code));
    }
    return error_at(t, "unknown type " + std::string(t.text));
  }
  KITE_TRY_ASSIGN(uint32_t idx, index(kType));
  Bytes b;
  put_sleb(b, idx);
  return EncType(b.begin(), b.end());
}

Result<EncType> ModuleParser::ref_type(bool* nullable) {
  const Token& t = peek();
  if (t.kind == TokKind::Keyword) {
    if (auto code = ref_abbrev_code(t.text)) {
      next();
      if (nullable) *nullable = true;
      return EncType(1, static_cast<char>(*code));
    }
    return unexpected(t);
  }
  KITE_TRY(open_field("ref"));
  bool null = false;
  if (at_keyword("null")) {
    next();
    null = true;
  }
  KITE_TRY_ASSIGN(EncType ht, heap_type());
  KITE_TRY(expect(TokKind::RParen));
  if (nullable) *nullable = null;
  // Nullable abstract types use their one-byte shorthand so that equal types
  // always have equal encodings.
  if (null && ht.size() == 1 && static_cast<uint8_t>(ht[0]) >= 0x69) return ht;
  return EncType(1, static_cast<char>(null ? 0x63 : 0x64)) + ht;
}

Result<EncType> ModuleParser::val_type() {
  const Token& t = peek();
  if (t.kind == TokKind::Keyword) {
    static const std::unordered_map<std::string_view, uint8_t> numeric = {
        {"i32", 0x7F}, {"i64", 0x7E}, {"f32", 0x7D}, {"f64", 0x7C}, {"v128", 0x7B}};
    auto it = numeric.find(t.text);
    if (it != numeric.end()) {
      next();
      return EncType(1, static_cast<char>(it->second));
    }
    if (!ref_abbrev_code(t.text)) return error_at(t, "unknown type " + std::string(t.text));
  }
  return ref_type();
}

Result<EncType> ModuleParser::storage_type() {
  if (at_keyword("i8")) {
    next();
    return EncType(1, static_cast<char>(0x78));
  }
  if (at_keyword("i16")) {
    next();
    return EncType(1, static_cast<char>(0x77));
  }
  return val_type();
}

Result<EncType> ModuleParser::field_type() {
  if (at_field("mut")) {
    next();
    next();
    KITE_TRY_ASSIGN(EncType st, storage_type());
    KITE_TRY(expect(TokKind::RParen));
    return st + '\x01';
  }
  KITE_TRY_ASSIGN(EncType st, storage_type());
  return st + '\x00';
}

Status ModuleParser::params_results(std::vector<EncType>& params, std::vector<std::string>* names,
                                    std::vector<EncType>& results) {
  while (at_field("param")) {
    next();
    next();
    if (at(TokKind::Id)) {
      if (names == nullptr) return unexpected(peek());
      names->push_back(id_value(next()));
      KITE_TRY_ASSIGN(EncType t, val_type());
      params.push_back(std::move(t));
    } else {
      while (!at(TokKind::RParen)) {
        KITE_TRY_ASSIGN(EncType t, val_type());
        params.push_back(std::move(t));
        if (names) names->emplace_back();
      }
    }
    KITE_TRY(expect(TokKind::RParen));
  }
  while (at_field("result")) {
    next();
    next();
    while (!at(TokKind::RParen)) {
      KITE_TRY_ASSIGN(EncType t, val_type());
      results.push_back(std::move(t));
    }
    next();
  }
  return {};
}

Status ModuleParser::comp_type(Bytes& out, uint32_t type_index) {
  KITE_TRY(expect(TokKind::LParen));
  const Token& kw = peek();
  TypeInfo& info = types_[type_index];
  if (kw.kind == TokKind::Keyword && kw.text == "func") {
    next();
    std::vector<EncType> params, results;
    std::vector<std::string> names;
    KITE_TRY(params_results(params, &names, results));
    info.is_func = true;
    info.num_params = static_cast<uint32_t>(params.size());
    info.signature = signature_of(params, results);
    out.push_back(0x60);
    put_bytes(out, info.signature);
  } else if (kw.kind == TokKind::Keyword && kw.text == "struct") {
    next();
    Bytes fields;
    uint32_t count = 0;
    while (at_field("field")) {
      next();
      next();
      if (at(TokKind::Id)) {
        const Token& id = next();
        if (!info.field_names.emplace(id_value(id), count).second) {
          return error_at(id, "duplicate field");
        }
        KITE_TRY_ASSIGN(EncType ft, field_type());
        put_bytes(fields, ft);
        ++count;
      } else {
        while (!at(TokKind::RParen)) {
          KITE_TRY_ASSIGN(EncType ft, field_type());
          put_bytes(fields, ft);
          ++count;
        }
      }
      KITE_TRY(expect(TokKind::RParen));
    }
    out.push_back(0x5F);
    put_u32(out, count);
    put_bytes(out, fields);
  } else if (kw.kind == TokKind::Keyword && kw.text == "array") {
    next();
    KITE_TRY_ASSIGN(EncType ft, field_type());
    out.push_back(0x5E);
    put_bytes(out, ft);
  } else {
    return unexpected(kw);
  }
  return expect(TokKind::RParen);
}

// `(type $id? (@name)? (sub final? idx* comptype) | comptype)`, positioned at `(type`.
Status ModuleParser::sub_type(Bytes& out, uint32_t type_index, bool& matchable) {
  KITE_TRY(open_field("type"));
  optional_id();
  KITE_TRY(optional_name_annotation(nullptr));
  matchable = true;
  if (at_field("sub")) {
    next();
    next();
    bool final = false;
    if (at_keyword("final")) {
      next();
      final = true;
    }
    std::vector<uint32_t> supers;
    while (at_index()) {
      KITE_TRY_ASSIGN(uint32_t s, index(kType));
      supers.push_back(s);
    }
    matchable = final && supers.empty();
    if (!final || !supers.empty()) {
      out.push_back(final ? 0x4F : 0x50);
      put_u32(out, static_cast<uint32_t>(supers.size()));
      for (uint32_t s : supers)
        put_u32(out, s);
    }
    KITE_TRY(comp_type(out, type_index));
    KITE_TRY(expect(TokKind::RParen));
  } else {
    KITE_TRY(comp_type(out, type_index));
  }
  return expect(TokKind::RParen);
}

Status ModuleParser::define_types() {
  types_.resize(spaces_[kType].count);
  uint32_t next_type = 0;
  for (size_t field : fields_) {
    pos_ = field;
    if (at_field("type")) {
      bool matchable;
      const uint32_t idx = next_type++;
      KITE_TRY(sub_type(type_sec_.bytes, idx, matchable));
      ++type_sec_.count;
      if (matchable && types_[idx].is_func) {
        func_type_by_signature_.emplace(types_[idx].signature, idx);
      }
    } else if (at_field("rec")) {
      next();
      next();
      const uint32_t first = next_type;
      Bytes group;
      bool matchable = false;
      while (at_field("type")) {
        KITE_TRY(sub_type(group, next_type++, matchable));
      }
      KITE_TRY(expect(TokKind::RParen));
      const uint32_t count = next_type - first;
      type_sec_.bytes.push_back(0x4E);
      put_u32(type_sec_.bytes, count);
      put_bytes(type_sec_.bytes, group);
      ++type_sec_.count;
      // Only a lone final function type can be the target of an inline signature.
      if (count == 1 && matchable && types_[first].is_func) {
        func_type_by_signature_.emplace(types_[first].signature, first);
      }
    }
  }
  return {};
}

Result<TypeUse> ModuleParser::type_use(bool allow_names) {
  TypeUse use;
  if (at_field("type")) {
    next();
    next();
    use.index_token = &peek();
    KITE_TRY_ASSIGN(use.index, index(kType));
    KITE_TRY(expect(TokKind::RParen));
  }
  KITE_TRY(params_results(use.params, allow_names ? &use.param_names : nullptr, use.results));
  return use;
}

uint32_t ModuleParser::implicit_type(const std::string& signature, uint32_t num_params) {
  const uint32_t idx = static_cast<uint32_t>(types_.size());
  TypeInfo info;
  info.is_func = true;
  info.num_params = num_params;
  info.signature = signature;
  types_.push_back(std::move(info));
  func_type_by_signature_.emplace(signature, idx);
  type_sec_.bytes.push_back(0x60);
  put_bytes(type_sec_.bytes, signature);
  ++type_sec_.count;
  return idx;
}

Result<uint32_t> ModuleParser::resolve_type_use(const TypeUse& use, const Token& at) {
  if (use.index) {
    if (!use.params.empty() || !use.results.empty()) {
      const uint32_t idx = *use.index;
      if (idx >= types_.size()) return error_at(*use.index_token, "unknown type");
      if (!types_[idx].is_func || types_[idx].signature != signature_of(use.params, use.results)) {
        return error_at(at, "inline function type");
      }
    }
    return *use.index;
  }
  const std::string sig = signature_of(use.params, use.results);
  auto it = func_type_by_signature_.find(sig);
  if (it != func_type_by_signature_.end()) return it->second;
  return implicit_type(sig, static_cast<uint32_t>(use.params.size()));
}

// ===================================================================
// Module fields

Status ModuleParser::optional_name_annotation(std::string* name) {
  if (!(at(TokKind::Annot) && peek().text == "name")) return {};
  next();
  KITE_TRY_ASSIGN(std::string s, name_string());
  KITE_TRY(expect(TokKind::RParen));
  if (name != nullptr) *name = std::move(s);
  return {};
}

Status ModuleParser::inline_exports(ExternKind kind, uint32_t idx) {
  while (at_field("export")) {
    next();
    next();
    KITE_TRY_ASSIGN(std::string name, name_string());
    KITE_TRY(expect(TokKind::RParen));
    put_name(export_sec_.bytes, name);
    export_sec_.bytes.push_back(static_cast<uint8_t>(kind));
    put_u32(export_sec_.bytes, idx);
    ++export_sec_.count;
  }
  return {};
}

// `(import "module" "name")` inside a func/table/memory/global/tag field.
std::optional<std::pair<std::string, std::string>> ModuleParser::inline_import_names(Status& st) {
  if (!at_field("import")) return std::nullopt;
  next();
  next();
  Result<std::string> module = name_string();
  if (!module.ok()) {
    st = std::move(module).error();
    return std::nullopt;
  }
  Result<std::string> name = name_string();
  if (!name.ok()) {
    st = std::move(name).error();
    return std::nullopt;
  }
  st = expect(TokKind::RParen);
  return std::make_pair(std::move(*module), std::move(*name));
}

void put_import_header(Section& sec, const std::pair<std::string, std::string>& names,
                       ExternKind kind) {
  put_name(sec.bytes, names.first);
  put_name(sec.bytes, names.second);
  sec.bytes.push_back(static_cast<uint8_t>(kind));
  ++sec.count;
}

Status ModuleParser::table_type(Bytes& out, bool* is64) {
  *is64 = false;
  if (at_keyword("i64") || at_keyword("i32")) *is64 = next().text == "i64";
  // Limits are u64 in the text format; validation checks their range.
  KITE_TRY_ASSIGN(uint64_t min, limit_token());
  std::optional<uint64_t> max;
  if (at(TokKind::Reserved)) {
    KITE_TRY_ASSIGN(max, limit_token());
  }
  KITE_TRY_ASSIGN(EncType rt, ref_type());
  put_bytes(out, rt);
  out.push_back(static_cast<uint8_t>((max ? 0x01 : 0) | (*is64 ? 0x04 : 0)));
  put_uleb(out, min);
  if (max) put_uleb(out, *max);
  return {};
}

Status ModuleParser::memory_type(Bytes& out, bool* is64, uint32_t* page_log2) {
  *is64 = false;
  if (at_keyword("i64") || at_keyword("i32")) *is64 = next().text == "i64";
  KITE_TRY_ASSIGN(uint64_t min, limit_token());
  std::optional<uint64_t> max;
  if (at(TokKind::Reserved)) {
    KITE_TRY_ASSIGN(max, limit_token());
  }
  uint8_t flags = 0;
  if (max) flags |= 0x01;
  if (*is64) flags |= 0x04;
  std::optional<uint32_t> log2;
  while (true) {
    if (at_keyword("shared")) {
      next();
      flags |= 0x02;
    } else if (at_field("pagesize")) {
      next();
      next();
      const Token& t = next();
      NumResult<uint64_t> size = parse_uint(t.text, UINT32_MAX);
      if (!size.ok() || size.value == 0 || (size.value & (size.value - 1)) != 0) {
        return error_at(t, "invalid custom page size");
      }
      log2 = static_cast<uint32_t>(__builtin_ctzll(size.value));
      KITE_TRY(expect(TokKind::RParen));
    } else {
      break;
    }
  }
  if (log2) flags |= 0x08;
  out.push_back(flags);
  put_uleb(out, min);
  if (max) put_uleb(out, *max);
  if (log2) put_u32(out, *log2);
  *page_log2 = log2.value_or(16);
  return {};
}

Status ModuleParser::global_type(Bytes& out) {
  if (at_field("mut")) {
    next();
    next();
    KITE_TRY_ASSIGN(EncType t, val_type());
    KITE_TRY(expect(TokKind::RParen));
    put_bytes(out, t);
    out.push_back(0x01);
    return {};
  }
  KITE_TRY_ASSIGN(EncType t, val_type());
  put_bytes(out, t);
  out.push_back(0x00);
  return {};
}

// Instructions up to the closing paren of the enclosing field, plus `end`.
Status ModuleParser::const_expr(Bytes& out) {
  Body b;
  b.out = &out;
  KITE_TRY(instrs(b));
  out.push_back(0x0B);
  return {};
}

Status ModuleParser::field_func() {
  KITE_TRY(open_field("func"));
  const Token* id = optional_id();
  std::string name = id ? id_value(*id) : "";
  KITE_TRY(optional_name_annotation(&name));
  const uint32_t func_index = funcs_seen_++;
  if (!name.empty()) function_names_.emplace_back(func_index, name);
  KITE_TRY(inline_exports(ExternKind::Func, func_index));
  Status st;
  auto import = inline_import_names(st);
  KITE_TRY(st);
  const Token& use_at = peek();
  KITE_TRY_ASSIGN(TypeUse use, type_use(true));
  KITE_TRY_ASSIGN(uint32_t type_index, resolve_type_use(use, use_at));
  if (import) {
    put_import_header(import_sec_, *import, ExternKind::Func);
    put_u32(import_sec_.bytes, type_index);
    return expect(TokKind::RParen);
  }
  put_u32(func_sec_.bytes, type_index);
  ++func_sec_.count;

  std::unordered_map<std::string, uint32_t> locals;
  uint32_t num_locals = 0;
  if (use.index && use.params.empty() && type_index < types_.size()) {
    num_locals = types_[type_index].num_params;
  }
  for (const std::string& pname : use.param_names) {
    if (!pname.empty() && !locals.emplace(pname, num_locals).second) {
      return error_at(use_at, "duplicate local");
    }
    ++num_locals;
  }
  std::vector<EncType> local_types;
  while (at_field("local")) {
    next();
    next();
    if (at(TokKind::Id)) {
      const Token& lid = next();
      if (!locals.emplace(id_value(lid), num_locals).second) {
        return error_at(lid, "duplicate local");
      }
      KITE_TRY_ASSIGN(EncType t, val_type());
      local_types.push_back(std::move(t));
      ++num_locals;
    } else {
      while (!at(TokKind::RParen)) {
        KITE_TRY_ASSIGN(EncType t, val_type());
        local_types.push_back(std::move(t));
        ++num_locals;
      }
    }
    KITE_TRY(expect(TokKind::RParen));
  }

  Bytes body;
  // Locals are encoded as runs of equal types.
  std::vector<std::pair<uint32_t, const EncType*>> runs;
  for (const EncType& t : local_types) {
    if (!runs.empty() && *runs.back().second == t) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, &t);
    }
  }
  put_u32(body, static_cast<uint32_t>(runs.size()));
  for (auto& [count, type] : runs) {
    put_u32(body, count);
    put_bytes(body, *type);
  }
  Body b;
  b.out = &body;
  b.locals = &locals;
  KITE_TRY(instrs(b));
  body.push_back(0x0B);
  if (!at(TokKind::RParen)) return unexpected(peek());
  next();
  put_u32(code_sec_.bytes, static_cast<uint32_t>(body.size()));
  put_bytes(code_sec_.bytes, body);
  ++code_sec_.count;
  return {};
}

// Element expressions up to the closing paren: `(item instr*)` or one folded instruction.
Status ModuleParser::elem_exprs(ElemList& list) {
  list.uses_exprs = true;
  while (at(TokKind::LParen)) {
    if (at_field("item")) {
      next();
      next();
      KITE_TRY(const_expr(list.exprs));
      KITE_TRY(expect(TokKind::RParen));
    } else {
      Body b;
      b.out = &list.exprs;
      KITE_TRY(folded(b));
      list.exprs.push_back(0x0B);
    }
    ++list.count;
  }
  return {};
}

// `func funcidx*`, `reftype expr*`, or (in active segments) a bare `funcidx*`.
Status ModuleParser::elem_list(ElemList& list) {
  list.type = kFuncRef;
  if (at_keyword("func")) {
    next();
  } else if (!at_index() && !at(TokKind::RParen)) {
    KITE_TRY_ASSIGN(list.type, ref_type());
    return elem_exprs(list);
  }
  while (at_index()) {
    KITE_TRY_ASSIGN(uint32_t f, index(kFunc));
    list.funcs.push_back(f);
    ++list.count;
  }
  return {};
}

Status ModuleParser::field_table() {
  KITE_TRY(open_field("table"));
  optional_id();
  KITE_TRY(optional_name_annotation(nullptr));
  const uint32_t table_index = tables_seen_;
  KITE_TRY(inline_exports(ExternKind::Table, table_index));
  Status st;
  auto import = inline_import_names(st);
  KITE_TRY(st);
  if (import) {
    put_import_header(import_sec_, *import, ExternKind::Table);
    bool is64;
    KITE_TRY(table_type(import_sec_.bytes, &is64));
    ++tables_seen_;
    return expect(TokKind::RParen);
  }
  bool is64 = false;
  size_t save = pos_;
  if (at_keyword("i64") || at_keyword("i32")) is64 = next().text == "i64";
  if (!at(TokKind::Reserved)) {
    // `(table addrtype? reftype (elem ...))`: an active segment at offset 0
    // whose length is also the table's size.
    KITE_TRY_ASSIGN(EncType rt, ref_type());
    KITE_TRY(open_field("elem"));
    ElemList list;
    if (at(TokKind::LParen)) {
      KITE_TRY(elem_exprs(list));
    } else {
      KITE_TRY(elem_list(list));
    }
    KITE_TRY(expect(TokKind::RParen));
    put_bytes(table_sec_.bytes, rt);
    table_sec_.bytes.push_back(is64 ? 0x05 : 0x01);
    put_uleb(table_sec_.bytes, list.count);
    put_uleb(table_sec_.bytes, list.count);
    ++table_sec_.count;
    ++tables_seen_;

    Bytes& e = elem_sec_.bytes;
    // Function indices stay indices only for funcref tables; a typed table
    // gets `ref.func` expressions of its own element type.
    const bool as_indices = !list.uses_exprs && rt == kFuncRef;
    put_u32(e, as_indices ? 2 : 6);
    put_u32(e, table_index);
    e.insert(e.end(), {static_cast<uint8_t>(is64 ? 0x42 : 0x41), 0x00, 0x0B});
    if (as_indices) {
      e.push_back(0x00);
    } else {
      put_bytes(e, rt);
    }
    list.put_items(e, !as_indices);
    ++elem_sec_.count;
    return expect(TokKind::RParen);
  }
  pos_ = save;
  Bytes type;
  KITE_TRY(table_type(type, &is64));
  ++tables_seen_;
  if (at(TokKind::RParen)) {
    put_bytes(table_sec_.bytes, type);
  } else {
    table_sec_.bytes.push_back(0x40);
    table_sec_.bytes.push_back(0x00);
    put_bytes(table_sec_.bytes, type);
    KITE_TRY(const_expr(table_sec_.bytes));
  }
  ++table_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_memory() {
  KITE_TRY(open_field("memory"));
  optional_id();
  KITE_TRY(optional_name_annotation(nullptr));
  const uint32_t memory_index = memories_seen_;
  KITE_TRY(inline_exports(ExternKind::Memory, memory_index));
  Status st;
  auto import = inline_import_names(st);
  KITE_TRY(st);
  bool is64 = false;
  uint32_t page_log2 = 16;
  if (import) {
    put_import_header(import_sec_, *import, ExternKind::Memory);
    KITE_TRY(memory_type(import_sec_.bytes, &is64, &page_log2));
    ++memories_seen_;
    return expect(TokKind::RParen);
  }
  const size_t save = pos_;
  if (at_keyword("i64") || at_keyword("i32")) is64 = next().text == "i64";
  std::optional<uint32_t> log2;
  if (at_field("pagesize")) {
    next();
    next();
    const Token& t = next();
    NumResult<uint64_t> size = parse_uint(t.text, UINT32_MAX);
    if (!size.ok() || size.value == 0 || (size.value & (size.value - 1)) != 0) {
      return error_at(t, "invalid custom page size");
    }
    log2 = static_cast<uint32_t>(__builtin_ctzll(size.value));
    KITE_TRY(expect(TokKind::RParen));
  }
  if (at_field("data")) {
    next();
    next();
    std::string bytes;
    while (at(TokKind::String))
      bytes += string_value(next());
    KITE_TRY(expect(TokKind::RParen));
    const uint32_t shift = log2.value_or(16);
    const uint64_t pages = (bytes.size() + (uint64_t{1} << shift) - 1) >> shift;
    uint8_t flags = 0x01 | (is64 ? 0x04 : 0) | (log2 ? 0x08 : 0);
    memory_sec_.bytes.push_back(flags);
    put_uleb(memory_sec_.bytes, pages);
    put_uleb(memory_sec_.bytes, pages);
    if (log2) put_u32(memory_sec_.bytes, *log2);
    ++memory_sec_.count;
    ++memories_seen_;
    Bytes& d = data_sec_.bytes;
    if (memory_index == 0) {
      d.push_back(0x00);
    } else {
      d.push_back(0x02);
      put_u32(d, memory_index);
    }
    d.push_back(is64 ? 0x42 : 0x41);
    d.push_back(0x00);
    d.push_back(0x0B);
    put_name(d, bytes);
    ++data_sec_.count;
    return expect(TokKind::RParen);
  }
  pos_ = save;
  KITE_TRY(memory_type(memory_sec_.bytes, &is64, &page_log2));
  ++memories_seen_;
  ++memory_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_global() {
  KITE_TRY(open_field("global"));
  optional_id();
  KITE_TRY(optional_name_annotation(nullptr));
  KITE_TRY(inline_exports(ExternKind::Global, globals_seen_));
  ++globals_seen_;
  Status st;
  auto import = inline_import_names(st);
  KITE_TRY(st);
  if (import) {
    put_import_header(import_sec_, *import, ExternKind::Global);
    KITE_TRY(global_type(import_sec_.bytes));
    return expect(TokKind::RParen);
  }
  KITE_TRY(global_type(global_sec_.bytes));
  KITE_TRY(const_expr(global_sec_.bytes));
  ++global_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_tag() {
  KITE_TRY(open_field("tag"));
  optional_id();
  KITE_TRY(optional_name_annotation(nullptr));
  KITE_TRY(inline_exports(ExternKind::Tag, tags_seen_));
  ++tags_seen_;
  Status st;
  auto import = inline_import_names(st);
  KITE_TRY(st);
  const Token& use_at = peek();
  KITE_TRY_ASSIGN(TypeUse use, type_use(true));
  KITE_TRY_ASSIGN(uint32_t type_index, resolve_type_use(use, use_at));
  Section& sec = import ? import_sec_ : tag_sec_;
  if (import) {
    put_import_header(import_sec_, *import, ExternKind::Tag);
  } else {
    ++tag_sec_.count;
  }
  sec.bytes.push_back(0x00);
  put_u32(sec.bytes, type_index);
  return expect(TokKind::RParen);
}

Status ModuleParser::field_import() {
  KITE_TRY(open_field("import"));
  KITE_TRY_ASSIGN(std::string module, name_string());
  KITE_TRY_ASSIGN(std::string name, name_string());
  const std::pair<std::string, std::string> names{std::move(module), std::move(name)};
  KITE_TRY(expect(TokKind::LParen));
  const Token& kw = next();
  const Token* id = optional_id();
  std::string debug_name = id ? id_value(*id) : "";
  KITE_TRY(optional_name_annotation(&debug_name));
  if (kw.text == "func" || kw.text == "tag") {
    const Token& use_at = peek();
    KITE_TRY_ASSIGN(TypeUse use, type_use(true));
    KITE_TRY_ASSIGN(uint32_t type_index, resolve_type_use(use, use_at));
    if (kw.text == "func") {
      const uint32_t func_index = funcs_seen_++;
      if (!debug_name.empty()) function_names_.emplace_back(func_index, debug_name);
      put_import_header(import_sec_, names, ExternKind::Func);
    } else {
      ++tags_seen_;
      put_import_header(import_sec_, names, ExternKind::Tag);
      import_sec_.bytes.push_back(0x00);
    }
    put_u32(import_sec_.bytes, type_index);
  } else if (kw.text == "table") {
    put_import_header(import_sec_, names, ExternKind::Table);
    bool is64;
    KITE_TRY(table_type(import_sec_.bytes, &is64));
    ++tables_seen_;
  } else if (kw.text == "memory") {
    put_import_header(import_sec_, names, ExternKind::Memory);
    bool is64;
    uint32_t page_log2;
    KITE_TRY(memory_type(import_sec_.bytes, &is64, &page_log2));
    ++memories_seen_;
  } else if (kw.text == "global") {
    ++globals_seen_;
    put_import_header(import_sec_, names, ExternKind::Global);
    KITE_TRY(global_type(import_sec_.bytes));
  } else {
    return unexpected(kw);
  }
  KITE_TRY(expect(TokKind::RParen));
  return expect(TokKind::RParen);
}

Status ModuleParser::field_export() {
  KITE_TRY(open_field("export"));
  KITE_TRY_ASSIGN(std::string name, name_string());
  KITE_TRY(expect(TokKind::LParen));
  const Token& kw = peek();
  ExternKind kind;
  Space space;
  if (at_keyword("func"))
    kind = ExternKind::Func, space = kFunc;
  else if (at_keyword("table"))
    kind = ExternKind::Table, space = kTable;
  else if (at_keyword("memory"))
    kind = ExternKind::Memory, space = kMemory;
  else if (at_keyword("global"))
    kind = ExternKind::Global, space = kGlobal;
  else if (at_keyword("tag"))
    kind = ExternKind::Tag, space = kTag;
  else
    return unexpected(kw);
  next();
  KITE_TRY_ASSIGN(uint32_t idx, index(space));
  KITE_TRY(expect(TokKind::RParen));
  put_name(export_sec_.bytes, name);
  export_sec_.bytes.push_back(static_cast<uint8_t>(kind));
  put_u32(export_sec_.bytes, idx);
  ++export_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_start() {
  const Token& at_tok = peek();
  KITE_TRY(open_field("start"));
  if (start_) return error_at(at_tok, "multiple start sections");
  KITE_TRY_ASSIGN(start_, index(kFunc));
  return expect(TokKind::RParen);
}

Status ModuleParser::field_elem() {
  KITE_TRY(open_field("elem"));
  optional_id();
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;
  Bytes offset;
  if (at_keyword("declare")) {
    next();
    mode = SegmentMode::Declarative;
  } else {
    bool has_table = false;
    if (at_index() && peek(1).kind == TokKind::LParen) {
      // MVP form: `(elem tableidx (offset) ...)`.
      KITE_TRY_ASSIGN(table, index(kTable));
      has_table = true;
    } else if (at_field("table")) {
      next();
      next();
      KITE_TRY_ASSIGN(table, index(kTable));
      KITE_TRY(expect(TokKind::RParen));
      has_table = true;
    }
    if (at_field("offset")) {
      next();
      next();
      KITE_TRY(const_expr(offset));
      KITE_TRY(expect(TokKind::RParen));
      mode = SegmentMode::Active;
    } else if (at(TokKind::LParen) && !at_field("ref")) {
      Body b;
      b.out = &offset;
      KITE_TRY(folded(b));
      offset.push_back(0x0B);
      mode = SegmentMode::Active;
    } else if (has_table) {
      return unexpected(peek());
    }
  }
  ElemList list;
  KITE_TRY(elem_list(list));
  Bytes& e = elem_sec_.bytes;
  // Flags: bit 0 passive/declarative, bit 1 explicit table (active) or
  // declarative, bit 2 expressions with an explicit type.
  const bool exprs = list.uses_exprs;
  if (mode == SegmentMode::Active) {
    const bool short_form = table == 0 && (!exprs || list.type == kFuncRef);
    put_u32(e, (exprs ? 4 : 0) | (short_form ? 0 : 2));
    if (!short_form) put_u32(e, table);
    put_bytes(e, offset);
    if (!short_form) {
      if (exprs) {
        put_bytes(e, list.type);
      } else {
        e.push_back(0x00);
      }
    }
  } else {
    put_u32(e, (exprs ? 4 : 0) | (mode == SegmentMode::Passive ? 1 : 3));
    if (exprs) {
      put_bytes(e, list.type);
    } else {
      e.push_back(0x00);
    }
  }
  list.put_items(e, false);
  ++elem_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_data() {
  KITE_TRY(open_field("data"));
  optional_id();
  Bytes& d = data_sec_.bytes;
  uint32_t memory = 0;
  bool active = false;
  if (at_index() && peek(1).kind == TokKind::LParen) {
    // MVP form: `(data memidx (offset) ...)`.
    KITE_TRY_ASSIGN(memory, index(kMemory));
    active = true;
  } else if (at_field("memory")) {
    next();
    next();
    KITE_TRY_ASSIGN(memory, index(kMemory));
    KITE_TRY(expect(TokKind::RParen));
    active = true;
  }
  Bytes offset;
  if (at_field("offset")) {
    next();
    next();
    KITE_TRY(const_expr(offset));
    KITE_TRY(expect(TokKind::RParen));
    active = true;
  } else if (at(TokKind::LParen)) {
    Body b;
    b.out = &offset;
    KITE_TRY(folded(b));
    offset.push_back(0x0B);
    active = true;
  } else if (active) {
    return unexpected(peek());
  }
  if (!active) {
    d.push_back(0x01);
  } else if (memory == 0) {
    d.push_back(0x00);
  } else {
    d.push_back(0x02);
    put_u32(d, memory);
  }
  put_bytes(d, offset);
  std::string bytes;
  while (at(TokKind::String))
    bytes += string_value(next());
  put_name(d, bytes);
  ++data_sec_.count;
  return expect(TokKind::RParen);
}

Status ModuleParser::field_custom() {
  next();
  const Token& name_tok = peek();
  if (name_tok.kind != TokKind::String) {
    return error_at(name_tok, "@custom annotation: missing section name");
  }
  CustomSectionText custom;
  custom.name = string_value(next());
  if (!is_valid_utf8(custom.name)) {
    return error_at(name_tok, "@custom annotation: malformed UTF-8 encoding");
  }
  custom.placement = {static_cast<int>(kSectionOrder.size()) - 1, true}; // after the last section
  bool placed = false;
  while (!at(TokKind::RParen)) {
    if (at(TokKind::String)) {
      custom.contents += string_value(next());
    } else if (at(TokKind::LParen) && !placed && custom.contents.empty()) {
      const Token& open = next();
      const Token& where = next();
      if (where.kind != TokKind::Keyword || (where.text != "before" && where.text != "after")) {
        return error_at(open, "@custom annotation: malformed placement");
      }
      const Token& section = next();
      int order = -2;
      if (section.kind == TokKind::Keyword) {
        if (section.text == "first") order = 0;
        if (section.text == "last") order = static_cast<int>(kSectionOrder.size()) - 1;
        for (size_t i = 0; i < kSectionKeywords.size(); ++i) {
          if (section.text == kSectionKeywords[i]) order = static_cast<int>(i);
        }
      }
      if (order == -2) return error_at(section, "@custom annotation: malformed section kind");
      custom.placement = {order, where.text == "after"};
      if (!at(TokKind::RParen)) return error_at(peek(), "@custom annotation: unexpected token");
      next();
      placed = true;
    } else {
      return error_at(peek(), "@custom annotation: unexpected token");
    }
  }
  next();
  customs_.push_back(std::move(custom));
  return {};
}

Status ModuleParser::define_fields() {
  for (size_t field : fields_) {
    pos_ = field;
    if (at(TokKind::Annot)) {
      KITE_TRY(field_custom());
      continue;
    }
    const std::string_view kw = peek(1).text;
    if (kw == "type" || kw == "rec") continue;
    if (kw == "func")
      KITE_TRY(field_func());
    else if (kw == "table")
      KITE_TRY(field_table());
    else if (kw == "memory")
      KITE_TRY(field_memory());
    else if (kw == "global")
      KITE_TRY(field_global());
    else if (kw == "tag")
      KITE_TRY(field_tag());
    else if (kw == "import")
      KITE_TRY(field_import());
    else if (kw == "export")
      KITE_TRY(field_export());
    else if (kw == "start")
      KITE_TRY(field_start());
    else if (kw == "elem")
      KITE_TRY(field_elem());
    else if (kw == "data")
      KITE_TRY(field_data());
  }
  return {};
}

// ===================================================================
// Instructions

bool is_block_terminator(std::string_view k) {
  return k == "end" || k == "else" || k == "catch" || k == "catch_all" || k == "delegate";
}

// A sequence of instructions, up to a token that does not continue it (a
// closing paren, or a block terminator of an enclosing construct). Flat
// blocks are tracked on an explicit stack, so their nesting depth costs no
// native stack; folded expressions recurse, bounded by kMaxNesting.
Status ModuleParser::instrs(Body& b) {
  struct OpenBlock {
    Op op;
    std::string label;
    bool in_else_or_catch = false; // if: after `else`; try: after a catch clause
  };
  std::vector<OpenBlock> open;
  while (true) {
    const Token& t = peek();
    if (t.kind == TokKind::Annot && t.text.starts_with("metadata.code.")) {
      KITE_TRY(branch_hint(b));
      continue;
    }
    if (t.kind == TokKind::LParen) {
      const Token& k = peek(1);
      if (k.kind == TokKind::Keyword &&
          (k.text == "then" || k.text == "do" || is_block_terminator(k.text))) {
        if (!open.empty()) return unexpected(t);
        return {};
      }
      KITE_TRY(folded(b));
      continue;
    }
    if (t.kind != TokKind::Keyword) {
      if (!open.empty()) return unexpected(t);
      return {};
    }
    Bytes& out = *b.out;
    if (is_block_terminator(t.text)) {
      if (open.empty()) return {}; // it ends a construct of the caller
      OpenBlock& top = open.back();
      const std::string_view k = next().text;
      if (k == "else" && top.op == Op::If && !top.in_else_or_catch) {
        KITE_TRY(end_label(top.label));
        out.push_back(0x05);
        top.in_else_or_catch = true;
      } else if (k == "catch" && top.op == Op::Try) {
        KITE_TRY_ASSIGN(uint32_t tag, index(kTag));
        out.push_back(0x07);
        put_u32(out, tag);
        top.in_else_or_catch = true;
      } else if (k == "catch_all" && top.op == Op::Try) {
        out.push_back(0x19);
        top.in_else_or_catch = true;
      } else if (k == "delegate" && top.op == Op::Try && !top.in_else_or_catch) {
        b.labels.pop_back();
        open.pop_back();
        KITE_TRY_ASSIGN(uint32_t l, label_index(b));
        out.push_back(0x18);
        put_u32(out, l);
      } else if (k == "end") {
        KITE_TRY(end_label(top.label));
        b.labels.pop_back();
        open.pop_back();
        out.push_back(0x0B);
      } else {
        return unexpected(t);
      }
      continue;
    }
    next();
    std::optional<Op> op = op_from_name(t.text);
    if (!op) return error_at(t, "unknown operator " + std::string(t.text));
    const ImmKind imm = op_info(*op).imm;
    if (imm != ImmKind::BlockType && imm != ImmKind::TryTable) {
      KITE_TRY(immediates(b, *op, out));
      continue;
    }
    OpenBlock block{*op, at(TokKind::Id) ? id_value(next()) : std::string()};
    put_op(out, *op);
    KITE_TRY(block_type(out));
    if (*op == Op::TryTable) KITE_TRY(catch_clauses(b, out));
    b.labels.push_back(block.label);
    open.push_back(std::move(block));
  }
}

// `(@metadata.code.branch_hint "\00"|"\01")` before an instruction. kite
// does not use the hints, so they are checked for placement and dropped
// (a hint on a wrong instruction is a validation matter of the custom section).
Status ModuleParser::branch_hint(Body& b) {
  const Token& annot = next();
  const std::string what = "@" + std::string(annot.text) + " annotation: ";
  if (b.locals == nullptr) return error_at(annot, what + "not in a function");
  while (!at(TokKind::RParen)) {
    if (at(TokKind::Eof)) return unexpected(peek());
    next();
  }
  next();
  if (annot.text != "metadata.code.branch_hint") return {};
  if (at(TokKind::Annot) && peek().text == annot.text) {
    return error_at(peek(), what + "duplicate annotation");
  }
  return {};
}

// An optional `$label` after `end`/`else`/`catch` must repeat the block's label.
Status ModuleParser::end_label(const std::string& label) {
  if (!at(TokKind::Id)) return {};
  const Token& t = next();
  if (id_value(t) != label) return error_at(t, "mismatching label");
  return {};
}

Status ModuleParser::block_type(Bytes& out) {
  const Token& at_tok = peek();
  KITE_TRY_ASSIGN(TypeUse use, type_use(false));
  if (!use.index && use.params.empty() && use.results.size() <= 1) {
    if (use.results.empty()) {
      out.push_back(0x40);
    } else {
      put_bytes(out, use.results[0]);
    }
    return {};
  }
  KITE_TRY_ASSIGN(uint32_t idx, resolve_type_use(use, at_tok));
  put_sleb(out, idx);
  return {};
}

struct Catch {
  uint8_t kind;
  uint32_t tag;
  uint32_t label;
};

// try_table's catch clauses, vec-encoded into `out`. Their labels are
// resolved outside the try_table's own label.
Status ModuleParser::catch_clauses(Body& b, Bytes& out) {
  Bytes catches;
  uint32_t n = 0;
  while (true) {
    uint8_t kind;
    if (at_field("catch"))
      kind = 0;
    else if (at_field("catch_ref"))
      kind = 1;
    else if (at_field("catch_all"))
      kind = 2;
    else if (at_field("catch_all_ref"))
      kind = 3;
    else
      break;
    next();
    next();
    catches.push_back(kind);
    if (kind < 2) {
      KITE_TRY_ASSIGN(uint32_t tag, index(kTag));
      put_u32(catches, tag);
    }
    KITE_TRY_ASSIGN(uint32_t l, label_index(b));
    put_u32(catches, l);
    KITE_TRY(expect(TokKind::RParen));
    ++n;
  }
  put_u32(out, n);
  put_bytes(out, catches);
  return {};
}

// Folded structured instructions, positioned after the keyword.
Status ModuleParser::folded_structured(Body& b, Op op) {
  Bytes& out = *b.out;
  std::string label = at(TokKind::Id) ? id_value(next()) : std::string();
  Bytes head;
  put_op(head, op);
  KITE_TRY(block_type(head));
  if (op == Op::If) {
    // The condition is evaluated outside the `if`, so its label is not yet bound.
    while (at(TokKind::LParen) && !at_field("then"))
      KITE_TRY(folded(b));
    put_bytes(out, head);
    b.labels.push_back(label);
    KITE_TRY(open_field("then"));
    KITE_TRY(instrs(b));
    KITE_TRY(expect(TokKind::RParen));
    if (at_field("else")) {
      next();
      next();
      out.push_back(0x05);
      KITE_TRY(instrs(b));
      KITE_TRY(expect(TokKind::RParen));
    }
  } else if (op == Op::Try) {
    put_bytes(out, head);
    b.labels.push_back(label);
    KITE_TRY(open_field("do"));
    KITE_TRY(instrs(b));
    KITE_TRY(expect(TokKind::RParen));
    bool has_catch = false;
    while (at_field("catch")) {
      has_catch = true;
      next();
      next();
      KITE_TRY_ASSIGN(uint32_t tag, index(kTag));
      out.push_back(0x07);
      put_u32(out, tag);
      KITE_TRY(instrs(b));
      KITE_TRY(expect(TokKind::RParen));
    }
    if (at_field("catch_all")) {
      has_catch = true;
      next();
      next();
      out.push_back(0x19);
      KITE_TRY(instrs(b));
      KITE_TRY(expect(TokKind::RParen));
    }
    if (at_field("delegate") && !has_catch) {
      next();
      next();
      b.labels.pop_back();
      KITE_TRY_ASSIGN(uint32_t l, label_index(b));
      KITE_TRY(expect(TokKind::RParen));
      out.push_back(0x18);
      put_u32(out, l);
      return expect(TokKind::RParen);
    }
  } else {
    put_bytes(out, head);
    if (op == Op::TryTable) {
      KITE_TRY(catch_clauses(b, out));
    }
    b.labels.push_back(label);
    KITE_TRY(instrs(b));
  }
  b.labels.pop_back();
  out.push_back(0x0B);
  return expect(TokKind::RParen);
}

Status ModuleParser::folded(Body& b) {
  const Token& open = next();
  if (++b.depth > kMaxNesting) return error_at(open, "nesting too deep");
  const Token& kw = peek();
  if (kw.kind != TokKind::Keyword) return unexpected(kw);
  std::optional<Op> op = op_from_name(kw.text);
  if (!op || is_block_terminator(kw.text)) {
    return error_at(kw, "unknown operator " + std::string(kw.text));
  }
  next();
  const ImmKind imm = op_info(*op).imm;
  if (imm == ImmKind::BlockType || imm == ImmKind::TryTable) {
    KITE_TRY(folded_structured(b, *op));
  } else {
    Bytes self;
    KITE_TRY(immediates(b, *op, self));
    while (true) {
      if (at(TokKind::LParen)) {
        KITE_TRY(folded(b));
      } else if (at(TokKind::Annot) && peek().text.starts_with("metadata.code.")) {
        KITE_TRY(branch_hint(b));
      } else {
        break;
      }
    }
    KITE_TRY(expect(TokKind::RParen));
    put_bytes(*b.out, self);
  }
  --b.depth;
  return {};
}

Status ModuleParser::mem_arg(Op op, Bytes& out) {
  uint32_t memory = 0;
  // A memory index comes first; for lane instructions a lone number is the lane.
  const bool lane = op_info(op).imm == ImmKind::MemArgLane;
  if (at(TokKind::Id) || (at_index() && (!lane || peek(1).kind == TokKind::Reserved ||
                                         (peek(1).kind == TokKind::Keyword &&
                                          (peek(1).text.starts_with("offset=") ||
                                           peek(1).text.starts_with("align=")))))) {
    KITE_TRY_ASSIGN(memory, index(kMemory));
  }
  uint64_t offset = 0;
  uint32_t align_log2 = static_cast<uint32_t>(__builtin_ctz(memory_access_bytes(op)));
  if (at(TokKind::Keyword) && peek().text.starts_with("offset=")) {
    const Token& t = next();
    NumResult<uint64_t> r = parse_uint(t.text.substr(7), UINT64_MAX);
    if (r.error == NumError::Range) return error_at(t, "i64 constant out of range");
    if (!r.ok()) return error_at(t, "unknown operator");
    offset = r.value;
  }
  if (at(TokKind::Keyword) && peek().text.starts_with("align=")) {
    const Token& t = next();
    NumResult<uint64_t> r = parse_uint(t.text.substr(6), UINT64_MAX);
    if (!r.ok()) return error_at(t, "unknown operator");
    if (r.value == 0 || (r.value & (r.value - 1)) != 0) {
      return error_at(t, "alignment must be a power of two");
    }
    align_log2 = static_cast<uint32_t>(__builtin_ctzll(r.value));
  }
  put_op(out, op);
  put_u32(out, memory != 0 ? (align_log2 | 0x40) : align_log2);
  if (memory != 0) put_u32(out, memory);
  put_uleb(out, offset);
  if (lane) {
    KITE_TRY_ASSIGN(uint32_t l, u32_token());
    if (l > 255) return error_at(peek(), "malformed lane index");
    out.push_back(static_cast<uint8_t>(l));
  }
  return {};
}

bool is_number_token(const Token& t) {
  return t.kind == TokKind::Reserved ||
         (t.kind == TokKind::Keyword && (t.text.starts_with("inf") || t.text.starts_with("nan")));
}

Status ModuleParser::v128_const(Bytes& out) {
  const Token& shape = next();
  struct Shape {
    std::string_view name;
    int lanes;
    int bits;
    bool is_float;
  };
  static constexpr Shape kShapes[] = {{"i8x16", 16, 8, false}, {"i16x8", 8, 16, false},
                                      {"i32x4", 4, 32, false}, {"i64x2", 2, 64, false},
                                      {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true}};
  const Shape* s = nullptr;
  for (const Shape& k : kShapes) {
    if (shape.kind == TokKind::Keyword && shape.text == k.name) s = &k;
  }
  if (s == nullptr) return error_at(shape, "unexpected token");
  for (int i = 0; i < s->lanes; ++i) {
    const Token& t = peek();
    if (!is_number_token(t)) return error_at(t, "wrong number of lane literals");
    next();
    uint64_t bits;
    if (s->is_float) {
      if (s->bits == 32) {
        NumResult<uint32_t> r = parse_f32_bits(t.text);
        if (r.error == NumError::Syntax) return error_at(t, "unexpected token");
        if (r.error) return error_at(t, "constant out of range");
        bits = r.value;
      } else {
        NumResult<uint64_t> r = parse_f64_bits(t.text);
        if (r.error == NumError::Syntax) return error_at(t, "unexpected token");
        if (r.error) return error_at(t, "constant out of range");
        bits = r.value;
      }
    } else {
      NumResult<uint64_t> r = parse_int_bits(t.text, static_cast<unsigned>(s->bits));
      if (r.error == NumError::Syntax) return error_at(t, "unexpected token");
      if (r.error) return error_at(t, "constant out of range");
      bits = r.value;
    }
    put_fixed(out, bits, s->bits / 8);
  }
  return {};
}

// Encodes one plain instruction (opcode and immediates) into `out`.
Status ModuleParser::immediates(Body& b, Op op, Bytes& out) {
  if (op == Op::Select) {
    Bytes types;
    uint32_t n = 0;
    bool typed = false;
    while (at_field("result")) {
      next();
      next();
      typed = true;
      while (!at(TokKind::RParen)) {
        KITE_TRY_ASSIGN(EncType t, val_type());
        put_bytes(types, t);
        ++n;
      }
      next();
    }
    if (!typed) {
      put_op(out, Op::Select);
      return {};
    }
    put_op(out, Op::SelectT);
    put_u32(out, n);
    put_bytes(out, types);
    return {};
  }
  const Token& at_tok = peek();
  const ImmKind imm = op_info(op).imm;
  Status st;
  switch (imm) {
  case ImmKind::None:
  case ImmKind::AtomicFence:
    put_op(out, op);
    if (imm == ImmKind::AtomicFence) out.push_back(0x00);
    return {};
  case ImmKind::MemArg:
  case ImmKind::MemArgLane: return mem_arg(op, out);
  case ImmKind::V128: put_op(out, op); return v128_const(out);
  case ImmKind::HeapType: {
    EncType ht;
    if (op == Op::RefNull) {
      KITE_TRY_ASSIGN(ht, heap_type());
    } else {
      bool nullable = false;
      KITE_TRY_ASSIGN(EncType rt, ref_type(&nullable));
      if (nullable) op = op == Op::RefTest ? Op::RefTestNull : Op::RefCastNull;
      ht = rt.size() == 1 ? rt : rt.substr(1);
    }
    put_op(out, op);
    put_bytes(out, ht);
    return {};
  }
  case ImmKind::BrOnCast: {
    KITE_TRY_ASSIGN(uint32_t label, label_index(b));
    bool null1 = false, null2 = false;
    KITE_TRY_ASSIGN(EncType rt1, ref_type(&null1));
    KITE_TRY_ASSIGN(EncType rt2, ref_type(&null2));
    put_op(out, op);
    out.push_back(static_cast<uint8_t>((null1 ? 1 : 0) | (null2 ? 2 : 0)));
    put_u32(out, label);
    put_bytes(out, rt1.size() == 1 ? rt1 : rt1.substr(1));
    put_bytes(out, rt2.size() == 1 ? rt2 : rt2.substr(1));
    return {};
  }
  case ImmKind::CallIndirect: {
    uint32_t table = optional_index(kTable, st).value_or(0);
    KITE_TRY(st);
    const Token& use_at = peek();
    KITE_TRY_ASSIGN(TypeUse use, type_use(false));
    KITE_TRY_ASSIGN(uint32_t type, resolve_type_use(use, use_at));
    put_op(out, op);
    put_u32(out, type);
    put_u32(out, table);
    return {};
  }
  default: break;
  }

  // Index immediates: encoded in order as u32s.
  std::array<uint32_t, 2> idx{};
  int n = 0;
  switch (imm) {
  case ImmKind::Label: {
    KITE_TRY_ASSIGN(idx[n++], label_index(b));
    break;
  }
  case ImmKind::LabelTable: {
    std::vector<uint32_t> labels;
    while (at_index()) {
      KITE_TRY_ASSIGN(uint32_t l, label_index(b));
      labels.push_back(l);
    }
    if (labels.empty()) return unexpected(peek());
    put_op(out, op);
    put_u32(out, static_cast<uint32_t>(labels.size() - 1));
    for (uint32_t l : labels)
      put_u32(out, l);
    return {};
  }
  case ImmKind::Func:
  case ImmKind::Type:
  case ImmKind::Global:
  case ImmKind::Tag:
  case ImmKind::Elem: {
    const Space space = imm == ImmKind::Func     ? kFunc
                        : imm == ImmKind::Type   ? kType
                        : imm == ImmKind::Global ? kGlobal
                        : imm == ImmKind::Tag    ? kTag
                                                 : kElem;
    KITE_TRY_ASSIGN(idx[n++], index(space));
    break;
  }
  case ImmKind::Local: {
    KITE_TRY_ASSIGN(idx[n++], local_index(b));
    break;
  }
  case ImmKind::Data: {
    KITE_TRY_ASSIGN(idx[n++], index(kData));
    uses_data_count_ = true;
    break;
  }
  case ImmKind::Table:
    idx[n++] = optional_index(kTable, st).value_or(0);
    KITE_TRY(st);
    break;
  case ImmKind::Mem:
    idx[n++] = optional_index(kMemory, st).value_or(0);
    KITE_TRY(st);
    break;
  case ImmKind::TableTable:
  case ImmKind::MemMem: {
    const Space s = imm == ImmKind::TableTable ? kTable : kMemory;
    n = 2;
    if (at_index()) {
      KITE_TRY_ASSIGN(idx[0], index(s));
      KITE_TRY_ASSIGN(idx[1], index(s));
    }
    break;
  }
  case ImmKind::ElemTable:
  case ImmKind::DataMem: {
    // `table.init table? elem` / `memory.init memory? data`, encoded segment first.
    const bool elem = imm == ImmKind::ElemTable;
    n = 2;
    if (at_index() && (peek(1).kind == TokKind::Id || peek(1).kind == TokKind::Reserved)) {
      KITE_TRY_ASSIGN(idx[1], index(elem ? kTable : kMemory));
    }
    KITE_TRY_ASSIGN(idx[0], index(elem ? kElem : kData));
    if (!elem) uses_data_count_ = true;
    break;
  }
  case ImmKind::TypeField: {
    KITE_TRY_ASSIGN(idx[0], index(kType));
    KITE_TRY_ASSIGN(idx[1], field_index(idx[0]));
    n = 2;
    break;
  }
  case ImmKind::TypeType: {
    KITE_TRY_ASSIGN(idx[0], index(kType));
    KITE_TRY_ASSIGN(idx[1], index(kType));
    n = 2;
    break;
  }
  case ImmKind::TypeData:
  case ImmKind::TypeElem: {
    KITE_TRY_ASSIGN(idx[0], index(kType));
    KITE_TRY_ASSIGN(idx[1], index(imm == ImmKind::TypeData ? kData : kElem));
    if (imm == ImmKind::TypeData) uses_data_count_ = true;
    n = 2;
    break;
  }
  case ImmKind::TypeLen: {
    KITE_TRY_ASSIGN(idx[0], index(kType));
    KITE_TRY_ASSIGN(idx[1], u32_token());
    n = 2;
    break;
  }
  case ImmKind::I32:
  case ImmKind::I64: {
    const bool is32 = imm == ImmKind::I32;
    NumResult<uint64_t> r = parse_int_bits(at_tok.text, is32 ? 32 : 64);
    if (at_tok.kind != TokKind::Reserved || r.error == NumError::Syntax) return unexpected(at_tok);
    if (r.error)
      return error_at(at_tok, is32 ? "i32 constant out of range" : "i64 constant out of range");
    next();
    put_op(out, op);
    put_sleb(out, is32 ? static_cast<int64_t>(static_cast<int32_t>(r.value))
                       : static_cast<int64_t>(r.value));
    return {};
  }
  case ImmKind::F32:
  case ImmKind::F64: {
    if (!is_number_token(at_tok)) return unexpected(at_tok);
    const bool is32 = imm == ImmKind::F32;
    uint64_t bits;
    std::optional<NumError> err;
    if (is32) {
      NumResult<uint32_t> r = parse_f32_bits(at_tok.text);
      bits = r.value, err = r.error;
    } else {
      NumResult<uint64_t> r = parse_f64_bits(at_tok.text);
      bits = r.value, err = r.error;
    }
    if (err == NumError::Syntax) return unexpected(at_tok);
    if (err) return error_at(at_tok, "constant out of range");
    next();
    put_op(out, op);
    put_fixed(out, bits, is32 ? 4 : 8);
    return {};
  }
  case ImmKind::Lane:
  case ImmKind::Shuffle: {
    put_op(out, op);
    const int lanes = imm == ImmKind::Lane ? 1 : 16;
    for (int i = 0; i < lanes; ++i) {
      const Token& t = peek();
      if (t.kind != TokKind::Reserved) {
        return error_at(t, imm == ImmKind::Lane ? "unexpected token" : "invalid lane length");
      }
      NumResult<uint64_t> r = parse_uint(t.text, 255);
      if (r.error == NumError::Syntax) return unexpected(t);
      if (r.error) return error_at(t, "malformed lane index");
      next();
      out.push_back(static_cast<uint8_t>(r.value));
    }
    if (imm == ImmKind::Shuffle && at(TokKind::Reserved)) {
      return error_at(peek(), "invalid lane length");
    }
    return {};
  }
  default: return error_at(at_tok, "unexpected token");
  }
  put_op(out, op);
  for (int i = 0; i < n; ++i)
    put_u32(out, idx[i]);
  return {};
}

// ===================================================================
// Assembly

Result<Bytes> ModuleParser::run() {
  bool wrapped = false;
  if (at_field("module")) {
    next();
    next();
    wrapped = true;
    if (at(TokKind::Id)) {
      module_name_ = id_value(next());
      has_module_name_ = true;
    }
    bool named = false;
    while (at(TokKind::Annot) && peek().text == "name") {
      if (named) return error_at(peek(), "@name annotation: multiple module");
      KITE_TRY(optional_name_annotation(&module_name_));
      named = has_module_name_ = true;
    }
  }
  KITE_TRY(declare_fields());
  if (wrapped) KITE_TRY(expect(TokKind::RParen));
  if (!at(TokKind::Eof)) return unexpected(peek());
  KITE_TRY(define_types());
  KITE_TRY(define_fields());

  Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  auto emit = [&out](uint8_t id, const Bytes& contents) {
    out.push_back(id);
    put_u32(out, static_cast<uint32_t>(contents.size()));
    put_bytes(out, contents);
  };
  auto emit_vec = [&emit](uint8_t id, const Section& sec) {
    if (sec.count == 0) return;
    Bytes contents;
    put_u32(contents, sec.count);
    put_bytes(contents, sec.bytes);
    emit(id, contents);
  };
  auto emit_customs = [&](int order, bool after) {
    for (const CustomSectionText& c : customs_) {
      if (c.placement.section_order != order || c.placement.after != after) continue;
      Bytes contents;
      put_name(contents, c.name);
      put_bytes(contents, c.contents);
      emit(0, contents);
    }
  };
  for (size_t i = 0; i < kSectionOrder.size(); ++i) {
    const int order = static_cast<int>(i);
    emit_customs(order, false);
    switch (kSectionOrder[i]) {
    case 1: emit_vec(1, type_sec_); break;
    case 2: emit_vec(2, import_sec_); break;
    case 3: emit_vec(3, func_sec_); break;
    case 4: emit_vec(4, table_sec_); break;
    case 5: emit_vec(5, memory_sec_); break;
    case 13: emit_vec(13, tag_sec_); break;
    case 6: emit_vec(6, global_sec_); break;
    case 7: emit_vec(7, export_sec_); break;
    case 8:
      if (start_) {
        Bytes contents;
        put_u32(contents, *start_);
        emit(8, contents);
      }
      break;
    case 9: emit_vec(9, elem_sec_); break;
    case 12:
      if (uses_data_count_) {
        Bytes contents;
        put_u32(contents, data_sec_.count);
        emit(12, contents);
      }
      break;
    case 10: emit_vec(10, code_sec_); break;
    case 11: emit_vec(11, data_sec_); break;
    }
    emit_customs(order, true);
  }

  if (has_module_name_ || !function_names_.empty()) {
    Bytes names;
    put_name(names, "name");
    if (has_module_name_) {
      Bytes sub;
      put_name(sub, module_name_);
      names.push_back(0);
      put_u32(names, static_cast<uint32_t>(sub.size()));
      put_bytes(names, sub);
    }
    if (!function_names_.empty()) {
      Bytes sub;
      put_u32(sub, static_cast<uint32_t>(function_names_.size()));
      for (const auto& [idx, name] : function_names_) {
        put_u32(sub, idx);
        put_name(sub, name);
      }
      names.push_back(1);
      put_u32(names, static_cast<uint32_t>(sub.size()));
      put_bytes(names, sub);
    }
    emit(0, names);
  }
  return out;
}

} // namespace

Result<std::vector<uint8_t>> encode_module(std::span<const Token> tokens) {
  return ModuleParser(tokens).run();
}

Result<std::vector<uint8_t>> wat_to_binary(std::string_view source) {
  KITE_TRY_ASSIGN(std::vector<Token> tokens, tokenize(source));
  return encode_module(tokens);
}

} // namespace kite::text
