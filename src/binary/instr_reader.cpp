#include "binary/instr_reader.h"

namespace kite {

namespace {

Status read_block_type(Reader& r, BlockType& bt) {
  const uint64_t at = r.offset();
  if (r.at_end()) return r.fail_end();
  const uint8_t first = *r.cursor();
  if (first == 0x40) {
    r.skip(1);
    bt.kind = BlockType::Kind::Empty;
    return {};
  }
  if (first & 0x40 && !(first & 0x80)) {
    // A negative single-byte s33: a value type.
    r.skip(1);
    KITE_TRY_ASSIGN(bt.value, r.val_type_from(first, at));
    bt.kind = BlockType::Kind::Value;
    return {};
  }
  KITE_TRY_ASSIGN(int64_t index, r.s33());
  if (index < 0) return r.fail_at(at, "malformed value type");
  bt.kind = BlockType::Kind::Index;
  bt.index = static_cast<uint32_t>(index);
  return {};
}

Status read_mem_arg(Reader& r, MemArg& m) {
  const uint64_t at = r.offset();
  KITE_TRY_ASSIGN(uint32_t flags, r.u32());
  // Bit 6 signals an explicit memory index (multi-memory).
  if (flags >= (1u << 7)) return r.fail_at(at, "malformed memop flags");
  m.align_log2 = flags & 0x3F;
  m.memory = 0;
  if (flags & 0x40) {
    KITE_TRY_ASSIGN(m.memory, r.u32());
  }
  KITE_TRY_ASSIGN(m.offset, r.u64());
  return {};
}

template <typename T, typename U> [[gnu::always_inline]] inline Status assign(Result<T> r, U& out) {
  if (!r.ok()) return std::move(r).error();
  out = static_cast<U>(r.value());
  return {};
}

[[gnu::always_inline]] inline Status read_u32(Reader& r, uint32_t& out) {
  return assign(r.u32(), out);
}
Status read_u8(Reader& r, uint8_t& out) { return assign(r.u8(), out); }

Status read_label_table(Reader& r, Instr& in) {
  KITE_TRY_ASSIGN(uint32_t n, r.u32());
  if (n > r.remaining()) return r.fail_end();
  in.labels.clear();
  for (uint32_t i = 0; i <= n; ++i) {
    KITE_TRY_ASSIGN(uint32_t l, r.u32());
    in.labels.push_back(l);
  }
  return {};
}

Status read_select_types(Reader& r, Instr& in) {
  KITE_TRY_ASSIGN(uint32_t n, r.u32());
  if (n > r.remaining()) return r.fail_end();
  in.select_types.clear();
  for (uint32_t i = 0; i < n; ++i) {
    KITE_TRY_ASSIGN(ValType t, r.val_type());
    in.select_types.push_back(t);
  }
  return {};
}

Status read_br_on_cast(Reader& r, Instr& in) {
  KITE_TRY_ASSIGN(uint8_t flags, r.u8());
  if (flags > 3) return r.fail("malformed br_on_cast flags");
  KITE_TRY_ASSIGN(in.a, r.u32());
  KITE_TRY_ASSIGN(HeapType h1, r.heap_type());
  KITE_TRY_ASSIGN(HeapType h2, r.heap_type());
  in.cast_from = ValType::ref(h1, flags & 1);
  in.cast_to = ValType::ref(h2, (flags & 2) != 0);
  return {};
}

Status read_try_table(Reader& r, Instr& in) {
  KITE_TRY(read_block_type(r, in.block));
  KITE_TRY_ASSIGN(uint32_t n, r.u32());
  if (n > r.remaining()) return r.fail_end();
  in.catches.clear();
  for (uint32_t i = 0; i < n; ++i) {
    const uint64_t at = r.offset();
    KITE_TRY_ASSIGN(uint8_t kind, r.u8());
    if (kind > 3) return r.fail_at(at, "malformed catch clause");
    CatchClause c{static_cast<CatchClause::Kind>(kind), 0, 0};
    if (kind < 2) {
      KITE_TRY_ASSIGN(c.tag, r.u32());
    }
    KITE_TRY_ASSIGN(c.label, r.u32());
    in.catches.push_back(c);
  }
  return {};
}

} // namespace

namespace {

// How next_op skips the immediates of a one-byte opcode.
enum class Skip : uint8_t { Decode, None, Leb, TwoLebs, MemArg, Bytes4, Bytes8, BlockType };

constexpr Skip skip_of(ImmKind kind) {
  switch (index_immediates(kind)) {
  case 1: return Skip::Leb;
  case 2: return Skip::TwoLebs;
  }
  switch (kind) {
  case ImmKind::None: return Skip::None;
  case ImmKind::I32:
  case ImmKind::I64:
  case ImmKind::HeapType: return Skip::Leb; // a heap type is an s33
  case ImmKind::MemArg: return Skip::MemArg;
  case ImmKind::F32: return Skip::Bytes4;
  case ImmKind::F64: return Skip::Bytes8;
  case ImmKind::BlockType: return Skip::BlockType;
  default: return Skip::Decode;
  }
}

// Built at start-up: the opcode tables live in another file.
const auto kSkipByByte = [] {
  std::array<Skip, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte)
    if (const auto op = op_from_code(0, byte))
      table[byte] = built_in(op_info(*op).feature) ? skip_of(op_info(*op).imm) : Skip::Decode;
  return table;
}();

// Past one LEB128 at p, or null if it does not end within 10 bytes.
inline const uint8_t* skip_leb(const uint8_t* p) {
  for (int i = 0; i < 10; ++i)
    if (!(p[i] & 0x80)) return p + i + 1;
  return nullptr;
}

} // namespace

