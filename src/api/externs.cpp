// Store, and the extern handles: Func (including host functions and calls into the
// interpreter), Table, Memory, Global, Tag.
#include <algorithm>
#include <cstring>
#include <string>

#include "interp/interp.h"
#include "kite/kite.h"
#include "runtime/memory.h"
#include "runtime/objects.h"
#include "runtime/store.h"
#include "runtime/type_match.h"

namespace kite::api {
namespace {

Error failure(ErrorKind kind, std::string message) {
  Error e{std::move(message)};
  e.kind = kind;
  return e;
}

// A value may be passed where `expected` is wanted: same kind, and for
// references no null into a non-nullable type. (Reference subtyping is
// checked by wasm code itself where it matters, e.g. call_indirect.)
bool value_fits(const Value& v, ValType expected) {
  if (v.type().kind != expected.kind) return false;
  return !expected.is_ref() || expected.nullable || !v.is_null();
}

} // namespace

std::string_view extern_kind_name(ExternKind kind) {
  switch (kind) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  case ExternKind::Tag: return "tag";
  }
  return "extern";
}

// ---- Func ----

Func Func::host(Store& store, FuncType type, HostFunction fn) {
  kite::Function* f = store.raw().new_function();
  f->host = std::make_unique<kite::HostFunction>();
  f->host->type = std::make_shared<FuncType>(std::move(type));
  f->host->name = "host";
  f->type = f->host->type.get();
  f->header.type_id = canonical_host_func_type(*f->type);
  const FuncType* sig = f->type;
  f->host->callback = [sig, fn = std::move(fn)](HostContext&, const Slot* args,
                                                Slot* results) -> Status {
    std::vector<Value> in;
    in.reserve(sig->params.size());
    for (ValType t : sig->params) {
      in.push_back(Value::from_slots(t, args));
      args += slot_count(t);
    }
    std::vector<Value> out;
    out.reserve(sig->results.size());
    static constexpr Slot kZero[2] = {0, 0};
    for (ValType t : sig->results)
      out.push_back(Value::from_slots(t, kZero));
    KITE_TRY(fn(in, out));
    for (size_t i = 0; i < out.size(); ++i) {
      out[i].to_slots(results);
      results += slot_count(sig->results[i]);
    }
    return {};
  };
  return Func(f);
}

const FuncType& Func::type() const { return *fn_->type; }

Result<std::vector<Value>> Func::call(std::span<const Value> args) const {
  const FuncType& sig = *fn_->type;
  if (args.size() != sig.params.size())
    return failure(ErrorKind::Other, "wrong number of arguments: expected " +
                                         std::to_string(sig.params.size()) + ", got " +
                                         std::to_string(args.size()));
  std::vector<Slot> in;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!value_fits(args[i], sig.params[i]))
      return failure(ErrorKind::Other, "argument " + std::to_string(i) + " has the wrong type");
    in.resize(in.size() + slot_count(sig.params[i]));
    args[i].to_slots(in.data() + in.size() - slot_count(sig.params[i]));
  }
  size_t result_slots = 0;
  for (ValType t : sig.results)
    result_slots += slot_count(t);
  std::vector<Slot> out(result_slots + 1); // +1: never hand out a null pointer
  if (fn_->instance) {                     // a host function's own calls into wasm set theirs
    const StoreLimits& limits = fn_->instance->store->limits;
    interp::set_thread_limits(
        {.stack_slots = std::max<size_t>(limits.max_stack_bytes / sizeof(Slot), 512),
         .max_call_depth = limits.max_call_depth});
  }
  Status status = interp::invoke(*fn_, in.data(), out.data());
  if (!status.ok()) {
    Error e = std::move(status).error();
    if (e.kind != ErrorKind::Exception) e.kind = ErrorKind::Trap;
    e.backtrace = interp::last_trap_backtrace();
    const std::vector<const kite::Function*>& frames = interp::last_trap_functions();
    const std::vector<uint32_t>& offsets = interp::last_trap_offsets();
    e.backtrace_offsets.assign(e.backtrace.size(), Error::kNoOffset);
    for (size_t i = 0; i < frames.size() && i < offsets.size() && i < e.backtrace.size(); ++i)
      if (frames[i]->instance) e.backtrace_offsets[i] = offsets[i];
    return e;
  }
  std::vector<Value> results;
  const Slot* p = out.data();
  for (ValType t : sig.results) {
    results.push_back(Value::from_slots(t, p));
    p += slot_count(t);
  }
  return results;
}

