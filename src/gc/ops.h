// The semantics of the GC instructions, written once: the interpreter's
// handlers (src/interp/gc_handlers.inc) and constant-expression evaluation
// (src/runtime/instantiate.cpp) both use these.
#pragma once

#include <concepts>
#include <cstdint>
#include <cstring>

#include "gc/heap.h"
#include "gc/layout.h"
#include "model/type_registry.h"

namespace kite::gc {

inline constexpr const char* kNullStruct = "null structure reference";
inline constexpr const char* kNullArray = "null array reference";
inline constexpr const char* kNullI31 = "null i31 reference";
inline constexpr const char* kArrayOutOfBounds = "out of bounds array access";
inline constexpr const char* kCastFailure = "cast failure";
inline constexpr const char* kHeapLimit = "out of memory: GC heap limit";

// A field or element stored as `rep` at `p`, into slots (two for v128).
// Packed values are zero-extended; sign-extending reads use load_signed.
inline void load(Rep rep, const uint8_t* p, Slot* out) {
  switch (rep) {
  case Rep::I8: out[0] = *p; break;
  case Rep::I16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    out[0] = v;
    break;
  }
  case Rep::I32: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    out[0] = v;
    break;
  }
  case Rep::I64:
  case Rep::Ref: std::memcpy(out, p, 8); break;
  case Rep::V128: std::memcpy(out, p, 16); break;
  }
}
inline Slot load_signed(Rep rep, const uint8_t* p) {
  if (rep == Rep::I8) return static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(*p)));
  int16_t v;
  std::memcpy(&v, p, 2);
  return static_cast<uint32_t>(static_cast<int32_t>(v));
}
inline void store(Rep rep, uint8_t* p, const Slot* in) {
  switch (rep) {
  case Rep::I8: *p = static_cast<uint8_t>(in[0]); break;
  case Rep::I16: {
    auto v = static_cast<uint16_t>(in[0]);
    std::memcpy(p, &v, 2);
    break;
  }
  case Rep::I32: {
    auto v = static_cast<uint32_t>(in[0]);
    std::memcpy(p, &v, 4);
    break;
  }
  case Rep::I64:
  case Rep::Ref: std::memcpy(p, in, 8); break;
  case Rep::V128: std::memcpy(p, in, 16); break;
  }
}
inline uint32_t rep_slots(Rep rep) { return rep == Rep::V128 ? 2 : 1; }

inline uint8_t* object_bytes(Ref r) { return reinterpret_cast<uint8_t*>(r); }
inline ArrayObject* as_array(Ref r) { return reinterpret_cast<ArrayObject*>(r); }

// struct.new (values: one slot per field in order, two for v128) or, with
// values null, struct.new_default. Null when the heap refuses the memory.
inline Ref new_struct(Heap& heap, const TypeLayout& l, const Slot* values) {
  auto* object = static_cast<uint8_t*>(
      heap.allocate(l.size, ObjectKind::Struct, l.type_id, /*zero=*/values == nullptr));
  if (!object || !values) return reinterpret_cast<Ref>(object);
  if (l.slot_fields) {
    std::memcpy(object + kStructFieldsOffset, values, l.fields.size() * sizeof(Slot));
    return reinterpret_cast<Ref>(object);
  }
  for (const FieldLayout& f : l.fields) {
    store(f.rep, object + f.offset, values);
    values += rep_slots(f.rep);
  }
  return reinterpret_cast<Ref>(object);
}

// An array of `length` elements, zeroed (array.new_default) unless `zero` is
// false (the caller writes every element); null when the heap refuses it
// (also when it could never fit: 2^32 16-byte elements).
inline ArrayObject* new_array(Heap& heap, const TypeLayout& l, uint32_t length, bool zero = true) {
  const uint64_t bytes = kArrayElementsOffset + uint64_t{length} * l.elem_size;
  auto* array = static_cast<ArrayObject*>(heap.allocate(bytes, ObjectKind::Array, l.type_id, zero));
  if (array) array->length = length;
  return array;
}

