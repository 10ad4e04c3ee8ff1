// The module cache: what kite learnt about a module's bytes, kept on disk so
// that the next run of the same module skips the work. Today an entry
// records that the module validated, so a warm start skips body
// validation with the same guarantee (an invalid module never starts).
//
// Entries are keyed by the BLAKE3 of the module's bytes, their size, the
// options that affect what is recorded, and kite's validator identity (a
// hash of the sources that decide validity, fixed at build time), so any
// change to a module's bytes or to the validator misses. Each entry file
// holds a header (magic, format version, the full key, payload length), the
// payload, and a keyed BLAKE3 of both under a secret made when the cache
// directory is first used (`secret`, mode 0600): a corrupted, truncated,
// foreign or forged entry fails the check and is ignored, as if absent.
//
// Writes go to a temporary file renamed into place, so concurrent runs
// never see a partial entry. Every failure (no directory, read-only, full
// disk) only loses the speed-up: nothing is reported. The directory is
// kept under a size limit by removing the least recently used entries
// (a hit refreshes an entry's time).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "cache/blake3.h"

namespace kite::cache {

struct Key {
  Digest module{};      // BLAKE3 of the module's bytes
  uint64_t size = 0;    // of the module
  uint32_t options = 0; // what the entry's facts depend on (see Facts)
};

// What an entry says about its module.
struct Facts {
  bool validated = false; // every function body validated (eagerly)
};

class ModuleCache {
public:
  // The cache in `dir` (created if missing), holding at most about
  // `max_bytes`; nullptr when the directory or its secret cannot be set up.
  static std::shared_ptr<ModuleCache> open(const std::string& dir, uint64_t max_bytes);
  // $XDG_CACHE_HOME/kite, else $HOME/.cache/kite; empty if neither is set.
  static std::string default_dir();
  static constexpr uint64_t kDefaultMaxBytes = uint64_t{64} << 20;

  static Key key_of(std::span<const uint8_t> module, uint32_t options);
  // The facts of a verified entry for `key`, or nothing.
  std::optional<Facts> lookup(const Key& key) const;
  // Records `facts` for `key` (best effort), then trims the cache.
  void store(const Key& key, const Facts& facts) const;

  const std::string& dir() const { return dir_; }
  // The path of `key`'s entry file.
  std::string entry_path(const Key& key) const;

private:
  ModuleCache(std::string dir, Digest secret, uint64_t max_bytes)
      : dir_(std::move(dir)), secret_(secret), max_bytes_(max_bytes) {}
  void evict(const std::string& keep) const;

  std::string dir_;
  Digest secret_;
  uint64_t max_bytes_;
};

} // namespace kite::cache
