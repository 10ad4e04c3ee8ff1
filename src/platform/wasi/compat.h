// kite.wasm's platform layer: what kite uses of threads, signals, setjmp and
// Linux system calls, for wasi-libc (2022), which has none of them. Included
// before every source file of the `wasm` preset (cmake/wasi_target.cmake),
// with include/ ahead of the system headers, so that no kite source needs a
// WASI branch. kite.wasm is one thread with no signal handlers, and each
// stand-in degrades in the one way said at it:
//  - locks are no-ops (nothing else runs);
//  - a thread runs its function when it is created, so fork-join uses (the
//    validator's parallel bodies, the CLI's split read) do their parts in
//    turn; what needs a thread alongside (timeouts) checks
//    platform::kThreads first (support/platform.h) and reports it is absent;
//  - a wait for a notification that cannot come ends the process with a
//    one-line error instead of hanging;
//  - no memory has guard pages (platform::kGuardPages), so no fault is ever
//    turned into a trap: sigsetjmp always returns 0 and sigaction is a no-op
//    (include/setjmp.h, include/pthread.h);
//  - sockets and random bytes go to their WASI forms; what wasi-libc
//    declares and does not define (mprotect, madvise, mremap, ppoll, the thread_local
//    destructor hook) is in libc_extras.cpp;
//  - C++ exceptions are off (kite throws none; the library's own throws,
//    such as std::bad_alloc, abort).
#pragma once
#ifndef __wasi__
#error "src/platform/wasi/compat.h is for the wasm32-wasi build only"
#endif

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wasi/api.h>

// ---- mmap: wasi-libc's is malloc'd memory, and refuses flags it does not
// know; these hints mean nothing there ----
#undef MAP_NORESERVE
#define MAP_NORESERVE 0
#undef MAP_POPULATE
#define MAP_POPULATE 0

// ---- signals: no handler is ever installed (no guard pages) ----
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_NODEFER 0x40000000
#define SS_DISABLE 2
typedef struct {
  void* si_addr;
} siginfo_t;
typedef struct {
  void* ss_sp;
  int ss_flags;
  size_t ss_size;
} stack_t;
struct sigaction {
  void (*sa_handler)(int);
  void (*sa_sigaction)(int, siginfo_t*, void*);
  unsigned long sa_mask;
  int sa_flags;
};
static inline int sigaction(int, const struct sigaction*, struct sigaction* old) {
  if (old) memset(old, 0, sizeof *old);
  return 0;
}
static inline int sigemptyset(unsigned long* set) {
  memset(set, 0, sizeof *set);
  return 0;
}
// Reports an alternate stack as present, so none is allocated.
static inline int sigaltstack(const stack_t*, stack_t* old) {
  if (old) memset(old, 0, sizeof *old);
  return 0;
}
typedef long greg_t;
typedef struct {
  struct {
    greg_t gregs[1];
  } uc_mcontext;
} ucontext_t;

// ---- sockets: WASI's sock_recv / sock_send ----
#define DT_SOCK __WASI_FILETYPE_SOCKET_STREAM
#define MSG_NOSIGNAL 0 // WASI has no SIGPIPE
// wasi-libc 2022's MSG_TRUNC names a flag by its old name.
#define __WASI_RIFLAGS_RECV_DATA_TRUNCATED __WASI_ROFLAGS_RECV_DATA_TRUNCATED
static inline ssize_t recvmsg(int fd, struct msghdr* msg, int flags) {
  __wasi_size_t n = 0;
  __wasi_roflags_t out = 0;
  __wasi_errno_t e =
      __wasi_sock_recv(fd, reinterpret_cast<const __wasi_iovec_t*>(msg->msg_iov), msg->msg_iovlen,
                       static_cast<__wasi_riflags_t>(flags), &n, &out);
  if (e) {
    errno = e;
    return -1;
  }
  msg->msg_flags = out;
  return static_cast<ssize_t>(n);
}
static inline ssize_t sendmsg(int fd, const struct msghdr* msg, int) {
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_sock_send(fd, reinterpret_cast<const __wasi_ciovec_t*>(msg->msg_iov),
                                      msg->msg_iovlen, 0, &n);
  if (e) {
    errno = e;
    return -1;
  }
  return static_cast<ssize_t>(n);
}

// No listening sockets of kite.wasm's own (include/netdb.h fails first).
#define SOMAXCONN 128
#define SO_REUSEADDR 2
static inline int socket(int, int, int) {
  errno = ENOSYS;
  return -1;
}
static inline int bind(int, const struct sockaddr*, socklen_t) {
  errno = ENOSYS;
  return -1;
}
static inline int listen(int, int) {
  errno = ENOSYS;
  return -1;
}
static inline int setsockopt(int, int, int, const void*, socklen_t) {
  errno = ENOSYS;
  return -1;
}

// ---- files: a directory opened only to look names up in ----
#define O_PATH O_SEARCH

// ---- random bytes: WASI's random_get ----
static inline ssize_t getrandom(void* buf, size_t len, unsigned) {
  __wasi_errno_t e = __wasi_random_get(static_cast<uint8_t*>(buf), len);
  if (e) {
    errno = e;
    return -1;
  }
  return static_cast<ssize_t>(len);
}

// ---- threads: one, running everything in turn ----
#ifdef __cplusplus
#include <chrono>
#include <mutex> // lock_guard, defer_lock, call_once: present without threads
#include <utility>

namespace std {

struct mutex {
  void lock() {}
  bool try_lock() { return true; }
  void unlock() {}
};

template <typename M> class unique_lock {
public:
  using mutex_type = M;
  explicit unique_lock(M& m) : m_(&m), owns_(true) {}
  unique_lock(M& m, defer_lock_t) : m_(&m) {}
  void lock() { owns_ = true; }
  void unlock() { owns_ = false; }
  bool owns_lock() const { return owns_; }
  M* mutex() const { return m_; }

private:
  M* m_;
  bool owns_ = false;
};

enum class cv_status { no_timeout, timeout };

// Nothing else can notify: a wait with a deadline sleeps until it, one
// without ends the process.
struct condition_variable {
  void notify_one() {}
  void notify_all() {}
  template <typename Lock> [[noreturn]] void wait(Lock&) {
    fputs("kite.wasm: a wait for a notification that no other thread can send\n", stderr);
    exit(1);
  }
  template <typename Lock, typename Pred> void wait(Lock& lock, Pred ready) {
    if (!ready()) wait(lock);
  }
  template <typename Lock, typename Clock, typename Duration>
  cv_status wait_until(Lock&, const chrono::time_point<Clock, Duration>& deadline) {
    const auto left = deadline - Clock::now();
    if (left > Duration::zero()) {
      const auto ns = chrono::duration_cast<chrono::nanoseconds>(left).count();
      struct timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      nanosleep(&ts, nullptr);
    }
    return cv_status::timeout;
  }
  template <typename Lock, typename Clock, typename Duration, typename Pred>
  bool wait_until(Lock& lock, const chrono::time_point<Clock, Duration>& deadline, Pred ready) {
    if (!ready()) wait_until(lock, deadline);
    return ready();
  }
};

class thread {
public:
  thread() = default;
  template <typename F, typename... Args> explicit thread(F&& f, Args&&... args) {
    std::forward<F>(f)(std::forward<Args>(args)...);
  }
  bool joinable() const { return false; }
  void join() {}
  void detach() {}
  static unsigned hardware_concurrency() { return 1; }
};

namespace this_thread {
inline void yield() {}
} // namespace this_thread

} // namespace std
#endif
