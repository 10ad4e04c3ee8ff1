// Which operands of a translated function can be read from the accumulator
// (see "The accumulator" in docs/architecture.md).
#pragma once

#include "translate/ir.h"

namespace kite::ir {

// Fills code.instr_acc_units: for each instruction, the slot unit whose
// value the accumulator is known to hold whenever the instruction starts,
// on every path that reaches it, or kNoAccUnit.
void choose_accumulator_reads(Code& code);

} // namespace kite::ir
