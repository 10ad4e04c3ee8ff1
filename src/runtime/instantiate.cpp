#include "runtime/instantiate.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "binary/instr_reader.h"
#include "gc/ops.h"
#include "runtime/memory.h"
#include "runtime/type_match.h"

namespace kite {
namespace {

Error link_error(const Import& import, std::string what) {
  Error e{what + " \"" + import.module + "\" \"" + import.name + "\""};
  e.kind = ErrorKind::Unlinkable;
  return e;
}

Error trap(std::string message) {
  Error e{std::move(message)};
  e.kind = ErrorKind::Trap;
  return e;
}

// Spec "limits matching": the actual limits are at least as tight.
bool limits_match(const Limits& actual, const Limits& expected) {
  if (actual.is64 != expected.is64 || actual.shared != expected.shared) return false;
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

bool import_matches(const Import& import, const Module& module, const Extern& ext) {
  if (ext.kind != import.kind) return false;
  switch (import.kind) {
  case ExternKind::Func: return function_matches(*ext.func, module, import.type_index);
  case ExternKind::Table: {
    const Table& table = *ext.table;
    Limits actual = table.type.limits;
    actual.min = table.elements.size(); // the current size, after any growth
    return limits_match(actual, import.table.limits) &&
           val_type_equal(table.type.elem, table.type_owner, import.table.elem, &module);
  }
  case ExternKind::Memory: {
    const Memory& memory = *ext.memory;
    Limits actual = memory.type.limits;
    actual.min = memory.pages();
    return memory.page_size_log2 == import.memory.page_size_log2 &&
           limits_match(actual, import.memory.limits);
  }
  case ExternKind::Global: {
    const Global& global = *ext.global;
    if (global.type.mut != import.global.mut) return false;
    // A mutable global is shared by reference, so its type must be exact.
    return global.type.mut
               ? val_type_equal(global.type.type, global.type_owner, import.global.type, &module)
               : val_type_matches(global.type.type, global.type_owner, import.global.type, &module);
  }
  case ExternKind::Tag: return tag_matches(*ext.tag, module, import.type_index);
  }
  return false;
}

Status check_imports(const Module& module, std::span<const Extern> imports) {
  if (imports.size() != module.imports.size()) {
    Error e{"module needs " + std::to_string(module.imports.size()) + " imports, got " +
            std::to_string(imports.size())};
    e.kind = ErrorKind::Unlinkable;
    return e;
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    const Extern& ext = imports[i];
    bool present = ext.func || ext.table || ext.memory || ext.global || ext.tag;
    if (!present) return link_error(module.imports[i], "unknown import");
    if (!import_matches(module.imports[i], module, ext))
      return link_error(module.imports[i], "incompatible import type");
  }
  return {};
}

void bind_imports(Instance& instance, std::span<const Extern> imports) {
  for (const Extern& ext : imports) {
    switch (ext.kind) {
    case ExternKind::Func: instance.functions.push_back(ext.func); break;
    case ExternKind::Table: instance.tables.push_back(ext.table); break;
    case ExternKind::Memory: instance.memories.push_back(ext.memory); break;
    case ExternKind::Global: instance.globals.push_back(ext.global); break;
    case ExternKind::Tag: instance.tags.push_back(ext.tag); break;
    }
  }
}

uint32_t canonical_id(const Module& module, uint32_t type_index) {
  return type_index < module.canonical_types.size() ? module.canonical_types[type_index] : 0;
}

Status allocate_defined(Store& store, Instance& instance) {
  const Module& module = *instance.module;
  const uint32_t first_defined = module.num_imported_functions;
  Function* defined = store.new_functions(module.functions.size() - first_defined);
  instance.functions.reserve(module.functions.size());
  for (uint32_t i = first_defined; i < module.functions.size(); ++i) {
    Function* fn = &defined[i - first_defined];
    uint32_t type_index = module.functions[i].type_index;
    fn->header.type_id = canonical_id(module, type_index);
    fn->type = &module.func_type(type_index);
    fn->instance = &instance;
    fn->index = i;
    instance.functions.push_back(fn);
  }
  // Globals in order: an initialiser may read the globals before it.
  for (uint32_t i = module.num_imported_globals; i < module.globals.size(); ++i) {
    const GlobalDecl& decl = module.globals[i];
    Global* global = store.new_global(decl.type);
    global->type_owner = &module;
    KITE_TRY(eval_const_expr(instance, decl.init, global->value));
    instance.globals.push_back(global);
  }
  for (uint32_t i = module.num_imported_tables; i < module.tables.size(); ++i) {
    const TableDecl& decl = module.tables[i];
    Slot init[2] = {kNullRef, 0};
    if (decl.init) KITE_TRY(eval_const_expr(instance, *decl.init, init));
    KITE_TRY_ASSIGN(Table * table, store.new_table(decl.type, static_cast<Ref>(init[0])));
    table->type_owner = &module;
    instance.tables.push_back(table);
  }
  for (uint32_t i = module.num_imported_memories; i < module.memories.size(); ++i) {
    auto memory = store.new_memory(module.memories[i]);
    if (!memory.ok()) return memory.error(); // a resource limit, not a trap
    instance.memories.push_back(*memory);
  }
  for (uint32_t i = module.num_imported_tags; i < module.tags.size(); ++i) {
    Tag* tag = store.new_tag();
    uint32_t type_index = module.tags[i].type_index;
    tag->type_id = canonical_id(module, type_index);
    tag->type = &module.func_type(type_index);
    instance.tags.push_back(tag);
  }
  return {};
}

// An active segment's offset (i32 or i64 according to the address type).
Result<uint64_t> eval_offset(const Instance& instance, ConstExpr expr, bool is64) {
  Slot value[2] = {0, 0};
  KITE_TRY(eval_const_expr(instance, expr, value));
  return is64 ? value[0] : static_cast<uint32_t>(value[0]);
}

bool out_of_bounds(uint64_t offset, uint64_t count, uint64_t size) {
  return offset > size || count > size - offset;
}

// Evaluates every element segment, applies the active ones in order, then
// drops active and declarative segments (they are no longer accessible).
Status init_elem_segments(Instance& instance) {
  const Module& module = *instance.module;
  instance.elem_segments.resize(module.elems.size());
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    std::vector<Ref>& refs = instance.elem_segments[i];
    refs.reserve(seg.size());
    if (seg.uses_exprs) {
      for (ConstExpr expr : seg.exprs) {
        Slot value[2] = {0, 0};
        KITE_TRY(eval_const_expr(instance, expr, value));
        refs.push_back(static_cast<Ref>(value[0]));
      }
    } else {
      for (uint32_t f : seg.func_indices)
        refs.push_back(reinterpret_cast<Ref>(instance.functions[f]));
    }
  }
  for (size_t i = 0; i < module.elems.size(); ++i) {
    const ElemSegment& seg = module.elems[i];
    std::vector<Ref>& refs = instance.elem_segments[i];
    if (seg.mode == SegmentMode::Active) {
      Table& table = *instance.tables[seg.table];
      KITE_TRY_ASSIGN(uint64_t offset, eval_offset(instance, seg.offset, table.type.limits.is64));
      if (out_of_bounds(offset, refs.size(), table.elements.size()))
        return trap("out of bounds table access");
      std::copy(refs.begin(), refs.end(), table.elements.begin() + offset);
    }
    if (seg.mode != SegmentMode::Passive) refs = {};
  }
  return {};
}

// The active data segments of each memory are written whole, and are
// mostly a toolchain's contiguous .rodata and .data (or Go's 100,000 small
// pieces of them): where they fill most of the range they cover, that range
// asks for huge pages before the copies fault it in page by page.
void prepare_data_ranges(Instance& instance) {
  const Module& module = *instance.module;
  struct Range {
    uint64_t lo = ~uint64_t{0}, hi = 0, bytes = 0;
  };
  std::vector<Range> ranges(instance.memories.size());
  for (const DataSegment& seg : module.datas) {
    if (seg.mode != SegmentMode::Active || seg.data.size == 0) continue;
    const Memory& memory = *instance.memories[seg.memory];
    auto offset = eval_offset(instance, seg.offset, memory.is64);
    if (!offset.ok() || out_of_bounds(*offset, seg.data.size, memory.size)) return; // traps below
    Range& r = ranges[seg.memory];
    r.lo = std::min(r.lo, *offset);
    r.hi = std::max(r.hi, *offset + seg.data.size);
    r.bytes += seg.data.size;
  }
  for (size_t m = 0; m < ranges.size(); ++m)
    if (ranges[m].bytes > 0 && ranges[m].bytes * 2 >= ranges[m].hi - ranges[m].lo)
      prepare_dense_write(*instance.memories[m], ranges[m].lo, ranges[m].hi - ranges[m].lo);
}

Status init_data_segments(Instance& instance) {
  const Module& module = *instance.module;
  instance.dropped_datas.assign(module.datas.size(), false);
  prepare_data_ranges(instance);
  for (size_t i = 0; i < module.datas.size(); ++i) {
    const DataSegment& seg = module.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    Memory& memory = *instance.memories[seg.memory];
    KITE_TRY_ASSIGN(uint64_t offset, eval_offset(instance, seg.offset, memory.is64));
    if (out_of_bounds(offset, seg.data.size, memory.size))
      return trap("out of bounds memory access");
    if (seg.data.size > 0)
      std::memcpy(memory.base + offset, module.data_at(seg.data), seg.data.size);
    instance.dropped_datas[i] = true;
  }
  return {};
}

} // namespace

Result<Instantiation> instantiate(Store& store, std::shared_ptr<const Module> module,
                                  std::span<const Extern> imports) {
  KITE_TRY(check_imports(*module, imports));
  gc::Heap::Pause no_collection(store.heap);
  Instance* instance = store.new_instance();
  instance->module = std::move(module);
  const Module& m = *instance->module;
  instance->type_ids = m.canonical_types;
  bind_imports(*instance, imports);
  KITE_TRY(allocate_defined(store, *instance));
  KITE_TRY(init_elem_segments(*instance));
  KITE_TRY(init_data_segments(*instance));
  Instantiation result;
  result.instance = instance;
  if (m.start) result.start = instance->functions[*m.start];
  return result;
}

Extern export_value(const Instance& instance, const Export& e) {
  switch (e.kind) {
  case ExternKind::Func: return Extern::of(instance.functions[e.index]);
  case ExternKind::Table: return Extern::of(instance.tables[e.index]);
  case ExternKind::Memory: return Extern::of(instance.memories[e.index]);
  case ExternKind::Global: return Extern::of(instance.globals[e.index]);
  case ExternKind::Tag: return Extern::of(instance.tags[e.index]);
  }
  return {};
}

std::optional<Extern> find_export(const Instance& instance, std::string_view name) {
  for (const Export& e : instance.module->exports)
    if (e.name == name) return export_value(instance, e);
  return std::nullopt;
}

namespace {

// The GC allocations allowed in constant expressions (struct.new,
// array.new and their forms); operands are popped from `stack`, one entry
// per value.
Result<Ref> new_object(const Instance& instance, const Instr& instr,
                       std::vector<std::array<Slot, 2>>& stack) {
  gc::Heap& heap = instance.store->heap;
  const gc::TypeLayout& layout = gc::layout_of(instance.type_ids[instr.a]);
  // The top `n` values as consecutive slots, v128 ones (rep) taking two.
  auto pop_slots = [&stack](size_t n, auto rep_of_value) {
    std::vector<Slot> slots;
    const size_t first = stack.size() - n;
    for (size_t i = first; i < stack.size(); ++i) {
      slots.push_back(stack[i][0]);
      if (rep_of_value(i - first) == gc::Rep::V128) slots.push_back(stack[i][1]);
    }
    stack.resize(first);
    return slots;
  };
  Ref r = kNullRef;
  switch (instr.op) {
  case Op::StructNew: {
    std::vector<Slot> values =
        pop_slots(layout.fields.size(), [&](size_t i) { return layout.fields[i].rep; });
    r = gc::new_struct(heap, layout, values.data());
    break;
  }
  case Op::StructNewDefault: r = gc::new_struct(heap, layout, nullptr); break;
  case Op::ArrayNew:
  case Op::ArrayNewDefault: {
    const auto length = static_cast<uint32_t>(stack.back()[0]);
    stack.pop_back();
    if (instr.op == Op::ArrayNew) {
      std::vector<Slot> init = pop_slots(1, [&](size_t) { return layout.elem; });
      r = gc::new_array_filled(heap, layout, length, init.data());
    } else {
      r = reinterpret_cast<Ref>(gc::new_array(heap, layout, length));
    }
    break;
  }
  default: { // array.new_fixed
    std::vector<Slot> values = pop_slots(instr.b, [&](size_t) { return layout.elem; });
    r = gc::new_array_fixed(heap, layout, instr.b, values.data());
    break;
  }
  }
  if (r == kNullRef) return failure_at(instr.offset, gc::kHeapLimit);
  return r;
}

} // namespace

Status eval_const_expr(const Instance& instance, ConstExpr expr, Slot out[2]) {
  const Module& module = *instance.module;
  // The usual segment offset, one i32.const or i64.const, without the
  // general evaluator (its stack and decoder cost ~0.2 us; esbuild has
  // 100,000 data segments).
  if (const uint8_t* p = module.data_at(expr);
      expr.size >= 3 && (p[0] == 0x41 || p[0] == 0x42) && p[expr.size - 1] == 0x0B) {
    Reader r(p + 1, expr.size - 2, expr.offset + 1);
    if (p[0] == 0x41) {
      if (auto v = r.s32(); v.ok() && r.at_end()) {
        out[0] = static_cast<uint32_t>(*v), out[1] = 0;
        return {};
      }
    } else if (auto v = r.s64(); v.ok() && r.at_end()) {
      out[0] = static_cast<uint64_t>(*v), out[1] = 0;
      return {};
    }
  }
  InstrReader reader(module.data_at(expr), expr.size, expr.offset);
  std::vector<std::array<Slot, 2>> stack;
  auto pop = [&stack] {
    std::array<Slot, 2> top = stack.back();
    stack.pop_back();
    return top[0];
  };
  auto push = [&stack](Slot lo, Slot hi = 0) { stack.push_back({lo, hi}); };
  Instr instr;
  while (!reader.at_end()) {
    KITE_TRY(reader.next(instr));
    switch (instr.op) {
    case Op::I32Const: push(static_cast<uint32_t>(instr.i32)); break;
    case Op::I64Const: push(static_cast<uint64_t>(instr.i64)); break;
    case Op::F32Const: push(instr.f32); break;
    case Op::F64Const: push(instr.f64); break;
    case Op::V128Const: {
      Slot lanes[2];
      std::memcpy(lanes, instr.v128.data(), sizeof lanes);
      push(lanes[0], lanes[1]);
      break;
    }
    case Op::GlobalGet: {
      const Global& global = *instance.globals[instr.a];
      push(global.value[0], global.value[1]);
      break;
    }
    case Op::RefNull: push(kNullRef); break;
    case Op::RefFunc: push(reinterpret_cast<Ref>(instance.functions[instr.a])); break;
    case Op::RefI31: push(make_i31(static_cast<uint32_t>(pop()))); break;
    case Op::StructNew:
    case Op::StructNewDefault:
    case Op::ArrayNew:
    case Op::ArrayNewDefault:
    case Op::ArrayNewFixed: {
      // Without GC the decoder has rejected these (and no heap objects link).
      if constexpr (KITE_GC) {
        KITE_TRY_ASSIGN(Ref r, new_object(instance, instr, stack));
        push(r);
      }
      break;
    }
    // Host and GC references share one representation, so converting between
    // the extern and any hierarchies keeps the reference as it is.
    case Op::AnyConvertExtern:
    case Op::ExternConvertAny: break;
    case Op::I32Add: push(static_cast<uint32_t>(pop() + pop())); break;
    case Op::I32Mul: push(static_cast<uint32_t>(pop() * pop())); break;
    case Op::I32Sub: {
      Slot rhs = pop();
      push(static_cast<uint32_t>(pop() - rhs));
      break;
    }
    case Op::I64Add: push(pop() + pop()); break;
    case Op::I64Mul: push(pop() * pop()); break;
    case Op::I64Sub: {
      Slot rhs = pop();
      push(pop() - rhs);
      break;
    }
    case Op::End:
      out[0] = stack.back()[0];
      out[1] = stack.back()[1];
      return {};
    default:
      return failure_at(instr.offset, "constant expression: " + std::string(op_name(instr.op)) +
                                          " is not supported by kite yet");
    }
  }
  return failure_at(expr.offset, "constant expression without end");
}

} // namespace kite
