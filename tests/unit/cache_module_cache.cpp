// The module cache (src/cache): BLAKE3 and AEGISMAC-128L against their
// references' answers, and
// the cache's safety: a changed module misses, a damaged, truncated or
// forged entry is ignored (the module is validated again, so an invalid
// one still fails), an unusable directory only loses the speed-up,
// concurrent writers leave a good entry, eviction keeps the size limit;
// and the code layout an entry records, which a warm start uses instead of
// walking the bodies, applies only to a module whose code section holds it.
// Every test uses a fresh temporary directory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "binary/decoder.h"
#include "cache/aegis_mac.h"
#include "cache/blake3.h"
#include "cache/module_cache.h"
#include "kite/kite.h"
#include "temp_dir.h"
#include "text/text.h"

namespace {

namespace fs = std::filesystem;
using kite::cache::Facts;
using kite::cache::Key;
using kite::cache::ModuleCache;
using kite::test_support::TempDir;

std::string hex(const kite::cache::Digest& d) {
  std::string s;
  char buf[3];
  for (uint8_t b : d) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    s += buf;
  }
  return s;
}

// The reference's inputs: byte i is i % 251.
std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(i % 251);
  return v;
}

std::vector<uint8_t> wat(const char* text) {
  auto bytes = kite::text::wat_to_binary(text);
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : std::vector<uint8_t>{};
}

// A valid module, and the same bytes with i32.add turned into i64.add:
// invalid (type mismatch), one byte apart.
const char* const kAdd =
    "(module (func (export \"f\") (result i32) i32.const 1 i32.const 2 i32.add))";
std::vector<uint8_t> invalid_twin(std::vector<uint8_t> bytes) {
  const uint8_t add[] = {0x41, 0x01, 0x41, 0x02, 0x6A};
  auto it = std::search(bytes.begin(), bytes.end(), std::begin(add), std::end(add));
  EXPECT_NE(it, bytes.end());
  if (it != bytes.end()) it[4] = 0x7C; // i64.add
  return bytes;
}

kite::api::Engine engine_with(const std::string& dir) {
  kite::api::EngineConfig config;
  config.cache_dir = dir;
  return kite::api::Engine(config);
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

TEST(Blake3, ReferenceAnswers) {
  // From the BLAKE3 team's b3sum 1.x on the same inputs.
  EXPECT_EQ(hex(kite::cache::blake3(pattern(0))),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(1))),
            "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(1023))),
            "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(1024))),
            "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(1025))),
            "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(8192))), // eight chunks: the AVX2 path
            "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63");
  EXPECT_EQ(hex(kite::cache::blake3(pattern(102400))),
            "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085");
  // Past 4 MiB: whole 1 MiB subtrees on two threads, and an odd tail.
  EXPECT_EQ(hex(kite::cache::blake3(pattern((5 << 20) + 3))),
            "d7b0c8bf65e5c4d83045f23509a2af505c29af408a404c3f363f75a7a49a5040");
  kite::cache::Digest key;
  for (int i = 0; i < 32; ++i)
    key[i] = static_cast<uint8_t>(i);
  const uint8_t abc[] = {'a', 'b', 'c'};
  EXPECT_EQ(hex(kite::cache::blake3_keyed(key, abc)),
            "6da54495d8152f2bcba87bd7282df70901cdb66b4448ed5f4c7bd2852b8b5532");
  EXPECT_EQ(hex(kite::cache::blake3_keyed(key, pattern((5 << 20) + 3))),
            "eb07a39edcd72672383a4e6db7c7615b63e4bb0de23f3e2b66d9191ca5d09539");
}

TEST(ModuleCache, ValidModuleIsRecordedAndFound) {
  TempDir dir;
  const auto bytes = wat(kAdd);
  auto engine = engine_with(dir.path());
  ASSERT_NE(engine.cache(), nullptr);
  const Key key = engine.cache()->key_of(bytes, 0);
  EXPECT_FALSE(engine.cache()->lookup(key));
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  auto facts = engine.cache()->lookup(key);
  ASSERT_TRUE(facts);
  EXPECT_TRUE(facts->validated);
  // The warm compile gives a module that runs the same.
  auto module = kite::api::Module::compile(engine, bytes);
  ASSERT_TRUE(module.ok());
  kite::api::Store store(engine);
  auto instance = kite::api::Linker().instantiate(store, *module);
  ASSERT_TRUE(instance.ok());
  auto result = instance->func("f")->call({});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].i32(), 3);
}

