// wc for WebAssembly: counts lines, words and bytes of the files named on
// the command line (or of stdin), like the Unix tool.
//
//   kite run --dir examples examples/wc.wasm examples/wc.c
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct counts {
  unsigned long lines, words, bytes;
};

static int count(FILE* f, struct counts* c) {
  int in_word = 0;
  for (int ch; (ch = fgetc(f)) != EOF;) {
    c->bytes++;
    if (ch == '\n') c->lines++;
    if (isspace(ch)) {
      in_word = 0;
    } else if (!in_word) {
      in_word = 1;
      c->words++;
    }
  }
  return ferror(f) ? -1 : 0;
}

static void print(const struct counts* c, const char* name) {
  printf("%7lu %7lu %7lu %s\n", c->lines, c->words, c->bytes, name);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    struct counts c = {0, 0, 0};
    if (count(stdin, &c) != 0) return 1;
    print(&c, "");
    return 0;
  }
  struct counts total = {0, 0, 0};
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    FILE* f = fopen(argv[i], "r");
    if (!f) {
      fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    struct counts c = {0, 0, 0};
    if (count(f, &c) != 0) status = 1;
    fclose(f);
    print(&c, argv[i]);
    total.lines += c.lines, total.words += c.words, total.bytes += c.bytes;
  }
  if (argc > 2) print(&total, "total");
  return status;
}
