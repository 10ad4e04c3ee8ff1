// AEGISMAC-128L (draft-irtf-cfrg-aegis-aead, section 8.1), 256-bit tags,
// written from the draft. The module cache keys its entries by this MAC of
// a module's bytes under a key derived from the cache directory's secret:
// with AES instructions it runs at memory speed (a 75 MB module in a few
// milliseconds on one core, where BLAKE3 took tens on two), and without
// the key, inputs with equal tags cannot be made. (With the key they can:
// the draft forbids using it as a plain hash, and kite never does.)
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "cache/blake3.h"

namespace kite::cache {

using MacKey = std::array<uint8_t, 16>;
using MacNonce = std::array<uint8_t, 16>;

// Whether this CPU has the AES round instruction AEGIS needs to be fast
// (x86-64 AES-NI); when not, the cache keys by keyed BLAKE3 instead.
bool aegis_mac_available();
// The 256-bit AEGISMAC-128L tag of `data`. Only when aegis_mac_available().
Digest aegis_mac_128l(const MacKey& key, const MacNonce& nonce, std::span<const uint8_t> data);

} // namespace kite::cache
