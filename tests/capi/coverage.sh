#!/bin/sh
# Lists the functions wasm.h declares that no C API test calls: every
# declared (non-inline) function must appear as an undefined symbol in some
# test object. Usage: coverage.sh CC wasm.h TEST_BUILD_DIR
set -eu
cc=$1 header=$2 dir=$3
declared=$(mktemp) used=$(mktemp)
trap 'rm -f "$declared" "$used"' EXIT
# Declarations after preprocessing (macros expanded), without the static
# inline helpers (which are defined in the header, not by kite).
inline=$(tr '\n' ' ' < "$header" | grep -o 'static inline [^(]*(' | grep -o 'wasm_[a-z0-9_]*(' | tr -d '(' | sort -u)
"$cc" -E -P -x c "$header" | grep -o '\bwasm_[a-z0-9_]*[ ]*(' | tr -d ' (' | sort -u |
  grep -vxF "$inline" > "$declared"
find "$dir" -name '*.c.o' -exec nm -u {} + | awk '{print $NF}' | grep '^wasm_' | sort -u > "$used"
missing=$(comm -23 "$declared" "$used")
if [ -n "$missing" ]; then
  echo "functions of wasm.h no test calls:"
  echo "$missing"
  exit 1
fi
echo "all $(wc -l < "$declared") functions of wasm.h are called by a test"