// Functions with declared locals of several types, a reference type among
// them: what a layout must carry.
const char* const kLocals = R"((module
  (type $t (func (result i32)))
  (func $a (export "a") (param i32) (result i32) (local i64 i64 f64) (local (ref null $t))
    local.get 0 i32.const 1 i32.add)
  (func $b (export "b") (result i32) (local i32) i32.const 7 local.set 0 local.get 0)
  (func $c (export "c") (result i32) i32.const 3 call $a))
)";

std::shared_ptr<kite::Module> decoded(const std::vector<uint8_t>& bytes, kite::CodeBodies bodies) {
  auto m = std::make_shared<kite::Module>();
  m->bytes = kite::ByteBuffer(bytes);
  EXPECT_TRUE(kite::decode_into(*m, bodies).ok());
  return m;
}

void expect_same_code(const kite::Module& a, const kite::Module& b) {
  ASSERT_EQ(a.functions.size(), b.functions.size());
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const kite::FunctionDecl &x = a.functions[i], &y = b.functions[i];
    EXPECT_EQ(x.code_offset, y.code_offset) << i;
    EXPECT_EQ(x.body.offset, y.body.offset) << i;
    EXPECT_EQ(x.body.size, y.body.size) << i;
    EXPECT_EQ(x.first_local_group, y.first_local_group) << i;
    EXPECT_EQ(x.num_local_groups, y.num_local_groups) << i;
    EXPECT_EQ(x.num_locals, y.num_locals) << i;
  }
  ASSERT_EQ(a.local_groups.size(), b.local_groups.size());
  for (size_t k = 0; k < a.local_groups.size(); ++k) {
    EXPECT_EQ(a.local_groups[k].count, b.local_groups[k].count) << k;
    EXPECT_TRUE(a.local_groups[k].type == b.local_groups[k].type) << k;
  }
}

TEST(ModuleCache, WarmStartTakesTheCodeLayoutFromTheEntry) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  const auto bytes = wat(kLocals);
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  auto facts = engine.cache()->lookup(engine.cache()->key_of(bytes, 0));
  ASSERT_TRUE(facts);
  ASSERT_FALSE(facts->code_layout.empty());
  // The recorded layout gives the decls a full decode gives.
  auto whole = decoded(bytes, kite::CodeBodies::Walk);
  auto deferred = decoded(bytes, kite::CodeBodies::Defer);
  ASSERT_TRUE(deferred->deferred_code);
  ASSERT_TRUE(kite::apply_code_layout(*deferred, facts->code_layout));
  EXPECT_FALSE(deferred->deferred_code);
  expect_same_code(*whole, *deferred);
  // And a warm compile runs the functions.
  auto module = kite::api::Module::compile(engine, bytes);
  ASSERT_TRUE(module.ok());
  kite::api::Store store(engine);
  auto instance = kite::api::Linker().instantiate(store, *module);
  ASSERT_TRUE(instance.ok());
  for (auto [name, want] : {std::pair{"b", 7}, std::pair{"c", 4}}) {
    auto result = instance->func(name)->call({});
    ASSERT_TRUE(result.ok());
    EXPECT_EQ((*result)[0].i32(), want);
  }
}

TEST(ModuleCache, CodeLayoutOfAnotherModuleIsRefused) {
  const auto bytes = wat(kLocals), other = wat(kAdd);
  const std::vector<uint8_t> layout = kite::code_layout(*decoded(bytes, kite::CodeBodies::Walk));
  auto m = decoded(other, kite::CodeBodies::Defer);
  EXPECT_FALSE(kite::apply_code_layout(*m, layout));
  EXPECT_TRUE(m->deferred_code); // unchanged: the bodies are walked instead
  ASSERT_TRUE(kite::decode_code_bodies(*m).ok());
  expect_same_code(*decoded(other, kite::CodeBodies::Walk), *m);
  // Every truncation of a good layout is refused too.
  for (size_t n = 0; n < layout.size(); ++n) {
    auto d = decoded(bytes, kite::CodeBodies::Defer);
    EXPECT_FALSE(kite::apply_code_layout(*d, std::span(layout).first(n))) << n;
  }
}

