// Dispatch, calls, traps and the per-thread execution state.
#include "interp/interp.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <csetjmp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gc/ops.h"
#include "interp/atomic.h"
#include "interp/numeric.h"
#include "interp/simd.h"
#include "model/type_registry.h"
#include "runtime/memory.h"
#include "runtime/store.h"
#include "support/phase_timer.h"
#include "translate/accumulator.h"
#include "translate/ir.h"

namespace kite::interp {

namespace {

constexpr const char* kStackExhausted = "call stack exhausted";
constexpr const char* kMemoryOutOfBounds = "out of bounds memory access";
constexpr const char* kTableOutOfBounds = "out of bounds table access";
// The trap text of an exception that reached an invoke() unhandled.
constexpr const char* kUncaughtException = "uncaught exception";
constexpr size_t kMaxBacktraceFrames = 64;

// One active wasm call: where to continue in the caller, and the callee
// (for backtraces and the fault handler).
struct CallEntry {
  const uint64_t* ret_ip;
  Slot* fp;
  Memory* mem0; // the caller's memory 0, reloaded on return
  Function* fn;
};

struct ExecState {
  // Hot: read by call handlers.
  Slot* stack_limit = nullptr;
  CallEntry* csp = nullptr;
  CallEntry* cs_limit = nullptr;
  // The trap that stopped execution (static text, or trap_text's buffer).
  const char* trap = nullptr;
  std::string trap_text;
  // Where in the innermost frame's code it trapped, when known (a handler's
  // TRAP, or a guard-page fault whose registers hold the position).
  const uint64_t* trap_ip = nullptr;
  // First free value-stack slot while a host function runs (re-entrancy).
  Slot* value_top = nullptr;
  sigjmp_buf* fault_jump = nullptr;
  volatile sig_atomic_t in_wasm = 0;
  // The exception that ended this thread's last invoke() uncaught, and one
  // that escaped a host function (through its Error of kind Exception), to be
  // rethrown in its wasm caller.
  Exception* uncaught = nullptr;
  Exception* host_exception = nullptr;
  // The innermost wasm frame that called a host function, and a position
  // inside that call instruction, while the host runs: a collection then
  // finds the frame's roots. Each nested invoke() records the host call site
  // it came from (in its bottom control entry's fp, and in host_call_ips).
  Slot* host_fp = nullptr;
  const uint64_t* host_ip = nullptr;
  std::vector<const uint64_t*> host_call_ips;
  // The stores whose code this thread is running, and how many invokes deep
  // (Store::threads_in_wasm counts the thread once).
  std::vector<std::pair<Store*, uint32_t>> stores_entered;

