# Optional features (README "Features", docs/architecture.md "Features").
# Each is a set of files and table rows compiled in or not: its rows of
# src/opcodes/opcodes.def carry its name, so a module that uses a feature
# left out fails to load with one line naming it, and its IR rows, handlers
# and translator files are left out of the build. Every source sees each
# option as a macro that is 0 or 1 (KITE_SIMD, ...; KITE_WASI_FULL).
option(KITE_TEXT "The text format: .wat modules and `kite wast` scripts (src/text)" ON)
set(KITE_WASI "full" CACHE STRING
    "WASI host: full (preview 1, snapshot 0, wasi-threads) or minimal (fd_write and proc_exit)")
set_property(CACHE KITE_WASI PROPERTY STRINGS full minimal)
option(KITE_SIMD "128-bit SIMD and relaxed SIMD (v128)" ON)
option(KITE_GC "GC proposal: struct, array and i31 types and instructions" ON)
option(KITE_THREADS "Threads: shared memories, atomics, wait/notify, wasi-threads" ON)
option(KITE_EXCEPTIONS "Exception handling: tags, throw, try_table, legacy try" ON)
option(KITE_CACHE "The on-disk module cache (src/cache)" ON)
option(KITE_INSPECT "`kite inspect`: sections, imports, exports, disassembly, kite's IR" ON)
# Built for size (the small and minimal presets): no RTTI; std::terminate
# without libstdc++'s verbose handler (src/cli/terse_runtime.cpp), which links
# in its demangler; the library's throwing hooks and operator new replaced by
# ones that end with one line.
option(KITE_FOR_SIZE "No RTTI, terse C++ runtime errors, identical functions folded" OFF)
set(KITE_INTERP_FLAGS "" CACHE STRING
    "Compile options of the interpreter (src/interp) after the build type's, e.g. -O2 in a -Oz build")
# Speed for size: the validator's fast path (a second loop over the common
# instructions, which decides nothing the general path would not; 10 KB).
option(KITE_VALIDATION_FAST_PATH "The validator's fast path for common instructions (src/validate/fast_path.cpp)" ON)
# Speed for size, in the tail-call build only (the switch build has neither):
option(KITE_FUSIONS "Fused instruction pairs and loops (src/translate/ir_fusions.def)" ON)
option(KITE_VARIANTS "Handler variants reading an operand from the accumulator register" ON)

if(NOT KITE_WASI MATCHES "^(full|minimal)$")
  message(FATAL_ERROR "KITE_WASI must be full or minimal (got ${KITE_WASI})")
endif()

set(KITE_FEATURE_MACROS "")
foreach(feature IN ITEMS TEXT SIMD GC THREADS EXCEPTIONS CACHE INSPECT FUSIONS VARIANTS
                         VALIDATION_FAST_PATH)
  if(KITE_${feature})
    list(APPEND KITE_FEATURE_MACROS KITE_${feature}=1)
  else()
    list(APPEND KITE_FEATURE_MACROS KITE_${feature}=0)
  endif()
endforeach()
if(KITE_WASI STREQUAL "full")
  list(APPEND KITE_FEATURE_MACROS KITE_WASI_FULL=1)
else()
  list(APPEND KITE_FEATURE_MACROS KITE_WASI_FULL=0)
endif()
add_compile_definitions(${KITE_FEATURE_MACROS})

# The files a feature owns, left out without it (KITE_FEATURE_EXCLUDED, full
# paths), and the layers it removes whole.
set(KITE_FEATURE_FILES_SIMD translate/translate_simd.cpp)
set(KITE_FEATURE_FILES_GC translate/translate_gc.cpp validate/gc_instructions.cpp)
set(KITE_FEATURE_FILES_THREADS translate/translate_atomic.cpp runtime/atomic_wait.cpp)
set(KITE_FEATURE_FILES_EXCEPTIONS translate/translate_exception.cpp validate/exception_instructions.cpp)
set(KITE_FEATURE_FILES_FUSIONS translate/translate_fusion.cpp)
set(KITE_FEATURE_FILES_VALIDATION_FAST_PATH validate/fast_path.cpp)
set(KITE_FEATURE_FILES_TEXT cli/wast_command.cpp cli/wast_runner.cpp)
set(KITE_FEATURE_FILES_INSPECT cli/inspect_command.cpp)
set(KITE_FEATURE_FILES_FOR_SIZE cli/terse_runtime.cpp)
# WASI: the full table or minimal.cpp's; wasi-threads (threads.cpp) needs
# both the full WASI and threads, else threads_off.cpp stands in.
if(KITE_WASI STREQUAL "full")
  set(KITE_WASI_FULL ON)
  set(KITE_WASI_MINIMAL OFF)
