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

#include <algorithm>
#include <optional>
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

// The accumulator after `fused` (at `ip`) runs straight through. A KEEP
// pair's first op passes on what it received (its second op has no result),
// less its own result slot, a temp no one reads again.
Held transfer(const Held& in, IrOp fused, const uint64_t* ip) {
  if (ir_op_facts(fused).keeps) {
    Held out = in;
    for (uint32_t& s : out.slot)
      if (s == unit(ip, 0)) s = kNone;
    return out;
  }
  const IrOp op = unfused(fused);
  const IrOpFacts& info = ir_op_facts(op);
  if (!info.step) return {};
  if (op == IrOp::Copy) return Held{{unit(ip, 1), unit(ip, 0)}};
  if (ir_shape(op).dst == 0) return Held{{unit(ip, 0), kNone}};
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
#if KITE_EXCEPTIONS
  case IrOp::Throw:
  case IrOp::ThrowRef:
#endif
    return false;
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

ControlFlow control_flow(const Code& code) {
  const size_t n = code.instr_starts.size();
  std::vector<uint32_t> index_at(code.words.size() + 1);
  for (size_t i = 0; i < n; ++i)
    index_at[code.instr_starts[i]] = static_cast<uint32_t>(i);
  index_at[code.words.size()] = static_cast<uint32_t>(n); // the end of the code
  ControlFlow flow;
  flow.first.resize(n + 1);
  flow.falls.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const IrOp op = unfused(code.instr_ops[i]);
    flow.first[i] = static_cast<uint32_t>(flow.targets.size());
    flow.falls[i] = falls_through(op);
    for_each_target(code, code.instr_starts[i], op,
                    [&](uint32_t t) { flow.targets.push_back(index_at[t]); });
  }
  flow.first[n] = static_cast<uint32_t>(flow.targets.size());
  for (const CatchClause& c : code.catches)
    flow.catches.push_back(index_at[c.target]);
  return flow;
}

