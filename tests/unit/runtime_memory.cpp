// Memories and tables: guard-page reservations, commit on grow, limits.
#include <gtest/gtest.h>

#include "runtime/memory.h"
#include "runtime/store.h"

namespace kite {
namespace {

MemoryType memory_type(uint64_t min, std::optional<uint64_t> max, bool is64 = false,
                       uint32_t page_size_log2 = 16) {
  return MemoryType{Limits{min, max, is64, false}, page_size_log2};
}

// The layout is checked through the Memory fields, and the committed part
// by writing to it (touching the PROT_NONE part would crash the test).
TEST(RuntimeMemory, Guarded32BitMemoryReservesWholeRange) {
  Store store;
  auto memory = store.new_memory(memory_type(1, 10));
  ASSERT_TRUE(memory.ok()) << memory.error().message;
  Memory& m = **memory;
  EXPECT_TRUE(m.guarded);
  EXPECT_EQ(m.reserved, kGuardedReservation);
  EXPECT_GE(m.reserved, (uint64_t{8} << 30) + 16);
  EXPECT_EQ(m.size, 65536u);
  EXPECT_EQ(m.pages(), 1u);
  EXPECT_EQ(m.max_pages, 10u);
  // Committed pages are zero and writable.
  EXPECT_EQ(m.base[65535], 0);
  m.base[65535] = 7;
  EXPECT_EQ(m.base[65535], 7);
}

TEST(RuntimeMemory, GrowCommitsPagesAndKeepsBase) {
  Store store;
  Memory& m = **store.new_memory(memory_type(0, 3));
  uint8_t* base = m.base;
  EXPECT_EQ(grow_memory(m, 2), 0);
  EXPECT_EQ(m.base, base);
  EXPECT_EQ(m.size, 2u * 65536);
  m.base[2 * 65536 - 1] = 1;        // the new pages are accessible
  EXPECT_EQ(grow_memory(m, 2), -1); // beyond the declared maximum
  EXPECT_EQ(grow_memory(m, 0), 2);
  EXPECT_EQ(grow_memory(m, 1), 2);
  EXPECT_EQ(m.pages(), 3u);
}

TEST(RuntimeMemory, DefaultMaximumIsTheAddressSpace) {
  Store store;
  Memory& m = **store.new_memory(memory_type(1, std::nullopt));
  EXPECT_EQ(m.max_pages, 65536u);
  EXPECT_EQ(grow_memory(m, 65536), -1);
}

TEST(RuntimeMemory, StoreLimitCapsGrowth) {
  Store store(StoreLimits{uint64_t{4} << 16, 100});
  Memory& m = **store.new_memory(memory_type(1, 100));
  EXPECT_EQ(m.max_pages, 4u);
  EXPECT_EQ(grow_memory(m, 3), 1);
  EXPECT_EQ(grow_memory(m, 1), -1);
  EXPECT_FALSE(store.new_memory(memory_type(5, 10)).ok());
}

// The store-wide budget (kite run --max-memory) covers all memories and
// tables together, and a refused grow gives its bytes back.
TEST(RuntimeMemory, StoreBudgetCapsAllMemoriesAndTables) {
  StoreLimits limits;
  limits.max_total_bytes = (uint64_t{3} << 16) + 8 * sizeof(Ref);
  Store store(limits);
  Memory& a = **store.new_memory(memory_type(1, 10));
  Memory& b = **store.new_memory(memory_type(1, 10));
  EXPECT_EQ(grow_memory(a, 2), -1); // 4 pages in all would pass the budget
  EXPECT_EQ(grow_memory(b, 1), 1);  // 3 pages: exactly the memory part
  EXPECT_EQ(grow_memory(a, 1), -1);
  EXPECT_FALSE(store.new_memory(memory_type(1, 1)).ok());
  TableType table_type{ValType::funcref(), Limits{4, std::nullopt, false, false}};
  auto table = store.new_table(table_type, kNullRef);
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(grow_table(**table, 4, kNullRef), 4);
  EXPECT_EQ(grow_table(**table, 1, kNullRef), -1);
  EXPECT_EQ(store.budget.used.load(), limits.max_total_bytes);
}

TEST(RuntimeMemory, Memory64IsExplicitlyChecked) {
  Store store;
  Memory& m = **store.new_memory(memory_type(1, 4, /*is64=*/true));
  EXPECT_FALSE(m.guarded);
  EXPECT_TRUE(m.is64);
  // Unshared, it maps only its size and moves as it grows.
  EXPECT_TRUE(m.movable);
  EXPECT_EQ(m.reserved, 65536u);
  EXPECT_EQ(grow_memory(m, 3), 1);
  m.base[4 * 65536 - 1] = 1;
}

TEST(RuntimeMemory, Memory64GrowsPast4GiBWithoutReservingIt) {
  Store store;
  Memory& m = **store.new_memory(memory_type(65537, std::nullopt, /*is64=*/true));
  EXPECT_EQ(m.size, (uint64_t{1} << 32) + 65536);
  EXPECT_EQ(m.reserved, m.size);
  EXPECT_EQ(m.max_pages, kDefaultMaxMemoryBytes >> 16);
  m.base[m.size - 1] = 1;
  EXPECT_EQ(grow_memory(m, 65535), 65537);
  EXPECT_EQ(m.base[(uint64_t{1} << 32) + 65535], 1);
  EXPECT_EQ(grow_memory(m, m.max_pages), -1);
}

TEST(RuntimeMemory, OneBytePages) {
  Store store;
  Memory& m = **store.new_memory(memory_type(3, std::nullopt, false, 0));
  EXPECT_FALSE(m.guarded); // a fault would not fire at the exact byte
  EXPECT_EQ(m.size, 3u);
  EXPECT_EQ(m.max_pages, uint64_t{1} << 32);
  EXPECT_EQ(grow_memory(m, 5), 3);
  EXPECT_EQ(m.size, 8u);
  m.base[7] = 1;
}

TEST(RuntimeMemory, SharedMemoryGrows) {
  Store store;
  MemoryType type = memory_type(1, 2);
  type.limits.shared = true;
  Memory& m = **store.new_memory(type);
  EXPECT_TRUE(m.shared);
  EXPECT_EQ(grow_memory(m, 1), 1);
  EXPECT_EQ(grow_memory(m, 1), -1);
}

TEST(RuntimeTable, GrowWithinMaximum) {
  Store store;
  Table& t = **store.new_table(TableType{ValType::funcref(), Limits{2, 4, false, false}}, 0);
  EXPECT_EQ(t.elements.size(), 2u);
  EXPECT_EQ(grow_table(t, 2, 5), 2);
  EXPECT_EQ(t.elements[3], 5u);
  EXPECT_EQ(grow_table(t, 1, 0), -1);
  Table& unbounded =
      **store.new_table(TableType{ValType::funcref(), Limits{0, {}, false, false}}, 0);
  EXPECT_EQ(grow_table(unbounded, 0xffff'fff0, 0), -1); // over the store's element limit
}

} // namespace
} // namespace kite
