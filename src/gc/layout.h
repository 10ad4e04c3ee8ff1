// How a struct or array type is laid out in memory, per canonical type id.
// The translator bakes field offsets and widths into the IR; the collector
// reads where the references are.
#pragma once

#include <cstdint>
#include <vector>

#include "gc/object.h"
#include "model/types.h"

namespace kite::gc {

// How a field or element is stored: its width, and whether it is a reference.
// f32 is stored as I32 bits and f64 as I64 bits.
enum class Rep : uint8_t { I8, I16, I32, I64, V128, Ref };

inline uint32_t rep_size(Rep r) {
  constexpr uint8_t kSizes[] = {1, 2, 4, 8, 16, 8};
  return kSizes[static_cast<uint8_t>(r)];
}
Rep rep_of(const StorageType& s);

struct FieldLayout {
  uint32_t offset; // from the object's start
  Rep rep;
};

struct TypeLayout {
  uint32_t type_id = 0;
  CompositeKind kind = CompositeKind::Struct;
  // Struct: its size in bytes (header included), its fields, where its
  // references are.
  uint32_t size = 0;
  std::vector<FieldLayout> fields;
  std::vector<uint32_t> ref_offsets;
  // Every field is 8 bytes (i64, f64, a reference), one after the other:
  // struct.new copies its operand slots as they are.
  bool slot_fields = false;
  // Array: its elements.
  Rep elem = Rep::I32;
  uint32_t elem_size = 0;
};

// The layout of canonical struct or array type `type_id`, computed once
// (thread-safe; the reference stays valid for the life of the process).
const TypeLayout& layout_of(uint32_t type_id);

} // namespace kite::gc