  ThreadLimits limits;
  std::unique_ptr<Slot[]> stack;
  std::unique_ptr<CallEntry[]> calls;
  size_t stack_size = 0;
  size_t calls_size = 0;
  std::vector<std::string> backtrace;
  std::vector<const Function*> backtrace_functions; // the same frames
  std::vector<uint32_t> backtrace_offsets;          // and where in them (module offsets)
  std::unique_ptr<char[]> alt_stack;
  // The lowest native stack address a nested invoke() may start below: wasm
  // calls do not use the native stack, but a host function calling back into
  // wasm does, and an endless host -> wasm -> host cycle must end as "call
  // stack exhausted", not overflow it.
  const char* native_floor = nullptr;
  uint32_t active_invokes = 0;
};

thread_local ExecState* tls_state = nullptr;

ExecState& thread_state() {
  static thread_local ExecState state;
  tls_state = &state;
  return state;
}

// ---- out-of-line helpers called from handlers ----

const ir::Code* translate_slow(Function* fn, ExecState* st);

// The function's code if it has been translated, else null.
inline const ir::Code* translated(Function* fn) {
  return static_cast<const ir::Code*>(
      std::atomic_ref<FunctionCode*>(fn->code).load(std::memory_order_acquire));
}
inline const ir::Code* code_of(Function* fn, ExecState* st) {
  if (const ir::Code* code = translated(fn)) [[likely]]
    return code;
  return translate_slow(fn, st);
}

// Zeroes a new frame's declared locals. Most functions have a few or none
// (the translator leaves out those written before any read), so a plain
// loop beats a call to memset; the asm keeps clang from making it one.
[[gnu::always_inline]] inline void zero_slots(Slot* p, uint32_t n) {
  if (n > 32) {
    std::memset(p, 0, n * sizeof(Slot));
    return;
  }
  for (uint32_t i = 0; i < n; ++i) {
    p[i] = 0;
    __asm__("" : "+r"(i));
  }
}

// Calls a host function with its arguments at `args`; results replace them.
// The caller is the instruction at `ip` in frame `fp`.
[[gnu::noinline]] bool call_host(ExecState* st, Function* fn, Slot* args, Slot* fp,
                                 const uint64_t* ip) {
  const FuncType& type = *fn->type;
  size_t np = slot_count(type.params), nr = slot_count(type.results);
  Slot buffer[16];
  std::unique_ptr<Slot[]> heap;
  Slot* in = buffer;
  if (np > 16) {
    heap.reset(new Slot[np]);
    in = heap.get();
  }
  if (np) std::memcpy(in, args, np * sizeof(Slot)); // args may be null when np == 0
  Instance* caller = (st->csp - 1)->fn->instance;
  HostContext ctx{caller ? caller->store : nullptr, caller};
  Slot* saved_top = st->value_top;
  Slot* saved_host_fp = std::exchange(st->host_fp, fp);
  const uint64_t* saved_host_ip = std::exchange(st->host_ip, ip + 1);
  st->value_top = args + std::max(np, nr);
  st->in_wasm = 0;
  Status s = fn->host->callback(ctx, in, args);
  st->in_wasm = 1;
  st->value_top = saved_top;
  st->host_fp = saved_host_fp;
  st->host_ip = saved_host_ip;
  if (s.ok()) return true;
  if (s.error().kind == ErrorKind::Exception && st->uncaught) {
    st->host_exception = std::exchange(st->uncaught, nullptr);
    return false;
  }
  st->trap_text = s.error().message;
  st->trap = st->trap_text.c_str();
  return false;
}

[[gnu::noinline]] Function* table_callee(ExecState* st, Table* table, Slot index_slot,
                                         uint32_t type_id) {
  uint64_t index = table->type.limits.is64 ? index_slot : static_cast<uint32_t>(index_slot);
  // The messages name the index, as the reference interpreter's do.
  if (index >= table->elements.size()) {
    st->trap_text = "undefined element " + std::to_string(index);
    st->trap = st->trap_text.c_str();
    return nullptr;
  }
  auto* fn = reinterpret_cast<Function*>(table->elements[index]);
  if (!fn) {
    st->trap_text = "uninitialized element " + std::to_string(index);
    st->trap = st->trap_text.c_str();
    return nullptr;
  }
  if (fn->header.type_id != type_id &&
      !TypeRegistry::global().is_subtype(fn->header.type_id, type_id)) {
    st->trap = "indirect call type mismatch";
    return nullptr;
  }
  return fn;
}

inline uint64_t table_index(const Table* t, Slot s) {
  return t->type.limits.is64 ? s : static_cast<uint32_t>(s);
}
// call_indirect's callee, the common case (in bounds, the same canonical
// type) inline; table_callee checks the rest and names the trap.
inline Function* indirect_callee(ExecState* st, Table* table, Slot index_slot, uint32_t type_id) {
  uint64_t index = table_index(table, index_slot);
  if (index < table->elements.size()) [[likely]] {
    auto* fn = reinterpret_cast<Function*>(table->elements[index]);
    if (fn && fn->header.type_id == type_id) [[likely]]
      return fn;
  }
  return table_callee(st, table, index_slot, type_id);
}
inline uint64_t memory_index(const Memory* m, Slot s) {
  return m->is64 ? s : static_cast<uint32_t>(s);
}
// True when [start, start + n) lies within [0, size).
inline bool in_bounds(uint64_t start, uint64_t n, uint64_t size) {
  return start <= size && n <= size - start;
}

// The host address of an explicitly checked access, or null when out of bounds.
inline uint8_t* checked_address(Memory* m, Slot addr, uint64_t offset, uint64_t n) {
  uint64_t ea;
  if (__builtin_add_overflow(memory_index(m, addr), offset, &ea) || !in_bounds(ea, n, m->size))
    return nullptr;
  return m->base + ea;
}

[[gnu::noinline]] const char* memory_fill(Memory* m, Slot dst, Slot value, Slot n) {
  uint64_t d = memory_index(m, dst), len = memory_index(m, n);
  if (!in_bounds(d, len, m->size)) return kMemoryOutOfBounds;
  std::memset(m->base + d, static_cast<uint8_t>(value), len);
  return nullptr;
}

[[gnu::noinline]] const char* memory_copy(Memory* dm, Memory* sm, Slot dst, Slot src, Slot n) {
  uint64_t d = memory_index(dm, dst), s = memory_index(sm, src);
  uint64_t len = dm->is64 && sm->is64 ? n : static_cast<uint32_t>(n);
  if (!in_bounds(d, len, dm->size) || !in_bounds(s, len, sm->size)) return kMemoryOutOfBounds;
  if (len) std::memmove(dm->base + d, sm->base + s, len);
  return nullptr;
}

[[gnu::noinline]] const char* memory_init(Memory* m, Instance* inst, uint32_t data, Slot dst,
                                          Slot src, Slot n) {
  const ByteRange& range = inst->module->datas[data].data;
  uint64_t size = inst->dropped_datas[data] ? 0 : range.size;
  uint64_t d = memory_index(m, dst), s = static_cast<uint32_t>(src), len = static_cast<uint32_t>(n);
  if (!in_bounds(d, len, m->size) || !in_bounds(s, len, size)) return kMemoryOutOfBounds;
  if (len) std::memcpy(m->base + d, inst->module->data_at(range) + s, len);
  return nullptr;
}

[[gnu::noinline]] const char* table_fill(Table* t, Slot index, Slot value, Slot n) {
  uint64_t i = table_index(t, index), len = table_index(t, n);
  if (!in_bounds(i, len, t->elements.size())) return kTableOutOfBounds;
  std::fill_n(t->elements.begin() + i, len, value);
  return nullptr;
}

[[gnu::noinline]] const char* table_copy(Table* dt, Table* st, Slot dst, Slot src, Slot n) {
  uint64_t d = table_index(dt, dst), s = table_index(st, src);
  uint64_t len = dt->type.limits.is64 && st->type.limits.is64 ? n : static_cast<uint32_t>(n);
  if (!in_bounds(d, len, dt->elements.size()) || !in_bounds(s, len, st->elements.size()))
    return kTableOutOfBounds;
  // An empty table's storage may be null, which memmove must not get even for 0 bytes.
  if (len) std::memmove(dt->elements.data() + d, st->elements.data() + s, len * sizeof(Ref));
  return nullptr;
}

[[gnu::noinline]] const char* table_init(Table* t, Instance* inst, uint32_t elem, Slot dst,
                                         Slot src, Slot n) {
  const std::vector<Ref>& segment = inst->elem_segments[elem];
  uint64_t d = table_index(t, dst), s = static_cast<uint32_t>(src), len = static_cast<uint32_t>(n);
  if (!in_bounds(d, len, t->elements.size()) || !in_bounds(s, len, segment.size()))
    return kTableOutOfBounds;
  std::copy_n(segment.begin() + s, len, t->elements.begin() + d);
  return nullptr;
}

// ---- exceptions ----

const uint64_t* exit_code();

// ---- garbage collection ----

// A collection runs only when the collecting thread is the only one running
// the store's code (Store::threads_in_wasm): another could be holding
// references in registers or frames the collector cannot see consistently.
// Otherwise the allocation goes ahead and the heap grows until a collection
// can run (or its limit is reached). Threads of other stores do not matter:
// a store's objects are reachable only from its own code and host.
void enter_store(ExecState& st, Store* store) {
  for (auto& [s, depth] : st.stores_entered)
    if (s == store) {
      ++depth;
      return;
    }
  st.stores_entered.emplace_back(store, 1);
  store->threads_in_wasm.fetch_add(1, std::memory_order_acq_rel);
}
void leave_store(ExecState& st, Store* store) {
  for (size_t i = 0; i < st.stores_entered.size(); ++i)
    if (st.stores_entered[i].first == store && --st.stores_entered[i].second == 0) {
      st.stores_entered.erase(st.stores_entered.begin() + static_cast<ptrdiff_t>(i));
      store->threads_in_wasm.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
}

// The collector runs only for the GC and exception objects the heap holds.
#if KITE_GC || KITE_EXCEPTIONS
// Reports the references of this thread's frames that belong to `store`:
// each wasm frame's reference locals and the reference temps of the stack map
// at its current instruction. The innermost frame is `fp`, at the
// instruction containing word ip - 1; the control stack gives the rest.
void report_frames(ExecState* st, Slot* fp, const uint64_t* ip, const Store& store,
                   gc::Heap& heap) {
  size_t host_sites = st->host_call_ips.size();
  for (CallEntry* e = st->csp - 1; e >= st->calls.get(); --e) {
    const Function* fn = e->fn;
    if (fn->instance && fn->instance->store == &store) {
      const ir::Code* code = translated(e->fn);
      for (uint32_t slot : code->ref_locals)
        heap.mark_root(fp[slot]);
      for (uint32_t slot : code->stack_map_at(static_cast<uint32_t>(ip - code->words.data())))
        heap.mark_root(fp[slot]);
    }
    if (e->ret_ip == exit_code()) {
      if (!e->fp) break; // the outermost invoke
      // A nested invoke: below it, the wasm frame that called the host.
      fp = e->fp;
      ip = st->host_call_ips[--host_sites];
      continue;
    }
    fp = e->fp;
    ip = e->ret_ip;
  }
}

[[gnu::noinline]] void collect_garbage(ExecState* st, Slot* fp, const uint64_t* ip, Store& store) {
  if (store.threads_in_wasm.load(std::memory_order_acquire) > 1) return;
  store.heap.collect([&](gc::Heap& heap) {
    store.report_roots(heap);
    report_frames(st, fp, ip, store, heap);
    heap.mark_root(reinterpret_cast<Ref>(st->uncaught));
    heap.mark_root(reinterpret_cast<Ref>(st->host_exception));
  });
}

// Allocates an object with `make(heap)` (null when the heap refuses it) for
// the instruction at `ip` in frame `fp`: collects first when a collection is
// due, and once more before giving up. Returns null with the trap recorded.
template <class Make>
[[gnu::noinline]] Ref allocate_object(ExecState* st, Slot* fp, const uint64_t* ip, Make&& make) {
  Store& store = *(st->csp - 1)->fn->instance->store;
  if (store.heap.collection_due()) collect_garbage(st, fp, ip + 1, store);
  Ref r = make(store.heap);
  if (r == kNullRef) {
    collect_garbage(st, fp, ip + 1, store);
    r = make(store.heap);
    if (r == kNullRef) st->trap = gc::kHeapLimit;
  }
  return r;
}

#if KITE_EXCEPTIONS
// The exception object a throw at `ip` creates (null: trap recorded).
[[gnu::noinline]] Exception* new_exception(ExecState* st, Slot* fp, const uint64_t* ip, Tag* tag,
                                           const Slot* payload, uint32_t count) {
  const Ref r = allocate_object(st, fp, ip, [&](gc::Heap& heap) {
    auto* exn = static_cast<Exception*>(
        heap.allocate(sizeof(Exception) + count * sizeof(Slot), ObjectKind::Exception, 0, false));
    if (exn) {
      exn->tag = tag;
      exn->params = tag->type;
      exn->count = count;
      if (count) std::memcpy(exn->payload(), payload, count * sizeof(Slot));
    }
    return reinterpret_cast<Ref>(exn);
  });
  return reinterpret_cast<Exception*>(r);
}

// Where a caught exception continues: a landing pad, its frame and memory 0.
struct Landing {
  const uint64_t* ip;
  Slot* fp;
  uint8_t* mem;
};

// Unwinds from the instruction at `ip` (frame `fp`; ip null: from the
// frame's caller) to the innermost catch
// clause that matches `exn`, popping the control entries of the frames it
// leaves, and delivers the payload and/or exnref to the clause's slots. At
// the bottom frame of the current invoke() it stops: ip null, the trap
// kUncaughtException, st->uncaught = exn.
[[gnu::noinline]] Landing unwind(ExecState* st, Exception* exn, const uint64_t* ip, Slot* fp) {
  for (;;) {
    CallEntry* ce = st->csp - 1;
    const ir::Code* code = code_of(ce->fn, st);
    const ir::CatchClause* c = nullptr;
    if (ip) c = ir::find_catch(*code, static_cast<uint32_t>(ip - code->words.data()), exn->tag);
    if (c) {
      if (c->tag && exn->count)
        std::memcpy(fp + c->slot, exn->payload(), exn->count * sizeof(Slot));
      if (c->exn_slot != ir::CatchClause::kNoSlot) fp[c->exn_slot] = reinterpret_cast<Ref>(exn);
      return {code->words.data() + c->target, fp, code->mem0->base};
    }
    if (ce->ret_ip == exit_code()) {
      st->uncaught = exn;
      st->trap = kUncaughtException;
      return {nullptr, fp, nullptr};
    }
    --st->csp;
    ip = ce->ret_ip - 1; // inside the call instruction
    fp = ce->fp;
  }
}
#endif // KITE_EXCEPTIONS
#endif // KITE_GC || KITE_EXCEPTIONS

// ---- dispatch ----

#include "interp/operands.inc"
#include "interp/steps.inc"

#if KITE_DISPATCH_TAIL

// acc: the accumulator, the result of the last step run (see Slots).
#define KITE_HANDLER_PARAMS                                                                        \
  [[maybe_unused]] const uint64_t *ip, [[maybe_unused]] Slot *fp, [[maybe_unused]] uint8_t *mem,   \
      [[maybe_unused]] ExecState *st, [[maybe_unused]] Slot acc
typedef void (*Handler)(KITE_HANDLER_PARAMS) __attribute__((preserve_none));

// A handler as a static member function (templates in handlers.inc).
#define HANDLER_FUNCTION __attribute__((preserve_none)) static void run(KITE_HANDLER_PARAMS)
#define HANDLER(Name)                                                                              \
  struct H_##Name {                                                                                \
    static constexpr ir::IrOp kOp = ir::IrOp::Name;                                                \
    HANDLER_FUNCTION;                                                                              \
  };                                                                                               \
  __attribute__((preserve_none)) void H_##Name::run(KITE_HANDLER_PARAMS)
#define DISPATCH() [[clang::musttail]] return reinterpret_cast<Handler>(*ip)(ip, fp, mem, st, acc)
// Continues at `ip`, whose first word `word` the handler already read.
#define DISPATCH_LINKED(word)                                                                      \
  [[clang::musttail]] return reinterpret_cast<Handler>(word)(ip, fp, mem, st, acc)
#define TRAP(message)                                                                              \
  {                                                                                                \
    st->trap = (message);                                                                          \
    st->trap_ip = ip;                                                                              \
    return;                                                                                        \
  }
#define TRAP_PENDING() return

#include "interp/handlers.inc"

const Handler kHandlers[] = {
#define KITE_IR(Name, Layout) &H_##Name::run,
#define KITE_IR_STEP(Name, Layout) &H_##Name::run,
#define KITE_IR_UN(Name, T, R, expr) &H_##Name::run,
#define KITE_IR_UN_TRAP(Name, T, R, fn) &H_##Name::run,
#define KITE_IR_BIN(Name, T, R, expr) &H_##Name::run,
#define KITE_IR_BIN_TRAP(Name, T, R, fn) &H_##Name::run,
#define KITE_IR_BINI(Name, T, R, expr) &H_##Name::run, &H_##Name##Imm::run,
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  &H_##Name::run, &H_##Name##Imm::run, &H_BrIf##Name::run, &H_BrIf##Name##Imm::run,
#define KITE_IR_LOAD(Name, R, Mem)                                                                 \
  &H_##Name::run, &H_##Name##Checked::run, &H_##Name##Idx::run, &H_##Name##Abs::run,
#define KITE_IR_STORE(Name, T, Mem)                                                                \
  &H_##Name::run, &H_##Name##Checked::run, &H_##Name##Imm::run, &H_##Name##Idx::run,               \
      &H_##Name##Abs::run,
#include "translate/ir_ops.def"
#define KITE_FUSE(A, B) &H_##A##_##B::run,
#define KITE_FUSE_FWD(A, B, k) &H_##A##_##B##_##k::run,
#include "translate/ir_fusions.def"
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k) &H_##A##_##B##_##k##_Unstored::run,
#include "translate/ir_fusions.def"
#define KITE_FUSE_PREV(A, B, k, j) &H_##A##_##B##_##k##_Prev##j::run,
#include "translate/ir_fusions.def"
#define KITE_FUSE_KEEP(A, B, k) &H_##A##_##B##_##k##_Keep::run,
#include "translate/ir_fusions.def"
#define KITE_FUSE_LOOP(Name, via_jump, ops, units) &FusedLoop<ir::IrOp::Name, ~0u>::run,
#include "translate/ir_fusions.def"
};
static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == ir::kNumIrOps);

