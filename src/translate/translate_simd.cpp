// Translation of the SIMD (v128) instructions, members of class
// Translator (translator.h). A v128 is two stack
// entries (see translator.h); the IR rows are in
// ir_simd.def.
#include "translate/translator.h"

namespace kite::ir::translation {

Status Translator::translate_simd(const Instr& in) {
  switch (in.op) {
  case Op::V128Const: {
    uint64_t half[2];
    std::memcpy(half, in.v128.data(), sizeof half);
    push_const(half[0]);
    stack_.push_back(Entry{EntryKind::Const, 0, half[1], true});
    return {};
  }
  case Op::I8x16Shuffle: {
    uint64_t lanes[2];
    std::memcpy(lanes, in.v128.data(), sizeof lanes);
    uint32_t b = pop_v128();
    uint32_t a = pop_v128();
    begin(IrOp::I8x16Shuffle);
    dst_operand(push_v128_temp());
    u32(a);
    u32(b);
    u64(lanes[0]);
    u64(lanes[1]);
    return {};
  }
  case Op::V128Store: do_v128_store(IrOp::V128Store, IrOp::V128StoreChecked, in, false); return {};
#define KITE_IR_V_UN(Name, expr)                                                                   \
  case Op::Name: do_v128_op(IrOp::Name, 1); return {};
#define KITE_IR_V_BIN(Name, expr)                                                                  \
  case Op::Name: do_v128_op(IrOp::Name, 2); return {};
#define KITE_IR_V_TERN(Name, expr)                                                                 \
  case Op::Name: do_v128_op(IrOp::Name, 3); return {};
#define KITE_IR_V_TEST(Name, expr)                                                                 \
  case Op::Name: do_v128_to_scalar(IrOp::Name, nullptr); return {};
#define KITE_IR_V_EXTRACT(Name, L, R)                                                              \
  case Op::Name: do_v128_to_scalar(IrOp::Name, &in.lane); return {};
#define KITE_IR_V_SHIFT(Name, expr)                                                                \
  case Op::Name: do_v128_with_scalar(IrOp::Name, true, nullptr); return {};
#define KITE_IR_V_SPLAT(Name, L)                                                                   \
  case Op::Name: do_v128_with_scalar(IrOp::Name, false, nullptr); return {};
#define KITE_IR_V_REPLACE(Name, L)                                                                 \
  case Op::Name: do_v128_with_scalar(IrOp::Name, true, &in.lane); return {};
#define KITE_IR_V_LOAD(Name, Mem, expr)                                                            \
  case Op::Name: do_v128_load(IrOp::Name, IrOp::Name##Checked, in, false); return {};
#define KITE_IR_V_LOAD_LANE(Name, L)                                                               \
  case Op::Name: do_v128_load(IrOp::Name, IrOp::Name##Checked, in, true); return {};
#define KITE_IR_V_STORE_LANE(Name, L)                                                              \
  case Op::Name: do_v128_store(IrOp::Name, IrOp::Name##Checked, in, true); return {};
#include "translate/ir_ops.def"
  default: return unsupported(in);
  }
}

void Translator::do_v128_const(uint32_t slot, uint64_t lo, uint64_t hi) {
  begin(IrOp::V128Const);
  dst_operand(slot);
  u64(lo);
  u64(hi);
}

void Translator::do_v128_select(uint32_t cond) {
  uint32_t b = pop_v128();
  uint32_t a = pop_v128();
  begin(IrOp::V128Select);
  dst_operand(push_v128_temp());
  u32(cond);
  u32(a);
  u32(b);
}

void Translator::do_v128_global_get(Global* g) {
  begin(IrOp::V128GlobalGet);
  dst_operand(push_v128_temp());
  ptr(g);
}

void Translator::do_v128_global_set(Global* g) {
  uint32_t src = pop_v128();
  begin(IrOp::V128GlobalSet);
  ptr(g);
  u32(src);
}

} // namespace kite::ir::translation
