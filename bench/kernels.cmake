# The benchmark kernels (bench/src/*.c) as freestanding wasm32 modules (no
# imports) exporting `run`, in <build>/bench: target bench_programs, used by
# bench/run and by the tests of builds without the benchmarks (the size
# presets run them as programs, tests/features). Compiled through a cache that
# every build directory shares (tools/cached_cc.sh).
if(TARGET bench_programs)
  return()
endif()
set(KITE_BENCH_SOURCE_DIR "${PROJECT_SOURCE_DIR}/bench")
set(KITE_BENCH_BINARY_DIR "${PROJECT_BINARY_DIR}/bench")
find_program(KITE_WASM_CC NAMES clang-19 clang)
find_program(KITE_WASM_LD NAMES wasm-ld-19 wasm-ld)
if(NOT KITE_WASM_CC OR NOT KITE_WASM_LD)
  message(STATUS "bench: no clang/wasm-ld for wasm32; benchmark programs not built")
  return()
endif()

set(KITE_BENCH_CFLAGS --target=wasm32 -mcpu=mvp -mbulk-memory -msign-ext -O2 -nostdlib
    -fuse-ld=${KITE_WASM_LD} -Wl,--no-entry -Wl,-z,stack-size=1048576 -Wall -Wextra -Werror)
file(GLOB bench_sources CONFIGURE_DEPENDS "${KITE_BENCH_SOURCE_DIR}/src/*.c")
set(bench_outputs "")
foreach(src IN LISTS bench_sources)
  get_filename_component(name "${src}" NAME_WE)
  set(out "${KITE_BENCH_BINARY_DIR}/${name}.wasm")
  add_custom_command(OUTPUT "${out}"
    COMMAND "${KITE_BENCH_SOURCE_DIR}/tools/cached_cc.sh" "${out}" "${src}"
            "${KITE_BENCH_SOURCE_DIR}/src/bench.h" "${KITE_WASM_CC}" ${KITE_BENCH_CFLAGS}
    DEPENDS "${src}" "${KITE_BENCH_SOURCE_DIR}/src/bench.h"
            "${KITE_BENCH_SOURCE_DIR}/tools/cached_cc.sh"
    COMMENT "bench: ${name}.wasm" VERBATIM)
  list(APPEND bench_outputs "${out}")
endforeach()
add_custom_target(bench_programs ALL DEPENDS ${bench_outputs})
