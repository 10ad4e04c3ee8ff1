#!/usr/bin/env bash
# A preset's kite CLI, stripped, must stay within its size limit (bytes):
# the size table in docs/performance.md is kept true by this test.
#   check_size.sh BINARY LIMIT_BYTES STRIP_TOOL
set -euo pipefail
binary=$1 limit=$2 strip_tool=$3
copy=$(mktemp)
trap 'rm -f "$copy"' EXIT
cp "$binary" "$copy"
"$strip_tool" "$copy"
size=$(stat -c %s "$copy")
echo "$(basename "$binary"), stripped: $size bytes (limit $limit)"
if ((size > limit)); then
  echo "FAIL: $(basename "$binary") grew past its limit: $size > $limit bytes" >&2
  exit 1
fi
