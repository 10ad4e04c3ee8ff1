#include "support/byte_buffer.h"

#include <cstdint>
#include <sys/mman.h>

#include "support/platform.h"

namespace kite {

namespace {
// Below this, a vector's page faults cost little next to the mmap call.
constexpr size_t kMappedFrom = size_t{1} << 20;
// From this size on, the buffer is aligned to transparent huge pages and
// asks for them: one fault per 2 MiB instead of 512. Reading a 30 MB module
// took 9-13 ms so instead of 16-23 (the faults were most of the time).
constexpr size_t kHugePage = size_t{2} << 20;

// A mapping of `size` bytes starting at a huge-page boundary: the slack of
// an over-sized mapping is unmapped again.
void* map_huge_aligned(size_t size) {
  const size_t padded = size + kHugePage;
  void* p = mmap(nullptr, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return p;
  const auto base = reinterpret_cast<uintptr_t>(p);
  const uintptr_t start = (base + kHugePage - 1) & ~(kHugePage - 1);
  if (start > base) munmap(p, start - base);
  const uintptr_t end = base + padded, used_end = start + size;
  if (end > used_end) munmap(reinterpret_cast<void*>(used_end), end - used_end);
  (void)madvise(reinterpret_cast<void*>(start), size, MADV_HUGEPAGE); // a hint: THP may be off
  return reinterpret_cast<void*>(start);
}
} // namespace

ByteBuffer ByteBuffer::uninitialized(size_t size, Faults faults) {
  ByteBuffer buffer;
  if (size >= kMappedFrom) {
    const int populate = faults == Faults::Populate ? MAP_POPULATE : 0;
    void* p = platform::kVirtualMemory && size >= kHugePage
                  ? map_huge_aligned(size)
                  : mmap(nullptr, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | populate, -1, 0);
    if (p != MAP_FAILED) {
      buffer.mapping_ = static_cast<uint8_t*>(p);
      buffer.mapping_size_ = size;
      return buffer;
    }
  }
  buffer.vector_.resize(size);
  return buffer;
}

ByteBuffer& ByteBuffer::operator=(ByteBuffer&& other) noexcept {
  if (this == &other) return *this;
  release();
  vector_ = std::move(other.vector_);
  mapping_ = other.mapping_;
  mapping_size_ = other.mapping_size_;
  other.vector_.clear();
  other.mapping_ = nullptr;
  other.mapping_size_ = 0;
  return *this;
}

void ByteBuffer::release() {
  if (mapping_) munmap(mapping_, mapping_size_);
  mapping_ = nullptr;
  mapping_size_ = 0;
}

} // namespace kite
