// Module-level validation: the types, imports, functions, tables, memories,
// tags, globals, exports, start function and segments of a module, checked
// once before any body (validate.cpp checks the bodies).
#include <algorithm>
#include <string>
#include <vector>

#include "support/hash_table.h"
#include "validate/validator.h"

namespace kite::validation {

// ---------------------------------------------------------------- types

Status Validator::check_heap_type(HeapType h, uint64_t at) const {
  if (h.is_index() && h.index >= m_.types.size()) {
    return failure_at(at, "unknown type " + std::to_string(h.index));
  }
  return {};
}

Status Validator::check_val_type(ValType t, uint64_t at) const {
  return t.is_ref() ? check_heap_type(t.heap, at) : Status{};
}

Status Validator::check_types(std::vector<uint32_t>& canonical_types) {
  canonical_types.clear();
  canonical_types.reserve(m_.types.size());
  for (const RecGroup& g : m_.rec_groups) {
    const uint32_t end = g.first + g.count;
    auto in_range = [&](ValType t) {
      return !t.is_ref() || !t.heap.is_index() || t.heap.index < end;
    };
    for (uint32_t i = g.first; i < end; ++i) {
      const SubType& st = m_.types[i];
      bool ok = true;
      for (ValType t : st.comp.func.params)
        ok &= in_range(t);
      for (ValType t : st.comp.func.results)
        ok &= in_range(t);
      for (const FieldType& f : st.comp.fields)
        ok &= in_range(f.storage.type);
      ok &= in_range(st.comp.elem.storage.type);
      if (!ok) return failure_at(0, "unknown type");
      if (st.supers.size() > 1) return failure_at(0, "multiple supertypes");
      for (uint32_t s : st.supers) {
        if (s >= i) return failure_at(0, "unknown type " + std::to_string(s));
      }
    }
    reg_.register_group(m_, g, canonical_types);
    for (uint32_t i = g.first; i < end; ++i) {
      for (uint32_t s : m_.types[i].supers) {
        if (!reg_.matches_super(m_.canonical_types[i], m_.canonical_types[s])) {
          return failure_at(0, "sub type " + std::to_string(i) + " does not match super type " +
                                   std::to_string(s));
        }
      }
    }
  }
  building_->funcs.assign(m_.types.size(), FuncType{});
  for (size_t i = 0; i < m_.types.size(); ++i) {
    if (m_.types[i].comp.kind != CompositeKind::Func) continue;
    FuncType& f = building_->funcs[i];
    for (ValType t : m_.types[i].comp.func.params)
      f.params.push_back(canon(t));
    for (ValType t : m_.types[i].comp.func.results)
      f.results.push_back(canon(t));
  }
  return {};
}

Status Validator::check_func_type_index(uint32_t type_index, uint64_t at) {
  if (type_index >= m_.types.size() || m_.types[type_index].comp.kind != CompositeKind::Func) {
    return failure_at(at, "unknown type " + std::to_string(type_index));
  }
  return {};
}

Status Validator::check_limits(const Limits& l, uint64_t max_size, const char* what, uint64_t at) {
  if (l.max && l.min > *l.max) {
    return failure_at(at, "size minimum must not be greater than maximum");
  }
  if (l.min > max_size || (l.max && *l.max > max_size)) return failure_at(at, what);
  return {};
}

Status Validator::check_imports() {
  for (const Import& im : m_.imports) {
    switch (im.kind) {
    case ExternKind::Func: KITE_TRY(check_func_type_index(im.type_index, 0)); break;
    case ExternKind::Tag: break; // checked with the tags
    case ExternKind::Table:
    case ExternKind::Memory:
    case ExternKind::Global: break; // checked with their index spaces
    }
  }
  return {};
}

Status Validator::check_functions() {
  for (const FunctionDecl& f : m_.functions) {
    KITE_TRY(check_func_type_index(f.type_index, f.code_offset));
    for (const LocalGroup& g : m_.local_groups_of(f))
      KITE_TRY(check_val_type(g.type, f.code_offset));
  }
  return {};
}

Status Validator::check_tables() {
  for (uint32_t i = 0; i < m_.tables.size(); ++i) {
    const TableDecl& t = m_.tables[i];
    KITE_TRY(check_val_type(t.type.elem, 0));
    const uint64_t max = t.type.limits.is64 ? UINT64_MAX : UINT32_MAX;
    KITE_TRY(check_limits(t.type.limits, max, "table size must be at most 2^32-1", 0));
    if (t.init) {
      KITE_TRY(validate_const(*t.init, canon(t.type.elem), m_.num_imported_globals));
    } else if (!is_defaultable(t.type.elem)) {
      return failure_at(0, "type mismatch");
    }
  }
  return {};
}

Status Validator::check_memories() {
  for (const MemoryType& mt : m_.memories) {
    if (mt.page_size_log2 != 0 && mt.page_size_log2 != 16) {
      return failure_at(0, "invalid custom page size");
    }
    const Limits& l = mt.limits;
    // The whole address space, in pages.
    const uint32_t addr_bits = l.is64 ? 64 : 32;
    const uint32_t page_bits = addr_bits - mt.page_size_log2;
    // 32-bit limits must also fit in a u32 (they are u64 in the encoding).
    const uint64_t max_pages = page_bits >= 64              ? UINT64_MAX
                               : page_bits >= 32 && !l.is64 ? UINT32_MAX
                                                            : uint64_t{1} << page_bits;
    std::string what = l.is64
                           ? "memory size must be at most 2^" + std::to_string(page_bits) + " pages"
                           : "memory size must be at most " + std::to_string(max_pages) + " pages" +
                                 (mt.page_size_log2 == 16 ? " (4GiB)" : "");
    KITE_TRY(check_limits(l, max_pages, what.c_str(), 0));
    if (l.shared && !l.max) return failure_at(0, "shared memory must have maximum");
  }
  return {};
}

Status Validator::check_tags() {
  for (const TagType& t : m_.tags) {
    KITE_TRY(check_func_type_index(t.type_index, 0));
    if (!m_.func_type(t.type_index).results.empty()) {
      return failure_at(0, "non-empty tag result type");
    }
  }
  return {};
}

Status Validator::check_globals() {
  for (uint32_t i = 0; i < m_.globals.size(); ++i) {
    const GlobalDecl& g = m_.globals[i];
    KITE_TRY(check_val_type(g.type.type, g.init.offset));
    if (i >= m_.num_imported_globals) {
      KITE_TRY(validate_const(g.init, canon(g.type.type), i));
    }
  }
  return {};
}

Status Validator::check_exports() {
  HashTable<std::string_view, bool, TextHash> names;
  for (const Export& e : m_.exports) {
    if (!names.try_emplace(e.name).second) return failure_at(0, "duplicate export name");
    const std::string index = std::to_string(e.index);
    switch (e.kind) {
    case ExternKind::Func:
      if (e.index >= m_.functions.size()) return failure_at(0, "unknown function " + index);
      building_->declared_refs[e.index] = true;
      break;
    case ExternKind::Table:
      if (e.index >= m_.tables.size()) return failure_at(0, "unknown table " + index);
      break;
    case ExternKind::Memory:
      if (e.index >= m_.memories.size()) return failure_at(0, "unknown memory " + index);
      break;
    case ExternKind::Global:
      if (e.index >= m_.globals.size()) return failure_at(0, "unknown global " + index);
      break;
    case ExternKind::Tag:
      if (e.index >= m_.tags.size()) return failure_at(0, "unknown tag " + index);
      break;
    }
  }
  return {};
}

Status Validator::check_start() {
  if (!m_.start) return {};
  if (*m_.start >= m_.functions.size()) {
    return failure_at(0, "unknown function " + std::to_string(*m_.start));
  }
  const FuncType& ft = m_.function_type(*m_.start);
  if (!ft.params.empty() || !ft.results.empty()) return failure_at(0, "start function");
  return {};
}

Status Validator::check_elems() {
  for (const ElemSegment& seg : m_.elems) {
    KITE_TRY(check_val_type(seg.type, seg.offset.offset));
    const ValType type = canon(seg.type);
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= m_.tables.size()) {
        return failure_at(seg.offset.offset, "unknown table " + std::to_string(seg.table));
      }
      KITE_TRY(validate_const(seg.offset, table_addr(seg.table),
                              static_cast<uint32_t>(m_.globals.size())));
      if (!subtype(type, canon(m_.tables[seg.table].type.elem))) {
        return failure_at(seg.offset.offset, "type mismatch");
      }
    }
    if (seg.uses_exprs) {
      for (ConstExpr e : seg.exprs) {
        KITE_TRY(validate_const(e, type, static_cast<uint32_t>(m_.globals.size())));
      }
    } else {
      for (uint32_t f : seg.func_indices) {
        if (f >= m_.functions.size()) return failure_at(0, "unknown function " + std::to_string(f));
        building_->declared_refs[f] = true;
      }
    }
  }
  return {};
}

Status Validator::check_datas() {
  for (const DataSegment& seg : m_.datas) {
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.memory >= m_.memories.size()) {
      return failure_at(seg.offset.offset, "unknown memory " + std::to_string(seg.memory));
    }
    KITE_TRY(
        validate_const(seg.offset, mem_addr(seg.memory), static_cast<uint32_t>(m_.globals.size())));
  }
  return {};
}

Status Validator::check_module(std::vector<uint32_t>& canonical_types) {
  KITE_TRY(check_types(canonical_types));
  building_->declared_refs.assign(m_.functions.size(), false);
  building_->func_types.resize(m_.functions.size());
  for (size_t i = 0; i < m_.functions.size(); ++i)
    building_->func_types[i] = m_.functions[i].type_index;
  KITE_TRY(check_imports());
  KITE_TRY(check_functions());
  KITE_TRY(check_tags());
  KITE_TRY(check_memories());
  // Const expressions of globals, tables, elems and datas may use ref.func
  // freely; they also declare the references function bodies may take.
  KITE_TRY(check_globals());
  KITE_TRY(check_tables());
  KITE_TRY(check_exports());
  KITE_TRY(check_start());
  KITE_TRY(check_elems());
  return check_datas();
}

} // namespace kite::validation
