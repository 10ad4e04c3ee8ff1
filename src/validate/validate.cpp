// Function-level validation (the bodies, on several threads), and the
// entry points validate_module / validate_function_body; the module level
// is in module_checks.cpp, the fast path for common instructions, which a
// build may leave out, in fast_path.cpp.
#include "validate/validate.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <span>
#include <string>
#include <thread>

#include "validate/validator.h"

namespace kite {

struct DeferredBodies {
  BodyFacts facts;
  // Per function index: its body has been validated. Only a flag (the bytes
  // never change), so relaxed accesses suffice.
  std::unique_ptr<std::atomic<bool>[]> validated;
};

namespace validation {

Status Validator::check_body(uint32_t func_index) {
  Status s = validate_function(func_index);
  if (!s.ok()) return in_function(func_index, std::move(s).error());
  return {};
}

// Names the function (and the instruction, when one was being checked) in a
// body error: "type mismatch (in func 3 $fac at i64.const)".
Error Validator::in_function(uint32_t func_index, Error e) const {
  std::string where = "in func " + std::to_string(func_index);
  if (std::string_view name = m_.function_name(func_index); !name.empty()) {
    where += " $";
    where += name;
  }
  if (in_.offset >= m_.functions[func_index].body.offset && in_.offset <= e.offset) {
    where += " at " + std::string(op_name(in_.op));
  }
  e.message += " (" + where + ")";
  return e;
}

// ---------------------------------------------------------------- operand stack

Result<ValType> Validator::pop() {
  const Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return kBot;
    return mismatch();
  }
  ValType t = stack_.back();
  stack_.pop_back();
  return t;
}

Result<ValType> Validator::pop_slow(ValType expected) {
  KITE_TRY_ASSIGN(ValType t, pop());
  if (!subtype(t, expected)) return mismatch();
  return t;
}

Result<ValType> Validator::pop_ref() {
  KITE_TRY_ASSIGN(ValType t, pop());
  if (t.kind == ValKind::Bot) return ValType::ref(HeapType::abstract(HeapKind::Bot), false);
  if (!t.is_ref()) return mismatch();
  return t;
}

Status Validator::pop_all(std::span<const ValType> ts) {
  for (size_t i = ts.size(); i-- > 0;)
    KITE_TRY(pop(ts[i]));
  return {};
}

void Validator::set_unreachable() {
  Frame& f = frames_.back();
  stack_.truncate(f.height);
  f.unreachable = true;
}

Status Validator::block_signature(const BlockType& bt, Frame& f) {
  f.params = nullptr;
  f.num_params = 0;
  f.results = nullptr;
  f.num_results = 0;
  switch (bt.kind) {
  case BlockType::Kind::Empty: break;
  case BlockType::Kind::Value:
    KITE_TRY(check_val_type(bt.value, in_.offset));
    f.single = canon(bt.value);
    f.num_results = 1;
    break;
  case BlockType::Kind::Index: {
    KITE_TRY_ASSIGN(const FuncType* ft, func_type_at(bt.index));
    f.params = ft->params.data();
    f.num_params = static_cast<uint32_t>(ft->params.size());
    f.results = ft->results.data();
    f.num_results = static_cast<uint32_t>(ft->results.size());
    break;
  }
  }
  return {};
}

Status Validator::push_frame(Op op, const BlockType& bt) {
  Frame f{};
  f.op = op;
  KITE_TRY(block_signature(bt, f));
  if (op == Op::If) KITE_TRY(pop(kI32)); // after the block type, whose errors come first
  KITE_TRY(pop_all(f.param_types()));
  f.height = static_cast<uint32_t>(stack_.size());
  f.init_height = static_cast<uint32_t>(init_log_.size());
  frames_.push_back(f);
  push_all(f.param_types());
  return {};
}

// Checks that the stack holds exactly the frame's results, and pops them.
Status Validator::pop_frame_results(const Frame& f) {
  KITE_TRY(pop_all(f.result_types()));
  if (stack_.size() != f.height) return mismatch();
  return {};
}

void Validator::reset_locals_to(uint32_t init_height) {
  while (init_log_.size() > init_height) {
    local_init_[init_log_.back()] = 0;
    init_log_.pop_back();
  }
}

// ---------------------------------------------------------------- immediates

Result<const Frame*> Validator::label(uint32_t depth) {
  if (depth >= frames_.size()) return fail("unknown label");
  return &frames_[frames_.size() - 1 - depth];
}

Status Validator::check_memory(uint32_t mi) {
  if (mi >= m_.memories.size()) return fail("unknown memory " + std::to_string(mi));
  return {};
}
Status Validator::check_table(uint32_t ti) {
  if (ti >= m_.tables.size()) return fail("unknown table " + std::to_string(ti));
  return {};
}
Status Validator::check_func(uint32_t fi) {
  if (fi >= m_.functions.size()) return fail("unknown function " + std::to_string(fi));
  return {};
}
Status Validator::check_global(uint32_t gi) {
  if (gi >= (const_mode_ ? visible_globals_ : m_.globals.size())) {
    return fail("unknown global " + std::to_string(gi));
  }
  return {};
}
Status Validator::check_tag(uint32_t ti) {
  if (ti >= m_.tags.size()) return fail("unknown tag " + std::to_string(ti));
  return {};
}
Status Validator::check_elem(uint32_t ei) {
  if (ei >= m_.elems.size()) return fail("unknown elem segment " + std::to_string(ei));
  return {};
}
Status Validator::check_data(uint32_t di) {
  if (!m_.data_count) return fail("data count section required");
  if (di >= *m_.data_count) return fail("unknown data segment " + std::to_string(di));
  return {};
}

Result<const FuncType*> Validator::func_type_at(uint32_t type_index) {
  if (type_index >= m_.types.size() || m_.types[type_index].comp.kind != CompositeKind::Func) {
    return fail("unknown type " + std::to_string(type_index));
  }
  return &facts_.funcs[type_index];
}

Status Validator::check_mem_arg(const MemArg& ma, Op op) {
  KITE_TRY(check_memory(ma.memory));
  const uint32_t bytes = memory_access_bytes(op);
  const uint32_t natural = static_cast<uint32_t>(__builtin_ctz(bytes));
  if (is_atomic_op(op)) {
    if (ma.align_log2 != natural) return fail("alignment must be exactly natural");
  } else if (ma.align_log2 > natural) {
    return fail("alignment must not be larger than natural");
  }
  if (!m_.memories[ma.memory].limits.is64 && ma.offset > UINT32_MAX) {
    return fail("offset out of range");
  }
  return {};
}

// ---------------------------------------------------------------- expressions

void OperandStack::grow(size_t n) {
  const size_t capacity = std::max(n, 2 * capacity_ + 64);
  auto buf = std::make_unique_for_overwrite<ValType[]>(capacity);
  std::copy_n(buf_.get(), size_, buf.get());
  buf_ = std::move(buf);
  capacity_ = capacity;
}

Status Validator::run_body(InstrReader& in, uint64_t body_end) {
  Reader& r = in.raw();
  while (!frames_.empty()) {
    // The fast path takes what it can; the rest (and every error) goes
    // through InstrReader and instruction() below.
    if constexpr (KITE_VALIDATION_FAST_PATH) {
      if (!const_mode_) {
        const uint8_t* const start = r.cursor();
        const uint8_t* last = nullptr;
        const uint8_t* const p = fast_run(start, start + r.remaining(), last);
        if (last) {
          // Where the walk is, for in_function's message.
          in_.offset = r.offset() + static_cast<uint64_t>(last - start);
          in_.op = *op_from_code(0, *last);
        }
        r.skip(static_cast<size_t>(p - start));
        if (frames_.empty()) break;
      }
    }
    if (in.at_end()) return missing_end(in.offset());
    KITE_TRY(in.next(in_));
    if (const_mode_) KITE_TRY(check_const_instr());
    KITE_TRY(instruction());
  }
  if (in.offset() != body_end) return failure_at(in.offset(), "section size mismatch");
  return {};
}

Status Validator::validate_const(ConstExpr e, ValType expected, uint32_t visible_globals) {
  if constexpr (KITE_VALIDATION_FAST_PATH) {
    if (fast_const(e, expected)) return {};
  }
  const_mode_ = true;
  visible_globals_ = visible_globals;
  stack_.clear();
  frames_.clear();
  locals_.clear();
  Frame f{};
  f.op = Op::Block;
  f.single = expected;
  f.num_results = 1;
  frames_.push_back(f);
  InstrReader in(m_.data_at(e), e.size, e.offset);
  Status s = run_body(in, e.offset + e.size);
  const_mode_ = false;
  return s;
}

Status Validator::validate_function(uint32_t func_index) {
  const FunctionDecl& fd = m_.functions[func_index];
  current_ = &facts_.funcs[fd.type_index];
  // Sized once and filled in place: this runs for every function.
  const size_t num_params = current_->params.size();
  locals_.resize(num_params + fd.num_locals);
  local_init_.resize(locals_.size());
  std::copy(current_->params.begin(), current_->params.end(), locals_.begin());
  std::fill_n(local_init_.begin(), num_params, 1);
  size_t at = num_params;
  for (const LocalGroup& g : m_.local_groups_of(fd)) {
    const ValType t = canon(g.type);
    std::fill_n(locals_.begin() + at, g.count, t);
    std::fill_n(local_init_.begin() + at, g.count, is_defaultable(t));
    at += g.count;
  }
  init_log_.clear();
  stack_.clear();
  frames_.clear();
  Frame f{};
  f.op = Op::Block;
  f.results = current_->results.data();
  f.num_results = static_cast<uint32_t>(current_->results.size());
  frames_.push_back(f);
  InstrReader in(m_.data_at(fd.body), fd.body.size, fd.body.offset);
  return run_body(in, uint64_t{fd.body.offset} + fd.body.size);
}

// A body ran out before its final `end`. The spec's reference decoder reads
// on into the following bytes, so the testsuite expects the message that
// reading would produce: end of input, or the next section's id 0x0b taken
// as `end` (then the code section is larger than declared), or anything
// else where an `end` was required.
Failure Validator::missing_end(uint64_t at) const {
  if (at >= m_.bytes.size()) return failure_at(at, "unexpected end of section or function");
  if (m_.bytes[at] == 0x0B) return failure_at(at, "section size mismatch");
  return failure_at(at, "END opcode expected");
}

Status Validator::check_const_instr() {
  switch (in_.op) {
  case Op::I32Const:
  case Op::I64Const:
  case Op::F32Const:
  case Op::F64Const:
  case Op::V128Const:
  case Op::RefNull:
  case Op::RefFunc:
  case Op::I32Add:
  case Op::I32Sub:
  case Op::I32Mul:
  case Op::I64Add:
  case Op::I64Sub:
  case Op::I64Mul:
  case Op::RefI31:
  case Op::StructNew:
  case Op::StructNewDefault:
  case Op::ArrayNew:
  case Op::ArrayNewDefault:
  case Op::ArrayNewFixed:
  case Op::AnyConvertExtern:
  case Op::ExternConvertAny:
  case Op::End: return {};
  case Op::GlobalGet:
    KITE_TRY(check_global(in_.a));
    if (m_.globals[in_.a].type.mut) return fail("constant expression required");
    return {};
  default: return fail("constant expression required");
  }
}

const SigShape& sig_shape(Op op) {
  static const auto* const shapes = [] {
    auto* table = new std::array<SigShape, kNumOps>();
    for (uint32_t i = 0; i < kNumOps; ++i) {
      SigShape& s = (*table)[i];
      bool results = false;
      for (char c : op_info(static_cast<Op>(i)).sig()) {
        if (c == '>') {
          results = true;
          continue;
        }
        const ValKind k = c == 'i'   ? ValKind::I32
                          : c == 'l' ? ValKind::I64
                          : c == 'f' ? ValKind::F32
                          : c == 'd' ? ValKind::F64
                          : c == 'v' ? ValKind::V128
                                     : kAddress;
        if (results)
          s.results.at(s.num_results++) = k;
        else
          s.params.at(s.num_params++) = k;
      }
    }
    return table;
  }();
  return (*shapes)[static_cast<uint16_t>(op)];
}

// Instructions with a fixed signature in opcodes.def, plus the checks their
// immediates need.
Status Validator::generic(const OpInfo& info) {
  uint32_t memory = 0;
  switch (info.imm) {
  case ImmKind::MemArg:
  case ImmKind::MemArgLane:
    KITE_TRY(check_mem_arg(in_.mem, in_.op));
    memory = in_.mem.memory;
    if (info.imm == ImmKind::MemArgLane && in_.lane >= 16 / memory_access_bytes(in_.op)) {
      return fail("invalid lane index");
    }
    break;
  case ImmKind::Mem:
    KITE_TRY(check_memory(in_.a));
    memory = in_.a;
    break;
  case ImmKind::Lane: {
    // The shape prefix gives the lane count: i8x16, i16x8, i32x4, i64x2, ...
    uint32_t lanes = 0;
    const std::string_view name = info.name();
    for (size_t i = name.find('x') + 1; name[i] >= '0' && name[i] <= '9'; ++i) {
      lanes = lanes * 10 + static_cast<uint32_t>(name[i] - '0');
    }
    if (in_.lane >= lanes) return fail("invalid lane index");
    break;
  }
  case ImmKind::Shuffle:
    for (uint8_t l : in_.v128) {
      if (l >= 32) return fail("invalid lane index");
    }
    break;
  case ImmKind::Data: KITE_TRY(check_data(in_.a)); break;
  case ImmKind::Elem: KITE_TRY(check_elem(in_.a)); break;
  default: break;
  }
  const SigShape& shape = sig_shape(in_.op);
  auto type_of = [&](ValKind k) {
    return k == kAddress ? mem_addr(memory) : ValType{k, false, {}};
  };
  for (size_t i = shape.num_params; i-- > 0;)
    KITE_TRY(pop(type_of(shape.params[i])));
  for (size_t i = 0; i < shape.num_results; ++i)
    push(type_of(shape.results[i]));
  return {};
}

Status Validator::call(const FuncType& ft, bool tail) {
  KITE_TRY(pop_all(ft.params));
  if (!tail) {
    push_all(ft.results);
    return {};
  }
  // A tail call returns the callee's results from the caller.
  const auto& mine = current_->results;
  if (const_mode_ || ft.results.size() != mine.size()) return mismatch();
  for (size_t i = 0; i < mine.size(); ++i) {
    if (!subtype(ft.results[i], mine[i])) return mismatch();
  }
  set_unreachable();
  return {};
}

Status Validator::instruction() {
  const OpInfo& info = op_info(in_.op);
  if (info.has_sig()) return generic(info);
  // Without GC or exceptions the decoder has rejected their instructions.
  if constexpr (KITE_GC) {
    if (info.feature == Feature::Gc) return gc_instruction();
  }
  if constexpr (KITE_EXCEPTIONS) {
    if (info.feature == Feature::Exceptions) return exception_instruction();
  }

  switch (in_.op) {
  // ---- control ----
  case Op::Unreachable: set_unreachable(); return {};
  case Op::Block:
  case Op::Loop: return push_frame(in_.op, in_.block);
  case Op::If: return push_frame(Op::If, in_.block);
  case Op::Else: {
    Frame& f = frames_.back();
    if (f.op != Op::If) return fail("else without matching if");
    KITE_TRY(pop_frame_results(f));
    f.op = Op::Else;
    f.unreachable = false;
    reset_locals_to(f.init_height);
    push_all(f.param_types());
    return {};
  }
  case Op::End: {
    const Frame f = frames_.back();
    KITE_TRY(pop_frame_results(f));
    // An `if` without `else` behaves as if the else passed its params through.
    if (f.op == Op::If) {
      const auto p = f.param_types();
      const auto r = f.result_types();
      if (p.size() != r.size()) return mismatch();
      for (size_t i = 0; i < p.size(); ++i) {
        if (!subtype(p[i], r[i])) return mismatch();
      }
    }
    reset_locals_to(f.init_height);
    frames_.pop_back();
    push_all(f.result_types());
    return {};
  }
  case Op::Br: {
    KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
    KITE_TRY(pop_all(target->label_types()));
    set_unreachable();
    return {};
  }
  case Op::BrIf: {
    KITE_TRY(pop(kI32));
    KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
    const auto types = target->label_types();
    KITE_TRY(pop_all(types));
    push_all(types);
    return {};
  }
  case Op::BrTable: {
    KITE_TRY(pop(kI32));
    KITE_TRY_ASSIGN(const Frame* deflt, label(in_.labels.back()));
    const size_t arity = deflt->label_types().size();
    for (uint32_t depth : in_.labels) {
      KITE_TRY_ASSIGN(const Frame* target, label(depth));
      const auto types = target->label_types();
      if (types.size() != arity) return mismatch();
      // Check the operands against this label without consuming them.
      scratch_.resize(arity);
      for (size_t i = arity; i-- > 0;) {
        KITE_TRY_ASSIGN(scratch_[i], pop(types[i]));
      }
      push_all(scratch_);
    }
    KITE_TRY(pop_all(deflt->label_types()));
    set_unreachable();
    return {};
  }
  case Op::Return:
    if (const_mode_) return fail("constant expression required");
    KITE_TRY(pop_all(current_->results));
    set_unreachable();
    return {};
  case Op::Call:
  case Op::ReturnCall:
    KITE_TRY(check_func(in_.a));
    return call(facts_.funcs[m_.functions[in_.a].type_index], in_.op == Op::ReturnCall);
  case Op::CallIndirect:
  case Op::ReturnCallIndirect: {
    KITE_TRY(check_table(in_.b));
    if (!subtype(canon(m_.tables[in_.b].type.elem), ValType::funcref())) return mismatch();
    KITE_TRY_ASSIGN(const FuncType* ft, func_type_at(in_.a));
    KITE_TRY(pop(table_addr(in_.b)));
    return call(*ft, in_.op == Op::ReturnCallIndirect);
  }
  case Op::CallRef:
  case Op::ReturnCallRef: {
    KITE_TRY_ASSIGN(const FuncType* ft, func_type_at(in_.a));
    KITE_TRY(pop(ValType::ref(canon(HeapType::of_index(in_.a)), true)));
    return call(*ft, in_.op == Op::ReturnCallRef);
  }
  case Op::Drop: KITE_TRY(pop()); return {};
  case Op::Select: {
    KITE_TRY(pop(kI32));
    KITE_TRY_ASSIGN(ValType t1, pop());
    KITE_TRY_ASSIGN(ValType t2, pop());
    if (t1.is_ref() || t2.is_ref()) return mismatch();
    if (t1.kind != ValKind::Bot && t2.kind != ValKind::Bot && !(t1 == t2)) return mismatch();
    push(t1.kind == ValKind::Bot ? t2 : t1);
    return {};
  }
  case Op::SelectT: {
    if (in_.select_types.size() != 1) return fail("invalid result arity");
    KITE_TRY(check_val_type(in_.select_types[0], in_.offset));
    const ValType t = canon(in_.select_types[0]);
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(t));
    KITE_TRY(pop(t));
    push(t);
    return {};
  }

  // ---- variables ----
  case Op::LocalGet:
    if (in_.a >= locals_.size()) return fail("unknown local " + std::to_string(in_.a));
    if (!local_init_[in_.a]) return fail("uninitialized local");
    push(locals_[in_.a]);
    return {};
  case Op::LocalSet:
  case Op::LocalTee:
    if (in_.a >= locals_.size()) return fail("unknown local " + std::to_string(in_.a));
    KITE_TRY(pop(locals_[in_.a]));
    if (!local_init_[in_.a]) {
      local_init_[in_.a] = 1;
      init_log_.push_back(in_.a);
    }
    if (in_.op == Op::LocalTee) push(locals_[in_.a]);
    return {};
  case Op::GlobalGet:
    KITE_TRY(check_global(in_.a));
    push(canon(m_.globals[in_.a].type.type));
    return {};
  case Op::GlobalSet:
    KITE_TRY(check_global(in_.a));
    if (!m_.globals[in_.a].type.mut) return fail("immutable global");
    KITE_TRY(pop(canon(m_.globals[in_.a].type.type)));
    return {};
  case Op::TableGet:
    KITE_TRY(check_table(in_.a));
    KITE_TRY(pop(table_addr(in_.a)));
    push(canon(m_.tables[in_.a].type.elem));
    return {};
  case Op::TableSet:
    KITE_TRY(check_table(in_.a));
    KITE_TRY(pop(canon(m_.tables[in_.a].type.elem)));
    KITE_TRY(pop(table_addr(in_.a)));
    return {};

  // ---- references ----
  case Op::RefNull:
    KITE_TRY(check_heap_type(in_.heap, in_.offset));
    push(ValType::ref(canon(in_.heap), true));
    return {};
  case Op::RefIsNull:
    KITE_TRY(pop_ref());
    push(kI32);
    return {};
  case Op::RefFunc:
    KITE_TRY(check_func(in_.a));
    if (const_mode_) {
      building_->declared_refs[in_.a] = true; // const expressions are module level
    } else if (!facts_.declared_refs[in_.a]) {
      return fail("undeclared function reference");
    }
    push(ValType::ref(canon(HeapType::of_index(m_.functions[in_.a].type_index)), false));
    return {};
  case Op::RefAsNonNull: {
    KITE_TRY_ASSIGN(ValType t, pop_ref());
    push(ValType::ref(t.heap, false));
    return {};
  }
  case Op::BrOnNull: {
    KITE_TRY_ASSIGN(ValType t, pop_ref());
    KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
    const auto types = target->label_types();
    KITE_TRY(pop_all(types));
    push_all(types);
    push(ValType::ref(t.heap, false));
    return {};
  }
  case Op::BrOnNonNull: {
    KITE_TRY_ASSIGN(const Frame* target, label(in_.a));
    const auto types = target->label_types();
    if (types.empty() || !types.back().is_ref()) return mismatch();
    KITE_TRY_ASSIGN(ValType t, pop_ref());
    if (!subtype(ValType::ref(t.heap, false), types.back())) return mismatch();
    scratch_.assign(types.begin(), types.end() - 1);
    KITE_TRY(pop_all(scratch_));
    push_all(scratch_);
    return {};
  }

  // ---- bulk memory and tables ----
  case Op::MemoryInit:
    KITE_TRY(check_memory(in_.b));
    KITE_TRY(check_data(in_.a));
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(mem_addr(in_.b)));
    return {};
  case Op::MemoryCopy: {
    KITE_TRY(check_memory(in_.a));
    KITE_TRY(check_memory(in_.b));
    const ValType dst = mem_addr(in_.a);
    const ValType src = mem_addr(in_.b);
    // The length is 64-bit only if both memories are.
    KITE_TRY(pop(dst.kind == ValKind::I64 && src.kind == ValKind::I64 ? kI64 : kI32));
    KITE_TRY(pop(src));
    KITE_TRY(pop(dst));
    return {};
  }
  case Op::TableInit:
    KITE_TRY(check_table(in_.b));
    KITE_TRY(check_elem(in_.a));
    if (!subtype(canon(m_.elems[in_.a].type), canon(m_.tables[in_.b].type.elem))) {
      return mismatch();
    }
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(kI32));
    KITE_TRY(pop(table_addr(in_.b)));
    return {};
  case Op::TableCopy: {
    KITE_TRY(check_table(in_.a));
    KITE_TRY(check_table(in_.b));
    if (!subtype(canon(m_.tables[in_.b].type.elem), canon(m_.tables[in_.a].type.elem))) {
      return mismatch();
    }
    const ValType dst = table_addr(in_.a);
    const ValType src = table_addr(in_.b);
    KITE_TRY(pop(dst.kind == ValKind::I64 && src.kind == ValKind::I64 ? kI64 : kI32));
    KITE_TRY(pop(src));
    KITE_TRY(pop(dst));
    return {};
  }
  case Op::TableGrow:
    KITE_TRY(check_table(in_.a));
    KITE_TRY(pop(table_addr(in_.a)));
    KITE_TRY(pop(canon(m_.tables[in_.a].type.elem)));
    push(table_addr(in_.a));
    return {};
  case Op::TableSize:
    KITE_TRY(check_table(in_.a));
    push(table_addr(in_.a));
    return {};
  case Op::TableFill:
    KITE_TRY(check_table(in_.a));
    KITE_TRY(pop(table_addr(in_.a)));
    KITE_TRY(pop(canon(m_.tables[in_.a].type.elem)));
    KITE_TRY(pop(table_addr(in_.a)));
    return {};
  default: break;
  }
  return fail("illegal opcode");
}

} // namespace validation

