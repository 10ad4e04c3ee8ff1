#include "text/lexer.h"

#include "support/utf8.h"

namespace kite::text {

namespace {

bool is_idchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '/':
  case ':':
  case '<':
  case '=':
  case '>':
  case '?':
  case '@':
  case '\\':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~': return true;
  default: return false;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_annotation_delimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == '"';
}

// Annotations whose contents the parser interprets; all others are skipped.
bool is_interpreted_annotation(std::string_view name) {
  return name == "custom" || name == "name" || name.starts_with("metadata.code.");
}

class Lexer {
public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    out.reserve(src_.size() / 4 + 1);
    // Nesting depth of the annotation being skipped (0 = not skipping).
    uint32_t skip_depth = 0;
    Token skip_start;
    while (true) {
      KITE_TRY(skip_space());
      if (pos_ >= src_.size()) break;
      Token tok{TokKind::Eof, line_, col(), {}};
      const size_t start = pos_;
      const char c = src_[pos_];
      if (c == '(') {
        advance(1);
        if (skip_depth == 0 && pos_ < src_.size() && src_[pos_] == '@') {
          advance(1);
          KITE_TRY_ASSIGN(std::string_view name, annotation_name(tok));
          if (!is_interpreted_annotation(name)) {
            skip_start = tok;
            skip_depth = 1;
            continue;
          }
          tok.kind = TokKind::Annot;
          tok.text = name;
        } else {
          tok.kind = TokKind::LParen;
          if (skip_depth > 0) {
            ++skip_depth;
            continue;
          }
        }
      } else if (c == ')') {
        advance(1);
        if (skip_depth > 0) {
          --skip_depth;
          continue;
        }
        tok.kind = TokKind::RParen;
      } else if (skip_depth > 0 && c != '"') {
        // Inside a skipped annotation any other characters form tokens.
        while (pos_ < src_.size() && !is_annotation_delimiter(src_[pos_])) {
          const unsigned char u = static_cast<unsigned char>(src_[pos_]);
          if (u < 0x20 || u >= 0x7f) return error_text(line_, col(), "illegal character");
          advance(1);
        }
        continue;
      } else if (c == '"') {
        KITE_TRY(scan_string(tok));
        tok.kind = TokKind::String;
        if (skip_depth == 0) KITE_TRY(check_separated(tok));
      } else if (is_idchar(c)) {
        while (pos_ < src_.size() && is_idchar(src_[pos_]))
          advance(1);
        if (c == '$') {
          if (pos_ == start + 1) {
            if (pos_ < src_.size() && src_[pos_] == '"') {
              KITE_TRY(scan_string(tok));
              if (pos_ - start == 3) return error_at(tok, "empty identifier");
              Token quoted{TokKind::String, tok.line, tok.column,
                           src_.substr(start + 1, pos_ - start - 1)};
              if (!is_valid_utf8(string_value(quoted)))
                return error_at(tok, "malformed UTF-8 encoding");
            } else {
              return error_at(tok, "empty identifier");
            }
          }
          tok.kind = TokKind::Id;
        } else {
          tok.kind = (c >= 'a' && c <= 'z') ? TokKind::Keyword : TokKind::Reserved;
        }
        if (skip_depth == 0) KITE_TRY(check_separated(tok));
      } else {
        return error_at(tok, "illegal character");
      }
      tok.text = tok.kind == TokKind::Annot ? tok.text : src_.substr(start, pos_ - start);
      if (skip_depth == 0) out.push_back(tok);
    }
    if (skip_depth > 0) return error_at(skip_start, "unclosed annotation");
    out.push_back(Token{TokKind::Eof, line_, col(), {}});
    return out;
  }

private:
  uint32_t col() const { return static_cast<uint32_t>(pos_ - line_start_ + 1); }

  void advance(size_t n) { pos_ += n; }

  void newline() {
    ++line_;
    line_start_ = pos_;
  }

