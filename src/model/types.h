// The wasm type system: value types, heap types, composite and sub types.
// Type indices here are module-relative; canonical (cross-module) identity
// is provided by TypeRegistry (type_registry.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kite {

// Abstract heap types; `Index` means a concrete, module-relative type index.
enum class HeapKind : uint8_t {
  Index,
  Func,
  NoFunc,
  Extern,
  NoExtern,
  Any,
  Eq,
  I31,
  Struct,
  Array,
  None,
  Exn,
  NoExn,
  Bot, // validator-internal: the bottom of every hierarchy (unreachable code)
};

struct HeapType {
  HeapKind kind = HeapKind::Func;
  uint32_t index = 0; // valid when kind == Index

  static HeapType abstract(HeapKind k) { return HeapType{k, 0}; }
  static HeapType of_index(uint32_t i) { return HeapType{HeapKind::Index, i}; }
  bool is_index() const { return kind == HeapKind::Index; }
  bool operator==(const HeapType&) const = default;
};

enum class ValKind : uint8_t { I32, I64, F32, F64, V128, Ref, Bot /* validator: unknown */ };

struct ValType {
  ValKind kind = ValKind::I32;
  bool nullable = false; // refs only
  HeapType heap{};       // refs only

  static ValType i32() { return {ValKind::I32, false, {}}; }
  static ValType i64() { return {ValKind::I64, false, {}}; }
  static ValType f32() { return {ValKind::F32, false, {}}; }
  static ValType f64() { return {ValKind::F64, false, {}}; }
  static ValType v128() { return {ValKind::V128, false, {}}; }
  static ValType ref(HeapType h, bool null) { return {ValKind::Ref, null, h}; }
  static ValType funcref() { return ref(HeapType::abstract(HeapKind::Func), true); }
  static ValType externref() { return ref(HeapType::abstract(HeapKind::Extern), true); }
  bool is_ref() const { return kind == ValKind::Ref; }
  bool is_num() const { return kind <= ValKind::F64; }
  bool operator==(const ValType& o) const {
    return kind == o.kind && (kind != ValKind::Ref || (nullable == o.nullable && heap == o.heap));
  }
};

// Number of 64-bit value slots a value of this type occupies (v128 takes 2).
inline uint32_t slot_count(ValType t) { return t.kind == ValKind::V128 ? 2 : 1; }
// Slots taken by a sequence of values (parameters, results, locals).
inline uint32_t slot_count(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types)
    n += slot_count(t);
  return n;
}

enum class Packed : uint8_t { None, I8, I16 };

struct StorageType {
  ValType type{};               // meaningful when packed == None
  Packed packed = Packed::None; // i8 / i16 fields of structs and arrays
  bool operator==(const StorageType& o) const {
    return packed == o.packed && (packed != Packed::None || type == o.type);
  }
  // The value type used on the operand stack for this storage type.
  ValType unpacked() const { return packed == Packed::None ? type : ValType::i32(); }
};

struct FieldType {
  StorageType storage;
  bool mut = false;
  bool operator==(const FieldType&) const = default;
};

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};

enum class CompositeKind : uint8_t { Func, Struct, Array };

struct CompositeType {
  CompositeKind kind = CompositeKind::Func;
  FuncType func;                 // kind == Func
  std::vector<FieldType> fields; // kind == Struct
  FieldType elem;                // kind == Array
};

struct SubType {
  bool final = true;
  std::vector<uint32_t> supers; // module-relative type indices (0 or 1 entries)
  CompositeType comp;
  uint32_t rec_group = 0; // index into Module::rec_groups
};

struct RecGroup {
  uint32_t first = 0; // first type index of the group
  uint32_t count = 0;
};

std::string to_string(ValType t);
std::string to_string(HeapType h);

} // namespace kite
