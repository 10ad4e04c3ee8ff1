#include "cache/aegis_mac.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace kite::cache {

#if defined(__x86_64__)

namespace {

#define KITE_AES __attribute__((target("aes,sse4.1"), always_inline)) inline

// The 1024-bit state: eight AES blocks S0..S7.
struct State {
  __m128i s[8];
};

KITE_AES __m128i load(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// Update(M0, M1): S'0 = AESRound(S7, S0 ^ M0), S'4 = AESRound(S3, S4 ^ M1),
// otherwise S'i = AESRound(S(i-1), Si); AESRound(in, rk) is one AESENC.
KITE_AES void update(State& st, __m128i m0, __m128i m1) {
  __m128i* s = st.s;
  const __m128i s7 = s[7];
  s[7] = _mm_aesenc_si128(s[6], s[7]);
  s[6] = _mm_aesenc_si128(s[5], s[6]);
  s[5] = _mm_aesenc_si128(s[4], s[5]);
  s[4] = _mm_aesenc_si128(s[3], _mm_xor_si128(s[4], m1));
  s[3] = _mm_aesenc_si128(s[2], s[3]);
  s[2] = _mm_aesenc_si128(s[1], s[2]);
  s[1] = _mm_aesenc_si128(s[0], s[1]);
  s[0] = _mm_aesenc_si128(s7, _mm_xor_si128(s[0], m0));
}

// The constants C0 and C1 (Fibonacci numbers modulo 256).
constexpr uint8_t kC0[16] = {0x00, 0x01, 0x01, 0x02, 0x03, 0x05, 0x08, 0x0d,
                             0x15, 0x22, 0x37, 0x59, 0x90, 0xe9, 0x79, 0x62};
constexpr uint8_t kC1[16] = {0xdb, 0x3d, 0x18, 0x55, 0x6d, 0xc2, 0x2f, 0xf1,
                             0x20, 0x11, 0x31, 0x42, 0x73, 0xb5, 0x28, 0xdd};

KITE_AES void init(State& st, const MacKey& key_bytes, const MacNonce& nonce_bytes) {
  const __m128i key = load(key_bytes.data()), nonce = load(nonce_bytes.data());
  const __m128i c0 = load(kC0), c1 = load(kC1);
  st.s[0] = _mm_xor_si128(key, nonce);
  st.s[1] = c1;
  st.s[2] = c0;
  st.s[3] = c1;
  st.s[4] = _mm_xor_si128(key, nonce);
  st.s[5] = _mm_xor_si128(key, c0);
  st.s[6] = _mm_xor_si128(key, c1);
  st.s[7] = _mm_xor_si128(key, c0);
  for (int i = 0; i < 10; ++i)
    update(st, nonce, key);
}

__attribute__((target("aes,sse4.1"))) Digest mac(const MacKey& key, const MacNonce& nonce,
                                                 std::span<const uint8_t> data) {
  State st;
  init(st, key, nonce);
  const uint8_t* p = data.data();
  const size_t whole = data.size() & ~size_t{31};
  for (size_t i = 0; i < whole; i += 32)
    update(st, load(p + i), load(p + i + 16));
  if (whole < data.size()) { // the last block, zero-padded
    alignas(16) uint8_t last[32] = {};
    std::memcpy(last, p + whole, data.size() - whole);
    update(st, load(last), load(last + 16));
  }
  // Finalize(|data|, tag length), both in bits.
  const __m128i lengths = _mm_set_epi64x(256, static_cast<long long>(data.size() * 8));
  const __m128i t = _mm_xor_si128(st.s[2], lengths);
  for (int i = 0; i < 7; ++i)
    update(st, t, t);
  const __m128i* s = st.s;
  const __m128i lo = _mm_xor_si128(_mm_xor_si128(s[0], s[1]), _mm_xor_si128(s[2], s[3]));
  const __m128i hi = _mm_xor_si128(_mm_xor_si128(s[4], s[5]), _mm_xor_si128(s[6], s[7]));
  Digest tag;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(tag.data()), lo);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(tag.data() + 16), hi);
  return tag;
}

} // namespace

bool aegis_mac_available() {
  static const bool available = __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
  return available;
}

Digest aegis_mac_128l(const MacKey& key, const MacNonce& nonce, std::span<const uint8_t> data) {
  return mac(key, nonce, data);
}

#else

bool aegis_mac_available() { return false; }

Digest aegis_mac_128l(const MacKey&, const MacNonce&, std::span<const uint8_t>) { return {}; }

#endif

} // namespace kite::cache
