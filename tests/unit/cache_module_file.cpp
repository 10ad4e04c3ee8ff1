// A big module file read for a run with a cache (cache/module_file.h): its
// key is the key of the same bytes in memory; a warm start leaves the code
// out and reads each body when its function is first called; a body changed
// on disk after that start is refused when reached, never run; a file
// changed before a start is validated again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "binary/leb_writer.h"
#include "cache/module_cache.h"
#include "kite/kite.h"
#include "temp_dir.h"

namespace {

using kite::api::Engine;
using kite::api::Module;
using kite::test_support::TempDir;

void section(std::vector<uint8_t>& out, uint8_t id, const std::vector<uint8_t>& contents) {
  out.push_back(id);
  kite::put_uleb(out, contents.size());
  out.insert(out.end(), contents.begin(), contents.end());
}

// kFunctions functions `() -> i32`, function i returning i after kPadding
// nops (a code section of ~5 MB, past the size from which code is left
// out), functions 0, kB and the last exported as "a", "b" and "c". Body
// i's first nop is at body_nop[i].
constexpr uint32_t kFunctions = 2500, kPadding = 2000, kB = 1234;
struct BigModule {
  std::vector<uint8_t> bytes;
  std::vector<size_t> body_nop;
};
BigModule big_module() {
  BigModule m;
  auto& out = m.bytes;
  out = {0, 'a', 's', 'm', 1, 0, 0, 0};
  section(out, 1, {1, 0x60, 0, 1, 0x7F});
  std::vector<uint8_t> functions;
  kite::put_uleb(functions, kFunctions);
  functions.insert(functions.end(), kFunctions, 0);
  section(out, 3, functions);
  std::vector<uint8_t> exports{3};
  for (auto [name, index] : {std::pair{'a', 0u}, {'b', kB}, {'c', kFunctions - 1}}) {
    exports.insert(exports.end(), {1, static_cast<uint8_t>(name), 0});
    kite::put_uleb(exports, index);
  }
  section(out, 7, exports);
  std::vector<uint8_t> code;
  kite::put_uleb(code, kFunctions);
  std::vector<size_t> nop_in_code;
  for (uint32_t i = 0; i < kFunctions; ++i) {
    std::vector<uint8_t> body{0, 0x41}; // no locals; i32.const i
    kite::put_sleb(body, i);
    const size_t nop = body.size();
    body.insert(body.end(), kPadding, 0x01);
    body.push_back(0x0B);
    kite::put_uleb(code, body.size());
    nop_in_code.push_back(code.size() + nop);
    code.insert(code.end(), body.begin(), body.end());
  }
  out.push_back(10);
  kite::put_uleb(out, code.size());
  for (size_t at : nop_in_code)
    m.body_nop.push_back(out.size() + at);
  out.insert(out.end(), code.begin(), code.end());
  return m;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}
// Overwrites one byte of the file in place (the same file, as a program
// writing into it would; a rename would leave the open file alone).
void poke(const std::string& path, size_t offset, uint8_t value) {
  const int fd = ::open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, &value, 1, static_cast<off_t>(offset)), 1);
  ::close(fd);
}

Engine engine_with(const std::string& dir) {
  kite::api::EngineConfig config;
  config.cache_dir = dir;
  return Engine(config);
}

kite::Result<int32_t> call(const Module& module, const Engine& engine, const char* name) {
  kite::api::Store store(engine);
  KITE_TRY_ASSIGN(auto instance, kite::api::Linker().instantiate(store, module));
  KITE_TRY_ASSIGN(auto results, instance.func(name)->call({}));
  return results[0].i32();
}

void expect_returns(const Module& module, const Engine& engine, const char* name, uint32_t want) {
  auto result = call(module, engine, name);
  ASSERT_TRUE(result.ok()) << name << ": " << result.error().describe();
  EXPECT_EQ(*result, static_cast<int32_t>(want)) << name;
}

void expect_changed_on_disk(const Module& module, const Engine& engine, const char* name) {
  auto result = call(module, engine, name);
  ASSERT_FALSE(result.ok()) << name;
  const std::string text = result.error().describe();
  EXPECT_NE(text.find("changed on disk"), std::string::npos) << text;
  EXPECT_NE(text.find("func " + std::to_string(kB)), std::string::npos) << text;
}

struct Fixture {
  TempDir dir;
  BigModule big = big_module();
  std::string path = dir.path() + "/big.wasm";
  Engine engine = engine_with(dir.path() + "/cache");
  Fixture() { write_file(path, big.bytes); }
};

