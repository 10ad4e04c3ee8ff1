#!/usr/bin/env bash
# Builds kite (release preset) and runs the bundled examples: wc, a C program
# compiled to wasm32-wasi, counting files in a preopened directory; and the
# factorial module called directly and as a spec-style script.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
set -x
build/release/kite run --dir examples build/release/examples/wc.wasm examples/wc.c examples/fac.wat
build/release/kite run --invoke fac examples/fac.wat 20
build/release/kite wast examples/fac.wast
