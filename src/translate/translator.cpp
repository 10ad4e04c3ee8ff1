// The translation pass over a function body (Translator::run), the symbolic
// operand stack, safe points and execution checks; and the entry points
// of ir.h (translate, find_catch). The design is described in translator.h.
#include "translate/translator.h"

namespace kite::ir::translation {

void Translator::begin(IrOp op) {
  end_instr();
  cur_start_ = here();
  code_->instr_starts.push_back(cur_start_);
  code_->instr_ops.push_back(op);
  code_->instr_wasm_offsets.push_back(wasm_offset_);
  code_->words.push_back(static_cast<uint64_t>(op));
  units_.clear();
  open_ = true;
  last_start_ = cur_start_;
  last_op_ = op;
  last_dst_ = kNoDst;
}

void Translator::note_entry_access(const Instr& in) {
  auto mark = [&](EntryAccess a) {
    if (in.a < fn_.type->params.size()) return;
    for (uint32_t s = local_slots_[in.a]; s < local_slots_[in.a + 1]; ++s)
      if (EntryAccess& e = entry_access_[s - code_->num_param_slots]; e == EntryAccess::None) e = a;
  };
  switch (in.op) {
  case Op::LocalGet: mark(EntryAccess::ReadFirst); return;
  case Op::LocalSet:
  case Op::LocalTee: mark(EntryAccess::WrittenFirst); return;
  case Op::Nop:
  case Op::Call:
  case Op::CallIndirect:
  case Op::CallRef: return;
  default:
    if (is_control(in.op)) entry_done_ = true;
  }
}

bool Translator::is_control(Op op) {
  switch (op) {
  case Op::Unreachable:
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Else:
  case Op::Try:
  case Op::Catch:
  case Op::Throw:
  case Op::Rethrow:
  case Op::ThrowRef:
  case Op::End:
  case Op::Br:
  case Op::BrIf:
  case Op::BrTable:
  case Op::Return:
  case Op::ReturnCall:
  case Op::ReturnCallIndirect:
  case Op::ReturnCallRef:
  case Op::Delegate:
  case Op::CatchAll:
  case Op::TryTable:
  case Op::BrOnNull:
  case Op::BrOnNonNull:
  case Op::BrOnCast:
  case Op::BrOnCastFail: return true;
  default: return false;
  }
}

void Translator::entry_zero_range() {
  uint32_t first = ~0u, end = 0;
  const uint32_t params = code_->num_param_slots;
  for (uint32_t i = 0; params + i < num_locals_; ++i) {
    if (i < entry_access_.size() && entry_access_[i] == EntryAccess::WrittenFirst &&
        !ref_slot_[params + i])
      continue;
    first = std::min(first, i);
    end = i + 1;
  }
  if (end == 0) return;
  code_->zero_first = code_->num_param_slots + first;
  code_->zero_count = end - first;
}

uint32_t Translator::pop_v128() {
  size_t pos = stack_.size() - 2;
  const Entry& lo = stack_[pos];
  const Entry& hi = stack_[pos + 1];
  uint32_t slot = canon(pos);
  if (lo.kind == EntryKind::Local && hi.kind == EntryKind::Local && hi.local == lo.local + 1) {
    slot = lo.local;
  } else if (lo.kind == EntryKind::Const && hi.kind == EntryKind::Const) {
    if constexpr (KITE_SIMD) do_v128_const(slot, lo.value, hi.value);
  } else {
    materialize(pos);
    materialize(pos + 1);
  }
  stack_.resize(pos);
  return slot;
}

void Translator::emit_entry(uint32_t dst, const Entry& e) {
  switch (e.kind) {
  case EntryKind::Local:
    begin(IrOp::Copy);
    u32(dst);
    u32(e.local);
    break;
  case EntryKind::Const:
    begin(IrOp::Const);
    u32(dst);
    u64(e.value);
    break;
  case EntryKind::AddImm:
    begin(IrOp::I32AddImm);
    dst_operand(dst);
    u32(e.local);
    u32(static_cast<uint32_t>(e.value));
    break;
  case EntryKind::Scaled:
    begin(IrOp::I32ShlImm);
    dst_operand(dst);
    u32(e.local);
    u32(static_cast<uint32_t>(e.value));
    break;
  case EntryKind::Indexed:
    begin(IrOp::I32AddScaled);
    dst_operand(dst);
    u32(e.local);
    u32(e.index);
    u32(e.shift);
    u32(static_cast<uint32_t>(e.value));
    break;
  case EntryKind::Temp: break;
  }
}

void Translator::begin_safe_point(IrOp op, const std::vector<uint32_t>& extra) {
  std::vector<uint32_t> slots = extra;
  for (size_t i = 0; i < stack_.size(); ++i)
    if (stack_[i].ref && stack_[i].kind == EntryKind::Temp) slots.push_back(canon(i));
  begin(op);
  if (slots.empty()) return;
  code_->stack_maps.push_back(StackMap{cur_start_,
                                       static_cast<uint32_t>(code_->stack_map_slots.size()),
                                       static_cast<uint32_t>(slots.size())});
  code_->stack_map_slots.insert(code_->stack_map_slots.end(), slots.begin(), slots.end());
}

Result<std::unique_ptr<Code>> Translator::run() {
  code_ = std::make_unique<Code>();
  code_->function = &fn_;
  code_->mem0 = inst_.memories.empty() ? no_memory() : inst_.memories[0];
  const FuncType& type = *fn_.type;
  local_slots_.reserve(type.params.size() + decl_.num_locals + 1);
  uint32_t slot = 0;
  for (const ValType& t : type.params) {
    local_slots_.push_back(slot);
    slot += slot_count(t);
    ref_slot_.resize(slot, t.is_ref());
  }
  for (const LocalGroup& g : module_.local_groups_of(decl_))
    for (uint32_t i = 0; i < g.count; ++i) {
      local_slots_.push_back(slot);
      slot += slot_count(g.type);
      ref_slot_.resize(slot, g.type.is_ref());
    }
  local_slots_.push_back(slot);
  // Each legacy try gets a hidden local for the exception its catches hold
  // (rethrow reads it), after the declared locals.
  next_exn_slot_ = slot;
  // ... and each block, where its end is (inline_tail_to_loop).
  InstrReader scan(module_.data_at(decl_.body), decl_.body.size, decl_.body.offset);
  std::vector<std::pair<Op, uint64_t>> open; // the blocks around, and where they start
  while (!scan.at_end()) {
    const uint64_t at = scan.offset();
    Op op;
    KITE_TRY(scan.next_op(op));
    switch (op) {
    case Op::Try: ++slot; [[fallthrough]];
    case Op::Block:
    case Op::Loop:
    case Op::If:
    case Op::TryTable: open.emplace_back(op, at); break;
    case Op::End:
    case Op::Delegate:
      if (open.empty()) break; // the function's end
      if (open.back().first == Op::Block)
        block_ends_.emplace_back(open.back().second, scan.offset());
      open.pop_back();
      break;
    default: break;
    }
  }
  std::sort(block_ends_.begin(), block_ends_.end());
  code_->num_param_slots = slot_count(type.params);
  code_->num_result_slots = slot_count(type.results);
  num_locals_ = slot;
  code_->num_local_slots = num_locals_;
  ref_slot_.resize(num_locals_, true); // the legacy trys' exnref locals
  for (uint32_t s = 0; s < num_locals_; ++s)
    if (ref_slot_[s]) code_->ref_locals.push_back(s);
  max_slot_ = std::max(num_locals_, code_->num_result_slots);
  entry_access_.assign(next_exn_slot_ - code_->num_param_slots, EntryAccess::None);
  Ctrl func;
  func.kind = CtrlKind::Func;
  func.num_results = code_->num_result_slots;
  ctrls_.push_back(std::move(func));

  wasm_offset_ = static_cast<uint32_t>(decl_.body.offset);
  emit_check();
  InstrReader reader(module_.data_at(decl_.body), decl_.body.size, decl_.body.offset);
  Instr in;
  while (!ctrls_.empty()) {
    KITE_TRY(reader.next(in));
    ++ops_since_check_;
    if (!entry_done_ && !entry_access_.empty()) note_entry_access(in);
    if (ctrls_.back().unreachable) {
      KITE_TRY(skip_unreachable(in));
    } else {
      KITE_TRY(translate_instr(in));
    }
  }
  close_check();
  end_instr();
  entry_zero_range();
  code_->frame_slots = max_slot_;
  for (size_t i = 0; i < scope_catches_.size(); ++i) {
    code_->try_scopes[i].first_catch = static_cast<uint32_t>(code_->catches.size());
    code_->try_scopes[i].num_catches = static_cast<uint32_t>(scope_catches_[i].size());
    code_->catches.insert(code_->catches.end(), scope_catches_[i].begin(), scope_catches_[i].end());
  }
  // What the accumulator holds does not depend on which ops are fused,
  // until KEEP pairs pass on the one they received.
  const ControlFlow flow = control_flow(*code_);
  held_ = choose_accumulator_reads(*code_, flow);
  if constexpr (KITE_FUSIONS) { // translate_fusion.cpp
    // Fusing rewrites ops, never jumps: the loop heads stay where they are.
    const std::vector<uint8_t> heads = loop_heads(*code_, flow);
    fuse_pairs(flow, heads);
    elide_dead_stores(*code_, flow, num_locals_);
    keep_accumulators(*code_, flow, num_locals_);
    fuse_loops(heads);
  }
  return std::move(code_);
}

// In unreachable code only the block structure matters.
Status Translator::skip_unreachable(const Instr& in) {
  switch (in.op) {
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Try:
  case Op::TryTable: ++skip_depth_; return {};
  case Op::End:
    if (skip_depth_ > 0) {
      --skip_depth_;
      return {};
    }
    do_end();
    return {};
  case Op::Else:
  case Op::Catch:
  case Op::CatchAll:
    if (skip_depth_ > 0) return {};
    return translate_instr(in);
  case Op::Delegate: // closes a (legacy) try, like end
    if (skip_depth_ > 0) {
      --skip_depth_;
      return {};
    }
    return translate_instr(in);
  default: return {};
  }
}

} // namespace kite::ir::translation