  Status skip_space() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == '\n') {
        advance(1);
        newline();
      } else if (c == ' ' || c == '\t' || c == '\r') {
        advance(1);
      } else if (c == ';' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        // A line comment ends at LF or CR (the spec's newline is LF, CR or CRLF).
        while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r')
          advance(1);
      } else if (c == '(' && pos_ + 1 < src_.size() && src_[pos_ + 1] == ';') {
        KITE_TRY(skip_block_comment());
      } else {
        break;
      }
    }
    return {};
  }

  Status skip_block_comment() {
    const uint32_t line = line_, column = col();
    uint32_t depth = 0;
    while (pos_ < src_.size()) {
      if (src_.substr(pos_, 2) == "(;") {
        ++depth;
        advance(2);
      } else if (src_.substr(pos_, 2) == ";)") {
        advance(2);
        if (--depth == 0) return {};
      } else {
        advance(1);
        if (src_[pos_ - 1] == '\n') newline();
      }
    }
    return error_text(line, column, "unclosed comment");
  }

  // A token ending in an id char or a string must be followed by space or a paren.
  Status check_separated(const Token& tok) {
    if (pos_ < src_.size() && (src_[pos_] == '"' || is_idchar(src_[pos_]))) {
      return error_at(tok, "unknown operator");
    }
    return {};
  }

  Result<std::string_view> annotation_name(const Token& tok) {
    const size_t start = pos_;
    if (pos_ < src_.size() && src_[pos_] == '"') {
      Token s = tok;
      KITE_TRY(scan_string(s));
      std::string_view quoted = src_.substr(start, pos_ - start);
      if (quoted.size() == 2) return error_at(tok, "empty annotation id");
      Token name_tok{TokKind::String, tok.line, tok.column, quoted};
      if (!is_valid_utf8(string_value(name_tok))) return error_at(tok, "malformed UTF-8 encoding");
      return quoted.substr(1, quoted.size() - 2);
    }
    while (pos_ < src_.size() && is_idchar(src_[pos_]))
      advance(1);
    if (pos_ == start) return error_at(tok, "empty annotation id");
    return src_.substr(start, pos_ - start);
  }

  // Scans a string literal starting at the opening quote, checking escapes
  // and the UTF-8 well-formedness of raw characters.
  Status scan_string(const Token& tok) {
    advance(1);
    const size_t content_start = pos_;
    while (true) {
      if (pos_ >= src_.size() || src_[pos_] == '\n') return error_at(tok, "unclosed string");
      const unsigned char c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') break;
      if (c < 0x20 || c == 0x7f) {
        return error_text(line_, col(), "illegal control character in string");
      }
      if (c != '\\') {
        advance(1);
        continue;
      }
      if (pos_ + 1 >= src_.size()) return error_at(tok, "unclosed string");
      const char e = src_[pos_ + 1];
      switch (e) {
      case 'n':
      case 't':
      case 'r':
      case '"':
      case '\'':
      case '\\': advance(2); break;
      case 'u': {
        const uint32_t line = line_, column = col();
        advance(2);
        if (pos_ >= src_.size() || src_[pos_] != '{') {
          return error_text(line, column, "illegal escape");
        }
        advance(1);
        uint64_t cp = 0;
        size_t digits = 0;
        while (pos_ < src_.size() && (hex_digit(src_[pos_]) >= 0 || src_[pos_] == '_')) {
          if (src_[pos_] != '_') {
            cp = cp * 16 + static_cast<uint64_t>(hex_digit(src_[pos_]));
            if (cp > 0x10FFFF) cp = 0x110000;
            ++digits;
          }
          advance(1);
        }
        if (digits == 0 || pos_ >= src_.size() || src_[pos_] != '}') {
          return error_text(line, column, "illegal escape");
        }
        advance(1);
        if (cp >= 0x110000 || (cp >= 0xD800 && cp < 0xE000)) {
          return error_text(line, column, "malformed UTF-8 encoding");
        }
        break;
      }
      default:
        if (pos_ + 2 < src_.size() && hex_digit(e) >= 0 && hex_digit(src_[pos_ + 2]) >= 0) {
          advance(3);
          break;
        }
        return error_text(line_, col(), "illegal escape");
      }
    }
    std::string_view content = src_.substr(content_start, pos_ - content_start);
    advance(1);
    if (!is_valid_utf8(content)) return error_at(tok, "malformed UTF-8 encoding");
    return {};
  }

  std::string_view src_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
};

} // namespace

Result<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

std::string string_value(const Token& tok) {
  std::string out;
  std::string_view s = tok.text.substr(1, tok.text.size() - 2);
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      out += s[i++];
      continue;
    }
    const char e = s[i + 1];
    switch (e) {
    case 'n':
      out += '\n';
      i += 2;
      break;
    case 't':
      out += '\t';
      i += 2;
      break;
    case 'r':
      out += '\r';
      i += 2;
      break;
    case '"':
      out += '"';
      i += 2;
      break;
    case '\'':
      out += '\'';
      i += 2;
      break;
    case '\\':
      out += '\\';
      i += 2;
      break;
    case 'u': {
      uint32_t cp = 0;
      i += 3; // past `\u{`
      for (; s[i] != '}'; ++i) {
        if (s[i] != '_') cp = cp * 16 + static_cast<uint32_t>(hex_digit(s[i]));
      }
      ++i;
      append_utf8(out, cp);
      break;
    }
    default: out += static_cast<char>(hex_digit(e) * 16 + hex_digit(s[i + 2])); i += 3;
    }
  }
  return out;
}

std::string id_value(const Token& tok) {
  std::string_view name = tok.text.substr(1);
  if (!name.empty() && name[0] == '"') {
    Token quoted = tok;
    quoted.text = name;
    return string_value(quoted);
  }
  return std::string(name);
}

} // namespace kite::text
