// Files and directories: create, write, read, truncate, allocate, flags,
// rights, and the errors programs rely on.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  CHECK(mkdir("/sandbox/dir", 0755) == 0);
  CHECK(mkdir("/sandbox/dir", 0755) == -1 && errno == EEXIST);

  int fd = open("/sandbox/dir/a.txt", O_CREAT | O_WRONLY | O_EXCL, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello, ", 7) == 7);
  CHECK(write(fd, "world\n", 6) == 6);
  CHECK(fsync(fd) == 0);
  CHECK(fdatasync(fd) == 0);
  CHECK(close(fd) == 0);
  CHECK(close(fd) == -1 && errno == EBADF);
  CHECK(open("/sandbox/dir/a.txt", O_CREAT | O_WRONLY | O_EXCL, 0644) == -1 && errno == EEXIST);

  char buf[64] = {0};
  fd = open("/sandbox/dir/a.txt", O_RDONLY);
  CHECK(fd >= 0);
  CHECK(read(fd, buf, sizeof buf) == 13);
  CHECK(memcmp(buf, "hello, world\n", 13) == 0);
  CHECK(read(fd, buf, sizeof buf) == 0);
  // Read-only: no FD_WRITE right (wasi-libc reports ENOTCAPABLE as EBADF).
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF);
  close(fd);

  // Append mode, visible in fcntl(F_GETFL).
  fd = open("/sandbox/dir/a.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(fcntl(fd, F_GETFL) & O_APPEND);
  CHECK(write(fd, "more\n", 5) == 5);
  CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
  CHECK((fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK)) == O_NONBLOCK);
  close(fd);
  struct stat st;
  CHECK(stat("/sandbox/dir/a.txt", &st) == 0 && st.st_size == 18);

  // Truncate, grow with ftruncate and posix_fallocate, advise.
  fd = open("/sandbox/dir/a.txt", O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 0);
  CHECK(ftruncate(fd, 100) == 0);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 100);
  CHECK(posix_fallocate(fd, 0, 4096) == 0);
  CHECK(fstat(fd, &st) == 0 && st.st_size == 4096);
  CHECK(posix_fadvise(fd, 0, 4096, POSIX_FADV_SEQUENTIAL) == 0);
  CHECK(posix_fadvise(fd, 0, 4096, 99) == EINVAL);

  // Rights: dropping FD_WRITE makes writes fail with ENOTCAPABLE; rights
  // cannot be regained.
  __wasi_fdstat_t fs;
  CHECK_WASI(__wasi_fd_fdstat_get(fd, &fs), 0);
  CHECK(fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE);
  CHECK(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0), 0);
  __wasi_ciovec_t iov = {(const uint8_t*)"x", 1};
  __wasi_size_t n;
  CHECK_WASI(__wasi_fd_write(fd, &iov, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  CHECK_WASI(__wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, 0), __WASI_ERRNO_NOTCAPABLE);
  close(fd);

  // Errors: missing file, file used as a directory, directory opened for writing.
  CHECK(open("/sandbox/missing", O_RDONLY) == -1 && errno == ENOENT);
  CHECK(open("/sandbox/dir/a.txt/x", O_RDONLY) == -1 && errno == ENOTDIR);
  CHECK(open("/sandbox/dir", O_WRONLY) == -1 && errno == EISDIR);
  CHECK(open("/sandbox/dir/a.txt", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR);

  // Remove: non-empty directory, then file, then directory.
  CHECK(rmdir("/sandbox/dir") == -1 && errno == ENOTEMPTY);
  CHECK(unlink("/sandbox/dir") == -1 && (errno == EISDIR || errno == EPERM));
  CHECK(unlink("/sandbox/dir/a.txt") == 0);
  CHECK(rmdir("/sandbox/dir") == 0);
  CHECK(stat("/sandbox/dir", &st) == -1 && errno == ENOENT);

  // The preopen itself.
  __wasi_prestat_t pre;
  CHECK_WASI(__wasi_fd_prestat_get(PREOPEN_FD, &pre), 0);
  CHECK(pre.tag == __WASI_PREOPENTYPE_DIR && pre.u.dir.pr_name_len == 8);
  char name[8];
  CHECK_WASI(__wasi_fd_prestat_dir_name(PREOPEN_FD, (uint8_t*)name, 8), 0);
  CHECK(memcmp(name, "/sandbox", 8) == 0);
  CHECK_WASI(__wasi_fd_prestat_get(0, &pre), __WASI_ERRNO_BADF);
  puts("files ok");
  return 0;
}
