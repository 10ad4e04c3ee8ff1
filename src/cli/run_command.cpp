// `kite run [OPTIONS] FILE [ARGS...]`: instantiate a module and run it.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <unistd.h>

#include "cache/module_cache.h"
#include "cli/cli.h"
#include "kite/kite.h"
#include "kite/wasi.h"
#include "support/float_text.h"
#include "support/phase_timer.h"

namespace kite::cli {

namespace {

using api::Value;

// `kite run --help`, in parts: a build says only what it has (its WASI, the
// text format, the module cache).
constexpr const char* kRunHelpUsage = R"(usage: kite run [OPTIONS] FILE [ARGS...]

)";
constexpr const char* kRunHelpIntro =
    KITE_WASI_FULL ? R"(Instantiates FILE (.wasm binary or .wat text) with WASI preview 1
(wasi_snapshot_preview1), snapshot 0 (wasi_unstable) and wasi-threads
(a program's threads run on OS threads; proc_exit or a trap in any thread
ends it) and runs it:
)"
                   : R"(Instantiates FILE (a .wasm binary) with WASI preview 1's fd_write and
proc_exit (wasi_snapshot_preview1; this kite is built with no more of WASI)
and runs it:
)";
constexpr const char* kRunHelpCommand =
    R"(  - a command: its `_start` export, with ARGS as the guest's argv[1..]
    (argv[0] is FILE as given);
  - with --invoke NAME: `_initialize` first if exported (reactors), then
    the export NAME, called with ARGS parsed by its parameter types; each
    result is printed on its own line.

options (before FILE):
)";
constexpr const char* kRunHelpWasi =
    R"(  --dir HOST[::GUEST]   preopen host directory HOST, visible to the guest
                        as GUEST (default: HOST as given); repeatable.
                        No path can leave it (.., absolute paths and
                        symlinks pointing out fail with EPERM).
  --env NAME=VALUE      set a guest environment variable; repeatable
  --env NAME            pass the host's value of NAME, if set
  --inherit-env         pass the whole host environment (before --env)
  --tcplisten HOST:PORT listen on a TCP socket, preopened after the
                        directories; the guest uses sock_accept on it
)";
constexpr const char* kRunHelpOptions = R"(  --invoke NAME         call the exported function NAME
  --lazy-validation     validate each function body when it is first
                        called, not before the module starts: start-up
                        no longer grows with the code size, but an
                        invalid body is only found (as a trap) when its
                        function runs, after the program may have acted
  --max-memory SIZE     cap all the guest's memories, tables and GC heap together
                        at SIZE bytes (suffix K, M, G or T: KiB ... TiB;
                        without it one memory64 may grow to 1 TiB);
                        memory.grow past it returns -1, a GC allocation
                        traps (out of memory: GC heap limit), a module
                        that needs more at start fails to instantiate
  --no-guard-pages      bounds-check memory accesses explicitly instead of
                        reserving 8 GiB of guard pages per memory (slower;
                        for valgrind and hosts short of address space)
  --fuel N              stop the guest (trap "all fuel consumed") after
                        about N wasm instructions (code is translated with
                        a check at every loop head and function entry)
  --timeout DURATION    stop the guest (trap "interrupted") after DURATION
                        of wall time: 10s, 500ms, 2m, 100us, or seconds;
                        checked where --fuel is (a host call in progress,
                        such as a blocking read, finishes first)
)";
constexpr const char* kRunHelpCache =
    R"(  --cache DIR           keep the module cache in DIR (default: KITE_CACHE
                        if set, else $XDG_CACHE_HOME/kite or ~/.cache/kite).
                        It records that a module's bytes validated, so the
                        next run of the same bytes skips validating the
                        function bodies with the same guarantee
  --no-cache            use no module cache (also KITE_CACHE=off)
)";
constexpr const char* kRunHelpEnd =
    R"(  --timings             print to stderr how long each start-up phase took
                        (read, decode, validate, instantiate; the time to
                        the first instruction; total); also KITE_TIMINGS=1
  --trap-unknown-imports
                        link each function import that nothing provides to
                        a function that traps, naming the import, when it
                        is called (instead of failing to link)
  -h, --help            this text

