// The register IR: what a wasm function body is translated into, and what
// the interpreter (src/interp) executes. See "Interpreter and IR" in
// docs/architecture.md.
//
// Frame layout: slots 0..num_local_slots-1 hold the locals (parameters
// first); the operand stack at height h lives in slot num_local_slots + h.
// Operands name slots directly, so local.get, constants and most copies do
// not become instructions.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/objects.h"
#include "support/result.h"

namespace kite::ir {

enum class IrOp : uint16_t {
#define KITE_IR(Name, Layout) Name,
#define KITE_IR_UN(Name, T, R, expr) Name,
#define KITE_IR_UN_TRAP(Name, T, R, fn) Name,
#define KITE_IR_BIN(Name, T, R, expr) Name,
#define KITE_IR_BIN_TRAP(Name, T, R, fn) Name,
#define KITE_IR_BINI(Name, T, R, expr) Name, Name##Imm,
#define KITE_IR_CMP(Name, T, expr, Inverse) Name, Name##Imm, BrIf##Name, BrIf##Name##Imm,
#define KITE_IR_LOAD(Name, R, Mem) Name, Name##Checked, Name##Idx, Name##Abs,
#define KITE_IR_STORE(Name, T, Mem) Name, Name##Checked, Name##Imm, Name##Idx, Name##Abs,
#include "translate/ir_ops.def"
#define KITE_FUSE(A, B) A##_##B,
#define KITE_FUSE_FWD(A, B, k) A##_##B##_##k,
#include "translate/ir_fusions.def"
// Every forwarding pair again, its first op's result not stored: the value
// is a temp that the second op consumes, so no one reads its slot.
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k) A##_##B##_##k##_Unstored,
#include "translate/ir_fusions.def"
#define KITE_FUSE_PREV(A, B, k, j) A##_##B##_##k##_Prev##j,
#include "translate/ir_fusions.def"
#define KITE_FUSE_KEEP(A, B, k) A##_##B##_##k##_Keep,
#include "translate/ir_fusions.def"
#define KITE_FUSE_LOOP(Name, via_jump, ops, units) Name,
#include "translate/ir_fusions.def"
};

// The ops of ir_ops.def; fused pairs (ir_fusions.def) are numbered after them.
inline constexpr uint32_t kNumBaseIrOps = 0
#define KITE_IR(Name, Layout) +1
#define KITE_IR_UN(Name, T, R, expr) +1
#define KITE_IR_UN_TRAP(Name, T, R, fn) +1
#define KITE_IR_BIN(Name, T, R, expr) +1
#define KITE_IR_BIN_TRAP(Name, T, R, fn) +1
#define KITE_IR_BINI(Name, T, R, expr) +2
#define KITE_IR_CMP(Name, T, expr, Inverse) +4
#define KITE_IR_LOAD(Name, R, Mem) +4
#define KITE_IR_STORE(Name, T, Mem) +5
#include "translate/ir_ops.def"
    ;
inline constexpr uint32_t kNumFusedIrOps = 0
#define KITE_FUSE(A, B) +1
#define KITE_FUSE_FWD(A, B, k) +1
#include "translate/ir_fusions.def"
    ;
inline constexpr uint32_t kNumForwardingIrOps = 0
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k) +1
#include "translate/ir_fusions.def"
    ;
inline constexpr uint32_t kNumPrevIrOps = 0
#define KITE_FUSE_PREV(A, B, k, j) +1
#include "translate/ir_fusions.def"
    ;
inline constexpr uint32_t kNumKeepIrOps = 0
#define KITE_FUSE_KEEP(A, B, k) +1
#include "translate/ir_fusions.def"
    ;
inline constexpr uint32_t kNumLoopIrOps = 0
#define KITE_FUSE_LOOP(Name, via_jump, ops, units) +1
#include "translate/ir_fusions.def"
    ;
inline constexpr uint32_t kNumIrOps = kNumBaseIrOps + kNumFusedIrOps + kNumForwardingIrOps +
                                      kNumPrevIrOps + kNumKeepIrOps + kNumLoopIrOps;

