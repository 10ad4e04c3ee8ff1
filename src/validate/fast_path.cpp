// The validator's fast path for the common instructions of function bodies
// (run_body in validate.cpp takes it first). A build may leave it out
// (KITE_VALIDATION_FAST_PATH, cmake/features.cmake): it decides nothing.
//
// Most instructions of real code are numeric operators, locals, constants,
// plain loads and stores, calls and simple blocks, with operands of exactly
// the expected number types. fast_run checks those straight from the
// bytes, with no Instr and no Result, and only when it can tell they are
// valid; for anything else (other instructions, reference operands, long
// LEBs, an unreachable stack, any error) it consumes nothing and changes
// nothing, and the general path decodes the instruction and reports. So the
// fast path decides nothing the general path would decide otherwise.

#include <algorithm>
#include <bit>
#include <cstring>

#include "validate/validator.h"

namespace kite::validation {

namespace {

enum class Fast : uint8_t {
  No,
  Unary,  // one operand, one result, no immediate
  Binary, // two operands, one result, no immediate
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
  F64Const,
  Count
};

struct FastOp {
  Fast kind = Fast::No;
  ValKind top{};             // Unary, Binary: the operand on top; Store: the stored value
  ValKind below{};           // Binary: the operand under it
  ValKind result{};          // Unary, Binary, Load
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
      if (info.imm == ImmKind::None && !info.sig().empty() && shape.num_params >= 1 &&
          shape.num_params <= 2 && shape.num_results == 1 &&
          info.sig().find('a') == std::string_view::npos) {
        f.kind = shape.num_params == 1 ? Fast::Unary : Fast::Binary;
        f.top = shape.params[shape.num_params - 1];
        f.below = shape.params[0];
        f.result = shape.results[0];
      } else if (info.imm == ImmKind::MemArg) {
        f.natural_align = static_cast<uint8_t>(__builtin_ctz(memory_access_bytes(*op)));
        const bool load = shape.num_results == 1;
        f.kind = load ? Fast::Load : Fast::Store;
        if (load)
          f.result = shape.results[0];
        else
          f.top = shape.params[1];
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
// else, which the general path then reports. With 8 bytes left, a LEB is
// decoded from one 64-bit load without a loop (LLVM pads relocated call
// targets and addresses to 5 bytes).

// The length of the LEB128 starting in `word` (its bytes in memory order),
// or 0 when it is longer than 8 bytes.
[[gnu::always_inline]] inline int leb_length(uint64_t word) {
  const uint64_t last = ~word & 0x8080808080808080u; // bytes without a continuation bit
  return last ? __builtin_ctzll(last) / 8 + 1 : 0;
}

[[gnu::always_inline]] inline bool load_word(const uint8_t* p, const uint8_t* end, uint64_t& word) {
  if constexpr (std::endian::native != std::endian::little) return false;
  if (end - p < 8) return false;
  std::memcpy(&word, p, 8);
  return true;
}

[[gnu::always_inline]] inline bool fast_u32(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  if (uint64_t w; load_word(p, end, w)) {
    const int n = leb_length(w);
    if (n == 0 || n > 5 || (n == 5 && p[4] > 0x0F)) return false;
    const uint64_t x = w & (~uint64_t{0} >> (64 - 8 * n));
    // Byte i's seven bits move down by i.
    out = static_cast<uint32_t>((x & 0x7F) | (x >> 1 & 0x3F80) | (x >> 2 & 0x1FC000) |
                                (x >> 3 & 0xFE00000) | (x >> 4 & 0xF0000000));
    p += n;
    return true;
  }
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

// The common one-byte case inline, the rest through fast_u32.
[[gnu::always_inline]] inline bool read_u32(const uint8_t*& p, const uint8_t* end, uint32_t& out) {
  if (p < end && *p < 0x80) [[likely]] {
    out = *p++;
    return true;
  }
  return fast_u32(p, end, out);
}

template <int Bits>
[[gnu::always_inline]] inline bool skip_signed_leb(const uint8_t*& p, const uint8_t* end) {
  constexpr int kMax = (Bits + 6) / 7;
  constexpr int kUsed = Bits - 7 * (kMax - 1); // bits of the value in the last byte
  // The last of kMax bytes: the sign bit and the unused bits agree.
  const auto proper_last = [](uint8_t b) {
    const uint8_t rest = b >> (kUsed - 1);
    return !(b & 0x80) && (rest == 0 || rest == (1u << (8 - kUsed)) - 1);
  };
  if (p < end && *p < 0x80) [[likely]] { // one byte: any value fits
    ++p;
    return true;
  }
  if (uint64_t w; load_word(p, end, w)) {
    if (const int n = leb_length(w)) {
      if (n > kMax || (n == kMax && !proper_last(p[n - 1]))) return false;
      p += n;
      return true;
    }
  }
  for (int i = 0; i < kMax && p + i < end; ++i) {
    const uint8_t b = p[i];
    if (i == kMax - 1 && !proper_last(b)) return false;
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

namespace {

// The `ts.size()` entries of the operand stack ending `below` entries under
// its top `sp` (all above `floor`, the current frame's base) have exactly
// the number types `ts`.
[[gnu::always_inline]] inline bool top_matches(const ValType* sp, const ValType* floor,
                                               std::span<const ValType> ts, size_t below = 0) {
  const size_t n = ts.size();
  if (static_cast<size_t>(sp - floor) < n + below) return false;
  const ValType* at = sp - below - n;
  for (size_t i = 0; i < n; ++i) {
    if (!exact_num(ts[i].kind) || at[i].kind != ts[i].kind) return false;
  }
  return true;
}

[[gnu::always_inline]] inline ValType num(ValKind k) { return ValType{k, false, {}}; }

} // namespace

// Walks instructions from `p` while the fast path can take them, and returns
// where it stopped: before the first instruction it leaves to the general
// path, or after the body's final `end`. `last` is the start of the last
// instruction it took. The operand and control stacks are kept in locals
// (`sp`, `top`) in the loop and written back when it stops.
const uint8_t* Validator::fast_run(const uint8_t* p, const uint8_t* const end,
                                   const uint8_t*& last) {
  // Room for any instruction's pushes but a call's with many results.
  constexpr size_t kSlack = 16;
  const std::array<FastOp, 256>& ops = fast_ops();
  stack_.reserve(stack_.size() + kSlack);
  ValType* const base = stack_.data();
  ValType* const limit = base + stack_.capacity();
  ValType* sp = base + stack_.size();
  Frame* top = &frames_.back();
  ValType* floor = base + top->height;
  const bool has_memory = !m_.memories.empty();
  const ValKind mem_addr = has_memory && m_.memories[0].limits.is64 ? ValKind::I64 : ValKind::I32;
  const ValType* const locals = locals_.data();
  const uint8_t* const local_init = local_init_.data();
  const size_t num_locals = locals_.size();
  // Memory 0, no memory index in the flags, alignment at most natural.
  const auto plain_mem_arg = [&](const FastOp& f, const uint8_t*& q) {
    uint32_t offset;
    if (!has_memory || q >= end || *q > f.natural_align) return false;
    ++q;
    return read_u32(q, end, offset);
  };
  // A call's results replace its operands from `args` (a loop: most calls
  // have one result or none, too few for a memmove).
  const auto push_results = [&](ValType* args, const FuncType& ft) {
    if (static_cast<size_t>(limit - args) < ft.results.size()) return false;
    sp = args;
    for (ValType t : ft.results)
      *sp++ = t;
    return true;
  };
  const auto frame_at = [&](uint32_t depth) -> const Frame& {
    return frames_[frames_.size() - 1 - depth];
  };

  // Threaded dispatch: each handler jumps straight to the next
  // instruction's, so each has an indirect branch of its own to predict,
  // rather than all sharing the one of a switch; the opcode byte indexes
  // the handlers' addresses directly.
  static const void* const kHandlers[] = {
      &&on_No,       &&on_Unary,        &&on_Binary,   &&on_Load,      &&on_Store,
      &&on_Nop,      &&on_Unreachable,  &&on_Block,    &&on_Loop,      &&on_If,
      &&on_Else,     &&on_End,          &&on_Br,       &&on_BrIf,      &&on_Return,
      &&on_Call,     &&on_CallIndirect, &&on_BrTable,  &&on_Drop,      &&on_Select,
      &&on_LocalGet, &&on_LocalSet,     &&on_LocalTee, &&on_GlobalGet, &&on_GlobalSet,
      &&on_I32Const, &&on_I64Const,     &&on_F32Const, &&on_F64Const};
  static_assert(std::size(kHandlers) == static_cast<size_t>(Fast::Count));
  static const std::array<const void*, 256> handler_of = [] {
    std::array<const void*, 256> t;
    for (size_t code = 0; code < 256; ++code)
      t[code] = kHandlers[static_cast<size_t>(fast_ops()[code].kind)];
    return t;
  }();
  const FastOp* f; // the instruction's entry in `ops`
  const uint8_t* q;
  const uint8_t* taken = nullptr;
#define KITE_NEXT                                                                                  \
  do {                                                                                             \
    taken = p;                                                                                     \
    p = q;                                                                                         \
    if (p >= end) goto stop;                                                                       \
    f = &ops[*p];                                                                                  \
    q = p + 1;                                                                                     \
    goto* handler_of[*p];                                                                          \
  } while (0)

  if (p >= end) goto stop;
  f = &ops[*p];
  q = p + 1;
  goto* handler_of[*p];
  {
  on_No:
    goto stop;
  on_Unary:
    if (sp == floor || sp[-1].kind != f->top) goto stop;
    sp[-1] = num(f->result);
    KITE_NEXT;
  on_Binary:
    if (sp - floor < 2 || sp[-1].kind != f->top || sp[-2].kind != f->below) goto stop;
    --sp;
    sp[-1] = num(f->result);
    KITE_NEXT;
  on_Load:
    if (!plain_mem_arg(*f, q) || sp == floor || sp[-1].kind != mem_addr) goto stop;
    sp[-1] = num(f->result);
    KITE_NEXT;
  on_Store:
    if (!plain_mem_arg(*f, q) || sp - floor < 2 || sp[-1].kind != f->top ||
        sp[-2].kind != mem_addr) {
      goto stop;
    }
    sp -= 2;
    KITE_NEXT;
  on_Nop:
    KITE_NEXT;
  on_Unreachable:
    sp = floor;
    top->unreachable = true;
    KITE_NEXT;
  on_Block:
  on_Loop:
  on_If: {
    Frame nf{};
    if (q >= end || !simple_block_type(*q, nf.num_results, nf.single)) goto stop;
    ++q;
    if (f->kind == Fast::If) {
      if (sp == floor || sp[-1].kind != ValKind::I32) goto stop;
      --sp;
    }
    nf.op = f->kind == Fast::Block ? Op::Block : f->kind == Fast::Loop ? Op::Loop : Op::If;
    nf.height = static_cast<uint32_t>(sp - base);
    nf.init_height = static_cast<uint32_t>(init_log_.size());
    frames_.push_back(nf);
    top = &frames_.back();
    floor = sp;
    KITE_NEXT;
  }
  on_Else: {
    const size_t n = top->num_results;
    if (top->op != Op::If || top->num_params || static_cast<size_t>(sp - floor) != n ||
        !top_matches(sp, floor, top->result_types())) {
      goto stop;
    }
    sp = floor;
    top->op = Op::Else;
    top->unreachable = false;
    if (init_log_.size() > top->init_height) reset_locals_to(top->init_height);
    KITE_NEXT;
  }
  on_End: {
    // The results stay where they are, as the enclosing frame's operands.
    const size_t n = top->num_results;
    if (static_cast<size_t>(sp - floor) != n || !top_matches(sp, floor, top->result_types()) ||
        (top->op == Op::If && (top->num_params || n))) {
      goto stop;
    }
    if (init_log_.size() > top->init_height) reset_locals_to(top->init_height);
    frames_.pop_back();
    if (frames_.empty()) {
      taken = p;
      p = q;
      goto stop;
    }
    top = &frames_.back();
    floor = base + top->height;
    KITE_NEXT;
  }
  on_Br: {
    uint32_t depth;
    if (!read_u32(q, end, depth) || depth >= frames_.size() ||
        !top_matches(sp, floor, frame_at(depth).label_types())) {
      goto stop;
    }
    sp = floor;
    top->unreachable = true;
    KITE_NEXT;
  }
  on_BrIf: {
    uint32_t depth;
    if (!read_u32(q, end, depth) || depth >= frames_.size() || sp == floor ||
        sp[-1].kind != ValKind::I32 || !top_matches(sp, floor, frame_at(depth).label_types(), 1)) {
      goto stop;
    }
    --sp;
    KITE_NEXT;
  }
  on_Return:
    if (!top_matches(sp, floor, current_->results)) goto stop;
    sp = floor;
    top->unreachable = true;
    KITE_NEXT;
  on_Call: {
    uint32_t fi;
    if (!read_u32(q, end, fi) || fi >= facts_.func_types.size()) goto stop;
    const FuncType& ft = facts_.funcs[facts_.func_types[fi]];
    if (!top_matches(sp, floor, ft.params)) goto stop;
    ValType* const args = sp - ft.params.size();
    if (!push_results(args, ft)) goto stop;
    KITE_NEXT;
  }
  on_CallIndirect: {
    // A funcref table; the operands: the arguments, then the table index.
    uint32_t ti, table;
    if (!read_u32(q, end, ti) || !read_u32(q, end, table) || table >= m_.tables.size() ||
        ti >= m_.types.size() || m_.types[ti].comp.kind != CompositeKind::Func) {
      goto stop;
    }
    const TableType& tt = m_.tables[table].type;
    if (!(tt.elem == ValType::funcref()) || sp == floor ||
        sp[-1].kind != (tt.limits.is64 ? ValKind::I64 : ValKind::I32)) {
      goto stop;
    }
    const FuncType& ft = facts_.funcs[ti];
    if (!top_matches(sp, floor, ft.params, 1)) goto stop;
    ValType* const args = sp - 1 - ft.params.size();
    if (!push_results(args, ft)) goto stop;
    KITE_NEXT;
  }
  on_BrTable: {
    // Every label carries the same number types, found under the index.
    uint32_t n;
    if (!read_u32(q, end, n) || n > static_cast<size_t>(end - q)) goto stop;
    if (sp == floor || sp[-1].kind != ValKind::I32) goto stop;
    size_t arity = 0;
    for (uint32_t i = 0; i <= n; ++i) {
      uint32_t depth;
      if (!read_u32(q, end, depth) || depth >= frames_.size()) goto stop;
      const auto types = frame_at(depth).label_types();
      if ((i > 0 && types.size() != arity) || !top_matches(sp, floor, types, 1)) goto stop;
      arity = types.size();
    }
    sp = floor;
    top->unreachable = true;
    KITE_NEXT;
  }
  on_Drop:
    if (sp == floor) goto stop;
    --sp;
    KITE_NEXT;
  on_Select:
    if (sp - floor < 3 || sp[-1].kind != ValKind::I32 || !exact_num(sp[-2].kind) ||
        sp[-2].kind != sp[-3].kind) {
      goto stop;
    }
    sp -= 2;
    KITE_NEXT;
  on_LocalGet: {
    uint32_t i;
    if (!read_u32(q, end, i) || i >= num_locals || !local_init[i] || sp == limit) goto stop;
    *sp++ = locals[i];
    KITE_NEXT;
  }
  on_LocalSet:
  on_LocalTee: {
    uint32_t i;
    if (!read_u32(q, end, i) || i >= num_locals || !local_init[i]) goto stop;
    const ValKind k = locals[i].kind;
    if (sp == floor || !exact_num(k) || sp[-1].kind != k) goto stop;
    if (f->kind == Fast::LocalSet) --sp;
    KITE_NEXT;
  }
  on_GlobalGet: {
    uint32_t i;
    if (!read_u32(q, end, i) || i >= m_.globals.size() || sp == limit) goto stop;
    *sp++ = canon(m_.globals[i].type.type);
    KITE_NEXT;
  }
  on_GlobalSet: {
    uint32_t i;
    if (!read_u32(q, end, i) || i >= m_.globals.size()) goto stop;
    const GlobalType& g = m_.globals[i].type;
    if (!g.mut || sp == floor || !exact_num(g.type.kind) || sp[-1].kind != g.type.kind) goto stop;
    --sp;
    KITE_NEXT;
  }
  on_I32Const:
    if (!skip_signed_leb<32>(q, end) || sp == limit) goto stop;
    *sp++ = kI32;
    KITE_NEXT;
  on_I64Const:
    if (!skip_signed_leb<64>(q, end) || sp == limit) goto stop;
    *sp++ = kI64;
    KITE_NEXT;
  on_F32Const:
  on_F64Const: {
    const size_t n = f->kind == Fast::F32Const ? 4 : 8;
    if (static_cast<size_t>(end - q) < n || sp == limit) goto stop;
    q += n;
    *sp++ = num(f->kind == Fast::F32Const ? ValKind::F32 : ValKind::F64);
    KITE_NEXT;
  }
  }
#undef KITE_NEXT
stop:
  if (taken) last = taken;
  stack_.set_size(static_cast<size_t>(sp - base));
  return p;
}

} // namespace kite::validation
