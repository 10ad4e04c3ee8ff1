// fd_readdir: every entry exactly once through libc (opendir/readdir/
// seekdir) and through raw calls with small buffers resumed by cookie.
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

enum { kFiles = 300 };

int main(void) {
  CHECK(mkdir("/sandbox/d", 0755) == 0);
  for (int i = 0; i < kFiles; ++i) {
    char path[64];
    snprintf(path, sizeof path, "/sandbox/d/file-with-a-longish-name-%03d", i);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0);
    close(fd);
  }
  CHECK(mkdir("/sandbox/d/subdir", 0755) == 0);

  // libc: all names once, with types.
  bool seen[kFiles] = {false};
  int dots = 0, subdirs = 0;
  DIR* dir = opendir("/sandbox/d");
  CHECK(dir != NULL);
  long middle = -1;
  char middle_name[256] = "";
  int count = 0;
  struct dirent* e;
  while ((e = readdir(dir))) {
    if (++count == 150) {
      middle = telldir(dir);
      strcpy(middle_name, e->d_name);
    }
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
      CHECK(e->d_type == DT_DIR);
      ++dots;
      continue;
    }
    if (!strcmp(e->d_name, "subdir")) {
      CHECK(e->d_type == DT_DIR);
      ++subdirs;
      continue;
    }
    int i;
    CHECK(sscanf(e->d_name, "file-with-a-longish-name-%d", &i) == 1);
    CHECK(i >= 0 && i < kFiles && !seen[i]);
    CHECK(e->d_type == DT_REG);
    seen[i] = true;
  }
  CHECK(dots == 2 && subdirs == 1);
  for (int i = 0; i < kFiles; ++i)
    CHECK(seen[i]);
  // seekdir back to a cookie continues after the entry read there.
  CHECK(middle >= 0);
  seekdir(dir, middle);
  e = readdir(dir);
  CHECK(e != NULL && strcmp(e->d_name, middle_name) != 0);
  rewinddir(dir);
  int again = 0;
  while (readdir(dir))
    ++again;
  CHECK(again == kFiles + 3);
  closedir(dir);

  // Raw: a 100-byte buffer holds at most a few entries; resume from the
  // d_next cookie of the last complete one.
  int fd = open("/sandbox/d", O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  __wasi_dircookie_t cookie = 0;
  int raw_count = 0;
  for (;;) {
    uint8_t buf[100];
    __wasi_size_t used;
    CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, cookie, &used), 0);
    size_t pos = 0;
    bool progressed = false;
    while (pos + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, buf + pos, sizeof d);
      if (pos + sizeof d + d.d_namlen > used) break; // cut off: resume from cookie
      pos += sizeof d + d.d_namlen;
      cookie = d.d_next;
      ++raw_count;
      progressed = true;
    }
    if (used < sizeof buf) break; // end of directory
    CHECK(progressed);
  }
  CHECK(raw_count == kFiles + 3);
  // A cookie past the end reads nothing.
  uint8_t buf[64];
  __wasi_size_t used = 1;
  CHECK_WASI(__wasi_fd_readdir(fd, buf, sizeof buf, 100000, &used), 0);
  CHECK(used == 0);
  // readdir needs a directory.
  int file = open("/sandbox/d/file-with-a-longish-name-000", O_RDONLY);
  CHECK_WASI(__wasi_fd_readdir(file, buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTCAPABLE);
  close(file);
  close(fd);
  puts("readdir ok");
  return 0;
}
