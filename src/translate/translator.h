// Private to src/translate: the translator of one function body, class
// Translator, whose members are defined by concern in translator.cpp (the
// pass, operand stack, safe points), translate_control.cpp, translate_instr.cpp,
// translate_memory.cpp, translate_fusion.cpp, translate_simd.cpp,
// translate_atomic.cpp, translate_gc.cpp and translate_exception.cpp.
//
// Wasm function body -> register IR, in one pass over the validated body.
//
// The operand stack is tracked symbolically: an entry is a value already in
// its canonical slot (Temp), a reference to a local's slot (Local), a
// constant (Const), an i32 sum of a slot and a constant not computed yet
// (AddImm), an i32 shift of a slot by a constant not computed yet (Scaled),
// or an i32 sum of a base slot, a Scaled index and a constant (Indexed).
// Consumers name Local slots and fold Const operands into immediates
// directly, so local.get and most constants emit nothing; loads and stores
// fold an AddImm or Indexed address into their own address computation.
// The slots a lazy entry reads are locals (materialised before the local is
// overwritten) or the entry's own canonical slot (nothing else writes it).
// Entries are materialised into their canonical slots where control flow
// merges (block entry, branches, block end) and before a local they
// reference is overwritten.
//
// A v128 takes two slots, so it is two entries: its low and high 64 bits
// (the high one marked `high`), each materialised, copied and branched with
// like a scalar; v128 consumers take the pair as one slot (pop_v128). Stack
// positions therefore stay slot offsets, and locals get slot offsets from
// prefix sums of their types' slot counts (local_slots_).
#pragma once

#include <algorithm>
#include <cassert>

#include "binary/instr_reader.h"
#include "gc/ops.h"
#include "runtime/store.h"
#include "translate/accumulator.h"
#include "translate/ir.h"
#include "validate/validate.h"

