#include "harness.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "binary/decoder.h"
#include "binary/instr_reader.h"
#include "interp/interp.h"
#include "runtime/instantiate.h"
#include "runtime/store.h"
#include "translate/ir.h"
#include "validate/validate.h"

namespace kite::fuzz {
namespace {

// There is no fuel yet, so a fuzzed module may only run code whose length is
// bounded before it starts: a body without `loop` only branches forward, so
// it executes each instruction at most once per call, and a call graph
// without cycles or indirect calls multiplies that by a computable factor.
// Bulk operations (memory.fill, table.grow, ...) are bounded by the small
// store limits below. A watchdog thread could not stop the interpreter
// safely, only abort, which libFuzzer's -timeout already does; the static
// bound keeps every run short instead, so real hangs stay findings.
constexpr uint64_t kMaxInstructions = 1'000'000;
constexpr StoreLimits kLimits{.max_memory_bytes = uint64_t{16} << 20,
                              .max_table_elements = 100'000,
                              .max_gc_heap_bytes = uint64_t{64} << 20};

bool never_returns_in_bounded_time(Op op) {
  switch (op) {
  case Op::Loop:
  case Op::CallIndirect:
  case Op::ReturnCallIndirect:
  case Op::CallRef:
  case Op::ReturnCallRef:
  case Op::MemoryAtomicWait32: // may wait forever
  case Op::MemoryAtomicWait64: return true;
  default: return false;
  }
}

// Instructions one call of each function may execute, or nullopt when that
// is not statically bounded (by kMaxInstructions).
class CostModel {
public:
  explicit CostModel(const Module& m) : m_(m), cost_(m.functions.size()), state_(cost_.size()) {}

  std::optional<uint64_t> cost(uint32_t func) {
    if (m_.is_imported_function(func)) return 1; // a dummy host function
    if (state_[func] == State::Done) return cost_[func];
    // Recursion, or a call chain too deep to follow on the native stack.
    if (state_[func] == State::Visiting || depth_ == kMaxDepth) return std::nullopt;
    state_[func] = State::Visiting;
    ++depth_;
    cost_[func] = body_cost(func);
    --depth_;
    state_[func] = State::Done;
    return cost_[func];
  }

private:
  enum class State : uint8_t { New, Visiting, Done };
  static constexpr uint32_t kMaxDepth = 1000;

  std::optional<uint64_t> body_cost(uint32_t func) {
    const FunctionDecl& f = m_.functions[func];
    InstrReader reader(m_.data_at(f.body), f.body.size, f.body.offset);
    Instr in;
    uint64_t total = 0;
    while (!reader.at_end()) {
      if (!reader.next(in).ok() || never_returns_in_bounded_time(in.op)) return std::nullopt;
      // An empty `block ... end` emits no code: not counting it keeps the
      // bound of a module and of its with_empty_blocks() twin the same.
      if (in.op != Op::Block && in.op != Op::End) ++total;
      if (in.op == Op::Call || in.op == Op::ReturnCall) {
        std::optional<uint64_t> callee = cost(in.a);
        if (!callee) return std::nullopt;
        total += *callee;
      }
      if (total > kMaxInstructions) return std::nullopt;
    }
    return total;
  }

