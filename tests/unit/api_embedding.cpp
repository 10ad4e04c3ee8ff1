// The C++ embedding API: values, host objects, module compilation, linking
// (including the spectest module), instantiation errors by stage.
#include <gtest/gtest.h>

#include <string>

#include "kite/kite.h"

namespace kite::api {
namespace {

// Binary module assembly: a section is its id, its size, its contents.
using Bytes = std::vector<uint8_t>;

void append_section(Bytes& module, uint8_t id, Bytes contents) {
  module.push_back(id);
  module.push_back(static_cast<uint8_t>(contents.size())); // < 128 in these tests
  module.insert(module.end(), contents.begin(), contents.end());
}

Bytes name(std::string_view s) {
  Bytes b{static_cast<uint8_t>(s.size())};
  b.insert(b.end(), s.begin(), s.end());
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes& p : parts)
    all.insert(all.end(), p.begin(), p.end());
  return all;
}

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

// (module
//   (type (func (param i32)))
//   (import "env" "f" (func (type 0)))
//   (import "spectest" "global_i32" (global i32))
//   (memory 1 2)
//   (global (mut i32) (global.get 0))
//   (export "mem" (memory 0)) (export "g" (global 1)) (export "f" (func 0))
//   (data (i32.const <data_offset>) "hi"))
// `data_offset` is the signed LEB128 encoding of the data segment's offset.
Bytes sample_module(Bytes data_offset = {0x08}) {
  Bytes m = kHeader;
  append_section(m, 1, {0x01, 0x60, 0x01, 0x7f, 0x00});
  append_section(m, 2,
                 cat({{0x02},
                      name("env"),
                      name("f"),
                      {0x00, 0x00},
                      name("spectest"),
                      name("global_i32"),
                      {0x03, 0x7f, 0x00}}));
  append_section(m, 5, {0x01, 0x01, 0x01, 0x02});
  append_section(m, 6, {0x01, 0x7f, 0x01, 0x23, 0x00, 0x0b});
  append_section(
      m, 7,
      cat({{0x03}, name("mem"), {0x02, 0x00}, name("g"), {0x03, 0x01}, name("f"), {0x00, 0x00}}));
  append_section(m, 11, cat({{0x01, 0x00, 0x41}, data_offset, {0x0b, 0x02, 'h', 'i'}}));
  return m;
}

TEST(ApiValue, NumbersAndVectors) {
  EXPECT_EQ(Value::i32(-5).i32(), -5);
  EXPECT_EQ(Value::i64(-5).i64(), -5);
  EXPECT_EQ(Value::f32(1.5f).f32(), 1.5f);
  EXPECT_EQ(Value::f64(-2.25).f64(), -2.25);
  EXPECT_EQ(Value::f32_bits(0x7fc00001).f32_bits(), 0x7fc00001u);
  std::array<uint8_t, 16> bytes{};
  for (uint8_t i = 0; i < 16; ++i)
    bytes[i] = i;
  Value v = Value::v128(bytes);
  EXPECT_EQ(v.v128(), bytes);
  uint64_t slots[2];
  v.to_slots(slots);
  EXPECT_EQ(Value::from_slots(ValType::v128(), slots).v128(), bytes);
  EXPECT_EQ(Value::i32(42).to_string(), "i32:42");
}

TEST(ApiValue, References) {
  Engine engine;
  Store store(engine);
  Value null = Value::null(ValType::externref());
  EXPECT_TRUE(null.is_null());
  EXPECT_EQ(null.ref_kind(), RefKind::Null);
  Value a = Value::externref(store, 7);
  EXPECT_EQ(a.ref_kind(), RefKind::Extern);
  EXPECT_EQ(a.extern_payload(), 7u);
  EXPECT_EQ(a.ref(), Value::externref(store, 7).ref()); // one box per payload
  EXPECT_NE(a.ref(), Value::externref(store, 8).ref());
  Func f = Func::host(store, FuncType{}, [](auto, auto) { return Status{}; });
  Value fr = Value::funcref(f);
  EXPECT_EQ(fr.ref_kind(), RefKind::Func);
  EXPECT_EQ(fr.func(), f);
  EXPECT_FALSE(fr.extern_payload());
  EXPECT_EQ(
      Value::ref(ValType::ref(HeapType::abstract(HeapKind::I31), false), (5 << 1) | 1).ref_kind(),
      RefKind::I31);
}

TEST(ApiObjects, HostMemoryGlobalTable) {
  Engine engine;
  Store store(engine);
  auto memory = Memory::create(store, MemoryType{Limits{1, 3, false, false}, 16});
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->size_pages(), 1u);
  EXPECT_EQ(memory->page_size(), 65536u);
  const uint8_t in[] = {1, 2, 3};
  ASSERT_TRUE(memory->write(65533, in).ok());
  EXPECT_EQ(memory->write(65534, in).error().kind, ErrorKind::Trap);
  EXPECT_EQ(*memory->grow(2), 1u);
  EXPECT_FALSE(memory->grow(1).ok());
  uint8_t out[3];
  ASSERT_TRUE(memory->read(65533, out).ok());
  EXPECT_EQ(out[2], 3);
  EXPECT_EQ(memory->data()[65535], 3);