namespace kite::ir::translation {

enum class EntryKind : uint8_t { Temp, Local, Const, AddImm, Scaled, Indexed };

struct Entry {
  EntryKind kind = EntryKind::Temp;
  uint32_t local = 0; // Local: the local's slot; AddImm, Indexed: the slot added to;
                      // Scaled: the slot shifted
  uint64_t value = 0; // Const: the bits (i32/f32 zero-extended); AddImm, Indexed: the i32
                      // addend; Scaled: the shift
  bool high = false;  // the high half of a v128 (its low half is the entry below)
  uint32_t index = 0; // Indexed: the index slot, shifted left by `shift`
  uint32_t shift = 0;
  bool ref = false; // a reference: a GC root wherever it is a Temp at a safe point
  // The slots this entry reads (none for Temp and Const entries).
  bool reads(uint32_t slot) const {
    switch (kind) {
    case EntryKind::Local:
    case EntryKind::AddImm:
    case EntryKind::Scaled: return local == slot;
    case EntryKind::Indexed: return local == slot || index == slot;
    default: return false;
    }
  }
};

// A pending jump operand, patched when its label is bound.
struct Patch {
  uint32_t instr = 0; // word index of the jumping instruction
  uint32_t unit = 0;  // operand unit holding the offset
};

// Try is a legacy try in its body, Catch one after its first catch clause.
enum class CtrlKind : uint8_t { Func, Block, Loop, If, TryTable, Try, Catch };

struct Ctrl {
  CtrlKind kind = CtrlKind::Block;
  uint32_t height = 0; // operand stack height below the block's parameters
  uint32_t num_params = 0;
  uint32_t num_results = 0;
  uint32_t loop_start = 0; // Loop: word index of the loop head
  uint64_t after_end = 0;  // Block: offset of the instruction after its end (0: unknown)
  BlockType type;          // the types of the values pushed at else and end
  std::vector<Patch> exits;
  bool has_else_patch = false;
  Patch else_patch; // If: the jump to the else branch (or end)
  bool unreachable = false;
  int32_t scope = -1;       // the innermost try scope around code inside this block
  int32_t outer_scope = -1; // the one around the block
  int32_t try_scope = -1;   // TryTable, Try, Catch: the scope of its body
  uint32_t exn_slot = 0;    // Try, Catch: where its catch clauses put the exnref
  std::vector<kite::CatchClause> table_catches; // TryTable
  uint32_t branch_arity() const { return kind == CtrlKind::Loop ? num_params : num_results; }
};

// A branch condition: a plain i32/i64 test of a slot, or a fused compare.
struct Cond {
  IrOp op = IrOp::BrIfNez;
  uint32_t a = 0;
  uint32_t b = 0;   // slot (rr compare)
  uint64_t imm = 0; // immediate (Imm compare)
  char form = 's';  // 's': slot test, 'r': slot-slot, 'i': slot-imm32, 'L': slot-imm64,
                    // 'c': slot, cast target (b), nullable (imm)
};

inline IrOp invert(IrOp op) {
  switch (op) {
  case IrOp::BrIfNez: return IrOp::BrIfEqz;
  case IrOp::BrIfEqz: return IrOp::BrIfNez;
  case IrOp::BrIfI64Nez: return IrOp::BrIfI64Eqz;
  case IrOp::BrIfI64Eqz: return IrOp::BrIfI64Nez;
  case IrOp::BrOnNull: return IrOp::BrOnNonNull;
  case IrOp::BrOnNonNull: return IrOp::BrOnNull;
#if KITE_GC // ir_gc.def
  case IrOp::BrOnCast: return IrOp::BrOnCastFail;
  case IrOp::BrOnCastFail: return IrOp::BrOnCast;
#endif
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case IrOp::BrIf##Name: return IrOp::BrIf##Inverse;                                               \
  case IrOp::BrIf##Name##Imm: return IrOp::BrIf##Inverse##Imm;
    // clang-format off
#include "translate/ir_ops.def"
    // clang-format on
  default: return op;
  }
}

inline bool is_commutative(Op op) {
  switch (op) {
  case Op::I32Add:
  case Op::I32Mul:
  case Op::I32And:
  case Op::I32Or:
  case Op::I32Xor:
  case Op::I32Eq:
  case Op::I32Ne:
  case Op::I64Add:
  case Op::I64Mul:
  case Op::I64And:
  case Op::I64Or:
  case Op::I64Xor:
  case Op::I64Eq:
  case Op::I64Ne: return true;
  default: return false;
  }
}

class Translator {
public:
  explicit Translator(Function& fn)
      : fn_(fn), inst_(*fn.instance), module_(*inst_.module), decl_(module_.functions[fn.index]) {}

  Result<std::unique_ptr<Code>> run();

private:
  // ---- emission ----
  uint32_t here() const { return static_cast<uint32_t>(code_->words.size()); }
  // Starts an instruction; operands follow with u32()/u64(); end_instr() pads.
  void begin(IrOp op);
  void u32(uint32_t v) { units_.push_back(v); }
  void u64(uint64_t v) {
    units_.push_back(static_cast<uint32_t>(v));
    units_.push_back(static_cast<uint32_t>(v >> 32));
  }
  void ptr(const void* p) { u64(reinterpret_cast<uintptr_t>(p)); }
  // A jump operand to be patched; returns where it is.
  Patch jump_operand() {
    Patch p{cur_start_, static_cast<uint32_t>(units_.size())};
    units_.push_back(0);
    return p;
  }
  void jump_to(uint32_t target) {
    units_.push_back(static_cast<uint32_t>(static_cast<int32_t>(target - cur_start_)));
  }
  void end_instr() {
    if (!open_) return;
    if (units_.size() % 2) units_.push_back(0);
    for (size_t i = 0; i < units_.size(); i += 2)
      code_->words.push_back(uint64_t{units_[i]} | (uint64_t{units_[i + 1]} << 32));
    open_ = false;
  }
  void set_unit(uint32_t instr, uint32_t k, uint32_t v) {
    std::memcpy(reinterpret_cast<char*>(&code_->words[instr + 1]) + 4 * k, &v, 4);
  }
  // Binds a forward jump to the current position.
  void bind(const Patch& p) {
    end_instr();
    set_unit(p.instr, p.unit, static_cast<uint32_t>(static_cast<int32_t>(here() - p.instr)));
  }
  // A label here: the previous instruction's result may be reached from
  // elsewhere, so it can no longer be fused with what follows.
  void label() {
    end_instr();
    last_start_ = kNone;
  }
  // Drops the last instruction (to re-emit it fused with its consumer).
  void drop_last() {
    end_instr();
    code_->words.resize(last_start_);
    code_->instr_starts.pop_back();
    code_->instr_ops.pop_back();
    code_->instr_wasm_offsets.pop_back();
    last_start_ = kNone;
  }

