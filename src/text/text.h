// WAT text format → wasm binary. The binary is then decoded and validated
// like any other module, so text and binary inputs share one path.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "support/result.h"

namespace kite::text {

// Parses one module in text form (`(module ...)` or a bare list of module
// fields) and encodes it to the binary format. Errors carry line:column.
Result<std::vector<uint8_t>> wat_to_binary(std::string_view source);

} // namespace kite::text
