// A reactor (built with -mexec-model=reactor): `kite run --invoke` calls
// _initialize (which runs this constructor) before the export.
#include <stdio.h>
#include <stdlib.h>

static int initialized;

__attribute__((constructor)) static void init(void) { initialized = 1; }

__attribute__((export_name("add"))) int add(int a, int b) {
  printf("initialized=%d\n", initialized);
  fflush(stdout);
  return a + b;
}

__attribute__((export_name("quit"))) void quit(int code) { exit(code); }