Result<std::string> Func::dump_ir() const {
  if (fn_->host) return failure(ErrorKind::Other, "a host function has no IR");
  return interp::dump_ir(*fn_);
}

// ---- Table ----

Result<Table> Table::create(Store& store, TableType type, Value init) {
  if (!value_fits(init, type.elem))
    return failure(ErrorKind::Other, "table initial value has the wrong type");
  KITE_TRY_ASSIGN(kite::Table * t, store.raw().new_table(type, init.ref()));
  return Table(t);
}

const TableType& Table::type() const { return t_->type; }
uint64_t Table::size() const { return t_->elements.size(); }

Result<Value> Table::get(uint64_t index) const {
  if (index >= t_->elements.size()) return failure(ErrorKind::Trap, "out of bounds table access");
  return Value::ref(t_->type.elem, t_->elements[index]);
}

Status Table::set(uint64_t index, const Value& v) const {
  if (!value_fits(v, t_->type.elem))
    return failure(ErrorKind::Other, "table element has the wrong type");
  if (index >= t_->elements.size()) return failure(ErrorKind::Trap, "out of bounds table access");
  t_->elements[index] = v.ref();
  return {};
}

Result<uint64_t> Table::grow(uint64_t delta, const Value& init) const {
  if (!value_fits(init, t_->type.elem))
    return failure(ErrorKind::Other, "table element has the wrong type");
  int64_t old = grow_table(*t_, delta, init.ref());
  if (old < 0) return failure(ErrorKind::Other, "table cannot grow beyond its maximum");
  return static_cast<uint64_t>(old);
}

// ---- Memory ----

Result<Memory> Memory::create(Store& store, MemoryType type) {
  KITE_TRY_ASSIGN(kite::Memory * m, store.raw().new_memory(type));
  return Memory(m);
}

const MemoryType& Memory::type() const { return m_->type; }
uint64_t Memory::size_pages() const { return m_->pages(); }
uint64_t Memory::size_bytes() const { return m_->size; }
uint64_t Memory::page_size() const { return uint64_t{1} << m_->page_size_log2; }
uint8_t* Memory::data() const { return m_->base; }

Status Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  if (offset > m_->size || out.size() > m_->size - offset)
    return failure(ErrorKind::Trap, "out of bounds memory access");
  if (!out.empty()) std::memcpy(out.data(), m_->base + offset, out.size());
  return {};
}

Status Memory::write(uint64_t offset, std::span<const uint8_t> in) const {
  if (offset > m_->size || in.size() > m_->size - offset)
    return failure(ErrorKind::Trap, "out of bounds memory access");
  if (!in.empty()) std::memcpy(m_->base + offset, in.data(), in.size());
  return {};
}

Result<uint64_t> Memory::grow(uint64_t delta_pages) const {
  int64_t old = grow_memory(*m_, delta_pages);
  if (old < 0) return failure(ErrorKind::Other, "memory cannot grow beyond its maximum");
  return static_cast<uint64_t>(old);
}

// ---- Global ----

Result<Global> Global::create(Store& store, GlobalType type, const Value& init) {
  if (!value_fits(init, type.type))
    return failure(ErrorKind::Other, "global initial value has the wrong type");
  kite::Global* g = store.raw().new_global(type);
  init.to_slots(g->value);
  return Global(g);
}

const GlobalType& Global::type() const { return g_->type; }
Value Global::get() const { return Value::from_slots(g_->type.type, g_->value); }

Status Global::set(const Value& v) const {
  if (!g_->type.mut) return failure(ErrorKind::Other, "global is immutable");
  if (!value_fits(v, g_->type.type))
    return failure(ErrorKind::Other, "global value has the wrong type");
  v.to_slots(g_->value);
  return {};
}

// ---- Tag ----

Tag Tag::create(Store& store, FuncType type) {
  kite::Tag* t = store.raw().new_tag();
  t->host_type = std::make_shared<FuncType>(std::move(type));
  t->type = t->host_type.get();
  t->type_id = canonical_host_func_type(*t->type);
  return Tag(t);
}

const FuncType& Tag::type() const { return *t_->type; }

} // namespace kite::api
