// The validator's private interface, shared by validate.cpp (module level,
// the general instruction path) and fast_path.cpp (the hot loop's fast
// path). Not for use outside src/validate.
#pragma once

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "binary/instr_reader.h"
#include "model/module.h"
#include "model/type_registry.h"
#include "opcodes/opcodes.h"
#include "support/result.h"

namespace kite {

// The module-level facts function bodies are checked against. Built by
// validate_module; kept with the module (Module::deferred_bodies) when bodies
// are validated lazily.
struct BodyFacts {
  // Canonicalised function types per type index (empty for non-function
  // types), so operand types compare as canonical ValTypes.
  std::vector<FuncType> funcs;
  // Each function's type index, densely (a call's lookup misses the cache
  // far less than in the module's FunctionDecls).
  std::vector<uint32_t> func_types;
  std::vector<uint8_t> declared_refs; // C.refs: functions referenced outside bodies
};

namespace validation {

inline constexpr ValType kBot{ValKind::Bot, false, {}};
inline constexpr ValType kI32{ValKind::I32, false, {}};
inline constexpr ValType kI64{ValKind::I64, false, {}};

inline bool is_defaultable(ValType t) { return !t.is_ref() || t.nullable; }
inline ValType ref_of(HeapKind k, bool nullable) {
  return ValType::ref(HeapType::abstract(k), nullable);
}

// The operand stack: one growable buffer of ValTypes, which the fast path
// also reads and writes through raw pointers (up to capacity()).
class OperandStack {
public:
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  ValType* data() { return buf_.get(); }
  const ValType* data() const { return buf_.get(); }
  ValType& back() { return buf_[size_ - 1]; }
  const ValType& back() const { return buf_[size_ - 1]; }
  [[gnu::always_inline]] void push_back(ValType t) {
    if (size_ == capacity_) grow(size_ + 1);
    buf_[size_++] = t;
  }
  void pop_back() { --size_; }
  void truncate(size_t n) { size_ = n; } // n <= size()
  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n > capacity_) grow(n);
  }
  // After the fast path wrote entries [0, n) directly.
  void set_size(size_t n) { size_ = n; }

private:
  void grow(size_t n);
  std::unique_ptr<ValType[]> buf_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// One entry of the control stack.
struct Frame {
  Op op;                 // Block, Loop, If, Else, Try, Catch, CatchAll, TryTable
  const ValType* params; // block parameters
  uint32_t num_params;
  const ValType* results; // nullptr: the single result is `single`
  uint32_t num_results;
  ValType single;
  uint32_t height;      // operand stack height at entry (after params popped)
  uint32_t init_height; // length of the local-initialisation log at entry
  bool unreachable;

  std::span<const ValType> param_types() const { return {params, num_params}; }
  std::span<const ValType> result_types() const {
    return {results ? results : &single, num_results};
  }
  // The types a branch to this frame carries.
  std::span<const ValType> label_types() const {
    return op == Op::Loop ? param_types() : result_types();
  }
};

class Validator {
public:
  // Module validation: fills `facts` while checking the module-level parts.
  static Validator for_module(const Module& m, BodyFacts& facts) { return {m, facts, &facts}; }
  // Body validation against the facts of a validated module.
  static Validator for_bodies(const Module& m, const BodyFacts& facts) {
    return {m, facts, nullptr};
  }

  // Everything but function bodies; `canonical_types` is m.canonical_types,
  // filled here.
  Status check_module(std::vector<uint32_t>& canonical_types);
  // A defined function's body; the error names the function.
  Status check_body(uint32_t func_index);

private:
  Validator(const Module& m, const BodyFacts& facts, BodyFacts* building)
      : m_(m), reg_(TypeRegistry::global()), facts_(facts), building_(building) {}

