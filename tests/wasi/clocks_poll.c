// clock_res_get, clock_time_get, poll_oneoff (really waiting on clocks,
// relative and absolute; fd readiness; errors), sched_yield, nanosleep.
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static uint64_t now_ns(__wasi_clockid_t id) {
  __wasi_timestamp_t t;
  CHECK_WASI(__wasi_clock_time_get(id, 1, &t), 0);
  return t;
}

int main(void) {
  __wasi_timestamp_t res;
  for (__wasi_clockid_t id = 0; id < 4; ++id) {
    CHECK_WASI(__wasi_clock_res_get(id, &res), 0);
    CHECK(res > 0 && res <= 1000000000);
  }
  CHECK_WASI(__wasi_clock_res_get(9, &res), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_clock_time_get(9, 1, &res), __WASI_ERRNO_INVAL);
  CHECK(now_ns(__WASI_CLOCKID_REALTIME) > 1600000000ull * 1000000000ull); // after 2020
  uint64_t m1 = now_ns(__WASI_CLOCKID_MONOTONIC);
  uint64_t m2 = now_ns(__WASI_CLOCKID_MONOTONIC);
  CHECK(m2 >= m1);
  volatile uint64_t spin = 0;
  uint64_t cpu1 = now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID);
  for (int i = 0; i < 3000000; ++i)
    spin += (uint64_t)i;
  CHECK(now_ns(__WASI_CLOCKID_PROCESS_CPUTIME_ID) > cpu1);
  CHECK(now_ns(__WASI_CLOCKID_THREAD_CPUTIME_ID) > 0);
  CHECK_WASI(__wasi_sched_yield(), 0);
  CHECK(sched_yield() == 0);

  // A relative 50 ms clock subscription waits at least 50 ms.
  __wasi_subscription_t sub[3];
  __wasi_event_t ev[3];
  __wasi_size_t nevents;
  memset(sub, 0, sizeof sub);
  sub[0].userdata = 42;
  sub[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  sub[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub[0].u.u.clock.timeout = 50000000;
  uint64_t start = now_ns(__WASI_CLOCKID_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 1, &nevents), 0);
  uint64_t waited = now_ns(__WASI_CLOCKID_MONOTONIC) - start;
  CHECK(nevents == 1 && ev[0].userdata == 42 && ev[0].error == 0);
  CHECK(ev[0].type == __WASI_EVENTTYPE_CLOCK);
  CHECK(waited >= 50000000 && waited < 5000000000ull);

  // Absolute deadline on the realtime clock, 30 ms ahead.
  sub[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  sub[0].u.u.clock.timeout = now_ns(__WASI_CLOCKID_REALTIME) + 30000000;
  sub[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 1, &nevents), 0);
  CHECK(nevents == 1 && now_ns(__WASI_CLOCKID_MONOTONIC) - start >= 25000000);

  // Two clocks: only the earlier one fires.
  memset(sub, 0, sizeof sub);
  for (int i = 0; i < 2; ++i) {
    sub[i].userdata = 100 + i;
    sub[i].u.tag = __WASI_EVENTTYPE_CLOCK;
    sub[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  }
  sub[0].u.u.clock.timeout = 2000000000;
  sub[1].u.u.clock.timeout = 20000000;
  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 2, &nevents), 0);
  CHECK(nevents == 1 && ev[0].userdata == 101);
  CHECK(now_ns(__WASI_CLOCKID_MONOTONIC) - start < 1500000000);

  // A regular file is readable at once (with the bytes left), beating a
  // long clock; a bad fd reports EBADF in its event.
  int fd = open("/sandbox/p", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "abcdef", 6) == 6);
  CHECK(lseek(fd, 2, SEEK_SET) == 2);
  memset(sub, 0, sizeof sub);
  sub[0].userdata = 1;
  sub[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  sub[0].u.u.fd_read.file_descriptor = fd;
  sub[1].userdata = 2;
  sub[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  sub[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub[1].u.u.clock.timeout = 10000000000ull;
  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 2, &nevents), 0);
  CHECK(nevents == 1 && ev[0].userdata == 1 && ev[0].type == __WASI_EVENTTYPE_FD_READ);
  CHECK(ev[0].fd_readwrite.nbytes == 4);
  CHECK(now_ns(__WASI_CLOCKID_MONOTONIC) - start < 5000000000ull);
  sub[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  sub[0].u.u.fd_write.file_descriptor = 77;
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 1, &nevents), 0);
  CHECK(nevents == 1 && ev[0].error == __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_poll_oneoff(sub, ev, 0, &nevents), __WASI_ERRNO_INVAL);
  close(fd);

  // libc sleeping goes through poll_oneoff.
  start = now_ns(__WASI_CLOCKID_MONOTONIC);
  struct timespec ts = {0, 40000000};
  CHECK(nanosleep(&ts, NULL) == 0);
  CHECK(usleep(10000) == 0);
  CHECK(now_ns(__WASI_CLOCKID_MONOTONIC) - start >= 50000000);
  puts("clocks_poll ok");
  return 0;
}
