// Instantiation: import matching, constant expressions, segment
// initialisation (including the trap cases) and exports. Modules are built
// directly in the model form, with hand-encoded constant expressions.
#include <gtest/gtest.h>

#include "model/type_registry.h"
#include "runtime/instantiate.h"
#include "runtime/memory.h"
#include "runtime/store.h"

namespace kite {
namespace {

class ModuleBuilder {
public:
  ModuleBuilder() : m_(std::make_shared<Module>()) {}

  uint32_t func_type(FuncType type) {
    uint32_t index = static_cast<uint32_t>(m_->types.size());
    m_->types.push_back(SubType{true, {}, CompositeType{CompositeKind::Func, type, {}, {}}, 0});
    m_->rec_groups.push_back(RecGroup{index, 1});
    TypeRegistry::global().register_group(*m_, m_->rec_groups.back(), m_->canonical_types);
    return index;
  }
  ConstExpr expr(std::vector<uint8_t> code) {
    ConstExpr range{static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(code.size())};
    bytes_.insert(bytes_.end(), code.begin(), code.end());
    m_->bytes = ByteBuffer(bytes_); // every expression so far
    return range;
  }
  // i32.const n (n < 64, a one-byte LEB128) end
  ConstExpr i32(uint8_t n) { return expr({0x41, n, 0x0b}); }
  ByteRange data(std::string_view bytes) {
    return expr(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  }

  void import(ExternKind kind, std::string name, Import import = {}) {
    import.module = "env";
    import.name = std::move(name);
    import.kind = kind;
    switch (kind) {
    case ExternKind::Func:
      m_->functions.push_back(FunctionDecl{.type_index = import.type_index});
      ++m_->num_imported_functions;
      break;
    case ExternKind::Table:
      m_->tables.push_back(TableDecl{import.table, std::nullopt});
      ++m_->num_imported_tables;
      break;
    case ExternKind::Memory:
      m_->memories.push_back(import.memory);
      ++m_->num_imported_memories;
      break;
    case ExternKind::Global:
      m_->globals.push_back(GlobalDecl{import.global, {}});
      ++m_->num_imported_globals;
      break;
    case ExternKind::Tag:
      m_->tags.push_back(TagType{import.type_index});
      ++m_->num_imported_tags;
      break;
    }
    m_->imports.push_back(std::move(import));
  }
  uint32_t function(uint32_t type_index) {
    m_->functions.push_back(FunctionDecl{.type_index = type_index});
    return static_cast<uint32_t>(m_->functions.size() - 1);
  }
  void exported(std::string name, ExternKind kind, uint32_t index) {
    m_->exports.push_back(Export{std::move(name), kind, index});
  }
  Module& module() { return *m_; }
  std::shared_ptr<const Module> build() { return m_; }

private:
  std::shared_ptr<Module> m_;
  std::vector<uint8_t> bytes_;
};

Import memory_import(uint64_t min, std::optional<uint64_t> max) {
  Import i;
  i.memory = MemoryType{Limits{min, max, false, false}, 16};
  return i;
}

TEST(RuntimeInstantiate, GlobalsFromExtendedConstExpressions) {
  ModuleBuilder b;
  b.import(ExternKind::Global, "base", [] {
    Import i;
    i.global = GlobalType{ValType::i32(), false};
    return i;
  }());
  // (global i32 (i32.add (global.get 0) (i32.const 5)))
  b.module().globals.push_back(
      GlobalDecl{GlobalType{ValType::i32(), false}, b.expr({0x23, 0x00, 0x41, 0x05, 0x6a, 0x0b})});
  // (global i64 (i64.mul (i64.const 6) (i64.const 7)))
  b.module().globals.push_back(
      GlobalDecl{GlobalType{ValType::i64(), true}, b.expr({0x42, 0x06, 0x42, 0x07, 0x7e, 0x0b})});
  b.exported("sum", ExternKind::Global, 1);
  b.exported("product", ExternKind::Global, 2);

  Store store;
  Global* base = store.new_global(GlobalType{ValType::i32(), false});
  base->value[0] = 37;
  Extern imports[] = {Extern::of(base)};
  auto inst = instantiate(store, b.build(), imports);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  EXPECT_EQ(find_export(*inst->instance, "sum")->global->value[0], 42u);
  EXPECT_EQ(find_export(*inst->instance, "product")->global->value[0], 42u);
  EXPECT_FALSE(find_export(*inst->instance, "missing"));
  EXPECT_EQ(inst->start, nullptr);
}

TEST(RuntimeInstantiate, ImportTypeMismatchesAreUnlinkable) {
  ModuleBuilder b;
  uint32_t void_type = b.func_type({}); // the types must differ
  Import f;
  f.type_index = b.func_type({{ValType::i32()}, {}});
  b.import(ExternKind::Func, "f", f);
  b.import(ExternKind::Memory, "mem", memory_import(2, 4));
  auto module = b.build();

  Store store;
  Memory* small = *store.new_memory(MemoryType{Limits{1, 4, false, false}, 16});
  Memory* fits = *store.new_memory(MemoryType{Limits{2, 3, false, false}, 16});
  Memory* unbounded = *store.new_memory(MemoryType{Limits{2, std::nullopt, false, false}, 16});

  Function* takes_i32 = store.new_function();
  takes_i32->host = std::make_unique<HostFunction>();
  takes_i32->host->type = std::make_shared<FuncType>(FuncType{{ValType::i32()}, {}});
  takes_i32->type = takes_i32->host->type.get();
  takes_i32->header.type_id = module->canonical_types[f.type_index];
  Function* takes_nothing = store.new_function();
  takes_nothing->header.type_id = module->canonical_types[void_type];

  auto expect_unlinkable = [&](std::vector<Extern> imports, std::string_view message) {
    auto r = instantiate(store, module, imports);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
    EXPECT_EQ(r.error().message.rfind(message, 0), 0u) << r.error().message;
  };
  expect_unlinkable({Extern::of(takes_nothing), Extern::of(fits)}, "incompatible import type");
  expect_unlinkable({Extern::of(takes_i32), Extern::of(small)}, "incompatible import type");
  expect_unlinkable({Extern::of(takes_i32), Extern::of(unbounded)}, "incompatible import type");
  expect_unlinkable({Extern::of(fits), Extern::of(takes_i32)}, "incompatible import type");
  expect_unlinkable({Extern::of(takes_i32), Extern{ExternKind::Memory}}, "unknown import");
  EXPECT_TRUE(instantiate(store, module, {{Extern::of(takes_i32), Extern::of(fits)}}).ok());

  // Matching uses the current size: `small` matches once it has grown.
  ASSERT_EQ(grow_memory(*small, 1), 1);
  EXPECT_TRUE(instantiate(store, module, {{Extern::of(takes_i32), Extern::of(small)}}).ok());
}

TEST(RuntimeInstantiate, GlobalAndTableImportTypes) {
  ModuleBuilder b;
  Import g;
  g.global = GlobalType{ValType::funcref(), false};
  b.import(ExternKind::Global, "g", g);
  Import mut_g;
  mut_g.global = GlobalType{ValType::funcref(), true};
  b.import(ExternKind::Global, "mut_g", mut_g);
  Import t;
  t.table = TableType{ValType::funcref(), Limits{1, std::nullopt, false, false}};
  b.import(ExternKind::Table, "t", t);
  auto module = b.build();

  Store store;
  HeapType nofunc = HeapType::abstract(HeapKind::NoFunc);
  Global* nullfunc_const = store.new_global(GlobalType{ValType::ref(nofunc, true), false});
  Global* nullfunc_mut = store.new_global(GlobalType{ValType::ref(nofunc, true), true});
  Global* funcref_mut = store.new_global(GlobalType{ValType::funcref(), true});
  Global* externref_const = store.new_global(GlobalType{ValType::externref(), false});
  Table* funcs = *store.new_table(TableType{ValType::funcref(), Limits{1, 2, false, false}}, 0);
  Table* externs = *store.new_table(TableType{ValType::externref(), Limits{1, 2, false, false}}, 0);

  auto link = [&](Global* a, Global* m, Table* table) {
    return instantiate(store, module, {{Extern::of(a), Extern::of(m), Extern::of(table)}}).ok();
  };
  EXPECT_TRUE(link(nullfunc_const, funcref_mut, funcs)); // immutable: subtype is enough
  EXPECT_FALSE(link(externref_const, funcref_mut, funcs));
  EXPECT_FALSE(link(nullfunc_const, nullfunc_mut, funcs));  // mutable: exact type
  EXPECT_FALSE(link(funcref_mut, funcref_mut, funcs));      // mutability differs
  EXPECT_FALSE(link(nullfunc_const, funcref_mut, externs)); // element type differs
}

TEST(RuntimeInstantiate, ElemAndDataSegmentsApplyInOrderAndTrap) {
  ModuleBuilder b;
  uint32_t type = b.func_type({});
  b.import(ExternKind::Memory, "mem", memory_import(1, std::nullopt));
  Import t;
  t.table = TableType{ValType::funcref(), Limits{4, std::nullopt, false, false}};
  b.import(ExternKind::Table, "tab", t);
  uint32_t f0 = b.function(type);
  uint32_t f1 = b.function(type);
  Module& m = b.module();

  ElemSegment active;
  active.offset = b.i32(1);
  active.func_indices = {f0, f1};
  m.elems.push_back(active);
  ElemSegment passive;
  passive.mode = SegmentMode::Passive;
  passive.uses_exprs = true;
  passive.exprs = {b.expr({0xd2, static_cast<uint8_t>(f1), 0x0b}), b.expr({0xd0, 0x70, 0x0b})};
  m.elems.push_back(passive);
  ElemSegment declarative;
  declarative.mode = SegmentMode::Declarative;
  declarative.func_indices = {f0};
  m.elems.push_back(declarative);
  m.datas.push_back(DataSegment{SegmentMode::Active, 0, b.i32(10), b.data("abc")});
  m.datas.push_back(DataSegment{SegmentMode::Passive, 0, {}, b.data("zz")});
  m.start = f1;
  auto module = b.build();

  Store store;
  Memory* mem = *store.new_memory(MemoryType{Limits{1, std::nullopt, false, false}, 16});
  Table* tab = *store.new_table(t.table, 0);
  auto inst = instantiate(store, module, {{Extern::of(mem), Extern::of(tab)}});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  Instance& instance = *inst->instance;
  EXPECT_EQ(inst->start, instance.functions[f1]);
  EXPECT_EQ(tab->elements[0], kNullRef);
  EXPECT_EQ(tab->elements[1], reinterpret_cast<Ref>(instance.functions[f0]));
  EXPECT_EQ(tab->elements[2], reinterpret_cast<Ref>(instance.functions[f1]));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem->base) + 10, 3), "abc");
  // Active and declarative segments are dropped; the passive ones stay.
  ASSERT_EQ(instance.elem_segments.size(), 3u);
  EXPECT_TRUE(instance.elem_segments[0].empty());
  EXPECT_EQ(instance.elem_segments[1],
            (std::vector<Ref>{reinterpret_cast<Ref>(instance.functions[f1]), kNullRef}));
  EXPECT_TRUE(instance.elem_segments[2].empty());
  EXPECT_EQ(instance.dropped_datas, (std::vector<uint8_t>{1, 0}));
  EXPECT_EQ(instance.functions[f1]->instance, &instance);
  EXPECT_EQ(instance.functions[f1]->header.type_id, module->canonical_types[type]);
}

