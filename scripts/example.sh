#!/usr/bin/env bash
# Builds kite (release preset) and runs the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
set -x
build/release/kite run --invoke fac examples/fac.wat 20
build/release/kite wast examples/fac.wast
