// fd_seek, fd_tell, fd_pread, fd_pwrite (which leave the offset alone).
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

int main(void) {
  int fd = open("/sandbox/s", O_CREAT | O_RDWR, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "0123456789", 10) == 10);
  CHECK(lseek(fd, 0, SEEK_CUR) == 10);
  CHECK(lseek(fd, 2, SEEK_SET) == 2);
  char buf[16] = {0};
  CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
  CHECK(lseek(fd, -2, SEEK_END) == 8);
  CHECK(read(fd, buf, 5) == 2 && memcmp(buf, "89", 2) == 0);
  CHECK(lseek(fd, -1, SEEK_SET) == -1 && errno == EINVAL);
  __wasi_filesize_t pos;
  CHECK_WASI(__wasi_fd_tell(fd, &pos), 0);
  CHECK(pos == 10);
  CHECK_WASI(__wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL); // bad whence

  // pread/pwrite at explicit offsets; the file offset stays at 4.
  CHECK(lseek(fd, 4, SEEK_SET) == 4);
  CHECK(pwrite(fd, "AB", 2, 1) == 2);
  CHECK(pread(fd, buf, 4, 0) == 4 && memcmp(buf, "0AB3", 4) == 0);
  CHECK(lseek(fd, 0, SEEK_CUR) == 4);
  // Vectored pread/pwrite.
  struct iovec iov[2] = {{"xy", 2}, {"z", 1}};
  CHECK(pwritev(fd, iov, 2, 12) == 3); // past the end: a hole at 10..11
  char a[3], b[4];
  struct iovec riov[2] = {{a, 3}, {b, 4}};
  CHECK(preadv(fd, riov, 2, 8) == 7);
  CHECK(memcmp(a, "89\0", 3) == 0 && memcmp(b, "\0xyz", 4) == 0);
  CHECK(pread(fd, buf, 4, 100) == 0);
  CHECK(lseek(fd, 0, SEEK_END) == 15);
  // Seeking beyond the end then writing extends the file.
  CHECK(lseek(fd, 20, SEEK_SET) == 20);
  CHECK(write(fd, "!", 1) == 1);
  CHECK(lseek(fd, 0, SEEK_END) == 21);
  close(fd);

  // A read-only descriptor has no pwrite.
  fd = open("/sandbox/s", O_RDONLY);
  CHECK(pwrite(fd, "x", 1, 0) == -1);
  close(fd);
  puts("seek ok");
  return 0;
}
