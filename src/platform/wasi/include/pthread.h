// kite.wasm (src/platform/wasi/compat.h): wasi-libc has no pthreads. kite
// asks pthreads for the native stack's bounds, which it then does not know
// (the interpreter falls back to a floor below the current frame), and for
// wasi-threads' threads, which cannot be made (thread-spawn returns -1).
#pragma once
#include <errno.h>
#include <stddef.h>
#include <sys/types.h> // pthread_t, pthread_attr_t
static inline pthread_t pthread_self(void) { return 0; }
static inline int pthread_getattr_np(pthread_t, pthread_attr_t*) { return ENOSYS; }
static inline int pthread_attr_getstack(const pthread_attr_t*, void**, size_t*) { return ENOSYS; }
static inline int pthread_attr_destroy(pthread_attr_t*) { return 0; }
static inline int pthread_create(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*) {
  return ENOSYS;
}
static inline int pthread_detach(pthread_t) { return 0; }