Exit status: the guest's exit code (proc_exit, 0 when `_start` returns).
A trap prints its message and a backtrace and exits with status 134.
Errors (unknown option, missing file, a --dir that does not exist, a
module that fails to load or link) print one line and exit with status 1.
Integer arguments to --invoke are decimal or 0x-hex; float arguments are
decimal, hex floats, inf or nan.
)";

// The digits in `base` (10 or 16) at the start of [p, end) into `*out`:
// where they end, or null when there is none or the number passes 64 bits.
// No sign, space or prefix is taken (as std::from_chars, whose tables and
// per-base code a build for size would link for these few numbers).
const char* parse_digits(const char* p, const char* end, int base, uint64_t* out) {
  const char* start = p;
  uint64_t v = 0;
  for (; p < end; ++p) {
    const char c = *p;
    unsigned d = c >= '0' && c <= '9'   ? unsigned(c - '0')
                 : c >= 'a' && c <= 'f' ? unsigned(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? unsigned(c - 'A' + 10)
                                        : 99;
    if (d >= unsigned(base)) break;
    if (v > (~uint64_t{0} - d) / unsigned(base)) return nullptr;
    v = v * unsigned(base) + d;
  }
  if (p == start) return nullptr;
  *out = v;
  return p;
}

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
    if (parse_digits(p, end, base, &v) != end) return bad();
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
  case ValKind::F32: return shortest_text(v.f32());
  case ValKind::F64: return shortest_text(v.f64());
  default: return v.to_string();
  }
}

// The parsed command line of `kite run`.
struct RunOptions {
  std::string invoke;
  bool inherit_env = false;
  bool lazy_validation = false;
  bool guard_pages = true;
  uint64_t max_memory = ~uint64_t{0};
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::nanoseconds> timeout;
  bool trap_unknown_imports = false;
  bool timings = false;
  std::optional<std::string> cache_dir; // empty: no cache
  std::vector<std::string> env;
  std::vector<wasi::Preopen> preopens;
  std::vector<std::string> tcp_listen;
  std::string file;
  std::vector<std::string> guest_args;
};

// "64M" -> 64 MiB; plain numbers are bytes.
std::optional<uint64_t> parse_size(const std::string& text) {
  uint64_t value = 0;
  const char* end = parse_digits(text.data(), text.data() + text.size(), 10, &value);
  if (!end) return std::nullopt;
  const std::string suffix(end, text.data() + text.size());
  int shift = 0;
  if (suffix == "K" || suffix == "k")
    shift = 10;
  else if (suffix == "M" || suffix == "m")
    shift = 20;
  else if (suffix == "G" || suffix == "g")
    shift = 30;
  else if (suffix == "T" || suffix == "t")
    shift = 40;
  else if (!suffix.empty())
    return std::nullopt;
  if (value > (~uint64_t{0} >> shift)) return std::nullopt;
  return value << shift;
}

// "500ms" -> 500 ms; units ns, us, ms, s, m, h; a plain number is seconds.
std::optional<std::chrono::nanoseconds> parse_duration(const std::string& text) {
  uint64_t value = 0;
  const char* end = parse_digits(text.data(), text.data() + text.size(), 10, &value);
  if (!end) return std::nullopt;
  const std::string unit(end, text.data() + text.size());
  static constexpr std::pair<const char*, uint64_t> kUnits[] = {
      {"ns", 1},           {"us", 1'000},         {"ms", 1'000'000},       {"s", 1'000'000'000},
      {"", 1'000'000'000}, {"m", 60'000'000'000}, {"h", 3'600'000'000'000}};
  for (const auto& [name, ns] : kUnits)
    if (unit == name) {
      if (value > INT64_MAX / ns) return std::nullopt;
      return std::chrono::nanoseconds(static_cast<int64_t>(value * ns));
    }
  return std::nullopt;
}

