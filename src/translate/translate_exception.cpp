// The exception-handling instructions (try_table, throw, throw_ref and the
// legacy try/catch/delegate/rethrow), a file of the exceptions feature
// (KITE_EXCEPTIONS): translate_feature hands them here. Their try scopes
// and landing pads are the control flow's (translate_control.cpp).
#include "translate/translator.h"

namespace kite::ir::translation {

void Translator::do_catch(const Instr& in) {
  Ctrl& c = ctrls_.back();
  leave_to_exit(c);
  if (c.kind == CtrlKind::Try) {
    close_try_scope(c);
    c.kind = CtrlKind::Catch;
  }
  label();
  stack_.resize(c.height);
  CatchClause out{.target = here(), .slot = canon(c.height), .exn_slot = c.exn_slot};
  if (in.op == Op::Catch) {
    out.tag = inst_.tags[in.a];
    push_tag_params(in.a);
  }
  scope_catches_[c.try_scope].push_back(out);
  c.unreachable = false;
}

Status Translator::translate_exception(const Instr& in) {
  switch (in.op) {
  case Op::TryTable:
    materialize_all();
    push_ctrl(CtrlKind::TryTable, in.block);
    ctrls_.back().table_catches = in.catches;
    open_try_scope();
    return {};
  case Op::Try:
    materialize_all();
    push_ctrl(CtrlKind::Try, in.block);
    ctrls_.back().exn_slot = next_exn_slot_++;
    open_try_scope();
    return {};
  case Op::Catch:
  case Op::CatchAll: do_catch(in); return {};
  case Op::Delegate: {
    // The body's exceptions go to the scope around label `in.a` (counted
    // from outside the try), or to the caller.
    Ctrl& c = ctrls_.back();
    code_->try_scopes[c.try_scope].next = label_ctrl(in.a + 1).scope;
    do_end();
    return {};
  }
  case Op::Throw: {
    const Tag* tag = inst_.tags[in.a];
    uint32_t n = slot_count(tag->type->params);
    uint32_t base = pop_args(n);
    begin_safe_point(IrOp::Throw, ref_slots(tag->type->params, base));
    ptr(tag);
    u32(base);
    u32(n);
    set_unreachable();
    return {};
  }
  case Op::ThrowRef: {
    uint32_t exn = pop_slot();
    begin(IrOp::ThrowRef);
    u32(exn);
    set_unreachable();
    return {};
  }
  case Op::Rethrow:
    begin(IrOp::ThrowRef);
    u32(label_ctrl(in.a).exn_slot);
    set_unreachable();
    return {};
  default: break;
  }
  return unsupported(in);
}

} // namespace kite::ir::translation
