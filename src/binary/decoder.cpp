#include "binary/decoder.h"

#include <algorithm>
#include <cstring>

#include "binary/instr_reader.h"
#include "binary/leb_writer.h"
#include "binary/reader.h"

namespace kite {

namespace {

enum SectionId : uint8_t {
  kCustom = 0,
  kType = 1,
  kImport = 2,
  kFunction = 3,
  kTable = 4,
  kMemory = 5,
  kGlobal = 6,
  kExport = 7,
  kStart = 8,
  kElem = 9,
  kCode = 10,
  kData = 11,
  kDataCount = 12,
  kTag = 13,
};

// Position of each section id in the required order (tag sits between
// memory and global; data count between elem and code).
int section_rank(uint8_t id) {
  static constexpr int kRanks[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
  return kRanks[id];
}

class Decoder {
public:
  explicit Decoder(Module& m, CodeBodies bodies = CodeBodies::Walk)
      : m_(m), r_(m.bytes.data(), m.bytes.size()), defer_code_(bodies == CodeBodies::Defer) {}

  Status run();
  Status deferred_code_bodies();

private:
  Status header();
  Status section(uint8_t id, uint32_t size);
  Status type_section();
  Status sub_type(uint32_t rec_group);
  Status composite_type(CompositeType& c);
  Status field_type(FieldType& f);
  Status import_section();
  Status function_section();
  Status table_section();
  Status memory_section();
  Status tag_section();
  Status global_section();
  Status export_section();
  Status start_section();
  Status elem_section();
  Status code_section(uint32_t size);
  Status code_bodies();
  Status data_section();
  Status data_count_section();
  Status custom_section(uint32_t size);

  Status table_type(TableType& t);
  Status memory_type(MemoryType& t);
  Status global_type(GlobalType& t);
  Status tag_type(TagType& t);
  Status limits(Limits& l, bool is_memory, uint32_t* page_size_log2);
  Result<bool> mutability();
  Result<ValType> ref_type();
  Result<ConstExpr> const_expr();
  Result<uint32_t> vec_count();

  Module& m_;
  Reader r_;
  Instr instr_; // reused by const_expr scanning
  // Entry counts of the code and data sections, checked against the
  // function and data count sections once every section is read.
  uint32_t code_count_ = 0;
  std::optional<uint32_t> data_section_count_;
  bool defer_code_ = false;
};

Status Decoder::header() {
  if (r_.remaining() < 4) return r_.fail("unexpected end");
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  if (std::memcmp(r_.cursor(), kMagic, 4) != 0) return r_.fail("magic header not detected");
  r_.skip(4);
  if (r_.remaining() < 4) return r_.fail("unexpected end");
  static constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};
  if (std::memcmp(r_.cursor(), kVersion, 4) != 0) return r_.fail("unknown binary version");
  r_.skip(4);
  return {};
}

Status Decoder::run() {
  KITE_TRY(header());
  // Like the spec interpreter, section contents are read from the whole
  // remaining input, and the declared size is checked afterwards: this gives
  // the spec's messages for contents that overrun or underrun their size.
  r_.set_end_message("unexpected end of section or function");
  int last_rank = 0;
  while (!r_.at_end()) {
    const uint64_t id_at = r_.offset();
    KITE_TRY_ASSIGN(uint8_t id, r_.u8());
    if (id > kTag) return r_.fail_at(id_at, "malformed section id");
    const uint64_t size_at = r_.offset();
    KITE_TRY_ASSIGN(uint32_t size, r_.u32());
    if (size > r_.remaining()) return r_.fail_at(size_at, "length out of bounds");
    if (id != kCustom) {
      const int rank = section_rank(id);
      if (rank <= last_rank) return r_.fail_at(id_at, "unexpected content after last section");
      last_rank = rank;
    }
    const uint64_t start = r_.offset();
    KITE_TRY(section(id, size));
    if (r_.offset() != start + size) return r_.fail_at(start, "section size mismatch");
  }
  if (code_count_ != m_.functions.size() - m_.num_imported_functions) {
    return r_.fail("function and code section have inconsistent lengths");
  }
  if (m_.data_count && *m_.data_count != data_section_count_.value_or(0)) {
    return r_.fail("data count and data section have inconsistent lengths");
  }
  return {};
}

Status Decoder::section(uint8_t id, uint32_t size) {
  switch (id) {
  case kCustom: return custom_section(size);
  case kType: return type_section();
  case kImport: return import_section();
  case kFunction: return function_section();
  case kTable: return table_section();
  case kMemory: return memory_section();
  case kGlobal: return global_section();
  case kExport: return export_section();
  case kStart: return start_section();
  case kElem: return elem_section();
  case kCode: return code_section(size);
  case kData: return data_section();
  case kDataCount: return data_count_section();
  case kTag: return tag_section();
  }
  return r_.fail("malformed section id");
}

// A vector length. Entries take at least one byte each, so a count beyond
// the remaining input is reported when the entries run out, as the spec
// does; callers reserve at most `remaining()` entries.
Result<uint32_t> Decoder::vec_count() { return r_.u32(); }

// Rejects, at `at`, what a feature not built in owns (support/features.h).
[[gnu::noinline]] Failure refuse(const Reader& r, Feature f, uint64_t at, std::string_view what) {
  return r.fail_at(at, feature_missing(f, what));
}
// Inlined, so that a build without the feature knows the check fails and
// leaves out the decoding after it.
[[gnu::always_inline]] inline Status require(const Reader& r, Feature f, uint64_t at,
                                             std::string_view what) {
  if (built_in(f)) return {};
  return refuse(r, f, at, what);
}

template <typename T> void reserve_bounded(std::vector<T>& v, uint32_t count, size_t remaining) {
  v.reserve(v.size() + std::min<size_t>(count, remaining));
}

Status Decoder::type_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.types, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t group = static_cast<uint32_t>(m_.rec_groups.size());
    RecGroup rg{static_cast<uint32_t>(m_.types.size()), 1};
    if (!r_.at_end() && *r_.cursor() == 0x4E) {
      KITE_TRY(require(r_, Feature::Gc, r_.offset(), "rec group"));
      r_.skip(1);
      KITE_TRY_ASSIGN(rg.count, vec_count());
      for (uint32_t j = 0; j < rg.count; ++j)
        KITE_TRY(sub_type(group));
    } else {
      KITE_TRY(sub_type(group));
    }
    m_.rec_groups.push_back(rg);
  }
  return {};
}