// A module malformed in its code section reports the same first error
// with a cache (bodies deferred, walked after the lookup) as without.
TEST(ModuleCache, MalformedBodiesReportTheSameErrorWithACache) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  kite::api::Engine plain;
  const auto good = wat(kLocals);
  // Each body's first locals count made huge, then each byte of the code
  // section cut off in turn.
  std::vector<std::vector<uint8_t>> bad;
  for (size_t cut = good.size() / 2; cut < good.size(); ++cut)
    bad.emplace_back(good.begin(), good.begin() + cut);
  auto twisted = good;
  twisted[twisted.size() - 4] = 0xFF; // inside the last body
  bad.push_back(twisted);
  for (const auto& bytes : bad) {
    auto with = kite::api::Module::compile(engine, bytes);
    auto without = kite::api::Module::compile(plain, bytes);
    ASSERT_EQ(with.ok(), without.ok()) << bytes.size();
    if (!with.ok()) EXPECT_EQ(with.error().describe(), without.error().describe()) << bytes.size();
  }
}

TEST(ModuleCache, EveryOneByteChangeChangesTheKey) {
  TempDir dir;
  auto cache = ModuleCache::open(dir.path(), ModuleCache::kDefaultMaxBytes);
  ASSERT_NE(cache, nullptr);
  const auto bytes = wat(kAdd);
  std::set<std::string> keys{hex(cache->key_of(bytes, 0).module)};
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto changed = bytes;
    changed[i] ^= 0x01;
    EXPECT_TRUE(keys.insert(hex(cache->key_of(changed, 0).module)).second) << i;
  }
  // Another directory's secret keys the same bytes differently.
  TempDir other_dir;
  auto other = ModuleCache::open(other_dir.path(), ModuleCache::kDefaultMaxBytes);
  ASSERT_NE(other, nullptr);
  EXPECT_NE(hex(other->key_of(bytes, 0).module), hex(cache->key_of(bytes, 0).module));
}

TEST(AegisMac, DraftTestVector) {
  if (!kite::cache::aegis_mac_available()) GTEST_SKIP() << "no AES instructions";
  // draft-irtf-cfrg-aegis-aead, A.8.1 (AEGISMAC-128L, 256-bit tag).
  kite::cache::MacKey key{0x10, 0x01};
  kite::cache::MacNonce nonce{0x10, 0x00, 0x02};
  EXPECT_EQ(hex(kite::cache::aegis_mac_128l(key, nonce, pattern(35))),
            "9490e7c89d420c9f37417fa625eb38e8cad53c5cbec55285e8499ea48377f2a3");
}

TEST(ModuleCache, InvalidTwinOfACachedModuleStillFails) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  const auto bytes = wat(kAdd);
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  auto twin = kite::api::Module::compile(engine, invalid_twin(bytes));
  ASSERT_FALSE(twin.ok());
  EXPECT_EQ(twin.error().kind, kite::ErrorKind::Invalid);
  EXPECT_FALSE(engine.cache()->lookup(engine.cache()->key_of(invalid_twin(bytes), 0)));
}

// The key is hashed on a second thread while the module is decoded: a
// decode that fails at once must not free the bytes that thread still reads
// (ASan reported a use after free here).
TEST(ModuleCache, MalformedModuleFailsWhileItsKeyIsHashed) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  std::vector<uint8_t> bytes(32u << 20, 0xFF); // long to hash, malformed at byte 8
  const uint8_t header[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  std::copy(std::begin(header), std::end(header), bytes.begin());
  auto module = kite::api::Module::compile(engine, bytes);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.error().kind, kite::ErrorKind::Malformed);
}

TEST(ModuleCache, EveryDamagedByteOfAnEntryIsRejected) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  const auto bytes = wat(kAdd);
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  const Key key = engine.cache()->key_of(bytes, 0);
  const std::string path = engine.cache()->entry_path(key);
  const auto good = read_bytes(path);
  ASSERT_FALSE(good.empty());
  for (size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i] ^= 0x10;
    write_bytes(path, bad);
    EXPECT_FALSE(engine.cache()->lookup(key)) << "byte " << i;
  }
  // Compiling again validates and writes a good entry over the bad one.
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  EXPECT_TRUE(engine.cache()->lookup(key));
}