  // ---- module level ----
  Status check_types(std::vector<uint32_t>& canonical_types);
  Status check_imports();
  Status check_functions();
  Status check_tables();
  Status check_memories();
  Status check_tags();
  Status check_globals();
  Status check_exports();
  Status check_start();
  Status check_elems();
  Status check_datas();
  Status check_limits(const Limits& l, uint64_t max_size, const char* what, uint64_t at);
  Status check_func_type_index(uint32_t type_index, uint64_t at);
  Status check_val_type(ValType t, uint64_t at) const;
  Status check_heap_type(HeapType h, uint64_t at) const;
  ValType canon(ValType t) const {
    if (t.is_ref() && t.heap.is_index()) t.heap.index = m_.canonical_types[t.heap.index];
    return t;
  }
  HeapType canon(HeapType h) const {
    if (h.is_index()) h.index = m_.canonical_types[h.index];
    return h;
  }
  bool subtype(ValType a, ValType b) const { return reg_.val_subtype(a, b); }
  ValType table_addr(uint32_t t) const { return m_.tables[t].type.limits.is64 ? kI64 : kI32; }
  ValType mem_addr(uint32_t mi) const { return m_.memories[mi].limits.is64 ? kI64 : kI32; }

  // ---- expressions ----
  Status validate_const(ConstExpr e, ValType expected, uint32_t visible_globals);
  Status validate_function(uint32_t func_index);
  Status run_body(InstrReader& in, uint64_t body_end);
  const uint8_t* fast_run(const uint8_t* p, const uint8_t* end, const uint8_t*& last);
  bool fast_const(ConstExpr e, ValType expected) const;
  Failure missing_end(uint64_t at) const;
  Error in_function(uint32_t func_index, Error e) const;
  Status instruction();
  Status gc_instruction(); // gc_instructions.cpp, with KITE_GC
  Status exception_instruction(); // exception_instructions.cpp, with KITE_EXCEPTIONS
  Status generic(const OpInfo& info);
  Status check_const_instr();

  // Operand stack.
  [[gnu::always_inline]] void push(ValType t) { stack_.push_back(t); }
  void push_all(std::span<const ValType> ts) {
    for (ValType t : ts)
      stack_.push_back(t);
  }
  Result<ValType> pop();
  // Inline for the common case, a number of exactly the expected type on top.
  [[gnu::always_inline]] Result<ValType> pop(ValType expected) {
    if (expected.is_num() && stack_.size() > frames_.back().height &&
        stack_.back().kind == expected.kind) {
      stack_.pop_back();
      return expected;
    }
    return pop_slow(expected);
  }
  Result<ValType> pop_slow(ValType expected);
  Result<ValType> pop_ref();
  Status pop_all(std::span<const ValType> ts);
  void set_unreachable();
  Status push_frame(Op op, const BlockType& bt);
  Status pop_frame_results(const Frame& f);
  void reset_locals_to(uint32_t init_height);
  Status block_signature(const BlockType& bt, Frame& f);

  // Immediates.
  Result<const Frame*> label(uint32_t depth);
  Status check_memory(uint32_t mi);
  Status check_table(uint32_t ti);
  Status check_func(uint32_t fi);
  Status check_global(uint32_t gi);
  Status check_tag(uint32_t ti);
  Status check_elem(uint32_t ei);
  Status check_data(uint32_t di);
  Result<const FuncType*> func_type_at(uint32_t type_index);
  Result<const CompositeType*> composite_at(uint32_t type_index, CompositeKind kind);
  Status check_mem_arg(const MemArg& ma, Op op);
  Status call(const FuncType& ft, bool tail);
  Status br_on_cast(bool on_fail);

  Failure fail(const char* message) const { return failure_at(in_.offset, message); }
  Failure fail(std::string message) const { return failure_at(in_.offset, std::move(message)); }
  Failure mismatch() const { return fail("type mismatch"); }

  const Module& m_;
  TypeRegistry& reg_;
  const BodyFacts& facts_;
  BodyFacts* building_; // the facts being filled (module validation only)

  // Per-expression state, reused across functions (no allocation per instruction).
  bool const_mode_ = false;
  uint32_t visible_globals_ = 0;
  OperandStack stack_;
  std::vector<Frame> frames_;
  std::vector<ValType> locals_;
  std::vector<uint8_t> local_init_;
  std::vector<uint32_t> init_log_;
  std::vector<ValType> scratch_;
  const FuncType* current_ = nullptr;
  Instr in_;
};

// An opcodes.def signature ("ii>i"; 'a' is the memory's address type)
// decoded once per op rather than parsed at every instruction.
inline constexpr ValKind kAddress = ValKind::Bot;
struct SigShape {
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  std::array<ValKind, 4> params{};
  std::array<ValKind, 2> results{};
};
const SigShape& sig_shape(Op op);

} // namespace validation
} // namespace kite
