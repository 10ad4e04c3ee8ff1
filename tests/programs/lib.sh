# Shared helpers of the program tests (sourced by */run.sh).
#
# Each test fetches its package at an exact version (fetch.sh, cached in
# $KITE_FIXTURES or ~/.cache/kite-fixtures), produces the reference output
# at test time (native build, or the same module under Node's node:wasi),
# runs the program under kite, compares byte for byte, and prints the wall
# times of both sides:  "time: kite 1.234 s, node 0.567 s".

set -euo pipefail
PROGRAMS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NODE=${KITE_NODE:-node} # a newer Node: KITE_NODE=/path/to/node

fixture() { "$PROGRAMS_DIR/fetch.sh" "$@"; }

# timed VAR CMD...: runs CMD, stores its wall time in seconds in VAR; a
# failing CMD fails the test (set -e).
timed() {
  local __var=$1
  shift
  local start=$EPOCHREALTIME
  "$@"
  local end=$EPOCHREALTIME
  printf -v "$__var" '%s' "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')"
}

# same REFERENCE ACTUAL: byte-for-byte comparison; prints a diff excerpt on
# mismatch and fails.
same() {
  if ! cmp -s "$1" "$2"; then
    echo "FAIL: $2 differs from the reference $1" >&2
    diff <(head -c 200000 "$1") <(head -c 200000 "$2") | head -40 >&2 || true
    return 1
  fi
  echo "identical: ${2#"${WORK:-}"/} = ${1#"${WORK:-}"/} ($(wc -c <"$2") bytes)"
}

# fresh_dir DIR: an empty work directory.
fresh_dir() {
  rm -rf "$1"
  mkdir -p "$1"
}
