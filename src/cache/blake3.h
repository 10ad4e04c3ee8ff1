// BLAKE3 (https://github.com/BLAKE3-team/BLAKE3-specs), the hash and the
// keyed hash, 256-bit output, written from the specification. The module
// cache keys entries by the BLAKE3 of a module's bytes and authenticates
// them with the keyed hash. Large inputs are hashed on two threads (the
// tree's subtrees are independent).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace kite::cache {

using Digest = std::array<uint8_t, 32>;

Digest blake3(std::span<const uint8_t> data);
Digest blake3_keyed(const Digest& key, std::span<const uint8_t> data);

} // namespace kite::cache