using validation::Validator;

// Every defined function's body, on several threads when there is enough
// code to pay for them (bodies are independent, and the type registry's
// lookups are lock-free). The error is the one a single thread would meet
// first: that of the lowest invalid function.
static Status check_bodies(const Module& m, const BodyFacts& facts, unsigned max_threads) {
  constexpr uint64_t kBytesPerThread = 1 << 20;
  // Threads take chunks in turn, several each, so that they finish together
  // even when one is slowed (by code that validates slower, or by another
  // process on its core).
  constexpr uint64_t kChunksPerThread = 8;
  const uint32_t first = m.num_imported_functions;
  const uint32_t end = static_cast<uint32_t>(m.functions.size());
  uint64_t code_bytes = 0;
  for (uint32_t i = first; i < end; ++i)
    code_bytes += m.functions[i].body.size;
  const uint64_t threads = std::min<uint64_t>(
      {max_threads ? max_threads : std::max(1u, std::thread::hardware_concurrency()),
       code_bytes / kBytesPerThread + 1, 16});
  const uint64_t chunks = threads == 1 ? 1 : threads * kChunksPerThread;
  // Chunks of about equal code size; chunk c ends where the bytes before it
  // reach (c + 1) / chunks of the total.
  std::vector<uint32_t> bounds{first};
  uint64_t seen = 0;
  for (uint32_t i = first; i < end && bounds.size() < chunks; ++i) {
    seen += m.functions[i].body.size;
    if (seen * chunks >= code_bytes * bounds.size()) bounds.push_back(i + 1);
  }
  bounds.push_back(end);
  const size_t num_chunks = bounds.size() - 1;
  std::vector<Status> results(num_chunks);
  std::atomic<size_t> next_chunk{0};
  std::atomic<size_t> first_failed{num_chunks}; // the lowest chunk with an invalid body
  auto work = [&] {
    Validator v = Validator::for_bodies(m, facts);
    // Chunks are taken in order: once one is past a failed chunk, all are.
    for (size_t c; (c = next_chunk.fetch_add(1, std::memory_order_relaxed)) < num_chunks &&
                   c < first_failed.load(std::memory_order_relaxed);) {
      for (uint32_t i = bounds[c]; i < bounds[c + 1]; ++i) {
        results[c] = v.check_body(i);
        if (results[c].ok()) continue;
        for (size_t failed = first_failed.load(); c < failed;)
          first_failed.compare_exchange_weak(failed, c);
        break;
      }
    }
  };
  std::vector<std::thread> workers;
  for (size_t t = 1; t < threads; ++t)
    workers.emplace_back(work);
  work();
  for (std::thread& w : workers)
    w.join();
  for (Status& s : results)
    KITE_TRY(std::move(s));
  return {};
}

