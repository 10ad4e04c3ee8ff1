#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, in the asan preset's build, which is
# instrumented for them) and runs each for a short while from the testsuite's seeds:
# the harness must still build against the current code, and the seeds and
# their first mutations must find nothing. CI runs it after the tests; long
# runs are by hand (docs/architecture.md, "Fuzzing").
#   scripts/fuzz_smoke.sh [SECONDS]   seconds per target (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
seconds=${1:-30}
cmake --preset asan >/dev/null
cmake --build --preset asan --target fuzz_decode_validate fuzz_text_validate \
  fuzz_instantiate_run fuzz_mutate_run fuzz_corpus
build=build/asan
ulimit -s 262144 # ASan frames: the text parser's 1000-level nesting
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts" # inputs that fail are written here
run() { # TARGET DICT SEEDS [OPTIONS...]
  local target=$1 dict=$2 seeds=$3 status=0
  shift 3
  echo "== fuzz_$target, $seconds s"
  mkdir "$work/$target"
  "$build/fuzz/fuzz_$target" -dict="fuzz/$dict" -max_total_time="$seconds" -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$@" "$work/$target" \
    "$build/fuzz/corpus/$seeds" >"$work/$target.log" 2>&1 || status=$?
  grep -E '^(INFO: seed|Done|stat::number_of_executed_units)' "$work/$target.log" || true
  if ((status)); then
    tail -n 40 "$work/$target.log"
    echo "fuzz_$target failed (exit $status)" >&2
  fi
  return "$status"
}
run decode_validate wasm.dict wasm -max_len=65536
run instantiate_run wasm.dict wasm -max_len=65536
run mutate_run wasm.dict wasm -max_len=65536
run text_validate wat.dict wat