Status InstrReader::next_op(Op& op) {
  Reader& r = r_;
  const uint8_t* p = r.cursor();
  // The longest skipped form (a memarg with a memory index) fits in 31 bytes;
  // nearer the end, decode.
  const Skip skip = r.remaining() > 32 ? kSkipByByte[*p] : Skip::Decode;
  if (skip == Skip::Decode) {
    Instr in;
    KITE_TRY(next(in));
    op = in.op;
    return {};
  }
  op = *op_from_code(0, *p++);
  switch (skip) {
  case Skip::None: break;
  case Skip::Leb: p = skip_leb(p); break;
  case Skip::TwoLebs: p = skip_leb(p), p = p ? skip_leb(p) : p; break;
  case Skip::MemArg: { // align (bit 6: a memory index follows), offset
    const bool indexed = *p & 0x40;
    p = skip_leb(p);
    if (p && indexed) p = skip_leb(p);
    p = p ? skip_leb(p) : p;
    break;
  }
  case Skip::Bytes4: p += 4; break;
  case Skip::Bytes8: p += 8; break;
  case Skip::BlockType: // empty or a value type in one byte, (ref null? ht), or an s33 index
    if (*p == 0x63 || *p == 0x64)
      p = skip_leb(p + 1);
    else
      p = skip_leb(p);
    break;
  case Skip::Decode: break;
  }
  if (!p) return r.fail("malformed LEB128 immediate");
  r.skip(static_cast<size_t>(p - r.cursor()));
  return {};
}

Status InstrReader::next(Instr& in) {
  Reader& r = r_;
  in.offset = r.offset();
  KITE_TRY_ASSIGN(uint8_t byte, r.u8());
  uint8_t prefix = 0;
  uint32_t code = byte;
  if (byte == 0xFB || byte == 0xFC || byte == 0xFD || byte == 0xFE) {
    prefix = byte;
    KITE_TRY_ASSIGN(code, r.u32());
  }
  auto op = op_from_code(prefix, code);
  if (!op) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string message = "illegal opcode ";
    for (uint32_t b : {uint32_t{prefix}, code}) {
      if (b == 0 && prefix == 0) continue;
      if (message.back() != ' ') message += ' ';
      if (b > 0xFF) message += kHex[(b >> 12) & 0xF], message += kHex[(b >> 8) & 0xF];
      message += kHex[(b >> 4) & 0xF];
      message += kHex[b & 0xF];
    }
    return r.fail_at(in.offset, message);
  }
  in.op = *op;
  if constexpr (!kAllFeatures) {
    if (const Feature f = op_info(*op).feature; !built_in(f))
      return r.fail_at(in.offset, feature_missing(f, "opcode " + std::string(op_name(*op))));
  }

  const ImmKind kind = op_info(*op).imm;
  // MVP's reserved byte of memory.size/grow is read as a multi-memory index.
  if (const uint32_t n = index_immediates(kind)) {
    KITE_TRY(read_u32(r, in.a));
    return n == 2 ? read_u32(r, in.b) : Status{};
  }
  switch (kind) {
  case ImmKind::None: break;
  case ImmKind::BlockType: return read_block_type(r, in.block);
  case ImmKind::LabelTable: return read_label_table(r, in);
  case ImmKind::MemArg: return read_mem_arg(r, in.mem);
  case ImmKind::MemArgLane: KITE_TRY(read_mem_arg(r, in.mem)); return read_u8(r, in.lane);
  case ImmKind::I32: return assign(r.s32(), in.i32);
  case ImmKind::I64: return assign(r.s64(), in.i64);
  case ImmKind::F32: return assign(r.f32_bits(), in.f32);
  case ImmKind::F64: return assign(r.f64_bits(), in.f64);
  case ImmKind::V128:
  case ImmKind::Shuffle: {
    KITE_TRY_ASSIGN(const uint8_t* p, r.bytes(16));
    std::memcpy(in.v128.data(), p, 16);
    break;
  }
  case ImmKind::Lane: return read_u8(r, in.lane);
  case ImmKind::HeapType: return assign(r.heap_type(), in.heap);
  case ImmKind::SelectT: return read_select_types(r, in);
  case ImmKind::BrOnCast: return read_br_on_cast(r, in);
  case ImmKind::TryTable: return read_try_table(r, in);
  default: break; // index-only layouts, read above
  case ImmKind::AtomicFence: {
    KITE_TRY_ASSIGN(uint8_t zero, r.u8());
    if (zero != 0) return r.fail("malformed atomic.fence");
    break;
  }
  }
  return {};
}

} // namespace kite
