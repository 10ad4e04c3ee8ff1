#include "gc/heap.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "gc/layout.h"

namespace kite::gc {

namespace {

constexpr size_t kChunkBytes = size_t{256} << 10;
constexpr uint32_t kMaxSmall = 2048;
// Cell sizes: every 8 bytes to 128, then four classes per doubling.
constexpr std::array kClassSizes = {16u,  24u,  32u,  40u,  48u,  56u,  64u,   72u,   80u,  88u,
                                    96u,  104u, 112u, 120u, 128u, 160u, 192u,  224u,  256u, 320u,
                                    384u, 448u, 512u, 640u, 768u, 896u, 1024u, 1280u, 1536u,
                                    1792u, 2048u};
constexpr auto kClassOf = [] { // by size / 8, rounded up
  std::array<uint8_t, kMaxSmall / 8 + 1> table{};
  size_t c = 0;
  for (size_t units = 0; units < table.size(); ++units) {
    while (kClassSizes[c] < units * 8)
      ++c;
    table[units] = static_cast<uint8_t>(c);
  }
  return table;
}();

void*& next_free(void* cell) { return *reinterpret_cast<void**>(static_cast<char*>(cell) + 8); }

} // namespace

struct Heap::Chunk {
  uint8_t* cells;
  uint32_t cell_size;
  uint32_t capacity; // cells
  uint32_t carved;   // cells handed out at least once (the rest were never touched)
};

Heap::Heap(StorageBudget& own, StorageBudget& shared)
    : own_budget_(own), shared_budget_(shared), classes_(kClassSizes.size()) {
  for (size_t c = 0; c < kClassSizes.size(); ++c)
    classes_[c].cell_size = kClassSizes[c];
}

Heap::~Heap() {
  for (SizeClass& cls : classes_)
    for (Chunk* chunk : cls.chunks)
      release_chunk(chunk);
  for (const Large& l : large_) {
    std::free(l.object);
    refund(l.bytes);
  }
}

bool Heap::charge(uint64_t bytes) {
  if (!own_budget_.charge(bytes)) return false;
  if (shared_budget_.charge(bytes)) return true;
  own_budget_.refund(bytes);
  return false;
}

void Heap::refund(uint64_t bytes) {
  own_budget_.refund(bytes);
  shared_budget_.refund(bytes);
}

Heap::Chunk* Heap::new_chunk(uint32_t cell_size) {
  if (!charge(kChunkBytes)) return nullptr;
  void* memory =
      mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    refund(kChunkBytes);
    return nullptr;
  }
  heap_bytes_ += kChunkBytes;
  return new Chunk{static_cast<uint8_t*>(memory), cell_size,
                   static_cast<uint32_t>(kChunkBytes / cell_size), 0};
}

void Heap::release_chunk(Chunk* chunk) {
  munmap(chunk->cells, kChunkBytes);
  refund(kChunkBytes);
  heap_bytes_ -= kChunkBytes;
  delete chunk;
}

void* Heap::allocate(size_t bytes, ObjectKind kind, uint32_t type_id) {
  std::lock_guard lock(mutex_);
  void* cell;
  uint32_t cls = 0;
  if (bytes <= kMaxSmall) {
    cls = kClassOf[(bytes + 7) / 8];
    cell = allocate_small(cls, bytes);
  } else {
    cell = allocate_large(bytes);
  }
  if (!cell) return nullptr;
  auto* h = static_cast<ObjectHeader*>(cell);
  *h = ObjectHeader{kind, 0, static_cast<uint16_t>(cls), type_id};
  return cell;
}

