// Linker: imports by (module, field) name, and the testsuite's "spectest" module.
#include <algorithm>
#include <cstdio>
#include <string>

#include "kite/kite.h"

namespace kite::api {
namespace {

// The reference interpreter's format: one "<value> : <type>" line per argument.
Status print_values(std::span<const Value> args) {
  for (const Value& v : args) {
    switch (v.type().kind) {
    case ValKind::I32: std::printf("%d : i32\n", v.i32()); break;
    case ValKind::I64: std::printf("%lld : i64\n", static_cast<long long>(v.i64())); break;
    case ValKind::F32: std::printf("%g : f32\n", static_cast<double>(v.f32())); break;
    case ValKind::F64: std::printf("%g : f64\n", v.f64()); break;
    default: std::printf("%s\n", v.to_string().c_str()); break;
    }
  }
  std::fflush(stdout);
  return {};
}

// Where `key` is, or belongs, in the sorted definitions.
template <class Definitions, class Key> auto position_of(Definitions& definitions, const Key& key) {
  return std::lower_bound(definitions.begin(), definitions.end(), key,
                          [](const auto& entry, const Key& k) { return entry.first < k; });
}

} // namespace

void Linker::define(std::string module, std::string name, Extern value) {
  Name key{std::move(module), std::move(name)};
  auto it = position_of(definitions_, key);
  if (it != definitions_.end() && it->first == key)
    it->second = value;
  else
    definitions_.insert(it, {std::move(key), value});
}

void Linker::define_instance(const std::string& module_name, const Instance& instance) {
  for (auto& [name, value] : instance.exports())
    define(module_name, name, value);
}

std::optional<Extern> Linker::get(std::string_view module, std::string_view name) const {
  const Name key{std::string(module), std::string(name)};
  auto it = position_of(definitions_, key);
  if (it == definitions_.end() || it->first != key) return std::nullopt;
  return it->second;
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  std::vector<Extern> imports;
  for (const ImportType& import : module.imports()) {
    auto value = get(import.module, import.name);
    if (!value) {
      Error e{"unknown import \"" + import.module + "\" \"" + import.name + "\""};
      e.kind = ErrorKind::Unlinkable;
      return e;
    }
    imports.push_back(*value);
  }
  return Instance::create(store, module, imports);
}

void Linker::define_spectest(Store& store) {
  auto print = [&](const char* name, std::vector<ValType> params) {
    define("spectest", name,
           Func::host(store, FuncType{std::move(params), {}},
                      [](auto args, auto) { return print_values(args); }));
  };
  print("print", {});
  print("print_i32", {ValType::i32()});
  print("print_i64", {ValType::i64()});
  print("print_f32", {ValType::f32()});
  print("print_f64", {ValType::f64()});
  print("print_i32_f32", {ValType::i32(), ValType::f32()});
  print("print_f64_f64", {ValType::f64(), ValType::f64()});

  auto global = [&](const char* name, Value v) {
    define("spectest", name, *Global::create(store, GlobalType{v.type(), false}, v));
  };
  global("global_i32", Value::i32(666));
  global("global_i64", Value::i64(666));
  global("global_f32", Value::f32(666.6f));
  global("global_f64", Value::f64(666.6));

  auto table = [&](const char* name, bool is64) {
    TableType type{ValType::funcref(), Limits{10, 20, is64, false}};
    define("spectest", name, *Table::create(store, type, Value::null(ValType::funcref())));
  };
  table("table", false);
  table("table64", true);

  auto memory = [&](const char* name, bool shared) {
    MemoryType type{Limits{1, 2, false, shared}, 16};
    auto created = Memory::create(store, type);
    // Only an exhausted address space makes this fail; the import is then
    // reported as unknown when a module asks for it.
    if (created.ok()) define("spectest", name, *created);
  };
  memory("memory", false);
  memory("shared_memory", true);
}

} // namespace kite::api
