// A string-keyed hash map (open addressing, FNV-1a): generate words, count
// them, look them up, compare strings. Byte loops, hashing, unpredictable
// memory access.
#include "bench.h"

#define CAP (1 << 16)
struct entry {
  const char* key;
  uint32_t len, hash, count;
};
static struct entry table[CAP];
static char words[40000 * 12];

static uint32_t fnv1a(const char* s, uint32_t n) {
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < n; i++)
    h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}
static int same(const char* a, const char* b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}
static struct entry* find(const char* s, uint32_t n, int insert) {
  uint32_t h = fnv1a(s, n);
  for (uint32_t i = h & (CAP - 1);; i = (i + 1) & (CAP - 1)) {
    struct entry* e = &table[i];
    if (!e->key) {
      if (!insert) return 0;
      e->key = s, e->len = n, e->hash = h;
      return e;
    }
    if (e->hash == h && e->len == n && same(e->key, s, n)) return e;
  }
}

EXPORT {
  // 40000 words of 3..10 letters from a small alphabet, so many repeat.
  char* w = words;
  const char* starts[40000];
  uint32_t lens[40000];
  for (int i = 0; i < 40000; i++) {
    uint32_t n = 3 + rng() % 8;
    starts[i] = w;
    lens[i] = n;
    for (uint32_t k = 0; k < n; k++)
      *w++ = (char)('a' + rng() % 4);
  }
  uint32_t sum = 0;
  for (int rep = 0; rep < 250; rep++) {
    fill_bytes(table, 0, sizeof table);
    uint32_t distinct = 0;
    for (int i = 0; i < 40000; i++) {
      struct entry* e = find(starts[i], lens[i], 1);
      if (e->count++ == 0) distinct++;
    }
    uint32_t found = 0;
    for (int i = 0; i < 40000; i += 3) {
      struct entry* e = find(starts[(i * 7 + rep) % 40000], lens[i], 0);
      if (e) found += e->count;
    }
    sum = sum * 31 + distinct * 7 + found;
  }
  return sum;
}
