// Internal interface between the WAT encoder and the WAST script parser.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "support/result.h"
#include "text/lexer.h"

namespace kite::text {

// Encodes the module written by `tokens`: either `(module $id? field*)` or a
// bare sequence of module fields. `tokens` need not end with Eof.
Result<std::vector<uint8_t>> encode_module(std::span<const Token> tokens);

// Nesting limit for parenthesised expressions and blocks; deeper input is
// rejected instead of exhausting the native stack.
inline constexpr uint32_t kMaxNesting = 1000;

} // namespace kite::text
