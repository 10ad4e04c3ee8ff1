// path_symlink, path_readlink, path_link, path_rename, path_unlink_file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void write_file(const char* path, const char* text) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
  close(fd);
}

static void expect_content(const char* path, const char* text) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  CHECK(read(fd, buf, sizeof buf) == (ssize_t)strlen(text));
  CHECK(strcmp(buf, text) == 0);
  close(fd);
}

int main(void) {
  write_file("/sandbox/a", "alpha");
  CHECK(mkdir("/sandbox/sub", 0755) == 0);

  // Symlinks: readlink returns the stored text; a short buffer truncates.
  CHECK(symlink("../a", "/sandbox/sub/up") == 0);
  CHECK(symlink("a", "/sandbox/rel") == 0);
  char buf[64] = {0};
  CHECK(readlink("/sandbox/sub/up", buf, sizeof buf) == 4 && memcmp(buf, "../a", 4) == 0);
  CHECK(readlink("/sandbox/rel", buf, 1) == 1 && buf[0] == 'a');
  CHECK(readlink("/sandbox/a", buf, sizeof buf) == -1 && errno == EINVAL);
  CHECK(symlink("x", "/sandbox/rel") == -1 && errno == EEXIST);
  expect_content("/sandbox/sub/up", "alpha"); // .. inside the sandbox is fine
  expect_content("/sandbox/rel", "alpha");
  // O_NOFOLLOW on a symlink fails with ELOOP.
  CHECK(open("/sandbox/rel", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);

  // Hard links share the inode.
  CHECK(link("/sandbox/a", "/sandbox/sub/hard") == 0);
  struct stat st1, st2;
  CHECK(stat("/sandbox/a", &st1) == 0 && stat("/sandbox/sub/hard", &st2) == 0);
  CHECK(st1.st_ino == st2.st_ino && st1.st_nlink == 2);
  CHECK(link("/sandbox/a", "/sandbox/sub/hard") == -1 && errno == EEXIST);

  // Rename: to a new name, over an existing file, directories.
  CHECK(rename("/sandbox/sub/hard", "/sandbox/b") == 0);
  expect_content("/sandbox/b", "alpha");
  write_file("/sandbox/c", "gamma");
  CHECK(rename("/sandbox/c", "/sandbox/b") == 0);
  expect_content("/sandbox/b", "gamma");
  CHECK(access("/sandbox/c", F_OK) == -1 && errno == ENOENT);
  CHECK(rename("/sandbox/sub", "/sandbox/sub2") == 0);
  CHECK(readlink("/sandbox/sub2/up", buf, sizeof buf) == 4);
  CHECK(rename("/sandbox/missing", "/sandbox/x") == -1 && errno == ENOENT);

  // Unlink removes the link, not its target.
  CHECK(unlink("/sandbox/rel") == 0);
  expect_content("/sandbox/a", "alpha");
  CHECK(unlink("/sandbox/rel") == -1 && errno == ENOENT);
  CHECK(unlink("/sandbox/sub2/up") == 0);
  CHECK(rmdir("/sandbox/sub2") == 0);
  puts("links ok");
  return 0;
}
