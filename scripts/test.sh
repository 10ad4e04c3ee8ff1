#!/usr/bin/env bash
# Builds kite and runs every test with CTest: unit tests, the official spec
# suite (one test per .wast), CLI and bad-input tests.
#   scripts/test.sh                 release build
#   scripts/test.sh asan portable   other presets (sanitizers, switch dispatch)
#   scripts/test.sh release wasm    kite.wasm (its tests run it under the release build's kite)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
presets=("$@")
((${#presets[@]})) || presets=(release)
# Through ccache (its cache under ~/.cache/ccache): presets share nothing
# else, and a second run rebuilds only what changed.
launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
for preset in "${presets[@]}"; do
  echo "== preset $preset"
  cmake --preset "$preset" "${launcher[@]}" >/dev/null
  cmake --build --preset "$preset"
  if [[ $preset == asan ]]; then
    # ASan's redzones make native frames several times larger; the text
    # parser's folded-expression recursion (bounded at 1000 levels) needs
    # more than the default 8 MiB stack there.
    (ulimit -s 262144 && ctest --preset "$preset")
  else
    ctest --preset "$preset"
  fi
done
