// Shared pieces of the kite command-line tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/result.h"

namespace kite::cli {

// Reads a whole file; the error names the file and the OS reason.
Result<std::vector<uint8_t>> read_file(const std::string& path);

// Prints "kite: <path>: <error>" to stderr (one line).
void report(const std::string& path, const Error& error);
void report(const std::string& message);

int run_command(const std::vector<std::string>& args);
int wast_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);

} // namespace kite::cli
