#include "runtime/type_match.h"

namespace kite {
namespace {

// A heap type resolved against its module: abstract kind, or a concrete
// type's composite kind and canonical id.
struct ResolvedHeap {
  HeapKind kind;
  CompositeKind comp = CompositeKind::Func; // kind == Index
  uint32_t canonical = 0;                   // kind == Index
  bool has_canonical = false;
};

ResolvedHeap resolve(HeapType h, const Module* owner) {
  ResolvedHeap r{h.kind};
  if (!h.is_index() || owner == nullptr || h.index >= owner->types.size()) return r;
  r.comp = owner->types[h.index].comp.kind;
  if (h.index < owner->canonical_types.size()) {
    r.canonical = owner->canonical_types[h.index];
    r.has_canonical = true;
  }
  return r;
}

// Canonical subtyping between two concrete types. The canonical ids make
// iso-recursive equivalence an integer compare.
bool canonical_subtype(uint32_t sub, uint32_t super) { return sub == super; }

bool is_bottom(HeapKind k) {
  return k == HeapKind::NoFunc || k == HeapKind::NoExtern || k == HeapKind::None ||
         k == HeapKind::NoExn || k == HeapKind::Bot;
}

HeapKind top_of(const ResolvedHeap& h) {
  switch (h.kind) {
  case HeapKind::Index: return h.comp == CompositeKind::Func ? HeapKind::Func : HeapKind::Any;
  case HeapKind::Func:
  case HeapKind::NoFunc: return HeapKind::Func;
  case HeapKind::Extern:
  case HeapKind::NoExtern: return HeapKind::Extern;
  case HeapKind::Exn:
  case HeapKind::NoExn: return HeapKind::Exn;
  default: return HeapKind::Any;
  }
}

bool abstract_subtype(HeapKind sub, HeapKind super) {
  if (sub == super || super == HeapKind::Any) return true;
  if (super == HeapKind::Eq)
    return sub == HeapKind::I31 || sub == HeapKind::Struct || sub == HeapKind::Array;
  return false;
}

bool heap_matches(const ResolvedHeap& a, const ResolvedHeap& b) {
  if (a.kind == HeapKind::Bot) return true;
  if (top_of(a) != top_of(b)) return false;
  if (is_bottom(a.kind)) return true;
  if (a.kind == HeapKind::Index && b.kind == HeapKind::Index) {
    if (a.has_canonical && b.has_canonical) return canonical_subtype(a.canonical, b.canonical);
    return false;
  }
  if (a.kind == HeapKind::Index) {
    HeapKind as_abstract = a.comp == CompositeKind::Func     ? HeapKind::Func
                           : a.comp == CompositeKind::Struct ? HeapKind::Struct
                                                             : HeapKind::Array;
    return abstract_subtype(as_abstract, b.kind);
  }
  if (b.kind == HeapKind::Index) return false;
  return abstract_subtype(a.kind, b.kind);
}

// A host function type has no canonical id; compare it structurally. Host
// types only use abstract heap types, so structural equality is exact.
bool host_function_matches(const FuncType& actual, const FuncType& expected) {
  return actual == expected;
}

} // namespace

bool val_type_matches(ValType actual, const Module* actual_owner, ValType expected,
                      const Module* expected_owner) {
  if (actual.kind != expected.kind) return false;
  if (!actual.is_ref()) return true;
  if (actual.nullable && !expected.nullable) return false;
  return heap_matches(resolve(actual.heap, actual_owner), resolve(expected.heap, expected_owner));
}

bool val_type_equal(ValType a, const Module* a_owner, ValType b, const Module* b_owner) {
  return val_type_matches(a, a_owner, b, b_owner) && val_type_matches(b, b_owner, a, a_owner);
}

bool function_matches(const Function& fn, const Module& module, uint32_t type_index) {
  if (fn.instance == nullptr) return host_function_matches(*fn.type, module.func_type(type_index));
  if (type_index >= module.canonical_types.size()) return false;
  return canonical_subtype(fn.header.type_id, module.canonical_types[type_index]);
}

bool tag_matches(const Tag& tag, const Module& module, uint32_t type_index) {
  if (tag.host_type) return host_function_matches(*tag.type, module.func_type(type_index));
  if (type_index >= module.canonical_types.size()) return false;
  return tag.type_id == module.canonical_types[type_index];
}

} // namespace kite
