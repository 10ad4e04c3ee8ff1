#include "runtime/type_match.h"

#include "model/type_registry.h"

namespace kite {
namespace {

// `t` with its concrete heap type index replaced by the canonical id, the
// form TypeRegistry compares. Host types (no owner) are abstract already.
ValType canonicalize(ValType t, const Module* owner) {
  if (t.is_ref() && t.heap.is_index() && owner != nullptr &&
      t.heap.index < owner->canonical_types.size())
    t.heap.index = owner->canonical_types[t.heap.index];
  return t;
}

} // namespace

bool val_type_matches(ValType actual, const Module* actual_owner, ValType expected,
                      const Module* expected_owner) {
  return TypeRegistry::global().val_subtype(canonicalize(actual, actual_owner),
                                            canonicalize(expected, expected_owner));
}

bool val_type_equal(ValType a, const Module* a_owner, ValType b, const Module* b_owner) {
  return val_type_matches(a, a_owner, b, b_owner) && val_type_matches(b, b_owner, a, a_owner);
}

bool function_matches(const Function& fn, const Module& module, uint32_t type_index) {
  if (type_index >= module.canonical_types.size()) return false;
  return TypeRegistry::global().is_subtype(fn.header.type_id, module.canonical_types[type_index]);
}

bool tag_matches(const Tag& tag, const Module& module, uint32_t type_index) {
  if (type_index >= module.canonical_types.size()) return false;
  return tag.type_id == module.canonical_types[type_index];
}

uint32_t canonical_host_func_type(const FuncType& type) {
  Module holder;
  holder.types.push_back(SubType{true, {}, CompositeType{CompositeKind::Func, type, {}, {}}, 0});
  holder.rec_groups.push_back(RecGroup{0, 1});
  std::vector<uint32_t> ids;
  TypeRegistry::global().register_group(holder, holder.rec_groups[0], ids);
  return ids[0];
}

} // namespace kite
