// The module cache: what kite learnt about a module's bytes, kept on disk so
// that the next run of the same module skips the work. Today an entry
// records that the module validated, so a warm start skips body
// validation with the same guarantee (an invalid module never starts), and
// where its function bodies lie, so it skips walking them too.
//
// Entries are keyed by a MAC of the module's bytes under a key derived from
// a secret made when the cache directory is first used (`secret`, mode
// 0600): AEGISMAC-128L where the CPU has AES instructions (memory speed:
// the key must be computed on every run), keyed BLAKE3 elsewhere. With the
// module's size, the options that affect what is recorded, and kite's
// validator identity (a hash of the sources that decide validity, fixed at
// build time), so any change to a module's bytes or to the validator
// misses; without the secret, no other module can be made to share a key.
// Each entry file holds a header (magic, format version, the full key,
// payload length), the payload, and a keyed BLAKE3 of both under the
// secret: a corrupted, truncated, foreign or forged entry fails the check
// and is ignored, as if absent.
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
#include <vector>

#include "cache/blake3.h"
#include "support/byte_buffer.h"

namespace kite::cache {

struct Key {
  Digest module{};      // MAC of the module's bytes (see key_of)
  uint64_t size = 0;    // of the module
  uint32_t options = 0; // what the entry's facts depend on (see Facts), and the MAC used
};

// What an entry says about its module.
struct Facts {
  bool validated = false; // every function body validated (eagerly)
  // Where the code section's bodies lie and their locals (binary/decoder.h
  // code_layout): a warm start takes them from here instead of walking
  // the bodies. Empty if not recorded. After a lookup it points into
  // `entry`, the file read (megabytes for a big module: not copied again).
  std::span<const uint8_t> code_layout;
  ByteBuffer entry;
};

class ModuleCache {
public:
  // The cache in `dir` (created if missing), holding at most about
  // `max_bytes`; nullptr when the directory or its secret cannot be set up.
  static std::shared_ptr<ModuleCache> open(const std::string& dir, uint64_t max_bytes);
  // $XDG_CACHE_HOME/kite, else $HOME/.cache/kite; empty if neither is set.
  static std::string default_dir();
  static constexpr uint64_t kDefaultMaxBytes = uint64_t{64} << 20;

  // The key of `module`'s entry under this directory's secret. It is a MAC
  // of MACs: each kChunkSize piece of the module has a tag, and the key is
  // the MAC of the tags in order, so that a file can be keyed piece by
  // piece on several threads, and a piece read again later can be checked
  // against its tag (cache/module_file.h).
  Key key_of(std::span<const uint8_t> module, uint32_t options) const;
  static constexpr size_t kChunkSize = 4096;
  Digest chunk_tag(std::span<const uint8_t> chunk) const;
  Key key_of_tags(std::span<const Digest> tags, uint64_t module_size, uint32_t options) const;
  // The facts of a verified entry for `key`, or nothing.
  std::optional<Facts> lookup(const Key& key) const;
  // Records for `key` that its module validated, and its code layout
  // (best effort), then trims the cache.
  void store(const Key& key, bool validated, std::span<const uint8_t> code_layout = {}) const;

  const std::string& dir() const { return dir_; }
  // The path of `key`'s entry file.
  std::string entry_path(const Key& key) const;

private:
  ModuleCache(std::string dir, Digest secret, uint64_t max_bytes);
  void evict(const std::string& keep) const;

  std::string dir_;
  Digest secret_;
  // Key the MACs of a module's pieces and of their tags; derived from
  // secret_, distinct so that no piece can pass for a list of tags.
  Digest chunk_key_;
  Digest tags_key_;
  uint64_t max_bytes_;
};

} // namespace kite::cache
