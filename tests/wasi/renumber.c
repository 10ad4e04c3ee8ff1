// fd_renumber and fd_close of stdio, as programs redirecting their output
// do (yosys): stdout renumbered onto a file, then the lowest free fd reused.
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  int fd = open("/sandbox/out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd > 3);
  // Both fds must be open.
  CHECK_WASI(__wasi_fd_renumber(fd, 99), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_renumber(99, 1), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_renumber(fd, 1), 0);
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF); // moved away
  const char msg[] = "to the file\n";
  CHECK(write(1, msg, sizeof msg - 1) == (ssize_t)sizeof msg - 1);

  // Closing stdin frees fd 0 for the next open.
  CHECK(close(0) == 0);
  int in = open("/sandbox/out.txt", O_RDONLY);
  CHECK(in == 0);
  char buf[32] = {0};
  CHECK(read(0, buf, sizeof buf) == (ssize_t)sizeof msg - 1);
  CHECK(strcmp(buf, msg) == 0);

  // stderr still reaches the host.
  fputs("stderr still works\n", stderr);
  // A preopen can be renumbered and still used.
  int dup_target = open("/sandbox", O_RDONLY | O_DIRECTORY);
  CHECK(dup_target >= 0);
  CHECK_WASI(__wasi_fd_renumber(dup_target, 2), 0); // stderr replaced by a dir fd
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(2, &st), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY);
  CHECK_WASI(__wasi_fd_close(2), 0);
  CHECK_WASI(__wasi_fd_close(2), __WASI_ERRNO_BADF);
  return 0;
}
