#include "runtime/store.h"

#include "runtime/memory.h"

#include <cstdlib>
#include <string_view>

namespace kite {

bool gc_stress_requested() {
  static const bool requested = [] {
    const char* value = std::getenv("KITE_GC_STRESS");
    return value && *value && std::string_view(value) != "0";
  }();
  return requested;
}

Store::~Store() {
  for (auto& memory : memories_)
    release_memory(*memory);
}

std::string function_name(const Function& fn) {
  if (fn.host) return fn.host->name;
  const Module& module = *fn.instance->module;
  if (std::string_view name = module.function_name(fn.index); !name.empty())
    return std::string(name);
  for (const Export& e : module.exports)
    if (e.kind == ExternKind::Func && e.index == fn.index) return e.name;
  return "func[" + std::to_string(fn.index) + "]";
}

Function* Store::new_function() {
  std::lock_guard lock(mutex_);
  return functions_.add(std::make_unique<Function>());
}

Store::FunctionBlock::FunctionBlock(size_t count)
    : storage_(
          ByteBuffer::uninitialized(count * sizeof(Function), ByteBuffer::Faults::OnFirstTouch)),
      count_(count) {
  std::uninitialized_default_construct_n(functions(), count_);
}

Store::FunctionBlock::~FunctionBlock() { std::destroy_n(functions(), count_); }

Function* Store::new_functions(size_t count) {
  auto block = std::make_unique<FunctionBlock>(count);
  std::lock_guard lock(mutex_);
  return function_blocks_.add(std::move(block))->functions();
}

Result<Memory*> Store::new_memory(const MemoryType& type) {
  auto memory = std::make_unique<Memory>();
  memory->budget = &budget;
  KITE_TRY(init_memory(*memory, type, limits));
  std::lock_guard lock(mutex_);
  return memories_.add(std::move(memory));
}

Result<Table*> Store::new_table(const TableType& type, Ref init) {
  auto table = std::make_unique<Table>();
  table->budget = &budget;
  KITE_TRY(init_table(*table, type, init, limits.max_table_elements));
  std::lock_guard lock(mutex_);
  return tables_.add(std::move(table));
}

Global* Store::new_global(const GlobalType& type) {
  std::lock_guard lock(mutex_);
  Global* global = globals_.add(std::make_unique<Global>());
  global->type = type;
  return global;
}

Tag* Store::new_tag() {
  std::lock_guard lock(mutex_);
  return tags_.add(std::make_unique<Tag>());
}

void Store::report_roots(gc::Heap& heap) {
  std::lock_guard lock(mutex_);
  for (const auto& global : globals_)
    if (global->type.type.is_ref()) heap.mark_root(global->value[0]);
  for (const auto& table : tables_)
    heap.mark_roots(table->elements.data(), table->elements.size());
  for (const auto& instance : instances_)
    for (const std::vector<Ref>& segment : instance->elem_segments)
      heap.mark_roots(segment.data(), segment.size());
  heap.mark_roots(host_roots_.data(), host_roots_.size());
}

uint32_t Store::add_host_root(Ref r) {
  std::lock_guard lock(mutex_);
  if (free_host_roots_.empty()) {
    host_roots_.push_back(r);
    return static_cast<uint32_t>(host_roots_.size() - 1);
  }
  uint32_t index = free_host_roots_.back();
  free_host_roots_.pop_back();
  host_roots_[index] = r;
  return index;
}

Ref Store::host_root(uint32_t index) {
  std::lock_guard lock(mutex_);
  return host_roots_[index];
}

void Store::release_host_root(uint32_t index) {
  std::lock_guard lock(mutex_);
  host_roots_[index] = kNullRef;
  free_host_roots_.push_back(index);
}

Instance* Store::new_instance() {
  std::lock_guard lock(mutex_);
  Instance* instance = instances_.add(std::make_unique<Instance>());
  instance->store = this;
  return instance;
}

ExternObject* Store::extern_box(uint64_t payload) {
  std::lock_guard lock(mutex_);
  std::unique_ptr<ExternObject>& box = *extern_boxes_.try_emplace(payload).first;
  if (!box) {
    box = std::make_unique<ExternObject>();
    box->payload = payload;
  }
  return box.get();
}

} // namespace kite
