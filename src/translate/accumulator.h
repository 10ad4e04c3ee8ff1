// Which operands of a translated function can be read from the accumulator
// (see "The accumulator" in docs/architecture.md).
#pragma once

#include <vector>

#include "translate/ir.h"

namespace kite::ir {

// The slots whose value the accumulator holds when an instruction starts
// (~0u: none; two after a Copy).
struct HeldSlots {
  uint32_t slot[2];
  bool has(uint32_t s) const { return s != ~0u && (slot[0] == s || slot[1] == s); }
};

// Where control goes from each instruction, by instruction index (n: the
// end of the code). Fusing changes ops, never jumps, so one serves every
// pass below; each walks it rather than decoding jumps from the words.
struct ControlFlow {
  // Instruction i jumps to targets[first[i]] .. targets[first[i + 1] - 1]
  // (a br_table's entries may repeat) and, if falls[i], falls through.
  std::vector<uint32_t> first;
  std::vector<uint32_t> targets;
  std::vector<uint8_t> falls;
  std::vector<uint32_t> catches; // where the unwinder may enter
};
ControlFlow control_flow(const Code& code);

// Fills code.instr_acc_units: for each instruction, the slot unit whose
// value the accumulator is known to hold whenever the instruction starts,
// on every path that reaches it, or kNoAccUnit. Returns those slots. With
// keep_chosen, an instruction keeps the unit it had if that is still held.
std::vector<HeldSlots> choose_accumulator_reads(Code& code, const ControlFlow& flow,
                                                bool keep_chosen = false);

// For each of `writers` (instructions whose op writes a local below
// `num_locals` as its result, unit 0), whether that value is dead after it:
// no path from it reads the local back from the frame before writing it
// again. A read the accumulator or a forwarding pair serves from a register
// (code.instr_acc_units, so after choose_accumulator_reads) does not count.
// Only the first 64 locals asked about are analysed; the others read live.
std::vector<uint8_t> results_dead_after(const Code& code, const ControlFlow& flow,
                                        uint32_t num_locals, const std::vector<uint32_t>& writers);

// Turns each storing forwarding pair whose result (a local) is dead after
// it into its unstored twin: a loop's induction variable that the pair
// tests and the loop head reads from the accumulator, for one.
void elide_dead_stores(Code& code, const ControlFlow& flow, uint32_t num_locals);

// Turns each unstored pair whose result is a temp and whose second op has
// no result (a branch, a store) into its KEEP twin, which passes on the
// accumulator it received instead of that dead temp, and finds the reads
// that makes possible (a list walk's pointer, past the test of its key).
// Every read chosen before stays: what the accumulator is known to hold
// only grows but for the temps.
void keep_accumulators(Code& code, const ControlFlow& flow, uint32_t num_locals);
// The KEEP twin of `pair` as instruction i's op, or `pair` if it has none.
IrOp keeping_twin(const Code& code, size_t i, IrOp pair, uint32_t num_locals);
// Per instruction, whether a jump from it or from later code reaches it.
std::vector<uint8_t> loop_heads(const Code& code, const ControlFlow& flow);

// The short loop headed by instruction `head` (LoopBody: up to
// kMaxLoopHandlers handlers in a row, the last jumping back to the head; or
// two, the head jumping forward to the other), as the handlers it dispatches
// and the accumulator units they read; count 0 if there is none. A loop op
// already at an instruction counts as its head op.
LoopBody loop_at(const Code& code, size_t head);

} // namespace kite::ir
