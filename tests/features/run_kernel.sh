#!/usr/bin/env bash
# A benchmark kernel (bench/src, a freestanding module) run by `kite run
# --invoke run` must return its checksum from bench/expected.txt.
#   run_kernel.sh KITE WASM EXPECTED_TXT NAME
set -euo pipefail
kite=$1 wasm=$2 expected_file=$3 name=$4
want=$(awk -v n="$name" '$1 == n { print $2 }' "$expected_file")
got=$("$kite" run --invoke run "$wasm")
got=$((got & 0xFFFFFFFF)) # kite prints an i32 signed; the checksums are unsigned
echo "$name: $got (expected $want)"
[[ -n $want && $got == "$want" ]]
