// Runs WAST spec scripts through the public embedding API (kite/kite.h):
// every assert_* command is one assertion; the runner reports how many pass.
#pragma once

#include <cstdint>
#include <string>

#include "kite/kite.h"

namespace kite::cli {

struct WastCounts {
  uint64_t passed = 0;
  uint64_t total = 0;
  uint64_t failed_commands = 0; // module/register/action commands that failed
};

// Runs one script file with an engine configured by `config`. Failure
// details go to stderr, at most `max_reports` of them. With lazy validation,
// an assert_invalid or assert_malformed module that compiles passes if eager
// validation rejects it as expected in a function body (the only part lazy
// validation defers).
WastCounts run_wast_file(const std::string& path, uint32_t max_reports,
                         const api::EngineConfig& config);

} // namespace kite::cli
