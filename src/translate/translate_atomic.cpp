// Translation of the threads proposal's atomic instructions, members of
// class Translator (translator.h). The IR rows are in ir_atomic.def.
#include "translate/translator.h"

namespace kite::ir::translation {

Status Translator::translate_atomic(const Instr& in) {
  switch (in.op) {
  case Op::AtomicFence: begin(IrOp::AtomicFence); return {};
  case Op::MemoryAtomicNotify:
    do_atomic(IrOp::MemoryAtomicNotify, IrOp::MemoryAtomicNotify, in.mem, 1, true);
    return {};
  case Op::MemoryAtomicWait32:
    do_atomic(IrOp::MemoryAtomicWait32, IrOp::MemoryAtomicWait32, in.mem, 2, true);
    return {};
  case Op::MemoryAtomicWait64:
    do_atomic(IrOp::MemoryAtomicWait64, IrOp::MemoryAtomicWait64, in.mem, 2, true);
    return {};
#define KITE_IR_ATOMIC_LOAD(Name, R, Mem)                                                          \
  case Op::Name: do_atomic(IrOp::Name, IrOp::Name##Checked, in.mem, 0, true); return {};
#define KITE_IR_ATOMIC_STORE(Name, Mem)                                                            \
  case Op::Name: do_atomic(IrOp::Name, IrOp::Name##Checked, in.mem, 1, false); return {};
#define KITE_IR_ATOMIC_RMW(Name, R, Mem, op)                                                       \
  case Op::Name: do_atomic(IrOp::Name, IrOp::Name##Checked, in.mem, 1, true); return {};
#define KITE_IR_ATOMIC_CMPXCHG(Name, R, Mem)                                                       \
  case Op::Name: do_atomic(IrOp::Name, IrOp::Name##Checked, in.mem, 2, true); return {};
#include "translate/ir_ops.def"
  default: return unsupported(in);
  }
}

} // namespace kite::ir::translation
