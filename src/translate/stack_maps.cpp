// Looking up the GC stack maps the translator records (ir::Code).
#include <algorithm>

#include "translate/ir.h"

namespace kite::ir {

std::span<const uint32_t> Code::stack_map_at(uint32_t pos) const {
  auto instr = std::upper_bound(instr_starts.begin(), instr_starts.end(), pos - 1);
  if (instr == instr_starts.begin()) return {};
  const uint32_t start = instr[-1];
  auto map = std::lower_bound(stack_maps.begin(), stack_maps.end(), start,
                              [](const StackMap& m, uint32_t p) { return m.pos < p; });
  if (map == stack_maps.end() || map->pos != start) return {};
  return {stack_map_slots.data() + map->first, map->count};
}

} // namespace kite::ir
