#!/usr/bin/env bash
# Installs a kite build into a fresh prefix and builds tests/install against
# it from outside kite's tree, both ways: CMake (find_package) and pkg-config
# (the shared library). Each program must print the expected two
# lines. Usage: run.sh BUILD_DIR CC CXX
set -euo pipefail
build=$1 cc=$2 cxx=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
expected=$'fac(10) = 3628800\nhello from wasi'
check() { # NAME COMMAND...
  local name=$1 output
  shift
  output=$("$@")
  if [[ $output != "$expected" ]]; then
    printf '%s printed:\n%s\nexpected:\n%s\n' "$name" "$output" "$expected" >&2
    exit 1
  fi
  echo "$name: ok"
}

# The sources are copied so nothing resolves against kite's tree.
cp "$here"/CMakeLists.txt "$here"/hello.c "$here"/hello.cpp "$work"/
cmake -S "$work" -B "$work/build" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build" >/dev/null
check "cmake, C, kite::kite (shared)" "$work/build/hello_c"
check "cmake, C++, kite::kite_static" "$work/build/hello_cpp"
libs=$(ldd "$work/build/hello_c") # not piped into grep -q: pipefail would see ldd's SIGPIPE
if [[ $libs == *"libkite.so.0 => $prefix/"* ]]; then
  echo "hello_c uses $prefix/lib/libkite.so.0"
else
  echo "hello_c does not load the installed libkite.so.0" >&2
  exit 1
fi

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
"$cc" -std=c11 -Wall -Werror "$work/hello.c" -o "$work/pc_c" $(pkg-config --cflags --libs kite) \
  -Wl,-rpath,"$prefix/lib"
check "pkg-config, C, shared" "$work/pc_c"
# shellcheck disable=SC2046
"$cxx" -std=c++20 -Wall -Werror "$work/hello.cpp" -o "$work/pc_cpp" $(pkg-config --cflags --libs kite) \
  -Wl,-rpath,"$prefix/lib"
check "pkg-config, C++, shared" "$work/pc_cpp"
