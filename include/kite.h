/* kite's extensions to the standard WebAssembly C API (wasm.h), for C.
 *
 * Where wasmtime's C API has the same feature, the names and shapes follow it
 * (wasi_config_*, *_consume_fuel_set, an interrupt handle, an error type);
 * the rest is kite_*.
 *
 *   wasm_config_t* config = wasm_config_new();
 *   kite_config_consume_fuel_set(config, true);
 *   wasm_engine_t* engine = wasm_engine_new_with_config(config);
 *   wasm_store_t* store = wasm_store_new(engine);
 *   kite_store_set_fuel(store, 1000000);            // NULL on success
 *
 *   wasi_config_t* wasi_config = wasi_config_new();
 *   wasi_config_inherit_stdout(wasi_config);
 *   kite_wasi_t* wasi = kite_wasi_new(store, wasi_config, &error);
 *   kite_wasi_fill_imports(wasi, module, &imports); // then the other imports
 *   wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
 *   wasm_trap_t* trap = kite_wasi_run_start(wasi, instance, &exit_code);
 *
 * Ownership follows wasm.h: `own` results are the caller's to delete.
 * docs/embedding.md describes the threading rules: an interrupt handle may be
 * used from any thread; everything else belongs to the thread using its store.
 */
#ifndef KITE_H
#define KITE_H

#include "wasm.h"

/* Marks owned pointers, as in wasm.h (which undefines it at its end). */
#define own

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Errors --------------------------------------------------------------- */

/* An error that is not a trap (API misuse, a file that cannot be opened). */
typedef struct kite_error_t kite_error_t;
/* The message, NUL-terminated (size counts the NUL). */
WASM_API_EXTERN void kite_error_message(const kite_error_t*, own wasm_name_t* out);
WASM_API_EXTERN void kite_error_delete(own kite_error_t*);

/* ---- Engine configuration ------------------------------------------------- */

/* Fuel: code checks at every loop head and function entry, charging about one
 * unit per instruction; running out traps "all fuel consumed". A store starts
 * with none. Off (the default), code has no checks. */
WASM_API_EXTERN void kite_config_consume_fuel_set(wasm_config_t*, bool enable);
/* Interrupts and timeouts: the same checks trap "interrupted" when asked. */
WASM_API_EXTERN void kite_config_interruptible_set(wasm_config_t*, bool enable);
/* Validate function bodies at their first call instead of at compile time
 * (an invalid body then traps when called). */
WASM_API_EXTERN void kite_config_lazy_validation_set(wasm_config_t*, bool enable);
/* Guard pages (default) or explicit bounds checks for 32-bit memories. */
WASM_API_EXTERN void kite_config_guard_pages_set(wasm_config_t*, bool enable);
/* The module cache (off by default; NULL or "" turns it off): compiling a
 * binary module records in `dir` that its bytes validated, so compiling the
 * same bytes again (wasm_module_new, wasm_module_deserialize,
 * kite_module_new_from_file) skips function body validation with the same
 * guarantee. Entries are keyed by a MAC of the bytes under the directory's
 * secret and authenticated; a damaged one is ignored; a directory that
 * cannot be used only loses the speed-up. At most about `bytes` are kept. */
WASM_API_EXTERN void kite_config_cache_dir_set(wasm_config_t*, const char* dir);
WASM_API_EXTERN void kite_config_cache_max_bytes_set(wasm_config_t*, uint64_t bytes);

/* Limits. memory.grow and table.grow past them return -1; creating a memory
 * or table past them fails; a GC allocation past the heap limit traps
 * "out of memory: GC heap limit". */
WASM_API_EXTERN void kite_config_max_memory_bytes_set(wasm_config_t*, uint64_t bytes);
WASM_API_EXTERN void kite_config_max_table_elements_set(wasm_config_t*, uint64_t elements);
/* All memories, tables and the GC heap of a store together. */
WASM_API_EXTERN void kite_config_max_store_bytes_set(wasm_config_t*, uint64_t bytes);
WASM_API_EXTERN void kite_config_max_gc_heap_bytes_set(wasm_config_t*, uint64_t bytes);
/* Nested wasm calls before "call stack exhausted", and the value stack (the
 * frames of all active calls) in bytes. Both apply to calls a thread starts
 * after the change, not to a call already running on it. */
WASM_API_EXTERN void kite_config_max_call_depth_set(wasm_config_t*, uint32_t depth);
WASM_API_EXTERN void kite_config_max_stack_bytes_set(wasm_config_t*, uint64_t bytes);

/* ---- Fuel, interrupts, timeouts ------------------------------------------- */

/* Fail (an error) unless the engine was configured with consume_fuel. */
WASM_API_EXTERN own kite_error_t* kite_store_set_fuel(wasm_store_t*, uint64_t fuel);
WASM_API_EXTERN own kite_error_t* kite_store_add_fuel(wasm_store_t*, uint64_t fuel);
WASM_API_EXTERN own kite_error_t* kite_store_get_fuel(const wasm_store_t*, uint64_t* remaining);

/* A handle that stops the store's running code from any thread: the next
 * check traps "interrupted", and so do later ones until the store's
 * interrupt is cleared. NULL unless the engine is interruptible. The handle
 * may outlive its store (interrupting then does nothing). */
