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

// 24 bytes a row: the names are C strings, not string_views (the table was
// 56 bytes a row, 32 KB for 575 instructions).
struct OpInfo {
  constexpr OpInfo(const char* name, const char* sig, uint32_t code, uint8_t prefix, ImmKind imm,
                   Feature feature)
      : name_text(name), sig_text(sig), code(code), prefix(prefix), imm(imm), feature(feature),
        sig_size(static_cast<uint8_t>(std::char_traits<char>::length(sig))) {}
  const char* name_text;
  const char* sig_text; // see opcodes.def; empty = typed by hand
  uint32_t code;        // byte (prefix 0) or LEB u32 after the prefix
  uint8_t prefix;       // 0, 0xFB, 0xFC, 0xFD or 0xFE
  ImmKind imm;
  Feature feature;  // the optional feature it belongs to (Core: none)
  uint8_t sig_size; // validation and translation read signatures per instruction: no strlen there
  constexpr std::string_view name() const { return name_text; }
  constexpr std::string_view sig() const { return {sig_text, sig_size}; }
};
static_assert(sizeof(OpInfo) == 24);

namespace detail {
extern const OpInfo kOpInfos[];
// Opcode -> Op, a row of kCodesPerPrefix per prefix (none, 0xFB..0xFE),
// kNoOp where no instruction has the code. Inline lookups: decoding and
// validation consult these at every instruction.
inline constexpr uint32_t kCodesPerPrefix = 512;
inline constexpr uint16_t kNoOp = 0xFFFF;
// The row of a prefix byte, or -1 if no instruction has that prefix.
constexpr int prefix_row(uint8_t prefix) {
  return prefix == 0 ? 0 : prefix >= 0xFB && prefix <= 0xFE ? prefix - 0xFA : -1;
}
extern const std::array<std::array<uint16_t, kCodesPerPrefix>, 5> kOpByCode;
} // namespace detail

inline const OpInfo& op_info(Op op) { return detail::kOpInfos[static_cast<uint16_t>(op)]; }
inline std::string_view op_name(Op op) { return op_info(op).name(); }

// Decoding lookup; nullopt for an unknown opcode.
inline std::optional<Op> op_from_code(uint8_t prefix, uint32_t code) {
  const int row = detail::prefix_row(prefix);
  if (row < 0 || code >= detail::kCodesPerPrefix) return std::nullopt;
  const uint16_t op = detail::kOpByCode[row][code];
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