Status validate_module(Module& m, BodyValidation bodies, unsigned max_threads) {
  auto deferred = std::make_shared<DeferredBodies>();
  Validator v = Validator::for_module(m, deferred->facts);
  m.deferred_bodies.reset();
  KITE_TRY(v.check_module(m.canonical_types));
  if (bodies == BodyValidation::Eager) return check_bodies(m, deferred->facts, max_threads);
  if (bodies == BodyValidation::Proven) return {};
  deferred->validated = std::make_unique<std::atomic<bool>[]>(m.functions.size());
  m.deferred_bodies = std::move(deferred);
  return {};
}

Status validate_function_body(const Module& m, uint32_t func_index) {
  const DeferredBodies* deferred = m.deferred_bodies.get();
  if (!deferred || m.is_imported_function(func_index)) return {};
  std::atomic<bool>& validated = deferred->validated[func_index];
  if (validated.load(std::memory_order_relaxed)) return {};
  Status s = Validator::for_bodies(m, deferred->facts).check_body(func_index);
  if (!s.ok()) {
    Error e = std::move(s).error();
    e.message = "invalid function body: " + e.message;
    if (e.kind == ErrorKind::Other) e.kind = ErrorKind::Invalid; // else Malformed
    return e;
  }
  validated.store(true, std::memory_order_relaxed);
  return {};
}

} // namespace kite
