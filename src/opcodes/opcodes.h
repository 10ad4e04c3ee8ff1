// Instruction identities and static facts, generated from opcodes.def.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "support/features.h"

namespace kite {

enum class Op : uint16_t {
#define KITE_OP(Name, Prefix, Code, Text, Imm, Sig, Feature) Name,
#include "opcodes/opcodes.def"
#undef KITE_OP
};

inline constexpr uint32_t kNumOps = 0
#define KITE_OP(Name, Prefix, Code, Text, Imm, Sig, Feature) +1
#include "opcodes/opcodes.def"
#undef KITE_OP
    ;

// The layout of an instruction's immediates in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,    // block, loop, if, try
  Label,        // br, br_if, br_on_null, br_on_non_null, rethrow, delegate
  LabelTable,   // br_table
  Func,         // call, return_call, ref.func
  CallIndirect, // typeidx tableidx
  Type,         // typeidx
  Local,
  Global,
  Table,
  TableTable, // table.copy dst src
  ElemTable,  // table.init elem table
  Elem,
  Data,
  DataMem, // memory.init data mem
  Mem,
  MemMem,     // memory.copy dst src
  MemArg,     // align (with memory-index flag bit 6), [mem], offset
  MemArgLane, // memarg, lane
  I32,
  I64,
  F32,
  F64,
  V128,
  Shuffle, // 16 lane indices
  Lane,
  HeapType,  // ref.null, ref.test, ref.cast
  SelectT,   // vec(valtype)
  TypeField, // typeidx fieldidx
  TypeType,  // array.copy dst src
  TypeData,  // typeidx dataidx
  TypeElem,  // typeidx elemidx
  TypeLen,   // array.new_fixed typeidx n
  BrOnCast,  // flags label ht1 ht2
  Tag,
  TryTable,    // blocktype vec(catch)
  AtomicFence, // a zero byte
};

// How many index immediates (LEB u32, decoded into Instr::a then Instr::b)
// a layout consists of: 1 or 2 for the index-only layouts, else 0.
constexpr uint32_t index_immediates(ImmKind k) {
  switch (k) {
  case ImmKind::Label:
  case ImmKind::Func:
  case ImmKind::Type:
  case ImmKind::Local:
  case ImmKind::Global:
  case ImmKind::Table:
  case ImmKind::Elem:
  case ImmKind::Data:
  case ImmKind::Tag:
  case ImmKind::Mem: return 1;
  case ImmKind::CallIndirect:
  case ImmKind::TableTable:
  case ImmKind::ElemTable:
  case ImmKind::DataMem:
  case ImmKind::MemMem:
  case ImmKind::TypeField:
  case ImmKind::TypeType:
  case ImmKind::TypeData:
  case ImmKind::TypeElem:
  case ImmKind::TypeLen: return 2;
  default: return 0;
  }
}

namespace detail {
// Every instruction's name and signature, NUL-terminated, one after another;
// a row holds offsets into it (opcodes.cpp).
const char* op_text(uint16_t at);
} // namespace detail

// 10 bytes a row: names and signatures are offsets into one block of text,
// not pointers (the table was 56 bytes a row, 32 KB for 575 instructions, then
// 24 with C string pointers).
struct OpInfo {
  uint16_t name_at;
  uint16_t sig_at; // see opcodes.def; 0 = the empty signature: typed by hand
  uint16_t code;   // byte (prefix 0) or LEB u32 after the prefix
  uint8_t prefix;  // 0, 0xFB, 0xFC, 0xFD or 0xFE
  ImmKind imm;
  Feature feature; // the optional feature it belongs to (Core: none)
  const char* name_text() const { return detail::op_text(name_at); }
  std::string_view name() const { return name_text(); }
  bool has_sig() const { return sig_at != 0; }
  std::string_view sig() const { return detail::op_text(sig_at); }
};

namespace detail {
extern const OpInfo kOpInfos[];
// Opcode -> Op, one row per prefix (none, 0xFB..0xFE) as long as the
// prefix's largest code, kNoOp where no instruction has the code. Inline
// lookups: decoding and validation consult these at every instruction.
inline constexpr uint16_t kNoOp = 0xFFFF;
// The row of a prefix byte, or -1 if no instruction has that prefix.
constexpr int prefix_row(uint8_t prefix) {
  return prefix == 0 ? 0 : prefix >= 0xFB && prefix <= 0xFE ? prefix - 0xFA : -1;
}
struct OpCodeRow {
  uint16_t start; // into kOpByCode
  uint16_t size;
};
inline constexpr std::array<OpCodeRow, 5> kOpCodeRows = [] {
  struct Code {
    uint8_t prefix;
    uint16_t code;
  };
  constexpr Code kCodes[] = {
#define KITE_OP(Name, Prefix, Code, Text, Imm, Sig, Feature) {Prefix, Code},
#include "opcodes/opcodes.def"
#undef KITE_OP
  };
  std::array<OpCodeRow, 5> rows{};
  for (const Code& c : kCodes) {
    OpCodeRow& row = rows[prefix_row(c.prefix)];
    if (c.code >= row.size) row.size = static_cast<uint16_t>(c.code + 1);
  }
  for (size_t r = 1; r < rows.size(); ++r)
    rows[r].start = static_cast<uint16_t>(rows[r - 1].start + rows[r - 1].size);
  return rows;
}();
inline constexpr size_t kOpByCodeSize = kOpCodeRows[4].start + kOpCodeRows[4].size;
extern const std::array<uint16_t, kOpByCodeSize> kOpByCode;
} // namespace detail

inline const OpInfo& op_info(Op op) { return detail::kOpInfos[static_cast<uint16_t>(op)]; }
inline std::string_view op_name(Op op) { return op_info(op).name(); }

// Decoding lookup; nullopt for an unknown opcode.
inline std::optional<Op> op_from_code(uint8_t prefix, uint32_t code) {
  const int row = detail::prefix_row(prefix);
  if (row < 0 || code >= detail::kOpCodeRows[row].size) return std::nullopt;
  const uint16_t op = detail::kOpByCode[detail::kOpCodeRows[row].start + code];
  if (op == detail::kNoOp) return std::nullopt;
  return static_cast<Op>(op);
}

// Text lookup. Some mnemonics map to several opcodes (select, ref.test,
// ref.cast); this returns the first, and the text parser picks the variant.
std::optional<Op> op_from_name(std::string_view name);

// Bytes accessed by a memory instruction (its natural alignment is the log2
// of this); 0 for an instruction that takes no memarg.
uint32_t memory_access_bytes(Op op);

// True for instructions whose MemArg must be exactly naturally aligned
// (atomics) rather than at most naturally aligned.
bool is_atomic_op(Op op);

} // namespace kite
