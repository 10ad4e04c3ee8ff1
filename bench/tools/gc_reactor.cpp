// A reactor export that allocates, called from the C++ API again and again:
// prints the process's resident set every 10% of the calls, so a leak (a
// GC heap or host structure that keeps growing) shows as a rising column.
//
//   gc_reactor [CALLS]     (default 1,000,000)
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "kite/kite.h"

namespace {

// Each call builds a 64-node list of structs with an i32 array each, keeps
// one node in a global (so old ones die), and returns a checksum.
constexpr const char* kReactor = R"((module
  (type $bytes (array (mut i32)))
  (type $node (struct (field $v i32) (field $data (ref $bytes)) (field $next (ref null $node))))
  (global $kept (mut (ref null $node)) (ref.null $node))
  (func (export "step") (param $n i32) (result i32)
    (local $list (ref null $node)) (local $i i32) (local $sum i32)
    (loop $build
      (local.set $list (struct.new $node (local.get $i)
        (array.new $bytes (local.get $n) (i32.const 8)) (local.get $list)))
      (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 64))))
    (global.set $kept (local.get $list))
    (block $done (loop $walk
      (br_if $done (ref.is_null (local.get $list)))
      (local.set $sum (i32.add (local.get $sum)
        (i32.add (struct.get $node $v (local.get $list))
                 (array.get $bytes (struct.get $node $data (local.get $list)) (i32.const 7)))))
      (local.set $list (struct.get $node $next (local.get $list)))
      (br $walk)))
    (local.get $sum)))
)";

long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4;
}

} // namespace

int main(int argc, char** argv) {
  const long calls = argc > 1 ? std::atol(argv[1]) : 1'000'000;
  using namespace kite::api;
  Engine engine;
  Store store(engine);
  auto module = Module::compile(engine, std::string(kReactor));
  if (!module.ok()) {
    std::fprintf(stderr, "gc_reactor: %s\n", module.error().describe().c_str());
    return 1;
  }
  Linker linker;
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    std::fprintf(stderr, "gc_reactor: %s\n", instance.error().describe().c_str());
    return 1;
  }
  Func step = *instance->func("step");
  long long checksum = 0;
  for (long i = 1; i <= calls; ++i) {
    auto result = step.call({Value::i32(static_cast<int32_t>(i % 100))});
    if (!result.ok()) {
      std::fprintf(stderr, "gc_reactor: call %ld: %s\n", i, result.error().describe().c_str());
      return 1;
    }
    checksum += (*result)[0].i32();
    if (i % (calls / 10 > 0 ? calls / 10 : 1) == 0) {
      const Store::GcStats gc = store.gc_stats();
      std::printf("calls %ld: rss %ld KiB, GC heap %llu KiB (%llu KiB live), %llu collections\n", i,
                  resident_kib(), static_cast<unsigned long long>(gc.heap_bytes >> 10),
                  static_cast<unsigned long long>(gc.live_bytes >> 10),
                  static_cast<unsigned long long>(gc.collections));
    }
  }
  std::printf("checksum %lld\n", checksum);
  return 0;
}
