// Evaluates JavaScript files in QuickJS (the npm package quickjs-wasi: a WASI
// reactor exposing a C-style API) through kite's C++ embedding API.
//
//   qjs_eval QUICKJS.wasm FILE.js...
//
// Prints, per file (a fresh instance each, so programs cannot see each
// other):
//   == NAME
//   String(completion value)      or   exception: String(thrown value)
// which is what node-eval.mjs prints for the same files under Node.
//
// The calling convention is the one of the package's JS glue (dist/index.js):
// `_initialize`, then `qjs_init`; JS values are i32 handles (pointers to
// heap-allocated JSValues) freed with `qjs_free_value`; strings go in through
// `wasm_malloc` + `qjs_eval(code, len, filename, flags)` and come out through
// `qjs_get_string_len(value, &len)` + `qjs_free_cstring`. The `env` imports
// are the host hooks the glue provides (timezone, interrupts, promise
// rejections, module loading, host functions); this driver uses none of those
// features, so they answer "UTC", "no interrupt", "no module", and a host call
// (impossible without registered host functions) traps.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "kite/kite.h"
#include "kite/wasi.h"

namespace api = kite::api;
using kite::Error;
using kite::FuncType;
using kite::Result;
using kite::Status;
using kite::ValType;

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

FuncType sig(size_t params, size_t results) {
  return FuncType{std::vector<ValType>(params, ValType::i32()),
                  std::vector<ValType>(results, ValType::i32())};
}

// The `env` hooks of quickjs.wasm (see dist/index.js, QuickJS.instantiate).
void define_env(api::Linker& linker, api::Store& store) {
  auto constant = [&](const char* name, size_t params, int32_t value) {
    linker.define("env", name,
                  api::Func::host(store, sig(params, 1),
                                  [value](std::span<const api::Value>, std::span<api::Value> r) {
                                    r[0] = api::Value::i32(value);
                                    return Status();
                                  }));
  };
  constant("host_get_timezone_offset", 2, 0); // (time hi, lo) -> UTC offset in seconds
  constant("host_interrupt", 0, 0);           // 0 = keep running
  constant("host_module_normalize", 2, 0);    // NULL: no module loader installed
  constant("host_module_load", 2, 0);
  linker.define(
      "env", "host_promise_rejection",
      api::Func::host(store, sig(3, 0), [](std::span<const api::Value>, std::span<api::Value>) {
        return Status(); // unhandled rejections are not reported
      }));
  linker.define("env", "host_call",
                api::Func::host(store, sig(5, 1),
                                [](std::span<const api::Value>, std::span<api::Value>) -> Status {
                                  return Error{"host_call: no host functions are registered"};
                                }));
}

// One QuickJS VM: an instance of quickjs.wasm with its runtime and context.
class QuickJs {
public:
  static Result<QuickJs> create(api::Store& store, const api::Module& module) {
    auto wasi = kite::wasi::Wasi::create(kite::wasi::Config{{"quickjs.wasm"}, {}, {}, {}});
    if (!wasi.ok()) return wasi.error();
    api::Linker linker;
    (*wasi)->define(linker, store);
    define_env(linker, store);
    auto instance = linker.instantiate(store, module);
    if (!instance.ok()) return instance.error();
    QuickJs vm(*wasi, *instance);
    if (auto r = vm.call("_initialize", {}); !r.ok()) return r.error();
    auto init = vm.call("qjs_init", {});
    if (!init.ok()) return init.error();
    if (*init != 0) return Error{"qjs_init failed"};
    return vm;
  }

  // Evaluates `code` as a global script; returns the completion value
  // converted to a string, or "exception: " and the thrown value as a string.
  Result<std::string> eval(const std::string& code, const std::string& filename) {
    auto code_ptr = write_string(code);
    if (!code_ptr.ok()) return code_ptr.error();
    auto name_ptr = write_string(filename);
    if (!name_ptr.ok()) return name_ptr.error();
    auto value = call("qjs_eval", {*code_ptr, static_cast<int32_t>(code.size()), *name_ptr, 0});
    if (!value.ok()) return value.error();
    for (int32_t p : {*code_ptr, *name_ptr})
      if (auto r = call("wasm_free", {p}); !r.ok()) return r.error();
    auto is_exception = call("qjs_is_exception", {*value});
    if (!is_exception.ok()) return is_exception.error();
    std::string prefix;
    if (*is_exception) {
      if (auto r = call("qjs_free_value", {*value}); !r.ok()) return r.error();
      value = call("qjs_get_exception", {});
      if (!value.ok()) return value.error();
      prefix = "exception: ";
    }
    auto text = to_string(*value);
    if (auto r = call("qjs_free_value", {*value}); !r.ok()) return r.error();
    if (!text.ok()) return text.error();
    return prefix + *text;
  }

private:
  QuickJs(std::shared_ptr<kite::wasi::Wasi> wasi, api::Instance instance)
      : wasi_(std::move(wasi)), instance_(instance), memory_(*instance.memory("memory")) {}

