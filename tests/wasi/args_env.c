// args_get/args_sizes_get, environ_get/environ_sizes_get: exactly what the
// driver passed (`kite run --env A=1 --env B=two words args_env.wasm x "y z"`),
// and nothing from the host environment.
#include "check.h"

extern char** environ;

int main(int argc, char** argv) {
  CHECK(argc == 3);
  const char* base = strrchr(argv[0], '/');
  CHECK(strcmp(base ? base + 1 : argv[0], "args_env.wasm") == 0);
  CHECK(strcmp(argv[1], "x") == 0 && strcmp(argv[2], "y z") == 0);
  CHECK(getenv("A") && strcmp(getenv("A"), "1") == 0);
  CHECK(getenv("B") && strcmp(getenv("B"), "two words") == 0);
  CHECK(getenv("PATH") == NULL && getenv("HOME") == NULL);
  int n = 0;
  for (char** e = environ; *e; ++e)
    ++n;
  CHECK(n == 2);

  __wasi_size_t count, size;
  CHECK_WASI(__wasi_args_sizes_get(&count, &size), 0);
  CHECK(count == 3 && size == strlen(argv[0]) + 1 + 2 + 4);
  CHECK_WASI(__wasi_environ_sizes_get(&count, &size), 0);
  CHECK(count == 2 && size == 4 + 12);
  puts("args_env ok");
  return 0;
}
