#include "gc/heap.h"

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "gc/layout.h"

namespace kite::gc {

namespace {

constexpr size_t kChunkBytes = size_t{256} << 10;

} // namespace

struct Heap::Chunk {
  uint8_t* cells;
  uint32_t cell_size;
  uint32_t capacity; // cells
};

Heap::Heap(StorageBudget& own, StorageBudget& shared) : own_budget_(own), shared_budget_(shared) {
  for (size_t c = 0; c < kClassSizes.size(); ++c)
    classes_[c].cell_size = kClassSizes[c];
}

Heap::~Heap() {
  for (SizeClass& cls : classes_)
    for (Chunk* chunk : cls.chunks)
      unmap_chunk(chunk);
  for (Chunk* chunk : spare_)
    unmap_chunk(chunk);
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
  const uint32_t capacity = static_cast<uint32_t>(kChunkBytes / cell_size);
  if (!spare_.empty()) {
    Chunk* chunk = spare_.back();
    spare_.pop_back();
    chunk->cell_size = cell_size;
    chunk->capacity = capacity;
    return chunk;
  }
  if (!charge(kChunkBytes)) return nullptr;
  void* memory =
      mmap(nullptr, kChunkBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    refund(kChunkBytes);
    return nullptr;
  }
  heap_bytes_ += kChunkBytes;
  return new Chunk{static_cast<uint8_t*>(memory), cell_size, capacity};
}

// An empty chunk: kept for reuse while the spares hold less than a
// collection's worth of allocation (the next cycle would map as much again,
// and faulting fresh pages in cost more system time than the program's own
// work in an allocation-heavy loop), else returned to the system.
void Heap::release_chunk(Chunk* chunk) {
  if (spare_.size() < kMaxSpareChunks) {
    spare_.push_back(chunk);
    return;
  }
  unmap_chunk(chunk);
}

void Heap::unmap_chunk(Chunk* chunk) {
  munmap(chunk->cells, kChunkBytes);
  refund(kChunkBytes);
  heap_bytes_ -= kChunkBytes;
  delete chunk;
}

void* Heap::allocate_slow(size_t bytes, ObjectKind kind, uint32_t type_id, bool zero) {
  lock();
  void* cell;
  uint32_t cls = 0;
  if (bytes <= kMaxSmall) {
    cls = kClassOf[(bytes + 7) / 8];
    cell = carve(classes_[cls]);
  } else {
    cell = allocate_large(bytes);
  }
  if (cell)
    *static_cast<ObjectHeader*>(cell) = ObjectHeader{kind, 0, static_cast<uint16_t>(cls), type_id};
  unlock();
  if (cell && bytes <= kMaxSmall && zero)
    std::memset(static_cast<char*>(cell) + 8, 0, classes_[cls].cell_size - 8);
  return cell;
}

// A new chunk to carve cells from, and its first cell.
void* Heap::carve(SizeClass& c) {
  Chunk* chunk = new_chunk(c.cell_size);
  if (!chunk) return nullptr;
  c.chunks.push_back(chunk);
  c.bump = chunk;
  c.bump_next = chunk->cells + c.cell_size;
  c.bump_end = chunk->cells + size_t{chunk->capacity} * c.cell_size;
  note_allocated(c.cell_size);
  return chunk->cells;
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
  note_allocated(bytes);
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
      // Cells past the bump pointer were never handed out.
      const uint32_t carved =
          chunk == c.bump ? static_cast<uint32_t>((c.bump_next - chunk->cells) / c.cell_size)
                          : chunk->capacity;
      for (uint32_t i = 0; i < carved; ++i) {
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
  allocated_since_collection_.store(0, std::memory_order_relaxed);
  trigger_ = std::max<uint64_t>(kMinTrigger, live);
  ++collections_;
}

} // namespace kite::gc
