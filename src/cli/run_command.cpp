// `kite run [OPTIONS] FILE [ARGS...]`: instantiate a module and run it.
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cli/cli.h"
#include "kite/kite.h"

namespace kite::cli {

namespace {

using api::Value;

constexpr const char* kRunHelp = R"(usage: kite run [OPTIONS] FILE [ARGS...]

Instantiates FILE (.wasm binary or .wat text) and runs it: the export given
by --invoke, called with ARGS parsed by its parameter types, printing each
result on its own line; otherwise the `_start` export, if any.

options (before FILE):
  --invoke NAME   call the exported function NAME
  -h, --help      this text

Integer arguments are decimal or 0x-hex; float arguments are decimal,
hex floats, inf or nan. A trap prints its message and a backtrace and
exits with status 134.
)";

Result<Value> parse_arg(const std::string& text, ValType type) {
  const char* begin = text.c_str();
  const char* end = begin + text.size();
  auto bad = [&] { return Error{"cannot parse '" + text + "' as " + to_string(type)}; };
  switch (type.kind) {
  case ValKind::I32:
  case ValKind::I64: {
    bool neg = false;
    const char* p = begin;
    if (p < end && (*p == '-' || *p == '+')) neg = *p++ == '-';
    int base = 10;
    if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2, base = 16;
    uint64_t v = 0;
    auto [q, ec] = std::from_chars(p, end, v, base);
    if (ec != std::errc() || q != end || p == end) return bad();
    const uint64_t limit = type.kind == ValKind::I32 ? (neg ? 0x80000000u : 0xFFFFFFFFu)
                                                     : (neg ? (uint64_t{1} << 63) : ~uint64_t{0});
    if (v > limit) return bad();
    if (neg) v = 0 - v;
    return type.kind == ValKind::I32 ? Value::i32(static_cast<int32_t>(v))
                                     : Value::i64(static_cast<int64_t>(v));
  }
  case ValKind::F32:
  case ValKind::F64: {
    char* q = nullptr;
    const double d = std::strtod(begin, &q);
    if (q != end || text.empty()) return bad();
    return type.kind == ValKind::F32 ? Value::f32(static_cast<float>(d)) : Value::f64(d);
  }
  default:
    return Error{"arguments of type " + to_string(type) + " cannot be given on the command line"};
  }
}

std::string format_result(const Value& v) {
  char buf[64];
  switch (v.type().kind) {
  case ValKind::I32: std::snprintf(buf, sizeof buf, "%" PRId32, v.i32()); return buf;
  case ValKind::I64: std::snprintf(buf, sizeof buf, "%" PRId64, v.i64()); return buf;
  case ValKind::F32: {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.f32());
    return std::string(buf, p);
  }
  case ValKind::F64: {
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v.f64());
    return std::string(buf, p);
  }
  default: return v.to_string();
  }
}

void print_trap(const std::string& file, const Error& e) {
  std::fprintf(stderr, "kite: %s: trap: %s\n", file.c_str(), e.message.c_str());
  for (size_t i = 0; i < e.backtrace.size(); ++i) {
    std::fprintf(stderr, "  %zu: %s\n", i, e.backtrace[i].c_str());
  }
}

} // namespace

int run_command(const std::vector<std::string>& args) {
  std::string invoke;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kRunHelp, stdout);
      return 0;
    }
    if (a == "--invoke") {
      if (i + 1 >= args.size()) {
        report("run: --invoke needs a function name");
        return 1;
      }
      invoke = args[++i];
      continue;
    }
    if (a.starts_with("--invoke=")) {
      invoke = a.substr(9);
      continue;
    }
    if (a.starts_with("-")) {
      report("run: unknown option '" + a + "' (try `kite run --help`)");
      return 1;
    }
    break;
  }
  if (i >= args.size()) {
    report("run: no module file given (try `kite run --help`)");
    return 1;
  }
  const std::string file = args[i++];
  const std::vector<std::string> guest_args(args.begin() + static_cast<ptrdiff_t>(i), args.end());

  auto bytes = read_file(file);
  if (!bytes.ok()) {
    report(file, bytes.error());
    return 1;
  }
  api::Engine engine;
  api::Store store(engine);
  auto module = api::Module::compile(engine, *bytes);
  if (!module.ok()) {
    report(file, module.error());
    return 1;
  }
  api::Linker linker;
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    if (instance.error().kind == ErrorKind::Trap) {
      print_trap(file, instance.error());
      return 134;
    }
    report(file, instance.error());
    return 1;
  }

  const std::string entry = invoke.empty() ? "_start" : invoke;
  auto func = instance->func(entry);
  if (!func) {
    if (invoke.empty()) return 0; // a module without _start has run (its start function)
    report(file, Error{"no exported function '" + entry + "'"});
    return 1;
  }
  const FuncType& type = func->type();
  if (guest_args.size() != type.params.size()) {
    report(file, Error{"'" + entry + "' takes " + std::to_string(type.params.size()) +
                       " argument(s), " + std::to_string(guest_args.size()) + " given"});
    return 1;
  }
  std::vector<Value> call_args;
  for (size_t k = 0; k < guest_args.size(); ++k) {
    auto v = parse_arg(guest_args[k], type.params[k]);
    if (!v.ok()) {
      report(file, v.error());
      return 1;
    }
    call_args.push_back(*v);
  }
  auto results = func->call(call_args);
  if (!results.ok()) {
    print_trap(file, results.error());
    return 134;
  }
  for (const Value& v : *results)
    std::puts(format_result(v).c_str());
  return 0;
}

} // namespace kite::cli
