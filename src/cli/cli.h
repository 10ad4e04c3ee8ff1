// Shared pieces of the kite command-line tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kite/kite.h"
#include "support/byte_buffer.h"
#include "support/file_io.h"
#include "support/result.h"

namespace kite::cli {

// Prints "kite: <path>: <error>" to stderr (one line).
void report(const std::string& path, const Error& error);
void report(const std::string& message);

// Compiles a module file: `.wasm` as binary, `.wat`/`.wast` as text, any
// other name by content (api::Module::from_file: a binary module keeps the
// bytes read; a big one with a cache reads its code as it runs).
Result<api::Module> compile_file(const api::Engine& engine, const std::string& path);

// A trap's message and backtrace (runs of one function folded into one line).
void print_trap(const std::string& path, const Error& error);

int run_command(const std::vector<std::string>& args);
int wast_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);

} // namespace kite::cli