  const Module& m_;
  std::vector<std::optional<uint64_t>> cost_;
  std::vector<State> state_;
  uint32_t depth_ = 0;
};

bool non_nullable_ref(ValType t) { return t.is_ref() && !t.nullable; }

// A host function of the import's exact type that returns zeros (or traps
// when it would have to return a non-null reference).
Function* dummy_function(Store& store, const Module& m, uint32_t type_index) {
  Function* f = store.new_function();
  f->type = &m.func_type(type_index);
  f->header.type_id = m.canonical_types[type_index];
  f->host = std::make_unique<HostFunction>();
  f->host->name = "dummy";
  const FuncType* type = f->type;
  f->host->callback = [type](HostContext&, const Slot*, Slot* results) -> Status {
    for (ValType t : type->results) {
      if (non_nullable_ref(t)) return Error{"dummy import cannot return a non-null reference"};
      for (uint32_t i = 0; i < slot_count(t); ++i)
        *results++ = 0;
    }
    return {};
  };
  return f;
}

// Dummies for every import, or nullopt when one cannot be made (a
// non-nullable reference has no zero value; a memory over the limits).
std::optional<std::vector<Extern>> dummy_imports(Store& store, const Module& m) {
  std::vector<Extern> externs;
  for (const Import& import : m.imports) {
    switch (import.kind) {
    case ExternKind::Func:
      externs.push_back(Extern::of(dummy_function(store, m, import.type_index)));
      break;
    case ExternKind::Table: {
      if (non_nullable_ref(import.table.elem)) return std::nullopt;
      Result<Table*> table = store.new_table(import.table, kNullRef);
      if (!table.ok()) return std::nullopt;
      (*table)->type_owner = &m;
      externs.push_back(Extern::of(*table));
      break;
    }
    case ExternKind::Memory: {
      Result<Memory*> memory = store.new_memory(import.memory);
      if (!memory.ok()) return std::nullopt;
      externs.push_back(Extern::of(*memory));
      break;
    }
    case ExternKind::Global: {
      if (non_nullable_ref(import.global.type)) return std::nullopt;
      Global* global = store.new_global(import.global);
      global->type_owner = &m;
      externs.push_back(Extern::of(global));
      break;
    }
    case ExternKind::Tag: {
      Tag* tag = store.new_tag();
      tag->type = &m.func_type(import.type_index);
      tag->type_id = m.canonical_types[import.type_index];
      externs.push_back(Extern::of(tag));
      break;
    }
    }
  }
  return externs;
}

// FNV-1a, for the transcript's digest of memories and globals.
uint64_t hash_bytes(uint64_t h, const void* data, size_t size) {
  for (size_t i = 0; i < size; ++i)
    h = (h ^ static_cast<const uint8_t*>(data)[i]) * 0x100000001b3;
  return h;
}

// The observable state of `instance`: sizes and contents of its memories
// (the first MiB of each) and the values of its numeric globals.
std::string state_digest(const Instance& instance) {
  uint64_t h = 0xcbf29ce484222325;
  for (const Memory* memory : instance.memories) {
    h = hash_bytes(h, &memory->size, sizeof memory->size);
    h = hash_bytes(h, memory->base, std::min<uint64_t>(memory->size, 1 << 20));
  }
  for (const Global* global : instance.globals) {
    if (!global->type.type.is_ref()) h = hash_bytes(h, global->value, sizeof global->value);
  }
  char text[32];
  std::snprintf(text, sizeof text, " state %016llx", static_cast<unsigned long long>(h));
  return text;
}

// Calls `fn` with zero arguments; appends "<name>: <result slots | trap>
// state <digest>" to `transcript`.
void call(Function& fn, const std::string& name, const Instance& instance,
          std::string& transcript) {
  const FuncType& type = *fn.type;
  size_t arg_slots = 0, result_slots = 0;
  for (ValType t : type.params) {
    if (non_nullable_ref(t)) return; // no zero value to pass
    arg_slots += slot_count(t);
  }
  for (ValType t : type.results)
    result_slots += slot_count(t);
  std::vector<Slot> args(arg_slots + 1), results(result_slots + 1);
  Status status = interp::invoke(fn, args.data(), results.data());
  transcript += name + ":";
  if (status.ok()) {
    const Slot* p = results.data();
    for (ValType t : type.results) {
      // A reference is an address, which differs between instances.
      if (t.is_ref()) {
        transcript += *p ? " ref" : " null";
      } else {
        char slot[24];
        for (uint32_t i = 0; i < slot_count(t); ++i) {
          std::snprintf(slot, sizeof slot, " %llx", static_cast<unsigned long long>(p[i]));
          transcript += slot;
        }
      }
      p += slot_count(t);
    }
  } else {
    check_error_message(status.error(), "call");
    // A translation failure names the instruction's offset, which differs
    // between a module and its with_empty_blocks() twin.
    std::string_view message = status.error().message;
    if (message.starts_with("offset ")) message.remove_prefix(message.find(": ") + 2);
    transcript += " trap ";
    transcript += message;
  }
  transcript += state_digest(instance) + "\n";
}

} // namespace

void check_error_message(const Error& e, const char* stage) {
  if (!e.message.empty()) return;
  std::fprintf(stderr, "%s failed without a message\n", stage);
  std::abort();
}

std::shared_ptr<Module> compile(std::span<const uint8_t> bytes) {
  auto decoded = decode_module(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  if (!decoded.ok()) {
    check_error_message(decoded.error(), "decode");
    return nullptr;
  }
  std::shared_ptr<Module> module = std::move(decoded).value();
  Status valid = validate_module(*module);
  if (!valid.ok()) {
    check_error_message(valid.error(), "validate");
    return nullptr;
  }
  return module;
}

std::string run_module(const std::shared_ptr<const Module>& module) {
  const Module& m = *module;
  Store store(kLimits);
  std::optional<std::vector<Extern>> imports = dummy_imports(store, m);
  if (!imports) return "no dummy imports\n";
  Result<Instantiation> inst = instantiate(store, module, *imports);
  if (!inst.ok()) {
    check_error_message(inst.error(), "instantiate");
    return "instantiate: " + inst.error().message + "\n";
  }
  Instance& instance = *inst->instance;

  for (uint32_t i = m.num_imported_functions; i < m.functions.size(); ++i) {
    auto code = ir::translate(*instance.functions[i]);
    if (!code.ok() && !code.error().message.starts_with("unsupported ")) {
      std::fprintf(stderr, "a validated function does not translate: %s\n",
                   code.error().describe().c_str());
      std::abort();
    }
  }

  std::string transcript;
  CostModel costs(m);
  if (m.start && costs.cost(*m.start)) call(*inst->start, "start", instance, transcript);
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::Func && costs.cost(e.index))
      call(*instance.functions[e.index], e.name, instance, transcript);
  }
  return transcript;
}

} // namespace kite::fuzz