// Per op, its handlers that read unit k (0-3) from the accumulator, or null.
using AccRow = std::array<Handler, 4>;
template <ir::IrOp op> struct StepVariants {
  static constexpr ir::IrOp kFirst = op;
  template <uint32_t k> using Variant = AccStep<op, k>;
};
// Pair: FusedPair, FusedPairUnstored or FusedPairKeep; Enter: FusedEnter or FusedEnterUnstored.
template <template <ir::IrOp, ir::IrOp, uint32_t, uint32_t> class Pair, ir::IrOp A, ir::IrOp B,
          uint32_t kFwd>
struct PairVariants {
  static constexpr ir::IrOp kFirst = A;
  template <uint32_t k> using Variant = Pair<A, B, kFwd, k>;
};
template <ir::IrOp A, ir::IrOp B, uint32_t kFwd, uint32_t kPrev> struct PrevVariants {
  static constexpr ir::IrOp kFirst = A;
  template <uint32_t k> using Variant = FusedPairPrev<A, B, kFwd, kPrev, k>;
};
template <ir::IrOp Loop> struct LoopVariants {
  static constexpr ir::IrOp kFirst = ir::unfused(Loop);
  template <uint32_t k> using Variant = FusedLoop<Loop, k>;
};
template <template <ir::IrOp, class, uint32_t> class Enter, ir::IrOp A, class HB>
struct EnterVariants {
  static constexpr ir::IrOp kFirst = A;
  template <uint32_t k> using Variant = Enter<A, HB, k>;
};
// None without the KITE_VARIANTS option: every op reads the frame.
template <class Variants, uint32_t k> constexpr Handler acc_variant() {
  constexpr ir::IrOp op = Variants::kFirst;
  if constexpr (!KITE_VARIANTS)
    return nullptr;
  else if constexpr (Step<op>::kDefined && ir::unit_letter(ir::ir_op_info(op).layout(), k) == 's')
    return &Variants::template Variant<k>::run;
  else if constexpr (AccHandler<op>::kUnits >> k & 1) // hand-written (a pair's first op is a step)
    return &AccHandler<op>::template Variant<k>::run;
  else
    return nullptr;
}
template <class Variants> constexpr AccRow acc_row() {
  return {acc_variant<Variants, 0>(), acc_variant<Variants, 1>(), acc_variant<Variants, 2>(),
          acc_variant<Variants, 3>()};
}
constexpr AccRow kAccRows[] = {
#define KITE_IR(Name, Layout) acc_row<StepVariants<ir::IrOp::Name>>(),
#define KITE_IR_UN(Name, T, R, expr) KITE_IR(Name, )
#define KITE_IR_UN_TRAP(Name, T, R, fn) KITE_IR(Name, )
#define KITE_IR_BIN(Name, T, R, expr) KITE_IR(Name, )
#define KITE_IR_BIN_TRAP(Name, T, R, fn) KITE_IR(Name, )
#define KITE_IR_BINI(Name, T, R, expr) KITE_IR(Name, ) KITE_IR(Name##Imm, )
#define KITE_IR_CMP(Name, T, expr, Inverse)                                                        \
  KITE_IR(Name, ) KITE_IR(Name##Imm, ) KITE_IR(BrIf##Name, ) KITE_IR(BrIf##Name##Imm, )
#define KITE_IR_LOAD(Name, R, Mem)                                                                 \
  KITE_IR(Name, ) KITE_IR(Name##Checked, ) KITE_IR(Name##Idx, ) KITE_IR(Name##Abs, )
#define KITE_IR_STORE(Name, T, Mem)                                                                \
  KITE_IR(Name, )                                                                                  \
  KITE_IR(Name##Checked, ) KITE_IR(Name##Imm, ) KITE_IR(Name##Idx, ) KITE_IR(Name##Abs, )
#include "translate/ir_ops.def"
#define KITE_FUSE(A, B) acc_row<PairVariants<FusedPair, ir::IrOp::A, ir::IrOp::B, ~0u>>(),
#define KITE_FUSE_FWD(A, B, k) acc_row<PairVariants<FusedPair, ir::IrOp::A, ir::IrOp::B, k>>(),
#define KITE_FUSE_ENTER(A, B) acc_row<EnterVariants<FusedEnter, ir::IrOp::A, H_##B>>(),
#define KITE_FUSE_ENTER_FWD(A, B, k)                                                               \
  acc_row<EnterVariants<FusedEnter, ir::IrOp::A, AccHandler<ir::IrOp::B>::Variant<k>>>(),
#include "translate/ir_fusions.def"
#define KITE_FUSE(A, B)
#define KITE_FUSE_FWD(A, B, k)                                                                     \
  acc_row<PairVariants<FusedPairUnstored, ir::IrOp::A, ir::IrOp::B, k>>(),
#define KITE_FUSE_ENTER(A, B)
#define KITE_FUSE_ENTER_FWD(A, B, k)                                                               \
  acc_row<EnterVariants<FusedEnterUnstored, ir::IrOp::A, AccHandler<ir::IrOp::B>::Variant<k>>>(),
#include "translate/ir_fusions.def"
#define KITE_FUSE_PREV(A, B, k, j) acc_row<PrevVariants<ir::IrOp::A, ir::IrOp::B, k, j>>(),
#include "translate/ir_fusions.def"
#define KITE_FUSE_KEEP(A, B, k) acc_row<PairVariants<FusedPairKeep, ir::IrOp::A, ir::IrOp::B, k>>(),
#include "translate/ir_fusions.def"
#define KITE_FUSE_LOOP(Name, via_jump, ops, units) acc_row<LoopVariants<ir::IrOp::Name>>(),
#include "translate/ir_fusions.def"
};
static_assert(sizeof(kAccRows) / sizeof(kAccRows[0]) == ir::kNumIrOps);

// kAccRows, which only the compiler reads, stored compactly: most rows are
// empty, and a table of pointers is written at load time (relocations), so
// its pages count in every process's RSS. Op i's variants are
// kAccVariants[kAccFirst[i] + j], j counting the non-null entries of its row.
constexpr auto kAccFirst = [] {
  std::array<uint16_t, ir::kNumIrOps + 1> first{}; // the last: the number of variants
  size_t n = 0;
  for (size_t i = 0; i < ir::kNumIrOps; ++i) {
    first[i] = static_cast<uint16_t>(n);
    for (Handler h : kAccRows[i])
      n += h != nullptr;
  }
  first[ir::kNumIrOps] = static_cast<uint16_t>(n);
  return first;
}();
constexpr size_t kNumAccVariants = kAccFirst[ir::kNumIrOps];
static_assert(kNumAccVariants < 0xFFFF);
constexpr auto kAccMasks = [] {
  std::array<uint8_t, ir::kNumIrOps> masks{};
  for (size_t i = 0; i < ir::kNumIrOps; ++i)
    for (size_t k = 0; k < 4; ++k)
      masks[i] |= (kAccRows[i][k] != nullptr) << k;
  return masks;
}();
constexpr auto kAccVariants = [] {
  std::array<Handler, kNumAccVariants> variants{};
  size_t n = 0;
  for (const AccRow& row : kAccRows)
    for (Handler h : row)
      if (h) variants[n++] = h;
  return variants;
}();

// The handler of `op`, reading unit `acc_unit` from the accumulator if it
// has such a variant; else acc_unit becomes kNoAccUnit.
uint64_t link_word(ir::IrOp op, uint8_t& acc_unit) {
  const size_t i = static_cast<size_t>(op);
  if (acc_unit != ir::kNoAccUnit && (kAccMasks[i] >> acc_unit & 1)) {
    const unsigned below =
        std::popcount(static_cast<unsigned>(kAccMasks[i] & ((1u << acc_unit) - 1)));
    return reinterpret_cast<uintptr_t>(kAccVariants[kAccFirst[i] + below]);
  }
  acc_unit = ir::kNoAccUnit;
  return reinterpret_cast<uintptr_t>(kHandlers[i]);
}

void run(const uint64_t* ip, Slot* fp, uint8_t* mem, ExecState* st) {
  reinterpret_cast<Handler> (*ip)(ip, fp, mem, st, 0);
}

#else // portable loop: the same handler bodies as switch cases

// Fused ops have no cases here (handlers.inc): a pair runs as its two ops.
// Only the tail-dispatch build has handlers that read the accumulator (its
// value is in the frame too); the counting build keeps the reads chosen, to
// report the loops as the tail build fuses them.
uint64_t link_word(ir::IrOp op, [[maybe_unused]] uint8_t& acc_unit) {
#if !KITE_COUNT_PAIRS
  acc_unit = ir::kNoAccUnit;
#endif
  return static_cast<uint64_t>(ir::unfused(op));
}

#if KITE_COUNT_PAIRS
// Executed pairs of adjacent dispatches (CMake option KITE_COUNT_PAIRS),
// written at exit to $KITE_PAIR_COUNTS as "S count op" and "P count a b"
// lines; and the iterations of each short loop (ir::loop_at) that ran, as
// "L count op unit op unit ..." (per handler its op and the unit its first
// op reads from the accumulator, X for none; "J" for a loop via a jump).
// One process-wide table without locks: count single-threaded runs.
struct PairCounts {
  std::vector<uint64_t> single = std::vector<uint64_t>(ir::kNumIrOps);
  std::vector<uint64_t> pairs = std::vector<uint64_t>(size_t{ir::kNumIrOps} * ir::kNumIrOps);
  uint32_t prev = 0;
  const uint64_t* prev_ip = nullptr;
  // Per loop head reached by a jump back: the loop's description (empty if
  // it is no short loop), taken while its code is alive, and its iterations.
  struct LoopHead {
    std::string loop;
    uint64_t iterations = 0;
  };
  std::unordered_map<const uint64_t*, LoopHead> loop_heads;
  static std::string name(size_t op) { return ir::ir_op_name(static_cast<ir::IrOp>(op)); }
  static std::string describe_loop(const ir::Code& code, const uint64_t* ip) {
    const auto at = std::lower_bound(code.instr_starts.begin(), code.instr_starts.end(),
                                     static_cast<uint32_t>(ip - code.words.data()));
    const ir::LoopBody loop = ir::loop_at(code, at - code.instr_starts.begin());
    if (loop.count == 0) return {};
    std::string out = loop.via_jump ? "J" : "L";
    for (size_t h = 0; h < loop.count; ++h)
      out += " " + name(static_cast<size_t>(loop.ops[h])) + " " +
             (loop.units[h] == ir::kNoAccUnit ? 'X' : static_cast<char>('0' + loop.units[h]));
    return out;
  }
  ~PairCounts() {
    const char* path = std::getenv("KITE_PAIR_COUNTS");
    std::FILE* f = path ? std::fopen(path, "w") : nullptr;
    if (!f) return;
    for (size_t a = 0; a < ir::kNumIrOps; ++a) {
      if (single[a])
        std::fprintf(f, "S %llu %s\n", static_cast<unsigned long long>(single[a]), name(a).c_str());
      for (size_t b = 0; b < ir::kNumIrOps; ++b)
        if (uint64_t n = pairs[a * ir::kNumIrOps + b])
          std::fprintf(f, "P %llu %s %s\n", static_cast<unsigned long long>(n), name(a).c_str(),
                       name(b).c_str());
    }
    for (const auto& [ip, head] : loop_heads) // "L count ops...": the kind first
      if (!head.loop.empty())
        std::fprintf(f, "%c %llu%s\n", head.loop[0],
                     static_cast<unsigned long long>(head.iterations), head.loop.c_str() + 1);
    std::fclose(f);
  }
  void count(const uint64_t* ip, ExecState* st) {
    const uint32_t op = static_cast<uint32_t>(*ip);
    ++single[op];
    ++pairs[size_t{prev} * ir::kNumIrOps + op];
    // A jump back (its target at or before it, within one function's code).
    if (prev_ip && ip <= prev_ip && ir::has_jump(static_cast<ir::IrOp>(prev)) &&
        prev_ip + static_cast<int32_t>(
                      ir::unit(prev_ip, ir::jump_unit(static_cast<ir::IrOp>(prev)))) ==
            ip) {
      LoopHead& head = loop_heads[ip];
      if (head.iterations++ == 0) head.loop = describe_loop(*translated((st->csp - 1)->fn), ip);
    }
    prev = op;
    prev_ip = ip;
  }
};
PairCounts pair_counts;
#define COUNT_DISPATCH() pair_counts.count(ip, st)
#else
#define COUNT_DISPATCH()
#endif

void run(const uint64_t* ip, Slot* fp, uint8_t* mem, ExecState* st) {
  [[maybe_unused]] Slot acc = 0;
#define HANDLER(Name)                                                                              \
  case ir::IrOp::Name:                                                                             \
    if constexpr ([[maybe_unused]] constexpr ir::IrOp kOp = ir::IrOp::Name; true)
#define DISPATCH() goto dispatch
#define DISPATCH_LINKED(word) goto dispatch
#define TRAP(message)                                                                              \
  {                                                                                                \
    st->trap = (message);                                                                          \
    st->trap_ip = ip;                                                                              \
    return;                                                                                        \
  }
#define TRAP_PENDING() return
dispatch:
  COUNT_DISPATCH();
  switch (static_cast<ir::IrOp>(*ip)) {
#include "interp/handlers.inc"
  default: TRAP("internal error: a fused op was linked for the portable loop");
  }
}
#undef COUNT_DISPATCH

#endif
#undef HANDLER
#undef DISPATCH
#undef DISPATCH_LINKED
#undef TRAP
#undef TRAP_PENDING
#include "interp/operands_end.inc"

// The return address of every invoke()'s bottom frame.
const uint64_t* exit_code() {
  static const uint64_t word = [] {
    uint8_t no_acc = ir::kNoAccUnit;
    return link_word(ir::IrOp::Exit, no_acc);
  }();
  return &word;
}

const ir::Code* translate_slow(Function* fn, ExecState* st) {
  auto result = [&] {
    const phase_timer::TranslationTimer timer;
    return ir::translate(*fn);
  }();
  if (!result.ok()) {
    st->trap_text = result.error().describe();
    st->trap = st->trap_text.c_str();
    return nullptr;
  }
  std::unique_ptr<ir::Code> code = std::move(result).value();
  for (size_t i = 0; i < code->instr_starts.size(); ++i)
    code->words[code->instr_starts[i]] = link_word(code->instr_ops[i], code->instr_acc_units[i]);
  // A br_table entry carries its target's first word (ir_ops.def, layout n).
  for (size_t i = 0; i < code->instr_starts.size(); ++i) {
    ir::IrOp op = code->instr_ops[i];
    if (op != ir::IrOp::BrTable && op != ir::IrOp::BrTableLoad) continue;
    uint64_t* ip = &code->words[code->instr_starts[i]];
    uint32_t first = ir::table_entries_unit(op);
    for (uint32_t e = 0; e <= ir::unit(ip, first - 1); ++e) {
      uint32_t k = first + ir::kTableEntryUnits * e;
      uint64_t word = ip[static_cast<int32_t>(ir::unit(ip, k))];
      std::memcpy(reinterpret_cast<char*>(ip + 1) + 4 * (k + 1), &word, sizeof word);
    }
  }
  // Publish once; a thread that lost the race uses the winner's code.
  static std::mutex publish_mutex;
  std::lock_guard lock(publish_mutex);
  std::atomic_ref<FunctionCode*> slot(fn->code);
  if (FunctionCode* existing = slot.load(std::memory_order_acquire))
    return static_cast<const ir::Code*>(existing);
  fn->entry = code->words.data();
  fn->entry_word = code->words[0];
  slot.store(code.get(), std::memory_order_release);
  return code.release(); // the function owns it now
}

// ---- faults in guarded memories ----

struct sigaction previous_segv;
struct sigaction previous_bus;

bool is_guarded_fault(ExecState* st, const void* address) {
  const Instance* inst = (st->csp - 1)->fn->instance;
  if (!inst) return false;
  auto a = reinterpret_cast<uintptr_t>(address);
  for (const Memory* m : inst->memories) {
    auto base = reinterpret_cast<uintptr_t>(m->base);
    if (m->guarded && a >= base && a - base < m->reserved) return true;
  }
  return false;
}

// The handler that faulted keeps its IR position in a register: the one
// register pointing into the innermost function's code (none when its code
// is not at hand, or on another architecture: the frame then reports where
// its function starts).
const uint64_t* faulting_ip(const ExecState* st, const void* context) {
  const auto* code = static_cast<const ir::Code*>((st->csp - 1)->fn->code);
  if (!code) return nullptr;
  const auto first = reinterpret_cast<uintptr_t>(code->words.data());
  const auto end = reinterpret_cast<uintptr_t>(code->words.data() + code->words.size());
  [[maybe_unused]] const auto& registers = static_cast<const ucontext_t*>(context)->uc_mcontext;
#if defined(__x86_64__)
  for (greg_t r : registers.gregs) {
    const auto value = static_cast<uintptr_t>(r);
#elif defined(__aarch64__)
  for (uint64_t value : registers.regs) {
#else
  for (uintptr_t value : std::array<uintptr_t, 0>{}) {
#endif
    if (value >= first && value < end && (value - first) % sizeof(uint64_t) == 0)
      return reinterpret_cast<const uint64_t*>(value);
  }
  return nullptr;
}

void on_fault(int sig, siginfo_t* info, void* context) {
  ExecState* st = tls_state;
  if (st && st->in_wasm && st->fault_jump && is_guarded_fault(st, info->si_addr)) {
    st->trap_ip = faulting_ip(st, context);
    siglongjmp(*st->fault_jump, 1);
  }
  // Not ours: hand over to whoever was installed before, or crash as usual.
  const struct sigaction& previous = sig == SIGSEGV ? previous_segv : previous_bus;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(sig);
    return;
  }
  sigaction(sig, &previous, nullptr); // the faulting access re-executes and ends the process
}

void install_fault_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, &previous_segv);
    sigaction(SIGBUS, &action, &previous_bus);
  });
}