  // Calls an export taking and returning i32s; returns its result (0 if none).
  Result<int32_t> call(const char* name, std::initializer_list<int32_t> args) {
    auto fn = instance_.func(name);
    if (!fn) return Error{std::string("quickjs.wasm has no export ") + name};
    std::vector<api::Value> values;
    for (int32_t a : args)
      values.push_back(api::Value::i32(a));
    auto results = fn->call(values);
    if (!results.ok()) {
      Error e = results.error();
      e.message = std::string(name) + ": " + e.message;
      return e;
    }
    return results->empty() ? 0 : (*results)[0].i32();
  }

  // Copies `s` into guest memory, NUL-terminated; the caller frees it.
  Result<int32_t> write_string(const std::string& s) {
    auto ptr = call("wasm_malloc", {static_cast<int32_t>(s.size() + 1)});
    if (!ptr.ok()) return ptr.error();
    if (*ptr == 0) return Error{"wasm_malloc failed"};
    std::vector<uint8_t> bytes(s.begin(), s.end());
    bytes.push_back(0);
    if (auto r = memory_.write(static_cast<uint32_t>(*ptr), bytes); !r.ok()) return r.error();
    return ptr;
  }

  // String(value), as the glue's JSValueHandle.toString() does it.
  Result<std::string> to_string(int32_t value) {
    auto len_ptr = call("wasm_malloc", {4});
    if (!len_ptr.ok()) return len_ptr.error();
    if (*len_ptr == 0) return Error{"wasm_malloc failed"};
    auto cstr = call("qjs_get_string_len", {value, *len_ptr});
    if (!cstr.ok()) return cstr.error();
    std::string out = "<null>"; // the glue's answer when the conversion throws
    if (*cstr != 0) {
      uint8_t len_bytes[4];
      if (auto r = memory_.read(static_cast<uint32_t>(*len_ptr), len_bytes); !r.ok())
        return r.error();
      uint32_t len;
      std::memcpy(&len, len_bytes, 4); // wasm is little-endian, as is every host kite runs on
      out.assign(len, '\0');
      if (auto r = memory_.read(static_cast<uint32_t>(*cstr),
                                std::span(reinterpret_cast<uint8_t*>(out.data()), len));
          !r.ok())
        return r.error();
      if (auto r = call("qjs_free_cstring", {*cstr}); !r.ok()) return r.error();
    }
    if (auto r = call("wasm_free", {*len_ptr}); !r.ok()) return r.error();
    return out;
  }

  std::shared_ptr<kite::wasi::Wasi> wasi_;
  api::Instance instance_;
  api::Memory memory_;
};

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s QUICKJS.wasm FILE.js...\n", argv[0]);
    return 2;
  }
  std::vector<uint8_t> wasm = read_file(argv[1]);
  if (wasm.empty()) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  api::Engine engine;
  auto module = api::Module::compile(engine, wasm);
  if (!module.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], module.error().describe().c_str());
    return 1;
  }
  for (int i = 2; i < argc; ++i) {
    std::vector<uint8_t> source = read_file(argv[i]);
    api::Store store(engine);
    auto vm = QuickJs::create(store, *module);
    if (!vm.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[1], vm.error().describe().c_str());
      return 1;
    }
    auto result = vm->eval(std::string(source.begin(), source.end()), file_name(argv[i]));
    if (!result.ok()) { // a trap in QuickJS itself, not a JS exception
      std::fprintf(stderr, "%s: %s\n", argv[i], result.error().describe().c_str());
      for (const auto& frame : result.error().backtrace)
        std::fprintf(stderr, "  at %s\n", frame.c_str());
      return 1;
    }
    std::printf("== %s\n", file_name(argv[i]).c_str());
    std::fwrite(result->data(), 1, result->size(), stdout); // may hold NULs
    std::putchar('\n');
  }
  return 0;
}
