// Translation of control flow: blocks, branches, br_table (and the copied
// dispatch heads and inlined tails), returns, exception scopes.
#include "translate/translator.h"

namespace kite::ir::translation {

void Translator::push_ctrl(CtrlKind kind, const BlockType& bt) {
  Ctrl c;
  c.kind = kind;
  c.type = bt;
  c.num_params = block_params(bt);
  c.num_results = block_results(bt);
  c.height = static_cast<uint32_t>(stack_.size()) - c.num_params;
  c.scope = c.outer_scope = cur_scope_;
  ctrls_.push_back(std::move(c));
}

void Translator::emit_branch_copies(const Ctrl& target, uint32_t n) {
  size_t first = stack_.size() - n;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t dst = canon(target.height + i);
    const Entry& e = stack_[first + i];
    if (e.kind == EntryKind::Temp) {
      if (canon(first + i) == dst) continue;
      begin(IrOp::Copy);
      u32(dst);
      u32(canon(first + i));
    } else if (e.kind != EntryKind::Local || e.local != dst) {
      emit_entry(dst, e);
    }
  }
}

void Translator::emit_return(uint32_t n) {
  if (n == 0) {
    begin(IrOp::Return);
  } else if (n == 1) {
    // The instruction that computes the result writes it to slot 0 itself.
    Entry& e = stack_.back();
    if (e.kind != EntryKind::Temp && e.kind != EntryKind::Local) {
      emit_entry(0, e);
      e = Entry{};
      begin(IrOp::Return);
      return;
    }
    if (e.kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
      end_instr();
      if (unit(&code_->words[last_start_], last_dst_) == canon(stack_.size() - 1)) {
        set_unit(last_start_, last_dst_, 0);
        begin(IrOp::Return);
        return;
      }
    }
    uint32_t src = pop_slot();
    stack_.push_back(Entry{}); // keep the height; the caller marks unreachable
    begin(IrOp::Return1);
    u32(src);
  } else if (n == 2 && top_is_v128()) {
    uint32_t src = pop_v128();
    push_v128_temp(); // keep the height; the caller marks unreachable
    begin(IrOp::ReturnN);
    u32(src);
    u32(2);
  } else {
    materialize_top(n);
    begin(IrOp::ReturnN);
    u32(canon(stack_.size() - n));
    u32(n);
  }
}

void Translator::emit_br(uint32_t depth) {
  Ctrl& target = label_ctrl(depth);
  if (target.kind == CtrlKind::Func) {
    emit_return(target.num_results);
    return;
  }
  if (target.kind == CtrlKind::Block && inline_tail_to_loop(depth)) return;
  emit_branch_copies(target, target.branch_arity());
  if (target.kind == CtrlKind::Loop && copy_dispatch_head(target.loop_start)) return;
  begin(IrOp::Br);
  if (target.kind == CtrlKind::Loop)
    jump_to(target.loop_start);
  else
    target.exits.push_back(jump_operand());
}

bool Translator::copy_dispatch_head(uint32_t loop_start) {
  if (head_copies_ == kMaxHeadCopies) return false;
  const std::vector<uint32_t>& starts = code_->instr_starts;
  auto it = std::lower_bound(starts.begin(), starts.end(), loop_start);
  if (it == starts.end() || *it != loop_start) return false;
  size_t first = static_cast<size_t>(it - starts.begin()), last = first;
  for (;; ++last) {
    if (last >= starts.size() || last - first == kMaxHeadInstrs) return false;
    IrOp op = code_->instr_ops[last];
    if (op == IrOp::BrTable || op == IrOp::BrTableLoad) break;
    if (!straight_head_op(op)) return false;
  }
  end_instr();
  const uint32_t entries = table_entries_unit(code_->instr_ops[last]);
  if (unit(&code_->words[starts[last]], entries - 1) + 1 > kMaxCopiedEntries) return false;
  ++head_copies_;
  const uint32_t branch_offset = wasm_offset_;
  for (size_t k = first; k <= last; ++k) {
    const uint32_t orig = starts[k];
    const uint32_t end = k + 1 < starts.size() ? starts[k + 1] : here();
    const IrOp op = code_->instr_ops[k];
    wasm_offset_ = code_->instr_wasm_offsets[k];
    begin(op);
    for (uint32_t w = orig + 1; w < end; ++w) {
      u32(static_cast<uint32_t>(code_->words[w]));
      u32(static_cast<uint32_t>(code_->words[w] >> 32));
    }
    if (k < last) continue;
    for (uint32_t e = 0; e <= units_[entries - 1]; ++e) {
      uint32_t u = entries + kTableEntryUnits * e;
      if (units_[u] != 0) { // bound: the same target from here
        units_[u] += orig - cur_start_;
        continue;
      }
      for (Ctrl& c : ctrls_) // pending: bound with the original's patch
        for (size_t x = 0, n = c.exits.size(); x < n; ++x)
          if (c.exits[x].instr == orig && c.exits[x].unit == u)
            c.exits.push_back(Patch{cur_start_, u});
    }
  }
  end_instr();
  wasm_offset_ = branch_offset;
  return true;
}

