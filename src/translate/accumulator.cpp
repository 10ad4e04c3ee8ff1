// Every step passes its result on to the next handler in a register, the
// accumulator (src/interp/steps.inc), and stores it as well. An instruction
// that reads a slot whose value the accumulator is known to hold can take it
// from there instead of loading it back from the frame: its handler is a
// variant that reads that unit from the accumulator.
//
// What the accumulator holds is found by a forward data-flow pass over the
// code: a set of at most two slots at the start of every instruction, the
// intersection of what every path into it brings. A step with a result sets
// it to its result slot (a Copy to both its slots, which then hold the same
// value); a step without one, and every jump (branches, br_table,
// br_on_null: they write no slot and pass the accumulator on), leave it as
// it was; an op without a step (a call, an op that can trap...) writes
// slots without passing its result on, so after it the set is empty. So
// are the function's entry, a catch's landing and a call's return point
// (which follows the call). Every read of a slot in the set is recorded;
// linking keeps those whose op has such a variant (all steps, some
// hand-written handlers).
#include "translate/accumulator.h"

#include <vector>

namespace kite::ir {

namespace {

constexpr uint32_t kNone = ~0u;

// The slots whose value the accumulator holds (two only after a Copy).
struct Held {
  uint32_t slot[2] = {kNone, kNone};
  bool has(uint32_t s) const { return s != kNone && (slot[0] == s || slot[1] == s); }
  bool operator==(const Held&) const = default;
};

Held meet(const Held& a, const Held& b) {
  Held out;
  uint32_t n = 0;
  for (uint32_t s : a.slot)
    if (b.has(s)) out.slot[n++] = s;
  return out;
}

// The accumulator after `op` (at `ip`) runs straight through.
Held transfer(const Held& in, IrOp op, const uint64_t* ip) {
  const IrOpInfo& info = ir_op_info(op);
  if (!info.step) return {};
  if (op == IrOp::Copy) return Held{{unit(ip, 1), unit(ip, 0)}};
  if (info.layout.starts_with('d')) return Held{{unit(ip, 0), kNone}};
  return in;
}

// Ops after which the next instruction is reached only by a jump.
bool falls_through(IrOp op) {
  switch (op) {
  case IrOp::Br:
  case IrOp::BrTable:
  case IrOp::BrTableLoad:
  case IrOp::Return:
  case IrOp::Return1:
  case IrOp::ReturnN:
  case IrOp::ReturnCall:
  case IrOp::ReturnCallIndirect:
  case IrOp::ReturnCallRef:
  case IrOp::Unreachable:
  case IrOp::Throw:
  case IrOp::ThrowRef: return false;
  default: return true;
  }
}

// Calls f(word index) for every jump target of the instruction at `start`.
template <class F> void for_each_target(const Code& code, uint32_t start, IrOp op, F f) {
  const uint64_t* ip = &code.words[start];
  if (has_jump(op)) f(start + static_cast<int32_t>(unit(ip, jump_unit(op))));
  if (op == IrOp::BrTable || op == IrOp::BrTableLoad) {
    const uint32_t first = table_entries_unit(op);
    for (uint32_t e = 0; e <= unit(ip, first - 1); ++e)
      f(start + static_cast<int32_t>(unit(ip, first + kTableEntryUnits * e)));
  }
}

} // namespace

void choose_accumulator_reads(Code& code) {
  const std::vector<uint32_t>& starts = code.instr_starts;
  const size_t n = starts.size();
  code.instr_acc_units.assign(n, kNoAccUnit);
  // What the jumps into each jump target bring, met over all of them
  // (reached: some jump to it was seen).
  std::vector<bool> reached(code.words.size() + 1);
  std::vector<Held> at_target(code.words.size() + 1);
  for (const CatchClause& c : code.catches) // entered by the unwinder: nothing known
    reached[c.target] = true;
  // Iterate to a fixed point: a loop's back edge is seen after its header.
  // The sets only shrink, so this ends after a few passes.
  std::vector<Held> in(n);
  for (bool changed = true; changed;) {
    changed = false;
    Held cur; // at the function's entry: nothing known
    bool falls = true;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t start = starts[i];
      const IrOp op = unfused(code.instr_ops[i]);
      Held here = falls ? cur : Held{};
      if (reached[start]) here = falls ? meet(here, at_target[start]) : at_target[start];
      in[i] = here;
      for_each_target(code, start, op, [&](uint32_t t) {
        Held brought = reached[t] ? meet(at_target[t], here) : here;
        if (!reached[t] || !(brought == at_target[t])) changed = true;
        reached[t] = true;
        at_target[t] = brought;
      });
      cur = transfer(here, op, &code.words[start]);
      falls = falls_through(op);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const uint64_t* ip = &code.words[starts[i]];
    uint32_t k = 0;
    for (char c : ir_op_info(unfused(code.instr_ops[i])).layout) {
      if (c == 's' && in[i].has(unit(ip, k))) {
        code.instr_acc_units[i] = static_cast<uint8_t>(k);
        break;
      }
      k += letter_units(c);
    }
  }
}

} // namespace kite::ir