Status Decoder::sub_type(uint32_t rec_group) {
  SubType st;
  st.rec_group = rec_group;
  if (!r_.at_end() && (*r_.cursor() == 0x50 || *r_.cursor() == 0x4F)) {
    KITE_TRY(require(r_, Feature::Gc, r_.offset(), "sub type"));
    st.final = *r_.cursor() == 0x4F;
    r_.skip(1);
    KITE_TRY_ASSIGN(uint32_t n, vec_count());
    reserve_bounded(st.supers, n, r_.remaining());
    for (uint32_t i = 0; i < n; ++i) {
      KITE_TRY_ASSIGN(uint32_t super, r_.u32());
      st.supers.push_back(super);
    }
  }
  KITE_TRY(composite_type(st.comp));
  m_.types.push_back(std::move(st));
  return {};
}

Status Decoder::composite_type(CompositeType& c) {
  const uint64_t at = r_.offset();
  KITE_TRY_ASSIGN(uint8_t form, r_.u8());
  switch (form) {
  case 0x60: {
    c.kind = CompositeKind::Func;
    for (auto* list : {&c.func.params, &c.func.results}) {
      KITE_TRY_ASSIGN(uint32_t n, vec_count());
      reserve_bounded(*list, n, r_.remaining());
      for (uint32_t i = 0; i < n; ++i) {
        KITE_TRY_ASSIGN(ValType t, r_.val_type());
        list->push_back(t);
      }
    }
    return {};
  }
  case 0x5F: {
    KITE_TRY(require(r_, Feature::Gc, at, "struct type"));
    c.kind = CompositeKind::Struct;
    KITE_TRY_ASSIGN(uint32_t n, vec_count());
    reserve_bounded(c.fields, n, r_.remaining());
    for (uint32_t i = 0; i < n; ++i) {
      FieldType f;
      KITE_TRY(field_type(f));
      c.fields.push_back(f);
    }
    return {};
  }
  case 0x5E:
    KITE_TRY(require(r_, Feature::Gc, at, "array type"));
    c.kind = CompositeKind::Array;
    return field_type(c.elem);
  default: return r_.fail_at(at, "malformed definition type");
  }
}

