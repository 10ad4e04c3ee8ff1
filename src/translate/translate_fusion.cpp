// The post-pass that fuses adjacent IR instructions into superinstructions
// (ir_fusions.def) and picks forwarding variants.
#include "translate/translator.h"

namespace kite::ir::translation {

void Translator::fuse_pairs(const ControlFlow& flow, const std::vector<uint8_t>& heads) {
  const std::vector<IrOp>& ops = code_->instr_ops;
  const size_t n = ops.size();
  std::vector<IrOp> pair(n);
  std::vector<uint32_t> local_writers;
  for (size_t i = 0; i < n; ++i) {
    pair[i] = i + 1 < n ? fused_pair_at(i) : ops[i];
    if (ir_op_facts(pair[i]).forwards && !ir_op_facts(pair[i]).unstored)
      local_writers.push_back(static_cast<uint32_t>(i));
  }
  const std::vector<uint8_t> dead = results_dead_after(*code_, flow, num_locals_, local_writers);
  std::vector<uint8_t> saves_store(n);
  for (size_t w = 0; w < local_writers.size(); ++w)
    saves_store[local_writers[w]] = dead[w];

  // cost[i]: dispatches from i to the end of its run, less a fraction per
  // store left out.
  constexpr int64_t kDispatch = 1 << 16;
  std::vector<int64_t> cost(n + 1, 0);
  auto after = [&](size_t last) {
    const IrOp op = ops[last];
    return has_jump(op) || !ir_op_facts(op).step ? 0 : cost[last + 1];
  };
  // A loop head whose pair reads the accumulator and can pass it on again
  // (keep_accumulators: a list walk's pointer) must start its own handler
  // when the loop is entered too.
  std::vector<uint8_t> paired(n);
  for (size_t i = n; i-- > 0;) {
    cost[i] = kDispatch + after(i);
    if (pair[i] == ops[i]) continue;
    if (i + 1 < n && heads[i + 1] && code_->instr_acc_units[i + 1] != kNoAccUnit &&
        keeping_twin(*code_, i + 1, pair[i + 1], num_locals_) != pair[i + 1])
      continue;
    const int64_t with_pair = kDispatch - saves_store[i] + after(i + 1);
    if (with_pair <= cost[i]) {
      cost[i] = with_pair;
      paired[i] = true;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (paired[i]) code_->set_op(i, pair[i]);
}

IrOp Translator::fused_pair_at(size_t i) const {
  const std::vector<IrOp>& ops = code_->instr_ops;
  IrOp fused = fused_pair(ops[i], ops[i + 1]);
  if (fused == ops[i] || ir_shape(ops[i]).dst != 0) return fused;
  const uint32_t result = unit(&code_->words[code_->instr_starts[i]], 0);
  fused = forwarded(ops[i], ops[i + 1], code_->instr_starts[i + 1], result, fused);
  // A temp is read once, by the op that pops it: no one loads it back.
  if (!ir_op_facts(fused).forwards || result < num_locals_) return fused;
  fused = unstored(fused);
  // The second op may also read the value the accumulator held before
  // the first (a running hash combined with a loaded byte).
  const uint64_t* b = &code_->words[code_->instr_starts[i + 1]];
  const uint32_t k = ir_op_facts(fused).forward_unit;
  const IrShape& shape = ir_shape(ops[i + 1]);
  for (uint32_t n = 0; n < shape.num_src; ++n) {
    const uint32_t j = shape.src[n];
    if (j != k && unit(b, j) != result && held_[i].has(unit(b, j))) {
      IrOp previous = fused_previous(ops[i], ops[i + 1], k, j);
      if (previous != ops[i]) return previous;
    }
  }
  return fused;
}

IrOp Translator::forwarded(IrOp a, IrOp b, uint32_t b_start, uint32_t slot, IrOp plain) const {
  const uint64_t* ip = &code_->words[b_start];
  IrOp found = plain;
  const IrShape& shape = ir_shape(b);
  for (uint32_t n = 0; n < shape.num_src; ++n) {
    const uint32_t k = shape.src[n];
    if (unit(ip, k) != slot) continue;
    IrOp f = fused_forward(a, b, k);
    if (f != a) {
      if (found != plain) return plain; // read twice
      found = f;
    } else if (k != 0) {
      return plain; // read where no variant forwards it
    }
  }
  return found;
}

} // namespace kite::ir::translation
