// The WAST script parser. Text modules are encoded to binary here (a module
// that fails to encode becomes ModuleSource::Kind::Error, so one bad module
// never stops the rest of the script); quoted modules keep their text.
#include <span>

#include "text/lexer.h"
#include "text/numbers.h"
#include "text/script.h"
#include "text/wat_parser.h"

namespace kite::wast {

namespace {

using text::Token;
using text::TokKind;

// Nesting limit for `thread` and `either` forms, which never nest deeply in
// real scripts; each level holds whole Command values on the native stack.
constexpr uint32_t kMaxScriptNesting = 32;

class ScriptParser : text::TokenCursor {
public:
  explicit ScriptParser(const std::vector<Token>& toks) : text::TokenCursor(toks) {}

  Result<Script> run() {
    Script script;
    if (starts_with_module_field()) {
      // A script may be just the fields of one module (inline-module.wast).
      Command c;
      c.line = peek().line;
      c.module.line = c.line;
      Result<std::vector<uint8_t>> bytes = text::encode_module(toks_);
      if (bytes.ok()) {
        c.module.bytes = std::move(bytes).value();
      } else {
        c.module.kind = ModuleSource::Kind::Error;
        c.module.error = std::move(bytes).error();
      }
      script.commands.push_back(std::move(c));
      return script;
    }
    while (!at(TokKind::Eof)) {
      KITE_TRY_ASSIGN(Command c, command());
      script.commands.push_back(std::move(c));
    }
    return script;
  }

private:
  Error unexpected(const Token& t) const {
    return text::error_at(t,
                          t.kind == TokKind::Eof ? "unexpected end of input" : "unexpected token");
  }
  Status expect(TokKind k) {
    if (!at(k)) return unexpected(peek());
    next();
    return {};
  }
  Result<std::string> string() {
    if (!at(TokKind::String)) return unexpected(peek());
    return text::string_value(next());
  }
  std::optional<std::string> optional_id() {
    if (!at(TokKind::Id)) return std::nullopt;
    return text::id_value(next());
  }
  // Index just past the `)` matching the `(` at `pos_`.
  Result<size_t> matching_end() const {
    uint32_t depth = 0;
    for (size_t i = pos_; i < toks_.size(); ++i) {
      const TokKind k = toks_[i].kind;
      if (k == TokKind::LParen || k == TokKind::Annot) {
        ++depth;
      } else if (k == TokKind::RParen) {
        if (--depth == 0) return i + 1;
      } else if (k == TokKind::Eof) {
        break;
      }
    }
    return unexpected(toks_.back());
  }

  bool starts_with_module_field() const {
    if (at(TokKind::Annot)) return true;
    if (!at(TokKind::LParen) || peek(1).kind != TokKind::Keyword) return false;
    static constexpr std::string_view kFields[] = {"type",   "rec",    "func", "table",
                                                   "memory", "global", "tag",  "import",
                                                   "export", "start",  "elem", "data"};
    for (std::string_view f : kFields) {
      if (peek(1).text == f) return true;
    }
    return false;
  }

  Result<Command> command();
  Result<ModuleSource> module();
  Result<Action> action();
  Result<Const> constant();
  Result<Expected> expected();
  Status lanes(std::string_view shape, std::vector<Expected>* patterns, Const& value);

