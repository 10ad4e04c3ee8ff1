// Process-wide canonicalisation of defined types (GC spec iso-recursive type
// equivalence). Two types are equal iff their rec groups are structurally
// identical, where references inside the group are compared by relative
// position and references outside it by canonical identity. Each distinct
// type gets a canonical id (stable for the life of the process), so type
// equality across modules is an integer compare.
//
// The registry's copies of type definitions ("canonical types") use
// canonical ids, not module indices, in every HeapType::Index and in
// SubType::supers; SubType::rec_group is the canonical id of the group's
// first type.
//
// Thread-safe: registration takes a lock; lookups of an id that the caller
// obtained from the registry are lock-free.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "model/module.h"
#include "support/hash_table.h"

namespace kite {

class TypeRegistry {
public:
  // The registry shared by every module and store of the process.
  static TypeRegistry& global();

  // Registers the types of `group` (module-relative indices in `m`); every
  // type index they reference must be below the group's end, and those
  // below its start must already have their canonical id in `canonical`.
  // Appends the group's canonical ids to `canonical`.
  void register_group(const Module& m, const RecGroup& group, std::vector<uint32_t>& canonical);

  // The canonical definition of `id` (see above for what its indices mean).
  const SubType& type(uint32_t id) const { return entry(id).def; }

  // Declared subtyping, transitive and reflexive: O(1).
  bool is_subtype(uint32_t sub, uint32_t super) const {
    const Entry& s = entry(sub);
    const Entry& t = entry(super);
    return s.ancestors.size() > t.depth() && s.ancestors[t.depth()] == super;
  }

  // Subtyping of heap and value types whose concrete indices are canonical ids.
  bool heap_subtype(HeapType a, HeapType b) const;
  bool val_subtype(ValType a, ValType b) const;

  // The abstract top (Any, Func, Extern, Exn) and bottom (None, NoFunc,
  // NoExtern, NoExn) of the hierarchy a heap type belongs to.
  HeapKind top_of(HeapType h) const;
  HeapKind bottom_of(HeapType h) const;

  // True if canonical type `sub` may declare `super` as its supertype:
  // `super` is not final and its definition matches structurally.
  bool matches_super(uint32_t sub, uint32_t super) const;

private:
  struct Entry {
    SubType def;
    // The supertype chain from the root down to this type itself.
    std::vector<uint32_t> ancestors;
    size_t depth() const { return ancestors.size() - 1; }
  };
  // Entries live in chunks that never move (readers take no lock): chunk 0
  // holds ids 0-63, chunk c >= 1 the 32 << c ids from 32 << c on, so a
  // process with a few types allocates (and constructs) a few KiB.
  static constexpr uint32_t kFirstChunkBits = 6;
  static constexpr uint32_t kMaxChunks = 20; // 16M distinct types
  static uint32_t chunk_of(uint32_t id) {
    return id >> kFirstChunkBits ? std::bit_width(id) - kFirstChunkBits : 0;
  }
  static uint32_t chunk_start(uint32_t c) { return c ? 1u << (c + kFirstChunkBits - 1) : 0; }
  static uint32_t chunk_size(uint32_t c) {
    return 1u << (c ? c + kFirstChunkBits - 1 : kFirstChunkBits);
  }

  const Entry& entry(uint32_t id) const {
    uint32_t c = chunk_of(id);
    return chunks_[c].load(std::memory_order_acquire)[id - chunk_start(c)];
  }
  Entry& new_entry(uint32_t id);

  struct KeyHash {
    size_t operator()(const std::vector<uint32_t>& key) const;
  };

  std::mutex mutex_;
  uint32_t count_ = 0;
  std::atomic<Entry*> chunks_[kMaxChunks] = {};
  HashTable<std::vector<uint32_t>, uint32_t, KeyHash> groups_; // key -> first id
};

} // namespace kite
