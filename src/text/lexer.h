// Tokens of the WebAssembly text format, shared by the WAT and WAST parsers.
// The whole source is tokenised up front (linear time); tokens are views
// into the source, so the source must outlive them.
#pragma once

#include <cstdint>
#include <span>
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

// A read position in a token sequence, for the module and script parsers.
// Reading at or past the end (or at an Eof token) gives an Eof token placed
// at the last token, so a parser never reads out of bounds.
class TokenCursor {
public:
  explicit TokenCursor(std::span<const Token> toks) : toks_(toks) {
    eof_.kind = TokKind::Eof;
    if (!toks.empty()) {
      eof_.line = toks.back().line;
      eof_.column = toks.back().column;
    }
  }

  const Token& peek(size_t k = 0) const {
    return pos_ + k < toks_.size() && toks_[pos_ + k].kind != TokKind::Eof ? toks_[pos_ + k] : eof_;
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < toks_.size()) ++pos_;
    return t;
  }
  bool at(TokKind k) const { return peek().kind == k; }
  bool at_keyword(std::string_view kw) const {
    return peek().kind == TokKind::Keyword && peek().text == kw;
  }
  // `(` followed by keyword `kw`.
  bool at_field(std::string_view kw) const {
    return peek().kind == TokKind::LParen && peek(1).kind == TokKind::Keyword && peek(1).text == kw;
  }

protected:
  std::span<const Token> toks_;
  size_t pos_ = 0;
  Token eof_;
};

} // namespace kite::text
