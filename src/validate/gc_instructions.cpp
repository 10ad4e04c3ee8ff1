// The validator's GC instructions (struct, array, i31, casts), a file of the
// GC feature (KITE_GC): instruction() hands them here.
#include "validate/validator.h"

namespace kite::validation {

Result<const CompositeType*> Validator::composite_at(uint32_t type_index, CompositeKind kind) {
  if (type_index >= m_.types.size()) return fail("unknown type " + std::to_string(type_index));
  // The registry's copy has canonical ids in its field types.
  const CompositeType& c = reg_.type(m_.canonical_types[type_index]).comp;
  if (c.kind != kind) return mismatch();
  return &c;
}

Status Validator::br_on_cast(bool on_fail) {
  KITE_TRY(check_heap_type(in_.cast_from.heap, in_.offset));
  KITE_TRY(check_heap_type(in_.cast_to.heap, in_.offset));
  const ValType from = canon(in_.cast_from);
  const ValType to = canon(in_.cast_to);
  if (!subtype(to, from)) return mismatch();
  KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
  const auto types = target->label_types();
  if (types.empty() || !types.back().is_ref()) return mismatch();
  // The value that leaves on the branch, and the one that stays.
  const ValType diff = ValType::ref(from.heap, from.nullable && !to.nullable);
  const ValType branched = on_fail ? diff : to;
  const ValType stays = on_fail ? to : diff;
  if (!subtype(branched, types.back())) return mismatch();
  KITE_TRY(pop(from));
  scratch_.assign(types.begin(), types.end() - 1);
  KITE_TRY(pop_all(scratch_));
  push_all(scratch_);
  push(stays);
  return {};
}

Status Validator::gc_instruction() {
  switch (in_.op) {
  case Op::RefEq:
    KITE_TRY(pop(ref_of(HeapKind::Eq, true)));
    KITE_TRY(pop(ref_of(HeapKind::Eq, true)));
    push(kI32);
    return {};
  case Op::StructNew:
  case Op::StructNewDefault: {
    KITE_TRY_ASSIGN(const CompositeType* c, composite_at(in_.a, CompositeKind::Struct));
    if (in_.op == Op::StructNew) {
      for (size_t i = c->fields.size(); i-- > 0;)
        KITE_TRY(pop(c->fields[i].storage.unpacked()));
    } else {
      for (const FieldType& f : c->fields) {
        if (!is_defaultable(f.storage.unpacked())) return mismatch();
      }
    }
    push(ValType::ref(canon(HeapType::of_index(in_.a)), false));
    return {};
  }
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU:
  case Op::StructSet: {
    KITE_TRY_ASSIGN(const CompositeType* c, composite_at(in_.a, CompositeKind::Struct));
    if (in_.b >= c->fields.size()) return fail("unknown field " + std::to_string(in_.b));
    const FieldType& f = c->fields[in_.b];
    const bool packed = f.storage.packed != Packed::None;
    if ((in_.op == Op::StructGet && packed) ||
        ((in_.op == Op::StructGetS || in_.op == Op::StructGetU) && !packed)) {
      return mismatch();
    }
    if (in_.op == Op::StructSet) {
      if (!f.mut) return fail("immutable field");
      KITE_TRY(pop(f.storage.unpacked()));
    }
    KITE_TRY(pop(ValType::ref(canon(HeapType::of_index(in_.a)), true)));
    if (in_.op != Op::StructSet) push(f.storage.unpacked());
    return {};
  }
  case Op::ArrayNew:
  case Op::ArrayNewDefault:
  case Op::ArrayNewFixed:
  case Op::ArrayNewData:
  case Op::ArrayNewElem: {
    KITE_TRY_ASSIGN(const CompositeType* c, composite_at(in_.a, CompositeKind::Array));
    const ValType elem = c->elem.storage.unpacked();
    switch (in_.op) {
    case Op::ArrayNew:
      KITE_TRY(pop(kI32));
      KITE_TRY(pop(elem));
      break;
    case Op::ArrayNewDefault:
      if (!is_defaultable(elem)) return mismatch();
      KITE_TRY(pop(kI32));
      break;
    case Op::ArrayNewFixed:
      for (uint32_t i = 0; i < in_.b; ++i)
        KITE_TRY(pop(elem));
      break;
    case Op::ArrayNewData:
      if (elem.is_ref()) return fail("array type is not numeric or vector");
      KITE_TRY(check_data(in_.b));
      KITE_TRY(pop(kI32));
      KITE_TRY(pop(kI32));
      break;
    default: // ArrayNewElem
      KITE_TRY(check_elem(in_.b));
      if (!subtype(canon(m_.elems[in_.b].type), elem)) return mismatch();
      KITE_TRY(pop(kI32));
      KITE_TRY(pop(kI32));
      break;
    }
    push(ValType::ref(canon(HeapType::of_index(in_.a)), false));
    return {};
  }
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU:
  case Op::ArraySet:
  case Op::ArrayFill:
  case Op::ArrayInitData:
  case Op::ArrayInitElem: {
    KITE_TRY_ASSIGN(const CompositeType* c, composite_at(in_.a, CompositeKind::Array));
    const FieldType& f = c->elem;
    const ValType elem = f.storage.unpacked();
    const ValType ref = ValType::ref(canon(HeapType::of_index(in_.a)), true);
    const bool packed = f.storage.packed != Packed::None;
    switch (in_.op) {
    case Op::ArrayGet:
    case Op::ArrayGetS:
    case Op::ArrayGetU:
      if ((in_.op == Op::ArrayGet) == packed) return mismatch();
      KITE_TRY(pop(kI32));
      KITE_TRY(pop(ref));
      push(elem);
      return {};
    default: break;
    }
    if (!f.mut) return fail("immutable array");
    switch (in_.op) {
    case Op::ArraySet:
      KITE_TRY(pop(elem));
      KITE_TRY(pop(kI32));
      break;
    case Op::ArrayFill:
      KITE_TRY(pop(kI32));
      KITE_TRY(pop(elem));
      KITE_TRY(pop(kI32));
      break;
    case Op::ArrayInitData:
      if (elem.is_ref()) return fail("array type is not numeric or vector");
      KITE_TRY(check_data(in_.b));
      for (int i = 0; i < 3; ++i)
        KITE_TRY(pop(kI32));
      break;
    default: // ArrayInitElem
      KITE_TRY(check_elem(in_.b));
      if (!subtype(canon(m_.elems[in_.b].type), elem)) return mismatch();
      for (int i = 0; i < 3; ++i)
        KITE_TRY(pop(kI32));
      break;
    }
    KITE_TRY(pop(ref));
    return {};
  }
  case Op::ArrayLen:
    KITE_TRY(pop(ref_of(HeapKind::Array, true)));
    push(kI32);
    return {};
  case Op::ArrayCopy: {
    KITE_TRY_ASSIGN(const CompositeType* dst, composite_at(in_.a, CompositeKind::Array));
    KITE_TRY_ASSIGN(const CompositeType* src, composite_at(in_.b, CompositeKind::Array));
    if (!dst->elem.mut) return fail("immutable array");
    const StorageType& ds = dst->elem.storage;
    const StorageType& ss = src->elem.storage;
    const bool match =
        ds.packed == ss.packed && (ds.packed != Packed::None || subtype(ss.type, ds.type));
    if (!match) return fail("array types do not match");
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(ValType::ref(canon(HeapType::of_index(in_.b)), true)));
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(ValType::ref(canon(HeapType::of_index(in_.a)), true)));
    return {};
  }
  case Op::RefTest:
  case Op::RefTestNull:
  case Op::RefCast:
  case Op::RefCastNull: {
    KITE_TRY(check_heap_type(in_.heap, in_.offset));
    const HeapType target = canon(in_.heap);
    KITE_TRY_ASSIGN(ValType t, pop_ref());
    const HeapKind top = reg_.top_of(t.heap);
    if (top != HeapKind::Bot && top != reg_.top_of(target)) return mismatch();
    if (in_.op == Op::RefTest || in_.op == Op::RefTestNull) {
      push(kI32);
    } else {
      push(ValType::ref(target, in_.op == Op::RefCastNull));
    }
    return {};
  }
  case Op::BrOnCast: return br_on_cast(false);
  case Op::BrOnCastFail: return br_on_cast(true);
  case Op::AnyConvertExtern:
  case Op::ExternConvertAny: {
    const bool to_any = in_.op == Op::AnyConvertExtern;
    KITE_TRY_ASSIGN(ValType t, pop(ref_of(to_any ? HeapKind::Extern : HeapKind::Any, true)));
    push(ref_of(to_any ? HeapKind::Any : HeapKind::Extern, t.kind == ValKind::Bot || t.nullable));
    return {};
  }
  case Op::RefI31:
    KITE_TRY(pop(kI32));
    push(ref_of(HeapKind::I31, false));
    return {};
  case Op::I31GetS:
  case Op::I31GetU:
    KITE_TRY(pop(ref_of(HeapKind::I31, true)));
    push(kI32);
    return {};
  default: break;
  }
  return fail("illegal opcode");
}

} // namespace kite::validation