typedef struct kite_interrupt_handle_t kite_interrupt_handle_t;
WASM_API_EXTERN own kite_interrupt_handle_t* kite_interrupt_handle_new(wasm_store_t*);
WASM_API_EXTERN void kite_interrupt_handle_interrupt(const kite_interrupt_handle_t*);
WASM_API_EXTERN void kite_interrupt_handle_delete(own kite_interrupt_handle_t*);
WASM_API_EXTERN void kite_store_clear_interrupt(wasm_store_t*);

/* Interrupts running code `nanoseconds` from now, replacing an earlier
 * timeout; 0 cancels it. Fails unless the engine is interruptible. */
WASM_API_EXTERN own kite_error_t* kite_store_set_timeout(wasm_store_t*, uint64_t nanoseconds);

/* The GC heap: collections so far, bytes alive after the last one, bytes
 * held now. Any pointer may be NULL. */
WASM_API_EXTERN void kite_store_gc_stats(const wasm_store_t*, uint64_t* collections,
                                         uint64_t* live_bytes, uint64_t* heap_bytes);

/* ---- Modules -------------------------------------------------------------- */

/* Compiles a module file (binary, or WAT text when it does not start with
 * "\0asm"). With the engine's module cache, a big binary module compiled
 * before starts without reading its code: each function body is read (and
 * checked against what was validated) when the function is first called; a
 * body changed on disk since then makes that call trap. */
WASM_API_EXTERN own kite_error_t* kite_module_new_from_file(wasm_store_t*, const char* path,
                                                            own wasm_module_t** out);

/* ---- Inspection ----------------------------------------------------------- */

/* kite's register IR of a wasm function, as text (translating it if it has
 * not run yet). Fails for host functions. */
WASM_API_EXTERN own kite_error_t* kite_func_dump_ir(const wasm_func_t*, own wasm_byte_vec_t* out);

/* ---- WASI (preview 1 and snapshot 0) -------------------------------------- */

/* What a WASI instance sees. A new config has no arguments, no environment,
 * no preopened directories, and empty stdio (reads give end of file, writes
 * are discarded). */
typedef struct wasi_config_t wasi_config_t;
WASM_API_EXTERN own wasi_config_t* wasi_config_new(void);
WASM_API_EXTERN void wasi_config_delete(own wasi_config_t*);
WASM_API_EXTERN void wasi_config_set_argv(wasi_config_t*, size_t argc, const char* const argv[]);
WASM_API_EXTERN void wasi_config_inherit_argv(wasi_config_t*);
WASM_API_EXTERN void wasi_config_set_env(wasi_config_t*, size_t envc, const char* const names[],
                                         const char* const values[]);
WASM_API_EXTERN void wasi_config_inherit_env(wasi_config_t*);
/* Files for the guest's stdio (false when a file cannot be opened). */
WASM_API_EXTERN bool wasi_config_set_stdin_file(wasi_config_t*, const char* path);
WASM_API_EXTERN bool wasi_config_set_stdout_file(wasi_config_t*, const char* path);
WASM_API_EXTERN bool wasi_config_set_stderr_file(wasi_config_t*, const char* path);
WASM_API_EXTERN void wasi_config_inherit_stdin(wasi_config_t*);
WASM_API_EXTERN void wasi_config_inherit_stdout(wasi_config_t*);
WASM_API_EXTERN void wasi_config_inherit_stderr(wasi_config_t*);
/* The host directory `path` as the guest's `guest_path` (checked when the
 * WASI instance is made). */
WASM_API_EXTERN bool wasi_config_preopen_dir(wasi_config_t*, const char* path,
                                             const char* guest_path);

/* A WASI instance: the functions of wasi_snapshot_preview1 and wasi_unstable
 * over one fd table, as host functions of `store`. Takes the config (also on
 * failure); fails (NULL, *error set) when a preopen cannot be opened. */
typedef struct kite_wasi_t kite_wasi_t;
WASM_API_EXTERN own kite_wasi_t* kite_wasi_new(wasm_store_t*, own wasi_config_t*,
                                               own kite_error_t** error);
WASM_API_EXTERN void kite_wasi_delete(own kite_wasi_t*);
/* The WASI function for an import (a new extern), or NULL when the import is
 * not a WASI function. */
WASM_API_EXTERN own wasm_extern_t* kite_wasi_bind_import(const kite_wasi_t*,
                                                         const wasm_importtype_t*);
/* For a vector sized to the module's imports, its unset elements NULL: sets
 * each unset element that is a WASI import to its function (owned by the
 * vector) and leaves the others as they are. Returns how many it set. */
WASM_API_EXTERN size_t kite_wasi_fill_imports(const kite_wasi_t*, const wasm_module_t*,
                                              wasm_extern_vec_t* imports);
/* Runs a command: calls the instance's `_start` export. NULL when it returned
 * or called proc_exit (*exit_code: 0 or the proc_exit status); otherwise the
 * trap. */
WASM_API_EXTERN own wasm_trap_t* kite_wasi_run_start(kite_wasi_t*, const wasm_instance_t*,
                                                     uint32_t* exit_code);
/* Whether the guest called proc_exit, and with what status: tells an exit
 * apart from a trap after a failed wasm_func_call. */
WASM_API_EXTERN bool kite_wasi_exit_code(const kite_wasi_t*, uint32_t* exit_code);

#ifdef __cplusplus
} /* extern "C" */
#endif

#undef own

#endif /* KITE_H */