  auto global = Global::create(store, GlobalType{ValType::i64(), true}, Value::i64(1));
  ASSERT_TRUE(global.ok());
  ASSERT_TRUE(global->set(Value::i64(9)).ok());
  EXPECT_EQ(global->get().i64(), 9);
  EXPECT_FALSE(global->set(Value::i32(9)).ok());
  auto constant = Global::create(store, GlobalType{ValType::i32(), false}, Value::i32(1));
  EXPECT_FALSE(constant->set(Value::i32(2)).ok());
  EXPECT_FALSE(Global::create(store, GlobalType{ValType::i32(), false}, Value::f32(1)).ok());

  auto table = Table::create(store, TableType{ValType::externref(), Limits{2, 4, false, false}},
                             Value::null(ValType::externref()));
  ASSERT_TRUE(table.ok());
  ASSERT_TRUE(table->set(1, Value::externref(store, 3)).ok());
  EXPECT_EQ(table->get(1)->extern_payload(), 3u);
  EXPECT_TRUE(table->get(0)->is_null());
  EXPECT_EQ(table->get(2).error().kind, ErrorKind::Trap);
  EXPECT_EQ(*table->grow(2, Value::null(ValType::externref())), 2u);
  EXPECT_FALSE(table->grow(1, Value::null(ValType::externref())).ok());
  EXPECT_FALSE(table->set(0, Value::i32(0)).ok());
}

TEST(ApiModule, CompileListsImportsAndExports) {
  Engine engine;
  auto module = Module::compile(engine, sample_module());
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto imports = module->imports();
  ASSERT_EQ(imports.size(), 2u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "f");
  EXPECT_EQ(imports[0].type.kind, ExternKind::Func);
  EXPECT_EQ(imports[0].type.func, (FuncType{{ValType::i32()}, {}}));
  EXPECT_EQ(imports[1].type.kind, ExternKind::Global);
  EXPECT_EQ(imports[1].type.global.type, ValType::i32());
  auto exports = module->exports();
  ASSERT_EQ(exports.size(), 3u);
  EXPECT_EQ(exports[0].name, "mem");
  EXPECT_EQ(exports[0].type.memory.limits.max, 2u);
  EXPECT_EQ(exports[1].type.global.mut, true);
  EXPECT_EQ(extern_kind_name(exports[2].type.kind), "func");
}

TEST(ApiModule, MalformedBinaryIsMalformed) {
  Engine engine;
  Bytes truncated = sample_module();
  truncated.resize(truncated.size() - 3);
  auto module = Module::compile(engine, truncated);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.error().kind, ErrorKind::Malformed);
}

TEST(ApiModule, TextModulesAndStageErrors) {
  Engine engine;
  auto text = Module::compile(engine, std::string_view(R"((module
      (memory (export "m") 1 2)
      (global (export "answer") i32 (i32.const 42))))"));
  ASSERT_TRUE(text.ok()) << text.error().describe();
  Store store(engine);
  auto instance = Instance::create(store, *text, {});
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  EXPECT_EQ(instance->global("answer")->get().i32(), 42);
  EXPECT_EQ(instance->memory("m")->size_pages(), 1u);

  auto syntax = Module::compile(engine, std::string_view("(module (func (i32.const)"));
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().kind, ErrorKind::Malformed);
  auto invalid = Module::compile(engine, std::string_view("(module (export \"f\" (func 3)))"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().kind, ErrorKind::Invalid);
}

TEST(ApiLinker, InstantiateWithSpectestAndHostFunction) {
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, sample_module());
  ASSERT_TRUE(module.ok()) << module.error().describe();

  Linker linker;
  linker.define_spectest(store);
  int32_t received = 0;
  Func host = Func::host(store, FuncType{{ValType::i32()}, {}}, [&](auto args, auto) {
    received = args[0].i32();
    return Status{};
  });
  linker.define("env", "f", host);
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();

  EXPECT_EQ(instance->global("g")->get().i32(), 666);
  auto memory = instance->memory("mem");
  ASSERT_TRUE(memory);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory->data()) + 8, 2), "hi");
  EXPECT_FALSE(instance->memory("g"));
  EXPECT_FALSE(instance->get("nothing"));
  auto f = instance->func("f");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, host); // a re-exported import is the same function
  auto results = f->call({Value::i32(5)});
  ASSERT_TRUE(results.ok()) << results.error().message;
  EXPECT_TRUE(results->empty());
  EXPECT_EQ(received, 5);
  EXPECT_FALSE(f->call({Value::i64(5)}).ok());
  ASSERT_EQ(instance->exports().size(), 3u);

  // register: the instance's exports become importable.
  linker.define_instance("M", *instance);
  EXPECT_EQ(std::get<Memory>(*linker.get("M", "mem")), *memory);
  EXPECT_TRUE(std::holds_alternative<Table>(*linker.get("spectest", "table")));
  EXPECT_TRUE(std::holds_alternative<Table>(*linker.get("spectest", "table64")));
  EXPECT_TRUE(std::get<Memory>(*linker.get("spectest", "shared_memory")).type().limits.shared);
}

