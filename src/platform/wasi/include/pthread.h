// kite.wasm (src/platform/wasi/compat.h): wasi-libc has no pthreads. kite
// asks pthreads only for the native stack's bounds, which it then does not
// know: the interpreter falls back to a floor below the current frame.
#pragma once
#include <errno.h>
#include <stddef.h>
typedef struct {
  int unused;
} pthread_attr_t;
typedef unsigned long pthread_t;
static inline pthread_t pthread_self(void) { return 0; }
static inline int pthread_getattr_np(pthread_t, pthread_attr_t*) { return ENOSYS; }
static inline int pthread_attr_getstack(const pthread_attr_t*, void**, size_t*) { return ENOSYS; }
static inline int pthread_attr_destroy(pthread_attr_t*) { return 0; }
