#!/usr/bin/env bash
# Runs one spec script and compares its pass count with the recorded
# baseline (tests/spec/baseline.txt): the test fails if fewer assertions pass
# than recorded, if the total changes, or if kite dies. Files that are not at
# 100% yet are listed there with their real count, so this output is the
# honest state of conformance and any regression fails CI.
# Options after RELPATH go to `kite wast` (e.g. --lazy-validation, which
# must reach the same counts).
#   check_wast.sh KITE BASELINE TESTSUITE_DIR RELPATH [WAST_OPTION...]
set -uo pipefail
kite=$1 baseline=$2 suite=$3 rel=$4
shift 4

output=$("$kite" wast "$@" "$suite/$rel" 2>&1)
status=$?
echo "$output"
line=$(grep -E "^$suite/$rel: [0-9]+/[0-9]+" <<<"$output" | tail -1)
if [[ -z $line ]]; then
  echo "check_wast: no result line for $rel (exit status $status)"
  exit 1
fi
counts=$(sed -E 's|.*: ([0-9]+/[0-9]+).*|\1|' <<<"$line")
passed=${counts%%/*}
total=${counts##*/}
read -r _ want_passed want_total < <(grep -E "^$rel " "$baseline" || echo "$rel $total $total")
if ((total != want_total)); then
  echo "check_wast: $rel has $total assertions, baseline says $want_total"
  exit 1
fi
if ((passed < want_passed)); then
  echo "check_wast: $rel regressed: $passed/$total passed, baseline $want_passed"
  exit 1
fi
if ((passed < total)); then
  echo "check_wast: $rel not complete yet: $passed/$total (baseline $want_passed)"
fi
exit 0
