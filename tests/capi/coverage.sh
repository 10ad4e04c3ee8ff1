#!/bin/sh
# Lists the functions the C headers declare that no C API test calls: every
# declared (non-inline) function must appear as an undefined symbol in some
# test object. Usage: coverage.sh CC TEST_BUILD_DIR HEADER...
set -eu
cc=$1 dir=$2
shift 2
declared=$(mktemp) used=$(mktemp)
trap 'rm -f "$declared" "$used"' EXIT
names='\b(wasm|wasi|kite)_[a-z0-9_]*'
# Declarations after preprocessing (macros expanded), without the static
# inline helpers (which are defined in the headers, not by kite).
inline=$(cat "$@" | tr '\n' ' ' | grep -o 'static inline [^(]*(' | grep -oE "$names\(" | tr -d '(' |
  sort -u)
for header in "$@"; do
  "$cc" -E -P -x c -I "$(dirname "$header")" "$header" | grep -oE "$names[ ]*\(" | tr -d ' ('
done | sort -u | grep -vxF "$inline" > "$declared"
find "$dir" -name '*.c.o' -exec nm -u {} + | awk '{print $NF}' | grep -E '^(wasm|wasi|kite)_' |
  sort -u > "$used"
missing=$(comm -23 "$declared" "$used")
if [ -n "$missing" ]; then
  echo "functions of the C API no test calls:"
  echo "$missing"
  exit 1
fi
echo "all $(wc -l < "$declared") functions of $* are called by a test"
