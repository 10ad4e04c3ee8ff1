#!/usr/bin/env bash
# Compiles one benchmark kernel to wasm through a cache shared by every build
# directory of the machine: large.c alone takes over a minute of clang -O2,
# and each preset (release, asan, minimal, ...) needs the same module, built
# by the same compiler with the same flags.
#
#   cached_cc.sh OUTPUT SOURCE HEADER COMPILER FLAGS...
#
# The cache ($KITE_FIXTURES or ~/.cache/kite-fixtures, under bench-kernels/)
# is keyed by the source, the header, this script, the compiler's version
# and the flags; an entry is written to a temporary file and renamed, so
# concurrent builds never see half a module.
set -euo pipefail
out=$1 src=$2 header=$3 cc=$4
shift 4
key=$( (
  sha256sum "$src" "$header" "${BASH_SOURCE[0]}" | cut -d' ' -f1
  "$cc" --version | head -n1
  printf '%s\n' "$@"
) | sha256sum | cut -c1-24)
cache=${KITE_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/kite-fixtures}/bench-kernels
entry=$cache/$(basename "$src" .c)-$key.wasm
if [[ ! -f $entry ]]; then
  "$cc" "$@" "$src" -o "$out.tmp"
  if mkdir -p "$cache" 2>/dev/null && cp "$out.tmp" "$entry.$$" 2>/dev/null; then
    mv -f "$entry.$$" "$entry"
  else
    rm -f "$entry.$$" # an unwritable cache only loses the reuse
  fi
  mv -f "$out.tmp" "$out"
else
  cp "$entry" "$out.tmp" && mv -f "$out.tmp" "$out"
fi
