// Helpers for the C API tests (C11).
#ifndef KITE_CAPI_CHECK_H
#define KITE_CAPI_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
      exit(1);                                                                                     \
    }                                                                                              \
  } while (0)

// A module from WAT text (kite's wasm_module_new also accepts text).
static inline wasm_module_t* compile_wat(wasm_store_t* store, const char* wat) {
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, strlen(wat), wat);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) fprintf(stderr, "cannot compile: %s\n", wat);
  CHECK(module != NULL);
  return module;
}

// Instantiates with the given imports; fails the test on a trap.
static inline wasm_instance_t* instantiate(wasm_store_t* store, const wasm_module_t* module,
                                           wasm_extern_t* const* imports, size_t n) {
  wasm_extern_vec_t vec = {n, (wasm_extern_t**)imports};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &vec, &trap);
  if (!instance) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    fprintf(stderr, "instantiation failed: %s\n", message.data);
    exit(1);
  }
  CHECK(trap == NULL);
  return instance;
}

// Export `i` of an exports vector, as a function.
static inline wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  CHECK(i < exports->size);
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

// Checks that a trap's message is `expected`, then deletes it.
static inline void check_trap(wasm_trap_t* trap, const char* expected) {
  CHECK(trap != NULL);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  if (strstr(message.data, expected) == NULL) {
    fprintf(stderr, "trap \"%s\", expected \"%s\"\n", message.data, expected);
    exit(1);
  }
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

#endif
