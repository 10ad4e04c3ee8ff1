// Import type matching across modules. Value and heap types in the model use
// module-relative type indices, so each side comes with the module that
// defines its indices (null for host objects, which use abstract types only);
// concrete types are compared through their canonical ids.
#pragma once

#include <cstdint>

#include "model/module.h"
#include "runtime/objects.h"

namespace kite {

// `actual` (from `actual_owner`) is a subtype of `expected` (from `expected_owner`).
bool val_type_matches(ValType actual, const Module* actual_owner, ValType expected,
                      const Module* expected_owner);
// Both types denote the same type.
bool val_type_equal(ValType a, const Module* a_owner, ValType b, const Module* b_owner);

// `fn`'s type is a subtype of `module`'s type `type_index`.
bool function_matches(const Function& fn, const Module& module, uint32_t type_index);
// `tag`'s type is exactly `module`'s type `type_index`.
bool tag_matches(const Tag& tag, const Module& module, uint32_t type_index);

// Registers a host function (or tag) type, which may use abstract heap types
// only, and returns its canonical id (for Function::header.type_id, Tag::type_id).
uint32_t canonical_host_func_type(const FuncType& type);

} // namespace kite
