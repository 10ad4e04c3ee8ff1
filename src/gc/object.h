// What every reference points at, and the objects the GC heap holds.
//
// A reference is one 64-bit slot (Ref). 0 is null. An odd value is an i31
// (ref.i31: the 31-bit payload in bits 1..31), never followed. Any other
// value points at an object whose first 8 bytes are an ObjectHeader saying
// what it is. Functions and extern boxes are owned by their store and live
// as long as it does; structs, arrays and exceptions live in the store's GC
// heap (heap.h) and die when no root reaches them.
#pragma once

#include <cstdint>
#include <cstring>

#include "model/types.h"

namespace kite {

using Slot = uint64_t;
using Ref = uintptr_t;
inline constexpr Ref kNullRef = 0;

inline bool is_i31(Ref r) { return r & 1; }
inline Ref make_i31(uint32_t v) { return Ref{v & 0x7fffffffu} << 1 | 1; }
inline int32_t i31_signed(Ref r) { return static_cast<int32_t>(static_cast<uint32_t>(r)) >> 1; }
inline uint32_t i31_unsigned(Ref r) { return static_cast<uint32_t>(r) >> 1 & 0x7fffffffu; }

// Free marks a GC heap cell that holds no object.
enum class ObjectKind : uint8_t { Function, Extern, Struct, Array, Exception, Free = 0xFF };

struct ObjectHeader {
  ObjectKind kind;
  uint8_t marked = 0;      // GC heap objects: reached in the current collection
  uint16_t size_class = 0; // GC heap objects: the cell size class (heap.cpp)
  uint32_t type_id = 0;    // canonical type id (TypeRegistry): functions, structs, arrays
};
static_assert(sizeof(ObjectHeader) == 8);

inline bool is_heap_kind(ObjectKind k) {
  return k == ObjectKind::Struct || k == ObjectKind::Array || k == ObjectKind::Exception;
}
inline const ObjectHeader* header_of(Ref r) { return reinterpret_cast<const ObjectHeader*>(r); }

namespace gc {

// A struct: the header, then its fields at the offsets of its TypeLayout.
inline constexpr uint32_t kStructFieldsOffset = sizeof(ObjectHeader);
// An array: the header, its length, then its elements.
struct ArrayObject {
  ObjectHeader header;
  uint32_t length;
  uint32_t padding;
  uint8_t* elements() { return reinterpret_cast<uint8_t*>(this + 1); }
};
inline constexpr uint32_t kArrayElementsOffset = sizeof(ArrayObject);
static_assert(kArrayElementsOffset == 16);

} // namespace gc

struct Tag;

// A thrown wasm exception (an exnref points here): its tag, compared by
// identity (an imported tag is the exporter's object), and its payload in the
// tag's parameter slots, which the collector reads through `params`.
struct Exception {
  ObjectHeader header;
  Tag* tag;
  const FuncType* params;
  uint32_t count; // payload slots
  uint32_t padding;
  Slot* payload() { return reinterpret_cast<Slot*>(this + 1); }
  const Slot* payload() const { return reinterpret_cast<const Slot*>(this + 1); }
};

} // namespace kite