// Allocates the thread's stacks on its first outermost invoke.
// Room kept on the native stack below the last nested invoke(): what one
// host -> wasm -> host round takes, many times over (ASan's frames included).
constexpr size_t kNativeStackReserve = size_t{256} << 10;

void prepare_thread(ExecState& st) {
  install_fault_handler();
  if (!st.native_floor) {
    pthread_attr_t attr;
    void* low = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &low, &size);
      pthread_attr_destroy(&attr);
    }
    // Unknown bounds: fall back to a floor 1 MiB below here.
    st.native_floor = low ? static_cast<const char*>(low) + std::min(size / 2, kNativeStackReserve)
                          : static_cast<const char*>(__builtin_frame_address(0)) - (1 << 20);
  }
  if (!st.alt_stack) {
    stack_t current{};
    sigaltstack(nullptr, &current);
    if (current.ss_flags & SS_DISABLE) {
      constexpr size_t kAltStackSize = 64 * 1024;
      st.alt_stack.reset(new char[kAltStackSize]);
      stack_t alt{};
      alt.ss_sp = st.alt_stack.get();
      alt.ss_size = kAltStackSize;
      sigaltstack(&alt, nullptr);
    }
  }
  if (st.stack_size != st.limits.stack_slots) {
    st.stack.reset(new Slot[st.limits.stack_slots]);
    st.stack_size = st.limits.stack_slots;
  }
  if (st.calls_size != st.limits.max_call_depth + 1) {
    st.calls.reset(new CallEntry[st.limits.max_call_depth + 1]);
    st.calls_size = st.limits.max_call_depth + 1;
  }
  st.stack_limit = st.stack.get() + st.stack_size;
  st.csp = st.calls.get();
  st.cs_limit = st.calls.get() + st.calls_size;
  st.value_top = st.stack.get();
}

