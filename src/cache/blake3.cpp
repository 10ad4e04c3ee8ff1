#include "cache/blake3.h"

#include <bit>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <thread>
#include <vector>

namespace kite::cache {

namespace {

constexpr uint32_t kIv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                             0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
constexpr uint8_t kPermutation[16] = {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8};
constexpr uint32_t kChunkStart = 1, kChunkEnd = 2, kParent = 4, kRoot = 8, kKeyedHash = 16;
constexpr size_t kBlockLen = 64;
constexpr size_t kChunkLen = 1024;
// Subtrees of this many bytes (a power of two of chunks) are hashed as
// units, alternately by two threads, for inputs of at least kThreadsFrom.
constexpr size_t kSubtreeLen = size_t{1} << 20;
constexpr size_t kThreadsFrom = size_t{4} << 20;

using Words = std::array<uint32_t, 8>;

[[gnu::always_inline]] inline void g(uint32_t* s, int a, int b, int c, int d, uint32_t x,
                                     uint32_t y) {
  s[a] = s[a] + s[b] + x;
  s[d] = std::rotr(s[d] ^ s[a], 16);
  s[c] = s[c] + s[d];
  s[b] = std::rotr(s[b] ^ s[c], 12);
  s[a] = s[a] + s[b] + y;
  s[d] = std::rotr(s[d] ^ s[a], 8);
  s[c] = s[c] + s[d];
  s[b] = std::rotr(s[b] ^ s[c], 7);
}

// The compression function; returns the first 8 words of its output (the
// chaining value, or the digest at the root).
Words compress(const Words& cv, const uint8_t* block, uint64_t counter, uint32_t len,
               uint32_t flags) {
  uint32_t m[16];
  for (int i = 0; i < 16; ++i) {
    m[i] = static_cast<uint32_t>(block[4 * i]) | static_cast<uint32_t>(block[4 * i + 1]) << 8 |
           static_cast<uint32_t>(block[4 * i + 2]) << 16 |
           static_cast<uint32_t>(block[4 * i + 3]) << 24;
  }
  uint32_t s[16] = {cv[0],
                    cv[1],
                    cv[2],
                    cv[3],
                    cv[4],
                    cv[5],
                    cv[6],
                    cv[7],
                    kIv[0],
                    kIv[1],
                    kIv[2],
                    kIv[3],
                    static_cast<uint32_t>(counter),
                    static_cast<uint32_t>(counter >> 32),
                    len,
                    flags};
  for (int round = 0; round < 7; ++round) {
    g(s, 0, 4, 8, 12, m[0], m[1]);
    g(s, 1, 5, 9, 13, m[2], m[3]);
    g(s, 2, 6, 10, 14, m[4], m[5]);
    g(s, 3, 7, 11, 15, m[6], m[7]);
    g(s, 0, 5, 10, 15, m[8], m[9]);
    g(s, 1, 6, 11, 12, m[10], m[11]);
    g(s, 2, 7, 8, 13, m[12], m[13]);
    g(s, 3, 4, 9, 14, m[14], m[15]);
    if (round < 6) {
      uint32_t p[16];
      for (int i = 0; i < 16; ++i)
        p[i] = m[kPermutation[i]];
      std::memcpy(m, p, sizeof m);
    }
  }
  Words out;
  for (int i = 0; i < 8; ++i)
    out[i] = s[i] ^ s[i + 8];
  return out;
}

#if defined(__x86_64__)
#define KITE_AVX2 __attribute__((target("avx2"), always_inline)) inline

KITE_AVX2 __m256i rotr_avx2(__m256i x, int n) {
  return _mm256_or_si256(_mm256_srli_epi32(x, n), _mm256_slli_epi32(x, 32 - n));
}

// g() on eight states at once; rotations by 16 and 8 are byte shuffles.
KITE_AVX2 void g_avx2(__m256i* v, int a, int b, int c, int d, __m256i x, __m256i y) {
  const __m256i rot16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3,
                                         0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
  const __m256i rot8 = _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2,
                                        3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
  v[a] = _mm256_add_epi32(_mm256_add_epi32(v[a], v[b]), x);
  v[d] = _mm256_shuffle_epi8(_mm256_xor_si256(v[d], v[a]), rot16);
  v[c] = _mm256_add_epi32(v[c], v[d]);
  v[b] = rotr_avx2(_mm256_xor_si256(v[b], v[c]), 12);
  v[a] = _mm256_add_epi32(_mm256_add_epi32(v[a], v[b]), y);
  v[d] = _mm256_shuffle_epi8(_mm256_xor_si256(v[d], v[a]), rot8);
  v[c] = _mm256_add_epi32(v[c], v[d]);
  v[b] = rotr_avx2(_mm256_xor_si256(v[b], v[c]), 7);
}

// Rows r[j] (eight words of lane j) -> columns (word i of every lane).
KITE_AVX2 void transpose_avx2(__m256i* r) {
  const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
  const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
  const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
  const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
  const __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
  const __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
  const __m256i u4 = _mm256_unpacklo_epi64(t4, t6), u5 = _mm256_unpackhi_epi64(t4, t6);
  const __m256i u6 = _mm256_unpacklo_epi64(t5, t7), u7 = _mm256_unpackhi_epi64(t5, t7);
  r[0] = _mm256_permute2x128_si256(u0, u4, 0x20);
  r[1] = _mm256_permute2x128_si256(u1, u5, 0x20);
  r[2] = _mm256_permute2x128_si256(u2, u6, 0x20);
  r[3] = _mm256_permute2x128_si256(u3, u7, 0x20);
  r[4] = _mm256_permute2x128_si256(u0, u4, 0x31);
  r[5] = _mm256_permute2x128_si256(u1, u5, 0x31);
  r[6] = _mm256_permute2x128_si256(u2, u6, 0x31);
  r[7] = _mm256_permute2x128_si256(u3, u7, 0x31);
}

// The message word order of each of the seven rounds.
constexpr auto kSchedule = [] {
  std::array<std::array<uint8_t, 16>, 7> s{};
  for (int i = 0; i < 16; ++i)
    s[0][i] = static_cast<uint8_t>(i);
  for (int r = 1; r < 7; ++r)
    for (int i = 0; i < 16; ++i)
      s[r][i] = s[r - 1][kPermutation[i]];
  return s;
}();

// One compression of eight independent blocks, one per 32-bit lane of AVX2
// vectors (the specification's "hash_many" parallelism): lane j's block is
// the 64 bytes at data + j * stride; `h` holds the eight chaining values,
// word-sliced, in and out.
KITE_AVX2 void compress8(__m256i* h, const uint8_t* data, size_t stride, __m256i counter_lo,
                         __m256i counter_hi, uint32_t flags) {
  __m256i m[16];
  for (size_t j = 0; j < 8; ++j) {
    const uint8_t* p = data + j * stride;
    m[j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    m[8 + j] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  }
  transpose_avx2(m);
  transpose_avx2(m + 8);
  __m256i v[16];
  for (int i = 0; i < 8; ++i)
    v[i] = h[i];
  for (int i = 0; i < 4; ++i)
    v[8 + i] = _mm256_set1_epi32(static_cast<int>(kIv[i]));
  v[12] = counter_lo;
  v[13] = counter_hi;
  v[14] = _mm256_set1_epi32(static_cast<int>(kBlockLen));
  v[15] = _mm256_set1_epi32(static_cast<int>(flags));
  for (const auto& s : kSchedule) {
    g_avx2(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    g_avx2(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    g_avx2(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    g_avx2(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    g_avx2(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    g_avx2(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    g_avx2(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    g_avx2(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i)
    h[i] = _mm256_xor_si256(v[i], v[i + 8]);
}

KITE_AVX2 void broadcast_key(__m256i* h, const Words& key) {
  for (int i = 0; i < 8; ++i)
    h[i] = _mm256_set1_epi32(static_cast<int>(key[i]));
}

// Word-sliced chaining values -> out[0..7].
KITE_AVX2 void store8(const __m256i* h, Words* out) {
  uint32_t words[8][8];
  for (int i = 0; i < 8; ++i)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words[i]), h[i]);
  for (int j = 0; j < 8; ++j)
    for (int i = 0; i < 8; ++i)
      out[j][i] = words[i][j];
}

// The chaining values of eight whole chunks (1024 bytes each, from
// `counter` on).
__attribute__((target("avx2"))) void
chunks8_avx2(const Words& key, uint32_t flags, const uint8_t* data, uint64_t counter, Words* out) {
  uint32_t lo[8], hi[8];
  for (int j = 0; j < 8; ++j) {
    lo[j] = static_cast<uint32_t>(counter + j);
    hi[j] = static_cast<uint32_t>((counter + j) >> 32);
  }
  const __m256i counter_lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lo));
  const __m256i counter_hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(hi));
  __m256i h[8];
  broadcast_key(h, key);
  for (size_t block = 0; block < kChunkLen / kBlockLen; ++block) {
    const uint32_t f = flags | (block == 0 ? kChunkStart : 0) |
                       (block == kChunkLen / kBlockLen - 1 ? kChunkEnd : 0);
    compress8(h, data + block * kBlockLen, kChunkLen, counter_lo, counter_hi, f);
  }
  store8(h, out);
}

// Eight parents (none the root) of the sixteen chaining values at `children`
// (each pair is one 64-byte block, as the parent's message).
__attribute__((target("avx2"))) void parents8_avx2(const Words& key, uint32_t flags,
                                                   const Words* children, Words* out) {
  static_assert(sizeof(Words) == 32);
  __m256i h[8];
  broadcast_key(h, key);
  const __m256i zero = _mm256_setzero_si256();
  compress8(h, reinterpret_cast<const uint8_t*>(children), kBlockLen, zero, zero, flags | kParent);
  store8(h, out);
}

const bool kHaveAvx2 = __builtin_cpu_supports("avx2");
#else
constexpr bool kHaveAvx2 = false;
#endif

struct Hasher {
  Words key;
  uint32_t flags; // 0 or kKeyedHash

  // A chunk (up to 1024 bytes; only the root's may be empty).
  Words chunk(const uint8_t* data, size_t len, uint64_t counter, uint32_t root) const {
    Words cv = key;
    size_t off = 0;
    uint32_t start = kChunkStart;
    while (len - off > kBlockLen) {
      cv = compress(cv, data + off, counter, kBlockLen, flags | start);
      off += kBlockLen;
      start = 0;
    }
    uint8_t last[kBlockLen] = {};
    if (len > off) std::memcpy(last, data + off, len - off); // (empty input: data may be null)
    return compress(cv, last, counter, static_cast<uint32_t>(len - off),
                    flags | start | kChunkEnd | root);
  }

  Words parent(const Words& left, const Words& right, uint32_t root) const {
    uint8_t block[kBlockLen];
    for (int i = 0; i < 8; ++i) {
      for (int b = 0; b < 4; ++b) {
        block[4 * i + b] = static_cast<uint8_t>(left[i] >> (8 * b));
        block[32 + 4 * i + b] = static_cast<uint8_t>(right[i] >> (8 * b));
      }
    }
    return compress(key, block, 0, kBlockLen, flags | kParent | root);
  }

  // A complete subtree of `n` chunks (a power of two, 8 to 1024) with AVX2:
  // eight chunks at a time, then the parents level by level.
  Words complete(const uint8_t* data, size_t n, uint64_t counter, uint32_t root) const {
    Words cvs[kSubtreeLen / kChunkLen];
#if defined(__x86_64__)
    for (size_t i = 0; i < n; i += 8)
      chunks8_avx2(key, flags, data + i * kChunkLen, counter + i, cvs + i);
#else
    (void)data, (void)counter; // only reached with AVX2 (kHaveAvx2)
#endif
    for (; n > 2; n /= 2) {
      size_t i = 0;
#if defined(__x86_64__)
      // (parents8 reads all sixteen children before writing its eight.)
      for (; i + 8 <= n / 2; i += 8)
        parents8_avx2(key, flags, cvs + 2 * i, cvs + i);
#endif
      for (; i < n / 2; ++i)
        cvs[i] = parent(cvs[2 * i], cvs[2 * i + 1], 0);
    }
    return parent(cvs[0], cvs[1], root);
  }

  // The node over `len` bytes starting at chunk `counter`: the left subtree
  // holds the largest power of two of chunks that leaves the right one
  // non-empty. `cvs`, when given, holds the chaining values of the
  // kSubtreeLen-aligned subtrees, already computed.
  Words node(const uint8_t* data, size_t len, uint64_t counter, uint32_t root,
             const std::vector<Words>* cvs) const {
    if (len <= kChunkLen) return chunk(data, len, counter, root);
    if (cvs && len == kSubtreeLen && !root && counter * kChunkLen % kSubtreeLen == 0)
      return (*cvs)[counter * kChunkLen / kSubtreeLen];
    if (kHaveAvx2 && len % kChunkLen == 0 && std::has_single_bit(len) && len >= 8 * kChunkLen &&
        len <= kSubtreeLen) {
      return complete(data, len / kChunkLen, counter, root);
    }
    size_t left = kChunkLen;
    while (left * 2 < len)
      left *= 2;
    const Words l = node(data, left, counter, 0, cvs);
    const Words r = node(data + left, len - left, counter + left / kChunkLen, 0, cvs);
    return parent(l, r, root);
  }

  Digest hash(std::span<const uint8_t> in) const {
    const uint8_t* data = in.data();
    const size_t len = in.size();
    Words out;
    if (len < kThreadsFrom) {
      out = node(data, len, 0, kRoot, nullptr);
    } else {
      // Every whole kSubtreeLen subtree (the last one's bytes may be split
      // differently and are hashed in node()), alternately on two threads.
      std::vector<Words> cvs(len / kSubtreeLen);
      auto work = [&](size_t first) {
        for (size_t i = first; i < cvs.size(); i += 2)
          cvs[i] =
              node(data + i * kSubtreeLen, kSubtreeLen, i * (kSubtreeLen / kChunkLen), 0, nullptr);
      };
      std::thread helper(work, 1);
      work(0);
      helper.join();
      out = node(data, len, 0, kRoot, &cvs);
    }
    Digest d;
    for (int i = 0; i < 8; ++i)
      for (int b = 0; b < 4; ++b)
        d[4 * i + b] = static_cast<uint8_t>(out[i] >> (8 * b));
    return d;
  }
};

} // namespace

Digest blake3(std::span<const uint8_t> data) {
  Hasher h{};
  std::copy(std::begin(kIv), std::end(kIv), h.key.begin());
  h.flags = 0;
  return h.hash(data);
}

Digest blake3_keyed(const Digest& key, std::span<const uint8_t> data) {
  Hasher h{};
  for (int i = 0; i < 8; ++i)
    h.key[i] = static_cast<uint32_t>(key[4 * i]) | static_cast<uint32_t>(key[4 * i + 1]) << 8 |
               static_cast<uint32_t>(key[4 * i + 2]) << 16 |
               static_cast<uint32_t>(key[4 * i + 3]) << 24;
  h.flags = kKeyedHash;
  return h.hash(data);
}

} // namespace kite::cache
