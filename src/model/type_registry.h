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
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/module.h"

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
  static constexpr uint32_t kChunkBits = 12;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;
  static constexpr uint32_t kMaxChunks = 4096; // 16M distinct types

  const Entry& entry(uint32_t id) const {
    return chunks_[id >> kChunkBits].load(std::memory_order_acquire)[id & (kChunkSize - 1)];
  }
  Entry& new_entry(uint32_t id);

  struct KeyHash {
    size_t operator()(const std::vector<uint32_t>& key) const;
  };

  std::mutex mutex_;
  uint32_t count_ = 0;
  std::atomic<Entry*> chunks_[kMaxChunks] = {};
  std::unordered_map<std::vector<uint32_t>, uint32_t, KeyHash> groups_; // key -> first id
};

} // namespace kite