Status Decoder::field_type(FieldType& f) {
  const uint64_t at = r_.offset();
  KITE_TRY_ASSIGN(uint8_t first, r_.u8());
  if (first == 0x78) {
    f.storage.packed = Packed::I8;
  } else if (first == 0x77) {
    f.storage.packed = Packed::I16;
  } else {
    KITE_TRY_ASSIGN(f.storage.type, r_.val_type_from(first, at));
  }
  KITE_TRY_ASSIGN(f.mut, mutability());
  return {};
}

Result<bool> Decoder::mutability() {
  const uint64_t at = r_.offset();
  KITE_TRY_ASSIGN(uint8_t b, r_.u8());
  if (b > 1) return r_.fail_at(at, "malformed mutability");
  return b == 1;
}

Result<ValType> Decoder::ref_type() {
  const uint64_t at = r_.offset();
  KITE_TRY_ASSIGN(ValType t, r_.val_type());
  if (!t.is_ref()) return r_.fail_at(at, "malformed reference type");
  return t;
}

Status Decoder::limits(Limits& l, bool is_memory, uint32_t* page_size_log2) {
  const uint64_t at = r_.offset();
  KITE_TRY_ASSIGN(uint8_t flags, r_.u8());
  // bit 0: has maximum; bit 1: shared (memories); bit 2: 64-bit addresses;
  // bit 3: custom page size follows (memories).
  const uint8_t allowed = is_memory ? 0x0F : 0x05;
  if (flags & ~allowed) return r_.fail_at(at, "malformed limits flags");
  l.is64 = flags & 0x04;
  l.shared = flags & 0x02;
  if (l.shared) KITE_TRY(require(r_, Feature::Threads, at, "shared memory"));
  // Sizes are u64 in the encoding whatever the address type; the validator
  // bounds 32-bit ones (as the spec does).
  KITE_TRY_ASSIGN(l.min, r_.u64());
  if (flags & 0x01) {
    KITE_TRY_ASSIGN(l.max, r_.u64());
  }
  if (flags & 0x08) {
    const uint64_t page_at = r_.offset();
    KITE_TRY_ASSIGN(uint32_t log2, r_.u32());
    // Only 0 and 16 are valid (checked by the validator); a page size that
    // does not even fit in 64 bits is a malformed encoding.
    if (log2 >= 64) return r_.fail_at(page_at, "invalid custom page size");
    *page_size_log2 = log2;
  }
  return {};
}

Status Decoder::table_type(TableType& t) {
  KITE_TRY_ASSIGN(t.elem, ref_type());
  return limits(t.limits, false, nullptr);
}

Status Decoder::memory_type(MemoryType& t) { return limits(t.limits, true, &t.page_size_log2); }

Status Decoder::global_type(GlobalType& t) {
  KITE_TRY_ASSIGN(t.type, r_.val_type());
  KITE_TRY_ASSIGN(t.mut, mutability());
  return {};
}

Status Decoder::tag_type(TagType& t) {
  const uint64_t at = r_.offset();
  KITE_TRY(require(r_, Feature::Exceptions, at, "tag"));
  KITE_TRY_ASSIGN(uint8_t attribute, r_.u8()); // 0 = exception, the only kind
  if (attribute != 0) return r_.fail_at(at, "zero byte expected");
  KITE_TRY_ASSIGN(t.type_index, r_.u32());
  return {};
}

Status Decoder::import_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.imports, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    Import im;
    KITE_TRY_ASSIGN(im.module, r_.name());
    KITE_TRY_ASSIGN(im.name, r_.name());
    const uint64_t kind_at = r_.offset();
    KITE_TRY_ASSIGN(uint8_t kind, r_.u8());
    switch (kind) {
    case 0: {
      im.kind = ExternKind::Func;
      KITE_TRY_ASSIGN(im.type_index, r_.u32());
      m_.functions.push_back(FunctionDecl{.type_index = im.type_index});
      ++m_.num_imported_functions;
      break;
    }
    case 1:
      im.kind = ExternKind::Table;
      KITE_TRY(table_type(im.table));
      m_.tables.push_back(TableDecl{im.table, std::nullopt});
      ++m_.num_imported_tables;
      break;
    case 2:
      im.kind = ExternKind::Memory;
      KITE_TRY(memory_type(im.memory));
      m_.memories.push_back(im.memory);
      ++m_.num_imported_memories;
      break;
    case 3:
      im.kind = ExternKind::Global;
      KITE_TRY(global_type(im.global));
      m_.globals.push_back(GlobalDecl{im.global, {}});
      ++m_.num_imported_globals;
      break;
    case 4: {
      im.kind = ExternKind::Tag;
      TagType tag;
      KITE_TRY(tag_type(tag));
      im.type_index = tag.type_index;
      m_.tags.push_back(tag);
      ++m_.num_imported_tags;
      break;
    }
    default: return r_.fail_at(kind_at, "malformed import kind");
    }
    m_.imports.push_back(std::move(im));
  }
  return {};
}

