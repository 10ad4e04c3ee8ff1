#!/usr/bin/env bash
# kite running wc.wasm must count exactly what the host's wc counts.
set -euo pipefail
kite=$1 wasm=$2 dir=$3
cd "$dir"
expected=$(wc fac.wat wc.c | awk '{printf "%7d %7d %7d %s\n", $1, $2, $3, $4}')
actual=$("$kite" run --dir . "$wasm" fac.wat wc.c)
if [[ "$expected" != "$actual" ]]; then
  echo "expected:"; echo "$expected"; echo "actual:"; echo "$actual"
  exit 1
fi
echo "$actual"