  // ---- zeroing declared locals on entry ----
  // Until the first control instruction, code runs straight from the
  // function's start (a call returns or unwinds out of the function: a
  // catch needs a try block first), so a declared local set there before
  // any local.get of it never shows its initial zero.
  enum class EntryAccess : uint8_t { None, WrittenFirst, ReadFirst };
  void note_entry_access(const Instr& in);
  static bool is_control(Op op);
  // The smallest slot range covering the declared locals not written first.
  // Reference locals (and the hidden exnref locals of legacy trys) are
  // zeroed whatever their first access: they are GC roots from the start.
  void entry_zero_range();

  // Rewrites the first op of pairs listed in ir_fusions.def into the fused
  // op. Both instructions stay whole, so nothing moves and the second
  // remains a valid jump target. A forwarding variant is used when the
  // second reads the first's result slot through exactly one operand: the
  // second takes it from a register instead of loading it back (in many
  // loops, waiting for that store to reach the load was the longest
  // latency), and the first stores it only if it is a local.
  // Each instruction gets the choice (alone, or paired with the next) that
  // takes the fewest dispatches to the end of its straight run (up to an op
  // that jumps, calls or returns), so it is also best for a jump into the
  // middle; among those, the one whose pairs leave out the most stores of
  // locals no one reads back (see elide_dead_stores); then the pair. (Temps
  // are left out wherever their pair starts: counting those too moved the
  // pairs of crc32's loop, as many dispatches, and made it 3.5% slower.)
  // So a loop [store, add, branch] runs as store, then add+branch,
  // which need not store the loop variable the branch tests and the store
  // reads from the accumulator, rather than store+add, then branch.
  void fuse_pairs(const ControlFlow& flow, const std::vector<uint8_t>& heads);
  // A short loop (loop_at: a few handlers, each a step op alone or a pair,
  // the last jumping back to the first) runs in one handler when
  // ir_fusions.def lists it (KITE_FUSE_LOOP): the same steps, with no
  // dispatch per iteration. It runs last: the loop's handler runs each of
  // them exactly as chosen.
  void fuse_loops(const std::vector<uint8_t>& heads) {
    // Only a jump back makes a loop head: looking for loops everywhere was
    // a sixth of yosys's start-up (`-V`, lazy validation).
    for (size_t i = 0; i < code_->instr_ops.size(); ++i)
      if (heads[i])
        if (const LoopBody body = loop_at(*code_, i); body.count > 1)
          if (const IrOp loop = fused_loop(body); loop != kNoIrOp) code_->set_op(i, loop);
  }
  // The fused pair of instructions i and i + 1 (see fuse_pairs), or ops[i].
  IrOp fused_pair_at(size_t i) const;
  IrOp forwarded(IrOp a, IrOp b, uint32_t b_start, uint32_t slot, IrOp plain) const;