Status Decoder::function_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.functions, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    KITE_TRY_ASSIGN(uint32_t type_index, r_.u32());
    m_.functions.push_back(FunctionDecl{.type_index = type_index});
  }
  return {};
}

Status Decoder::table_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  for (uint32_t i = 0; i < count; ++i) {
    TableDecl t;
    if (!r_.at_end() && *r_.cursor() == 0x40) {
      // 0x40 0x00: a table type followed by an explicit initialiser.
      r_.skip(1);
      const uint64_t at = r_.offset();
      KITE_TRY_ASSIGN(uint8_t zero, r_.u8());
      if (zero != 0) return r_.fail_at(at, "zero byte expected");
      KITE_TRY(table_type(t.type));
      KITE_TRY_ASSIGN(t.init, const_expr());
    } else {
      KITE_TRY(table_type(t.type));
    }
    m_.tables.push_back(std::move(t));
  }
  return {};
}

Status Decoder::memory_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  for (uint32_t i = 0; i < count; ++i) {
    MemoryType t;
    KITE_TRY(memory_type(t));
    m_.memories.push_back(t);
  }
  return {};
}

Status Decoder::tag_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  for (uint32_t i = 0; i < count; ++i) {
    TagType t;
    KITE_TRY(tag_type(t));
    m_.tags.push_back(t);
  }
  return {};
}

Status Decoder::global_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.globals, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    GlobalDecl g;
    KITE_TRY(global_type(g.type));
    KITE_TRY_ASSIGN(g.init, const_expr());
    m_.globals.push_back(g);
  }
  return {};
}

Status Decoder::export_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.exports, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    Export e;
    KITE_TRY_ASSIGN(e.name, r_.name());
    const uint64_t kind_at = r_.offset();
    KITE_TRY_ASSIGN(uint8_t kind, r_.u8());
    if (kind > 4) return r_.fail_at(kind_at, "malformed export kind");
    e.kind = static_cast<ExternKind>(kind);
    KITE_TRY_ASSIGN(e.index, r_.u32());
    m_.exports.push_back(std::move(e));
  }
  return {};
}

Status Decoder::start_section() {
  KITE_TRY_ASSIGN(m_.start, r_.u32());
  return {};
}

Status Decoder::elem_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  reserve_bounded(m_.elems, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t flags_at = r_.offset();
    KITE_TRY_ASSIGN(uint32_t flags, r_.u32());
    if (flags > 7) return r_.fail_at(flags_at, "malformed elements segment kind");
    // bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative (bit 0 set); bit 2: elements are expressions, not indices.
    ElemSegment seg;
    const bool not_active = flags & 1;
    if (not_active) {
      seg.mode = (flags & 2) ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (flags & 2) {
        KITE_TRY_ASSIGN(seg.table, r_.u32());
      }
      KITE_TRY_ASSIGN(seg.offset, const_expr());
    }
    seg.uses_exprs = flags & 4;
    // Function indices are non-null (ref func); expression segments with
    // flags 4 are funcref, the others spell out their reference type.
    seg.type = seg.uses_exprs ? ValType::funcref()
                              : ValType::ref(HeapType::abstract(HeapKind::Func), false);
    if (not_active || (flags & 2)) {
      if (seg.uses_exprs) {
        KITE_TRY_ASSIGN(seg.type, ref_type());
      } else {
        const uint64_t kind_at = r_.offset();
        KITE_TRY_ASSIGN(uint8_t elem_kind, r_.u8());
        if (elem_kind != 0) return r_.fail_at(kind_at, "malformed element kind"); // 0x00 = func
      }
    }
    KITE_TRY_ASSIGN(uint32_t n, vec_count());
    if (seg.uses_exprs) {
      reserve_bounded(seg.exprs, n, r_.remaining());
      for (uint32_t j = 0; j < n; ++j) {
        KITE_TRY_ASSIGN(ConstExpr e, const_expr());
        seg.exprs.push_back(e);
      }
    } else {
      reserve_bounded(seg.func_indices, n, r_.remaining());
      for (uint32_t j = 0; j < n; ++j) {
        KITE_TRY_ASSIGN(uint32_t f, r_.u32());
        seg.func_indices.push_back(f);
      }
    }
    m_.elems.push_back(std::move(seg));
  }
  return {};
}

