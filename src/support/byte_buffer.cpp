#include "support/byte_buffer.h"

#include <sys/mman.h>

namespace kite {

namespace {
// Below this, a vector's page faults cost little next to the mmap call.
constexpr size_t kMappedFrom = size_t{1} << 20;
} // namespace

ByteBuffer ByteBuffer::uninitialized(size_t size, Faults faults) {
  ByteBuffer buffer;
  if (size >= kMappedFrom) {
    const int populate = faults == Faults::Populate ? MAP_POPULATE : 0;
    void* p =
        mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | populate, -1, 0);
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