// Operand layout of an instruction (letters as in ir_ops.def), its name, and
// whether it is a step: it runs straight through or ends in a plain jump,
// and passes its result on as the accumulator (src/interp/steps.inc).
// 24 bytes a row: C strings, not string_views (40 bytes a row).
struct IrOpInfo {
  const char* name_text;
  const char* layout_text;
  bool step = false;
  bool forwards = false;        // a fused pair passing its first op's result in a register
  bool unstored = false;        // ... and not storing it in the frame as well
  uint8_t forward_unit = 0xFF;  // ... as this unit of its second op
  uint8_t previous_unit = 0xFF; // ... which reads this one from the accumulator before (PREV)
  bool keeps = false;           // ... passing on the accumulator the pair received (KEEP)
  bool loops = false;           // a short loop in one handler (LOOP, see LoopBody)
  constexpr std::string_view name() const { return name_text; }
  constexpr std::string_view layout() const { return layout_text; }
};

#define KITE_IMM_LAYOUT_I32 "i"
#define KITE_IMM_LAYOUT_I64 "L"
#define KITE_IMM_LAYOUT_F32 "i"
#define KITE_IMM_LAYOUT_F64 "L"
inline constexpr IrOpInfo kBaseIrOpInfos[] = {
#define KITE_IR(Name, Layout) {#Name, Layout},
#define KITE_IR_STEP(Name, Layout) {#Name, Layout, true},
#define KITE_IR_UN(Name, T, R, expr) {#Name, "ds", true},
#define KITE_IR_UN_TRAP(Name, T, R, fn) {#Name, "ds"},
#define KITE_IR_BIN(Name, T, R, expr) {#Name, "dss", true},
#define KITE_IR_BIN_TRAP(Name, T, R, fn) {#Name, "dss"},
#define KITE_IR_BINI(Name, T, R, expr)                                                             \
  {#Name, "dss", true}, {#Name "Imm", "ds" KITE_IMM_LAYOUT_##T, true},
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  {#Name, "dss", true}, {#Name "Imm", "ds" KITE_IMM_LAYOUT_##T, true},                             \
      {"BrIf" #Name, "ssj", true}, {"BrIf" #Name "Imm", "s" KITE_IMM_LAYOUT_##T "j", true},
#define KITE_IR_LOAD(Name, R, Mem)                                                                 \
  {#Name, "dsii", true}, {#Name "Checked", "dsLp"}, {#Name "Idx", "dssiii", true},                 \
      {#Name "Abs", "dL", true},
#define KITE_IR_STORE(Name, T, Mem)                                                                \
  {#Name, "ssii", true}, {#Name "Checked", "ssLp"}, {#Name "Imm", "siii", true},                   \
      {#Name "Idx", "sssiii", true}, {#Name "Abs", "sL", true},
#include "translate/ir_ops.def"
};
#undef KITE_IMM_LAYOUT_I32
#undef KITE_IMM_LAYOUT_I64
#undef KITE_IMM_LAYOUT_F32
#undef KITE_IMM_LAYOUT_F64
static_assert(sizeof(kBaseIrOpInfos) / sizeof(kBaseIrOpInfos[0]) == kNumBaseIrOps);
// The two ops a fused pair runs.
struct FusedParts {
  IrOp first;
  IrOp second;
};
constexpr FusedParts fused_parts(IrOp pair) {
  constexpr FusedParts kParts[] = {
#define KITE_FUSE(A, B) {IrOp::A, IrOp::B},
#define KITE_FUSE_FWD(A, B, k) {IrOp::A, IrOp::B},
#include "translate/ir_fusions.def"
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k) {IrOp::A, IrOp::B},
#include "translate/ir_fusions.def"
#define KITE_FUSE_PREV(A, B, k, j) {IrOp::A, IrOp::B},
#include "translate/ir_fusions.def"
#define KITE_FUSE_KEEP(A, B, k) {IrOp::A, IrOp::B},
#include "translate/ir_fusions.def"
  };
  return kParts[static_cast<size_t>(pair) - kNumBaseIrOps];
}

// A short loop run by one handler (KITE_FUSE_LOOP): the ops of the handlers
// it dispatches per iteration (each a step op or a pair of them), the first
// (the head) in the loop's first instruction, the last jumping back to it;
// and the unit each reads from the accumulator (units[0], the head's, is
// the handler variant's). They follow one another in the code, or
// (via_jump, two handlers) the head jumps forward to the other, and falling
// through leaves the loop.
inline constexpr size_t kMaxLoopHandlers = 10;
struct LoopBody {
  size_t count = 0;
  bool via_jump = false;
  std::array<IrOp, kMaxLoopHandlers> ops{};
  std::array<uint8_t, kMaxLoopHandlers> units{};
  constexpr bool operator==(const LoopBody&) const = default;
};
// No operand comes from the accumulator (Code::instr_acc_units).
inline constexpr uint8_t kNoAccUnit = 0xFF;
#define KITE_UNPAREN(...) __VA_ARGS__
inline constexpr LoopBody kLoopBodies[kNumLoopIrOps + 1] = {
#define KITE_FUSE_LOOP(Name, via_jump, op_list, unit_list)                                         \
  [] {                                                                                             \
    using enum IrOp;                                                                               \
    [[maybe_unused]] constexpr uint8_t X = kNoAccUnit;                                             \
    constexpr IrOp kOps[] = {KITE_UNPAREN op_list};                                                \
    constexpr uint8_t kUnits[] = {KITE_UNPAREN unit_list};                                         \
    static_assert(std::size(kOps) == std::size(kUnits) && std::size(kOps) <= kMaxLoopHandlers);    \
    LoopBody body{std::size(kOps), via_jump};                                                      \
    for (size_t i = 0; i < body.count; ++i) {                                                      \
      body.ops[i] = kOps[i];                                                                       \
      body.units[i] = i == 0 ? kNoAccUnit : kUnits[i];                                             \
    }                                                                                              \
    return body;                                                                                   \
  }(),
#include "translate/ir_fusions.def"
};
#undef KITE_UNPAREN
// Whether op is a loop in one handler (KITE_FUSE_LOOP, the last rows).
constexpr bool is_loop(IrOp op) { return static_cast<size_t>(op) >= kNumIrOps - kNumLoopIrOps; }
constexpr const LoopBody& loop_body(IrOp loop) {
  return kLoopBodies[static_cast<size_t>(loop) - (kNumIrOps - kNumLoopIrOps)];
}
// A loop's head (the op its first instruction has without the loop), or op.
constexpr IrOp loop_head(IrOp op) { return is_loop(op) ? loop_body(op).ops[0] : op; }
// The first op a fused op runs (an unfused op is its own).
constexpr IrOp unfused(IrOp op) {
  op = loop_head(op);
  return static_cast<size_t>(op) < kNumBaseIrOps ? op : fused_parts(op).first;
}
// A fused pair's instruction word is its first op's: it has that op's layout
// (the second op's instruction follows, whole).
#define KITE_LAYOUT(A) kBaseIrOpInfos[static_cast<size_t>(unfused(IrOp::A))].layout_text
inline constexpr IrOpInfo kFusedIrOpInfos[] = {
#define KITE_FUSE(A, B) {#A "_" #B, KITE_LAYOUT(A)},
#define KITE_FUSE_FWD(A, B, k) {#A "_" #B "_" #k, KITE_LAYOUT(A), false, true, false, k},
#include "translate/ir_fusions.def"
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k) {#A "_" #B "_" #k "_Unstored", KITE_LAYOUT(A), false, true, true, k},
#include "translate/ir_fusions.def"
#define KITE_FUSE_PREV(A, B, k, j)                                                                 \
  {#A "_" #B "_" #k "_Prev" #j, KITE_LAYOUT(A), false, true, true, k, j},
#include "translate/ir_fusions.def"
#define KITE_FUSE_KEEP(A, B, k)                                                                    \
  {#A "_" #B "_" #k "_Keep", KITE_LAYOUT(A), false, true, true, k, 0xFF, true},
#include "translate/ir_fusions.def"
#define KITE_FUSE_LOOP(Name, via_jump, ops, units)                                                 \
  {#Name, KITE_LAYOUT(Name), false, false, false, 0xFF, 0xFF, false, true},
#include "translate/ir_fusions.def"
};
#undef KITE_LAYOUT
constexpr const IrOpInfo& ir_op_info(IrOp op) {
  size_t i = static_cast<size_t>(op);
  return i < kNumBaseIrOps ? kBaseIrOpInfos[i] : kFusedIrOpInfos[i - kNumBaseIrOps];
}

// What the translator reads of an op at run time: its layout and how it is
// fused, in rows of a few bytes and without its name. ir_op_info's rows are
// for constant evaluation (the handlers); read at run time they linked in
// every op's name (minimal: 9 KB of rows, 4 KB of names), which only the IR
// printer wants (ir_op_name).
inline constexpr size_t kMaxIrLayout = [] {
  size_t longest = 0;
  for (size_t i = 0; i < kNumIrOps; ++i)
    longest = std::max(longest, ir_op_info(static_cast<IrOp>(i)).layout().size());
  return longest;
}();
struct IrOpFacts {
  char layout_chars[kMaxIrLayout]; // NUL-padded
  bool step : 1;
  bool forwards : 1;
  bool unstored : 1;
  bool keeps : 1;
  bool loops : 1;
  uint8_t forward_unit;
  uint8_t previous_unit;
  constexpr std::string_view layout() const {
    size_t n = 0;
    while (n < kMaxIrLayout && layout_chars[n])
      ++n;
    return {layout_chars, n};
  }
};
inline constexpr std::array<IrOpFacts, kNumIrOps> kIrOpFacts = [] {
  std::array<IrOpFacts, kNumIrOps> facts{};
  for (size_t i = 0; i < kNumIrOps; ++i) {
    const IrOpInfo& info = ir_op_info(static_cast<IrOp>(i));
    IrOpFacts& f = facts[i];
    for (size_t c = 0; c < info.layout().size(); ++c)
      f.layout_chars[c] = info.layout()[c];
    f.step = info.step;
    f.forwards = info.forwards;
    f.unstored = info.unstored;
    f.keeps = info.keeps;
    f.loops = info.loops;
    f.forward_unit = info.forward_unit;
    f.previous_unit = info.previous_unit;
  }
  return facts;
}();
constexpr const IrOpFacts& ir_op_facts(IrOp op) { return kIrOpFacts[static_cast<size_t>(op)]; }
inline constexpr std::array<const char*, kNumIrOps> kIrOpNames = [] {
  std::array<const char*, kNumIrOps> names{};
  for (size_t i = 0; i < kNumIrOps; ++i)
    names[i] = ir_op_info(static_cast<IrOp>(i)).name_text;
  return names;
}();
inline const char* ir_op_name(IrOp op) { return kIrOpNames[static_cast<size_t>(op)]; }

// Instructions from its own a fused op runs, in one handler (1 for an
// unfused op; a loop via a jump, those of its head).
constexpr size_t fused_span(IrOp op) {
  if (!is_loop(op)) return op == unfused(op) ? 1 : 2;
  const LoopBody& body = loop_body(op);
  size_t span = 0;
  for (size_t i = 0; i < (body.via_jump ? 1 : body.count); ++i)
    span += fused_span(body.ops[i]);
  return span;
}
// The fused op that runs `a` then `b` with one dispatch, or `a` if none.
IrOp fused_pair(IrOp a, IrOp b);
// The fused op that runs `a` then `b`, passing a's result to b's unit k in a
// register, or `a` if none.
IrOp fused_forward(IrOp a, IrOp b, uint32_t k);
// The forwarding pair `fwd` whose first op does not store its result.
IrOp unstored(IrOp fwd);
// The KITE_FUSE_PREV pair of a, b forwarding a's result as b's unit k, b
// reading unit j from the accumulator before a, or `a` if none.
IrOp fused_previous(IrOp a, IrOp b, uint32_t k, uint32_t j);
// The KITE_FUSE_KEEP pair of a, b forwarding a's result as b's unit k and
// passing on the accumulator the pair received, or `a` if none.
IrOp fused_keeping(IrOp a, IrOp b, uint32_t k);
// The KITE_FUSE_LOOP op running `body`, or kNoIrOp.
IrOp fused_loop(const LoopBody& body);
// No op.
inline constexpr IrOp kNoIrOp = static_cast<IrOp>(0xFFFF);

// Number of 32-bit operand units a layout letter takes.
constexpr uint32_t letter_units(char c) { return (c == 'L' || c == 'p') ? 2 : 1; }
constexpr uint32_t layout_units(std::string_view layout) {
  uint32_t units = 0;
  for (char c : layout)
    units += letter_units(c);
  return units;
}
// The unit where `letter` first appears in a layout, or ~0u.
constexpr uint32_t letter_unit(std::string_view layout, char letter) {
  uint32_t units = 0;
  for (char c : layout) {
    if (c == letter) return units;
    units += letter_units(c);
  }
  return ~0u;
}
// The layout letter of unit k (the first unit of a two-unit letter), or 0.
constexpr char unit_letter(std::string_view layout, uint32_t k) {
  uint32_t units = 0;
  for (char c : layout) {
    if (units == k) return c;
    units += letter_units(c);
    if (units > k) return 0;
  }
  return 0;
}
// Where a layout's operands are, for the translator's passes, which look at
// every instruction several times (walking the layout letters there cost
// more than the rest of the look).
struct IrShape {
  static constexpr uint8_t kNone = 0xFF;
  uint8_t jump = kNone;  // the unit of the jump offset ('j')
  uint8_t count = kNone; // the unit of a br_table's entry count ('n')
  uint8_t dst = kNone;   // the unit of the result slot ('d')
  uint8_t num_src = 0;
  uint8_t src[6] = {}; // the units of the slots read ('s'), in order
};
constexpr IrShape layout_shape(std::string_view layout) {
  IrShape shape;
  uint32_t units = 0;
  for (char c : layout) {
    if (c == 'j' && shape.jump == IrShape::kNone) shape.jump = static_cast<uint8_t>(units);
    if (c == 'n' && shape.count == IrShape::kNone) shape.count = static_cast<uint8_t>(units);
    if (c == 'd' && shape.dst == IrShape::kNone) shape.dst = static_cast<uint8_t>(units);
    if (c == 's') shape.src[shape.num_src++] = static_cast<uint8_t>(units);
    units += letter_units(c);
  }
  return shape;
}
inline constexpr auto kIrShapes = [] {
  std::array<IrShape, kNumBaseIrOps> shapes{};
  for (size_t i = 0; i < kNumBaseIrOps; ++i)
    shapes[i] = layout_shape(kBaseIrOpInfos[i].layout());
  return shapes;
}();
// A fused op has its first op's layout.
constexpr const IrShape& ir_shape(IrOp op) { return kIrShapes[static_cast<size_t>(unfused(op))]; }
// The unit holding an op's jump offset ('j'), and whether it has one.
constexpr uint32_t jump_unit(IrOp op) {
  const uint8_t j = ir_shape(op).jump;
  return j == IrShape::kNone ? ~0u : j;
}
constexpr bool has_jump(IrOp op) { return ir_shape(op).jump != IrShape::kNone; }
// The first br_table entry's unit (after the 'n' count).
constexpr uint32_t table_entries_unit(IrOp op) { return ir_shape(op).count + 1u; }
// Units per br_table entry: its jump offset, then its target's first word
// (two units, filled in when the code is linked).
inline constexpr uint32_t kTableEntryUnits = 3;
// Length in words of an instruction with a fixed layout (no 'n').
constexpr uint32_t instr_words(std::string_view layout) {
  return 1 + (layout_units(layout) + 1) / 2;
}
// The same for an op the handlers know at compile time, as constants.
template <IrOp op> inline constexpr uint32_t kInstrWords = instr_words(ir_op_info(op).layout());
template <IrOp op> inline constexpr uint32_t kJumpUnit = jump_unit(op);

// Operand unit `k` of the instruction starting at `ip`. The whole word
// holding it is loaded, so a handler reads two units with one load: loads,
// not ALU work, are what a handler runs short of (measured: 4-13% on the
// kernels against a 32-bit load per unit).
inline uint32_t unit(const uint64_t* ip, uint32_t k) {
  return static_cast<uint32_t>(ip[1 + k / 2] >> (32 * (k & 1)));
}
// Unit k with a load of its own, for a k known only at run time (a
// br_table entry): shifting a word by a variable amount costs more.
inline uint32_t unit_at(const uint64_t* ip, uint32_t k) {
  uint32_t v;
  std::memcpy(&v, reinterpret_cast<const char*>(ip + 1) + 4 * k, 4);
  return v;
}
inline uint64_t unit64(const uint64_t* ip, uint32_t k) {
  uint64_t v;
  std::memcpy(&v, reinterpret_cast<const char*>(ip + 1) + 4 * k, 8);
  return v;
}

// Exception handling: consulted only when an exception is thrown (see
// "Exceptions" in docs/architecture.md). Positions are word indices.
struct CatchClause {
  static constexpr uint32_t kNoSlot = ~0u;
  Tag* tag = nullptr;          // null: catch_all / catch_all_ref
  uint32_t target = 0;         // the landing pad (try_table) or catch body (legacy)
  uint32_t slot = 0;           // first slot of the payload (tag catches)
  uint32_t exn_slot = kNoSlot; // where the exnref goes (catch_ref, legacy catches)
};
struct TryScope {
  uint32_t start = 0, end = 0; // the protected body, [start, end)
  uint32_t first_catch = 0;    // its clauses in Code::catches, in order
  uint32_t num_catches = 0;
  int32_t next = -1; // searched when no clause matches: the enclosing scope, or a
                     // delegate's target; -1: the caller
};

// The translated form of one function (of one instance: memories, tables,
// globals and callees are baked in as pointers).
// The operand-stack slots holding references at the instruction starting at
// word `pos`: stack_map_slots[first, first + count).
struct StackMap {
  uint32_t pos;
  uint32_t first;
  uint32_t count;
};

struct Code : FunctionCode {
  // What a call reads comes first, in one cache line.
  // Instructions. Word 0 of each holds its IrOp until the interpreter links
  // the code, then the handler address (tail dispatch) or stays the IrOp.
  std::vector<uint64_t> words;
  Memory* mem0 = nullptr;   // memory 0 of the instance (never null, see no_memory())
  uint32_t frame_slots = 0; // locals + maximum operand stack height
  // Declared locals that must read as zero: entering the function zeroes
  // slots [zero_first, zero_first + zero_count) (see entry_zero_range()).
  uint32_t zero_first = 0;
  uint32_t zero_count = 0;
  uint32_t num_param_slots = 0;
  uint32_t num_result_slots = 0;
  uint32_t num_local_slots = 0;       // parameters included
  std::vector<uint32_t> instr_starts; // word index of every instruction, in order
  std::vector<IrOp> instr_ops;        // and its op (kept for printing)
  // And the module offset of the wasm instruction it was translated from
  // (trap frames report it, as wasm_frame_func_offset does).
  std::vector<uint32_t> instr_wasm_offsets;
  // The unit each instruction reads from the accumulator, or kNoAccUnit
  // (once linked: the interpreter keeps only those it has a handler for).
  std::vector<uint8_t> instr_acc_units;
  Function* function = nullptr;
  // Try scopes in the order they open (an inner scope after its outer one).
  std::vector<TryScope> try_scopes;
  std::vector<CatchClause> catches;
  // GC roots (see "Garbage collection" in docs/architecture.md): the slots of
  // reference-typed locals, which always hold a reference or null (entry
  // zeroes them), and at every safe point (a call, an allocation, a throw)
  // the operand-stack slots that hold references there, sorted by position.
  std::vector<uint32_t> ref_locals;
  std::vector<StackMap> stack_maps;
  std::vector<uint32_t> stack_map_slots;
  // The reference slots at the safe point whose instruction contains word
  // `pos` - 1 (a caller's return address, or an allocating op's ip + 1),
  // besides ref_locals.
  std::span<const uint32_t> stack_map_at(uint32_t pos) const;
  // The module offset of the wasm instruction whose IR contains word `pos`.
  uint32_t wasm_offset_at(uint32_t pos) const;

  // Before linking: gives instruction i the op `op` (a fused or other
  // variant of the same first op: the layout is unchanged).
  void set_op(size_t i, IrOp op) {
    instr_ops[i] = op;
    words[instr_starts[i]] = static_cast<uint64_t>(op);
  }
  // The word its 'j' unit makes instruction i jump to (its op has_jump).
  uint32_t jump_target(size_t i) const {
    const IrOp op = unfused(instr_ops[i]);
    return instr_starts[i] + static_cast<int32_t>(unit(&words[instr_starts[i]], jump_unit(op)));
  }
};

// The clause of `code` that catches an exception with tag `tag` thrown at
// word `pos` (inside the throwing or calling instruction), or null.
const CatchClause* find_catch(const Code& code, uint32_t pos, const Tag* tag);

// A memory with no bytes, standing in as memory 0 of instances without one.
Memory* no_memory();

// Translates a wasm function's validated body (validating it first when its
// module deferred body validation). Fails (naming the instruction and its
// offset) for invalid bodies and for instructions the interpreter does not
// execute yet.
Result<std::unique_ptr<Code>> translate(Function& fn);

// One instruction per line: "  12: i32.add.imm s3 s1 #5".
std::string print(const Code& code);

} // namespace kite::ir