Status Decoder::data_count_section() {
  KITE_TRY_ASSIGN(m_.data_count, r_.u32());
  return {};
}

Status Decoder::code_section(uint32_t size) {
  const uint64_t start = r_.offset();
  KITE_TRY_ASSIGN(code_count_, vec_count());
  if (defer_code_ && r_.offset() <= start + size) {
    m_.deferred_code = Module::DeferredCode{static_cast<uint32_t>(start), size,
                                            static_cast<uint32_t>(r_.offset()), code_count_};
    r_.skip(start + size - r_.offset());
    return {};
  }
  return code_bodies();
}

Status Decoder::deferred_code_bodies() {
  const Module::DeferredCode code = *m_.deferred_code;
  r_.set_end_message("unexpected end of section or function");
  r_.skip(code.bodies_start);
  code_count_ = code.count;
  KITE_TRY(code_bodies());
  if (r_.offset() != uint64_t{code.section_start} + code.section_size)
    return r_.fail_at(code.section_start, "section size mismatch");
  m_.deferred_code.reset();
  return {};
}

Status Decoder::code_bodies() {
  const size_t defined = m_.functions.size() - m_.num_imported_functions;
  // The walk reads only each body's first bytes: one cache miss per body
  // when the section is not in cache. Prefetching a few KiB ahead turns
  // that latency into a stream (LLVM's 133k bodies: decode 32-36 -> 20-26 ms).
  constexpr size_t kPrefetchAhead = 4096;
  const uint8_t* prefetched = r_.cursor();
  for (uint32_t i = 0; i < code_count_; ++i) {
    for (const uint8_t* ahead = r_.cursor() + std::min(kPrefetchAhead, r_.remaining());
         prefetched < ahead; prefetched += 64)
      __builtin_prefetch(prefetched);
    const uint32_t code_offset = static_cast<uint32_t>(r_.offset());
    KITE_TRY_ASSIGN(uint32_t size, r_.u32());
    if (size > r_.remaining()) return r_.fail("length out of bounds");
    const uint64_t body_start = r_.offset();
    Reader body(r_.cursor(), size, body_start);
    body.set_end_message("unexpected end of section or function");
    KITE_TRY_ASSIGN(uint32_t groups, body.u32());
    const size_t first_group = m_.local_groups.size();
    uint64_t total = 0;
    for (uint32_t g = 0; g < groups; ++g) {
      const uint64_t at = body.offset();
      KITE_TRY_ASSIGN(uint32_t n, body.u32());
      total += n;
      if (total > kMaxFunctionLocals) return body.fail_at(at, "too many locals");
      KITE_TRY_ASSIGN(ValType t, body.val_type());
      if (n) m_.local_groups.push_back(LocalGroup{n, t});
    }
    r_.skip(size);
    // A count that disagrees with the function section is reported after
    // all sections, as the spec does; extra bodies are only checked.
    if (i >= defined) {
      m_.local_groups.resize(first_group);
      continue;
    }
    FunctionDecl& f = m_.functions[m_.num_imported_functions + i];
    f.code_offset = code_offset;
    f.first_local_group = static_cast<uint32_t>(first_group);
    f.num_local_groups = static_cast<uint32_t>(m_.local_groups.size() - first_group);
    f.num_locals = static_cast<uint32_t>(total);
    f.body =
        ByteRange{static_cast<uint32_t>(body.offset()), static_cast<uint32_t>(body.remaining())};
  }
  return {};
}

