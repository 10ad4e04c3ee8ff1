// Tokens of the WebAssembly text format, shared by the WAT and WAST parsers.
// The whole source is tokenised up front (linear time); tokens are views
// into the source, so the source must outlive them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/result.h"

namespace kite::text {

enum class TokKind : uint8_t {
  LParen,
  RParen,
  Keyword,  // starts with a lower-case letter: `module`, `i32.add`, `offset=4`
  Reserved, // any other run of id chars: numbers (`-0x1p3`, `nan:0x1`, `inf`) and junk
  Id,       // `$name` or `$"quoted name"`; text includes the `$`
  String,   // text includes the quotes; escapes were checked by the lexer
  Annot,    // `(@name`: the start of an annotation kept for the parser (text = name)
  Eof,
};

struct Token {
  TokKind kind = TokKind::Eof;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string_view text;
};

// Tokenises `source`. Comments are dropped, and so are annotations other than
// the ones the parser interprets (@custom, @name, @metadata.code.*), which may
// appear anywhere. The result always ends with an Eof token.
Result<std::vector<Token>> tokenize(std::string_view source);

// The bytes denoted by a String token (escapes resolved).
std::string string_value(const Token& tok);

// The name of an Id token without the `$` (a quoted id is unescaped).
std::string id_value(const Token& tok);

inline Error error_at(const Token& tok, std::string message) {
  return error_text(tok.line, tok.column, std::move(message));
}

} // namespace kite::text