bool Translator::inline_tail_to_loop(uint32_t depth) {
  const Ctrl& block = label_ctrl(depth);
  if (block.after_end == 0 || block.num_results != 0 || tail_copies_ == kMaxTailCopies)
    return false;
  const uint64_t skip = block.after_end - decl_.body.offset;
  InstrReader reader(module_.data_at(decl_.body) + skip, decl_.body.size - skip, block.after_end);
  std::vector<Instr> tail;
  Instr in;
  for (;;) {
    if (tail.size() == kMaxTailInstrs || reader.at_end() || !reader.next(in).ok()) return false;
    if (in.op == Op::Br) break;
    if (!plain_tail_op(in.op)) return false;
    tail.push_back(in);
  }
  // The branch's label is counted from outside the block.
  const uint32_t loop_depth = depth + 1 + in.a;
  if (loop_depth >= ctrls_.size() || label_ctrl(loop_depth).kind != CtrlKind::Loop ||
      label_ctrl(loop_depth).num_params != 0)
    return false;
  ++tail_copies_;
  stack_.resize(block.height);
  const uint32_t branch_offset = wasm_offset_;
  for (const Instr& plain : tail)
    (void)translate_instr(plain); // plain_tail_op's ops translate without error
  wasm_offset_ = branch_offset;
  emit_br(loop_depth);
  return true;
}

bool Translator::plain_tail_op(Op op) {
  switch (op) {
  case Op::LocalGet:
  case Op::LocalSet:
  case Op::LocalTee:
  case Op::I32Const:
  case Op::I32Add:
  case Op::I32Sub:
  case Op::I32Shl:
  case Op::I32And:
  case Op::I32Or:
  case Op::I32Xor:
  case Op::I32Load:
  case Op::I32Load8U:
  case Op::I32Load8S:
  case Op::I32Load16U:
  case Op::I32Load16S: return true;
  default: return false;
  }
}

bool Translator::straight_head_op(IrOp op) {
  switch (op) {
  case IrOp::I32AddImm:
  case IrOp::I32ShlImm:
  case IrOp::I32Add:
  case IrOp::I32AddScaled:
  case IrOp::I32AndImm:
  case IrOp::I32Load:
  case IrOp::I32Load8U:
  case IrOp::I32Load16U:
  case IrOp::Copy:
  case IrOp::Const: return true;
  default: return false;
  }
}