TEST(ApiLinker, HostFunctionErrorTraps) {
  Engine engine;
  Store store(engine);
  Func fails = Func::host(store, FuncType{{}, {ValType::i32()}},
                          [](auto, auto) { return Status(Error{"host says no"}); });
  auto r = fails.call({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "host says no");
  Func answers = Func::host(store, FuncType{{}, {ValType::i32()}}, [](auto, auto results) {
    results[0] = Value::i32(42);
    return Status{};
  });
  EXPECT_EQ((*answers.call({}))[0].i32(), 42);
}

TEST(ApiLinker, LinkErrorsAreUnlinkable) {
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, sample_module());
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker;
  linker.define_spectest(store);
  auto missing = linker.instantiate(store, *module);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Unlinkable);
  EXPECT_EQ(missing.error().message.rfind("unknown import", 0), 0u) << missing.error().message;

  linker.define("env", "f", Func::host(store, FuncType{{ValType::i64()}, {}}, [](auto, auto) {
                  return Status{};
                }));
  auto wrong_type = linker.instantiate(store, *module);
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().kind, ErrorKind::Unlinkable);
  EXPECT_EQ(wrong_type.error().message.rfind("incompatible import type", 0), 0u);

  linker.define("env", "f", *linker.get("spectest", "memory"));
  EXPECT_EQ(linker.instantiate(store, *module).error().kind, ErrorKind::Unlinkable);
}

TEST(ApiLinker, DataSegmentOutOfBoundsTraps) {
  Engine engine;
  Store store(engine);
  // i32.const 65535: "hi" would end one byte past the memory.
  auto module = Module::compile(engine, sample_module({0xff, 0xff, 0x03}));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker;
  linker.define_spectest(store);
  linker.define("env", "f", Func::host(store, FuncType{{ValType::i32()}, {}}, [](auto, auto) {
                  return Status{};
                }));
  auto instance = linker.instantiate(store, *module);
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::Trap);
  EXPECT_EQ(instance.error().message, "out of bounds memory access");
}

TEST(ApiCall, WasmExportsCallHostsAndTrap) {
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, std::string_view(R"((module
      (import "env" "double" (func $double (param i32) (result i32)))
      (func $fac (export "fac") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0))
          (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
      (func (export "quad") (param i32) (result i32)
        (call $double (call $double (local.get 0))))
      (func $boom (export "boom") unreachable)
      (func (export "nested") call $boom))
  )"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Linker linker;
  linker.define(
      "env", "double",
      Func::host(store, FuncType{{ValType::i32()}, {ValType::i32()}}, [](auto args, auto results) {
        results[0] = Value::i32(args[0].i32() * 2);
        return Status{};
      }));
  auto instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();

  auto fac = instance->func("fac")->call({Value::i64(20)});
  ASSERT_TRUE(fac.ok()) << fac.error().message;
  EXPECT_EQ((*fac)[0].i64(), 2432902008176640000);
  auto quad = instance->func("quad")->call({Value::i32(3)});
  ASSERT_TRUE(quad.ok()) << quad.error().message;
  EXPECT_EQ((*quad)[0].i32(), 12);

  auto trap = instance->func("nested")->call({});
  ASSERT_FALSE(trap.ok());
  EXPECT_EQ(trap.error().kind, ErrorKind::Trap);
  EXPECT_EQ(trap.error().message, "unreachable");
  ASSERT_FALSE(trap.error().backtrace.empty());
  EXPECT_EQ(trap.error().backtrace[0], "boom");
}

TEST(ApiCall, StartFunctionTrapFailsInstantiation) {
  Engine engine;
  Store store(engine);
  auto module =
      Module::compile(engine, std::string_view("(module (func $s unreachable) (start $s))"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto instance = Instance::create(store, *module, {});
  ASSERT_FALSE(instance.ok());
  EXPECT_EQ(instance.error().kind, ErrorKind::Trap);
  EXPECT_EQ(instance.error().message, "unreachable");
}

} // namespace
} // namespace kite::api
