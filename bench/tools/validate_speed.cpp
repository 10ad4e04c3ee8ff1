// Validator throughput: decodes a module once, then validates its function
// bodies repeatedly, on one thread and on the parallel split, and prints the
// code section's size over the best wall time (MB/s), and over the CPU time
// of that run (MB per CPU second: what a busy machine changes least).
// docs/performance.md.
//
//   validate_speed FILE.wasm [REPEATS] [THREADS]   (default: one, then one per core)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "binary/decoder.h"
#include "validate/validate.h"

namespace {
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: validate_speed FILE.wasm [REPEATS] [THREADS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto module = kite::decode_module(std::move(bytes));
  if (!module.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], module.error().describe().c_str());
    return 1;
  }
  kite::Module& m = **module;
  uint64_t code = 0;
  for (uint32_t i = m.num_imported_functions; i < m.functions.size(); ++i)
    code += m.functions[i].body.size;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<unsigned> thread_counts{1u, cores};
  if (argc > 3) thread_counts = {static_cast<unsigned>(std::atoi(argv[3]))};
  for (unsigned threads : thread_counts) {
    double best = 1e30, best_cpu = 0;
    for (int r = 0; r < repeats; ++r) {
      const double c0 = cpu_seconds();
      const auto t0 = std::chrono::steady_clock::now();
      kite::Status s = kite::validate_module(m, kite::BodyValidation::Eager, threads);
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!s.ok()) {
        std::fprintf(stderr, "%s: %s\n", argv[1], s.error().describe().c_str());
        return 1;
      }
      if (secs < best) best = secs, best_cpu = cpu_seconds() - c0;
    }
    std::printf("%s: code %.1f MB, %u thread(s): %.1f ms, %.0f MB/s; %.0f MB per CPU second\n",
                argv[1], code / 1e6, threads, best * 1e3, code / 1e6 / best, code / 1e6 / best_cpu);
  }
  return 0;
}
