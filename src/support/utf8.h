#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kite {

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF), as the spec requires of names.
bool is_valid_utf8(std::string_view s);

// Appends the UTF-8 encoding of `code_point` (must be a scalar value).
void append_utf8(std::string& out, uint32_t code_point);

} // namespace kite