// Parses OPTIONS FILE ARGS; returns an exit status when the command is done
// (help, or an error already reported).
std::optional<int> parse_options(const std::vector<std::string>& args, RunOptions* opts) {
  size_t i = 0;
  // Accepts "--name VALUE" and "--name=VALUE".
  auto value_of = [&](const std::string& a, const char* name, std::string* out) -> int {
    const size_t n = std::strlen(name);
    if (a == name) {
      if (i + 1 >= args.size()) {
        report(std::string("run: ") + name + " needs a value (try `kite run --help`)");
        return -1;
      }
      *out = args[++i];
      return 1;
    }
    if (a.size() > n && a.compare(0, n, name) == 0 && a[n] == '=') {
      *out = a.substr(n + 1);
      return 1;
    }
    return 0;
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      for (const char* part :
           {kRunHelpUsage, kRunHelpIntro, kRunHelpCommand, KITE_WASI_FULL ? kRunHelpWasi : "",
            kRunHelpOptions, KITE_CACHE ? kRunHelpCache : "", kRunHelpEnd})
        std::fputs(part, stdout);
      return 0;
    }
    // A build with the minimal WASI has no directories, environment or
    // sockets to give the guest: those options are unknown to it.
    if (KITE_WASI_FULL && a == "--inherit-env") {
      opts->inherit_env = true;
      continue;
    }
    if (a == "--lazy-validation") {
      opts->lazy_validation = true;
      continue;
    }
    if (a == "--no-guard-pages") {
      opts->guard_pages = false;
      continue;
    }
    if (a == "--trap-unknown-imports") {
      opts->trap_unknown_imports = true;
      continue;
    }
    if (a == "--timings") {
      opts->timings = true;
      continue;
    }
    if (a == "--no-cache") {
      opts->cache_dir = "";
      continue;
    }
    if (a == "--") {
      ++i;
      break;
    }
    std::string v;
    int r;
    if ((r = value_of(a, "--invoke", &v)) != 0) {
      if (r < 0) return 1;
      opts->invoke = v;
    } else if (KITE_WASI_FULL && (r = value_of(a, "--env", &v)) != 0) {
      if (r < 0) return 1;
      if (v.find('=') == std::string::npos) {
        // "--env NAME": the host's value, if it has one.
        if (const char* host = std::getenv(v.c_str())) opts->env.push_back(v + "=" + host);
      } else {
        opts->env.push_back(v);
      }
    } else if (KITE_WASI_FULL && (r = value_of(a, "--dir", &v)) != 0) {
      if (r < 0) return 1;
      const size_t sep = v.find("::");
      if (sep == std::string::npos)
        opts->preopens.push_back({v, v});
      else
        opts->preopens.push_back({v.substr(0, sep), v.substr(sep + 2)});
    } else if ((r = value_of(a, "--max-memory", &v)) != 0) {
      if (r < 0) return 1;
      auto size = parse_size(v);
      if (!size) {
        report("run: --max-memory takes a size such as 512M or 2G, not '" + v + "'");
        return 1;
      }
      opts->max_memory = *size;
    } else if ((r = value_of(a, "--fuel", &v)) != 0) {
      if (r < 0) return 1;
      uint64_t fuel = 0;
      if (parse_digits(v.data(), v.data() + v.size(), 10, &fuel) != v.data() + v.size()) {
        report("run: --fuel takes a number of instructions, not '" + v + "'");
        return 1;
      }
      opts->fuel = fuel;
    } else if ((r = value_of(a, "--timeout", &v)) != 0) {
      if (r < 0) return 1;
      auto timeout = parse_duration(v);
      if (!timeout || timeout->count() == 0) {
        report("run: --timeout takes a duration such as 10s or 500ms, not '" + v + "'");
        return 1;
      }
      opts->timeout = *timeout;
    } else if ((r = value_of(a, "--cache", &v)) != 0) {
      if (r < 0) return 1;
      if (v.empty()) {
        report("run: --cache takes a directory (--no-cache turns the cache off)");
        return 1;
      }
      opts->cache_dir = v;
    } else if (KITE_WASI_FULL && (r = value_of(a, "--tcplisten", &v)) != 0) {
      if (r < 0) return 1;
      opts->tcp_listen.push_back(v);
    } else if (a.starts_with("-")) {
      report("run: unknown option '" + a + "' (try `kite run --help`)");
      return 1;
    } else {
      break;
    }
  }
  if (i >= args.size()) {
    report("run: no module file given (try `kite run --help`)");
    return 1;
  }
  opts->file = args[i++];
  opts->guest_args.assign(args.begin() + static_cast<ptrdiff_t>(i), args.end());
  return std::nullopt;
}

