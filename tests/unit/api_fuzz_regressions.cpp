// Inputs found by the fuzzers in fuzz/ (docs/testing.md), each reduced to a
// small module and written out as bytes, with the behaviour a correct kite
// shows for it. Every module runs through the whole pipeline the fuzz
// harness uses: compile, instantiate, call the export "f" with no arguments.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kite/kite.h"

namespace kite::api {
namespace {

using Bytes = std::vector<uint8_t>;

// The outcome of calling export "f": its trap message, or "ok".
std::string run_f(const Bytes& bytes) {
  Engine engine;
  Store store(engine);
  auto module = Module::from_binary(engine, bytes);
  if (!module.ok()) return "compile: " + module.error().message;
  auto instance = Linker().instantiate(store, *module);
  if (!instance.ok()) return "instantiate: " + instance.error().message;
  auto f = instance->func("f");
  if (!f) return "no export f";
  auto results = f->call({});
  return results.ok() ? "ok" : results.error().message;
}

// (func (export "f") unreachable try delegate 0 end): the translator skips
// unreachable code by block nesting and did not count `delegate` as closing
// the `try`, so it ran past the body ("unexpected end of section or function").
TEST(FuzzRegressions, DelegateInUnreachableCode) {
  const Bytes module = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             // type 0: [] -> []
      0x03, 0x02, 0x01, 0x00,                         // func 0: type 0
      0x07, 0x05, 0x01, 0x01, 'f',  0x00, 0x00,       // export "f" func 0
      0x0a, 0x09, 0x01, 0x07, 0x00,                   // code: one body, no locals
      0x00, 0x06, 0x40, 0x18, 0x00, 0x0b,             // unreachable try delegate 0 end
  };
  EXPECT_EQ(run_f(module), "unreachable");
}

// table.copy of 0 elements within an empty table: the copy passed the
// table's null storage to memmove (undefined behaviour even for 0 bytes;
// UBSan in the asan preset reports it). Found by fuzz_mutate_run.
TEST(FuzzRegressions, EmptyTableCopy) {
  // (module (table 0 funcref)
  //   (func (export "f") (table.copy (i32.const 0) (i32.const 0) (i32.const 0))))
  const Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
                        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             // type 0: [] -> []
                        0x03, 0x02, 0x01, 0x00,                         // func 0: type 0
                        0x04, 0x04, 0x01, 0x70, 0x00, 0x00,             // table 0: funcref, min 0
                        0x07, 0x05, 0x01, 0x01, 'f',  0x00, 0x00,       // export "f" func 0
                        0x0a, 0x0e, 0x01, 0x0c, 0x00,                   // code: one body, no locals
                        0x41, 0x00, 0x41, 0x00, 0x41, 0x00,             // i32.const 0 (x3)
                        0xfc, 0x0e, 0x00, 0x00, 0x0b};                  // table.copy 0 0, end
  EXPECT_EQ(run_f(module), "ok");
}

// A load from a constant address past 4 GiB with its offset: (i32.const -26)
// with offset 1148 is 0x1_0000_0462, out of bounds, but the translator
// folded the two in 32 bits (to 1122) and the load read memory. Found by
// fuzz_mutate_run (the run with empty blocks, which defeat the fold, trapped).
TEST(FuzzRegressions, ConstantAddressPlusOffsetDoesNotWrap) {
  // (module (memory 1)
  //   (func (export "f") (drop (i64.load32_u offset=1148 (i32.const -26)))))
  const Bytes module = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
                        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             // type 0: [] -> []
                        0x03, 0x02, 0x01, 0x00,                         // func 0: type 0
                        0x05, 0x03, 0x01, 0x00, 0x01,                   // memory 0: min 1
                        0x07, 0x05, 0x01, 0x01, 'f',  0x00, 0x00,       // export "f" func 0
                        0x0a, 0x0b, 0x01, 0x09, 0x00,                   // code: one body, no locals
                        0x41, 0x66,                                     // i32.const -26
                        0x35, 0x01, 0xfc, 0x08,                         // i64.load32_u offset=1148
                        0x1a, 0x0b};                                    // drop, end
  EXPECT_EQ(run_f(module), "out of bounds memory access");
}

} // namespace
} // namespace kite::api
