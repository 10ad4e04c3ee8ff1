// The validator's hot loop (run_body) and its fast path for the common
// instructions of function bodies.
//
// Most instructions of real code are numeric operators, locals, constants,
// plain loads and stores, calls and simple blocks, with operands of exactly
// the expected number types. fast_instruction checks those straight from
// the bytes, with no Instr and no Result, and only when it can tell they are
// valid; for anything else (other instructions, reference operands, long
// LEBs, an unreachable stack, any error) it consumes nothing and changes
// nothing, and the general path decodes the instruction and reports. So the
// fast path decides nothing the general path would decide otherwise.

#include <algorithm>

#include "validate/validator.h"

namespace kite::validation {

namespace {

enum class Fast : uint8_t {
  No,
  Plain,
  Load,
  Store,
  Nop,
  Unreachable,
  Block,
  Loop,
  If,
  Else,
  End,
  Br,
  BrIf,
  Return,
  Call,
  CallIndirect,
  BrTable,
  Drop,
  Select,
  LocalGet,
  LocalSet,
  LocalTee,
  GlobalGet,
  GlobalSet,
  I32Const,
  I64Const,
  F32Const,
  F64Const
};

struct FastOp {
  Fast kind = Fast::No;
  uint8_t num_params = 0; // Plain: operands, last on top
  std::array<ValKind, 2> params{};
  bool has_result = false;   // Plain, Load
  ValKind result{};          // Plain, Load; Store: the stored value's type
  uint8_t natural_align = 0; // Load, Store: log2 of the access size
};

// One-byte opcodes -> what the fast path does with them, from opcodes.def.
const std::array<FastOp, 256>& fast_ops() {
  static const auto* const table = [] {
    auto* t = new std::array<FastOp, 256>();
    for (uint32_t code = 0; code < 256; ++code) {
      const auto op = op_from_code(0, code);
      if (!op || code >= 0xFB) continue;
      FastOp& f = (*t)[code];
      const OpInfo& info = op_info(*op);
      const SigShape& shape = sig_shape(*op);
      if (info.imm == ImmKind::None && !info.sig.empty() && shape.num_params <= 2 &&
          shape.num_results <= 1 && info.sig.find('a') == std::string_view::npos) {
        f.kind = Fast::Plain;
        f.num_params = shape.num_params;
        std::copy_n(shape.params.begin(), shape.num_params, f.params.begin());
        f.has_result = shape.num_results == 1;
        f.result = shape.results[0];
      } else if (info.imm == ImmKind::MemArg) {
        f.natural_align = static_cast<uint8_t>(__builtin_ctz(memory_access_bytes(*op)));
        f.has_result = shape.num_results == 1;
        f.kind = f.has_result ? Fast::Load : Fast::Store;
        f.result = f.has_result ? shape.results[0] : shape.params[1];
      }
    }
    const std::pair<Op, Fast> special[] = {
        {Op::Nop, Fast::Nop},
        {Op::Unreachable, Fast::Unreachable},
        {Op::Block, Fast::Block},
        {Op::Loop, Fast::Loop},
        {Op::If, Fast::If},
        {Op::Else, Fast::Else},
        {Op::End, Fast::End},
        {Op::Br, Fast::Br},
        {Op::BrIf, Fast::BrIf},
        {Op::Return, Fast::Return},
        {Op::Call, Fast::Call},
        {Op::Drop, Fast::Drop},
        {Op::CallIndirect, Fast::CallIndirect},
        {Op::BrTable, Fast::BrTable},
        {Op::Select, Fast::Select},
        {Op::LocalGet, Fast::LocalGet},
        {Op::LocalSet, Fast::LocalSet},
        {Op::LocalTee, Fast::LocalTee},
        {Op::GlobalGet, Fast::GlobalGet},
        {Op::GlobalSet, Fast::GlobalSet},
        {Op::I32Const, Fast::I32Const},
        {Op::I64Const, Fast::I64Const},
        {Op::F32Const, Fast::F32Const},
        {Op::F64Const, Fast::F64Const},
    };
    for (auto [op, kind] : special)
      (*t)[op_info(op).code].kind = kind;
    return t;
  }();
  return *table;
}

// LEB128 integers as the general path's Reader reads them, for the values
// it accepts (an unsigned 32-bit one is at most 5 bytes, the last below
// 0x10; a signed one ends in a proper sign extension); false for anything
// else, which the general path then reports.
[[gnu::always_inline]] inline bool fast_u32(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  uint32_t v = 0;
  for (int i = 0; i < 5 && p + i < end; ++i) {
    const uint8_t b = p[i];
    if (i == 4 && b > 0x0F) return false;
    v |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
    if (b < 0x80) {
      p += i + 1;
      out = v;
      return true;
    }
  }
  return false;
}

template <int Bits>
[[gnu::always_inline]] inline bool skip_signed_leb(const uint8_t*& p, const uint8_t* end) {
  constexpr int kMax = (Bits + 6) / 7;
  constexpr int kUsed = Bits - 7 * (kMax - 1); // bits of the value in the last byte
  for (int i = 0; i < kMax && p + i < end; ++i) {
    const uint8_t b = p[i];
    if (i == kMax - 1) {
      const uint8_t rest = b >> (kUsed - 1); // the sign bit and the unused bits
      if (b & 0x80 || (rest != 0 && rest != (1u << (8 - kUsed)) - 1)) return false;
    }
    if (b < 0x80) {
      p += i + 1;
      return true;
    }
  }
  return false;
}

// A one-byte block type: empty, or a number or vector type. False for
// reference types and type indices.
[[gnu::always_inline]] inline bool simple_block_type(uint8_t byte, uint32_t& results,
                                                     ValType& single) {
  results = 0;
  switch (byte) {
  case 0x40: return true;
  case 0x7F: single = kI32; break;
  case 0x7E: single = kI64; break;
  case 0x7D: single = ValType::f32(); break;
  case 0x7C: single = ValType::f64(); break;
  case 0x7B: single = ValType::v128(); break;
  default: return false;
  }
  results = 1;
  return true;
}

bool exact_num(ValKind k) { return k != ValKind::Ref && k != ValKind::Bot; }

} // namespace

// A constant expression that is one number constant of the expected type
// (`i32.const N end`, as a segment's offset usually is: a Go module has a
// hundred thousand data segments).
bool Validator::fast_const(ConstExpr e, ValType expected) const {
  const uint8_t* p = m_.data_at(e);
  const uint8_t* const end = p + e.size;
  if (e.size < 3 || !(expected == kI32 || expected == kI64)) return false;
  const bool i32 = expected == kI32;
  if (*p++ != (i32 ? 0x41 : 0x42)) return false;
  if (!(i32 ? skip_signed_leb<32>(p, end) : skip_signed_leb<64>(p, end))) return false;
  return end - p == 1 && *p == 0x0B;
}

// The operand stack holds, `below` entries under its top, exactly the
// number types `ts` (all inside the current frame).
bool Validator::top_matches(std::span<const ValType> ts, size_t below) const {
  const size_t n = ts.size() + below;
  if (stack_.size() - frames_.back().height < n) return false;
  const ValType* base = stack_.data() + stack_.size() - n;
  for (size_t i = 0; i < ts.size(); ++i) {
    if (!exact_num(ts[i].kind) || base[i].kind != ts[i].kind) return false;
  }
  return true;
}

bool Validator::fast_instruction(const uint8_t*& p, const uint8_t* end) {
  if (p >= end) return false;
  const FastOp& f = fast_ops()[*p];
  const uint8_t* q = p + 1;
  Frame& top = frames_.back();
  const size_t avail = stack_.size() - top.height;
  switch (f.kind) {
  case Fast::No: return false;
  case Fast::Plain: {
    if (avail < f.num_params) return false;
    ValType* sp = stack_.data() + stack_.size();
    if (f.num_params == 2 && (sp[-1].kind != f.params[1] || sp[-2].kind != f.params[0]))
      return false;
    if (f.num_params == 1 && sp[-1].kind != f.params[0]) return false;
    stack_.resize(stack_.size() - f.num_params);
    if (f.has_result) push(ValType{f.result, false, {}});
    break;
  }
  case Fast::Load:
  case Fast::Store: {
    // Memory 0, no memory index in the flags, alignment at most natural.
    if (m_.memories.empty() || q >= end || *q > f.natural_align) return false;
    ++q;
    uint32_t offset;
    if (!fast_u32(q, end, offset)) return false;
    const ValKind addr = m_.memories[0].limits.is64 ? ValKind::I64 : ValKind::I32;
    const ValType* sp = stack_.data() + stack_.size();
    if (f.kind == Fast::Load) {
      if (avail < 1 || sp[-1].kind != addr) return false;
      stack_.back() = ValType{f.result, false, {}};
    } else {
      if (avail < 2 || sp[-1].kind != f.result || sp[-2].kind != addr) return false;
      stack_.resize(stack_.size() - 2);
    }
    break;
  }
  case Fast::Nop: break;
  case Fast::Unreachable: set_unreachable(); break;
  case Fast::Block:
  case Fast::Loop:
  case Fast::If: {
    Frame nf{};
    if (q >= end || !simple_block_type(*q, nf.num_results, nf.single)) return false;
    ++q;
    if (f.kind == Fast::If) {
      if (avail < 1 || stack_.back().kind != ValKind::I32) return false;
      stack_.pop_back();
    }
    nf.op = f.kind == Fast::Block ? Op::Block : f.kind == Fast::Loop ? Op::Loop : Op::If;
    nf.height = static_cast<uint32_t>(stack_.size());
    nf.init_height = static_cast<uint32_t>(init_log_.size());
    frames_.push_back(nf);
    break;
  }
  case Fast::Else: {
    if (top.op != Op::If || avail != top.num_results || !top_matches(top.result_types()))
      return false;
    stack_.resize(top.height);
    top.op = Op::Else;
    top.unreachable = false;
    reset_locals_to(top.init_height);
    push_all(top.param_types());
    break;
  }
  case Fast::End: {
    // The results stay where they are, as the enclosing frame's operands.
    if (avail != top.num_results || !top_matches(top.result_types())) return false;
    if (top.op == Op::If && (top.num_params || top.num_results)) return false;
    reset_locals_to(top.init_height);
    frames_.pop_back();
    break;
  }
  case Fast::Br:
  case Fast::BrIf: {
    uint32_t depth;
    if (!fast_u32(q, end, depth) || depth >= frames_.size()) return false;
    const auto types = frames_[frames_.size() - 1 - depth].label_types();
    if (f.kind == Fast::Br) {
      if (!top_matches(types)) return false;
      set_unreachable();
    } else {
      if (avail < 1 || stack_.back().kind != ValKind::I32 || !top_matches(types, 1)) return false;
      stack_.pop_back();
    }
    break;
  }
  case Fast::Return:
    if (!top_matches(current_->results)) return false;
    set_unreachable();
    break;
  case Fast::Call: {
    uint32_t fi;
    if (!fast_u32(q, end, fi) || fi >= m_.functions.size()) return false;
    const FuncType& ft = facts_.funcs[m_.functions[fi].type_index];
    if (!top_matches(ft.params)) return false;
    stack_.resize(stack_.size() - ft.params.size());
    push_all(ft.results);
    break;
  }
  case Fast::CallIndirect: {
    // A funcref table; the operands: the arguments, then the table index.
    uint32_t ti, table;
    if (!fast_u32(q, end, ti) || !fast_u32(q, end, table) || table >= m_.tables.size() ||
        ti >= m_.types.size() || m_.types[ti].comp.kind != CompositeKind::Func) {
      return false;
    }
    const TableType& tt = m_.tables[table].type;
    if (!(tt.elem == ValType::funcref()) || avail < 1 ||
        stack_.back().kind != (tt.limits.is64 ? ValKind::I64 : ValKind::I32)) {
      return false;
    }
    const FuncType& ft = facts_.funcs[ti];
    if (!top_matches(ft.params, 1)) return false;
    stack_.resize(stack_.size() - 1 - ft.params.size());
    push_all(ft.results);
    break;
  }
  case Fast::BrTable: {
    // Every label carries the same number types, found under the index.
    uint32_t n;
    if (!fast_u32(q, end, n) || n > static_cast<size_t>(end - q)) return false;
    if (avail < 1 || stack_.back().kind != ValKind::I32) return false;
    size_t arity = 0;
    for (uint32_t i = 0; i <= n; ++i) {
      uint32_t depth;
      if (!fast_u32(q, end, depth) || depth >= frames_.size()) return false;
      const auto types = frames_[frames_.size() - 1 - depth].label_types();
      if ((i > 0 && types.size() != arity) || !top_matches(types, 1)) return false;
      arity = types.size();
    }
    set_unreachable();
    break;
  }
  case Fast::Drop:
    if (avail < 1) return false;
    stack_.pop_back();
    break;
  case Fast::Select: {
    if (avail < 3) return false;
    const ValType* sp = stack_.data() + stack_.size();
    if (sp[-1].kind != ValKind::I32 || !exact_num(sp[-2].kind) || sp[-2].kind != sp[-3].kind)
      return false;
    stack_.resize(stack_.size() - 2);
    break;
  }
  case Fast::LocalGet: {
    uint32_t i;
    if (!fast_u32(q, end, i) || i >= locals_.size() || !local_init_[i]) return false;
    push(locals_[i]);
    break;
  }
  case Fast::LocalSet:
  case Fast::LocalTee: {
    uint32_t i;
    if (!fast_u32(q, end, i) || i >= locals_.size() || !local_init_[i]) return false;
    const ValKind k = locals_[i].kind;
    if (avail < 1 || !exact_num(k) || stack_.back().kind != k) return false;
    if (f.kind == Fast::LocalSet) stack_.pop_back();
    break;
  }
  case Fast::GlobalGet: {
    uint32_t i;
    if (!fast_u32(q, end, i) || i >= m_.globals.size()) return false;
    push(canon(m_.globals[i].type.type));
    break;
  }
  case Fast::GlobalSet: {
    uint32_t i;
    if (!fast_u32(q, end, i) || i >= m_.globals.size()) return false;
    const GlobalType& g = m_.globals[i].type;
    if (!g.mut || avail < 1 || !exact_num(g.type.kind) || stack_.back().kind != g.type.kind)
      return false;
    stack_.pop_back();
    break;
  }
  case Fast::I32Const:
    if (!skip_signed_leb<32>(q, end)) return false;
    push(kI32);
    break;
  case Fast::I64Const:
    if (!skip_signed_leb<64>(q, end)) return false;
    push(kI64);
    break;
  case Fast::F32Const:
  case Fast::F64Const: {
    const size_t n = f.kind == Fast::F32Const ? 4 : 8;
    if (static_cast<size_t>(end - q) < n) return false;
    q += n;
    push(ValType{f.kind == Fast::F32Const ? ValKind::F32 : ValKind::F64, false, {}});
    break;
  }
  }
  p = q;
  return true;
}

Status Validator::run_body(InstrReader& in, uint64_t body_end) {
  Reader& r = in.raw();
  while (!frames_.empty()) {
    if (!const_mode_) {
      // The fast path takes what it can; the rest (and every error) goes
      // through InstrReader and instruction() below.
      const uint8_t* const start = r.cursor();
      const uint8_t* const end = start + r.remaining();
      const uint8_t* p = start;
      const uint8_t* last = nullptr;
      for (const uint8_t* at = p; fast_instruction(p, end); at = p) {
        last = at;
        if (frames_.empty()) break;
      }
      if (last) {
        // Where the walk is, for in_function's message.
        in_.offset = r.offset() + static_cast<uint64_t>(last - start);
        in_.op = *op_from_code(0, *last);
      }
      r.skip(static_cast<size_t>(p - start));
      if (frames_.empty()) break;
    }
    if (in.at_end()) return missing_end(in.offset());
    KITE_TRY(in.next(in_));
    if (const_mode_) KITE_TRY(check_const_instr());
    KITE_TRY(instruction());
  }
  if (in.offset() != body_end) return error_at(in.offset(), "section size mismatch");
  return {};
}

} // namespace kite::validation