// The module cache without --cache/--no-cache: KITE_CACHE (a directory, or
// "off"/"0"), else the per-user default.
std::string default_cache_dir() {
  if (const char* env = std::getenv("KITE_CACHE"); env && *env) {
    const std::string v = env;
    return v == "off" || v == "0" ? "" : v;
  }
  if constexpr (KITE_CACHE) return cache::ModuleCache::default_dir();
  return ""; // no module cache built in
}

// --trap-unknown-imports: every function import the linker lacks becomes a
// host function that traps, naming it, when called. (Imports whose types
// name the module's own types cannot be host functions; they still fail to
// link.)
void define_trapping_imports(api::Linker& linker, api::Store& store, const api::Module& module) {
  auto concrete = [](const std::vector<ValType>& types) {
    return std::any_of(types.begin(), types.end(),
                       [](ValType t) { return t.is_ref() && t.heap.is_index(); });
  };
  for (const api::ImportType& import : module.imports()) {
    if (import.type.kind != ExternKind::Func || linker.get(import.module, import.name)) continue;
    if (concrete(import.type.func.params) || concrete(import.type.func.results)) continue;
    const std::string message = "called unknown import " + import.module + "." + import.name;
    linker.define(import.module, import.name,
                  api::Func::host(store, import.type.func,
                                  [message](auto, auto) -> Status { return Error{message}; }));
  }
}

