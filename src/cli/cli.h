// Shared pieces of the kite command-line tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kite/kite.h"
#include "support/byte_buffer.h"
#include "support/result.h"

namespace kite::cli {

// Reads a whole file; the error names the file and the OS reason.
Result<ByteBuffer> read_file(const std::string& path);

// Prints "kite: <path>: <error>" to stderr (one line).
void report(const std::string& path, const Error& error);
void report(const std::string& message);

// Compiles a module file's `bytes`: `.wasm` as binary (the module keeps the
// bytes, no copy), `.wat`/`.wast` as text, any other name by content (the
// binary magic, else text).
Result<api::Module> compile_file(const api::Engine& engine, const std::string& path,
                                 ByteBuffer bytes);

// A trap's message and backtrace (runs of one function folded into one line).
void print_trap(const std::string& path, const Error& error);

int run_command(const std::vector<std::string>& args);
int wast_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);

} // namespace kite::cli
