// Translation of the GC instructions (structs, arrays, i31, casts), members of
// class Translator (translator.h). Field
// and element accesses pick the IR op of their storage width from the
// type's layout (src/gc/layout.h); allocations are safe points whose stack
// maps include the operands they store (begin_safe_point).
#include "translate/translator.h"

namespace kite::ir::translation {

namespace gc_ops {

// The op reading a field or element stored as `rep` (signed: `_s`).
constexpr IrOp kStructGet[] = {IrOp::StructGetI8U, IrOp::StructGetI16U, IrOp::StructGetI32,
                               IrOp::StructGetI64, IrOp::StructGetV128, IrOp::StructGetI64};
constexpr IrOp kStructSet[] = {IrOp::StructSetI8,  IrOp::StructSetI16,  IrOp::StructSetI32,
                               IrOp::StructSetI64, IrOp::StructSetV128, IrOp::StructSetI64};
constexpr IrOp kArrayGet[] = {IrOp::ArrayGetI8U, IrOp::ArrayGetI16U, IrOp::ArrayGetI32,
                              IrOp::ArrayGetI64, IrOp::ArrayGetV128, IrOp::ArrayGetI64};
constexpr IrOp kArraySet[] = {IrOp::ArraySetI8,  IrOp::ArraySetI16,  IrOp::ArraySetI32,
                              IrOp::ArraySetI64, IrOp::ArraySetV128, IrOp::ArraySetI64};

IrOp get_op(const IrOp (&table)[6], gc::Rep rep, bool is_signed, IrOp i8s, IrOp i16s) {
  if (is_signed && rep == gc::Rep::I8) return i8s;
  if (is_signed && rep == gc::Rep::I16) return i16s;
  return table[static_cast<uint8_t>(rep)];
}

} // namespace gc_ops

Status Translator::translate_gc(const Instr& in) {
  const auto layout = [&](uint32_t type_index) -> const gc::TypeLayout& {
    return gc::layout_of(inst_.type_ids[type_index]);
  };
  // Pushes the temp(s) of a value stored as `rep`; returns the first slot.
  const auto push_rep = [&](gc::Rep rep) {
    if (rep == gc::Rep::V128) return push_v128_temp();
    return rep == gc::Rep::Ref ? push_ref_temp() : push_temp();
  };
  const auto pop_rep = [&](gc::Rep rep) { return rep == gc::Rep::V128 ? pop_v128() : pop_slot(); };
  switch (in.op) {
  case Op::StructNew: {
    const gc::TypeLayout& l = layout(in.a);
    uint32_t n = 0;
    std::vector<uint32_t> refs;
    for (const gc::FieldLayout& f : l.fields) {
      if (f.rep == gc::Rep::Ref) refs.push_back(n);
      n += gc::rep_slots(f.rep);
    }
    const uint32_t base = pop_args(n);
    for (uint32_t& r : refs)
      r += base;
    begin_safe_point(IrOp::StructNew, refs);
    dst_operand(push_ref_temp());
    u32(base);
    ptr(&l);
    return {};
  }
  case Op::StructNewDefault:
    begin_safe_point(IrOp::StructNewDefault);
    dst_operand(push_ref_temp());
    ptr(&layout(in.a));
    return {};
  case Op::StructGet:
  case Op::StructGetS:
  case Op::StructGetU: {
    const gc::FieldLayout& f = layout(in.a).fields[in.b];
    const uint32_t object = pop_slot();
    begin(gc_ops::get_op(gc_ops::kStructGet, f.rep, in.op == Op::StructGetS, IrOp::StructGetI8S,
                         IrOp::StructGetI16S));
    dst_operand(push_rep(f.rep));
    u32(object);
    u32(f.offset);
    return {};
  }
  case Op::StructSet: {
    const gc::FieldLayout& f = layout(in.a).fields[in.b];
    const uint32_t value = pop_rep(f.rep);
    const uint32_t object = pop_slot();
    begin(gc_ops::kStructSet[static_cast<uint8_t>(f.rep)]);
    u32(object);
    u32(value);
    u32(f.offset);
    return {};
  }
  case Op::ArrayNew: {
    const gc::TypeLayout& l = layout(in.a);
    const uint32_t length = pop_slot();
    const uint32_t init = pop_rep(l.elem);
    begin_safe_point(IrOp::ArrayNew, l.elem == gc::Rep::Ref ? std::vector<uint32_t>{init}
                                                            : std::vector<uint32_t>{});
    dst_operand(push_ref_temp());
    u32(init);
    u32(length);
    ptr(&l);
    return {};
  }
  case Op::ArrayNewDefault: {
    const uint32_t length = pop_slot();
    begin_safe_point(IrOp::ArrayNewDefault);
    dst_operand(push_ref_temp());
    u32(length);
    ptr(&layout(in.a));
    return {};
  }
  case Op::ArrayNewFixed: {
    const gc::TypeLayout& l = layout(in.a);
    const uint32_t base = pop_args(in.b * gc::rep_slots(l.elem));
    std::vector<uint32_t> refs;
    if (l.elem == gc::Rep::Ref)
      for (uint32_t i = 0; i < in.b; ++i)
        refs.push_back(base + i);
    begin_safe_point(IrOp::ArrayNewFixed, refs);
    dst_operand(push_ref_temp());
    u32(base);
    u32(in.b);
    ptr(&l);
    return {};
  }
  case Op::ArrayNewData:
  case Op::ArrayNewElem: {
    const uint32_t length = pop_slot();
    const uint32_t offset = pop_slot();
    begin_safe_point(in.op == Op::ArrayNewData ? IrOp::ArrayNewData : IrOp::ArrayNewElem);
    dst_operand(push_ref_temp());
    u32(offset);
    u32(length);
    ptr(&layout(in.a));
    u32(in.b);
    return {};
  }
  case Op::ArrayGet:
  case Op::ArrayGetS:
  case Op::ArrayGetU: {
    const gc::Rep rep = layout(in.a).elem;
    const uint32_t index = pop_slot();
    const uint32_t array = pop_slot();
    begin(gc_ops::get_op(gc_ops::kArrayGet, rep, in.op == Op::ArrayGetS, IrOp::ArrayGetI8S,
                         IrOp::ArrayGetI16S));
    dst_operand(push_rep(rep));
    u32(array);
    u32(index);
    return {};
  }
  case Op::ArraySet: {
    const gc::Rep rep = layout(in.a).elem;
    const uint32_t value = pop_rep(rep);
    const uint32_t index = pop_slot();
    const uint32_t array = pop_slot();
    begin(gc_ops::kArraySet[static_cast<uint8_t>(rep)]);
    u32(array);
    u32(index);
    u32(value);
    return {};
  }
  case Op::ArrayLen: {
    const uint32_t array = pop_slot();
    begin(IrOp::ArrayLen);
    dst_operand(push_temp());
    u32(array);
    return {};
  }
  case Op::ArrayFill: {
    const gc::TypeLayout& l = layout(in.a);
    const uint32_t n = pop_slot();
    const uint32_t value = pop_rep(l.elem);
    const uint32_t offset = pop_slot();
    const uint32_t array = pop_slot();
    begin(IrOp::ArrayFill);
    for (uint32_t s : {array, offset, value, n})
      u32(s);
    ptr(&l);
    return {};
  }
  case Op::ArrayCopy: {
    const uint32_t n = pop_slot();
    const uint32_t src_offset = pop_slot();
    const uint32_t src = pop_slot();
    const uint32_t dst_offset = pop_slot();
    const uint32_t dst = pop_slot();
    begin(IrOp::ArrayCopy);
    for (uint32_t s : {dst, dst_offset, src, src_offset, n})
      u32(s);
    u32(layout(in.a).elem_size);
    return {};
  }
  case Op::ArrayInitData:
  case Op::ArrayInitElem: {
    const uint32_t n = pop_slot();
    const uint32_t src_offset = pop_slot();
    const uint32_t offset = pop_slot();
    const uint32_t array = pop_slot();
    const bool data = in.op == Op::ArrayInitData;
    begin(data ? IrOp::ArrayInitData : IrOp::ArrayInitElem);
    for (uint32_t s : {array, offset, src_offset, n})
      u32(s);
    if (data) ptr(&layout(in.a));
    u32(in.b);
    return {};
  }
  case Op::RefI31: {
    const uint32_t value = pop_slot();
    begin(IrOp::RefI31);
    dst_operand(push_ref_temp());
    u32(value);
    return {};
  }
  case Op::I31GetS: do_unary(IrOp::I31GetS); return {};
  case Op::I31GetU: do_unary(IrOp::I31GetU); return {};
  case Op::RefTest:
  case Op::RefTestNull: {
    const uint32_t ref = pop_slot();
    begin(IrOp::RefTest);
    dst_operand(push_temp());
    u32(ref);
    u32(gc::cast_target(in.heap, inst_.type_ids.data()));
    u32(in.op == Op::RefTestNull);
    return {};
  }
  case Op::RefCast:
  case Op::RefCastNull: {
    // The reference stays where it is (as ref.as_non_null).
    const size_t top = stack_.size() - 1;
    materialize_if_computed(top);
    begin(IrOp::RefCast);
    u32(stack_[top].kind == EntryKind::Local ? stack_[top].local : canon(top));
    u32(gc::cast_target(in.heap, inst_.type_ids.data()));
    u32(in.op == Op::RefCastNull);
    return {};
  }
  case Op::BrOnCast:
  case Op::BrOnCastFail: {
    // The reference stays on the stack either way; the branch carries it as
    // its last value.
    materialize_top(1);
    const Cond cond{
        in.op == Op::BrOnCast ? IrOp::BrOnCast : IrOp::BrOnCastFail, canon(stack_.size() - 1),
        gc::cast_target(in.cast_to.heap, inst_.type_ids.data()), in.cast_to.nullable, 'c'};
    do_cond_br(cond, in.a);
    return {};
  }
  // Host references and GC references share one representation: converting
  // between the hierarchies leaves the value as it is.
  case Op::AnyConvertExtern:
  case Op::ExternConvertAny: return {};
  default: return unsupported(in);
  }
}

} // namespace kite::ir::translation
