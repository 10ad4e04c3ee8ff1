// Prints the primes below 100, one per line, and exits with their count as
// its status. It uses only fd_write and proc_exit, the WASI that every kite
// build has, the minimal preset's included (printf would need more).
#include <stdint.h>
#include <wasi/api.h>

enum { kLimit = 100 };

static void write_all(const char* text, size_t length) {
  while (length > 0) {
    __wasi_ciovec_t iov = {(const uint8_t*)text, length};
    size_t written = 0;
    if (__wasi_fd_write(1, &iov, 1, &written) != 0) __wasi_proc_exit(255);
    text += written;
    length -= written;
  }
}

int main(void) {
  static uint8_t composite[kLimit];
  char line[16];
  int count = 0;
  for (int n = 2; n < kLimit; ++n) {
    if (composite[n]) continue;
    ++count;
    for (int m = n * n; m < kLimit; m += n)
      composite[m] = 1;
    // The number in decimal, then a newline.
    int length = 0;
    char digits[12];
    for (int v = n; v > 0; v /= 10)
      digits[length++] = (char)('0' + v % 10);
    for (int i = 0; i < length; ++i)
      line[i] = digits[length - 1 - i];
    line[length] = '\n';
    write_all(line, (size_t)length + 1);
  }
  __wasi_proc_exit((__wasi_exitcode_t)count);
}
