#include "model/type_registry.h"

namespace kite {

TypeRegistry& TypeRegistry::global() {
  // Never destroyed: canonical ids stay valid for objects that outlive main.
  static TypeRegistry* registry = new TypeRegistry();
  return *registry;
}

size_t TypeRegistry::KeyHash::operator()(const std::vector<uint32_t>& key) const {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint32_t w : key)
    h = (h ^ w) * 0x100000001b3ull;
  return static_cast<size_t>(h);
}

TypeRegistry::Entry& TypeRegistry::new_entry(uint32_t id) {
  uint32_t c = chunk_of(id);
  auto& chunk = chunks_[c];
  Entry* entries = chunk.load(std::memory_order_relaxed);
  if (!entries) {
    entries = new Entry[chunk_size(c)];
    chunk.store(entries, std::memory_order_release);
  }
  return entries[id - chunk_start(c)];
}

namespace {

// Builds the structural key of a rec group: every type reference is encoded
// either as (1, position within the group) or as (2, canonical id).
class KeyBuilder {
public:
  KeyBuilder(const RecGroup& g, const std::vector<uint32_t>& canonical)
      : group_(g), canonical_(canonical) {}

  void add(uint32_t w) { key.push_back(w); }
  void add_index(uint32_t index) {
    if (index >= group_.first) {
      add(1);
      add(index - group_.first);
    } else {
      add(2);
      add(canonical_[index]);
    }
  }
  void add_heap(HeapType h) {
    add(static_cast<uint32_t>(h.kind));
    if (h.is_index()) add_index(h.index);
  }
  void add_val(ValType t) {
    add(static_cast<uint32_t>(t.kind));
    if (t.is_ref()) {
      add(t.nullable);
      add_heap(t.heap);
    }
  }
  void add_field(const FieldType& f) {
    add(static_cast<uint32_t>(f.storage.packed));
    if (f.storage.packed == Packed::None) add_val(f.storage.type);
    add(f.mut);
  }
  void add_sub(const SubType& st) {
    add(st.final);
    add(static_cast<uint32_t>(st.supers.size()));
    for (uint32_t s : st.supers)
      add_index(s);
    const CompositeType& c = st.comp;
    add(static_cast<uint32_t>(c.kind));
    switch (c.kind) {
    case CompositeKind::Func:
      add(static_cast<uint32_t>(c.func.params.size()));
      for (ValType t : c.func.params)
        add_val(t);
      add(static_cast<uint32_t>(c.func.results.size()));
      for (ValType t : c.func.results)
        add_val(t);
      break;
    case CompositeKind::Struct:
      add(static_cast<uint32_t>(c.fields.size()));
      for (const FieldType& f : c.fields)
        add_field(f);
      break;
    case CompositeKind::Array: add_field(c.elem); break;
    }
  }

  std::vector<uint32_t> key;

private:
  const RecGroup& group_;
  const std::vector<uint32_t>& canonical_;
};

// Rewrites module-relative indices of a type definition to canonical ids.
class Canonicalizer {
public:
  Canonicalizer(const RecGroup& g, uint32_t first_id, const std::vector<uint32_t>& canonical)
      : group_(g), first_id_(first_id), canonical_(canonical) {}

  uint32_t id(uint32_t index) const {
    return index >= group_.first ? first_id_ + (index - group_.first) : canonical_[index];
  }
  void val(ValType& t) const {
    if (t.is_ref() && t.heap.is_index()) t.heap.index = id(t.heap.index);
  }
  void sub(SubType& st) const {
    for (uint32_t& s : st.supers)
      s = id(s);
    st.rec_group = first_id_;
    CompositeType& c = st.comp;
    for (ValType& t : c.func.params)
      val(t);
    for (ValType& t : c.func.results)
      val(t);
    for (FieldType& f : c.fields)
      val(f.storage.type);
    val(c.elem.storage.type);
  }

private:
  const RecGroup& group_;
  uint32_t first_id_;
  const std::vector<uint32_t>& canonical_;
};

} // namespace

void TypeRegistry::register_group(const Module& m, const RecGroup& group,
                                  std::vector<uint32_t>& canonical) {
  KeyBuilder kb(group, canonical);
  kb.add(group.count);
  for (uint32_t i = 0; i < group.count; ++i)
    kb.add_sub(m.types[group.first + i]);

  std::lock_guard<std::mutex> lock(mutex_);
  auto [first, inserted] = groups_.try_emplace(std::move(kb.key));
  if (inserted) *first = count_;
  const uint32_t first_id = *first;
  if (inserted) {
    count_ += group.count;
    Canonicalizer canon(group, first_id, canonical);
    for (uint32_t i = 0; i < group.count; ++i) {
      Entry& e = new_entry(first_id + i);
      e.def = m.types[group.first + i];
      canon.sub(e.def);
      // Supertypes precede their subtypes (checked by the validator; an
      // invalid module's group is registered but never used).
      if (!e.def.supers.empty() && e.def.supers[0] < first_id + i) {
        e.ancestors = entry(e.def.supers[0]).ancestors;
      }
      e.ancestors.push_back(first_id + i);
    }
  }
  for (uint32_t i = 0; i < group.count; ++i)
    canonical.push_back(first_id + i);
}