// Writes `value` (slots) to elements [from, from + n).
inline void fill(ArrayObject* a, Rep rep, uint32_t from, uint32_t n, const Slot* value) {
  const uint32_t size = rep_size(rep);
  uint8_t* p = a->elements() + size_t{from} * size;
  for (uint32_t i = 0; i < n; ++i, p += size)
    store(rep, p, value);
}

// Elements [from, from + n) from `n` consecutive values (one slot each, two for v128).
inline void store_all(ArrayObject* a, Rep rep, uint32_t from, uint32_t n, const Slot* values) {
  const uint32_t size = rep_size(rep);
  uint8_t* p = a->elements() + size_t{from} * size;
  for (uint32_t i = 0; i < n; ++i, p += size, values += rep_slots(rep))
    store(rep, p, values);
}
// The same from an element segment's references, where a Ref is narrower
// than a Slot (32-bit hosts: kite.wasm); elsewhere the overload above.
template <typename R>
  requires(std::same_as<R, Ref> && !std::same_as<Ref, Slot>)
inline void store_all(ArrayObject* a, Rep rep, uint32_t from, uint32_t n, const R* refs) {
  for (uint32_t i = 0; i < n; ++i) {
    const Slot value = refs[i];
    store_all(a, rep, from + i, 1, &value);
  }
}

// array.new: `length` copies of `init`; array.new_fixed: `count` values
// (as store_all reads them). Null when the heap refuses the memory.
inline Ref new_array_filled(Heap& heap, const TypeLayout& l, uint32_t length, const Slot* init) {
  ArrayObject* a = new_array(heap, l, length, /*zero=*/false);
  if (a) fill(a, l.elem, 0, length, init);
  return reinterpret_cast<Ref>(a);
}
inline Ref new_array_fixed(Heap& heap, const TypeLayout& l, uint32_t count, const Slot* values) {
  ArrayObject* a = new_array(heap, l, count, /*zero=*/false);
  if (a) store_all(a, l.elem, 0, count, values);
  return reinterpret_cast<Ref>(a);
}

// Elements [from, from + n) from little-endian bytes (array.new_data, array.init_data).
inline void copy_bytes(ArrayObject* a, const TypeLayout& l, uint32_t from, uint32_t n,
                       const uint8_t* bytes) {
  if (n) std::memcpy(a->elements() + size_t{from} * l.elem_size, bytes, size_t{n} * l.elem_size);
}

// True when [start, start + n) lies within [0, size).
inline bool range_ok(uint64_t start, uint64_t n, uint64_t size) {
  return start <= size && n <= size - start;
}

// A cast target in one 32-bit immediate: a canonical type id, or
// kAbstractTarget | HeapKind for an abstract heap type.
inline constexpr uint32_t kAbstractTarget = 0x80000000u;
inline uint32_t cast_target(HeapType h, const uint32_t* canonical_ids) {
  return h.is_index() ? canonical_ids[h.index] : kAbstractTarget | static_cast<uint32_t>(h.kind);
}

// ref.test: does `r` (of any hierarchy) match the cast target?
inline bool ref_test(Ref r, uint32_t target, bool nullable) {
  if (r == kNullRef) return nullable;
  if (target & kAbstractTarget) {
    switch (static_cast<HeapKind>(target & 0xff)) {
    case HeapKind::Any:
    case HeapKind::Func:
    case HeapKind::Extern:
    case HeapKind::Exn: return true; // the static type says which hierarchy r is in
    case HeapKind::Eq:
      return is_i31(r) || header_of(r)->kind == ObjectKind::Struct ||
             header_of(r)->kind == ObjectKind::Array;
    case HeapKind::I31: return is_i31(r);
    case HeapKind::Struct: return !is_i31(r) && header_of(r)->kind == ObjectKind::Struct;
    case HeapKind::Array: return !is_i31(r) && header_of(r)->kind == ObjectKind::Array;
    default: return false; // the bottom types hold only null
    }
  }
  if (is_i31(r)) return false;
  const ObjectHeader* h = header_of(r);
  if (h->kind != ObjectKind::Struct && h->kind != ObjectKind::Array &&
      h->kind != ObjectKind::Function)
    return false;
  return h->type_id == target || TypeRegistry::global().is_subtype(h->type_id, target);
}

} // namespace kite::gc
