#!/usr/bin/env bash
# SQLite program test: the amalgamation from npm better-sqlite3 plus
# driver.c, compiled natively and for wasm32-wasi with clang-19; script.sql
# runs against a database file in a preopened directory; kite's output must
# equal the native build's. Also times the wasm under Node's node:wasi.
#
#   run.sh KITE WORK_DIR
source "$(dirname "$0")/../lib.sh"
KITE=$1
WORK=$2
BETTER_SQLITE3_VERSION=13.2.0 # ships SQLite 3.54.1
CC=${KITE_CLANG:-clang-19}

pkg=$(fixture better-sqlite3 "$BETTER_SQLITE3_VERSION")
amalgamation=$pkg/deps/sqlite3
here=$PROGRAMS_DIR/sqlite
mkdir -p "$WORK"
# Options both builds share. SQLite detects __wasi__ itself: no threads, no
# WAL, no extension loading, and the unix-dotfile VFS (wasi-libc has no
# fcntl locks; dot-file locks need only mkdir/rmdir).
defines=(-DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_THREADSAFE=0 -DSQLITE_ENABLE_MATH_FUNCTIONS)

# Both builds (two -O2 compiles of the amalgamation, a minute or more of CPU
# each) are kept in the fixture cache, keyed by the driver, the amalgamation's
# version, this script and the compiler: rebuilt only when one changes.
key=$( (
  sha256sum "$here/driver.c" "$0" | cut -d' ' -f1
  echo "better-sqlite3 $BETTER_SQLITE3_VERSION"
  "$CC" --version | head -n1
) | sha256sum | cut -c1-16)
builds=${KITE_FIXTURES:-${XDG_CACHE_HOME:-$HOME/.cache}/kite-fixtures}/sqlite-builds/$key
mkdir -p "$builds"
build() { # OUTPUT CC-ARGS...
  local out=$1
  shift
  if [[ ! -f $out ]]; then
    echo "building $(basename "$out")"
    "$CC" -O2 "${defines[@]}" -I"$amalgamation" "$here/driver.c" "$amalgamation/sqlite3.c" -o "$out.$$" "$@"
    mv -f "$out.$$" "$out"
  fi
}
build "$builds/driver-native" -lm &
native_build=$!
build "$builds/driver.wasm" --target=wasm32-wasi --sysroot=/usr
wait "$native_build"

run_in() { # DIR CMD... : fresh DIR holding script.sql, CMD run inside it
  local dir=$1
  shift
  fresh_dir "$dir"
  cp "$here/script.sql" "$dir/"
  (cd "$dir" && "$@")
}
timed t_native run_in "$WORK/native" "$builds/driver-native" test.db script.sql >"$WORK/native.out"
timed t_kite run_in "$WORK/kite" "$KITE" run --dir "$WORK/kite::/" "$builds/driver.wasm" test.db script.sql >"$WORK/kite.out"
timed t_node run_in "$WORK/node" "$NODE" "$PROGRAMS_DIR/wasi-run.mjs" --dir "$WORK/node::/" "$builds/driver.wasm" test.db script.sql >"$WORK/node.out"
same "$WORK/native.out" "$WORK/kite.out"
same "$WORK/native.out" "$WORK/node.out"
# The database files must be the same too (page layout after VACUUM).
same "$WORK/native/test.db" "$WORK/kite/test.db"
echo "time: kite $t_kite s, node $t_node s, native $t_native s"
