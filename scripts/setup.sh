#!/usr/bin/env bash
# Installs what building and testing kite needs, when it is missing, on
# Debian bookworm: clang-19 + lld-19 (kite and the test/benchmark programs)
# and its sanitizer runtimes (the asan preset, the fuzzers),
# the wasm32-wasi sysroot with libc++ for wasm32 (the wasm preset: kite.wasm),
# CMake, Ninja, pkg-config (the install test), GoogleTest, Chromium (the
# playground's browser test), Node.js with npm (the program tests) and
# ccache (scripts/test.sh compiles through it: a rebuild of unchanged sources
# with the same flags is a cache hit, in CI as at a desk).
set -euo pipefail

packages=(clang-19 lld-19 cmake ninja-build pkg-config libgtest-dev wasi-libc libclang-rt-19-dev-wasm32
  libclang-rt-19-dev libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 chromium ccache)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The program tests (tests/programs) fetch packages with npm and produce
# reference outputs with node; any Node >= 18 with npm will do.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
