// kite.wasm (compat.h): what wasi-libc declares but does not define, and
// kite uses.
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

// wasi-libc's mmap is emulated with malloc: its memory is always readable
// and writable, and growing a mapping moves it.
int mprotect(void*, size_t, int) { return 0; }
// Page hints have no pages to act on.
int madvise(void*, size_t, int) { return 0; }

void* mremap(void* old, size_t old_size, size_t new_size, int, ...) {
  void* p = mmap(nullptr, new_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return p;
  memcpy(p, old, old_size < new_size ? old_size : new_size);
  munmap(old, old_size);
  return p;
}

// poll, with the timeout in milliseconds rounded up (no signals to mask).
int ppoll(struct pollfd* fds, nfds_t n, const struct timespec* timeout, const sigset_t*) {
  int ms = -1;
  if (timeout) {
    const long long total = timeout->tv_sec * 1000LL + (timeout->tv_nsec + 999999) / 1000000;
    ms = total > 0x7fffffff ? 0x7fffffff : static_cast<int>(total);
  }
  return poll(fds, n, ms);
}

// The hook that destroys a thread_local at its thread's end: kite.wasm's
// one thread ends with the process, so the destructor runs at exit.
extern "C" int __cxa_atexit(void (*dtor)(void*), void* object, void* dso);
extern "C" int __cxa_thread_atexit(void (*dtor)(void*), void* object, void* dso) {
  return __cxa_atexit(dtor, object, dso);
}