  // ---- operand stack ----
  uint32_t canon(size_t pos) {
    uint32_t slot = num_locals_ + static_cast<uint32_t>(pos);
    max_slot_ = std::max(max_slot_, slot + 1);
    return slot;
  }
  // Pushes a Temp and returns its slot; records the following instruction's
  // destination unit (call right after begin + before operands).
  uint32_t push_temp() {
    stack_.push_back(Entry{});
    return canon(stack_.size() - 1);
  }
  uint32_t push_ref_temp() {
    uint32_t slot = push_temp();
    stack_.back().ref = true;
    return slot;
  }
  // A local's value (lazily: the entry names its slot).
  Entry local_entry(uint32_t slot) const {
    Entry e{EntryKind::Local, slot, 0};
    e.ref = ref_slot_[slot];
    return e;
  }
  // Pushes the two temps of a v128 and returns the first slot.
  uint32_t push_v128_temp() {
    uint32_t slot = push_temp();
    stack_.push_back(Entry{.high = true});
    canon(stack_.size() - 1);
    return slot;
  }
  // Pops a v128 (two entries) and returns the first of the two consecutive
  // slots holding it: a local's, or the canonical ones.
  uint32_t pop_v128();
  // The top entry is the high half of a v128.
  bool top_is_v128() const { return stack_.back().high; }
  // Emits `dst` as the destination operand of the current instruction,
  // remembering it so a following local.set can retarget it.
  void dst_operand(uint32_t slot) {
    last_dst_ = static_cast<uint32_t>(units_.size());
    u32(slot);
  }
  void materialize(size_t pos) {
    Entry& e = stack_[pos];
    if (e.kind == EntryKind::Temp) return;
    emit_entry(canon(pos), e);
    e = Entry{.high = e.high, .ref = e.ref};
  }
  // Writes the value of non-Temp entry `e` to `dst`.
  void emit_entry(uint32_t dst, const Entry& e);
  void materialize_all() {
    for (size_t i = 0; i < stack_.size(); ++i)
      materialize(i);
  }
  void materialize_top(uint32_t n) {
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i)
      materialize(i);
  }
  // Pops the top entry and returns the slot holding it.
  uint32_t pop_slot() {
    size_t pos = stack_.size() - 1;
    materialize_if_computed(pos);
    Entry e = stack_.back();
    stack_.pop_back();
    return e.kind == EntryKind::Local ? e.local : canon(pos);
  }
  // Leaves the entry a Temp or a Local.
  void materialize_if_computed(size_t pos) {
    if (stack_[pos].kind != EntryKind::Temp && stack_[pos].kind != EntryKind::Local)
      materialize(pos);
  }
  bool top_is_const(size_t depth = 0) const {
    return stack_[stack_.size() - 1 - depth].kind == EntryKind::Const;
  }
  void push_const(uint64_t bits) { stack_.push_back(Entry{EntryKind::Const, 0, bits}); }
  void push_ref_const(Ref r) {
    push_const(r);
    stack_.back().ref = true;
  }