TEST(ModuleCache, TruncatedEntriesAreIgnored) {
  TempDir dir;
  auto engine = engine_with(dir.path());
  const auto bytes = wat(kAdd);
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  const Key key = engine.cache()->key_of(bytes, 0);
  const std::string path = engine.cache()->entry_path(key);
  const auto good = read_bytes(path);
  for (size_t n = 0; n < good.size(); ++n) {
    write_bytes(path, std::vector<uint8_t>(good.begin(), good.begin() + n));
    EXPECT_FALSE(engine.cache()->lookup(key)) << "length " << n;
    ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok()) << "length " << n;
    write_bytes(path, std::vector<uint8_t>(good.begin(), good.begin() + n)); // again cut
  }
}

TEST(ModuleCache, ForgedEntryForAnInvalidModuleIsRejected) {
  TempDir dir, forger_dir;
  auto engine = engine_with(dir.path());
  const auto invalid = invalid_twin(wat(kAdd));
  const Key key = engine.cache()->key_of(invalid, 0);
  // A well-formed entry claiming validity, made without this cache's secret.
  auto forger = ModuleCache::open(forger_dir.path(), ModuleCache::kDefaultMaxBytes);
  ASSERT_NE(forger, nullptr);
  forger->store(key, /*validated=*/true);
  ASSERT_TRUE(forger->lookup(key));
  fs::copy_file(forger->entry_path(key), engine.cache()->entry_path(key));
  EXPECT_FALSE(engine.cache()->lookup(key));
  auto module = kite::api::Module::compile(engine, invalid);
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.error().kind, kite::ErrorKind::Invalid);
  // Nor does the genuine entry of the valid twin, moved to the invalid one's name.
  const auto valid = wat(kAdd);
  ASSERT_TRUE(kite::api::Module::compile(engine, valid).ok());
  fs::copy_file(engine.cache()->entry_path(engine.cache()->key_of(valid, 0)),
                engine.cache()->entry_path(key), fs::copy_options::overwrite_existing);
  EXPECT_FALSE(kite::api::Module::compile(engine, invalid).ok());
}

TEST(ModuleCache, UnusableDirectoryOnlyLosesTheSpeedUp) {
  TempDir dir;
  const std::string file = dir.path() + "/file";
  write_bytes(file, {1, 2, 3});
  for (const std::string& bad : {file + "/cache", file}) {
    auto engine = engine_with(bad);
    EXPECT_EQ(engine.cache(), nullptr);
    EXPECT_TRUE(kite::api::Module::compile(engine, wat(kAdd)).ok());
    EXPECT_FALSE(kite::api::Module::compile(engine, invalid_twin(wat(kAdd))).ok());
  }
  if (geteuid() != 0) { // root writes anyway
    const std::string ro = dir.path() + "/read-only";
    ASSERT_NE(ModuleCache::open(ro, ModuleCache::kDefaultMaxBytes), nullptr);
    ASSERT_EQ(chmod(ro.c_str(), 0500), 0);
    auto engine = engine_with(ro);
    EXPECT_TRUE(kite::api::Module::compile(engine, wat(kAdd)).ok());
    EXPECT_FALSE(engine.cache()->lookup(engine.cache()->key_of(wat(kAdd), 0)));
    chmod(ro.c_str(), 0700);
  }
}

TEST(ModuleCache, DamagedSecretIsReplacedAndOldEntriesRejected) {
  TempDir dir;
  const auto bytes = wat(kAdd);
  Key old_key;
  {
    auto engine = engine_with(dir.path());
    old_key = engine.cache()->key_of(bytes, 0);
    ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
    ASSERT_TRUE(engine.cache()->lookup(old_key));
  }
  write_bytes(dir.path() + "/secret", {1, 2, 3});
  auto engine = engine_with(dir.path());
  ASSERT_NE(engine.cache(), nullptr);
  EXPECT_EQ(fs::file_size(dir.path() + "/secret"), 32u);
  EXPECT_FALSE(engine.cache()->lookup(old_key)); // made under the old secret
  const Key key = engine.cache()->key_of(bytes, 0);
  EXPECT_FALSE(engine.cache()->lookup(key));
  ASSERT_TRUE(kite::api::Module::compile(engine, bytes).ok());
  EXPECT_TRUE(engine.cache()->lookup(key));
}

