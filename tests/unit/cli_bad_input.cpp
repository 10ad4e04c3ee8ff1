// Bad input never crashes kite: corrupted and random modules through the
// embedding API (in-process, so the sanitizer build sees every access), and
// a set of bad command lines and files through the CLI binary, which must
// answer with one line on stderr and exit status 1.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "kite/kite.h"

namespace {

// A small module touching most sections: type, import, function, table,
// memory, global, export, start-free, elem, code, data.
const std::vector<uint8_t> kValidModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,             // header
    0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00, // types: (i32)->i32, ()->()
    0x00,                                                       //
    0x02, 0x0d, 0x01, 0x03, 'e',  'n',  'v',  0x05, 'h',  'e',  // import env.hello
    'l',  'l',  'o',  0x00, 0x01,                               //   : func type 1
    0x03, 0x02, 0x01, 0x00,                                     // funcs: type 0
    0x04, 0x04, 0x01, 0x70, 0x00, 0x02,                         // table funcref 2
    0x05, 0x03, 0x01, 0x00, 0x01,                               // memory 1
    0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x07, 0x0b,             // global mut i32 = 7
    0x07, 0x07, 0x01, 0x03, 'i',  'n',  'c',  0x00, 0x01,       // export "inc" func 1
    0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x01,       // elem at 0: func 1
    0x0a, 0x0c, 0x01, 0x0a, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a, // code: local.get 0
    0x28, 0x02, 0x00, 0x0b,                                     //   i32.const 1 add, load
    0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 'h',  'i',  // data at 0: "hi"
};

// Compiles and, if that works, instantiates; any outcome but a crash is fine.
void try_module(const std::vector<uint8_t>& bytes) {
  kite::api::Engine engine;
  kite::api::Store store(engine);
  auto module = kite::api::Module::compile(engine, bytes);
  if (!module.ok()) {
    EXPECT_FALSE(module.error().message.empty());
    return;
  }
  kite::api::Linker linker;
  linker.define("env", "hello",
                kite::api::Func::host(store, kite::FuncType{},
                                      [](auto, auto) -> kite::Status { return {}; }));
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) EXPECT_FALSE(instance.error().message.empty());
}

TEST(BadInput, ValidModuleInstantiates) {
  kite::api::Engine engine;
  auto module = kite::api::Module::compile(engine, kValidModule);
  ASSERT_TRUE(module.ok()) << module.error().describe();
}

TEST(BadInput, EveryTruncation) {
  for (size_t n = 0; n < kValidModule.size(); ++n) {
    std::vector<uint8_t> cut(kValidModule.begin(), kValidModule.begin() + n);
    kite::api::Engine engine;
    auto module = kite::api::Module::compile(engine, cut);
    // Only the empty-section-free prefixes ending exactly on a section
    // boundary can be valid; most are not, and none may crash.
    if (!module.ok()) EXPECT_FALSE(module.error().message.empty()) << "length " << n;
  }
}

TEST(BadInput, EverySingleByteMutation) {
  const uint8_t replacements[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b};
  for (size_t i = 8; i < kValidModule.size(); ++i) {
    for (uint8_t r : replacements) {
      std::vector<uint8_t> bytes = kValidModule;
      if (bytes[i] == r) continue;
      bytes[i] = r;
      try_module(bytes);
    }
  }
}

TEST(BadInput, RandomBytes) {
  std::mt19937 rng(20261124);
  for (int round = 0; round < 2000; ++round) {
    std::vector<uint8_t> bytes(rng() % 200);
    for (auto& b : bytes)
      b = static_cast<uint8_t>(rng());
    if (round % 2 == 0 && bytes.size() >= 8) { // a valid header, random sections
      std::copy(kValidModule.begin(), kValidModule.begin() + 8, bytes.begin());
    }
    try_module(bytes);
  }
}