Cond Translator::pop_cond() {
  end_instr();
  size_t pos = stack_.size() - 1;
  Cond c;
  if (stack_[pos].kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst &&
      unit(&code_->words[0] + last_start_, last_dst_) == canon(pos)) {
    end_instr();
    const uint64_t* ip = &code_->words[last_start_];
    bool fused = true;
    switch (last_op_) {
    case IrOp::I32Eqz: c = Cond{IrOp::BrIfEqz, unit(ip, 1), 0, 0, 's'}; break;
    case IrOp::I64Eqz: c = Cond{IrOp::BrIfI64Eqz, unit(ip, 1), 0, 0, 's'}; break;
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case IrOp::Name: c = Cond{IrOp::BrIf##Name, unit(ip, 1), unit(ip, 2), 0, 'r'}; break;            \
  case IrOp::Name##Imm:                                                                            \
    c = std::string_view(#T) == "I32"                                                              \
            ? Cond{IrOp::BrIf##Name##Imm, unit(ip, 1), 0, unit(ip, 2), 'i'}                        \
            : Cond{IrOp::BrIf##Name##Imm, unit(ip, 1), 0, unit64(ip, 2), 'L'};                     \
    break;
#include "translate/ir_ops.def"
    default: fused = false;
    }
    if (fused) {
      drop_last();
      stack_.pop_back();
      return c;
    }
  }
  c.op = IrOp::BrIfNez;
  c.a = pop_slot();
  return c;
}

Patch Translator::emit_cond_branch(const Cond& c) {
  begin(c.op);
  u32(c.a);
  if (c.form == 'r') u32(c.b);
  if (c.form == 'i') u32(static_cast<uint32_t>(c.imm));
  if (c.form == 'L') u64(c.imm);
  if (c.form == 'c') {
    u32(c.b);
    u32(static_cast<uint32_t>(c.imm));
  }
  Patch p = jump_operand();
  return p;
}

// After a try_table's body: one landing pad per catch clause, which the
// unwinder enters with the payload (and exnref) in the block's slots, and
// which branches to the clause's label like `br`.
void Translator::emit_try_table_pads(Ctrl& c) {
  leave_to_exit(c);
  close_try_scope(c);
  for (const kite::CatchClause& clause : c.table_catches) {
    using Kind = kite::CatchClause::Kind;
    label();
    stack_.resize(c.height);
    CatchClause out{.target = here(), .slot = canon(c.height)};
    if (clause.kind == Kind::Catch || clause.kind == Kind::CatchRef) {
      out.tag = inst_.tags[clause.tag];
      push_tag_params(clause.tag);
    }
    if (clause.kind == Kind::CatchRef || clause.kind == Kind::CatchAllRef)
      out.exn_slot = push_ref_temp();
    scope_catches_[c.try_scope].push_back(out);
    emit_br(clause.label + 1); // labels count from outside the try_table
  }
  c.unreachable = true; // the pads end in branches; only the exits reach the end
}

// Legacy `catch tag` / `catch_all`: ends the try body (or the previous
// catch), and starts a catch body with the payload in the block's slots.
void Translator::do_end() {
  Ctrl& c = ctrls_.back();
  if (c.kind == CtrlKind::TryTable) {
    emit_try_table_pads(c);
  } else if (!c.unreachable) {
    if (c.kind == CtrlKind::Func) {
      emit_return(c.num_results);
    } else {
      materialize_top(c.num_results);
    }
  }
  if (c.kind == CtrlKind::Try) close_try_scope(c); // try without catches
  label();
  for (const Patch& p : c.exits)
    bind(p);
  if (c.has_else_patch) bind(c.else_patch);
  stack_.resize(c.height);
  BlockType type = c.type;
  // A block's end is reached by falling into it or by a branch to it (each
  // an exit); a loop's only by falling into it. When neither can happen (say
  // every branch copied the code after the end, inline_tail_to_loop),
  // the code after it is unreachable too.
  const bool dead_end =
      c.unreachable && ((c.kind == CtrlKind::Block && c.exits.empty()) || c.kind == CtrlKind::Loop);
  ctrls_.pop_back();
  push_block_values(type, true);
  if (dead_end) set_unreachable();
}

// A conditional branch to `depth` (br_if, br_on_null, br_on_non_null).
void Translator::do_cond_br(Cond cond, uint32_t depth) {
  Ctrl& target = label_ctrl(depth);
  uint32_t n = target.branch_arity();
  if (target.kind != CtrlKind::Func && !branch_needs_copies(target, n)) {
    Patch p = emit_cond_branch(cond);
    if (target.kind == CtrlKind::Loop)
      patch_to(p, target.loop_start);
    else
      target.exits.push_back(p);
    return;
  }
  // Branch around the copies (or the return) when the condition is false.
  cond.op = invert(cond.op);
  Patch skip = emit_cond_branch(cond);
  std::vector<Entry> saved = stack_;
  emit_br(depth);
  stack_ = std::move(saved);
  label();
  bind(skip);
}

void Translator::do_br_table(const Instr& in) {
  // An index just loaded from guarded memory 0 (a bytecode interpreter's
  // switch on the next opcode) is loaded by the branch itself.
  end_instr();
  size_t top = stack_.size() - 1;
  std::vector<uint32_t> load;
  if (stack_[top].kind == EntryKind::Temp && last_start_ != kNone && last_op_ == IrOp::I32Load &&
      last_dst_ != kNoDst && unit(&code_->words[last_start_], last_dst_) == canon(top)) {
    const uint64_t* ip = &code_->words[last_start_];
    load = {unit(ip, 1), unit(ip, 2), unit(ip, 3)};
    drop_last();
    stack_.pop_back();
  }
  uint32_t index = load.empty() ? pop_slot() : 0;
  uint32_t n = label_ctrl(in.labels.back()).branch_arity();
  materialize_top(n);
  if (load.empty()) {
    begin(IrOp::BrTable);
    u32(index);
  } else {
    begin(IrOp::BrTableLoad);
    for (uint32_t u : load)
      u32(u);
  }
  u32(static_cast<uint32_t>(in.labels.size() - 1));
  std::vector<Patch> entries;
  for (size_t i = 0; i < in.labels.size(); ++i) {
    entries.push_back(jump_operand());
    u64(0); // the target's handler, filled in when the code is linked
  }
  end_instr();
  // Targets that need value copies or are returns get a trampoline.
  for (size_t i = 0; i < in.labels.size(); ++i) {
    Ctrl& target = label_ctrl(in.labels[i]);
    if (target.kind != CtrlKind::Func && !branch_needs_copies(target, n)) {
      if (target.kind == CtrlKind::Loop)
        patch_to(entries[i], target.loop_start);
      else
        target.exits.push_back(entries[i]);
      continue;
    }
    label();
    patch_to(entries[i], here());
    std::vector<Entry> saved = stack_;
    emit_br(in.labels[i]);
    stack_ = std::move(saved);
  }
}

} // namespace kite::ir::translation
