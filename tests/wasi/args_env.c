// args_get/args_sizes_get, environ_get/environ_sizes_get: exactly what the
// driver passed (`kite run --env A=1 --env B=two words args_env.wasm x "y z"`),
// and nothing from the host environment.
#include "check.h"

extern char** environ;

static int environ_count(void) {
  int n = 0;
  for (char** e = environ; *e; ++e)
    ++n;
  return n;
}

int main(int argc, char** argv) {
  // `KITE_WASI_PROBE=yes kite run --inherit-env --env ONE=1 args_env.wasm inherit`
  if (argc == 2 && !strcmp(argv[1], "inherit")) {
    CHECK(getenv("KITE_WASI_PROBE") && !strcmp(getenv("KITE_WASI_PROBE"), "yes"));
    CHECK(getenv("PATH") != NULL && getenv("ONE") && !strcmp(getenv("ONE"), "1"));
    return 0;
  }
  // `KITE_WASI_PROBE=yes kite run --env KITE_WASI_PROBE args_env.wasm probe`
  if (argc == 2 && !strcmp(argv[1], "probe")) {
    CHECK(getenv("KITE_WASI_PROBE") && !strcmp(getenv("KITE_WASI_PROBE"), "yes"));
    CHECK(environ_count() == 1);
    return 0;
  }
  CHECK(argc == 3);
  const char* base = strrchr(argv[0], '/');
  CHECK(strcmp(base ? base + 1 : argv[0], "args_env.wasm") == 0);
  CHECK(strcmp(argv[1], "x") == 0 && strcmp(argv[2], "y z") == 0);
  CHECK(getenv("A") && strcmp(getenv("A"), "1") == 0);
  CHECK(getenv("B") && strcmp(getenv("B"), "two words") == 0);
  CHECK(getenv("PATH") == NULL && getenv("HOME") == NULL);
  CHECK(environ_count() == 2);

  __wasi_size_t count, size;
  CHECK_WASI(__wasi_args_sizes_get(&count, &size), 0);
  CHECK(count == 3 && size == strlen(argv[0]) + 1 + 2 + 4);
  CHECK_WASI(__wasi_environ_sizes_get(&count, &size), 0);
  CHECK(count == 2 && size == 4 + 12);
  puts("args_env ok");
  return 0;
}
