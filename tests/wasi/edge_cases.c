// Preview-1 edge cases answered as wasmtime answers them: a new name ending
// in '/' for path_link, path_symlink and path_rename; directories opened
// for writing; socket calls on descriptors that are not sockets; absolute
// symlink targets; path_link with SYMLINK_FOLLOW.
#include <fcntl.h>
#include <unistd.h>

#include "check.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static __wasi_errno_t open_at(const char* path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                              __wasi_fd_t* fd) {
  return __wasi_path_open(PREOPEN_FD, 0, path, oflags, rights, 0, 0, fd);
}

static void create_file(const char* path) {
  __wasi_fd_t fd;
  CHECK_WASI(open_at(path, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, &fd), 0);
  CHECK_WASI(__wasi_fd_close(fd), 0);
}

static int exists(const char* path) {
  __wasi_filestat_t st;
  return __wasi_path_filestat_get(PREOPEN_FD, 0, path, &st) == 0;
}

static void links(void) {
  create_file("file");
  create_file("other");
  CHECK_WASI(__wasi_path_create_directory(PREOPEN_FD, "dir"), 0);

  // path_link to "name/": nothing there ENOENT, a directory EEXIST, a file
  // ENOTDIR (a directory source cannot be hard-linked at all: EPERM).
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "file", PREOPEN_FD, "link/"), __WASI_ERRNO_NOENT);
  CHECK(!exists("link"));
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "file", PREOPEN_FD, "dir/"), __WASI_ERRNO_EXIST);
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "file", PREOPEN_FD, "other/"), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "dir", PREOPEN_FD, "dirlink"), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, FOLLOW, "file", PREOPEN_FD, "link"), __WASI_ERRNO_INVAL);
  CHECK_WASI(__wasi_path_link(PREOPEN_FD, 0, "file", PREOPEN_FD, "link"), 0);

  // path_symlink to "name/": the same three answers.
  CHECK_WASI(__wasi_path_symlink("file", PREOPEN_FD, "sym/"), __WASI_ERRNO_NOENT);
  CHECK(!exists("sym"));
  CHECK_WASI(__wasi_path_symlink("file", PREOPEN_FD, "dir/"), __WASI_ERRNO_EXIST);
  CHECK_WASI(__wasi_path_symlink("file", PREOPEN_FD, "other/"), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(__wasi_path_symlink("file", PREOPEN_FD, "sym"), 0);
  // An absolute target is refused when the link is made.
  CHECK_WASI(__wasi_path_symlink("/etc", PREOPEN_FD, "abs"), __WASI_ERRNO_PERM);
  CHECK_WASI(__wasi_path_symlink("/", PREOPEN_FD, "abs"), __WASI_ERRNO_PERM);
  CHECK(!exists("abs"));
  CHECK(symlink("/etc/passwd", "/sandbox/abs") == -1 && errno == EPERM);

  // path_rename to "name/" moves only a directory; a file (or a symlink to
  // one) fails with ENOTDIR, as it does with "file/" as the source.
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "file", PREOPEN_FD, "moved/"), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "sym", PREOPEN_FD, "moved/"), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "file/", PREOPEN_FD, "moved"), __WASI_ERRNO_NOTDIR);
  CHECK(exists("file") && !exists("moved"));
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "dir", PREOPEN_FD, "dir2/"), 0);
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "dir2/", PREOPEN_FD, "dir/"), 0);
  CHECK_WASI(__wasi_path_rename(PREOPEN_FD, "dir/", PREOPEN_FD, "dir2"), 0);
  CHECK(exists("dir2") && !exists("dir"));
  CHECK(rename("/sandbox/file", "/sandbox/moved/") == -1 && errno == ENOTDIR);
}

static void directories_for_writing(void) {
  __wasi_fd_t fd;
  // FD_WRITE on a directory: EISDIR, with O_DIRECTORY, a trailing slash or
  // neither.
  const __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  CHECK_WASI(open_at("dir2", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, &fd),
             __WASI_ERRNO_ISDIR);
  CHECK_WASI(open_at("dir2", __WASI_OFLAGS_DIRECTORY, rw, &fd), __WASI_ERRNO_ISDIR);
  CHECK_WASI(open_at("dir2", 0, __WASI_RIGHTS_FD_WRITE, &fd), __WASI_ERRNO_ISDIR);
  CHECK_WASI(open_at("dir2/", 0, rw, &fd), __WASI_ERRNO_ISDIR);
  // O_DIRECTORY on a file is still ENOTDIR, a missing path ENOENT.
  CHECK_WASI(open_at("other", __WASI_OFLAGS_DIRECTORY, rw, &fd), __WASI_ERRNO_NOTDIR);
  CHECK_WASI(open_at("missing", __WASI_OFLAGS_DIRECTORY, rw, &fd), __WASI_ERRNO_NOENT);
  // Modifying rights other than FD_WRITE do not stop a directory opening
  // (it cannot hold them: they are dropped).
  const __wasi_rights_t sync = __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_DATASYNC;
  CHECK_WASI(open_at("dir2", __WASI_OFLAGS_DIRECTORY, sync, &fd), 0);
  __wasi_fdstat_t st;
  CHECK_WASI(__wasi_fd_fdstat_get(fd, &st), 0);
  CHECK(st.fs_filetype == __WASI_FILETYPE_DIRECTORY &&
        st.fs_rights_base == __WASI_RIGHTS_FD_READDIR);
  CHECK_WASI(__wasi_fd_close(fd), 0);
  // Through libc.
  CHECK(open("/sandbox/dir2", O_WRONLY) == -1 && errno == EISDIR);
  CHECK(open("/sandbox/dir2", O_RDWR | O_DIRECTORY) == -1 && errno == EISDIR);
  int dir = open("/sandbox/dir2", O_RDONLY | O_DIRECTORY);
  CHECK(dir >= 0 && close(dir) == 0);
}

static void not_sockets(void) {
  __wasi_fd_t file;
  CHECK_WASI(open_at("other", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, &file), 0);
  // A file, a directory, stdout: ENOTSOCK before any rights check.
  const __wasi_fd_t fds[] = {file, PREOPEN_FD, 1};
  char buf[4];
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t*)"ping", 4};
  __wasi_size_t n;
  __wasi_roflags_t roflags;
  __wasi_fd_t conn;
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; ++i) {
    CHECK_WASI(__wasi_sock_recv(fds[i], &iov, 1, 0, &n, &roflags), __WASI_ERRNO_NOTSOCK);
    CHECK_WASI(__wasi_sock_send(fds[i], &ciov, 1, 0, &n), __WASI_ERRNO_NOTSOCK);
    CHECK_WASI(__wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    CHECK_WASI(__wasi_sock_accept(fds[i], 0, &conn), __WASI_ERRNO_NOTSOCK);
  }
  // A descriptor that is not open is still EBADF.
  CHECK_WASI(__wasi_sock_recv(99, &iov, 1, 0, &n, &roflags), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_sock_shutdown(99, __WASI_SDFLAGS_WR), __WASI_ERRNO_BADF);
  CHECK_WASI(__wasi_fd_close(file), 0);
}

int main(void) {
  links();
  directories_for_writing();
  not_sockets();
  puts("edge_cases ok");
  return 0;
}