TEST(ModuleFile, KeyedAsInMemoryAndRunWarmWithTheCodeLeftOut) {
  Fixture f;
  ASSERT_NE(f.engine.cache(), nullptr);
  auto cold = Module::from_file(f.engine, f.path, /*binary_only=*/true);
  ASSERT_TRUE(cold.ok()) << cold.error().describe();
  EXPECT_EQ(cold->raw().lazy_bytes, nullptr); // validated: every body read
  // The file's key is the key of its bytes in memory.
  auto facts = f.engine.cache()->lookup(f.engine.cache()->key_of(f.big.bytes, 0));
  ASSERT_TRUE(facts && facts->validated);

  auto warm = Module::from_file(f.engine, f.path, /*binary_only=*/true);
  ASSERT_TRUE(warm.ok()) << warm.error().describe();
  EXPECT_NE(warm->raw().lazy_bytes, nullptr);
  expect_returns(*warm, f.engine, "a", 0);
  expect_returns(*warm, f.engine, "b", kB);
  expect_returns(*warm, f.engine, "c", kFunctions - 1);
  // In memory, the same bytes hit the entry the file made and run the same.
  auto in_memory = Module::from_binary(f.engine, f.big.bytes);
  ASSERT_TRUE(in_memory.ok());
  expect_returns(*in_memory, f.engine, "b", kB);
}

TEST(ModuleFile, BodyChangedOnDiskAfterAWarmStartIsRefusedWhenReached) {
  Fixture f;
  ASSERT_TRUE(Module::from_file(f.engine, f.path).ok()); // cold: recorded
  auto warm = Module::from_file(f.engine, f.path);
  ASSERT_TRUE(warm.ok());
  ASSERT_NE(warm->raw().lazy_bytes, nullptr);
  // b's first nop becomes an opcode that does not exist: run unchecked,
  // the translator would meet invalid code.
  poke(f.path, f.big.body_nop[kB], 0xFF);
  expect_changed_on_disk(*warm, f.engine, "b");
  // Functions in pieces that did not change still run.
  expect_returns(*warm, f.engine, "c", kFunctions - 1);
  // The changed file is another module: decoded and validated again, refused.
  auto again = Module::from_file(f.engine, f.path);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().describe().find("func 1234"), std::string::npos)
      << again.error().describe();
}

TEST(ModuleFile, ValidChangeOnDiskAfterAWarmStartIsRefusedToo) {
  Fixture f;
  ASSERT_TRUE(Module::from_file(f.engine, f.path).ok());
  auto warm = Module::from_file(f.engine, f.path);
  ASSERT_TRUE(warm.ok());
  poke(f.path, f.big.body_nop[kB] + 100, 0x01); // a nop written over a nop: the same bytes
  poke(f.path, f.big.body_nop[kB] + 200, 0x00); // unreachable: valid, but not what was keyed
  expect_changed_on_disk(*warm, f.engine, "b");
  // Written back, the piece matches its tag again.
  poke(f.path, f.big.body_nop[kB] + 200, 0x01);
  expect_returns(*warm, f.engine, "b", kB);
}

// Threads translating the functions of one warm module at once load its
// pieces at once (the tsan preset runs this test).
TEST(ModuleFile, ThreadsLoadingBodiesAtOnceAllRun) {
  Fixture f;
  ASSERT_TRUE(Module::from_file(f.engine, f.path).ok());
  auto warm = Module::from_file(f.engine, f.path);
  ASSERT_TRUE(warm.ok());
  ASSERT_NE(warm->raw().lazy_bytes, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> ran{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (auto [name, want] : {std::pair{"c", kFunctions - 1}, {"b", kB}, {"a", 0u}}) {
        auto result = call(*warm, f.engine, name);
        if (result.ok() && *result == static_cast<int32_t>(want)) ran.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads)
    t.join();
  EXPECT_EQ(ran.load(), 12);
}

TEST(ModuleFile, WithoutACacheTheWholeFileIsRead) {
  Fixture f;
  const Engine plain;
  auto module = Module::from_file(plain, f.path);
  ASSERT_TRUE(module.ok());
  EXPECT_EQ(module->raw().lazy_bytes, nullptr);
  expect_returns(*module, plain, "b", kB);
  auto missing = Module::from_file(f.engine, f.dir.path() + "/none.wasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().describe().find("cannot open file"), std::string::npos);
}

} // namespace