namespace kite::ir {

const CatchClause* find_catch(const Code& code, uint32_t pos, const Tag* tag) {
  // Scopes nest or are disjoint and are listed in opening order, so the
  // last one containing `pos` is the innermost.
  int32_t s = -1;
  for (size_t i = code.try_scopes.size(); i-- > 0;) {
    const TryScope& t = code.try_scopes[i];
    if (t.start <= pos && pos < t.end) {
      s = static_cast<int32_t>(i);
      break;
    }
  }
  for (; s >= 0; s = code.try_scopes[s].next) {
    const TryScope& t = code.try_scopes[s];
    for (uint32_t k = 0; k < t.num_catches; ++k) {
      const CatchClause& c = code.catches[t.first_catch + k];
      if (!c.tag || c.tag == tag) return &c;
    }
  }
  return nullptr;
}

Memory* no_memory() {
  static Memory empty;
  return &empty;
}

Result<std::unique_ptr<Code>> translate(Function& fn) {
  if (!fn.instance) return Error{"cannot translate a host function"};
  const Module& module = *fn.instance->module;
  if (module.lazy_bytes) { // the body may not be read yet
    const FunctionDecl& decl = module.functions[fn.index];
    if (Status read = module.lazy_bytes->load(decl.body.offset, decl.body.size); !read.ok())
      return Error{read.error().message + " (in func " + std::to_string(fn.index) + ")"};
  }
  KITE_TRY(validate_function_body(module, fn.index)); // if deferred
  return translation::Translator(fn).run();
}

} // namespace kite::ir
