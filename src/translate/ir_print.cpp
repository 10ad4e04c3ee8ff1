// IR metadata and the text rendering used by `kite inspect --ir`.
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gc/layout.h"
#include "translate/ir.h"

namespace kite::ir {

namespace {

// Every fused op of ir_fusions.def under the key (a, b, forwarded unit or
// none), sorted at compile time: the translator looks up every adjacent pair
// it emits, and a chain of 1,700 comparisons per lookup showed in
// translation time.
constexpr uint64_t fusion_key(IrOp a, IrOp b, uint32_t k) {
  return uint64_t{static_cast<uint16_t>(a)} << 48 | uint64_t{static_cast<uint16_t>(b)} << 32 | k;
}
struct Fusion {
  uint64_t key;
  IrOp op;
  constexpr bool operator<(const Fusion& other) const { return key < other.key; }
};
constexpr auto kFusions = [] {
  std::array<Fusion, kNumFusedIrOps> table = {
#define KITE_FUSE(A, B) Fusion{fusion_key(IrOp::A, IrOp::B, ~0u), IrOp::A##_##B},
#define KITE_FUSE_FWD(A, B, k) Fusion{fusion_key(IrOp::A, IrOp::B, k), IrOp::A##_##B##_##k},
#include "translate/ir_fusions.def"
  };
  std::sort(table.begin(), table.end());
  return table;
}();
// Where each first op's rows start in a sorted table (and, at a + 1, end):
// a search then looks at a few rows, and none for an op that starts no pair.
template <size_t N> constexpr auto rows_by_first_op(const std::array<Fusion, N>& table) {
  std::array<uint16_t, kNumBaseIrOps + 1> first{};
  static_assert(N < 0x10000);
  size_t row = 0;
  for (size_t a = 0; a <= kNumBaseIrOps; ++a) {
    while (row < N && (table[row].key >> 48) < a)
      ++row;
    first[a] = static_cast<uint16_t>(row);
  }
  return first;
}
// The op under `key` in a sorted table, or `none`.
template <size_t N>
IrOp find(const std::array<Fusion, N>& table, const std::array<uint16_t, kNumBaseIrOps + 1>& first,
          uint64_t key, IrOp none) {
  const size_t a = key >> 48;
  auto from = table.begin(), to = table.end();
  if (a < kNumBaseIrOps) from = table.begin() + first[a], to = table.begin() + first[a + 1];
  auto it = std::lower_bound(from, to, Fusion{key, IrOp{}});
  return it != to && it->key == key ? it->op : none;
}
constexpr auto kFusionRows = rows_by_first_op(kFusions);
// The same for the KITE_FUSE_PREV rows, under (a, b, k << 8 | j).
constexpr auto kPrevious = [] {
  std::array<Fusion, kNumPrevIrOps> table = {
#define KITE_FUSE_PREV(A, B, k, j)                                                                 \
  Fusion{fusion_key(IrOp::A, IrOp::B, k << 8 | j), IrOp::A##_##B##_##k##_Prev##j},
#include "translate/ir_fusions.def"
  };
  std::sort(table.begin(), table.end());
  return table;
}();
constexpr auto kPreviousRows = rows_by_first_op(kPrevious);

} // namespace

// The KITE_FUSE_KEEP rows, under (a, b, k).
constexpr auto kKeeping = [] {
  std::array<Fusion, kNumKeepIrOps> table = {
#define KITE_FUSE_KEEP(A, B, k) Fusion{fusion_key(IrOp::A, IrOp::B, k), IrOp::A##_##B##_##k##_Keep},
#include "translate/ir_fusions.def"
  };
  std::sort(table.begin(), table.end());
  return table;
}();
constexpr auto kKeepingRows = rows_by_first_op(kKeeping);

IrOp fused_pair(IrOp a, IrOp b) { return find(kFusions, kFusionRows, fusion_key(a, b, ~0u), a); }
IrOp fused_previous(IrOp a, IrOp b, uint32_t k, uint32_t j) {
  return find(kPrevious, kPreviousRows, fusion_key(a, b, k << 8 | j), a);
}
IrOp fused_forward(IrOp a, IrOp b, uint32_t k) {
  return find(kFusions, kFusionRows, fusion_key(a, b, k), a);
}
IrOp fused_keeping(IrOp a, IrOp b, uint32_t k) {
  return find(kKeeping, kKeepingRows, fusion_key(a, b, k), a);
}
IrOp fused_loop(const LoopBody& body) {
  // A few rows, looked up only at loop heads: a scan will do.
  for (size_t i = 0; i < kNumLoopIrOps; ++i)
    if (kLoopBodies[i] == body) return static_cast<IrOp>(kNumIrOps - kNumLoopIrOps + i);
  return kNoIrOp;
}
IrOp unstored(IrOp fwd) {
  static constexpr auto kUnstored = [] {
    std::array<IrOp, kNumFusedIrOps> table{};
    [[maybe_unused]] size_t n = 0; // no rows without KITE_FUSIONS
#define KITE_FUSE(A, B) table[n++] = IrOp::A##_##B;
#define KITE_FUSE_FWD(A, B, k) table[n++] = IrOp::A##_##B##_##k##_Unstored;
#include "translate/ir_fusions.def"
    return table;
  }();
  return kUnstored[static_cast<size_t>(fwd) - kNumBaseIrOps];
}

namespace {

// How a fused pair's first instruction is run with the next one.
const char* fusion_note(IrOp pair) {
  const IrOpFacts& info = ir_op_facts(pair);
  return info.previous_unit != 0xFF
             ? "fused with the next, result and the accumulator before it passed in registers"
         : info.keeps    ? "fused with the next, result passed in a register only, accumulator kept"
         : info.unstored ? "fused with the next, result passed in a register only"
         : info.forwards ? "fused with the next, result passed in a register"
                         : "fused with the next";
}

// GC ops whose pointer operand is a gc::TypeLayout.
bool has_type_layout(IrOp op) {
  switch (op) {
#if KITE_GC // ir_gc.def
  case IrOp::StructNew:
  case IrOp::StructNewDefault:
  case IrOp::ArrayNew:
  case IrOp::ArrayNewDefault:
  case IrOp::ArrayNewFixed:
  case IrOp::ArrayNewData:
  case IrOp::ArrayNewElem:
  case IrOp::ArrayFill:
  case IrOp::ArrayInitData: return true;
#endif
  default: return false;
  }
}

} // namespace

std::string print(const Code& code) {
  std::string out;
  char buf[64];
  std::snprintf(buf, sizeof buf, "; params %u, locals %u, frame %u slots\n", code.num_param_slots,
                code.num_local_slots, code.frame_slots);
  out += buf;
  if (!code.ref_locals.empty()) {
    out += "; reference locals (GC roots):";
    for (uint32_t slot : code.ref_locals)
      out += " s" + std::to_string(slot);
    out += '\n';
  }
  for (size_t i = 0; i < code.instr_starts.size(); ++i) {
    uint32_t start = code.instr_starts[i];
    const uint64_t* ip = &code.words[start];
    IrOp op = code.instr_ops[i];
    const IrOpFacts& info = ir_op_facts(unfused(op));
    std::snprintf(buf, sizeof buf, "%5u: %s", start, ir_op_name(unfused(op)));
    out += buf;
    uint32_t k = 0;
    for (char c : info.layout()) {
      switch (c) {
      case 'd':
      case 's': std::snprintf(buf, sizeof buf, " s%u", unit(ip, k++)); break;
      case 'i': // signed when that reads better (addends like -8)
        std::snprintf(buf, sizeof buf, " #%d", static_cast<int32_t>(unit(ip, k++)));
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, " ->%d",
                      static_cast<int32_t>(start) + static_cast<int32_t>(unit(ip, k++)));
        break;
      case 'L':
        std::snprintf(buf, sizeof buf, " #%llu", static_cast<unsigned long long>(unit64(ip, k)));
        k += 2;
        break;
      case 'p':
        if (has_type_layout(unfused(op))) { // a struct or array type, by canonical id
          std::snprintf(buf, sizeof buf, " type#%u",
                        reinterpret_cast<const gc::TypeLayout*>(unit64(ip, k))->type_id);
        } else {
          std::snprintf(buf, sizeof buf, " @%llx", static_cast<unsigned long long>(unit64(ip, k)));
        }
        k += 2;
        break;
      case 'n': {
        uint32_t n = unit(ip, k++);
        std::string targets = " [";
        for (uint32_t t = 0; t <= n; ++t) {
          std::snprintf(buf, sizeof buf, "%s->%d", t ? " " : "",
                        static_cast<int32_t>(start) + static_cast<int32_t>(unit(ip, k)));
          k += kTableEntryUnits;
          targets += buf;
        }
        targets += "]";
        out += targets;
        buf[0] = 0;
        break;
      }
      }
      out += buf;
    }
    std::string notes;
    if (uint8_t k = code.instr_acc_units[i]; k != kNoAccUnit) {
      std::snprintf(buf, sizeof buf, "; s%u from the accumulator", unit(ip, k));
      notes += buf;
    }
    auto add_note = [&notes](const char* note) {
      notes += notes.empty() ? "; " : ", ";
      notes += note;
    };
    if (loop_head(op) != unfused(op)) add_note(fusion_note(loop_head(op)));
    if (is_loop(op) && loop_body(op).via_jump) {
      add_note("a loop in one handler with the one it jumps to");
    } else if (is_loop(op)) {
      // A loop's other instructions: one to 2 * kMaxLoopHandlers - 1.
      static constexpr const char* kNext[] = {
          "one",     "two",     "three",     "four",     "five",    "six",      "seven",
          "eight",   "nine",    "ten",       "eleven",   "twelve",  "thirteen", "fourteen",
          "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
      static_assert(std::size(kNext) == 2 * kMaxLoopHandlers - 1);
      std::snprintf(buf, sizeof buf, "a loop in one handler with the next %s",
                    kNext[fused_span(op) - 2]);
      add_note(buf);
    }
    if (auto roots = code.stack_map_at(start + 1); !roots.empty()) {
      std::string list = "GC roots";
      for (uint32_t slot : roots)
        list += " s" + std::to_string(slot);
      add_note(list.c_str());
    }
    if (!notes.empty()) out += "  " + notes;
    out += '\n';
  }
  return out;
}

} // namespace kite::ir
