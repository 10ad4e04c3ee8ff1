// Reading a big module file for a run with a module cache, so that a warm
// start copies only what it uses. The file is keyed piece by piece as it is
// read (ModuleCache::key_of's tags); the code section's whole pieces are
// read only to be keyed, through a small buffer, and left out of the
// module's bytes until a function in them is first translated: then
// LazyCode reads them again and checks each against its tag, so a file
// changed on disk since cannot put unvalidated code in front of the
// translator (the function traps, naming the change). Copying the code of a
// 75 MB module into fresh memory was the largest cost of its warm start.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cache/module_cache.h"
#include "model/module.h"
#include "support/byte_buffer.h"
#include "support/result.h"

namespace kite::cache {

// The code pieces of a module not read yet: its bytes there are zeros until
// load() has read and checked them.
class LazyCode final : public LazyBytes {
public:
  LazyCode(int fd, std::shared_ptr<const ModuleCache> cache, uint8_t* module_bytes,
           size_t first_chunk, std::vector<Digest> tags);
  ~LazyCode();
  LazyCode(const LazyCode&) = delete;
  LazyCode& operator=(const LazyCode&) = delete;

  // Makes the module's bytes [offset, offset + size) hold the file's (on
  // any thread). Fails if a piece read differs from the one keyed.
  Status load(uint64_t offset, uint64_t size) override;
  // Reads every piece not read yet, on two threads (before validation).
  Status load_all();
  // The module offsets of the pieces left out: [begin, end).
  uint64_t begin() const { return first_chunk_ * ModuleCache::kChunkSize; }
  uint64_t end() const { return (first_chunk_ + tags_.size()) * ModuleCache::kChunkSize; }

private:
  // Reads and checks pieces [first, end) (indices into tags_) not read yet.
  bool read_chunks(size_t first, size_t end);

  int fd_;
  std::shared_ptr<const ModuleCache> cache_;
  uint8_t* bytes_;
  size_t first_chunk_;
  std::vector<Digest> tags_;
  std::unique_ptr<std::atomic<bool>[]> loaded_;
  std::mutex reading_;
};

// A module file being read and keyed (read_module_file). Its bytes but the
// code's pieces are in when it is returned, so the caller decodes them while
// a helper thread keys the code's pieces; finish() joins in and gives the key.
class ModuleFile {
public:
  ModuleFile(int fd, uint64_t size, std::shared_ptr<const ModuleCache> cache, uint32_t options,
             size_t lazy_begin, size_t lazy_end);
  ~ModuleFile();
  ModuleFile(const ModuleFile&) = delete;
  ModuleFile& operator=(const ModuleFile&) = delete;

  // The module's bytes (the caller may move them out; they stay where they
  // are); the code's pieces are zeros until lazy_code() reads them.
  ByteBuffer& bytes() { return bytes_; }
  // Keys the pieces left, joins the helper: the key and the code's pieces to
  // read later, or an error if the file changed size or could not be read.
  Result<Key> finish();
  std::shared_ptr<LazyCode> lazy_code() const { return lazy_code_; }

private:
  friend std::unique_ptr<ModuleFile> read_module_file(int, uint64_t,
                                                      std::shared_ptr<const ModuleCache>, uint32_t);
  // Reads and tags pieces [first, end): into the bytes, or (the code's)
  // through `scratch`. False on a short read.
  bool read_pieces(size_t first, size_t end, uint8_t* scratch);
  // Takes runs of code pieces until none is left.
  void key_code();

  int fd_;
  uint64_t size_;
  std::shared_ptr<const ModuleCache> cache_;
  uint32_t options_;
  size_t lazy_begin_, lazy_end_; // the code's pieces, left out of bytes_
  ByteBuffer bytes_;
  uint8_t* data_;            // bytes_'s, which the caller moves into its module
  std::vector<Digest> tags_; // one per piece of the file
  std::atomic<size_t> next_run_{0};
  std::atomic<bool> failed_{false};
  std::thread helper_;
  std::shared_ptr<LazyCode> lazy_code_;
  bool fd_owned_ = true; // until lazy_code_ takes it
};

// `fd` (a regular file of `size` bytes) read for `cache`, with the code
// section's pieces left out; nothing when it does not pay or cannot be done
// (a small file or code section, not a binary module, a read error): the
// caller then reads the file whole. Takes ownership of `fd` only when it
// returns a module file.
std::unique_ptr<ModuleFile>
read_module_file(int fd, uint64_t size, std::shared_ptr<const ModuleCache> cache, uint32_t options);

} // namespace kite::cache
