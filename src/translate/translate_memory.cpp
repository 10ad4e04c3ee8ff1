// Translation of memory accesses: folded address forms (constant, base +
// offset, indexed), bounds-check variants, v128 and atomic accesses.
#include "translate/translator.h"

namespace kite::ir::translation {

bool Translator::try_indexed() {
  size_t p = stack_.size() - 2;
  const Entry& lo = stack_[p];
  const Entry& hi = stack_[p + 1];
  const Entry* scaled = lo.kind == EntryKind::Scaled   ? &lo
                        : hi.kind == EntryKind::Scaled ? &hi
                                                       : nullptr;
  if (!scaled) return false;
  const Entry& other = scaled == &lo ? hi : lo;
  Entry r{EntryKind::Indexed};
  if (other.kind == EntryKind::Local || other.kind == EntryKind::AddImm) {
    r.local = other.local;
    r.value = other.kind == EntryKind::AddImm ? other.value : 0;
  } else if (other.kind == EntryKind::Temp) {
    r.local = canon(&other == &lo ? p : p + 1);
  } else {
    return false;
  }
  r.index = scaled->local;
  r.shift = static_cast<uint32_t>(scaled->value);
  auto stays = [&](uint32_t slot) { return slot < num_locals_ || slot == canon(p); };
  if (!stays(r.local) || !stays(r.index)) return false;
  stack_.resize(p);
  stack_.push_back(r);
  return true;
}

Translator::Address Translator::pop_address(bool fast, bool indexed_ok) {
  const Entry& e = stack_.back();
  if (fast && (e.kind == EntryKind::AddImm || (indexed_ok && e.kind == EntryKind::Indexed))) {
    Address a{e.local, static_cast<uint32_t>(e.value), e.kind == EntryKind::Indexed, e.index,
              e.shift};
    stack_.pop_back();
    return a;
  }
  return Address{pop_slot(), 0};
}

void Translator::do_add_reassociated() {
  uint32_t addend = 0;
  auto take = [&] {
    if (stack_.back().kind != EntryKind::AddImm) return pop_slot();
    Entry e = stack_.back();
    stack_.pop_back();
    addend += static_cast<uint32_t>(e.value);
    return e.local;
  };
  uint32_t b = take();
  uint32_t a = take();
  begin(IrOp::I32Add);
  uint32_t dst = push_temp();
  dst_operand(dst);
  u32(a);
  u32(b);
  stack_.back() = Entry{EntryKind::AddImm, dst, addend};
}

void Translator::address_operands(const Address& addr, const MemArg& m, bool fast) {
  if (fast) {
    u32(addr.addend);
    u32(static_cast<uint32_t>(m.offset));
  } else {
    u64(m.offset);
    ptr(inst_.memories[m.memory]);
  }
}

void Translator::do_load(IrOp fast, IrOp checked, IrOp indexed, IrOp absolute, const MemArg& m) {
  bool use_fast = is_fast(m);
  if (uint64_t address; pop_constant_address(use_fast, m, &address)) {
    begin(absolute);
    dst_operand(push_temp());
    u64(address);
    return;
  }
  Address addr = pop_address(use_fast, true);
  if (addr.indexed) {
    begin(indexed);
    dst_operand(push_temp());
    indexed_operands(addr);
    u32(addr.shift);
    address_operands(addr, m, true);
    return;
  }
  begin(use_fast ? fast : checked);
  dst_operand(push_temp());
  u32(addr.slot);
  address_operands(addr, m, use_fast);
}

void Translator::do_store(IrOp fast, IrOp checked, IrOp fast_imm, IrOp indexed, IrOp absolute,
                          const MemArg& m) {
  bool use_fast = is_fast(m);
  // A constant that is an i32 sign-extended to the stored type (f32 bits
  // zero-extended are too, when their sign bit is clear; others are not).
  if (use_fast && top_is_const()) {
    uint64_t v = stack_.back().value;
    if (v == static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v))) ||
        (fast != IrOp::I64Store && fast != IrOp::F64Store && v <= 0xFFFFFFFFu)) {
      stack_.pop_back();
      Address addr = pop_address(true);
      begin(fast_imm);
      u32(addr.slot);
      u32(static_cast<uint32_t>(v));
      u32(addr.addend);
      u32(static_cast<uint32_t>(m.offset));
      return;
    }
  }
  uint32_t value = pop_slot();
  if (uint64_t address; pop_constant_address(use_fast, m, &address)) {
    begin(absolute);
    u32(value);
    u64(address);
    return;
  }
  Address addr = pop_address(use_fast, true);
  if (addr.indexed) {
    begin(indexed);
    indexed_operands(addr);
    u32(value);
    u32(addr.shift);
    address_operands(addr, m, true);
    return;
  }
  begin(use_fast ? fast : checked);
  u32(addr.slot);
  u32(value);
  address_operands(addr, m, use_fast);
}

void Translator::do_v128_load(IrOp fast, IrOp checked, const Instr& in, bool lane) {
  bool use_fast = is_fast(in.mem);
  uint32_t v = lane ? pop_v128() : 0;
  Address addr = pop_address(use_fast);
  begin(use_fast ? fast : checked);
  dst_operand(push_v128_temp());
  u32(addr.slot);
  address_operands(addr, in.mem, use_fast);
  if (lane) {
    u32(v);
    u32(in.lane);
  }
}

void Translator::do_v128_store(IrOp fast, IrOp checked, const Instr& in, bool lane) {
  bool use_fast = is_fast(in.mem);
  uint32_t value = pop_v128();
  Address addr = pop_address(use_fast);
  begin(use_fast ? fast : checked);
  u32(addr.slot);
  u32(value);
  address_operands(addr, in.mem, use_fast);
  if (lane) u32(in.lane);
}

void Translator::do_atomic(IrOp fast, IrOp checked, const MemArg& m, int n, bool result) {
  bool use_fast = fast != checked && is_fast(m);
  uint32_t operands[2] = {};
  for (int i = n; i-- > 0;)
    operands[i] = pop_slot();
  Address addr = pop_address(use_fast);
  begin(use_fast ? fast : checked);
  if (result) dst_operand(push_temp());
  u32(addr.slot);
  for (int i = 0; i < n; ++i)
    u32(operands[i]);
  address_operands(addr, m, use_fast);
}

} // namespace kite::ir::translation
