// Assertions for the WASI test programs: a failed check prints where and
// why on stderr and exits with status 1 (the driver expects 0 otherwise).
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, #cond,       \
              errno, strerror(errno));                                                             \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

// A raw __wasi_* call must return the WASI errno `want`.
#define CHECK_WASI(call, want)                                                                     \
  do {                                                                                             \
    __wasi_errno_t got_ = (call);                                                                  \
    if (got_ != (want)) {                                                                          \
      fprintf(stderr, "%s:%d: %s returned %d, want %d\n", __FILE__, __LINE__, #call, (int)got_,    \
              (int)(want));                                                                        \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

// The first preopened directory (the driver passes exactly one --dir).
#define PREOPEN_FD 3
