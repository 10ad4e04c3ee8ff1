#include "gc/layout.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <memory>
#include <mutex>

#include "model/type_registry.h"

namespace kite::gc {

Rep rep_of(const StorageType& s) {
  if (s.packed == Packed::I8) return Rep::I8;
  if (s.packed == Packed::I16) return Rep::I16;
  switch (s.type.kind) {
  case ValKind::I32:
  case ValKind::F32: return Rep::I32;
  case ValKind::I64:
  case ValKind::F64: return Rep::I64;
  case ValKind::V128: return Rep::V128;
  default: return Rep::Ref;
  }
}

namespace {

std::unique_ptr<TypeLayout> compute_layout(uint32_t type_id) {
  const SubType& def = TypeRegistry::global().type(type_id);
  auto layout = std::make_unique<TypeLayout>();
  layout->type_id = type_id;
  layout->kind = def.comp.kind;
  if (def.comp.kind == CompositeKind::Array) {
    layout->elem = rep_of(def.comp.elem.storage);
    layout->elem_size = rep_size(layout->elem);
    return layout;
  }
  // Fields in declaration order, each aligned to its width (at most 8), so a
  // subtype's fields sit where its supertype's do.
  uint32_t offset = kStructFieldsOffset;
  for (const FieldType& f : def.comp.fields) {
    Rep rep = rep_of(f.storage);
    uint32_t align = std::min(rep_size(rep), 8u);
    offset = (offset + align - 1) & ~(align - 1);
    layout->fields.push_back({offset, rep});
    if (rep == Rep::Ref) layout->ref_offsets.push_back(offset);
    offset += rep_size(rep);
  }
  layout->size = (offset + 7) & ~7u;
  layout->slot_fields = std::all_of(layout->fields.begin(), layout->fields.end(),
                                    [](auto& f) { return f.rep == Rep::I64 || f.rep == Rep::Ref; });
  return layout;
}

// Layouts by canonical id, in chunks that never move (as the registry's):
// readers take no lock.
constexpr uint32_t kFirstChunkBits = 6;
constexpr uint32_t kMaxChunks = 20;
uint32_t chunk_of(uint32_t id) {
  return id >> kFirstChunkBits ? std::bit_width(id) - kFirstChunkBits : 0;
}
uint32_t chunk_start(uint32_t c) { return c ? 1u << (c + kFirstChunkBits - 1) : 0; }
uint32_t chunk_size(uint32_t c) { return 1u << (c ? c + kFirstChunkBits - 1 : kFirstChunkBits); }

std::atomic<std::atomic<const TypeLayout*>*> chunks[kMaxChunks];
std::mutex compute_mutex;

} // namespace

const TypeLayout& layout_of(uint32_t type_id) {
  const uint32_t c = chunk_of(type_id);
  std::atomic<const TypeLayout*>* chunk = chunks[c].load(std::memory_order_acquire);
  if (chunk) {
    if (const TypeLayout* l = chunk[type_id - chunk_start(c)].load(std::memory_order_acquire))
      return *l;
  }
  std::lock_guard lock(compute_mutex);
  chunk = chunks[c].load(std::memory_order_relaxed);
  if (!chunk) {
    chunk = new std::atomic<const TypeLayout*>[chunk_size(c)]();
    chunks[c].store(chunk, std::memory_order_release);
  }
  std::atomic<const TypeLayout*>& entry = chunk[type_id - chunk_start(c)];
  if (const TypeLayout* l = entry.load(std::memory_order_relaxed)) return *l;
  const TypeLayout* l = compute_layout(type_id).release(); // lives as long as the registry
  entry.store(l, std::memory_order_release);
  return *l;
}

} // namespace kite::gc
