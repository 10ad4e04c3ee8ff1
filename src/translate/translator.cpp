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
#include <algorithm>
#include <cassert>

#include "binary/instr_reader.h"
#include "gc/ops.h"
#include "runtime/store.h"
#include "translate/accumulator.h"
#include "translate/ir.h"
#include "validate/validate.h"

namespace kite::ir {

namespace {

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

IrOp invert(IrOp op) {
  switch (op) {
  case IrOp::BrIfNez: return IrOp::BrIfEqz;
  case IrOp::BrIfEqz: return IrOp::BrIfNez;
  case IrOp::BrIfI64Nez: return IrOp::BrIfI64Eqz;
  case IrOp::BrIfI64Eqz: return IrOp::BrIfI64Nez;
  case IrOp::BrOnNull: return IrOp::BrOnNonNull;
  case IrOp::BrOnNonNull: return IrOp::BrOnNull;
  case IrOp::BrOnCast: return IrOp::BrOnCastFail;
  case IrOp::BrOnCastFail: return IrOp::BrOnCast;
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case IrOp::BrIf##Name: return IrOp::BrIf##Inverse;                                               \
  case IrOp::BrIf##Name##Imm: return IrOp::BrIf##Inverse##Imm;
    // clang-format off
#include "translate/ir_ops.def"
    // clang-format on
  default: return op;
  }
}

bool is_commutative(Op op) {
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
  void begin(IrOp op) {
    end_instr();
    cur_start_ = here();
    code_->instr_starts.push_back(cur_start_);
    code_->instr_ops.push_back(op);
    code_->instr_wasm_offsets.push_back(wasm_offset_);
    code_->words.push_back(static_cast<uint64_t>(op));
    units_.clear();
    open_ = true;
    last_start_ = cur_start_;
    last_op_ = op;
    last_dst_ = kNoDst;
  }
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
  void note_entry_access(const Instr& in) {
    auto mark = [&](EntryAccess a) {
      if (in.a < fn_.type->params.size()) return;
      for (uint32_t s = local_slots_[in.a]; s < local_slots_[in.a + 1]; ++s)
        if (EntryAccess& e = entry_access_[s - code_->num_param_slots]; e == EntryAccess::None)
          e = a;
    };
    switch (in.op) {
    case Op::LocalGet: mark(EntryAccess::ReadFirst); return;
    case Op::LocalSet:
    case Op::LocalTee: mark(EntryAccess::WrittenFirst); return;
    case Op::Nop:
    case Op::Call:
    case Op::CallIndirect:
    case Op::CallRef: return;
    default:
      if (is_control(in.op)) entry_done_ = true;
    }
  }
  static bool is_control(Op op) {
    switch (op) {
    case Op::Unreachable:
    case Op::Block:
    case Op::Loop:
    case Op::If:
    case Op::Else:
    case Op::Try:
    case Op::Catch:
    case Op::Throw:
    case Op::Rethrow:
    case Op::ThrowRef:
    case Op::End:
    case Op::Br:
    case Op::BrIf:
    case Op::BrTable:
    case Op::Return:
    case Op::ReturnCall:
    case Op::ReturnCallIndirect:
    case Op::ReturnCallRef:
    case Op::Delegate:
    case Op::CatchAll:
    case Op::TryTable:
    case Op::BrOnNull:
    case Op::BrOnNonNull:
    case Op::BrOnCast:
    case Op::BrOnCastFail: return true;
    default: return false;
    }
  }
  // The smallest slot range covering the declared locals not written first.
  // Reference locals (and the hidden exnref locals of legacy trys) are
  // zeroed whatever their first access: they are GC roots from the start.
  void entry_zero_range() {
    uint32_t first = ~0u, end = 0;
    const uint32_t params = code_->num_param_slots;
    for (uint32_t i = 0; params + i < num_locals_; ++i) {
      if (i < entry_access_.size() && entry_access_[i] == EntryAccess::WrittenFirst &&
          !ref_slot_[params + i])
        continue;
      first = std::min(first, i);
      end = i + 1;
    }
    if (end == 0) return;
    code_->zero_first = code_->num_param_slots + first;
    code_->zero_count = end - first;
  }

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
  void fuse_pairs(const std::vector<bool>& heads) {
    const std::vector<IrOp>& ops = code_->instr_ops;
    const size_t n = ops.size();
    std::vector<IrOp> pair(n);
    std::vector<uint32_t> local_writers;
    for (size_t i = 0; i < n; ++i) {
      pair[i] = i + 1 < n ? fused_pair_at(i) : ops[i];
      if (ir_op_info(pair[i]).forwards && !ir_op_info(pair[i]).unstored)
        local_writers.push_back(static_cast<uint32_t>(i));
    }
    const std::vector<bool> dead = results_dead_after(*code_, num_locals_, local_writers);
    std::vector<bool> saves_store(n);
    for (size_t w = 0; w < local_writers.size(); ++w)
      saves_store[local_writers[w]] = dead[w];

    // cost[i]: dispatches from i to the end of its run, less a fraction per
    // store left out.
    constexpr int64_t kDispatch = 1 << 16;
    std::vector<int64_t> cost(n + 1, 0);
    auto after = [&](size_t last) {
      const IrOp op = ops[last];
      return has_jump(op) || !ir_op_info(op).step ? 0 : cost[last + 1];
    };
    // A loop head whose pair reads the accumulator and can pass it on again
    // (keep_accumulators: a list walk's pointer) must start its own handler
    // when the loop is entered too.
    std::vector<bool> paired(n);
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
  // A short loop (loop_at: a few handlers, each a step op alone or a pair,
  // the last jumping back to the first) runs in one handler when
  // ir_fusions.def lists it (KITE_FUSE_LOOP): the same steps, with no
  // dispatch per iteration. It runs last: the loop's handler runs each of
  // them exactly as chosen.
  void fuse_loops(const std::vector<bool>& heads) {
    // Only a jump back makes a loop head: looking for loops everywhere was
    // a sixth of yosys's start-up (`-V`, lazy validation).
    for (size_t i = 0; i < code_->instr_ops.size(); ++i)
      if (heads[i])
        if (const LoopBody body = loop_at(*code_, i); body.count > 1)
          if (const IrOp loop = fused_loop(body); loop != kNoIrOp) code_->set_op(i, loop);
  }
  // The fused pair of instructions i and i + 1 (see fuse_pairs), or ops[i].
  IrOp fused_pair_at(size_t i) const {
    const std::vector<IrOp>& ops = code_->instr_ops;
    IrOp fused = fused_pair(ops[i], ops[i + 1]);
    if (fused == ops[i] || !ir_op_info(ops[i]).layout.starts_with('d')) return fused;
    const uint32_t result = unit(&code_->words[code_->instr_starts[i]], 0);
    fused = forwarded(ops[i], ops[i + 1], code_->instr_starts[i + 1], result, fused);
    // A temp is read once, by the op that pops it: no one loads it back.
    if (!ir_op_info(fused).forwards || result < num_locals_) return fused;
    fused = unstored(fused);
    // The second op may also read the value the accumulator held before
    // the first (a running hash combined with a loaded byte).
    const uint64_t* b = &code_->words[code_->instr_starts[i + 1]];
    const uint32_t k = ir_op_info(fused).forward_unit;
    uint32_t j = 0;
    for (char c : ir_op_info(ops[i + 1]).layout) {
      if (c == 's' && j != k && unit(b, j) != result && held_[i].has(unit(b, j))) {
        IrOp previous = fused_previous(ops[i], ops[i + 1], k, j);
        if (previous != ops[i]) return previous;
      }
      j += letter_units(c);
    }
    return fused;
  }
  IrOp forwarded(IrOp a, IrOp b, uint32_t b_start, uint32_t slot, IrOp plain) const {
    const uint64_t* ip = &code_->words[b_start];
    IrOp found = plain;
    uint32_t k = 0;
    for (char c : ir_op_info(b).layout) {
      if (c == 's' && unit(ip, k) == slot) {
        IrOp f = fused_forward(a, b, k);
        if (f != a) {
          if (found != plain) return plain; // read twice
          found = f;
        } else if (k != 0) {
          return plain; // read where no variant forwards it
        }
      }
      k += letter_units(c);
    }
    return found;
  }

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
  uint32_t pop_v128() {
    size_t pos = stack_.size() - 2;
    const Entry& lo = stack_[pos];
    const Entry& hi = stack_[pos + 1];
    uint32_t slot = canon(pos);
    if (lo.kind == EntryKind::Local && hi.kind == EntryKind::Local && hi.local == lo.local + 1) {
      slot = lo.local;
    } else if (lo.kind == EntryKind::Const && hi.kind == EntryKind::Const) {
      begin(IrOp::V128Const);
      dst_operand(slot);
      u64(lo.value);
      u64(hi.value);
    } else {
      materialize(pos);
      materialize(pos + 1);
    }
    stack_.resize(pos);
    return slot;
  }
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
  void emit_entry(uint32_t dst, const Entry& e) {
    switch (e.kind) {
    case EntryKind::Local:
      begin(IrOp::Copy);
      u32(dst);
      u32(e.local);
      break;
    case EntryKind::Const:
      begin(IrOp::Const);
      u32(dst);
      u64(e.value);
      break;
    case EntryKind::AddImm:
      begin(IrOp::I32AddImm);
      dst_operand(dst);
      u32(e.local);
      u32(static_cast<uint32_t>(e.value));
      break;
    case EntryKind::Scaled:
      begin(IrOp::I32ShlImm);
      dst_operand(dst);
      u32(e.local);
      u32(static_cast<uint32_t>(e.value));
      break;
    case EntryKind::Indexed:
      begin(IrOp::I32AddScaled);
      dst_operand(dst);
      u32(e.local);
      u32(e.index);
      u32(e.shift);
      u32(static_cast<uint32_t>(e.value));
      break;
    case EntryKind::Temp: break;
    }
  }
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
  void push_ctrl(CtrlKind kind, const BlockType& bt) {
    Ctrl c;
    c.kind = kind;
    c.type = bt;
    c.num_params = block_params(bt);
    c.num_results = block_results(bt);
    c.height = static_cast<uint32_t>(stack_.size()) - c.num_params;
    c.scope = c.outer_scope = cur_scope_;
    ctrls_.push_back(std::move(c));
  }
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
  void emit_branch_copies(const Ctrl& target, uint32_t n) {
    size_t first = stack_.size() - n;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t dst = canon(target.height + i);
      const Entry& e = stack_[first + i];
      if (e.kind == EntryKind::Temp) {
        if (canon(first + i) == dst) continue;
        begin(IrOp::Copy);
        u32(dst);
        u32(canon(first + i));
      } else if (e.kind != EntryKind::Local || e.local != dst) {
        emit_entry(dst, e);
      }
    }
  }
  bool branch_needs_copies(const Ctrl& target, uint32_t n) {
    size_t first = stack_.size() - n;
    for (uint32_t i = 0; i < n; ++i)
      if (stack_[first + i].kind != EntryKind::Temp || first + i != target.height + i) return true;
    return false;
  }
  // Returns from the function with the top `n` values as results.
  void emit_return(uint32_t n) {
    if (n == 0) {
      begin(IrOp::Return);
    } else if (n == 1) {
      // The instruction that computes the result writes it to slot 0 itself.
      Entry& e = stack_.back();
      if (e.kind != EntryKind::Temp && e.kind != EntryKind::Local) {
        emit_entry(0, e);
        e = Entry{};
        begin(IrOp::Return);
        return;
      }
      if (e.kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
        end_instr();
        if (unit(&code_->words[last_start_], last_dst_) == canon(stack_.size() - 1)) {
          set_unit(last_start_, last_dst_, 0);
          begin(IrOp::Return);
          return;
        }
      }
      uint32_t src = pop_slot();
      stack_.push_back(Entry{}); // keep the height; the caller marks unreachable
      begin(IrOp::Return1);
      u32(src);
    } else if (n == 2 && top_is_v128()) {
      uint32_t src = pop_v128();
      push_v128_temp(); // keep the height; the caller marks unreachable
      begin(IrOp::ReturnN);
      u32(src);
      u32(2);
    } else {
      materialize_top(n);
      begin(IrOp::ReturnN);
      u32(canon(stack_.size() - n));
      u32(n);
    }
  }
  // An unconditional branch to label `depth` with the values on top.
  void emit_br(uint32_t depth) {
    Ctrl& target = label_ctrl(depth);
    if (target.kind == CtrlKind::Func) {
      emit_return(target.num_results);
      return;
    }
    if (target.kind == CtrlKind::Block && inline_tail_to_loop(depth)) return;
    emit_branch_copies(target, target.branch_arity());
    if (target.kind == CtrlKind::Loop && copy_dispatch_head(target.loop_start)) return;
    begin(IrOp::Br);
    if (target.kind == CtrlKind::Loop)
      jump_to(target.loop_start);
    else
      target.exits.push_back(jump_operand());
  }
  // A branch back to a loop whose head is a short computation ending in a
  // small br_table (a bytecode interpreter's dispatch) becomes a copy of
  // that head: one dispatch less per iteration, and each copy's table jump
  // is predicted on its own. The copy's table entries reach the same
  // targets; those still to be bound are bound with the original's. Big
  // tables (Go's resumable functions switch over thousands of blocks) and
  // many copies would only grow the code.
  static constexpr uint32_t kMaxHeadInstrs = 4, kMaxCopiedEntries = 32, kMaxHeadCopies = 64;
  bool copy_dispatch_head(uint32_t loop_start) {
    if (head_copies_ == kMaxHeadCopies) return false;
    const std::vector<uint32_t>& starts = code_->instr_starts;
    auto it = std::lower_bound(starts.begin(), starts.end(), loop_start);
    if (it == starts.end() || *it != loop_start) return false;
    size_t first = static_cast<size_t>(it - starts.begin()), last = first;
    for (;; ++last) {
      if (last >= starts.size() || last - first == kMaxHeadInstrs) return false;
      IrOp op = code_->instr_ops[last];
      if (op == IrOp::BrTable || op == IrOp::BrTableLoad) break;
      if (!straight_head_op(op)) return false;
    }
    end_instr();
    const uint32_t entries = table_entries_unit(code_->instr_ops[last]);
    if (unit(&code_->words[starts[last]], entries - 1) + 1 > kMaxCopiedEntries) return false;
    ++head_copies_;
    const uint32_t branch_offset = wasm_offset_;
    for (size_t k = first; k <= last; ++k) {
      const uint32_t orig = starts[k];
      const uint32_t end = k + 1 < starts.size() ? starts[k + 1] : here();
      const IrOp op = code_->instr_ops[k];
      wasm_offset_ = code_->instr_wasm_offsets[k];
      begin(op);
      for (uint32_t w = orig + 1; w < end; ++w) {
        u32(static_cast<uint32_t>(code_->words[w]));
        u32(static_cast<uint32_t>(code_->words[w] >> 32));
      }
      if (k < last) continue;
      for (uint32_t e = 0; e <= units_[entries - 1]; ++e) {
        uint32_t u = entries + kTableEntryUnits * e;
        if (units_[u] != 0) { // bound: the same target from here
          units_[u] += orig - cur_start_;
          continue;
        }
        for (Ctrl& c : ctrls_) // pending: bound with the original's patch
          for (size_t x = 0, n = c.exits.size(); x < n; ++x)
            if (c.exits[x].instr == orig && c.exits[x].unit == u)
              c.exits.push_back(Patch{cur_start_, u});
      }
    }
    end_instr();
    wasm_offset_ = branch_offset;
    return true;
  }
  // A branch to a block whose end is followed by a few plain instructions
  // and a branch back to a loop: those instructions are translated once
  // more at the branch, which so costs no jump. Clang compiles switch cases
  // that end in `pc += k; break` or `c = *p++; break` (a state machine)
  // so, and a loop head that is a dispatch (copy_dispatch_head) is copied
  // too, each copy's table jump predicted on its own. The block's code
  // below its end is all Temps in their slots, as here once the values
  // above its height are dropped. At most kMaxTailCopies per function.
  static constexpr uint32_t kMaxTailInstrs = 12, kMaxTailCopies = 64;
  bool inline_tail_to_loop(uint32_t depth) {
    const Ctrl& block = label_ctrl(depth);
    if (block.after_end == 0 || block.num_results != 0 || tail_copies_ == kMaxTailCopies)
      return false;
    const uint64_t skip = block.after_end - decl_.body.offset;
    InstrReader reader(module_.data_at(decl_.body) + skip, decl_.body.size - skip, block.after_end);
    std::vector<Instr> tail;
    Instr in;
    for (;;) {
      if (tail.size() == kMaxTailInstrs || reader.at_end() || !reader.next(in).ok()) return false;
      if (in.op == Op::Br) break;
      if (!plain_tail_op(in.op)) return false;
      tail.push_back(in);
    }
    // The branch's label is counted from outside the block.
    const uint32_t loop_depth = depth + 1 + in.a;
    if (loop_depth >= ctrls_.size() || label_ctrl(loop_depth).kind != CtrlKind::Loop ||
        label_ctrl(loop_depth).num_params != 0)
      return false;
    ++tail_copies_;
    stack_.resize(block.height);
    const uint32_t branch_offset = wasm_offset_;
    for (const Instr& plain : tail)
      (void)translate_instr(plain); // plain_tail_op's ops translate without error
    wasm_offset_ = branch_offset;
    emit_br(loop_depth);
    return true;
  }
  // Ops without control flow, calls or stores (a load may trap, the same
  // way wherever it runs).
  static bool plain_tail_op(Op op) {
    switch (op) {
    case Op::LocalGet:
    case Op::LocalSet:
    case Op::LocalTee:
    case Op::I32Const:
    case Op::I32Add:
    case Op::I32Sub:
    case Op::I32Shl:
    case Op::I32And:
    case Op::I32Or:
    case Op::I32Xor:
    case Op::I32Load:
    case Op::I32Load8U:
    case Op::I32Load8S:
    case Op::I32Load16U:
    case Op::I32Load16S: return true;
    default: return false;
    }
  }
  static bool straight_head_op(IrOp op) {
    switch (op) {
    case IrOp::I32AddImm:
    case IrOp::I32ShlImm:
    case IrOp::I32Add:
    case IrOp::I32AddScaled:
    case IrOp::I32AndImm:
    case IrOp::I32Load:
    case IrOp::I32Load8U:
    case IrOp::I32Load16U:
    case IrOp::Copy:
    case IrOp::Const: return true;
    default: return false;
    }
  }
  // Pops a condition, fusing it with the compare that produced it.
  Cond pop_cond() {
    end_instr();
    size_t pos = stack_.size() - 1;
    Cond c;
    if (stack_[pos].kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst &&
        unit(&code_->words[0] + last_start_, last_dst_) == canon(pos)) {
      end_instr();
      const uint64_t* ip = &code_->words[last_start_];
      bool fused = true;
      switch (last_op_) {
      case IrOp::I32Eqz: c = Cond{IrOp::BrIfEqz, unit(ip, 1), 0, 0, 's'}; break;
      case IrOp::I64Eqz: c = Cond{IrOp::BrIfI64Eqz, unit(ip, 1), 0, 0, 's'}; break;
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case IrOp::Name: c = Cond{IrOp::BrIf##Name, unit(ip, 1), unit(ip, 2), 0, 'r'}; break;            \
  case IrOp::Name##Imm:                                                                            \
    c = std::string_view(#T) == "I32"                                                              \
            ? Cond{IrOp::BrIf##Name##Imm, unit(ip, 1), 0, unit(ip, 2), 'i'}                        \
            : Cond{IrOp::BrIf##Name##Imm, unit(ip, 1), 0, unit64(ip, 2), 'L'};                     \
    break;
#include "translate/ir_ops.def"
      default: fused = false;
      }
      if (fused) {
        drop_last();
        stack_.pop_back();
        return c;
      }
    }
    c.op = IrOp::BrIfNez;
    c.a = pop_slot();
    return c;
  }
  Patch emit_cond_branch(const Cond& c) {
    begin(c.op);
    u32(c.a);
    if (c.form == 'r') u32(c.b);
    if (c.form == 'i') u32(static_cast<uint32_t>(c.imm));
    if (c.form == 'L') u64(c.imm);
    if (c.form == 'c') {
      u32(c.b);
      u32(static_cast<uint32_t>(c.imm));
    }
    Patch p = jump_operand();
    return p;
  }
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
  void do_binary_imm(Op wasm_op, IrOp op, IrOp op_imm, bool is64) {
    uint64_t imm = 0;
    uint32_t a = 0;
    if (wasm_op == Op::I32Add && top_is_const() &&
        (stack_[stack_.size() - 2].kind == EntryKind::AddImm ||
         stack_[stack_.size() - 2].kind == EntryKind::Indexed)) {
      // (x + c1) + c2 = x + (c1 + c2) in i32.
      imm = stack_.back().value;
      stack_.pop_back();
      stack_.back().value = static_cast<uint32_t>(stack_.back().value + imm);
      return;
    }
    if (top_is_const()) {
      imm = stack_.back().value;
      stack_.pop_back();
      a = pop_slot();
    } else if (top_is_const(1) && is_commutative(wasm_op)) {
      // Entries are not swapped: a Temp's slot is tied to its stack position.
      a = pop_slot();
      imm = stack_.back().value;
      stack_.pop_back();
    } else if (wasm_op == Op::I32Add && try_indexed()) {
      return;
    } else if (wasm_op == Op::I32Add && (stack_.back().kind == EntryKind::AddImm ||
                                         stack_[stack_.size() - 2].kind == EntryKind::AddImm)) {
      return do_add_reassociated();
    } else {
      return do_binary(op);
    }
    // i32.add waits for its consumer (a load or store folds it), unless its
    // operand is a temp that is not in the result's slot (it would be
    // overwritten by the next push).
    if (wasm_op == Op::I32Add && (a < num_locals_ || a == canon(stack_.size()))) {
      stack_.push_back(Entry{EntryKind::AddImm, a, imm});
      return;
    }
    // So does an i32.shl by a small constant (an array index, for an add).
    if (wasm_op == Op::I32Shl && (imm & 31) >= 1 && (imm & 31) <= 4 &&
        (a < num_locals_ || a == canon(stack_.size()))) {
      stack_.push_back(Entry{EntryKind::Scaled, a, imm & 31});
      return;
    }
    begin(op_imm);
    dst_operand(push_temp());
    u32(a);
    if (is64)
      u64(imm);
    else
      u32(static_cast<uint32_t>(imm));
  }
  // i32.add of a Scaled entry and a slot (plus an addend) as one Indexed
  // entry, when the slots it reads are locals or the result's own slot.
  bool try_indexed() {
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
  Address pop_address(bool fast, bool indexed_ok = false) {
    const Entry& e = stack_.back();
    if (fast && (e.kind == EntryKind::AddImm || (indexed_ok && e.kind == EntryKind::Indexed))) {
      Address a{e.local, static_cast<uint32_t>(e.value), e.kind == EntryKind::Indexed, e.index,
                e.shift};
      stack_.pop_back();
      return a;
    }
    return Address{pop_slot(), 0};
  }
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
  void do_add_reassociated() {
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
  // The operands after the address slot (and the stored value): the addend
  // and offset of a fast access, or the offset and memory of a checked one.
  void address_operands(const Address& addr, const MemArg& m, bool fast) {
    if (fast) {
      u32(addr.addend);
      u32(static_cast<uint32_t>(m.offset));
    } else {
      u64(m.offset);
      ptr(inst_.memories[m.memory]);
    }
  }
  // A constant address of a fast access: the access's u64 address + offset
  // (which does not wrap: past 4 GiB it is out of bounds).
  bool pop_constant_address(bool fast, const MemArg& m, uint64_t* address) {
    if (!fast || !top_is_const()) return false;
    *address =
        uint64_t{static_cast<uint32_t>(stack_.back().value)} + static_cast<uint32_t>(m.offset);
    stack_.pop_back();
    return true;
  }
  void do_load(IrOp fast, IrOp checked, IrOp indexed, IrOp absolute, const MemArg& m) {
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
  void do_store(IrOp fast, IrOp checked, IrOp fast_imm, IrOp indexed, IrOp absolute,
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
  // ---- SIMD: v128 operands are slot pairs (pop_v128, push_v128_temp) ----
  // Loads; a lane load also takes the vector whose lane it replaces.
  void do_v128_load(IrOp fast, IrOp checked, const Instr& in, bool lane) {
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
  void do_v128_store(IrOp fast, IrOp checked, const Instr& in, bool lane) {
    bool use_fast = is_fast(in.mem);
    uint32_t value = pop_v128();
    Address addr = pop_address(use_fast);
    begin(use_fast ? fast : checked);
    u32(addr.slot);
    u32(value);
    address_operands(addr, in.mem, use_fast);
    if (lane) u32(in.lane);
  }
  // v128 results from `n` v128 operands.
  void do_v128_op(IrOp op, int n) {
    uint32_t c = n > 2 ? pop_v128() : 0;
    uint32_t b = n > 1 ? pop_v128() : 0;
    uint32_t a = pop_v128();
    begin(op);
    dst_operand(push_v128_temp());
    u32(a);
    if (n > 1) u32(b);
    if (n > 2) u32(c);
  }
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
  void do_v128_with_scalar(IrOp op, bool has_v128, const uint8_t* lane) {
    uint32_t x = pop_slot();
    uint32_t a = has_v128 ? pop_v128() : 0;
    begin(op);
    dst_operand(push_v128_temp());
    if (has_v128) u32(a);
    u32(x);
    if (lane) u32(*lane);
  }
  Status translate_simd(const Instr& in);
  // ---- threads: atomic accesses, guarded memory 0 or Checked as for loads ----
  // `n` operands after the address; a result unless a store. wait and notify
  // pass one op as both forms: they are always checked.
  void do_atomic(IrOp fast, IrOp checked, const MemArg& m, int n, bool result) {
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
  void begin_safe_point(IrOp op, const std::vector<uint32_t>& extra = {}) {
    std::vector<uint32_t> slots = extra;
    for (size_t i = 0; i < stack_.size(); ++i)
      if (stack_[i].ref && stack_[i].kind == EntryKind::Temp) slots.push_back(canon(i));
    begin(op);
    if (slots.empty()) return;
    code_->stack_maps.push_back(StackMap{cur_start_,
                                         static_cast<uint32_t>(code_->stack_map_slots.size()),
                                         static_cast<uint32_t>(slots.size())});
    code_->stack_map_slots.insert(code_->stack_map_slots.end(), slots.begin(), slots.end());
  }
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
  std::vector<bool> ref_slot_; // per local slot: it holds a reference
  // Execution checks: the last Check emitted (its cost is patched in when
  // the next one starts) and the wasm instructions translated since.
  uint32_t check_instr_ = kNone;
  uint32_t ops_since_check_ = 0;
};

Result<std::unique_ptr<Code>> Translator::run() {
  code_ = std::make_unique<Code>();
  code_->function = &fn_;
  code_->mem0 = inst_.memories.empty() ? no_memory() : inst_.memories[0];
  const FuncType& type = *fn_.type;
  local_slots_.reserve(type.params.size() + decl_.num_locals + 1);
  uint32_t slot = 0;
  for (const ValType& t : type.params) {
    local_slots_.push_back(slot);
    slot += slot_count(t);
    ref_slot_.resize(slot, t.is_ref());
  }
  for (const LocalGroup& g : module_.local_groups_of(decl_))
    for (uint32_t i = 0; i < g.count; ++i) {
      local_slots_.push_back(slot);
      slot += slot_count(g.type);
      ref_slot_.resize(slot, g.type.is_ref());
    }
  local_slots_.push_back(slot);
  // Each legacy try gets a hidden local for the exception its catches hold
  // (rethrow reads it), after the declared locals.
  next_exn_slot_ = slot;
  // ... and each block, where its end is (inline_tail_to_loop).
  InstrReader scan(module_.data_at(decl_.body), decl_.body.size, decl_.body.offset);
  Instr in;
  std::vector<std::pair<Op, uint64_t>> open; // the blocks around, and where they start
  while (!scan.at_end()) {
    KITE_TRY(scan.next(in));
    switch (in.op) {
    case Op::Try: ++slot; [[fallthrough]];
    case Op::Block:
    case Op::Loop:
    case Op::If:
    case Op::TryTable: open.emplace_back(in.op, in.offset); break;
    case Op::End:
    case Op::Delegate:
      if (open.empty()) break; // the function's end
      if (open.back().first == Op::Block)
        block_ends_.emplace_back(open.back().second, scan.offset());
      open.pop_back();
      break;
    default: break;
    }
  }
  std::sort(block_ends_.begin(), block_ends_.end());
  code_->num_param_slots = slot_count(type.params);
  code_->num_result_slots = slot_count(type.results);
  num_locals_ = slot;
  code_->num_local_slots = num_locals_;
  ref_slot_.resize(num_locals_, true); // the legacy trys' exnref locals
  for (uint32_t s = 0; s < num_locals_; ++s)
    if (ref_slot_[s]) code_->ref_locals.push_back(s);
  max_slot_ = std::max(num_locals_, code_->num_result_slots);
  entry_access_.assign(next_exn_slot_ - code_->num_param_slots, EntryAccess::None);
  Ctrl func;
  func.kind = CtrlKind::Func;
  func.num_results = code_->num_result_slots;
  ctrls_.push_back(std::move(func));

  wasm_offset_ = static_cast<uint32_t>(decl_.body.offset);
  emit_check();
  InstrReader reader(module_.data_at(decl_.body), decl_.body.size, decl_.body.offset);
  while (!ctrls_.empty()) {
    KITE_TRY(reader.next(in));
    ++ops_since_check_;
    if (!entry_done_ && !entry_access_.empty()) note_entry_access(in);
    if (ctrls_.back().unreachable) {
      KITE_TRY(skip_unreachable(in));
    } else {
      KITE_TRY(translate_instr(in));
    }
  }
  close_check();
  end_instr();
  entry_zero_range();
  code_->frame_slots = max_slot_;
  for (size_t i = 0; i < scope_catches_.size(); ++i) {
    code_->try_scopes[i].first_catch = static_cast<uint32_t>(code_->catches.size());
    code_->try_scopes[i].num_catches = static_cast<uint32_t>(scope_catches_[i].size());
    code_->catches.insert(code_->catches.end(), scope_catches_[i].begin(), scope_catches_[i].end());
  }
  // What the accumulator holds does not depend on which ops are fused,
  // until KEEP pairs pass on the one they received.
  held_ = choose_accumulator_reads(*code_);
  // Fusing rewrites ops, never jumps: the loop heads stay where they are.
  const std::vector<bool> heads = loop_heads(*code_);
  fuse_pairs(heads);
  elide_dead_stores(*code_, num_locals_);
  keep_accumulators(*code_, num_locals_);
  fuse_loops(heads);
  return std::move(code_);
}

// In unreachable code only the block structure matters.
Status Translator::skip_unreachable(const Instr& in) {
  switch (in.op) {
  case Op::Block:
  case Op::Loop:
  case Op::If:
  case Op::Try:
  case Op::TryTable: ++skip_depth_; return {};
  case Op::End:
    if (skip_depth_ > 0) {
      --skip_depth_;
      return {};
    }
    do_end();
    return {};
  case Op::Else:
  case Op::Catch:
  case Op::CatchAll:
    if (skip_depth_ > 0) return {};
    return translate_instr(in);
  case Op::Delegate: // closes a (legacy) try, like end
    if (skip_depth_ > 0) {
      --skip_depth_;
      return {};
    }
    return translate_instr(in);
  default: return {};
  }
}

// After a try_table's body: one landing pad per catch clause, which the
// unwinder enters with the payload (and exnref) in the block's slots, and
// which branches to the clause's label like `br`.
void Translator::emit_try_table_pads(Ctrl& c) {
  leave_to_exit(c);
  close_try_scope(c);
  for (const kite::CatchClause& clause : c.table_catches) {
    using Kind = kite::CatchClause::Kind;
    label();
    stack_.resize(c.height);
    CatchClause out{.target = here(), .slot = canon(c.height)};
    if (clause.kind == Kind::Catch || clause.kind == Kind::CatchRef) {
      out.tag = inst_.tags[clause.tag];
      push_tag_params(clause.tag);
    }
    if (clause.kind == Kind::CatchRef || clause.kind == Kind::CatchAllRef)
      out.exn_slot = push_ref_temp();
    scope_catches_[c.try_scope].push_back(out);
    emit_br(clause.label + 1); // labels count from outside the try_table
  }
  c.unreachable = true; // the pads end in branches; only the exits reach the end
}

// Legacy `catch tag` / `catch_all`: ends the try body (or the previous
// catch), and starts a catch body with the payload in the block's slots.
void Translator::do_catch(const Instr& in) {
  Ctrl& c = ctrls_.back();
  leave_to_exit(c);
  if (c.kind == CtrlKind::Try) {
    close_try_scope(c);
    c.kind = CtrlKind::Catch;
  }
  label();
  stack_.resize(c.height);
  CatchClause out{.target = here(), .slot = canon(c.height), .exn_slot = c.exn_slot};
  if (in.op == Op::Catch) {
    out.tag = inst_.tags[in.a];
    push_tag_params(in.a);
  }
  scope_catches_[c.try_scope].push_back(out);
  c.unreachable = false;
}

void Translator::do_end() {
  Ctrl& c = ctrls_.back();
  if (c.kind == CtrlKind::TryTable) {
    emit_try_table_pads(c);
  } else if (!c.unreachable) {
    if (c.kind == CtrlKind::Func) {
      emit_return(c.num_results);
    } else {
      materialize_top(c.num_results);
    }
  }
  if (c.kind == CtrlKind::Try) close_try_scope(c); // try without catches
  label();
  for (const Patch& p : c.exits)
    bind(p);
  if (c.has_else_patch) bind(c.else_patch);
  stack_.resize(c.height);
  BlockType type = c.type;
  // A block's end is reached by falling into it or by a branch to it (each
  // an exit); a loop's only by falling into it. When neither can happen (say
  // every branch copied the code after the end, inline_tail_to_loop),
  // the code after it is unreachable too.
  const bool dead_end =
      c.unreachable && ((c.kind == CtrlKind::Block && c.exits.empty()) || c.kind == CtrlKind::Loop);
  ctrls_.pop_back();
  push_block_values(type, true);
  if (dead_end) set_unreachable();
}

// A conditional branch to `depth` (br_if, br_on_null, br_on_non_null).
void Translator::do_cond_br(Cond cond, uint32_t depth) {
  Ctrl& target = label_ctrl(depth);
  uint32_t n = target.branch_arity();
  if (target.kind != CtrlKind::Func && !branch_needs_copies(target, n)) {
    Patch p = emit_cond_branch(cond);
    if (target.kind == CtrlKind::Loop)
      patch_to(p, target.loop_start);
    else
      target.exits.push_back(p);
    return;
  }
  // Branch around the copies (or the return) when the condition is false.
  cond.op = invert(cond.op);
  Patch skip = emit_cond_branch(cond);
  std::vector<Entry> saved = stack_;
  emit_br(depth);
  stack_ = std::move(saved);
  label();
  bind(skip);
}

void Translator::do_br_table(const Instr& in) {
  // An index just loaded from guarded memory 0 (a bytecode interpreter's
  // switch on the next opcode) is loaded by the branch itself.
  end_instr();
  size_t top = stack_.size() - 1;
  std::vector<uint32_t> load;
  if (stack_[top].kind == EntryKind::Temp && last_start_ != kNone && last_op_ == IrOp::I32Load &&
      last_dst_ != kNoDst && unit(&code_->words[last_start_], last_dst_) == canon(top)) {
    const uint64_t* ip = &code_->words[last_start_];
    load = {unit(ip, 1), unit(ip, 2), unit(ip, 3)};
    drop_last();
    stack_.pop_back();
  }
  uint32_t index = load.empty() ? pop_slot() : 0;
  uint32_t n = label_ctrl(in.labels.back()).branch_arity();
  materialize_top(n);
  if (load.empty()) {
    begin(IrOp::BrTable);
    u32(index);
  } else {
    begin(IrOp::BrTableLoad);
    for (uint32_t u : load)
      u32(u);
  }
  u32(static_cast<uint32_t>(in.labels.size() - 1));
  std::vector<Patch> entries;
  for (size_t i = 0; i < in.labels.size(); ++i) {
    entries.push_back(jump_operand());
    u64(0); // the target's handler, filled in when the code is linked
  }
  end_instr();
  // Targets that need value copies or are returns get a trampoline.
  for (size_t i = 0; i < in.labels.size(); ++i) {
    Ctrl& target = label_ctrl(in.labels[i]);
    if (target.kind != CtrlKind::Func && !branch_needs_copies(target, n)) {
      if (target.kind == CtrlKind::Loop)
        patch_to(entries[i], target.loop_start);
      else
        target.exits.push_back(entries[i]);
      continue;
    }
    label();
    patch_to(entries[i], here());
    std::vector<Entry> saved = stack_;
    emit_br(in.labels[i]);
    stack_ = std::move(saved);
  }
}

// A v128 local (slots `local`, `local` + 1): retargets the v128 producer that
// wrote the top pair, else sets the two halves like scalar locals.
void Translator::do_local_set_v128(uint32_t local, bool tee) {
  size_t pos = stack_.size() - 2;
  bool referenced = false;
  for (size_t i = 0; i < pos; ++i)
    if (stack_[i].kind == EntryKind::Local &&
        (stack_[i].local == local || stack_[i].local == local + 1))
      referenced = true;
  if (!referenced && stack_[pos].kind == EntryKind::Temp &&
      stack_[pos + 1].kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
    end_instr();
    if (unit(&code_->words[last_start_], last_dst_) == canon(pos)) {
      set_unit(last_start_, last_dst_, local);
      last_dst_ = kNoDst;
      stack_.resize(pos);
    }
  }
  if (stack_.size() > pos) {
    do_local_set(local + 1, false);
    do_local_set(local, false);
  }
  if (tee) {
    stack_.push_back(Entry{EntryKind::Local, local, 0});
    stack_.push_back(Entry{EntryKind::Local, local + 1, 0, true});
  }
}

void Translator::do_local_set(uint32_t local, bool tee) {
  // Entries still referring to the old value must be copied out first.
  auto refers = [&](const Entry& e) { return e.reads(local); };
  bool referenced = false;
  for (size_t i = 0; i + 1 < stack_.size(); ++i)
    if (refers(stack_[i])) referenced = true;
  size_t top = stack_.size() - 1;
  Entry& e = stack_[top];
  // Retarget the producing instruction when it wrote the top temp.
  if (!referenced && e.kind == EntryKind::Temp && last_start_ != kNone && last_dst_ != kNoDst) {
    end_instr();
    if (unit(&code_->words[last_start_], last_dst_) == canon(top)) {
      set_unit(last_start_, last_dst_, local);
      last_dst_ = kNoDst; // the result is no longer a temp a compare-branch could fuse
      stack_.pop_back();
      if (tee) stack_.push_back(local_entry(local));
      return;
    }
  }
  if (referenced)
    for (size_t i = 0; i + 1 < stack_.size(); ++i)
      if (refers(stack_[i])) materialize(i);
  Entry value = stack_.back();
  if (value.kind == EntryKind::Temp) {
    begin(IrOp::Copy);
    u32(local);
    u32(canon(top));
  } else if (value.kind != EntryKind::Local || value.local != local) {
    emit_entry(local, value);
  }
  stack_.pop_back();
  if (tee) stack_.push_back(value.kind == EntryKind::Const ? value : local_entry(local));
}

Status Translator::do_call(const Instr& in) {
  const bool tail =
      in.op == Op::ReturnCall || in.op == Op::ReturnCallIndirect || in.op == Op::ReturnCallRef;
  const FuncType* type = nullptr;
  Function* callee = nullptr;
  uint32_t ref_slot = 0;
  uint32_t index_slot = 0;
  switch (in.op) {
  case Op::Call:
  case Op::ReturnCall:
    callee = inst_.functions[in.a];
    type = callee->type;
    break;
  case Op::CallIndirect:
  case Op::ReturnCallIndirect:
    type = &module_.func_type(in.a);
    index_slot = pop_slot();
    break;
  default: // call_ref, return_call_ref
    type = &module_.func_type(in.a);
    ref_slot = pop_slot();
    break;
  }
  uint32_t num_params = slot_count(type->params);
  uint32_t num_results = slot_count(type->results);
  uint32_t base = pop_args(num_params);
  uint32_t frame_need = std::max(num_params, num_results);
  if (frame_need > 0) canon(stack_.size() + frame_need - 1); // results must fit in the frame
  // The callee may collect; a host callee reads its arguments from here.
  const std::vector<uint32_t> args = ref_slots(type->params, base);
  switch (in.op) {
  case Op::Call:
    begin_safe_point(callee->host ? IrOp::CallHost : IrOp::Call, args);
    ptr(callee);
    u32(base);
    ptr(code_->mem0);
    break;
  case Op::ReturnCall:
    begin_safe_point(IrOp::ReturnCall, args);
    ptr(callee);
    u32(base);
    u32(num_params);
    break;
  case Op::CallIndirect:
    begin_safe_point(IrOp::CallIndirect, args);
    ptr(inst_.tables[in.b]);
    u32(index_slot);
    u32(base);
    u32(inst_.type_ids[in.a]);
    ptr(code_->mem0);
    break;
  case Op::ReturnCallIndirect:
    begin_safe_point(IrOp::ReturnCallIndirect, args);
    ptr(inst_.tables[in.b]);
    u32(index_slot);
    u32(base);
    u32(inst_.type_ids[in.a]);
    u32(num_params);
    break;
  case Op::CallRef:
    begin_safe_point(IrOp::CallRef, args);
    u32(ref_slot);
    u32(base);
    ptr(code_->mem0);
    break;
  default:
    begin_safe_point(IrOp::ReturnCallRef, args);
    u32(ref_slot);
    u32(base);
    u32(num_params);
    break;
  }
  if (tail) {
    set_unreachable();
  } else {
    for (const ValType& t : type->results)
      push_temps(t);
  }
  return {};
}

Status Translator::translate_instr(const Instr& in) {
  wasm_offset_ = static_cast<uint32_t>(in.offset);
  switch (in.op) {
  // ---- control ----
  case Op::Nop: return {};
  case Op::Unreachable:
    begin(IrOp::Unreachable);
    set_unreachable();
    return {};
  case Op::Block: {
    materialize_all();
    push_ctrl(CtrlKind::Block, in.block);
    auto it = std::lower_bound(block_ends_.begin(), block_ends_.end(),
                               std::pair<uint64_t, uint64_t>{in.offset, 0});
    if (it != block_ends_.end() && it->first == in.offset) ctrls_.back().after_end = it->second;
    return {};
  }
  case Op::Loop:
    materialize_all();
    push_ctrl(CtrlKind::Loop, in.block);
    label();
    ctrls_.back().loop_start = here();
    emit_check();
    return {};
  case Op::If: {
    Cond cond = pop_cond();
    materialize_all();
    cond.op = invert(cond.op);
    Patch to_else = emit_cond_branch(cond);
    push_ctrl(CtrlKind::If, in.block);
    ctrls_.back().has_else_patch = true;
    ctrls_.back().else_patch = to_else;
    return {};
  }
  case Op::Else: {
    Ctrl& c = ctrls_.back();
    if (!c.unreachable) {
      materialize_top(c.num_results);
      begin(IrOp::Br);
      c.exits.push_back(jump_operand());
    }
    label();
    bind(c.else_patch);
    c.has_else_patch = false;
    c.unreachable = false;
    stack_.resize(c.height);
    push_block_values(c.type, false);
    return {};
  }
  case Op::End: do_end(); return {};
  case Op::TryTable:
    materialize_all();
    push_ctrl(CtrlKind::TryTable, in.block);
    ctrls_.back().table_catches = in.catches;
    open_try_scope();
    return {};
  case Op::Try:
    materialize_all();
    push_ctrl(CtrlKind::Try, in.block);
    ctrls_.back().exn_slot = next_exn_slot_++;
    open_try_scope();
    return {};
  case Op::Catch:
  case Op::CatchAll: do_catch(in); return {};
  case Op::Delegate: {
    // The body's exceptions go to the scope around label `in.a` (counted
    // from outside the try), or to the caller.
    Ctrl& c = ctrls_.back();
    code_->try_scopes[c.try_scope].next = label_ctrl(in.a + 1).scope;
    do_end();
    return {};
  }
  case Op::Throw: {
    const Tag* tag = inst_.tags[in.a];
    uint32_t n = slot_count(tag->type->params);
    uint32_t base = pop_args(n);
    begin_safe_point(IrOp::Throw, ref_slots(tag->type->params, base));
    ptr(tag);
    u32(base);
    u32(n);
    set_unreachable();
    return {};
  }
  case Op::ThrowRef: {
    uint32_t exn = pop_slot();
    begin(IrOp::ThrowRef);
    u32(exn);
    set_unreachable();
    return {};
  }
  case Op::Rethrow:
    begin(IrOp::ThrowRef);
    u32(label_ctrl(in.a).exn_slot);
    set_unreachable();
    return {};
  case Op::Br:
    emit_br(in.a);
    set_unreachable();
    return {};
  case Op::BrIf: do_br_if(in.a); return {};
  case Op::BrTable:
    do_br_table(in);
    set_unreachable();
    return {};
  case Op::Return:
    emit_return(ctrls_.front().num_results);
    set_unreachable();
    return {};
  case Op::Call:
  case Op::CallIndirect:
  case Op::ReturnCall:
  case Op::ReturnCallIndirect:
  case Op::CallRef:
  case Op::ReturnCallRef: return do_call(in);
  case Op::Drop:
    if (top_is_v128()) stack_.pop_back();
    stack_.pop_back();
    return {};
  case Op::Select:
  case Op::SelectT: {
    uint32_t cond = pop_slot();
    if (top_is_v128()) {
      uint32_t b = pop_v128();
      uint32_t a = pop_v128();
      begin(IrOp::V128Select);
      dst_operand(push_v128_temp());
      u32(cond);
      u32(a);
      u32(b);
      return {};
    }
    uint32_t b = pop_slot();
    uint32_t a = pop_slot();
    begin(IrOp::Select);
    dst_operand(in.op == Op::SelectT && in.select_types[0].is_ref() ? push_ref_temp()
                                                                    : push_temp());
    u32(cond);
    u32(a);
    u32(b);
    return {};
  }

  // ---- variables ----
  case Op::LocalGet: {
    uint32_t slot = local_slots_[in.a];
    stack_.push_back(local_entry(slot));
    if (local_slots_[in.a + 1] - slot == 2)
      stack_.push_back(Entry{EntryKind::Local, slot + 1, 0, true});
    return {};
  }
  case Op::LocalSet:
  case Op::LocalTee: {
    uint32_t slot = local_slots_[in.a];
    if (local_slots_[in.a + 1] - slot == 2)
      do_local_set_v128(slot, in.op == Op::LocalTee);
    else
      do_local_set(slot, in.op == Op::LocalTee);
    return {};
  }
  case Op::GlobalGet: {
    Global* g = inst_.globals[in.a];
    bool v128 = g->type.type.kind == ValKind::V128;
    begin(v128 ? IrOp::V128GlobalGet : IrOp::GlobalGet);
    dst_operand(v128 ? push_v128_temp() : g->type.type.is_ref() ? push_ref_temp() : push_temp());
    ptr(g);
    return {};
  }
  case Op::GlobalSet: {
    Global* g = inst_.globals[in.a];
    bool v128 = g->type.type.kind == ValKind::V128;
    uint32_t src = v128 ? pop_v128() : pop_slot();
    begin(v128 ? IrOp::V128GlobalSet : IrOp::GlobalSet);
    ptr(g);
    u32(src);
    return {};
  }

  // ---- constants ----
  case Op::I32Const: push_const(static_cast<uint32_t>(in.i32)); return {};
  case Op::I64Const: push_const(static_cast<uint64_t>(in.i64)); return {};
  case Op::F32Const: push_const(in.f32); return {};
  case Op::F64Const:
    push_const(in.f64);
    return {};

    // ---- memory ----
#define KITE_IR_LOAD(Name, R, Mem)                                                                 \
  case Op::Name:                                                                                   \
    do_load(IrOp::Name, IrOp::Name##Checked, IrOp::Name##Idx, IrOp::Name##Abs, in.mem);            \
    return {};
#define KITE_IR_STORE(Name, T, Mem)                                                                \
  case Op::Name:                                                                                   \
    do_store(IrOp::Name, IrOp::Name##Checked, IrOp::Name##Imm, IrOp::Name##Idx, IrOp::Name##Abs,   \
             in.mem);                                                                              \
    return {};
#include "translate/ir_ops.def"
  case Op::MemorySize:
    begin(IrOp::MemorySize);
    dst_operand(push_temp());
    ptr(inst_.memories[in.a]);
    return {};
  case Op::MemoryGrow: {
    uint32_t delta = pop_slot();
    begin(IrOp::MemoryGrow);
    dst_operand(push_temp());
    u32(delta);
    ptr(inst_.memories[in.a]);
    ptr(code_->mem0);
    return {};
  }
  case Op::MemoryFill:
  case Op::MemoryCopy:
  case Op::MemoryInit:
  case Op::TableFill:
  case Op::TableCopy:
  case Op::TableInit: {
    uint32_t n = pop_slot();
    uint32_t src = pop_slot();
    uint32_t dst = pop_slot();
    IrOp op = in.op == Op::MemoryFill   ? IrOp::MemoryFill
              : in.op == Op::MemoryCopy ? IrOp::MemoryCopy
              : in.op == Op::MemoryInit ? IrOp::MemoryInit
              : in.op == Op::TableFill  ? IrOp::TableFill
              : in.op == Op::TableCopy  ? IrOp::TableCopy
                                        : IrOp::TableInit;
    begin(op);
    u32(dst);
    u32(src);
    u32(n);
    switch (in.op) {
    case Op::MemoryFill: ptr(inst_.memories[in.a]); break;
    case Op::MemoryCopy:
      ptr(inst_.memories[in.a]);
      ptr(inst_.memories[in.b]);
      break;
    case Op::MemoryInit:
      ptr(inst_.memories[in.b]);
      ptr(&inst_);
      u32(in.a);
      break;
    case Op::TableFill: ptr(inst_.tables[in.a]); break;
    case Op::TableCopy:
      ptr(inst_.tables[in.a]);
      ptr(inst_.tables[in.b]);
      break;
    default:
      ptr(inst_.tables[in.b]);
      ptr(&inst_);
      u32(in.a);
      break;
    }
    return {};
  }
  case Op::DataDrop:
  case Op::ElemDrop:
    begin(in.op == Op::DataDrop ? IrOp::DataDrop : IrOp::ElemDrop);
    ptr(&inst_);
    u32(in.a);
    return {};

  // ---- tables and references ----
  case Op::TableGet: {
    uint32_t index = pop_slot();
    begin(IrOp::TableGet);
    dst_operand(push_ref_temp());
    u32(index);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::TableSet: {
    uint32_t value = pop_slot();
    uint32_t index = pop_slot();
    begin(IrOp::TableSet);
    u32(index);
    u32(value);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::TableSize:
    begin(IrOp::TableSize);
    dst_operand(push_temp());
    ptr(inst_.tables[in.a]);
    return {};
  case Op::TableGrow: {
    uint32_t delta = pop_slot();
    uint32_t init = pop_slot();
    begin(IrOp::TableGrow);
    dst_operand(push_temp());
    u32(init);
    u32(delta);
    ptr(inst_.tables[in.a]);
    return {};
  }
  case Op::RefNull: push_ref_const(kNullRef); return {};
  case Op::RefFunc: push_ref_const(reinterpret_cast<Ref>(inst_.functions[in.a])); return {};
  case Op::RefIsNull: do_unary(IrOp::RefIsNull); return {};
  case Op::RefEq: do_binary(IrOp::I64Eq); return {};
  case Op::RefAsNonNull: {
    size_t top = stack_.size() - 1;
    materialize_if_computed(top);
    uint32_t slot = stack_[top].kind == EntryKind::Local ? stack_[top].local : canon(top);
    begin(IrOp::RefAsNonNull);
    u32(slot);
    return {};
  }
  case Op::BrOnNull: {
    // The reference stays on the stack when the branch is not taken.
    size_t top = stack_.size() - 1;
    materialize_if_computed(top);
    uint32_t slot = stack_[top].kind == EntryKind::Local ? stack_[top].local : canon(top);
    stack_.pop_back();
    do_cond_br(Cond{IrOp::BrOnNull, slot}, in.a);
    stack_.push_back(slot >= num_locals_ ? Entry{} : local_entry(slot));
    stack_.back().ref = true; // a temp in its own slot, or a reference local
    return {};
  }
  case Op::BrOnNonNull: {
    // The branch carries the (non-null) reference as its last value.
    materialize_top(1);
    do_cond_br(Cond{IrOp::BrOnNonNull, canon(stack_.size() - 1)}, in.a);
    stack_.pop_back();
    return {};
  }

  // ---- wide arithmetic ----
  case Op::I64Add128:
  case Op::I64Sub128: {
    uint32_t b_hi = pop_slot(), b_lo = pop_slot(), a_hi = pop_slot(), a_lo = pop_slot();
    begin(in.op == Op::I64Add128 ? IrOp::I64Add128 : IrOp::I64Sub128);
    u32(push_temp());
    push_temp();
    u32(a_lo);
    u32(a_hi);
    u32(b_lo);
    u32(b_hi);
    return {};
  }
  case Op::I64MulWideS:
  case Op::I64MulWideU: {
    uint32_t b = pop_slot(), a = pop_slot();
    begin(in.op == Op::I64MulWideS ? IrOp::I64MulWideS : IrOp::I64MulWideU);
    u32(push_temp());
    push_temp();
    u32(a);
    u32(b);
    return {};
  }

  // ---- numeric ----
#define KITE_IR_UN(Name, T, R, expr)                                                               \
  case Op::Name:                                                                                   \
    do_unary(IrOp::Name);                                                                          \
    return {};
#define KITE_IR_UN_TRAP(Name, T, R, fn)                                                            \
  case Op::Name:                                                                                   \
    do_unary(IrOp::Name);                                                                          \
    return {};
#define KITE_IR_BIN(Name, T, R, expr)                                                              \
  case Op::Name:                                                                                   \
    do_binary(IrOp::Name);                                                                         \
    return {};
#define KITE_IR_BIN_TRAP(Name, T, R, fn)                                                           \
  case Op::Name:                                                                                   \
    do_binary(IrOp::Name);                                                                         \
    return {};
#define KITE_IR_BINI(Name, T, R, expr)                                                             \
  case Op::Name:                                                                                   \
    do_binary_imm(Op::Name, IrOp::Name, IrOp::Name##Imm, #T[1] == '6');                            \
    return {};
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  case Op::Name:                                                                                   \
    do_binary_imm(Op::Name, IrOp::Name, IrOp::Name##Imm, #T[1] == '6');                            \
    return {};
#include "translate/ir_ops.def"

  default: return translate_simd(in);
  }
  return error_at(in.offset, "unsupported instruction " + std::string(op_name(in.op)));
}

#include "translate/translate_simd.inc"
#include "translate/translate_atomic.inc"
#include "translate/translate_gc.inc"

} // namespace

const CatchClause* find_catch(const Code& code, uint32_t pos, const Tag* tag) {
  // Scopes nest or are disjoint and are listed in opening order, so the
  // last one containing `pos` is the innermost.
  int32_t s = -1;
  for (size_t i = code.try_scopes.size(); i-- > 0;) {
    const TryScope& t = code.try_scopes[i];
    if (t.start <= pos && pos < t.end) {
      s = static_cast<int32_t>(i);
      break;
    }
  }
  for (; s >= 0; s = code.try_scopes[s].next) {
    const TryScope& t = code.try_scopes[s];
    for (uint32_t k = 0; k < t.num_catches; ++k) {
      const CatchClause& c = code.catches[t.first_catch + k];
      if (!c.tag || c.tag == tag) return &c;
    }
  }
  return nullptr;
}

Memory* no_memory() {
  static Memory empty;
  return &empty;
}

Result<std::unique_ptr<Code>> translate(Function& fn) {
  if (!fn.instance) return Error{"cannot translate a host function"};
  KITE_TRY(validate_function_body(*fn.instance->module, fn.index)); // if deferred
  return Translator(fn).run();
}

} // namespace kite::ir
