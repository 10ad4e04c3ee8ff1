// A small open-addressing hash table for kite's maps that only ever insert
// and look up (type interning, extern boxes, export names): linear probing
// in one array, a power of two long and at most half full. It is a fraction
// of the code of std::unordered_map's nodes and prime-number rehash policy,
// which a build for size otherwise links for these alone (docs/performance.md,
// "Size"). A Value* it returns is valid until the next insertion.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace kite {

// FNV-1a over bytes: for keys that are text.
struct TextHash {
  size_t operator()(std::string_view text) const {
    uint64_t h = 0xcbf29ce484222325ull;
    for (char c : text)
      h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }
};

template <class Key, class Value, class Hash = std::hash<Key>> class HashTable {
public:
  // The value under `key`, a default Value inserted first when there is
  // none; `second` says whether it was inserted.
  std::pair<Value*, bool> try_emplace(Key key) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    Slot& s = slot_for(key);
    if (s.used) return {&s.value, false};
    s.used = true;
    s.key = std::move(key);
    ++count_;
    return {&s.value, true};
  }

  size_t size() const { return count_; }

private:
  struct Slot {
    bool used = false;
    Key key{};
    Value value{};
  };

  // The slot holding `key`, or the empty one where it belongs.
  Slot& slot_for(const Key& key) {
    // Hashes that are the key itself (integers) are mixed so that the low
    // bits the mask keeps vary.
    const uint64_t h = static_cast<uint64_t>(Hash{}(key)) * 0x9e3779b97f4a7c15ull;
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(h >> 32) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used || s.key == key) return s;
    }
  }

  void grow() {
    std::vector<Slot> old =
        std::exchange(slots_, std::vector<Slot>(std::max<size_t>(16, slots_.size() * 2)));
    for (Slot& s : old)
      if (s.used) slot_for(s.key) = std::move(s);
  }

  std::vector<Slot> slots_;
  size_t count_ = 0;
};

} // namespace kite
