// EngineConfig::lazy_validation: module-level checks stay at compile time,
// a function body is validated when its function is first called, and an
// invalid body traps naming the function instead of running.
#include <gtest/gtest.h>

#include <string>

#include "kite/kite.h"

namespace kite::api {
namespace {

Engine lazy_engine() {
  EngineConfig config;
  config.lazy_validation = true;
  return Engine(config);
}

// $bad returns an i64 where its type says i32.
constexpr std::string_view kBadBody = R"((module
  (func $ok (export "ok") (result i32) (i32.const 7))
  (func $bad (export "bad") (result i32) (i64.const 1))
  (func $calls_bad (export "calls_bad") (result i32) (call $bad))))";

TEST(ApiLazyValidation, EagerByDefault) {
  Engine engine;
  auto module = Module::compile(engine, kBadBody);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.error().kind, ErrorKind::Invalid);
}

TEST(ApiLazyValidation, InvalidBodyTrapsAtFirstCall) {
  Engine engine = lazy_engine();
  Store store(engine);
  auto module = Module::compile(engine, kBadBody);
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto instance = Instance::create(store, *module, {});
  ASSERT_TRUE(instance.ok()) << instance.error().describe();

  auto ok = instance->func("ok")->call({});
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ((*ok)[0].i32(), 7);

  for (const char* name : {"bad", "calls_bad", "bad"}) { // not remembered as valid
    auto r = instance->func(name)->call({});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().kind, ErrorKind::Trap);
    EXPECT_NE(r.error().message.find("invalid function body: type mismatch (in func 1 $bad"),
              std::string::npos)
        << r.error().message;
  }
}

TEST(ApiLazyValidation, BodyChecksNeedModuleFacts) {
  // ref.func needs a declaration outside bodies (C.refs), kept from compile time.
  Engine engine = lazy_engine();
  Store store(engine);
  auto module = Module::compile(engine, std::string_view(R"((module
    (func $target)
    (func (export "declared") (result funcref) (ref.func $target))
    (func (export "undeclared") (result funcref) (ref.func $other))
    (func $other)
    (elem declare func $target)))"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto instance = Instance::create(store, *module, {});
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto declared = instance->func("declared")->call({});
  ASSERT_TRUE(declared.ok()) << declared.error().describe();
  auto undeclared = instance->func("undeclared")->call({});
  ASSERT_FALSE(undeclared.ok());
  EXPECT_NE(undeclared.error().message.find("undeclared function reference"), std::string::npos)
      << undeclared.error().message;
}

TEST(ApiLazyValidation, MalformedBodyTrapsAtFirstCall) {
  // (module (func (export "f"))) with its body's `end` replaced by 0xff.
  const std::vector<uint8_t> bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
                                      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,       // type: [] -> []
                                      0x03, 0x02, 0x01, 0x00,                   // func 0: type 0
                                      0x07, 0x05, 0x01, 0x01, 'f',  0x00, 0x00, // export "f" func 0
                                      0x0a, 0x04, 0x01, 0x02, 0x00, 0xff}; // code: no locals, 0xff
  EXPECT_FALSE(Module::from_binary(Engine(), bytes).ok());
  Engine engine = lazy_engine();
  Store store(engine);
  auto module = Module::from_binary(engine, bytes);
  ASSERT_TRUE(module.ok()) << module.error().describe();
  auto instance = Instance::create(store, *module, {});
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  auto r = instance->func("f")->call({});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("invalid function body: "), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("in func 0"), std::string::npos) << r.error().message;
}

TEST(ApiLazyValidation, ModuleLevelErrorsStayEager) {
  Engine engine = lazy_engine();
  for (std::string_view text : {
           "(module (global i32 (i64.const 0)))",               // constant expression type
           "(module (func) (export \"f\" (func 1)))",           // export index
           "(module (table 1 funcref) (elem (i32.const 0) 2))", // element segment index
           "(module (memory 1) (data (i64.const 0) \"\"))",     // data offset type
           "(module (func $s (param i32)) (start $s))",         // start function type
       }) {
    auto module = Module::compile(engine, text);
    ASSERT_FALSE(module.ok()) << text;
    EXPECT_EQ(module.error().kind, ErrorKind::Invalid) << text;
  }
}

TEST(ApiLazyValidation, SeveralInstancesShareTheCheckedBody) {
  Engine engine = lazy_engine();
  Store store(engine);
  auto module = Module::compile(engine, std::string_view(R"((module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))))"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  for (int i = 0; i < 2; ++i) {
    auto instance = Instance::create(store, *module, {});
    ASSERT_TRUE(instance.ok()) << instance.error().describe();
    auto r = instance->func("add")->call({Value::i32(2), Value::i32(3)});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ((*r)[0].i32(), 5);
  }
}

} // namespace
} // namespace kite::api
