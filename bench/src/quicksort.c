// Recursive quicksort of 32-bit integers, repeatedly on fresh random data.
#include "bench.h"

#define N 1000000

static void sort(int32_t* a, int lo, int hi) {
  while (lo < hi) {
    int32_t pivot = a[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        int32_t t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      sort(a, lo, j);
      lo = i;
    } else {
      sort(a, i, hi);
      hi = j;
    }
  }
}

static int32_t values[N];

EXPORT {
  uint32_t sum = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (int i = 0; i < N; i++)
      values[i] = (int32_t)rng();
    sort(values, 0, N - 1);
    for (int i = 1; i < N; i++)
      if (values[i - 1] > values[i]) return 0;
    for (int i = 0; i < N; i += 1000)
      sum = sum * 31 + (uint32_t)values[i];
  }
  return sum;
}
