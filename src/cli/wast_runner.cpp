#include "cli/wast_runner.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cli/cli.h"
#include "kite/kite.h"
#include "text/script.h"
#include "text/text.h"

namespace kite::cli {

namespace {

using api::Value;
using wast::Command;
using wast::Const;
using wast::Expected;

std::optional<HeapKind> heap_kind_from_text(const std::string& name) {
  static const std::map<std::string, HeapKind> kinds = {
      {"func", HeapKind::Func},         {"nofunc", HeapKind::NoFunc}, {"extern", HeapKind::Extern},
      {"noextern", HeapKind::NoExtern}, {"any", HeapKind::Any},       {"eq", HeapKind::Eq},
      {"i31", HeapKind::I31},           {"struct", HeapKind::Struct}, {"array", HeapKind::Array},
      {"none", HeapKind::None},         {"exn", HeapKind::Exn},       {"noexn", HeapKind::NoExn},
  };
  auto it = kinds.find(name);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

bool is_canonical_nan32(uint32_t b) { return (b & 0x7FFFFFFF) == 0x7FC00000; }
bool is_arithmetic_nan32(uint32_t b) { return (b & 0x7FC00000) == 0x7FC00000; }
bool is_canonical_nan64(uint64_t b) { return (b & ~(uint64_t{1} << 63)) == 0x7FF8000000000000; }
bool is_arithmetic_nan64(uint64_t b) { return (b & 0x7FF8000000000000) == 0x7FF8000000000000; }

// Lane `i` of a v128 value with lane width `bytes`, zero-extended.
uint64_t lane_bits(const std::array<uint8_t, 16>& v, size_t bytes, size_t i) {
  uint64_t out = 0;
  std::memcpy(&out, v.data() + i * bytes, bytes);
  return out;
}

size_t lane_bytes(const std::string& shape) {
  if (shape == "i8") return 1;
  if (shape == "i16") return 2;
  if (shape == "i32" || shape == "f32") return 4;
  return 8;
}

// Matches one lane against a per-lane pattern (a constant or a NaN class).
bool match_lane(const Expected& e, uint64_t bits, size_t bytes) {
  switch (e.kind) {
  case Expected::Kind::F32CanonicalNan: return is_canonical_nan32(static_cast<uint32_t>(bits));
  case Expected::Kind::F32ArithmeticNan: return is_arithmetic_nan32(static_cast<uint32_t>(bits));
  case Expected::Kind::F64CanonicalNan: return is_canonical_nan64(bits);
  case Expected::Kind::F64ArithmeticNan: return is_arithmetic_nan64(bits);
  default: {
    const uint64_t mask = bytes == 8 ? ~uint64_t{0} : (uint64_t{1} << (bytes * 8)) - 1;
    return (e.value.bits & mask) == (bits & mask);
  }
  }
}

// What every thread of a script shares: the engine and store, the counts,
// and the report budget (threads report under one lock).
struct ScriptContext {
  ScriptContext(std::string path, uint32_t max_reports, const api::EngineConfig& config)
      : path(std::move(path)), max_reports(max_reports), engine(config), store(engine) {}

  void report(uint32_t line, const std::string& what) {
    std::lock_guard lock(mutex);
    if (reports++ < max_reports)
      std::fprintf(stderr, "%s:%u: %s\n", path.c_str(), line, what.c_str());
  }
  void count(bool passed, bool is_assertion) {
    std::lock_guard lock(mutex);
    if (!is_assertion) {
      ++counts.failed_commands;
      return;
    }
    ++counts.total;
    if (passed) ++counts.passed;
  }

  const std::string path;
  const uint32_t max_reports;
  api::Engine engine;
  api::Store store;
  std::mutex mutex;
  uint32_t reports = 0;
  WastCounts counts;
};

// Runs commands in one scope: the script's top level, or one (thread ...).
// A scope has its own registry (the linker), named instances and current
// module. A thread starts with a copy of its parent's registry, the parent's
// current module and the instances it names as shared; what it registers or
// defines stays inside it. Each thread runs on its own OS thread, at once
// with the others; (wait $t) joins it.
class ScriptRunner {
public:
  explicit ScriptRunner(ScriptContext& context)
      : context_(context), engine_(context.engine), store_(context.store) {
    linker_.define_spectest(store_);
  }

  ScriptRunner(ScriptContext& context, const ScriptRunner& parent,
               const std::vector<std::string>& shared_modules)
      : context_(context), engine_(context.engine), store_(context.store), linker_(parent.linker_),
        current_(parent.current_) {
    for (const std::string& id : shared_modules) {
      auto it = parent.instances_.find(id);
      if (it != parent.instances_.end()) instances_.insert(*it);
    }
  }

  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;
  // A thread the script never waited for is joined at the end of its scope.
  ~ScriptRunner() {
    for (auto& [id, thread] : threads_)
      thread.join();
  }

  void run(const std::vector<Command>& commands) {
    for (const Command& c : commands)
      execute(c);
  }

private:
  void execute(const Command& c) {
    switch (c.kind) {
    case Command::Kind::Module: define_module(c); break;
    case Command::Kind::ModuleInstance: instantiate_definition(c); break;
    case Command::Kind::Register: register_instance(c); break;
    case Command::Kind::Action: {
      auto r = perform(c.action);
      if (!r.ok()) command_failed(c.line, "action failed: " + r.error().describe());
      break;
    }
    case Command::Kind::Thread: start_thread(c); break;
    case Command::Kind::Wait: wait_thread(c); break;
    default: assertion(c); break;
    }
  }

  void start_thread(const Command& c) {
    for (const std::string& id : c.shared_modules) {
      if (!instances_.contains(id)) command_failed(c.line, "thread shares unknown module " + id);
    }
    if (threads_.contains(c.thread_id)) {
      command_failed(c.line, "thread " + c.thread_id + " is already running");
      return;
    }
    auto scope = std::make_shared<ScriptRunner>(context_, *this, c.shared_modules);
    // The thread's own scope is destroyed on the thread, after joining the
    // threads it started itself.
    threads_.emplace(c.thread_id, std::thread([scope, &c]() mutable {
                       scope->run(c.commands);
                       scope.reset();
                     }));
  }

  void wait_thread(const Command& c) {
    auto it = threads_.find(c.thread_id);
    if (it == threads_.end()) {
      command_failed(c.line, "wait: no running thread " + c.thread_id);
      return;
    }
    it->second.join();
    threads_.erase(it);
  }

  void report(uint32_t line, const std::string& what) { context_.report(line, what); }

  void command_failed(uint32_t line, const std::string& what) {
    context_.count(false, false);
    report(line, what);
  }

  Result<api::Module> compile(const wast::ModuleSource& source) { return compile(source, engine_); }

  Result<api::Module> compile(const wast::ModuleSource& source, const api::Engine& engine) {
    switch (source.kind) {
    case wast::ModuleSource::Kind::Binary: return api::Module::from_binary(engine, source.bytes);
    case wast::ModuleSource::Kind::Quote: {
      // Encoded here, as the script's other text modules: the runner owns
      // the text layer even when the engine's API is built without it.
      auto encoded = text::wat_to_binary(source.text);
      if (!encoded.ok()) {
        Error e = std::move(encoded).error();
        e.kind = ErrorKind::Malformed;
        return e;
      }
      return api::Module::from_binary(engine, *encoded);
    }
    case wast::ModuleSource::Kind::Error: {
      Error e = source.error;
      e.kind = ErrorKind::Malformed;
      return e;
    }
    }
    return Error{"unknown module source"};
  }

  Result<api::Instance> compile_and_instantiate(const wast::ModuleSource& source) {
    KITE_TRY_ASSIGN(api::Module module, compile(source));
    return linker_.instantiate(store_, module);
  }

  void define_module(const Command& c) {
    auto module = compile(c.module);
    if (!module.ok()) {
      current_.reset();
      command_failed(c.line, "module failed: " + module.error().describe());
      return;
    }
    if (c.module.is_definition) {
      if (c.module.id) definitions_.insert_or_assign(*c.module.id, module.value());
      return;
    }
    auto instance = linker_.instantiate(store_, module.value());
    if (!instance.ok()) {
      current_.reset();
      command_failed(c.line, "instantiation failed: " + instance.error().describe());
      return;
    }
    current_ = instance.value();
    if (c.module.id) instances_[*c.module.id] = instance.value();
  }

  void instantiate_definition(const Command& c) {
    auto def = definitions_.find(c.definition_id);
    if (def == definitions_.end()) {
      command_failed(c.line, "unknown module definition " + c.definition_id);
      return;
    }
    auto instance = linker_.instantiate(store_, def->second);
    if (!instance.ok()) {
      command_failed(c.line, "instantiation failed: " + instance.error().describe());
      return;
    }
    current_ = instance.value();
    if (c.instance_id) instances_[*c.instance_id] = instance.value();
  }

  void register_instance(const Command& c) {
    auto instance = find_instance(c.register_id);
    if (!instance) {
      command_failed(c.line, "register: no such instance");
      return;
    }
    linker_.define_instance(c.register_name, *instance);
  }

  std::optional<api::Instance> find_instance(const std::optional<std::string>& id) {
    if (!id) return current_;
    auto it = instances_.find(*id);
    if (it == instances_.end()) return std::nullopt;
    return it->second;
  }

  Result<Value> to_value(const Const& c) {
    switch (c.kind) {
    case Const::Kind::I32: return Value::i32(static_cast<int32_t>(c.bits));
    case Const::Kind::I64: return Value::i64(static_cast<int64_t>(c.bits));
    case Const::Kind::F32: return Value::f32_bits(static_cast<uint32_t>(c.bits));
    case Const::Kind::F64: return Value::f64_bits(c.bits);
    case Const::Kind::V128: return Value::v128(c.v128);
    case Const::Kind::RefNull: {
      auto kind = heap_kind_from_text(c.heap);
      if (!kind) return Error{"unknown heap type " + c.heap};
      return Value::null(ValType::ref(HeapType::abstract(*kind), true));
    }
    case Const::Kind::RefExtern:
    case Const::Kind::RefHost: return Value::externref(store_, c.bits);
    }
    return Error{"unknown constant"};
  }

  Result<std::vector<Value>> perform(const wast::Action& action) {
    auto instance = find_instance(action.module);
    if (!instance) return Error{"no module instance to act on"};
    if (action.kind == wast::Action::Kind::Get) {
      auto global = instance->global(action.field);
      if (!global) return Error{"unknown global export \"" + action.field + "\""};
      return std::vector<Value>{global->get()};
    }
    auto func = instance->func(action.field);
    if (!func) return Error{"unknown function export \"" + action.field + "\""};
    std::vector<Value> args;
    for (const Const& c : action.args) {
      KITE_TRY_ASSIGN(Value v, to_value(c));
      args.push_back(v);
    }
    return func->call(args);
  }

  bool matches(const Expected& e, const Value& v) {
    const ValType t = v.type();
    switch (e.kind) {
    case Expected::Kind::Const:
      switch (e.value.kind) {
      case Const::Kind::I32:
        return t.kind == ValKind::I32 && v.f32_bits() == uint32_t(e.value.bits);
      case Const::Kind::I64: return t.kind == ValKind::I64 && v.f64_bits() == e.value.bits;
      case Const::Kind::F32:
        return t.kind == ValKind::F32 && v.f32_bits() == uint32_t(e.value.bits);
      case Const::Kind::F64: return t.kind == ValKind::F64 && v.f64_bits() == e.value.bits;
      case Const::Kind::V128: return t.kind == ValKind::V128 && v.v128() == e.value.v128;
      case Const::Kind::RefNull: return v.is_null();
      case Const::Kind::RefExtern:
      case Const::Kind::RefHost: return v.extern_payload() == e.value.bits;
      }
      return false;
    case Expected::Kind::F32CanonicalNan:
      return t.kind == ValKind::F32 && is_canonical_nan32(v.f32_bits());
    case Expected::Kind::F32ArithmeticNan:
      return t.kind == ValKind::F32 && is_arithmetic_nan32(v.f32_bits());
    case Expected::Kind::F64CanonicalNan:
      return t.kind == ValKind::F64 && is_canonical_nan64(v.f64_bits());
    case Expected::Kind::F64ArithmeticNan:
      return t.kind == ValKind::F64 && is_arithmetic_nan64(v.f64_bits());
    case Expected::Kind::V128: {
      if (t.kind != ValKind::V128) return false;
      const auto bytes = v.v128();
      const size_t width = lane_bytes(e.lane_shape);
      if (e.lanes.size() != 16 / width) return false;
      for (size_t i = 0; i < e.lanes.size(); ++i) {
        if (!match_lane(e.lanes[i], lane_bits(bytes, width, i), width)) return false;
      }
      return true;
    }
    case Expected::Kind::RefNull: return t.is_ref() && v.is_null();
    case Expected::Kind::RefExtern:
    case Expected::Kind::RefHost:
      if (!t.is_ref() || v.is_null()) return false;
      // (ref.extern) matches any non-null externref, an externalized
      // i31/struct/array included.
      if (!e.has_payload) return t.heap.kind == HeapKind::Extern;
      return v.extern_payload() == e.value.bits;
    case Expected::Kind::RefFunc: return !v.is_null() && v.ref_kind() == api::RefKind::Func;
    case Expected::Kind::RefI31: return !v.is_null() && v.ref_kind() == api::RefKind::I31;
    case Expected::Kind::RefStruct: return !v.is_null() && v.ref_kind() == api::RefKind::Struct;
    case Expected::Kind::RefArray: return !v.is_null() && v.ref_kind() == api::RefKind::Array;
    case Expected::Kind::RefExn: return !v.is_null() && v.ref_kind() == api::RefKind::Exception;
    case Expected::Kind::RefEq: {
      const auto k = v.ref_kind();
      return !v.is_null() &&
             (k == api::RefKind::I31 || k == api::RefKind::Struct || k == api::RefKind::Array);
    }
    case Expected::Kind::RefAny: {
      const auto k = v.ref_kind();
      return !v.is_null() && k != api::RefKind::Func && k != api::RefKind::Exception;
    }
    case Expected::Kind::Either:
      for (const Expected& alt : e.alternatives) {
        if (matches(alt, v)) return true;
      }
      return false;
    }
    return false;
  }

  static std::string describe(const std::vector<Value>& values) {
    std::string out = "(";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out += " ";
      out += values[i].to_string();
    }
    return out + ")";
  }

  // A failure passes an assert_{trap,invalid,...} when it comes from the
  // expected stage; a failure from another stage passes only when its
  // message says what the script expects (e.g. a malformed body detected
  // while validating).
  static bool failed_as(const Error& error, ErrorKind kind, const std::string& expected) {
    if (error.kind == kind) return true;
    return !expected.empty() && error.message.find(expected) != std::string::npos;
  }

  std::optional<std::string> check(const Command& c) {
    switch (c.kind) {
    case Command::Kind::AssertReturn: {
      auto r = perform(c.action);
      if (!r.ok()) return "unexpected failure: " + r.error().describe();
      if (r->size() != c.expected.size()) return "wrong result count: got " + describe(*r);
      for (size_t i = 0; i < r->size(); ++i) {
        if (!matches(c.expected[i], (*r)[i])) return "wrong result: got " + describe(*r);
      }
      return std::nullopt;
    }
    case Command::Kind::AssertTrap:
    case Command::Kind::AssertExhaustion:
    case Command::Kind::AssertUninstantiable: {
      Error error;
      if (c.has_module || c.kind == Command::Kind::AssertUninstantiable) {
        auto r = compile_and_instantiate(c.module);
        if (r.ok()) return "expected a trap \"" + c.message + "\", instantiation succeeded";
        error = std::move(r).error();
      } else {
        auto r = perform(c.action);
        if (r.ok()) return "expected a trap \"" + c.message + "\", got " + describe(*r);
        error = std::move(r).error();
      }
      if (error.kind != ErrorKind::Trap) return "expected a trap, got: " + error.describe();
      if (error.message.find(c.message) == std::string::npos) {
        return "expected trap \"" + c.message + "\", got \"" + error.message + "\"";
      }
      return std::nullopt;
    }
    case Command::Kind::AssertException: {
      auto r = perform(c.action);
      if (r.ok()) return "expected an exception, got " + describe(*r);
      if (r.error().kind != ErrorKind::Exception) {
        return "expected an exception, got: " + r.error().describe();
      }
      return std::nullopt;
    }
    case Command::Kind::AssertInvalid:
    case Command::Kind::AssertMalformed: {
      const ErrorKind want =
          c.kind == Command::Kind::AssertInvalid ? ErrorKind::Invalid : ErrorKind::Malformed;
      auto r = compile(c.module);
      // *_custom assertions concern a custom section or annotation; the spec
      // lets an implementation ignore those, so accepting the module is
      // conforming, and a rejection must be for the expected reason.
      if (r.ok() && c.custom) return std::nullopt;
      if (r.ok() && engine_.config().lazy_validation) {
        // Accepted with bodies unchecked: the fault must be in a function
        // body (an error naming the function) that eager validation finds.
        r = compile(c.module, api::Engine());
        if (!r.ok() && r.error().message.find("(in func ") == std::string::npos) {
          return "lazy validation accepted a module whose fault is not in a body: " +
                 r.error().describe();
        }
      }
      if (r.ok()) return "module accepted, expected \"" + c.message + "\"";
      if (!failed_as(r.error(), want, c.message)) {
        return "expected \"" + c.message + "\", got: " + r.error().describe();
      }
      return std::nullopt;
    }
    case Command::Kind::AssertUnlinkable: {
      auto r = compile_and_instantiate(c.module);
      if (r.ok()) return "module linked, expected \"" + c.message + "\"";
      if (!failed_as(r.error(), ErrorKind::Unlinkable, c.message)) {
        return "expected \"" + c.message + "\", got: " + r.error().describe();
      }
      return std::nullopt;
    }
    default: return "unexpected command";
    }
  }

  void assertion(const Command& c) {
    auto failure = check(c);
    if (failure) report(c.line, *failure);
    context_.count(!failure, true);
  }

  ScriptContext& context_;
  const api::Engine& engine_;
  api::Store& store_;
  api::Linker linker_;
  std::optional<api::Instance> current_;
  std::map<std::string, api::Instance> instances_;
  std::map<std::string, api::Module> definitions_;
  std::map<std::string, std::thread> threads_;
};

} // namespace

WastCounts run_wast_file(const std::string& path, uint32_t max_reports,
                         const api::EngineConfig& config) {
  WastCounts counts;
  auto bytes = read_file(path);
  if (!bytes.ok()) {
    cli::report(path, bytes.error());
    counts.failed_commands = 1;
    return counts;
  }
  std::string_view source(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto script = wast::parse_script(source);
  if (!script.ok()) {
    // Every assertion of an unparsable script fails; count them textually.
    cli::report(path, script.error());
    for (size_t at = source.find("(assert_"); at != std::string_view::npos;
         at = source.find("(assert_", at + 1)) {
      ++counts.total;
    }
    counts.failed_commands = 1;
    return counts;
  }
  ScriptContext context(path, max_reports, config);
  {
    ScriptRunner top(context);
    top.run(script->commands);
  } // joins every thread
  return context.counts;
}

} // namespace kite::cli
