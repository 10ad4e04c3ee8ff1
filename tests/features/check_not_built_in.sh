#!/usr/bin/env bash
# A module that needs a feature the build left out must fail to load with
# exactly one line naming the feature and what needs it (or, for a WASI
# function left out, the import), and exit non-zero.
# A command left out (4th argument; default run) must fail the same way.
#   check_not_built_in.sh KITE MODULE EXPECTED_TEXT [COMMAND]
set -uo pipefail
kite=$1 module=$2 expected=$3 command=${4:-run}
stderr=$("$kite" "$command" "$module" 2>&1 >/dev/null)
status=$?
echo "$stderr"
lines=$(printf '%s\n' "$stderr" | wc -l)
if ((status == 0)); then
  echo "FAIL: kite accepted the module"; exit 1
fi
if ((lines != 1)); then
  echo "FAIL: $lines lines of error, not one"; exit 1
fi
if [[ $stderr != "kite: "*"$expected"* ]]; then
  echo "FAIL: the error does not say: $expected"; exit 1
fi