HeapKind TypeRegistry::top_of(HeapType h) const {
  switch (h.kind) {
  case HeapKind::Index:
    return type(h.index).comp.kind == CompositeKind::Func ? HeapKind::Func : HeapKind::Any;
  case HeapKind::Func:
  case HeapKind::NoFunc: return HeapKind::Func;
  case HeapKind::Extern:
  case HeapKind::NoExtern: return HeapKind::Extern;
  case HeapKind::Exn:
  case HeapKind::NoExn: return HeapKind::Exn;
  case HeapKind::Bot: return HeapKind::Bot;
  default: return HeapKind::Any;
  }
}

HeapKind TypeRegistry::bottom_of(HeapType h) const {
  switch (top_of(h)) {
  case HeapKind::Func: return HeapKind::NoFunc;
  case HeapKind::Extern: return HeapKind::NoExtern;
  case HeapKind::Exn: return HeapKind::NoExn;
  case HeapKind::Bot: return HeapKind::Bot;
  default: return HeapKind::None;
  }
}

bool TypeRegistry::heap_subtype(HeapType a, HeapType b) const {
  if (a == b || a.kind == HeapKind::Bot) return true;
  if (b.kind == HeapKind::Bot) return false;
  if (a.is_index()) {
    if (b.is_index()) return is_subtype(a.index, b.index);
    switch (type(a.index).comp.kind) {
    case CompositeKind::Func: return b.kind == HeapKind::Func;
    case CompositeKind::Struct:
      return b.kind == HeapKind::Struct || b.kind == HeapKind::Eq || b.kind == HeapKind::Any;
    case CompositeKind::Array:
      return b.kind == HeapKind::Array || b.kind == HeapKind::Eq || b.kind == HeapKind::Any;
    }
    return false;
  }
  switch (a.kind) {
  case HeapKind::None:
  case HeapKind::NoFunc:
  case HeapKind::NoExtern:
  case HeapKind::NoExn: return bottom_of(b) == a.kind;
  case HeapKind::Eq: return b.kind == HeapKind::Any;
  case HeapKind::I31:
  case HeapKind::Struct:
  case HeapKind::Array: return b.kind == HeapKind::Eq || b.kind == HeapKind::Any;
  default: return false; // tops are only subtypes of themselves
  }
}

bool TypeRegistry::val_subtype(ValType a, ValType b) const {
  if (a.kind == ValKind::Bot) return true;
  if (a.kind != b.kind) return false;
  if (!a.is_ref()) return true;
  if (a.nullable && !b.nullable) return false;
  return heap_subtype(a.heap, b.heap);
}

bool TypeRegistry::matches_super(uint32_t sub, uint32_t super) const {
  const SubType& s = type(sub);
  const SubType& t = type(super);
  if (t.final || s.comp.kind != t.comp.kind) return false;
  auto field_matches = [&](const FieldType& a, const FieldType& b) {
    if (a.mut != b.mut || a.storage.packed != b.storage.packed) return false;
    if (a.storage.packed != Packed::None) return true;
    // Mutable fields are invariant, immutable ones covariant.
    return b.mut ? a.storage.type == b.storage.type : val_subtype(a.storage.type, b.storage.type);
  };
  switch (s.comp.kind) {
  case CompositeKind::Func: {
    const FuncType& a = s.comp.func;
    const FuncType& b = t.comp.func;
    if (a.params.size() != b.params.size() || a.results.size() != b.results.size()) return false;
    for (size_t i = 0; i < a.params.size(); ++i) {
      if (!val_subtype(b.params[i], a.params[i])) return false; // contravariant
    }
    for (size_t i = 0; i < a.results.size(); ++i) {
      if (!val_subtype(a.results[i], b.results[i])) return false;
    }
    return true;
  }
  case CompositeKind::Struct:
    if (s.comp.fields.size() < t.comp.fields.size()) return false;
    for (size_t i = 0; i < t.comp.fields.size(); ++i) {
      if (!field_matches(s.comp.fields[i], t.comp.fields[i])) return false;
    }
    return true;
  case CompositeKind::Array: return field_matches(s.comp.elem, t.comp.elem);
  }
  return false;
}

} // namespace kite
