// Attacks on the preopen, which must all fail with wasmtime's errnos:
// `..` above the root, absolute paths, symlinks pointing out (relative and
// absolute), symlink loops; and guest pointers outside linear memory. The
// driver puts a file `secret` next to (outside) the preopened directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

__wasi_errno_t raw_fd_write(uint32_t fd, uint32_t iovs, uint32_t n, uint32_t nwritten)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")));
__wasi_errno_t raw_fd_read(uint32_t fd, uint32_t iovs, uint32_t n, uint32_t nread)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_read")));
__wasi_errno_t raw_path_open(uint32_t fd, uint32_t dirflags, uint32_t path, uint32_t path_len,
                             uint32_t oflags, uint64_t base, uint64_t inheriting, uint32_t fdflags,
                             uint32_t out)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")));
__wasi_errno_t raw_args_get(uint32_t argv, uint32_t buf)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("args_get")));

static __wasi_errno_t open_at(const char* path, __wasi_lookupflags_t follow, __wasi_fd_t* fd) {
  return __wasi_path_open(PREOPEN_FD, follow, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, fd);
}

int main(void) {
  __wasi_fd_t fd;
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  CHECK(mkdir("/sandbox/sub", 0755) == 0);
  int f = open("/sandbox/sub/inside", O_CREAT | O_WRONLY, 0644);
  CHECK(f >= 0);
  close(f);

  // Legitimate paths, including .. that stays inside.
  CHECK_WASI(open_at("sub/inside", 0, &fd), 0);
  CHECK_WASI(open_at("sub/../sub/./inside", 0, &fd), 0);
  CHECK_WASI(open_at("./sub//inside", 0, &fd), 0);
  CHECK_WASI(open_at(".", 0, &fd), 0);

  // .. above the preopen, directly or after descending.
  CHECK_WASI(open_at("../secret", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("..", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("sub/../../secret", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("sub/../..", 0, &fd), __WASI_ERRNO_PERM);
  // Absolute paths.
  CHECK_WASI(open_at("/etc/passwd", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("/", 0, &fd), __WASI_ERRNO_PERM);
  // Every path function refuses too.
  __wasi_filestat_t st;
  CHECK_WASI(__wasi_path_filestat_get(PREOPEN_FD, 0, "../secret", &st), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_create_directory(PREOPEN_FD, "../newdir"), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_unlink_file(PREOPEN_FD, "../secret"), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "sub/inside", PREOPEN_FD, "../stolen"),
             __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "../secret", PREOPEN_FD, "hardlink"),
             __WASI_ERRNO_PERM);

  // Symlinks pointing out: relative, absolute, in the middle of a path, as
  // the final component when following, chained. The guest cannot make an
  // absolute one (EPERM), so the driver made out_abs -> /etc on the host.
  CHECK(symlink("../secret", "/sandbox/out_rel") == 0);
  CHECK(symlink("/etc", "/sandbox/out_abs2") == -1 && errno == EPERM);
  CHECK(symlink("..", "/sandbox/sub/up") == 0);     // fine: the sandbox root
  CHECK(symlink("up/..", "/sandbox/sub/up2") == 0); // above it
  CHECK(symlink("out_rel", "/sandbox/chain") == 0);
  CHECK_WASI(open_at("out_rel", follow, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("out_abs/passwd", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("out_abs", follow, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("chain", follow, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(open_at("sub/up/sub/inside", 0, &fd), 0);
  CHECK_WASI(open_at("sub/up2/secret", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(PREOPEN_FD, follow, "out_rel", &st), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_filestat_get(PREOPEN_FD, 0, "out_rel", &st), 0); // the link itself
  CHECK(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  // Through libc as well.
  CHECK(open("/sandbox/out_rel", O_RDONLY) == -1 && errno == EPERM);
  CHECK(open("/sandbox/out_abs/passwd", O_RDONLY) == -1 && errno == EPERM);
  // Not following the final symlink is ELOOP for path_open.
  CHECK_WASI(open_at("out_rel", 0, &fd), __WASI_ERRNO_LOOP);

  // A trailing slash demands a directory and follows a final symlink, still
  // inside the sandbox.
  CHECK_WASI(open_at("sub/", 0, &fd), 0);
  CHECK_WASI(open_at("sub/inside/", 0, &fd), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(open_at("sub/up/", 0, &fd), 0);
  CHECK_WASI(open_at("out_abs/", 0, &fd), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_unlink_file(PREOPEN_FD, "sub/inside/"), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(__wasi_path_create_directory(PREOPEN_FD, "newdir/"), 0);
  CHECK_WASI(__wasi_path_remove_directory(PREOPEN_FD, "newdir/"), 0);

  // Loops.
  CHECK(symlink("loop2", "/sandbox/loop1") == 0);
  CHECK(symlink("loop1", "/sandbox/loop2") == 0);
  CHECK(symlink("self/x", "/sandbox/self") == 0);
  CHECK_WASI(open_at("loop1", follow, &fd), __WASI_ERRNO_LOOP);
  CHECK_WASI(open_at("loop1/x", 0, &fd), __WASI_ERRNO_LOOP);
  CHECK_WASI(open_at("self", follow, &fd), __WASI_ERRNO_LOOP);
  CHECK(stat("/sandbox/loop1", &(struct stat){0}) == -1 && errno == ELOOP);

  // Other malformed input.
  CHECK_WASI(open_at("", 0, &fd), __WASI_ERRNO_NOENT);
  CHECK_WASI(__wasi_path_open(1, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR); // stdout
  CHECK_WASI(__wasi_path_open(77, 0, "x", 0, 0, 0, 0, &fd), __WASI_ERRNO_BADF);
  char with_nul[] = {'s', 'u', 'b', 0, 'x'};
  CHECK_WASI(raw_path_open(PREOPEN_FD, 0, (uint32_t)with_nul, 5, 0, 0, 0, 0, (uint32_t)&fd),
             __WASI_ERRNO_INVAL);

  // Guest pointers outside memory: EFAULT, never a host crash.
  const uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  uint32_t nwritten;
  static uint32_t iov[2];
  iov[0] = end - 4; // buffer crosses the end
  iov[1] = 8;
  CHECK_WASI(raw_fd_write(1, (uint32_t)iov, 1, (uint32_t)&nwritten), __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_fd_read(0, (uint32_t)iov, 1, (uint32_t)&nwritten), __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_fd_write(1, end - 4, 1, (uint32_t)&nwritten), __WASI_ERRNO_FAULT);
  iov[0] = 0;
  iov[1] = 0;
  CHECK_WASI(raw_fd_write(1, (uint32_t)iov, 1, 0xFFFFFFFFu), __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_path_open(PREOPEN_FD, 0, end - 2, 100, 0, 0, 0, 0, (uint32_t)&fd),
             __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_path_open(PREOPEN_FD, 0, (uint32_t) "sub", 3, 0, 0, 0, 0, end),
             __WASI_ERRNO_FAULT);
  CHECK_WASI(raw_args_get(end - 2, 0), __WASI_ERRNO_FAULT);
  puts("sandbox ok");
  return 0;
}