std::vector<HeldSlots> choose_accumulator_reads(Code& code, const ControlFlow& flow,
                                                bool keep_chosen) {
  const std::vector<uint32_t>& starts = code.instr_starts;
  const size_t n = starts.size();
  std::vector<uint8_t> chosen(n, kNoAccUnit);
  if (keep_chosen) chosen.swap(code.instr_acc_units);
  code.instr_acc_units.assign(n, kNoAccUnit);
  // What the jumps into each jump target bring, met over all of them
  // (reached: some jump to it was seen).
  std::vector<uint8_t> reached(n + 1);
  std::vector<Held> at_target(n + 1);
  for (uint32_t c : flow.catches) // entered by the unwinder: nothing known
    reached[c] = 1;
  // Iterate to a fixed point: a loop's back edge is seen after its header.
  // The sets only shrink, so this ends after a few passes.
  std::vector<Held> in(n);
  for (bool changed = true; changed;) {
    changed = false;
    Held cur; // at the function's entry: nothing known
    bool falls = true;
    for (size_t i = 0; i < n; ++i) {
      Held here = falls ? cur : Held{};
      if (reached[i]) here = falls ? meet(here, at_target[i]) : at_target[i];
      in[i] = here;
      for (uint32_t k = flow.first[i]; k < flow.first[i + 1]; ++k) {
        const uint32_t t = flow.targets[k];
        Held brought = reached[t] ? meet(at_target[t], here) : here;
        // A later target takes what it is brought in this same pass; only a
        // changed back edge's target needs another.
        if (t <= i && (!reached[t] || !(brought == at_target[t]))) changed = true;
        reached[t] = 1;
        at_target[t] = brought;
      }
      cur = transfer(here, code.instr_ops[i], &code.words[starts[i]]);
      falls = flow.falls[i];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    const uint64_t* ip = &code.words[starts[i]];
    if (chosen[i] != kNoAccUnit && in[i].has(unit(ip, chosen[i]))) {
      code.instr_acc_units[i] = chosen[i];
      continue;
    }
    const IrShape& shape = ir_shape(code.instr_ops[i]);
    for (uint32_t s = 0; s < shape.num_src; ++s) {
      if (in[i].has(unit(ip, shape.src[s]))) {
        code.instr_acc_units[i] = shape.src[s];
        break;
      }
    }
  }
  std::vector<HeldSlots> held(n);
  for (size_t i = 0; i < n; ++i)
    held[i] = {in[i].slot[0], in[i].slot[1]};
  return held;
}

namespace {

// The unit of instruction i that never reads the frame: the one it reads
// from the accumulator, when it has a variant for it (a step, units 0-3)
// and, if it is the second op of a fused pair, the pair forwards that same
// unit to it from a register (a pair that does not reads the frame).
// Without the variants (KITE_VARIANTS off) every op reads the frame.
uint32_t unit_read_from_register(const Code& code, size_t i) {
  const uint8_t k = code.instr_acc_units[i];
  if (!KITE_VARIANTS || k >= 4 || !ir_op_facts(unfused(code.instr_ops[i])).step) return kNone;
  if (i > 0) {
    const IrOp before = code.instr_ops[i - 1];
    if (before != unfused(before) && ir_op_facts(before).forward_unit != k) return kNone;
  }
  return k;
}

} // namespace

std::vector<uint8_t> results_dead_after(const Code& code, const ControlFlow& flow,
                                        uint32_t num_locals, const std::vector<uint32_t>& writers) {
  const std::vector<uint32_t>& starts = code.instr_starts;
  const std::vector<IrOp>& ops = code.instr_ops;
  const size_t n = starts.size();
  std::vector<uint8_t> dead(writers.size(), false);
  // A bit per local asked about, the first 64.
  std::vector<uint64_t> bit_of(num_locals, 0);
  uint64_t all = 0;
  for (uint32_t i : writers) {
    const uint32_t slot = unit(&code.words[starts[i]], 0);
    if (slot >= num_locals || bit_of[slot]) continue;
    if (all == ~uint64_t{0}) break;
    bit_of[slot] = (all + 1) & ~all; // the lowest bit not taken
    all |= bit_of[slot];
  }
  if (!all) return dead;
  auto bits = [&](uint32_t first, uint32_t count) {
    uint64_t b = 0;
    for (uint32_t s = first; s < first + count && s < num_locals; ++s)
      b |= bit_of[s];
    return b;
  };

  // Per instruction, the locals it reads from the frame and those it writes
  // (steps only: what other ops write only makes more locals seem live).
  // An op without a step reads its slot operands (a v128 one is two slots)
  // and the result and payload ranges below; a call's arguments are temps.
  std::vector<uint64_t> use(n), def(n);
  for (size_t i = 0; i < n; ++i) {
    const IrOp op = unfused(ops[i]);
    const IrOpFacts& info = ir_op_facts(op);
    const uint64_t* ip = &code.words[starts[i]];
    if (op == IrOp::Return) use[i] = bits(0, code.num_result_slots);
    if (op == IrOp::ReturnN) use[i] = bits(unit(ip, 0), unit(ip, 1));
#if KITE_EXCEPTIONS
    if (op == IrOp::Throw) use[i] = bits(unit(ip, 2), unit(ip, 3));
#endif
    const uint32_t from_register = info.step ? unit_read_from_register(code, i) : kNone;
    const IrShape& shape = ir_shape(op);
    for (uint32_t s = 0; s < shape.num_src; ++s)
      if (shape.src[s] != from_register) use[i] |= bits(unit(ip, shape.src[s]), info.step ? 1 : 2);
    if (shape.dst != IrShape::kNone && info.step) def[i] |= bits(unit(ip, shape.dst), 1);
  }

  // The locals live at the start of each instruction: backward, to a fixed
  // point (the sets only grow). An op without a step may throw (a call, a
  // throw), so may continue at any catch. A pass sees what flows backward
  // from later instructions; a change at a back edge's target or a catch
  // (read before it in the pass) needs another.
  std::vector<uint8_t> read_early(n + 1, 0);
  for (size_t i = 0; i < n; ++i)
    for (uint32_t k = flow.first[i]; k < flow.first[i + 1]; ++k)
      if (flow.targets[k] <= i) read_early[flow.targets[k]] = 1;
  for (uint32_t c : flow.catches)
    read_early[c] = 1;
  std::vector<uint64_t> live(n + 1, 0); // live[n]: after the end, nothing
  for (bool changed = true; changed;) {
    changed = false;
    uint64_t at_catches = 0;
    for (uint32_t c : flow.catches)
      at_catches |= live[c];
    for (size_t i = n; i-- > 0;) {
      uint64_t out = flow.falls[i] ? live[i + 1] : 0;
      if (!ir_op_facts(unfused(ops[i])).step) out |= at_catches;
      for (uint32_t k = flow.first[i]; k < flow.first[i + 1]; ++k)
        out |= live[flow.targets[k]];
      const uint64_t in = (out & ~def[i]) | use[i];
      if (in != live[i]) {
        live[i] = in;
        changed |= read_early[i] != 0;
      }
    }
  }
  for (size_t w = 0; w < writers.size(); ++w) {
    const uint32_t i = writers[w];
    const uint64_t b = bits(unit(&code.words[starts[i]], 0), 1);
    dead[w] = b && !(live[i + 1] & b);
  }
  return dead;
}

void elide_dead_stores(Code& code, const ControlFlow& flow, uint32_t num_locals) {
  std::vector<uint32_t> writers;
  for (uint32_t i = 0; i + 1 < code.instr_ops.size(); ++i) {
    const IrOpFacts& info = ir_op_facts(code.instr_ops[i]);
    if (info.forwards && !info.unstored && ir_shape(code.instr_ops[i]).dst == 0)
      writers.push_back(i);
  }
  const std::vector<uint8_t> dead = results_dead_after(code, flow, num_locals, writers);
  for (size_t w = 0; w < writers.size(); ++w) {
    if (dead[w]) code.set_op(writers[w], unstored(code.instr_ops[writers[w]]));
  }
}

namespace {

// Whether each instruction is ever run inside the handler of an earlier one
// (the second op of a pair, or of a loop's three), rather than by its own:
// reached by falling through from a pair or loop whose handler is itself
// dispatched.
std::vector<uint8_t> run_within_others(const Code& code, const ControlFlow& flow) {
  const size_t n = code.instr_starts.size();
  std::vector<uint8_t> within(n), dispatched(n);
  for (uint32_t t : flow.targets)
    if (t < n) dispatched[t] = true;
  for (uint32_t c : flow.catches)
    dispatched[c] = true;
  for (size_t i = 0; i < n; ++i) {
    dispatched[i] = dispatched[i] || i == 0;
    if (!dispatched[i]) continue;
    const IrOp op = code.instr_ops[i];
    const size_t span = fused_span(op);
    for (size_t m = 1; m < span && i + m < n; ++m)
      within[i + m] = true;
    const size_t last = i + span - 1, next = i + span;
    if (next < n && flow.falls[last]) dispatched[next] = true;
  }
  return within;
}

} // namespace

LoopBody loop_at(const Code& code, size_t head) {
  const std::vector<IrOp>& ops = code.instr_ops;
  const std::vector<uint32_t>& starts = code.instr_starts;
  const size_t n = ops.size();
  auto span = [&](size_t t) { return fused_span(loop_head(ops[t])); };
  // The last op of the handler at t, if it jumps.
  auto jump_of = [&](size_t t) -> std::optional<uint32_t> {
    const size_t last = t + span(t) - 1;
    if (last >= n || !has_jump(unfused(ops[last]))) return std::nullopt;
    return code.jump_target(last);
  };
  auto jumps_back = [&](size_t t) { return t < n && jump_of(t) == starts[head]; };
  LoopBody body;
  auto add = [&](size_t t) {
    body.ops[body.count] = loop_head(ops[t]);
    body.units[body.count] = body.count == 0 ? kNoAccUnit : code.instr_acc_units[t];
    ++body.count;
  };
  add(head);
  // A `continue`: the head jumps forward to a tail that jumps back (taken
  // to be the loop even when falling through reaches that tail as well).
  if (const std::optional<uint32_t> target = jump_of(head); target && *target > starts[head]) {
    const size_t t = static_cast<size_t>(std::lower_bound(starts.begin(), starts.end(), *target) -
                                         starts.begin());
    if (jumps_back(t)) {
      add(t);
      body.via_jump = true;
      return body;
    }
  }
  for (size_t t = head + span(head); t < n && body.count < kMaxLoopHandlers; t += span(t)) {
    add(t);
    if (jumps_back(t)) return body;
  }
  return {};
}

std::vector<uint8_t> loop_heads(const Code& code, const ControlFlow& flow) {
  const size_t n = code.instr_starts.size();
  std::vector<uint8_t> heads(n + 1);
  for (size_t i = 0; i < n; ++i)
    for (uint32_t k = flow.first[i]; k < flow.first[i + 1]; ++k)
      if (flow.targets[k] <= i) heads[flow.targets[k]] = true;
  heads.resize(n);
  return heads;
}

IrOp keeping_twin(const Code& code, size_t i, IrOp pair, uint32_t num_locals) {
  const IrOpFacts& info = ir_op_facts(pair);
  if (!info.unstored || info.previous_unit != 0xFF || info.keeps ||
      i + 1 >= code.instr_ops.size() || unit(&code.words[code.instr_starts[i]], 0) < num_locals)
    return pair;
  const IrOp keep = fused_keeping(unfused(pair), unfused(code.instr_ops[i + 1]), info.forward_unit);
  return keep == unfused(pair) ? pair : keep;
}

void keep_accumulators(Code& code, const ControlFlow& flow, uint32_t num_locals) {
  // A pair run within the one before it computes its first op there, which
  // passes on that op's result: only pairs that always start their own
  // handler can keep the accumulator.
  const std::vector<uint8_t> within = run_within_others(code, flow);
  bool any = false;
  for (size_t i = 0; i + 1 < code.instr_ops.size(); ++i) {
    if (within[i]) continue;
    const IrOp keep = keeping_twin(code, i, code.instr_ops[i], num_locals);
    if (keep == code.instr_ops[i]) continue;
    code.set_op(i, keep);
    any = true;
  }
  if (any) choose_accumulator_reads(code, flow, true);
}

} // namespace kite::ir