// The module offset of the wasm instruction a frame of `fn` is at: `ip`
// inside its code (`in_call`: a return address, just past the call), else
// the function body's start.
uint32_t trap_frame_offset(const Function& fn, const uint64_t* ip, bool in_call) {
  if (!fn.instance) return 0;
  const auto* code = static_cast<const ir::Code*>(fn.code);
  const uint64_t body = fn.instance->module->functions[fn.index].body.offset;
  if (!code || !ip || ip < code->words.data() || ip > code->words.data() + code->words.size())
    return static_cast<uint32_t>(body);
  const auto pos = static_cast<uint32_t>(ip - code->words.data());
  return code->wasm_offset_at(in_call && pos > 0 ? pos - 1 : pos);
}

// The backtrace of a call that failed before running any code: `fn` alone
// (at its start), or nothing.
void set_entry_backtrace(ExecState& st, Function* fn) {
  st.backtrace.clear();
  st.backtrace_functions.clear();
  st.backtrace_offsets.clear();
  if (!fn) return;
  st.backtrace.push_back(function_name(*fn));
  st.backtrace_functions.push_back(fn);
  st.backtrace_offsets.push_back(trap_frame_offset(*fn, nullptr, false));
}

Status host_entry(Function& fn, const Slot* args, Slot* results) {
  HostContext ctx{nullptr, nullptr};
  Status s = fn.host->callback(ctx, args, results);
  if (!s.ok()) set_entry_backtrace(thread_state(), &fn);
  return s;
}

} // namespace

