// The validator's exception-handling instructions (try_table, throw,
// throw_ref and the legacy try/catch/delegate/rethrow), a file of the
// exceptions feature (KITE_EXCEPTIONS): instruction() hands them here.
#include "validate/validator.h"

namespace kite::validation {

Status Validator::exception_instruction() {
  switch (in_.op) {
  case Op::Try: return push_frame(Op::Try, in_.block);
  case Op::TryTable: {
    for (const CatchClause& c : in_.catches) {
      KITE_TRY_ASSIGN(const Frame* target, label(c.label));
      const auto types = target->label_types();
      scratch_.clear();
      if (c.kind == CatchClause::Kind::Catch || c.kind == CatchClause::Kind::CatchRef) {
        KITE_TRY(check_tag(c.tag));
        const FuncType& ft = facts_.funcs[m_.tags[c.tag].type_index];
        scratch_.assign(ft.params.begin(), ft.params.end());
      }
      if (c.kind == CatchClause::Kind::CatchRef || c.kind == CatchClause::Kind::CatchAllRef) {
        scratch_.push_back(ref_of(HeapKind::Exn, false));
      }
      if (scratch_.size() != types.size()) return mismatch();
      for (size_t i = 0; i < types.size(); ++i) {
        if (!subtype(scratch_[i], types[i])) return mismatch();
      }
    }
    return push_frame(Op::TryTable, in_.block);
  }
  case Op::Catch:
  case Op::CatchAll: {
    Frame& f = frames_.back();
    if (f.op != Op::Try && f.op != Op::Catch) return fail("catch without matching try");
    KITE_TRY(pop_frame_results(f));
    f.op = in_.op;
    f.unreachable = false;
    reset_locals_to(f.init_height);
    if (in_.op == Op::Catch) {
      KITE_TRY(check_tag(in_.a));
      push_all(facts_.funcs[m_.tags[in_.a].type_index].params);
    }
    return {};
  }
  case Op::Delegate: {
    const Frame f = frames_.back();
    if (f.op != Op::Try) return fail("delegate without matching try");
    KITE_TRY(pop_frame_results(f));
    reset_locals_to(f.init_height);
    frames_.pop_back();
    if (frames_.empty() || in_.a >= frames_.size()) return fail("unknown label");
    push_all(f.result_types());
    return {};
  }
  case Op::Rethrow: {
    KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
    if (target->op != Op::Catch && target->op != Op::CatchAll) {
      return fail("invalid rethrow label");
    }
    set_unreachable();
    return {};
  }
  case Op::Throw: {
    KITE_TRY(check_tag(in_.a));
    KITE_TRY(pop_all(facts_.funcs[m_.tags[in_.a].type_index].params));
    set_unreachable();
    return {};
  }
  case Op::ThrowRef:
    KITE_TRY(pop(ref_of(HeapKind::Exn, true)));
    set_unreachable();
    return {};
  default: break;
  }
  return fail("illegal opcode");
}

} // namespace kite::validation
