// Runs WAST spec scripts through the public embedding API (kite/kite.h):
// every assert_* command is one assertion; the runner reports how many pass.
#pragma once

#include <cstdint>
#include <string>

namespace kite::cli {

struct WastCounts {
  uint64_t passed = 0;
  uint64_t total = 0;
  uint64_t failed_commands = 0; // module/register/action commands that failed
};

// Runs one script file. Failure details go to stderr, at most
// `max_reports` of them.
WastCounts run_wast_file(const std::string& path, uint32_t max_reports);

} // namespace kite::cli
