# The wasm32-wasi build of kite (the `wasm` preset): the CLI as a WASI
# command, kite.wasm. wasi-libc has no threads, signals or setjmp, and mmap
# only emulated: src/platform/wasi stands in for what kite uses of them, each
# degrading in the one way said there, so no kite source needs a WASI branch.
# The C API (capi) is left out: kite.wasm is the CLI.
set(KITE_WASI_COMPAT "${CMAKE_CURRENT_SOURCE_DIR}/src/platform/wasi")
foreach(layer IN LISTS KITE_LAYERS ITEMS kite)
  set(target kite_${layer})
  if(layer STREQUAL "kite")
    set(target kite) # kite_cli uses it
  endif()
  target_include_directories(${target} SYSTEM BEFORE PUBLIC "${KITE_WASI_COMPAT}/include")
  target_compile_options(${target} PUBLIC "SHELL:-include ${KITE_WASI_COMPAT}/compat.h"
    -fno-exceptions)
  target_compile_definitions(${target} PUBLIC _WASI_EMULATED_MMAN _WASI_EMULATED_SIGNAL
    _WASI_EMULATED_PROCESS_CLOCKS _WASI_EMULATED_GETPID)
endforeach()
target_sources(kite PRIVATE "${KITE_WASI_COMPAT}/libc_extras.cpp")
# c-printscan-long-double: strtod rounds long hexadecimal literals in long
# double, which the default libc.a leaves out (const.wast's f64 cases).
# getpid: the module cache names its temporary files with it (a placeholder
# under WASI, where the random part of the name keeps them apart).
target_link_libraries(kite PUBLIC wasi-emulated-mman wasi-emulated-signal
  wasi-emulated-process-clocks wasi-emulated-getpid c-printscan-long-double)
# The default 64 KiB of C stack is too little for the text parser's nesting
# (1000 folded levels) and the validator; the engine running kite.wasm
# bounds it further.
target_link_options(kite_cli PRIVATE -Wl,-z,stack-size=8388608)

# The playground (web/, static files) with kite.wasm beside it, ready to be
# served as it is: python3 -m http.server -d build/wasm/web
add_custom_target(playground ALL
  COMMAND "${CMAKE_COMMAND}" -E copy_directory "${CMAKE_CURRENT_SOURCE_DIR}/web"
          "${CMAKE_BINARY_DIR}/web"
  COMMAND "${CMAKE_COMMAND}" -E copy $<TARGET_FILE:kite_cli> "${CMAKE_BINARY_DIR}/web/kite.wasm"
  DEPENDS kite_cli
  COMMENT "playground: web/ and kite.wasm in ${CMAKE_BINARY_DIR}/web")