// Calls `name` with command-line arguments parsed by its signature and
// prints the results.
int invoke_export(const std::string& file, const api::Instance& instance, const std::string& name,
                  const std::vector<std::string>& guest_args, wasi::Wasi& host) {
  auto func = instance.func(name);
  if (!func) {
    report(file, Error{"no exported function '" + name + "'"});
    return 1;
  }
  const FuncType& type = func->type();
  if (guest_args.size() != type.params.size()) {
    report(file, Error{"'" + name + "' takes " + std::to_string(type.params.size()) +
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
    if (auto code = host.exit_code()) return static_cast<int>(*code);
    print_trap(file, results.error());
    return 134;
  }
  for (const Value& v : *results)
    std::puts(format_result(v).c_str());
  std::fflush(stdout);
  return 0;
}

// Ends the process once the guest has run. Threads the guest spawned end
// with it, so static destructors must not run under them.
[[noreturn]] void exit_program(int status, const wasi::Wasi& host) {
  if (host.threads_spawned() == 0) std::exit(status);
  phase_timer::print_now();
  std::fflush(nullptr);
  std::_Exit(status);
}

} // namespace

int run_command(const std::vector<std::string>& args) {
  RunOptions opts;
  if (auto done = parse_options(args, &opts)) return *done;
  const std::string& file = opts.file;
  if (const char* t = std::getenv("KITE_TIMINGS"); opts.timings || (t && *t && std::strcmp(t, "0")))
    phase_timer::enable();

  api::EngineConfig engine_config;
  engine_config.lazy_validation = opts.lazy_validation;
  engine_config.guard_pages = opts.guard_pages;
  engine_config.max_total_bytes = opts.max_memory;
  // One memory64 may then use all of it, also past the default 1 TiB.
  if (opts.max_memory != ~uint64_t{0}) {
    engine_config.max_memory_bytes = std::max(engine_config.max_memory_bytes, opts.max_memory);
  }
  engine_config.consume_fuel = opts.fuel.has_value();
  engine_config.interruptible = opts.timeout.has_value();
  engine_config.cache_dir = opts.cache_dir ? *opts.cache_dir : default_cache_dir();
  api::Engine engine(engine_config);
  api::Store store(engine);
  if (opts.fuel) (void)store.set_fuel(*opts.fuel);          // on: consume_fuel
  if (opts.timeout) {
    if (Status s = store.set_timeout(*opts.timeout); !s.ok()) { // interruptible is on
      report("run: --timeout: " + s.error().message);
      return 1;
    }
  }
  auto module = compile_file(engine, file);
  if (!module.ok()) {
    report(file, module.error());
    return 1;
  }

  wasi::Config config;
  config.args.push_back(file);
  config.args.insert(config.args.end(), opts.guest_args.begin(), opts.guest_args.end());
  if (opts.inherit_env)
    for (char** e = environ; *e; ++e)
      config.env.emplace_back(*e);
  config.env.insert(config.env.end(), opts.env.begin(), opts.env.end());
  config.preopens = std::move(opts.preopens);
  config.tcp_listen = std::move(opts.tcp_listen);
  auto wasi = wasi::Wasi::create(std::move(config));
  if (!wasi.ok()) {
    report("run: " + wasi.error().message);
    return 1;
  }
  // A guest writing to a closed pipe or socket gets EPIPE, not a dead host.
  std::signal(SIGPIPE, SIG_IGN);

  api::Linker linker;
  (*wasi)->define(linker, store);
  if (opts.trap_unknown_imports) define_trapping_imports(linker, store, *module);
  // wasi-threads: a trap in a spawned thread is reported like one in _start.
  // (A build without it has no thread-spawn to import: the link says so.)
  if constexpr (KITE_THREADS && KITE_WASI_FULL) {
    auto threads =
        (*wasi)->enable_threads(*module, linker, store, [&file](uint32_t, const Error* trap) {
          if (trap) print_trap(file, *trap);
          phase_timer::print_now(); // the process ends without its exit handlers
        });
    if (!threads.ok()) {
      report(file, threads.error());
      return 1;
    }
  }
  phase_timer::mark("wasi");
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    if (auto code = (*wasi)->exit_code()) return static_cast<int>(*code);
    if (instance.error().kind == ErrorKind::Trap) {
      print_trap(file, instance.error());
      return 134;
    }
    report(file, instance.error());
    return 1;
  }

  phase_timer::ready("instantiate");

  // Once the guest has run, the process exits from here without tearing
  // down the module, store and instance: freeing a big module's structures
  // and unmapping its memories took milliseconds of a short run. std::exit
  // still flushes stdio and runs static destructors.
  if (opts.invoke.empty() && instance->func("_start")) {
    auto status = (*wasi)->run_start(*instance);
    if (!status.ok()) print_trap(file, status.error());
    exit_program(status.ok() ? static_cast<int>(*status) : 134, **wasi);
  }
  // A reactor is initialised before any of its exports is used.
  if (auto init = instance->func("_initialize")) {
    auto r = init->call({});
    if (!r.ok()) {
      if (auto code = (*wasi)->exit_code()) return static_cast<int>(*code);
      print_trap(file, r.error());
      return 134;
    }
  }
  if (opts.invoke.empty()) return 0; // no _start: instantiating was the run
  exit_program(invoke_export(file, *instance, opts.invoke, opts.guest_args, **wasi), **wasi);
}

} // namespace kite::cli