Status Decoder::data_section() {
  KITE_TRY_ASSIGN(uint32_t count, vec_count());
  data_section_count_ = count;
  reserve_bounded(m_.datas, count, r_.remaining());
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t flags_at = r_.offset();
    KITE_TRY_ASSIGN(uint32_t flags, r_.u32());
    DataSegment seg;
    switch (flags) {
    case 0: {
      KITE_TRY_ASSIGN(seg.offset, const_expr());
      break;
    }
    case 1: seg.mode = SegmentMode::Passive; break;
    case 2: {
      KITE_TRY_ASSIGN(seg.memory, r_.u32());
      KITE_TRY_ASSIGN(seg.offset, const_expr());
      break;
    }
    default: return r_.fail_at(flags_at, "malformed data segment kind");
    }
    KITE_TRY_ASSIGN(uint32_t size, r_.u32());
    const uint64_t data_at = r_.offset();
    KITE_TRY(r_.bytes(size));
    seg.data = ByteRange{static_cast<uint32_t>(data_at), size};
    m_.datas.push_back(seg);
  }
  return {};
}

// Scans a constant expression through its final `end`, following block
// nesting as the spec's decoder does; validation checks what it contains.
Result<ConstExpr> Decoder::const_expr() {
  const uint64_t start = r_.offset();
  InstrReader in(r_.cursor(), r_.remaining(), start);
  uint32_t depth = 0;
  for (;;) {
    KITE_TRY(in.next(instr_));
    switch (instr_.op) {
    case Op::Block:
    case Op::Loop:
    case Op::If:
    case Op::Try:
    case Op::TryTable: ++depth; break;
    case Op::Delegate: // closes a (legacy) try, like end
      if (depth > 0) --depth;
      continue;
    case Op::End: break;
    default: continue;
    }
    if (instr_.op == Op::End) {
      if (depth == 0) break;
      --depth;
    }
  }
  const uint64_t size = in.offset() - start;
  r_.skip(size);
  return ConstExpr{static_cast<uint32_t>(start), static_cast<uint32_t>(size)};
}

// Keeps every custom section; parses the name section for the module name
// and function names, ignoring it entirely if it is malformed.
Status Decoder::custom_section(uint32_t size) {
  const uint64_t start = r_.offset();
  KITE_TRY_ASSIGN(std::string name, r_.name());
  const uint64_t used = r_.offset() - start;
  if (used > size) return r_.fail_at(start, "unexpected end of section or function");
  const ByteRange contents{static_cast<uint32_t>(r_.offset()), static_cast<uint32_t>(size - used)};
  r_.skip(contents.size);
  if (name == "name") {
    Reader nr(m_.data_at(contents), contents.size, contents.offset);
    std::string module_name;
    std::vector<FunctionName> function_names;
    auto parse = [&]() -> Status {
      while (!nr.at_end()) {
        KITE_TRY_ASSIGN(uint8_t sub_id, nr.u8());
        KITE_TRY_ASSIGN(uint32_t sub_size, nr.u32());
        KITE_TRY_ASSIGN(const uint8_t* sub, nr.bytes(sub_size));
        Reader s(sub, sub_size, nr.offset() - sub_size);
        if (sub_id == 0) {
          KITE_TRY_ASSIGN(module_name, s.name());
        } else if (sub_id == 1) {
          KITE_TRY_ASSIGN(uint32_t n, s.u32());
          for (uint32_t i = 0; i < n; ++i) {
            KITE_TRY_ASSIGN(uint32_t index, s.u32());
            if (!function_names.empty() && index <= function_names.back().index)
              return s.fail("function names out of order");
            KITE_TRY_ASSIGN(ByteRange name, s.name_range());
            function_names.push_back({index, name});
          }
        }
      }
      return {};
    };
    if (parse().ok()) {
      m_.name = std::move(module_name);
      m_.function_names = std::move(function_names);
    }
  }
  m_.customs.push_back(CustomSection{std::move(name), contents});
  return {};
}

} // namespace

Status decode_into(Module& module, CodeBodies bodies) {
  // Byte ranges into the module are 32-bit.
  if (module.bytes.size() > UINT32_MAX) return failure_at(0, "module too large");
  Decoder decoder(module, bodies);
  return decoder.run();
}

Status decode_code_bodies(Module& module) {
  if (!module.deferred_code) return {};
  return Decoder(module).deferred_code_bodies();
}