TEST(BadInput, RandomText) {
  const std::string alphabet = "()$ \n\"0123456789abcdefghijklmnopqrstuvwxyz.=_;@-";
  std::mt19937 rng(7);
  for (int round = 0; round < 1000; ++round) {
    std::string text = "(module ";
    const size_t n = rng() % 300;
    for (size_t k = 0; k < n; ++k)
      text += alphabet[rng() % alphabet.size()];
    kite::api::Engine engine;
    auto module = kite::api::Module::compile(engine, std::string_view(text));
    if (!module.ok()) EXPECT_FALSE(module.error().message.empty());
  }
}

TEST(BadInput, DeepNesting) {
  std::string text = "(module (func";
  for (int i = 0; i < 100000; ++i)
    text += " (block";
  kite::api::Engine engine;
  auto module = kite::api::Module::compile(engine, std::string_view(text));
  EXPECT_FALSE(module.ok());
}

struct CliResult {
  int status = -1; // exit status, or -1 if killed by a signal
  std::string err;
};

// The files a test writes, removed when its process exits (CTest runs each
// test in a process of its own).
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const std::string& path : paths)
      std::remove(path.c_str());
  }
};
TempFiles temp_files;

std::string unique_temp_path(const std::string& name) {
  const auto* test = testing::UnitTest::GetInstance()->current_test_info();
  std::string path =
      testing::TempDir() + "kite_" + test->name() + "_" + std::to_string(getpid()) + "_" + name;
  temp_files.paths.push_back(path);
  return path;
}

CliResult run_kite(const std::string& args) {
  // CTest runs these tests in parallel: every file name is unique to its test.
  const std::string err_file = unique_temp_path("stderr.txt");
  const std::string cmd = std::string(KITE_CLI) + " " + args + " >/dev/null 2>" + err_file;
  const int raw = std::system(cmd.c_str());
  CliResult r;
  if (WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

std::string write_temp(const std::string& name, const std::vector<uint8_t>& bytes) {
  const std::string path = unique_temp_path(name);
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  return path;
}

// One line on stderr, starting with "kite: ", mentioning `what`.
void expect_one_line_error(const CliResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 1) << r.err;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  EXPECT_EQ(r.err.rfind("kite: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
}

TEST(BadInputCli, MissingFile) {
  expect_one_line_error(run_kite("run /nonexistent/app.wasm"), "/nonexistent/app.wasm");
  expect_one_line_error(run_kite("validate /nonexistent/app.wat"), "/nonexistent/app.wat");
}

TEST(BadInputCli, BadFlags) {
  expect_one_line_error(run_kite("--frobnicate"), "--frobnicate");
  expect_one_line_error(run_kite("run --frobnicate app.wasm"), "--frobnicate");
  expect_one_line_error(run_kite("wast --frobnicate"), "--frobnicate");
  expect_one_line_error(run_kite("run"), "no module file");
  expect_one_line_error(run_kite("run --invoke"), "--invoke");
}

TEST(BadInputCli, MaxMemoryCapsTheGuest) {
  const std::string wat = R"((module (memory 1)
    (func (export "grow") (result i32)
      (block $done (loop $l
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
      (memory.size))))";
  const std::string path = write_temp("grow.wat", std::vector<uint8_t>(wat.begin(), wat.end()));
  const std::string out = unique_temp_path("stdout.txt");
  ASSERT_EQ(std::system((std::string(KITE_CLI) + " run --max-memory 256K --invoke grow " + path +
                         " >" + out)
                            .c_str()),
            0);
  std::ifstream in(out);
  std::string pages;
  std::getline(in, pages);
  EXPECT_EQ(pages, "4"); // 4 pages of 64 KiB fill 256 KiB
  expect_one_line_error(run_kite("run --max-memory 32K " + path), "memory limit");
  expect_one_line_error(run_kite("run --max-memory lots " + path), "--max-memory");
}

TEST(BadInputCli, MaxMemoryCapsTheGcHeap) {
  // Keeps every array it allocates: past the cap, a trap (status 134, the
  // message, a backtrace), never an abort.
  const std::string wat = R"((module
    (type $a (array i64)) (type $cell (struct (field anyref) (field anyref)))
    (func $hoard (export "hoard") (local $l anyref)
      (loop $forever
        (local.set $l (struct.new $cell (array.new_default $a (i32.const 1000)) (local.get $l)))
        (br $forever)))))";
  const std::string path = write_temp("hoard.wat", std::vector<uint8_t>(wat.begin(), wat.end()));
  const CliResult r = run_kite("run --max-memory 8M --invoke hoard " + path);
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("out of memory: GC heap limit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hoard"), std::string::npos) << r.err; // the backtrace
}

