// Decodes one instruction at a time from a function body or constant
// expression, driven by the immediate layouts of opcodes.def. Shared by the
// validator, the translator, the const-expression evaluator and the printer.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "binary/reader.h"
#include "model/types.h"
#include "opcodes/opcodes.h"

namespace kite {

struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index } kind = Kind::Empty;
  ValType value{};    // Kind::Value
  uint32_t index = 0; // Kind::Index: a function type
};

struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t memory = 0;
  uint64_t offset = 0;
};

struct CatchClause {
  enum class Kind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 } kind;
  uint32_t tag = 0; // Catch, CatchRef
  uint32_t label = 0;
};

// One decoded instruction. Fields are meaningful according to the op's ImmKind;
// vectors are reused across reads to avoid allocation.
struct Instr {
  Op op = Op::Nop;
  uint64_t offset = 0; // absolute byte offset of the opcode

  // Generic index immediates, in encoding order:
  //  Label/Func/Type/Local/Global/Table/Elem/Data/Mem/Tag: a
  //  CallIndirect: a=type b=table; TableTable/MemMem: a=dst b=src
  //  ElemTable: a=elem b=table; DataMem: a=data b=mem
  //  TypeField: a=type b=field; TypeType: a=dst b=src; TypeData/TypeElem: a=type b=seg
  //  TypeLen: a=type b=length; BrOnCast: a=label; Lane/MemArgLane: lane
  uint32_t a = 0;
  uint32_t b = 0;
  uint8_t lane = 0;

  int32_t i32 = 0;                // I32
  int64_t i64 = 0;                // I64
  uint32_t f32 = 0;               // F32 (bits)
  uint64_t f64 = 0;               // F64 (bits)
  std::array<uint8_t, 16> v128{}; // V128, Shuffle

  MemArg mem;
  BlockType block;
  HeapType heap{}; // HeapType
  // BrOnCast: source and target ref types (flags bit0/bit1 = nullability).
  ValType cast_from{};
  ValType cast_to{};

  std::vector<uint32_t> labels;      // LabelTable: targets, then the default last
  std::vector<ValType> select_types; // SelectT
  std::vector<CatchClause> catches;  // TryTable
};

class InstrReader {
public:
  // `data` covers the instructions; `base` is its absolute offset in the file.
  InstrReader(const uint8_t* data, size_t size, uint64_t base) : r_(data, size, base) {
    r_.set_end_message("unexpected end of section or function");
  }

  bool at_end() const { return r_.at_end(); }
  uint64_t offset() const { return r_.offset(); }
  Status next(Instr& out);
  // Reads the next instruction's opcode and skips its immediates without
  // decoding them where a table says how (LEBs, fixed bytes, a block type:
  // most one-byte opcodes); others are read by next(). For a scan that
  // needs only the block structure of a body that validated.
  Status next_op(Op& op);
  Reader& raw() { return r_; }

private:
  Reader r_;
};

} // namespace kite
