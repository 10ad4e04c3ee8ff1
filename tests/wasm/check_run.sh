#!/usr/bin/env bash
# kite.wasm, run by RUNNER..., running examples/wc.c's wasm, must count
# exactly what the host's wc counts (as examples/check_wc.sh for native kite).
#   check_run.sh WC.wasm EXAMPLES_DIR RUNNER... KITE.wasm
set -euo pipefail
wc_wasm=$1 dir=$2
shift 2
cd "$dir"
expected=$(wc fac.wat wc.c | awk '{printf "%7d %7d %7d %s\n", $1, $2, $3, $4}')
# kite.wasm is given absolute host paths; wc.wasm sees the examples as ".".
actual=$("$@" run --dir "$PWD::." "$wc_wasm" fac.wat wc.c)
if [[ "$expected" != "$actual" ]]; then
  echo "expected:"; echo "$expected"; echo "actual:"; echo "$actual"
  exit 1
fi
echo "$actual"
