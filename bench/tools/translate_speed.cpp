// Translator throughput: instantiates a module (WASI imported, nothing run),
// then translates every defined function (or the first N) into kite's IR,
// as a first call would, and prints the code translated over the time taken
// (MB/s and ns per wasm instruction), the slowest functions, and how the
// time grows with a body's size. docs/performance.md "Start-up".
//
//   translate_speed FILE.wasm [N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "binary/instr_reader.h"
#include "kite/kite.h"
#include "kite/wasi.h"
#include "runtime/objects.h"
#include "translate/ir.h"

namespace {

struct Timed {
  uint32_t index;
  uint64_t bytes;
  uint64_t instructions;
  double seconds;
};

uint64_t count_instructions(const kite::Module& m, const kite::FunctionDecl& decl) {
  kite::InstrReader reader(m.data_at(decl.body), decl.body.size, decl.body.offset);
  kite::Instr in;
  uint64_t n = 0;
  while (!reader.at_end() && reader.next(in).ok()) {
    ++n;
  }
  return n;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: translate_speed FILE.wasm [N]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  kite::api::Engine engine;
  kite::api::Store store(engine);
  auto module = kite::api::Module::from_binary(engine, kite::ByteBuffer(std::move(bytes)));
  if (!module.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], module.error().describe().c_str());
    return 1;
  }
  auto wasi = kite::wasi::Wasi::create({});
  if (!wasi.ok()) return 1;
  kite::api::Linker linker;
  (*wasi)->define(linker, store);
  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], instance.error().describe().c_str());
    return 1;
  }
  const kite::Module& m = module->raw();
  kite::Instance& inst = *instance->raw();
  const size_t limit = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : inst.functions.size();
  std::vector<Timed> timed;
  double total = 0;
  uint64_t bytes_total = 0, instructions_total = 0;
  for (uint32_t i = m.num_imported_functions; i < inst.functions.size() && timed.size() < limit;
       ++i) {
    kite::Function& fn = *inst.functions[i];
    const kite::FunctionDecl& decl = m.functions[i];
    const auto t0 = std::chrono::steady_clock::now();
    auto code = kite::ir::translate(fn);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!code.ok()) {
      std::fprintf(stderr, "function %u: %s\n", i, code.error().describe().c_str());
      return 1;
    }
    const uint64_t n = count_instructions(m, decl);
    timed.push_back({i, decl.body.size, n, s});
    total += s;
    bytes_total += decl.body.size;
    instructions_total += n;
  }
  std::printf("%s: %zu functions, %.1f MB of code, %llu instructions: %.1f ms, %.1f MB/s, %.0f ns "
              "per instruction\n",
              argv[1], timed.size(), bytes_total / 1e6,
              static_cast<unsigned long long>(instructions_total), total * 1e3,
              bytes_total / 1e6 / total, total * 1e9 / static_cast<double>(instructions_total));
  // Time per instruction by body size: a superlinear pass shows in the big ones.
  const uint64_t bounds[] = {100, 1000, 10000, 100000, ~uint64_t{0}};
  uint64_t lower = 0;
  for (uint64_t upper : bounds) {
    double s = 0;
    uint64_t count = 0, instrs = 0;
    for (const Timed& t : timed)
      if (t.instructions >= lower && t.instructions < upper)
        s += t.seconds, ++count, instrs += t.instructions;
    if (count)
      std::printf(
          "  %6llu-%-7llu instructions: %6llu functions, %8.1f ms, %5.0f ns per instruction\n",
          static_cast<unsigned long long>(lower), static_cast<unsigned long long>(upper),
          static_cast<unsigned long long>(count), s * 1e3, s * 1e9 / static_cast<double>(instrs));
    lower = upper;
  }
  std::sort(timed.begin(), timed.end(),
            [](const Timed& a, const Timed& b) { return a.seconds > b.seconds; });
  for (size_t k = 0; k < timed.size() && k < 5; ++k)
    std::printf("  slowest: function %u, %llu instructions, %.2f ms\n", timed[k].index,
                static_cast<unsigned long long>(timed[k].instructions), timed[k].seconds * 1e3);
  return 0;
}