  uint32_t depth_ = 0; // nesting of thread and either forms
};

Result<ModuleSource> ScriptParser::module() {
  ModuleSource m;
  m.line = peek().line;
  const size_t start = pos_;
  KITE_TRY_ASSIGN(const size_t end, matching_end());
  next(); // (
  next(); // module
  if (at_keyword("definition")) {
    next();
    m.is_definition = true;
  }
  m.id = optional_id();
  if (at_keyword("definition")) {
    next();
    m.is_definition = true;
  }
  if (at_keyword("binary") || at_keyword("quote")) {
    const bool binary = next().text == "binary";
    std::string contents;
    while (at(TokKind::String))
      contents += text::string_value(next());
    KITE_TRY(expect(TokKind::RParen));
    if (binary) {
      m.kind = ModuleSource::Kind::Binary;
      m.bytes.assign(contents.begin(), contents.end());
    } else {
      m.kind = ModuleSource::Kind::Quote;
      m.text = std::move(contents);
    }
    return m;
  }
  // A text module: hand the encoder `(module $id? field*)` without `definition`.
  std::vector<Token> tokens;
  tokens.reserve(end - start);
  for (size_t i = start; i < end; ++i) {
    if (!(toks_[i].kind == TokKind::Keyword && toks_[i].text == "definition" && i <= start + 3)) {
      tokens.push_back(toks_[i]);
    }
  }
  Result<std::vector<uint8_t>> bytes = text::encode_module(tokens);
  if (bytes.ok()) {
    m.kind = ModuleSource::Kind::Binary;
    m.bytes = std::move(bytes).value();
  } else {
    m.kind = ModuleSource::Kind::Error;
    m.error = std::move(bytes).error();
  }
  pos_ = end;
  return m;
}

Status ScriptParser::lanes(std::string_view shape, std::vector<Expected>* patterns, Const& value) {
  struct Shape {
    std::string_view name;
    std::string_view lane;
    int count;
  };
  static constexpr Shape kShapes[] = {{"i8x16", "i8", 16}, {"i16x8", "i16", 8},
                                      {"i32x4", "i32", 4}, {"i64x2", "i64", 2},
                                      {"f32x4", "f32", 4}, {"f64x2", "f64", 2}};
  const Shape* s = nullptr;
  for (const Shape& k : kShapes) {
    if (k.name == shape) s = &k;
  }
  if (s == nullptr) return unexpected(peek());
  const int width = 16 / s->count;
  for (int i = 0; i < s->count; ++i) {
    const Token& t = peek();
    if (t.kind != TokKind::Reserved && t.kind != TokKind::Keyword) return unexpected(t);
    next();
    Expected lane;
    uint64_t bits = 0;
    const bool is_float = s->lane[0] == 'f';
    if (is_float && (t.text == "nan:canonical" || t.text == "nan:arithmetic")) {
      if (patterns == nullptr) return unexpected(t);
      const bool canonical = t.text == "nan:canonical";
      lane.kind =
          width == 4
              ? (canonical ? Expected::Kind::F32CanonicalNan : Expected::Kind::F32ArithmeticNan)
              : (canonical ? Expected::Kind::F64CanonicalNan : Expected::Kind::F64ArithmeticNan);
    } else {
      bool ok;
      if (is_float && width == 4) {
        text::NumResult<uint32_t> r = text::parse_f32_bits(t.text);
        ok = r.ok(), bits = r.value;
      } else if (is_float) {
        text::NumResult<uint64_t> r = text::parse_f64_bits(t.text);
        ok = r.ok(), bits = r.value;
      } else {
        text::NumResult<uint64_t> r =
            text::parse_int_bits(t.text, static_cast<unsigned>(width * 8));
        ok = r.ok(), bits = r.value;
      }
      if (!ok) return text::error_at(t, "constant out of range");
      lane.value.bits = bits;
      lane.value.kind = width == 8 ? (is_float ? Const::Kind::F64 : Const::Kind::I64)
                                   : (is_float ? Const::Kind::F32 : Const::Kind::I32);
    }
    for (int b = 0; b < width; ++b)
      value.v128[i * width + b] = static_cast<uint8_t>(bits >> (8 * b));
    if (patterns) patterns->push_back(std::move(lane));
  }
  return {};
}

Result<Const> ScriptParser::constant() {
  Const c;
  KITE_TRY(expect(TokKind::LParen));
  const Token& kw = next();
  if (kw.kind != TokKind::Keyword) return unexpected(kw);
  const std::string_view k = kw.text;
  const Token& arg = peek();
  auto fail_range = [&] { return text::error_at(arg, "constant out of range"); };
  if (k == "i32.const" || k == "i64.const") {
    const bool is32 = k == "i32.const";
    text::NumResult<uint64_t> r = text::parse_int_bits(arg.text, is32 ? 32 : 64);
    if (!r.ok()) return fail_range();
    next();
    c.kind = is32 ? Const::Kind::I32 : Const::Kind::I64;
    c.bits = r.value;
  } else if (k == "f32.const") {
    text::NumResult<uint32_t> r = text::parse_f32_bits(arg.text);
    if (!r.ok()) return fail_range();
    next();
    c.kind = Const::Kind::F32;
    c.bits = r.value;
  } else if (k == "f64.const") {
    text::NumResult<uint64_t> r = text::parse_f64_bits(arg.text);
    if (!r.ok()) return fail_range();
    next();
    c.kind = Const::Kind::F64;
    c.bits = r.value;
  } else if (k == "v128.const") {
    c.kind = Const::Kind::V128;
    const Token& shape = next();
    KITE_TRY(lanes(shape.text, nullptr, c));
  } else if (k == "ref.null") {
    c.kind = Const::Kind::RefNull;
    if (!at(TokKind::Keyword)) return unexpected(peek());
    c.heap = std::string(next().text);
  } else if (k == "ref.extern" || k == "ref.host") {
    c.kind = k == "ref.extern" ? Const::Kind::RefExtern : Const::Kind::RefHost;
    text::NumResult<uint64_t> r = text::parse_uint(arg.text, UINT64_MAX);
    if (!r.ok()) return unexpected(arg);
    next();
    c.bits = r.value;
  } else {
    return text::error_at(kw, "unknown operator " + std::string(k));
  }
  KITE_TRY(expect(TokKind::RParen));
  return c;
}

Result<Expected> ScriptParser::expected() {
  Expected e;
  if (at_field("either")) {
    if (++depth_ > kMaxScriptNesting) return text::error_at(peek(), "nesting too deep");
    next();
    next();
    e.kind = Expected::Kind::Either;
    while (at(TokKind::LParen)) {
      KITE_TRY_ASSIGN(Expected alt, expected());
      e.alternatives.push_back(std::move(alt));
    }
    --depth_;
    KITE_TRY(expect(TokKind::RParen));
    return e;
  }
  if (!at(TokKind::LParen) || peek(1).kind != TokKind::Keyword) return unexpected(peek());
  const std::string_view k = peek(1).text;
  const Token& arg = peek(2);
  if ((k == "f32.const" || k == "f64.const") &&
      (arg.text == "nan:canonical" || arg.text == "nan:arithmetic")) {
    const bool canonical = arg.text == "nan:canonical";
    e.kind = k == "f32.const"
                 ? (canonical ? Expected::Kind::F32CanonicalNan : Expected::Kind::F32ArithmeticNan)
                 : (canonical ? Expected::Kind::F64CanonicalNan : Expected::Kind::F64ArithmeticNan);
    next(), next(), next();
    KITE_TRY(expect(TokKind::RParen));
    return e;
  }
  if (k == "v128.const") {
    next(), next();
    e.kind = Expected::Kind::V128;
    const Token& shape = next();
    e.lane_shape = std::string(shape.text.substr(0, shape.text.find('x')));
    e.value.kind = Const::Kind::V128;
    KITE_TRY(lanes(shape.text, &e.lanes, e.value));
    KITE_TRY(expect(TokKind::RParen));
    return e;
  }
  struct RefPattern {
    std::string_view name;
    Expected::Kind kind;
  };
  static constexpr RefPattern kRefs[] = {
      {"ref.func", Expected::Kind::RefFunc},     {"ref.any", Expected::Kind::RefAny},
      {"ref.eq", Expected::Kind::RefEq},         {"ref.i31", Expected::Kind::RefI31},
      {"ref.struct", Expected::Kind::RefStruct}, {"ref.array", Expected::Kind::RefArray},
      {"ref.exn", Expected::Kind::RefExn},       {"ref.extern", Expected::Kind::RefExtern},
      {"ref.host", Expected::Kind::RefHost},     {"ref.null", Expected::Kind::RefNull}};
  for (const RefPattern& p : kRefs) {
    if (k != p.name) continue;
    const bool payload =
        (p.kind == Expected::Kind::RefExtern || p.kind == Expected::Kind::RefHost) &&
        arg.kind == TokKind::Reserved;
    if (payload) {
      KITE_TRY_ASSIGN(e.value, constant());
      e.kind = p.kind;
      e.has_payload = true;
      return e;
    }
    next(), next();
    e.kind = p.kind;
    // `(ref.null ht)` matches any null; the heap type is kept for the record.
    if (at(TokKind::Keyword) || at(TokKind::Id)) {
      e.value.kind = Const::Kind::RefNull;
      e.value.heap = std::string(next().text);
    }
    KITE_TRY(expect(TokKind::RParen));
    return e;
  }
  KITE_TRY_ASSIGN(e.value, constant());
  e.kind = Expected::Kind::Const;
  return e;
}

Result<Action> ScriptParser::action() {
  Action a;
  a.line = peek().line;
  KITE_TRY(expect(TokKind::LParen));
  if (at_keyword("invoke")) {
    a.kind = Action::Kind::Invoke;
  } else if (at_keyword("get")) {
    a.kind = Action::Kind::Get;
  } else {
    return unexpected(peek());
  }
  next();
  a.module = optional_id();
  KITE_TRY_ASSIGN(a.field, string());
  while (a.kind == Action::Kind::Invoke && at(TokKind::LParen)) {
    KITE_TRY_ASSIGN(Const c, constant());
    a.args.push_back(std::move(c));
  }
  KITE_TRY(expect(TokKind::RParen));
  return a;
}

Result<Command> ScriptParser::command() {
  Command c;
  c.line = peek().line;
  if (!at(TokKind::LParen) || peek(1).kind != TokKind::Keyword) return unexpected(peek());
  const std::string_view k = peek(1).text;
  using K = Command::Kind;

  if (k == "module") {
    if (peek(2).kind == TokKind::Keyword && peek(2).text == "instance") {
      next(), next(), next();
      c.kind = K::ModuleInstance;
      c.instance_id = optional_id();
      std::optional<std::string> def = optional_id();
      if (!def) return unexpected(peek());
      c.definition_id = *def;
      KITE_TRY(expect(TokKind::RParen));
      return c;
    }
    c.kind = K::Module;
    KITE_TRY_ASSIGN(c.module, module());
    return c;
  }
  if (k == "invoke" || k == "get") {
    c.kind = K::Action;
    KITE_TRY_ASSIGN(c.action, action());
    return c;
  }
  next(), next();
  if (k == "register") {
    c.kind = K::Register;
    KITE_TRY_ASSIGN(c.register_name, string());
    c.register_id = optional_id();
  } else if (k == "assert_return") {
    c.kind = K::AssertReturn;
    KITE_TRY_ASSIGN(c.action, action());
    while (at(TokKind::LParen)) {
      KITE_TRY_ASSIGN(Expected e, expected());
      c.expected.push_back(std::move(e));
    }
  } else if (k == "assert_trap" || k == "assert_exhaustion" || k == "assert_exception") {
    c.kind = k == "assert_trap"         ? K::AssertTrap
             : k == "assert_exhaustion" ? K::AssertExhaustion
                                        : K::AssertException;
    if (c.kind == K::AssertTrap && at_field("module")) {
      c.has_module = true;
      KITE_TRY_ASSIGN(c.module, module());
    } else {
      KITE_TRY_ASSIGN(c.action, action());
    }
    if (c.kind != K::AssertException) {
      KITE_TRY_ASSIGN(c.message, string());
    }
  } else if (k == "assert_invalid" || k == "assert_malformed" || k == "assert_unlinkable" ||
             k == "assert_uninstantiable" || k == "assert_invalid_custom" ||
             k == "assert_malformed_custom") {
    c.kind = k.starts_with("assert_invalid")     ? K::AssertInvalid
             : k.starts_with("assert_malformed") ? K::AssertMalformed
             : k == "assert_unlinkable"          ? K::AssertUnlinkable
                                                 : K::AssertUninstantiable;
    c.custom = k.ends_with("_custom");
    if (!at_field("module")) return unexpected(peek());
    KITE_TRY_ASSIGN(c.module, module());
    KITE_TRY_ASSIGN(c.message, string());
  } else if (k == "thread") {
    if (++depth_ > kMaxScriptNesting) return text::error_at(peek(), "nesting too deep");
    c.kind = K::Thread;
    std::optional<std::string> id = optional_id();
    if (!id) return unexpected(peek());
    c.thread_id = *id;
    while (at_field("shared")) {
      next(), next();
      KITE_TRY(expect(TokKind::LParen));
      if (!at_keyword("module")) return unexpected(peek());
      next();
      std::optional<std::string> shared = optional_id();
      if (!shared) return unexpected(peek());
      c.shared_modules.push_back(*shared);
      KITE_TRY(expect(TokKind::RParen));
      KITE_TRY(expect(TokKind::RParen));
    }
    while (at(TokKind::LParen)) {
      KITE_TRY_ASSIGN(Command sub, command());
      c.commands.push_back(std::move(sub));
    }
    --depth_;
  } else if (k == "wait") {
    c.kind = K::Wait;
    std::optional<std::string> id = optional_id();
    if (!id) return unexpected(peek());
    c.thread_id = *id;
  } else {
    return text::error_at(peek(1), "unknown command " + std::string(k));
  }
  KITE_TRY(expect(TokKind::RParen));
  return c;
}

} // namespace

Result<Script> parse_script(std::string_view source) {
  KITE_TRY_ASSIGN(std::vector<Token> tokens, text::tokenize(source));
  return ScriptParser(tokens).run();
}

} // namespace kite::wast
