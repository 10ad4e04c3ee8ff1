// The per-instruction dispatch (Translator::translate_instr): numeric
// operators, locals, calls; SIMD, atomics and GC are in files of their own.
#include "translate/translator.h"

namespace kite::ir::translation {

void Translator::do_binary_imm(Op wasm_op, IrOp op, IrOp op_imm, bool is64) {
  uint64_t imm = 0;
  uint32_t a = 0;
  if (wasm_op == Op::I32Add && top_is_const() &&
      (stack_[stack_.size() - 2].kind == EntryKind::AddImm ||
       stack_[stack_.size() - 2].kind == EntryKind::Indexed)) {
    // (x + c1) + c2 = x + (c1 + c2) in i32.
    imm = stack_.back().value;
    stack_.pop_back();
    stack_.back().value = static_cast<uint32_t>(stack_.back().value + imm);
    return;
  }
  if (top_is_const()) {
    imm = stack_.back().value;
    stack_.pop_back();
    a = pop_slot();
  } else if (top_is_const(1) && is_commutative(wasm_op)) {
    // Entries are not swapped: a Temp's slot is tied to its stack position.
    a = pop_slot();
    imm = stack_.back().value;
    stack_.pop_back();
  } else if (wasm_op == Op::I32Add && try_indexed()) {
    return;
  } else if (wasm_op == Op::I32Add && (stack_.back().kind == EntryKind::AddImm ||
                                       stack_[stack_.size() - 2].kind == EntryKind::AddImm)) {
    return do_add_reassociated();
  } else {
    return do_binary(op);
  }
  // i32.add waits for its consumer (a load or store folds it), unless its
  // operand is a temp that is not in the result's slot (it would be
  // overwritten by the next push).
  if (wasm_op == Op::I32Add && (a < num_locals_ || a == canon(stack_.size()))) {
    stack_.push_back(Entry{EntryKind::AddImm, a, imm});
    return;
  }
  // So does an i32.shl by a small constant (an array index, for an add).
  if (wasm_op == Op::I32Shl && (imm & 31) >= 1 && (imm & 31) <= 4 &&
      (a < num_locals_ || a == canon(stack_.size()))) {
    stack_.push_back(Entry{EntryKind::Scaled, a, imm & 31});
    return;
  }
  begin(op_imm);
  dst_operand(push_temp());
  u32(a);
  if (is64)
    u64(imm);
  else
    u32(static_cast<uint32_t>(imm));
}

void Translator::do_v128_op(IrOp op, int n) {
  uint32_t c = n > 2 ? pop_v128() : 0;
  uint32_t b = n > 1 ? pop_v128() : 0;
  uint32_t a = pop_v128();
  begin(op);
  dst_operand(push_v128_temp());
  u32(a);
  if (n > 1) u32(b);
  if (n > 2) u32(c);
}

void Translator::do_v128_with_scalar(IrOp op, bool has_v128, const uint8_t* lane) {
  uint32_t x = pop_slot();
  uint32_t a = has_v128 ? pop_v128() : 0;
  begin(op);
  dst_operand(push_v128_temp());
  if (has_v128) u32(a);
  u32(x);
  if (lane) u32(*lane);
}

// A v128 local (slots `local`, `local` + 1): retargets the v128 producer that
// wrote the top pair, else sets the two halves like scalar locals.
void Translator::do_local_set_v128(uint32_t local, bool tee) {
  size_t pos = stack_.size() - 2;
  bool referenced = false;
  for (size_t i = 0; i < pos; ++i)
    if (stack_[i].kind == EntryKind::Local &&
        (stack_[i].local == local || stack_[i].local == local + 1))
      referenced = true;
  if (!referenced && stack_[pos].kind == EntryKind::Temp &&
      stack_[pos + 1].kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
    end_instr();
    if (unit(&code_->words[last_start_], last_dst_) == canon(pos)) {
      set_unit(last_start_, last_dst_, local);
      last_dst_ = kNoDst;
      stack_.resize(pos);
    }
  }
  if (stack_.size() > pos) {
    do_local_set(local + 1, false);
    do_local_set(local, false);
  }
  if (tee) {
    stack_.push_back(Entry{EntryKind::Local, local, 0});
    stack_.push_back(Entry{EntryKind::Local, local + 1, 0, true});
  }
}

void Translator::do_local_set(uint32_t local, bool tee) {
  // Entries still referring to the old value must be copied out first.
  auto refers = [&](const Entry& e) { return e.reads(local); };
  bool referenced = false;
  for (size_t i = 0; i + 1 < stack_.size(); ++i)
    if (refers(stack_[i])) referenced = true;
  size_t top = stack_.size() - 1;
  Entry& e = stack_[top];
  // Retarget the producing instruction when it wrote the top temp.
  if (!referenced && e.kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
    end_instr();
    if (unit(&code_->words[last_start_], last_dst_) == canon(top)) {
      set_unit(last_start_, last_dst_, local);
      last_dst_ = kNoDst; // the result is no longer a temp a compare-branch could fuse
      stack_.pop_back();
      if (tee) stack_.push_back(local_entry(local));
      return;
    }
  }
  if (referenced)
    for (size_t i = 0; i + 1 < stack_.size(); ++i)
      if (refers(stack_[i])) materialize(i);
  Entry value = stack_.back();
  if (value.kind == EntryKind::Temp) {
    begin(IrOp::Copy);
    u32(local);
    u32(canon(top));
  } else if (value.kind != EntryKind::Local || value.local != local) {
    emit_entry(local, value);
  }
  stack_.pop_back();
  if (tee) stack_.push_back(value.kind == EntryKind::Const ? value : local_entry(local));
}

Status Translator::do_call(const Instr& in) {
  const bool tail =
      in.op == Op::ReturnCall || in.op == Op::ReturnCallIndirect || in.op == Op::ReturnCallRef;
  const FuncType* type = nullptr;
  Function* callee = nullptr;
  uint32_t ref_slot = 0;
  uint32_t index_slot = 0;
  switch (in.op) {
  case Op::Call:
  case Op::ReturnCall:
    callee = inst_.functions[in.a];
    type = callee->type;
    break;
  case Op::CallIndirect:
  case Op::ReturnCallIndirect:
    type = &module_.func_type(in.a);
    index_slot = pop_slot();
    break;
  default: // call_ref, return_call_ref
    type = &module_.func_type(in.a);
    ref_slot = pop_slot();
    break;
  }
  uint32_t num_params = slot_count(type->params);
  uint32_t num_results = slot_count(type->results);
  uint32_t base = pop_args(num_params);
  uint32_t frame_need = std::max(num_params, num_results);
  if (frame_need > 0) canon(stack_.size() + frame_need - 1); // results must fit in the frame
  // The callee may collect; a host callee reads its arguments from here.
  const std::vector<uint32_t> args = ref_slots(type->params, base);
  switch (in.op) {
  case Op::Call:
    begin_safe_point(callee->host ? IrOp::CallHost : IrOp::Call, args);
    ptr(callee);
    u32(base);
    ptr(code_->mem0);
    break;
  case Op::ReturnCall:
    begin_safe_point(IrOp::ReturnCall, args);
    ptr(callee);
    u32(base);
    u32(num_params);
    break;
  case Op::CallIndirect:
    begin_safe_point(IrOp::CallIndirect, args);
    ptr(inst_.tables[in.b]);
    u32(index_slot);
    u32(base);
    u32(inst_.type_ids[in.a]);
    ptr(code_->mem0);
    break;
  case Op::ReturnCallIndirect:
    begin_safe_point(IrOp::ReturnCallIndirect, args);
    ptr(inst_.tables[in.b]);
    u32(index_slot);
    u32(base);
    u32(inst_.type_ids[in.a]);
    u32(num_params);
    break;
  case Op::CallRef:
    begin_safe_point(IrOp::CallRef, args);
    u32(ref_slot);
    u32(base);
    ptr(code_->mem0);
    break;
  default:
    begin_safe_point(IrOp::ReturnCallRef, args);
    u32(ref_slot);
    u32(base);
    u32(num_params);
    break;
  }
  if (tail) {
    set_unreachable();
  } else {
    for (const ValType& t : type->results)
      push_temps(t);
  }
  return {};
}

Status Translator::translate_instr(const Instr& in) {
  wasm_offset_ = static_cast<uint32_t>(in.offset);
  switch (in.op) {
  // ---- control ----
  case Op::Nop: return {};
  case Op::Unreachable:
    begin(IrOp::Unreachable);
    set_unreachable();
    return {};
  case Op::Block: {
    materialize_all();
    push_ctrl(CtrlKind::Block, in.block);
    auto it = std::lower_bound(block_ends_.begin(), block_ends_.end(),
                               std::pair<uint64_t, uint64_t>{in.offset, 0});
    if (it != block_ends_.end() && it->first == in.offset) ctrls_.back().after_end = it->second;
    return {};
  }
  case Op::Loop:
    materialize_all();
    push_ctrl(CtrlKind::Loop, in.block);
    label();
    ctrls_.back().loop_start = here();
    emit_check();
    return {};
  case Op::If: {
    Cond cond = pop_cond();
    materialize_all();
    cond.op = invert(cond.op);
    Patch to_else = emit_cond_branch(cond);
    push_ctrl(CtrlKind::If, in.block);
    ctrls_.back().has_else_patch = true;
    ctrls_.back().else_patch = to_else;
    return {};
  }
  case Op::Else: {
    Ctrl& c = ctrls_.back();
    if (!c.unreachable) {
      materialize_top(c.num_results);
      begin(IrOp::Br);
      c.exits.push_back(jump_operand());
    }
    label();
    bind(c.else_patch);
    c.has_else_patch = false;
    c.unreachable = false;
    stack_.resize(c.height);
    push_block_values(c.type, false);
    return {};
  }
  case Op::End: do_end(); return {};
  case Op::Br:
    emit_br(in.a);
    set_unreachable();
    return {};
  case Op::BrIf: do_br_if(in.a); return {};
  case Op::BrTable:
    do_br_table(in);
    set_unreachable();
    return {};
  case Op::Return:
    emit_return(ctrls_.front().num_results);
    set_unreachable();
    return {};
  case Op::Call:
  case Op::CallIndirect:
  case Op::ReturnCall:
  case Op::ReturnCallIndirect:
  case Op::CallRef:
  case Op::ReturnCallRef: return do_call(in);
  case Op::Drop:
    if (top_is_v128()) stack_.pop_back();
    stack_.pop_back();
    return {};
  case Op::Select:
  case Op::SelectT: {
    uint32_t cond = pop_slot();
    if (top_is_v128()) {
      if constexpr (KITE_SIMD) do_v128_select(cond);
      return {};
    }
    uint32_t b = pop_slot();
    uint32_t a = pop_slot();
    begin(IrOp::Select);
    dst_operand(in.op == Op::SelectT && in.select_types[0].is_ref() ? push_ref_temp()
                                                                    : push_temp());
    u32(cond);
    u32(a);
    u32(b);
    return {};
  }

  // ---- variables ----
  case Op::LocalGet: {
    uint32_t slot = local_slots_[in.a];
    stack_.push_back(local_entry(slot));
    if (local_slots_[in.a + 1] - slot == 2)
      stack_.push_back(Entry{EntryKind::Local, slot + 1, 0, true});
    return {};
  }
  case Op::LocalSet:
  case Op::LocalTee: {
    uint32_t slot = local_slots_[in.a];
    if (local_slots_[in.a + 1] - slot == 2)
      do_local_set_v128(slot, in.op == Op::LocalTee);
    else
      do_local_set(slot, in.op == Op::LocalTee);
    return {};
  }
  case Op::GlobalGet: {
    Global* g = inst_.globals[in.a];
    if (g->type.type.kind == ValKind::V128) {
      if constexpr (KITE_SIMD) do_v128_global_get(g);
      return {};
    }
    begin(IrOp::GlobalGet);
    dst_operand(g->type.type.is_ref() ? push_ref_temp() : push_temp());
    ptr(g);
    return {};
  }
  case Op::GlobalSet: {
    Global* g = inst_.globals[in.a];
    if (g->type.type.kind == ValKind::V128) {
      if constexpr (KITE_SIMD) do_v128_global_set(g);
      return {};
    }
    uint32_t src = pop_slot();
    begin(IrOp::GlobalSet);
    ptr(g);
    u32(src);
    return {};
  }

  // ---- constants ----
  case Op::I32Const: push_const(static_cast<uint32_t>(in.i32)); return {};
  case Op::I64Const: push_const(static_cast<uint64_t>(in.i64)); return {};
  case Op::F32Const: push_const(in.f32); return {};
  case Op::F64Const:
    push_const(in.f64);
    return {};

    // ---- memory ----
#define KITE_IR_LOAD(Name, R, Mem)                                                                 \
  case Op::Name:                                                                                   \
    do_load(IrOp::Name, IrOp::Name##Checked, IrOp::Name##Idx, IrOp::Name##Abs, in.mem);            \
    return {};
#define KITE_IR_STORE(Name, T, Mem)                                                                \
  case Op::Name:                                                                                   \
    do_store(IrOp::Name, IrOp::Name##Checked, IrOp::Name##Imm, IrOp::Name##Idx, IrOp::Name##Abs,   \
             in.mem);                                                                              \
    return {};
#include "translate/ir_ops.def"
  case Op::MemorySize:
    begin(IrOp::MemorySize);
    dst_operand(push_temp());
    ptr(inst_.memories[in.a]);
    return {};
  case Op::MemoryGrow: {
    uint32_t delta = pop_slot();
    begin(IrOp::MemoryGrow);
    dst_operand(push_temp());
    u32(delta);
    ptr(inst_.memories[in.a]);
    ptr(code_->mem0);
    return {};
  }
  case Op::MemoryFill:
  case Op::MemoryCopy:
  case Op::MemoryInit:
  case Op::TableFill:
  case Op::TableCopy:
  case Op::TableInit: {
    uint32_t n = pop_slot();
    uint32_t src = pop_slot();
    uint32_t dst = pop_slot();
    IrOp op = in.op == Op::MemoryFill   ? IrOp::MemoryFill
              : in.op == Op::MemoryCopy ? IrOp::MemoryCopy
              : in.op == Op::MemoryInit ? IrOp::MemoryInit
              : in.op == Op::TableFill  ? IrOp::TableFill
              : in.op == Op::TableCopy  ? IrOp::TableCopy
                                        : IrOp::TableInit;
    begin(op);
    u32(dst);
    u32(src);
    u32(n);
    switch (in.op) {
    case Op::MemoryFill: ptr(inst_.memories[in.a]); break;
    case Op::MemoryCopy:
      ptr(inst_.memories[in.a]);
      ptr(inst_.memories[in.b]);
      break;
    case Op::MemoryInit:
      ptr(inst_.memories[in.b]);
      ptr(&inst_);
      u32(in.a);
      break;
    case Op::TableFill: ptr(inst_.tables[in.a]); break;
    case Op::TableCopy:
      ptr(inst_.tables[in.a]);
      ptr(inst_.tables[in.b]);
      break;
    default:
      ptr(inst_.tables[in.b]);
      ptr(&inst_);
      u32(in.a);
      break;
    }
    return {};
  }
  case Op::DataDrop:
  case Op::ElemDrop:
    begin(in.op == Op::DataDrop ? IrOp::DataDrop : IrOp::ElemDrop);
    ptr(&inst_);
    u32(in.a);
    return {};

  // ---- tables and references ----
  case Op::TableGet: {
    uint32_t index = pop_slot();
    begin(IrOp::TableGet);
    dst_operand(push_ref_temp());
    u32(index);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::TableSet: {
    uint32_t value = pop_slot();
    uint32_t index = pop_slot();
    begin(IrOp::TableSet);
    u32(index);
    u32(value);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::TableSize:
    begin(IrOp::TableSize);
    dst_operand(push_temp());
    ptr(inst_.tables[in.a]);
    return {};
  case Op::TableGrow: {
    uint32_t delta = pop_slot();
    uint32_t init = pop_slot();
    begin(IrOp::TableGrow);
    dst_operand(push_temp());
    u32(init);
    u32(delta);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::RefNull: push_ref_const(kNullRef); return {};
  case Op::RefFunc: push_ref_const(reinterpret_cast<Ref>(inst_.functions[in.a])); return {};
  case Op::RefIsNull: do_unary(IrOp::RefIsNull); return {};
  case Op::RefEq: do_binary(IrOp::I64Eq); return {};
  case Op::RefAsNonNull: {
    size_t top = stack_.size() - 1;
    materialize_if_computed(top);
    uint32_t slot = stack_[top].kind == EntryKind::Local ? stack_[top].local : canon(top);
    begin(IrOp::RefAsNonNull);
    u32(slot);
    return {};
  }
  case Op::BrOnNull: {
    // The reference stays on the stack when the branch is not taken.
    size_t top = stack_.size() - 1;
    materialize_if_computed(top);
    uint32_t slot = stack_[top].kind == EntryKind::Local ? stack_[top].local : canon(top);
    stack_.pop_back();
    do_cond_br(Cond{IrOp::BrOnNull, slot}, in.a);
    stack_.push_back(slot >= num_locals_ ? Entry{} : local_entry(slot));
    stack_.back().ref = true; // a temp in its own slot, or a reference local
    return {};
  }
  case Op::BrOnNonNull: {
    // The branch carries the (non-null) reference as its last value.
    materialize_top(1);
    do_cond_br(Cond{IrOp::BrOnNonNull, canon(stack_.size() - 1)}, in.a);
    stack_.pop_back();
    return {};
  }

  // ---- wide arithmetic ----
  case Op::I64Add128:
  case Op::I64Sub128: {
    uint32_t b_hi = pop_slot(), b_lo = pop_slot(), a_hi = pop_slot(), a_lo = pop_slot();
    begin(in.op == Op::I64Add128 ? IrOp::I64Add128 : IrOp::I64Sub128);
    u32(push_temp());
    push_temp();
    u32(a_lo);
    u32(a_hi);
    u32(b_lo);
    u32(b_hi);
    return {};
  }
  case Op::I64MulWideS:
  case Op::I64MulWideU: {
    uint32_t b = pop_slot(), a = pop_slot();
    begin(in.op == Op::I64MulWideS ? IrOp::I64MulWideS : IrOp::I64MulWideU);
    u32(push_temp());
    push_temp();
    u32(a);
    u32(b);
    return {};
  }

  // ---- numeric ----
#define KITE_IR_UN(Name, T, R, expr)                                                               \
  case Op::Name: do_unary(IrOp::Name); return {};
#define KITE_IR_UN_TRAP(Name, T, R, fn)                                                            \
  case Op::Name: do_unary(IrOp::Name); return {};
#define KITE_IR_BIN(Name, T, R, expr)                                                              \
  case Op::Name: do_binary(IrOp::Name); return {};
#define KITE_IR_BIN_TRAP(Name, T, R, fn)                                                           \
  case Op::Name: do_binary(IrOp::Name); return {};
#define KITE_IR_BINI(Name, T, R, expr)                                                             \
  case Op::Name: do_binary_imm(Op::Name, IrOp::Name, IrOp::Name##Imm, #T[1] == '6'); return {};
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case Op::Name: do_binary_imm(Op::Name, IrOp::Name, IrOp::Name##Imm, #T[1] == '6'); return {};
#include "translate/ir_ops.def"

  default: return translate_feature(in);
  }
  return unsupported(in);
}

// The instructions of an optional feature are translated in a file of their
// own, left out of a build without the feature, whose decoder rejects them.
Status Translator::translate_feature(const Instr& in) {
  switch (op_info(in.op).feature) {
  case Feature::Simd:
    if constexpr (KITE_SIMD) return translate_simd(in);
    break;
  case Feature::Threads:
    if constexpr (KITE_THREADS) return translate_atomic(in);
    break;
  case Feature::Gc:
    if constexpr (KITE_GC) return translate_gc(in);
    break;
  case Feature::Exceptions:
    if constexpr (KITE_EXCEPTIONS) return translate_exception(in);
    break;
  default: break;
  }
  return unsupported(in);
}

Status Translator::unsupported(const Instr& in) {
  return failure_at(in.offset, "unsupported instruction " + std::string(op_name(in.op)));
}

} // namespace kite::ir::translation