TEST(BadInputCli, FuelTimeoutAndUnknownImports) {
  const std::string wat = R"((module (import "env" "missing" (func $missing))
    (func (export "spin") (loop $l (br $l)))
    (func (export "missing") (call $missing))))";
  const std::string path = write_temp("spin.wat", std::vector<uint8_t>(wat.begin(), wat.end()));
  CliResult r = run_kite("run --trap-unknown-imports --fuel 100000 --invoke spin " + path);
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("all fuel consumed"), std::string::npos) << r.err;
  r = run_kite("run --trap-unknown-imports --timeout 200ms --invoke spin " + path);
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  r = run_kite("run --trap-unknown-imports --invoke missing " + path);
  EXPECT_EQ(r.status, 134) << r.err;
  EXPECT_NE(r.err.find("called unknown import env.missing"), std::string::npos) << r.err;
  expect_one_line_error(run_kite("run --invoke missing " + path), "missing");
  expect_one_line_error(run_kite("run --fuel lots " + path), "--fuel");
  expect_one_line_error(run_kite("run --timeout 5parsecs " + path), "--timeout");
}

TEST(Cli, InspectPrintsTheIrOfAWasiProgram) {
  // Instantiating for --ir runs nothing; WASI's imports are defined, so a
  // WASI program's functions can be shown, and an unknown import still names
  // itself.
  const std::string wasi = R"((module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (func (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))))";
  const std::string path = write_temp("wasi.wat", std::vector<uint8_t>(wasi.begin(), wasi.end()));
  const std::string out = unique_temp_path("stdout.txt");
  ASSERT_EQ(
      std::system((std::string(KITE_CLI) + " inspect --ir twice " + path + " >" + out).c_str()), 0);
  std::ifstream in(out);
  const std::string ir((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(ir.find("I32Add s0 s0 s0"), std::string::npos) << ir;

  const std::string other = R"((module (import "env" "f" (func)) (func (export "g"))))";
  const std::string other_path =
      write_temp("env.wat", std::vector<uint8_t>(other.begin(), other.end()));
  expect_one_line_error(run_kite("inspect --ir g " + other_path), "unknown import");
}

TEST(BadInputCli, MalformedModulesNameFileAndOffset) {
  std::vector<uint8_t> truncated(kValidModule.begin(), kValidModule.begin() + 30);
  const std::string path = write_temp("truncated.wasm", truncated);
  CliResult r = run_kite("validate " + path);
  expect_one_line_error(r, path);
  EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;

  const std::string text = write_temp("bad.wat", {'(', 'm', 'o', 'd', 'u', 'l', 'e', ' ', '(', 'f',
                                                  'u', 'n', 'c', ' ', '(', 'i', '3', '2'});
  r = run_kite("run " + text);
  expect_one_line_error(r, text);
}

TEST(BadInputCli, RandomFilesNeverCrash) {
  std::mt19937 rng(99);
  for (int round = 0; round < 40; ++round) {
    std::vector<uint8_t> bytes(rng() % 100 + 1);
    for (auto& b : bytes)
      b = static_cast<uint8_t>(rng());
    if (round % 2 == 0 && bytes.size() >= 8) {
      std::copy(kValidModule.begin(), kValidModule.begin() + 8, bytes.begin());
    }
    const std::string path = write_temp("random.wasm", bytes);
    const CliResult r = run_kite("run " + path);
    EXPECT_TRUE(r.status == 0 || r.status == 1 || r.status == 134) << r.status << " " << r.err;
  }
}

} // namespace