namespace {

// Layout bytes, all LEB128 u32: the defined function count and the local
// group count; per local group, its count, value kind, nullable, heap kind
// and heap index; per defined function, the bytes from its size field to
// its instructions, its instructions' size and its local group count
// (bodies are contiguous: each starts where the one before ends).
// ~6 bytes a function: LLVM's module's layout is about 1 MB.
// A layout's reader: every read checked, a failure sticky.
class LayoutReader {
public:
  explicit LayoutReader(std::span<const uint8_t> layout) : r_(layout.data(), layout.size()) {}
  uint32_t next() {
    // Two-byte values (most body sizes) without a call: 133,000 functions.
    if (const uint8_t* p = r_.cursor(); r_.remaining() >= 2 && p[0] >= 0x80 && p[1] < 0x80) {
      r_.skip(2);
      return (p[0] & 0x7fu) | uint32_t{p[1]} << 7;
    }
    auto v = r_.u32();
    ok_ = ok_ && v.ok();
    return v.ok() ? *v : 0;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return r_.at_end(); }

private:
  Reader r_;
  bool ok_ = true;
};

} // namespace

std::vector<uint8_t> code_layout(const Module& module) {
  const size_t first = module.num_imported_functions;
  std::vector<uint8_t> out;
  out.reserve(8 * (module.functions.size() - first) + 8 * module.local_groups.size() + 10);
  put_uleb(out, static_cast<uint32_t>(module.functions.size() - first));
  put_uleb(out, static_cast<uint32_t>(module.local_groups.size()));
  for (const LocalGroup& g : module.local_groups) {
    put_uleb(out, g.count);
    put_uleb(out, static_cast<uint32_t>(g.type.kind));
    put_uleb(out, g.type.nullable);
    put_uleb(out, static_cast<uint32_t>(g.type.heap.kind));
    put_uleb(out, g.type.heap.index);
  }
  for (size_t i = first; i < module.functions.size(); ++i) {
    const FunctionDecl& f = module.functions[i];
    put_uleb(out, f.body.offset - f.code_offset);
    put_uleb(out, f.body.size);
    put_uleb(out, f.num_local_groups);
  }
  return out;
}

bool apply_code_layout(Module& module, std::span<const uint8_t> layout) {
  if (!module.deferred_code) return false;
  const Module::DeferredCode code = *module.deferred_code;
  LayoutReader r(layout);
  const size_t first = module.num_imported_functions;
  const size_t defined = module.functions.size() - first;
  const uint32_t count = r.next(), num_groups = r.next();
  if (!r.ok() || count != defined || code.count != defined || num_groups > layout.size())
    return false;
  std::vector<LocalGroup> groups(num_groups);
  for (LocalGroup& g : groups) {
    const uint32_t n = r.next(), kind = r.next(), nullable = r.next(), heap = r.next();
    const uint32_t index = r.next();
    if (!r.ok() || kind > static_cast<uint32_t>(ValKind::Ref) || nullable > 1 ||
        heap > static_cast<uint32_t>(HeapKind::NoExn))
      return false;
    g = LocalGroup{n, ValType{static_cast<ValKind>(kind), nullable != 0,
                              HeapType{static_cast<HeapKind>(heap), index}}};
  }
  // Each body in order within the code section, with locals within the
  // limit a walk enforces. The decls are written as it goes: a refused
  // layout leaves them for decode_code_bodies to write again.
  const uint64_t end = uint64_t{code.section_start} + code.section_size;
  uint64_t at = code.bodies_start;
  size_t next_group = 0;
  for (size_t i = first; i < module.functions.size(); ++i) {
    const uint32_t header = r.next(), size = r.next(), n = r.next();
    const uint64_t body = at + header;
    if (!r.ok() || header == 0 || body + size > end || n > groups.size() - next_group) return false;
    uint64_t locals = 0;
    for (size_t k = next_group; k < next_group + n; ++k)
      locals += groups[k].count;
    if (locals > kMaxFunctionLocals) return false;
    FunctionDecl& d = module.functions[i];
    d.code_offset = static_cast<uint32_t>(at);
    d.body = ByteRange{static_cast<uint32_t>(body), size};
    d.first_local_group = static_cast<uint32_t>(next_group);
    d.num_local_groups = n;
    d.num_locals = static_cast<uint32_t>(locals);
    next_group += n;
    at = body + size;
  }
  if (next_group != groups.size() || !r.at_end()) return false;
  module.local_groups = std::move(groups);
  module.deferred_code.reset();
  return true;
}

Result<std::shared_ptr<Module>> decode_module(ByteBuffer bytes) {
  auto module = std::make_shared<Module>();
  module->bytes = std::move(bytes);
  KITE_TRY(decode_into(*module));
  return module;
}

} // namespace kite