  // ---- control ----
  // Parameter and result counts of a block, in slots.
  uint32_t block_params(const BlockType& bt) const {
    return bt.kind == BlockType::Kind::Index ? slot_count(module_.func_type(bt.index).params) : 0;
  }
  uint32_t block_results(const BlockType& bt) const {
    switch (bt.kind) {
    case BlockType::Kind::Empty: return 0;
    case BlockType::Kind::Value: return slot_count(bt.value);
    case BlockType::Kind::Index: return slot_count(module_.func_type(bt.index).results);
    }
    return 0;
  }
  // Pushes temps for a block's parameters or results.
  void push_block_values(const BlockType& bt, bool results) {
    if (bt.kind == BlockType::Kind::Value && results) push_temps(bt.value);
    if (bt.kind != BlockType::Kind::Index) return;
    const FuncType& type = module_.func_type(bt.index);
    for (const ValType& t : results ? type.results : type.params)
      push_temps(t);
  }
  void push_ctrl(CtrlKind kind, const BlockType& bt);
  // Starts the protected body of the innermost block (try_table or try).
  void open_try_scope() {
    label();
    Ctrl& c = ctrls_.back();
    c.scope = c.try_scope = static_cast<int32_t>(code_->try_scopes.size());
    code_->try_scopes.push_back(TryScope{.start = here(), .next = cur_scope_});
    scope_catches_.emplace_back();
    cur_scope_ = c.scope;
  }
  // Ends it: code from here on is outside.
  void close_try_scope(Ctrl& c) {
    label();
    code_->try_scopes[c.try_scope].end = here();
    c.scope = cur_scope_ = c.outer_scope;
  }
  // Ends the reachable code before a catch clause or pad: results to the exit.
  void leave_to_exit(Ctrl& c) {
    if (c.unreachable) return;
    materialize_top(c.num_results);
    begin(IrOp::Br);
    c.exits.push_back(jump_operand());
  }
  void push_tag_params(uint32_t tag) {
    for (const ValType& t : inst_.tags[tag]->type->params)
      push_temps(t);
  }
  void emit_try_table_pads(Ctrl& c);
  void do_catch(const Instr& in);
  Ctrl& label_ctrl(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  void set_unreachable() {
    ctrls_.back().unreachable = true;
    stack_.resize(ctrls_.back().height);
  }
  // Moves the top `n` values into the target label's slots.
  void emit_branch_copies(const Ctrl& target, uint32_t n);
  bool branch_needs_copies(const Ctrl& target, uint32_t n) {
    size_t first = stack_.size() - n;
    for (uint32_t i = 0; i < n; ++i)
      if (stack_[first + i].kind != EntryKind::Temp || first + i != target.height + i) return true;
    return false;
  }
  // Returns from the function with the top `n` values as results.
  void emit_return(uint32_t n);
  // An unconditional branch to label `depth` with the values on top.
  void emit_br(uint32_t depth);
  // A branch back to a loop whose head is a short computation ending in a
  // small br_table (a bytecode interpreter's dispatch) becomes a copy of
  // that head: one dispatch less per iteration, and each copy's table jump
  // is predicted on its own. The copy's table entries reach the same
  // targets; those still to be bound are bound with the original's. Big
  // tables (Go's resumable functions switch over thousands of blocks) and
  // many copies would only grow the code.
  static constexpr uint32_t kMaxHeadInstrs = 4, kMaxCopiedEntries = 32, kMaxHeadCopies = 64;
  bool copy_dispatch_head(uint32_t loop_start);
  // A branch to a block whose end is followed by a few plain instructions
  // and a branch back to a loop: those instructions are translated once
  // more at the branch, which so costs no jump. Clang compiles switch cases
  // that end in `pc += k; break` or `c = *p++; break` (a state machine)
  // so, and a loop head that is a dispatch (copy_dispatch_head) is copied
  // too, each copy's table jump predicted on its own. The block's code
  // below its end is all Temps in their slots, as here once the values
  // above its height are dropped. At most kMaxTailCopies per function.
  static constexpr uint32_t kMaxTailInstrs = 12, kMaxTailCopies = 64;
  bool inline_tail_to_loop(uint32_t depth);
  // Ops without control flow, calls or stores (a load may trap, the same
  // way wherever it runs).
  static bool plain_tail_op(Op op);
  static bool straight_head_op(IrOp op);
  // Pops a condition, fusing it with the compare that produced it.
  Cond pop_cond();
  Patch emit_cond_branch(const Cond& c);
  void patch_to(const Patch& p, uint32_t target) {
    end_instr();
    set_unit(p.instr, p.unit, static_cast<uint32_t>(static_cast<int32_t>(target - p.instr)));
  }

  // ---- instruction groups ----
  Status translate_instr(const Instr& in);
  Status skip_unreachable(const Instr& in);
  void do_end();
  void do_br_if(uint32_t depth) { do_cond_br(pop_cond(), depth); }
  void do_cond_br(Cond cond, uint32_t depth);
  void do_br_table(const Instr& in);
  void do_local_set(uint32_t local, bool tee);
  void do_local_set_v128(uint32_t local, bool tee);
  void do_unary(IrOp op) {
    uint32_t a = pop_slot();
    begin(op);
    dst_operand(push_temp());
    u32(a);
  }
  void do_binary(IrOp op) {
    uint32_t b = pop_slot();
    uint32_t a = pop_slot();
    begin(op);
    dst_operand(push_temp());
    u32(a);
    u32(b);
  }
  // A binop with an immediate form: fold a constant right operand (or a
  // constant left one of a commutative op).
  void do_binary_imm(Op wasm_op, IrOp op, IrOp op_imm, bool is64);
  // i32.add of a Scaled entry and a slot (plus an addend) as one Indexed
  // entry, when the slots it reads are locals or the result's own slot.
  bool try_indexed();
  // Fast (guarded memory 0) accesses take the address as slot + i32 addend
  // (wrapping) + offset, so an AddImm address costs no instruction; the
  // scaled-index forms (Idx) take an Indexed one.
  struct Address {
    uint32_t slot = 0;
    uint32_t addend = 0;
    bool indexed = false;
    uint32_t index = 0;
    uint32_t shift = 0;
  };
  Address pop_address(bool fast, bool indexed_ok = false);
  // The base, index and shift operands of a scaled-index access.
  void indexed_operands(const Address& addr) {
    u32(addr.slot);
    u32(addr.index);
  }
  bool is_fast(const MemArg& m) const {
    const Memory* mem = inst_.memories[m.memory];
    return m.memory == 0 && mem->guarded && !mem->is64;
  }
  // x + (y + c) as (x + y) + c, the addend still waiting for a load or store.
  void do_add_reassociated();
  // The operands after the address slot (and the stored value): the addend
  // and offset of a fast access, or the offset and memory of a checked one.
  void address_operands(const Address& addr, const MemArg& m, bool fast);
  // A constant address of a fast access: the access's u64 address + offset
  // (which does not wrap: past 4 GiB it is out of bounds).
  bool pop_constant_address(bool fast, const MemArg& m, uint64_t* address) {
    if (!fast || !top_is_const()) return false;
    *address =
        uint64_t{static_cast<uint32_t>(stack_.back().value)} + static_cast<uint32_t>(m.offset);
    stack_.pop_back();
    return true;
  }
  void do_load(IrOp fast, IrOp checked, IrOp indexed, IrOp absolute, const MemArg& m);
  void do_store(IrOp fast, IrOp checked, IrOp fast_imm, IrOp indexed, IrOp absolute,
                const MemArg& m);
  // ---- SIMD: v128 operands are slot pairs (pop_v128, push_v128_temp) ----
  // Loads; a lane load also takes the vector whose lane it replaces.
  void do_v128_load(IrOp fast, IrOp checked, const Instr& in, bool lane);
  void do_v128_store(IrOp fast, IrOp checked, const Instr& in, bool lane);
  // v128 results from `n` v128 operands.
  void do_v128_op(IrOp op, int n);
  // A scalar result from a v128 (and a lane immediate, for extract_lane).
  void do_v128_to_scalar(IrOp op, const uint8_t* lane) {
    uint32_t a = pop_v128();
    begin(op);
    dst_operand(push_temp());
    u32(a);
    if (lane) u32(*lane);
  }
  // A v128 result from a scalar (splat), or from a v128 and a scalar (shifts,
  // replace_lane, which has a lane immediate).
  void do_v128_with_scalar(IrOp op, bool has_v128, const uint8_t* lane);
  Status translate_simd(const Instr& in);
  // v128 values moved by core instructions: a constant, select, globals.
  void do_v128_const(uint32_t slot, uint64_t lo, uint64_t hi);
  void do_v128_select(uint32_t cond);
  void do_v128_global_get(Global* g);
  void do_v128_global_set(Global* g);
  // ---- threads: atomic accesses, guarded memory 0 or Checked as for loads ----
  // `n` operands after the address; a result unless a store. wait and notify
  // pass one op as both forms: they are always checked.
  void do_atomic(IrOp fast, IrOp checked, const MemArg& m, int n, bool result);
  Status translate_atomic(const Instr& in);

  // Pops `n` arguments into contiguous slots; returns the first one.
  uint32_t pop_args(uint32_t n) {
    materialize_top(n);
    uint32_t base = canon(stack_.size() - n);
    stack_.resize(stack_.size() - n);
    return base;
  }
  // Pushes the temps holding a value of type `t`.
  void push_temps(ValType t) {
    if (t.kind == ValKind::V128)
      push_v128_temp();
    else if (t.is_ref())
      push_ref_temp();
    else
      push_temp();
  }
  // ---- GC safe points ----
  // Begins `op`, an instruction during which a collection may run (it
  // allocates or calls), recording its stack map: the reference temps on the
  // stack (its operands popped, its results not pushed yet) and `extra`,
  // operand slots it still reads.
  void begin_safe_point(IrOp op, const std::vector<uint32_t>& extra = {});
  // The slots of the references among values of `types` laid out from `base`.
  static std::vector<uint32_t> ref_slots(const std::vector<ValType>& types, uint32_t base) {
    std::vector<uint32_t> slots;
    for (const ValType& t : types) {
      if (t.is_ref()) slots.push_back(base);
      base += slot_count(t);
    }
    return slots;
  }
  Status translate_gc(const Instr& in);
  Status translate_exception(const Instr& in);
  // An optional feature's instruction (translate_simd/atomic/gc/exception), or
  // unsupported.
  Status translate_feature(const Instr& in);
  Status unsupported(const Instr& in);
  // ---- execution checks (StoreLimits::execution_checks) ----
  // A Check here (a loop head, the function's entry) when the store asks for
  // them. Its fuel cost is the number of wasm instructions translated from it
  // to the next check point, so a loop iteration or a call costs about its
  // instructions, and never less than one.
  void emit_check() {
    if (!inst_.store->limits.execution_checks) return;
    close_check();
    begin(IrOp::Check);
    check_instr_ = cur_start_;
    u32(1);
    ptr(&inst_.store->checks);
  }
  void close_check() {
    if (check_instr_ == kNone) return;
    end_instr();
    set_unit(check_instr_, 0, std::max<uint32_t>(1, ops_since_check_));
    ops_since_check_ = 0;
  }
  Status do_call(const Instr& in);

  static constexpr uint32_t kNone = ~0u;
  static constexpr uint32_t kNoDst = ~0u;

  Function& fn_;
  Instance& inst_;
  const Module& module_;
  const FunctionDecl& decl_;
  std::unique_ptr<Code> code_;
  std::vector<Entry> stack_;
  std::vector<Ctrl> ctrls_;
  uint32_t num_locals_ = 0;
  uint32_t max_slot_ = 0;
  std::vector<uint32_t> local_slots_;                   // slot of each local, then the total
  uint32_t skip_depth_ = 0;                             // nesting inside unreachable code
  int32_t cur_scope_ = -1;                              // the innermost open try scope
  std::vector<std::vector<CatchClause>> scope_catches_; // per try scope, in order
  uint32_t next_exn_slot_ = 0;                          // the next legacy try's exnref slot
  std::vector<uint32_t> units_;
  bool open_ = false;
  uint32_t cur_start_ = 0;
  uint32_t last_start_ = kNone;
  // The wasm instruction being translated (its module offset), which each
  // IR instruction records.
  uint32_t wasm_offset_ = 0;
  IrOp last_op_ = IrOp::Unreachable;
  uint32_t last_dst_ = kNoDst;
  uint32_t head_copies_ = 0;    // loop heads copied so far (copy_dispatch_head)
  std::vector<HeldSlots> held_; // per instruction, what the accumulator holds
  uint32_t tail_copies_ = 0;    // block tails copied so far (inline_tail_to_loop)
  // (offset of a block instruction, offset after its end), in order.
  std::vector<std::pair<uint64_t, uint64_t>> block_ends_;
  // Per declared-local slot: its first access before the first control
  // instruction (tracking stops there: entry_done_).
  std::vector<EntryAccess> entry_access_;
  bool entry_done_ = false;
  std::vector<uint8_t> ref_slot_; // per local slot: it holds a reference
  // Execution checks: the last Check emitted (its cost is patched in when
  // the next one starts) and the wasm instructions translated since.
  uint32_t check_instr_ = kNone;
  uint32_t ops_since_check_ = 0;
};

} // namespace kite::ir::translation