void set_thread_limits(const ThreadLimits& limits) { thread_state().limits = limits; }
ThreadLimits thread_limits() { return thread_state().limits; }

const std::vector<std::string>& last_trap_backtrace() { return thread_state().backtrace; }

const std::vector<const Function*>& last_trap_functions() {
  return thread_state().backtrace_functions;
}

const std::vector<uint32_t>& last_trap_offsets() { return thread_state().backtrace_offsets; }

Status invoke(Function& fn, const Slot* args, Slot* results) {
  if (fn.host) return host_entry(fn, args, results);
  ExecState& st = thread_state();
  if (st.active_invokes == 0) prepare_thread(st);
  st.trap = nullptr;
  st.uncaught = nullptr;
  const ir::Code* code = code_of(&fn, &st);
  if (!code) {
    set_entry_backtrace(st, nullptr);
    return Error{st.trap_text};
  }

  Slot* frame = st.value_top;
  CallEntry* saved_csp = st.csp;
  Slot* saved_value_top = st.value_top;
  sigjmp_buf* saved_jump = st.fault_jump;
  sig_atomic_t saved_in_wasm = st.in_wasm;
  const size_t np = code->num_param_slots, nr = code->num_result_slots;
  if (frame + std::max<size_t>(code->frame_slots, nr) > st.stack_limit || st.csp == st.cs_limit ||
      static_cast<const char*>(__builtin_frame_address(0)) < st.native_floor) {
    set_entry_backtrace(st, &fn);
    return Error{kStackExhausted};
  }
  if (np) std::memcpy(frame, args, np * sizeof(Slot)); // args may be null when np == 0
  zero_slots(frame + code->zero_first, code->zero_count);
  // A nested invoke (from a host function called by wasm) remembers that
  // call site for the collector (report_frames).
  const bool nested = st.active_invokes > 0;
  *st.csp++ = CallEntry{exit_code(), nested ? st.host_fp : nullptr, ir::no_memory(), &fn};
  if (nested) st.host_call_ips.push_back(st.host_ip);

  sigjmp_buf jump;
  ++st.active_invokes;
  Store* store = fn.instance->store;
  enter_store(st, store);
  st.fault_jump = &jump;
  if (sigsetjmp(jump, 0) == 0) {
    st.in_wasm = 1;
    run(code->words.data(), frame, code->mem0->base, &st);
  } else {
    st.trap = kMemoryOutOfBounds;
  }
  st.in_wasm = saved_in_wasm;
  st.fault_jump = saved_jump;
  --st.active_invokes;
  leave_store(st, store);
  if (nested) st.host_call_ips.pop_back();

  if (st.trap) {
    st.backtrace.clear();
    st.backtrace_functions.clear();
    st.backtrace_offsets.clear();
    // A frame is at its trap (the innermost) or in a call, just before the
    // return address its callee's entry holds.
    const uint64_t* ip = st.trap_ip;
    for (CallEntry* e = st.csp; e > saved_csp; --e) {
      if (st.backtrace.size() == kMaxBacktraceFrames) {
        st.backtrace.push_back("... " + std::to_string(e - saved_csp) + " more frames");
        break;
      }
      const Function* fn = e[-1].fn;
      st.backtrace.push_back(function_name(*fn));
      st.backtrace_functions.push_back(fn);
      st.backtrace_offsets.push_back(trap_frame_offset(*fn, ip, e != st.csp));
      ip = e[-1].ret_ip;
    }
    st.trap_ip = nullptr;
    st.csp = saved_csp;
    st.value_top = saved_value_top;
    Error error{st.trap};
    if (st.trap == kUncaughtException) error.kind = ErrorKind::Exception;
    st.trap = nullptr;
    return error;
  }
  if (nr) std::memcpy(results, frame, nr * sizeof(Slot));
  return {};
}

Result<std::string> dump_ir(Function& fn) {
  if (fn.host) return Error{"host function has no IR"};
  ExecState& st = thread_state();
  const ir::Code* code = code_of(&fn, &st);
  if (!code) return Error{st.trap_text};
  return ir::print(*code);
}

} // namespace kite::interp
