#include "cache/module_file.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

#include "support/file_io.h"
#include "support/platform.h"

namespace kite::cache {

namespace {

constexpr size_t kChunk = ModuleCache::kChunkSize;
// Below this much whole code pieces, reading them costs too little to leave
// out (the pieces' reads at translation and the fd kept open cost more).
constexpr size_t kLazyFrom = size_t{4} << 20;
// Pieces read per call while keying: one small buffer, reused, stays in
// the cache while its pieces are tagged.
constexpr size_t kRunChunks = 64;
// The kernel copies into a buffer at a page boundary several times faster
// than into one a little past it (measured: 22 against 76 ms for 75 MB).
constexpr std::align_val_t kScratchAlign{4096};
struct ScratchFree {
  void operator()(uint8_t* p) const { ::operator delete[](p, kScratchAlign); }
};
// Sections looked at to find the code section (each one pread).
constexpr int kMaxSections = 1000;

struct CodeSection {
  uint64_t begin = 0, end = 0; // its contents
};

// The code section's contents, from the section headers (one small read
// each); nothing if the file is not a binary module or has none. Only a
// hint: the pieces read are keyed whatever the file holds.
std::optional<CodeSection> find_code_section(int fd, uint64_t size) {
  static constexpr uint8_t kHeader[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  uint8_t buf[8];
  if (pread_fully(fd, buf, sizeof buf, 0) != sizeof buf || std::memcmp(buf, kHeader, 8) != 0)
    return std::nullopt;
  uint64_t at = 8;
  for (int i = 0; i < kMaxSections && at < size; ++i) {
    const ssize_t n = pread_fully(fd, buf, 6, at);
    if (n < 2) return std::nullopt;
    uint64_t length = 0;
    int k = 1;
    for (int shift = 0; k < n && shift < 35; ++k, shift += 7) {
      length |= uint64_t{buf[k] & 0x7fu} << shift;
      if (!(buf[k] & 0x80)) break;
    }
    if (k >= n || (buf[k] & 0x80)) return std::nullopt;
    const uint64_t contents = at + k + 1;
    if (contents + length > size) return std::nullopt;
    if (buf[0] == 10) return CodeSection{contents, contents + length};
    at = contents + length;
  }
  return std::nullopt;
}

Error changed_error() {
  return Error{"the module file changed on disk while it was in use (its code differs from the "
               "code keyed when it was loaded)"};
}

} // namespace

LazyCode::LazyCode(int fd, std::shared_ptr<const ModuleCache> cache, uint8_t* module_bytes,
                   size_t first_chunk, std::vector<Digest> tags)
    : fd_(fd), cache_(std::move(cache)), bytes_(module_bytes), first_chunk_(first_chunk),
      tags_(std::move(tags)), loaded_(new std::atomic<bool>[tags_.size()]) {
  for (size_t i = 0; i < tags_.size(); ++i)
    loaded_[i].store(false, std::memory_order_relaxed);
}

LazyCode::~LazyCode() { ::close(fd_); }

bool LazyCode::read_chunks(size_t first, size_t end) {
  for (size_t c = first; c < end;) {
    if (loaded_[c].load(std::memory_order_acquire)) {
      ++c;
      continue;
    }
    size_t run_end = c + 1;
    while (run_end < end && run_end - c < kRunChunks &&
           !loaded_[run_end].load(std::memory_order_acquire))
      ++run_end;
    uint8_t* out = bytes_ + (first_chunk_ + c) * kChunk;
    const size_t length = (run_end - c) * kChunk;
    if (pread_fully(fd_, out, length, (first_chunk_ + c) * kChunk) != static_cast<ssize_t>(length))
      return false;
    for (size_t k = c; k < run_end; ++k) {
      if (cache_->chunk_tag({out + (k - c) * kChunk, kChunk}) != tags_[k]) return false;
      loaded_[k].store(true, std::memory_order_release);
    }
    c = run_end;
  }
  return true;
}

Status LazyCode::load(uint64_t offset, uint64_t size) {
  const uint64_t lo = std::max(offset, begin()), hi = std::min(offset + size, end());
  if (lo >= hi) return {};
  const size_t first = lo / kChunk - first_chunk_, last = (hi - 1) / kChunk - first_chunk_ + 1;
  bool all = true;
  for (size_t c = first; c < last && all; ++c)
    all = loaded_[c].load(std::memory_order_acquire);
  if (all) return {};
  // One reader at a time: a piece is written once, before it is marked.
  std::lock_guard lock(reading_);
  if (!read_chunks(first, last)) return changed_error();
  return {};
}

Status LazyCode::load_all() {
  if constexpr (platform::kVirtualMemory) {
    // All of it now: in huge pages again (4 KiB faults cost a cold start of
    // the LLVM module ~80 ms here instead of ~25).
    (void)madvise(bytes_ + begin(), end() - begin(), MADV_HUGEPAGE);
  }
  const size_t half = tags_.size() / 2;
  bool first_ok = true;
  std::thread helper([&] { first_ok = read_chunks(0, half); });
  const bool second_ok = read_chunks(half, tags_.size());
  helper.join();
  if (!first_ok || !second_ok) return changed_error();
  return {};
}

ModuleFile::ModuleFile(int fd, uint64_t size, std::shared_ptr<const ModuleCache> cache,
                       uint32_t options, size_t lazy_begin, size_t lazy_end)
    : fd_(fd), size_(size), cache_(std::move(cache)), options_(options), lazy_begin_(lazy_begin),
      lazy_end_(lazy_end),
      bytes_(ByteBuffer::uninitialized(size, ByteBuffer::Faults::OnFirstTouch)),
      data_(bytes_.data()), tags_((size + kChunk - 1) / kChunk) {}

ModuleFile::~ModuleFile() {
  if (helper_.joinable()) {
    next_run_.store(~size_t{0} / 2); // no more runs taken
    helper_.join();
  }
  if (fd_owned_) ::close(fd_);
}

bool ModuleFile::read_pieces(size_t first, size_t end, uint8_t* scratch) {
  const uint64_t offset = first * kChunk, length = std::min<uint64_t>(end * kChunk, size_) - offset;
  uint8_t* out = scratch ? scratch : data_ + offset;
  if (pread_fully(fd_, out, length, offset) != static_cast<ssize_t>(length)) return false;
  for (size_t k = first; k < end; ++k) {
    const size_t at = (k - first) * kChunk;
    tags_[k] = cache_->chunk_tag({out + at, std::min<size_t>(kChunk, length - at)});
  }
  return true;
}

void ModuleFile::key_code() {
  const size_t runs = (lazy_end_ - lazy_begin_ + kRunChunks - 1) / kRunChunks;
  std::unique_ptr<uint8_t[], ScratchFree> scratch;
  for (size_t r; (r = next_run_.fetch_add(1)) < runs;) {
    if (!scratch) scratch.reset(new (kScratchAlign) uint8_t[kRunChunks * kChunk]);
    const size_t first = lazy_begin_ + r * kRunChunks;
    if (!read_pieces(first, std::min(first + kRunChunks, lazy_end_), scratch.get()))
      failed_.store(true);
  }
}

Result<Key> ModuleFile::finish() {
  key_code();
  helper_.join();
  uint8_t probe;
  if (failed_.load() || pread_fully(fd_, &probe, 1, size_) != 0)
    return Error{"cannot read file: it changed while being read"};
  const Key key = cache_->key_of_tags(tags_, size_, options_);
  std::vector<Digest> lazy_tags(tags_.begin() + static_cast<ptrdiff_t>(lazy_begin_),
                                tags_.begin() + static_cast<ptrdiff_t>(lazy_end_));
  lazy_code_ = std::make_shared<LazyCode>(fd_, cache_, data_, lazy_begin_, std::move(lazy_tags));
  fd_owned_ = false;
  return key;
}

std::unique_ptr<ModuleFile> read_module_file(int fd, uint64_t size,
                                             std::shared_ptr<const ModuleCache> cache,
                                             uint32_t options) {
  const std::optional<CodeSection> code = find_code_section(fd, size);
  if (!code) return nullptr;
  // The whole pieces of the code section, past its body count (at most 5
  // bytes, read with the rest).
  const size_t lazy_begin = (code->begin + 5 + kChunk - 1) / kChunk, lazy_end = code->end / kChunk;
  if (lazy_end <= lazy_begin || (lazy_end - lazy_begin) * kChunk < kLazyFrom) return nullptr;

  auto file =
      std::make_unique<ModuleFile>(fd, size, std::move(cache), options, lazy_begin, lazy_end);
  if constexpr (platform::kVirtualMemory) {
    // Pieces read at translation fault in a 4 KiB page each, not a huge page.
    (void)madvise(file->data_ + lazy_begin * kChunk, (lazy_end - lazy_begin) * kChunk,
                  MADV_NOHUGEPAGE);
  }
  // The helper keys the code while this thread reads the rest (runs that
  // stay in the CPU's cache while they are tagged), for the caller to decode.
  file->helper_ = std::thread([f = file.get()] { f->key_code(); });
  const size_t chunks = file->tags_.size();
  for (size_t c = 0; c < chunks;) {
    if (c == lazy_begin) c = lazy_end;
    const size_t end = std::min(c + kRunChunks, c < lazy_begin ? lazy_begin : chunks);
    if (c < chunks && !file->read_pieces(c, end, nullptr)) {
      file->fd_owned_ = false; // the caller reads the file whole
      return nullptr;
    }
    c = end;
  }
  return file;
}

} // namespace kite::cache
