// Dense integer and double matrix multiply: nested loops, address arithmetic.
#include "bench.h"

#define N 200
static int32_t a[N][N], b[N][N], c[N][N];
static double fa[N][N], fb[N][N], fc[N][N];

EXPORT {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      a[i][j] = (int32_t)(rng() % 100) - 50;
      b[i][j] = (int32_t)(rng() % 100) - 50;
      fa[i][j] = (double)a[i][j] / 7.0;
      fb[i][j] = (double)b[i][j] / 3.0;
    }
  uint32_t sum = 0;
  for (int rep = 0; rep < 12; rep++) {
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        int32_t s = 0;
        double fs = 0;
        for (int k = 0; k < N; k++) {
          s += a[i][k] * b[k][j];
          fs += fa[i][k] * fb[k][j];
        }
        c[i][j] = s;
        fc[i][j] = fs;
      }
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        sum = sum * 31 + (uint32_t)c[i][j] + (uint32_t)(int64_t)(fc[i][j] * 1000.0);
        a[i][j] ^= c[(i + 1) % N][j] & 15;
      }
  }
  return sum;
}
