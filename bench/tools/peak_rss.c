// peak_rss OUT COMMAND [ARG...]: runs COMMAND and writes its peak resident
// set size in KiB to the file OUT. bench/run measures through this small
// process because a child's peak RSS (getrusage/wait4) starts from its
// parent's at fork: forked from the Python runner, every runtime would
// report at least the runner's ~19 MiB.
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    fputs("usage: peak_rss OUT COMMAND [ARG...]\n", stderr);
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("peak_rss: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror("peak_rss: exec");
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("peak_rss: wait4");
    return 2;
  }
  FILE* out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 2;
  }
  fprintf(out, "%ld\n", usage.ru_maxrss);
  fclose(out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
