// Lookups by IR position in translated code (ir::Code): the GC stack map of
// a safe point, and the wasm instruction an IR instruction came from.
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

uint32_t Code::wasm_offset_at(uint32_t pos) const {
  auto instr = std::upper_bound(instr_starts.begin(), instr_starts.end(), pos);
  if (instr == instr_starts.begin()) return instr_wasm_offsets.empty() ? 0 : instr_wasm_offsets[0];
  return instr_wasm_offsets[static_cast<size_t>(instr - instr_starts.begin()) - 1];
}

} // namespace kite::ir
