#include "opcodes/opcodes.h"

#include <array>
#include <string>
#include <unordered_map>

namespace kite {

namespace detail {

namespace {

struct OpRowText {
  std::string_view name, sig;
};
constexpr OpRowText kRowTexts[] = {
#define KITE_OP(Name, Prefix, Code, Text, Imm, Sig, Feat) {Text, Sig},
#include "opcodes/opcodes.def"
#undef KITE_OP
};
static_assert(std::size(kRowTexts) == kNumOps);

// The text block: "" first (offset 0, the empty signature), then each name
// and each distinct signature once, NUL-terminated.
struct OpText {
  size_t size = 1;
  std::array<uint16_t, kNumOps> name_at{}, sig_at{};
};
template <size_t N = 0> constexpr OpText lay_out_text(char* out = nullptr) {
  OpText t;
  auto put = [&](std::string_view s) {
    const size_t at = t.size;
    for (size_t i = 0; i < s.size(); ++i)
      if (out) out[at + i] = s[i];
    t.size += s.size() + 1;
    return static_cast<uint16_t>(at);
  };
  std::array<uint32_t, kNumOps> distinct_sigs{}; // rows whose signature was put first
  uint32_t num_distinct = 0;
  for (uint32_t i = 0; i < kNumOps; ++i) {
    t.name_at[i] = put(kRowTexts[i].name);
    if (kRowTexts[i].sig.empty()) continue;
    for (uint32_t d = 0; d < num_distinct && !t.sig_at[i]; ++d)
      if (kRowTexts[distinct_sigs[d]].sig == kRowTexts[i].sig)
        t.sig_at[i] = t.sig_at[distinct_sigs[d]];
    if (t.sig_at[i]) continue;
    t.sig_at[i] = put(kRowTexts[i].sig);
    distinct_sigs[num_distinct++] = i;
  }
  return t;
}
constexpr OpText kTextLayout = lay_out_text();
static_assert(kTextLayout.size <= UINT16_MAX);
constexpr auto kText = [] {
  std::array<char, kTextLayout.size> text{};
  lay_out_text(text.data());
  return text;
}();

} // namespace

const char* op_text(uint16_t at) { return kText.data() + at; }

constexpr OpInfo kOpInfos[] = {
#define KITE_OP(Name, Prefix, Code, Text, Imm, Sig, Feat)                                          \
  {kTextLayout.name_at[static_cast<uint16_t>(Op::Name)],                                           \
   kTextLayout.sig_at[static_cast<uint16_t>(Op::Name)],                                            \
   Code,                                                                                           \
   Prefix,                                                                                         \
   ImmKind::Imm,                                                                                   \
   Feature::Feat},
#include "opcodes/opcodes.def"
#undef KITE_OP
};
static_assert(sizeof(kOpInfos) / sizeof(kOpInfos[0]) == kNumOps);

constexpr std::array<uint16_t, kOpByCodeSize> kOpByCode = [] {
  std::array<uint16_t, kOpByCodeSize> table{};
  table.fill(kNoOp);
  for (uint32_t i = 0; i < kNumOps; ++i)
    table[kOpCodeRows[prefix_row(kOpInfos[i].prefix)].start + kOpInfos[i].code] =
        static_cast<uint16_t>(i);
  return table;
}();

} // namespace detail

namespace {

using detail::kOpInfos;

const std::unordered_map<std::string_view, Op>& name_map() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string_view, Op>();
    for (uint32_t i = 0; i < kNumOps; ++i)
      m->emplace(kOpInfos[i].name(), static_cast<Op>(i));
    return m;
  }();
  return *map;
}

// Parses the access width out of the mnemonic, which encodes it uniformly:
// "load8"/"store16"/"rmw32" suffixes, SIMD "8x8"/"_splat"/"_lane"/"_zero"
// forms, else the width of the value type prefix.
uint32_t access_bytes_from_name(std::string_view name) {
  auto digits_after = [&](std::string_view key) -> uint32_t {
    size_t p = name.find(key);
    if (p == std::string_view::npos) return 0;
    p += key.size();
    uint32_t bits = 0;
    while (p < name.size() && name[p] >= '0' && name[p] <= '9')
      bits = bits * 10 + (name[p++] - '0');
    return bits / 8;
  };
  if (name == "memory.atomic.notify" || name == "memory.atomic.wait32") return 4;
  if (name == "memory.atomic.wait64") return 8;
  // v128.load8x8_s, load16x4_u, load32x2_s: always 8 bytes.
  if (name.starts_with("v128.load") && name.find('x', 5) != std::string_view::npos) return 8;
  if (uint32_t b = digits_after(".rmw")) return b;
  if (name.starts_with("v128.")) {
    if (uint32_t b = digits_after("load")) return b;
    if (uint32_t b = digits_after("store")) return b;
    return 16;
  }
  if (uint32_t b = digits_after("load")) return b;
  if (uint32_t b = digits_after("store")) return b;
  return name[1] == '6' ? 8 : 4; // i64/f64 vs i32/f32
}

} // namespace

std::optional<Op> op_from_name(std::string_view name) {
  auto it = name_map().find(name);
  if (it == name_map().end()) return std::nullopt;
  return it->second;
}

uint32_t memory_access_bytes(Op op) {
  static const auto* const bytes = [] {
    auto* table = new std::array<uint8_t, kNumOps>();
    for (uint32_t i = 0; i < kNumOps; ++i) {
      const OpInfo& info = kOpInfos[i];
      if (info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane)
        (*table)[i] = static_cast<uint8_t>(access_bytes_from_name(info.name()));
    }
    return table;
  }();
  return (*bytes)[static_cast<uint16_t>(op)];
}

bool is_atomic_op(Op op) { return op_info(op).prefix == 0xFE; }

} // namespace kite