TEST(ModuleCache, ConcurrentWritersLeaveAGoodEntry) {
  TempDir dir;
  const auto bytes = wat(kAdd);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      // Each thread as a process would: its own cache object and engine.
      auto engine = engine_with(dir.path());
      if (!engine.cache()) {
        ++bad;
        return;
      }
      const Key key = engine.cache()->key_of(bytes, 0); // the same secret: the same key
      for (int i = 0; i < 25; ++i) {
        engine.cache()->store(key, /*validated=*/true);
        auto facts = engine.cache()->lookup(key); // absent never: renames are atomic
        if (!facts || !facts->validated) ++bad;
        if (!kite::api::Module::compile(engine, bytes).ok()) ++bad;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(bad.load(), 0);
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_FALSE(e.path().filename().string().starts_with(".tmp")) << e.path();
}

TEST(ModuleCache, EvictionKeepsTheLimitAndDropsTheOldest) {
  TempDir dir;
  auto probe = ModuleCache::open(dir.path(), ModuleCache::kDefaultMaxBytes);
  ASSERT_NE(probe, nullptr);
  Key first{};
  probe->store(first, /*validated=*/true);
  const uint64_t entry_size = fs::file_size(probe->entry_path(first));
  fs::remove(probe->entry_path(first));
  const uint64_t limit = 5 * entry_size;
  auto cache = ModuleCache::open(dir.path(), limit);
  std::vector<Key> keys;
  auto entries_size = [&] {
    uint64_t total = 0;
    for (const auto& e : fs::directory_iterator(dir.path()))
      if (e.path().extension() == ".entry") total += e.file_size();
    return total;
  };
  for (int i = 0; i < 12; ++i) {
    Key k{};
    k.module[0] = static_cast<uint8_t>(i + 1);
    cache->store(k, /*validated=*/true);
    keys.push_back(k);
    // Ages the entries in order (file times may be coarser than the loop).
    const timespec times[2] = {{0, UTIME_OMIT}, {1'000'000 + i, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, cache->entry_path(k).c_str(), times, 0), 0);
    EXPECT_LE(entries_size(), limit) << i;
  }
  // The newest five stay; the rest went, oldest first.
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(static_cast<bool>(cache->lookup(keys[i])), i >= 7) << i;
}

// `kite run` with the cache: a warm run gives the same output; a cache
// directory that cannot be written changes nothing, not even stderr.
TEST(ModuleCache, CliRunsWarmAndWithAnUnusableDirectory) {
  TempDir dir;
  const std::string module = dir.path() + "/m.wat";
  {
    std::ofstream out(module);
    out << kAdd;
  }
  const std::string cache = dir.path() + "/cache";
  auto run = [&](const std::string& options) {
    const std::string out = dir.path() + "/out", err = dir.path() + "/err";
    const std::string cmd = std::string(KITE_CLI) + " run " + options + " --invoke f " + module +
                            " >" + out + " 2>" + err;
    const int status = std::system(cmd.c_str());
    std::ifstream o(out), e(err);
    std::string stdout_text((std::istreambuf_iterator<char>(o)), {}),
        stderr_text((std::istreambuf_iterator<char>(e)), {});
    return std::tuple{WIFEXITED(status) ? WEXITSTATUS(status) : -1, stdout_text, stderr_text};
  };
  EXPECT_EQ(run("--cache " + cache), std::tuple(0, std::string("3\n"), std::string()));
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(cache))
    entries += e.path().extension() == ".entry";
  EXPECT_EQ(entries, 1u);
  EXPECT_EQ(run("--cache " + cache), std::tuple(0, std::string("3\n"), std::string()));
  EXPECT_EQ(run("--cache " + module + "/not-a-dir"),
            std::tuple(0, std::string("3\n"), std::string()));
  EXPECT_EQ(run("--no-cache"), std::tuple(0, std::string("3\n"), std::string()));
}

} // namespace