TEST(RuntimeInstantiate, OutOfBoundsSegmentsTrapAfterEarlierWrites) {
  ModuleBuilder b;
  uint32_t type = b.func_type({});
  b.import(ExternKind::Memory, "mem", memory_import(1, std::nullopt));
  uint32_t f0 = b.function(type);
  Module& m = b.module();
  m.tables.push_back(TableDecl{TableType{ValType::funcref(), Limits{2, {}, false, false}}, {}});
  b.exported("tab", ExternKind::Table, 0);
  ElemSegment fits;
  fits.offset = b.i32(0);
  fits.func_indices = {f0};
  m.elems.push_back(fits);
  m.datas.push_back(DataSegment{SegmentMode::Active, 0, b.i32(0), b.data("ok")});
  // 65535 + 2 bytes: one past the end of the single page.
  m.datas.push_back(
      DataSegment{SegmentMode::Active, 0, b.expr({0x41, 0xff, 0xff, 0x03, 0x0b}), b.data("xy")});
  auto module = b.build();

  Store store;
  Memory* mem = *store.new_memory(MemoryType{Limits{1, std::nullopt, false, false}, 16});
  auto r = instantiate(store, module, {{Extern::of(mem)}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Trap);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  EXPECT_EQ(std::string(reinterpret_cast<char*>(mem->base), 2), "ok");
  EXPECT_EQ(mem->base[65535], 0);

  ModuleBuilder tb;
  uint32_t t2 = tb.func_type({});
  uint32_t g0 = tb.function(t2);
  tb.module().tables.push_back(
      TableDecl{TableType{ValType::funcref(), Limits{2, {}, false, false}}, {}});
  ElemSegment too_far;
  too_far.offset = tb.i32(1);
  too_far.func_indices = {g0, g0};
  tb.module().elems.push_back(too_far);
  auto table_trap = instantiate(store, tb.build(), {});
  ASSERT_FALSE(table_trap.ok());
  EXPECT_EQ(table_trap.error().kind, ErrorKind::Trap);
  EXPECT_EQ(table_trap.error().message, "out of bounds table access");
}

} // namespace
} // namespace kite
