// proc_exit ends the guest with its code from any depth (argv[1] says
// how); proc_raise ends it with 128 + signal; returning from main is 0.
#include <unistd.h>

#include "check.h"

void raw_proc_raise_exit(uint32_t sig)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));
__wasi_errno_t raw_proc_raise(uint32_t sig)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")));

static int depth(int n, int code) {
  if (n == 0) {
    fflush(stdout);
    __wasi_proc_exit((uint32_t)code);
  }
  return depth(n - 1, code) + 1;
}

int main(int argc, char** argv) {
  CHECK(argc == 2);
  const char* mode = argv[1];
  if (!strcmp(mode, "return")) return 0;
  if (!strcmp(mode, "main")) return 3;
  if (!strcmp(mode, "exit")) {
    printf("before exit\n");
    exit(42);
  }
  if (!strcmp(mode, "deep")) return depth(1000, 17);
  if (!strcmp(mode, "raise")) {
    CHECK_WASI(raw_proc_raise(0), 0);  // signal 0: nothing happens
    CHECK_WASI(raw_proc_raise(16), 0); // SIGCHLD is ignored by default
    CHECK_WASI(raw_proc_raise(99), __WASI_ERRNO_INVAL);
    raw_proc_raise(15); // SIGTERM ends the guest: 128 + 15
    return 1;
  }
  if (!strcmp(mode, "trap")) __builtin_trap();
  return 99;
}
