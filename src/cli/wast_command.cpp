// `kite wast FILE...`: runs spec scripts and prints "FILE: passed/total".
#include <cinttypes>
#include <cstdio>

#include "cli/cli.h"
#include "cli/wast_runner.h"

namespace kite::cli {

int wast_command(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  uint32_t max_reports = 20;
  api::EngineConfig config;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::puts(
          "usage: kite wast [--max-reports N] [--lazy-validation] [--no-guard-pages] FILE...\n\n"
          "Runs WebAssembly spec scripts (.wast). Prints `FILE: passed/total` per file\n"
          "(every assert_* command is one assertion), then the totals. Failed assertions\n"
          "are described on stderr (at most N per file, default 20). Exit status 1 if\n"
          "any assertion or command failed.\n\n"
          "--lazy-validation compiles modules with function bodies validated at first\n"
          "call; an invalid or malformed module it accepts passes its assertion when\n"
          "eager validation rejects it as expected in a function body.\n\n"
          "--no-guard-pages bounds-checks memory accesses explicitly (as `kite run`).");
      return 0;
    }
    if (a == "--max-reports") {
      if (i + 1 >= args.size()) {
        report("wast: --max-reports needs a number");
        return 1;
      }
      max_reports = static_cast<uint32_t>(std::strtoul(args[++i].c_str(), nullptr, 10));
      continue;
    }
    if (a == "--lazy-validation") {
      config.lazy_validation = true;
      continue;
    }
    if (a == "--no-guard-pages") {
      config.guard_pages = false;
      continue;
    }
    if (a.starts_with("-")) {
      report("wast: unknown option '" + a + "' (try `kite wast --help`)");
      return 1;
    }
    files.push_back(a);
  }
  if (files.empty()) {
    report("wast: no files given (try `kite wast --help`)");
    return 1;
  }
  uint64_t passed = 0, total = 0;
  bool all_ok = true;
  for (const std::string& file : files) {
    const WastCounts c = run_wast_file(file, max_reports, config);
    passed += c.passed;
    total += c.total;
    if (c.failed_commands) {
      std::printf("%s: %" PRIu64 "/%" PRIu64 " (%" PRIu64 " commands failed)\n", file.c_str(),
                  c.passed, c.total, c.failed_commands);
    } else {
      std::printf("%s: %" PRIu64 "/%" PRIu64 "\n", file.c_str(), c.passed, c.total);
    }
    std::fflush(stdout);
    all_ok = all_ok && c.failed_commands == 0 && c.passed == c.total;
  }
  std::printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, total - passed);
  return all_ok ? 0 : 1;
}

} // namespace kite::cli