else()
  set(KITE_WASI_FULL OFF)
  set(KITE_WASI_MINIMAL ON)
endif()
set(KITE_FEATURE_FILES_WASI_FULL wasi/functions.cpp wasi/snapshot0.cpp wasi/context.cpp)
set(KITE_FEATURE_FILES_WASI_MINIMAL wasi/minimal.cpp)
if(KITE_WASI_FULL AND KITE_THREADS)
  set(KITE_WASI_THREADS ON)
  set(KITE_WASI_THREADS_OFF OFF)
else()
  set(KITE_WASI_THREADS OFF)
  set(KITE_WASI_THREADS_OFF ON)
endif()
set(KITE_FEATURE_FILES_WASI_THREADS wasi/threads.cpp)
set(KITE_FEATURE_FILES_WASI_THREADS_OFF wasi/threads_off.cpp)
# The GC heap (its chunks, collector and object layouts) holds GC objects and
# exceptions; a build with neither has heap_off.cpp's empty heap instead.
if(KITE_GC OR KITE_EXCEPTIONS)
  set(KITE_GC_HEAP ON)
  set(KITE_GC_HEAP_OFF OFF)
else()
  set(KITE_GC_HEAP OFF)
  set(KITE_GC_HEAP_OFF ON)
endif()
set(KITE_FEATURE_FILES_GC_HEAP gc/heap.cpp gc/layout.cpp)
set(KITE_FEATURE_FILES_GC_HEAP_OFF gc/heap_off.cpp)
set(KITE_FEATURE_EXCLUDED "")
foreach(feature IN ITEMS SIMD GC THREADS EXCEPTIONS FUSIONS VALIDATION_FAST_PATH TEXT INSPECT WASI_FULL
                         WASI_MINIMAL WASI_THREADS WASI_THREADS_OFF GC_HEAP GC_HEAP_OFF FOR_SIZE)
  if(NOT KITE_${feature})
    foreach(file IN LISTS KITE_FEATURE_FILES_${feature})
      list(APPEND KITE_FEATURE_EXCLUDED "${CMAKE_CURRENT_SOURCE_DIR}/src/${file}")
    endforeach()
  endif()
endforeach()
if(NOT KITE_TEXT)
  list(REMOVE_ITEM KITE_LAYERS text)
endif()
if(NOT KITE_CACHE)
  list(REMOVE_ITEM KITE_LAYERS cache)
endif()

# The compile options of kite's own code (its layers and the CLI; tests and
# GoogleTest keep the defaults). No exception or unwind tables in any build:
# kite throws no C++ exception, and they were a fifth of the release binary
# for no speed (docs/performance.md, "What each family costs and buys").
set(KITE_OWN_COMPILE_OPTIONS -fno-exceptions -fno-asynchronous-unwind-tables)
# A size build's CLI also links (minimal preset, stripped, measured one at a
# time): with identical functions folded into one, which template
# instantiations differing only in type often are (--icf=safe: none whose
# address is taken; -21,300 B), and with libgcc's unwinder (C++ exceptions,
# which kite never throws) from libgcc_s.so.1, which every glibc system has
# (glibc itself loads it for pthread_cancel and backtrace; -23,400 B).
set(KITE_SIZE_LINK_OPTIONS "")
# Also (minimal, stripped, measured one at a time): LLVM's machine outliner,
# which makes a function of each instruction sequence repeated across the
# code (-2,000 B; not in the interpreter, whose handlers it slowed by up to
# 1.9x: KITE_INTERP_SIZE_OPTIONS), and string literals that
# end another one stored once (-Wl,-O2: -600 B).
set(KITE_INTERP_SIZE_OPTIONS "")
if(KITE_FOR_SIZE)
  list(APPEND KITE_OWN_COMPILE_OPTIONS -fno-rtti "SHELL:-mllvm -enable-machine-outliner")
  set(KITE_INTERP_SIZE_OPTIONS "SHELL:-mllvm -enable-machine-outliner=never")
  set(KITE_SIZE_LINK_OPTIONS -Wl,--icf=safe -Wl,-O2)
endif()