void* Heap::allocate_small(uint32_t cls, size_t bytes) {
  SizeClass& c = classes_[cls];
  void* cell = c.free;
  if (cell) {
    c.free = next_free(cell);
    std::memset(cell, 0, c.cell_size);
  } else {
    if (!c.bump || c.bump->carved == c.bump->capacity) {
      Chunk* chunk = new_chunk(c.cell_size);
      if (!chunk) return nullptr;
      c.chunks.push_back(chunk);
      c.bump = chunk;
    }
    // Never handed out: still zero from mmap.
    cell = c.bump->cells + size_t{c.bump->carved++} * c.cell_size;
  }
  (void)bytes;
  allocated_since_collection_ += c.cell_size;
  return cell;
}

void* Heap::allocate_large(size_t bytes) {
  if (!charge(bytes)) return nullptr;
  void* object = std::calloc(1, bytes);
  if (!object) {
    refund(bytes);
    return nullptr;
  }
  large_.push_back({object, bytes});
  heap_bytes_ += bytes;
  allocated_since_collection_ += bytes;
  return object;
}

void Heap::trace() {
  while (!mark_stack_.empty()) {
    ObjectHeader* h = mark_stack_.back();
    mark_stack_.pop_back();
    auto* bytes = reinterpret_cast<uint8_t*>(h);
    switch (h->kind) {
    case ObjectKind::Struct:
      for (uint32_t offset : layout_of(h->type_id).ref_offsets) {
        Ref r;
        std::memcpy(&r, bytes + offset, sizeof r);
        mark(r);
      }
      break;
    case ObjectKind::Array:
      if (layout_of(h->type_id).elem == Rep::Ref) {
        auto* array = reinterpret_cast<ArrayObject*>(h);
        const auto* elements = reinterpret_cast<const Ref*>(array->elements());
        for (uint32_t i = 0; i < array->length; ++i)
          mark(elements[i]);
      }
      break;
    case ObjectKind::Exception: {
      auto* exn = reinterpret_cast<Exception*>(h);
      const Slot* slot = exn->payload();
      for (const ValType& t : exn->params->params) {
        if (t.is_ref()) mark(*slot);
        slot += slot_count(t);
      }
      break;
    }
    default: break;
    }
  }
}

void Heap::sweep() {
  uint64_t live = 0;
  for (SizeClass& c : classes_) {
    void* free_head = nullptr;
    void** free_tail = &free_head;
    std::vector<Chunk*> kept;
    kept.reserve(c.chunks.size());
    for (Chunk* chunk : c.chunks) {
      void* chunk_head = nullptr;
      void** chunk_tail = &chunk_head;
      uint32_t live_cells = 0;
      for (uint32_t i = 0; i < chunk->carved; ++i) {
        uint8_t* cell = chunk->cells + size_t{i} * c.cell_size;
        auto* h = reinterpret_cast<ObjectHeader*>(cell);
        if (h->kind != ObjectKind::Free && h->marked) {
          h->marked = 0;
          ++live_cells;
          continue;
        }
        h->kind = ObjectKind::Free;
        *chunk_tail = cell;
        chunk_tail = &next_free(cell);
      }
      // An empty chunk goes back to the system, unless it is the one being
      // carved (it would be asked for again at once).
      if (live_cells == 0 && chunk != c.bump) {
        release_chunk(chunk);
        continue;
      }
      live += uint64_t{live_cells} * c.cell_size;
      *chunk_tail = nullptr;
      if (chunk_head) {
        *free_tail = chunk_head;
        free_tail = chunk_tail;
      }
      kept.push_back(chunk);
    }
    *free_tail = nullptr;
    c.free = free_head;
    c.chunks = std::move(kept);
  }
  std::erase_if(large_, [&](const Large& l) {
    auto* h = static_cast<ObjectHeader*>(l.object);
    if (h->marked) {
      h->marked = 0;
      live += l.bytes;
      return false;
    }
    std::free(l.object);
    refund(l.bytes);
    heap_bytes_ -= l.bytes;
    return true;
  });
  live_bytes_ = live;
  allocated_since_collection_ = 0;
  trigger_ = std::max<uint64_t>(kMinTrigger, live);
  ++collections_;
}

} // namespace kite::gc
