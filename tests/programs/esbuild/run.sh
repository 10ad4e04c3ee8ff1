#!/usr/bin/env bash
# esbuild program test: @esbuild/wasi-preview1 (Go built for wasip1) bundles,
# minifies and source-maps esbuild-project/ under kite; the bundle, source
# map and metafile must equal those of the native esbuild binary of the same
# version (@esbuild/linux-x64). Also times the wasm under Node's node:wasi.
#
#   run.sh KITE WORK_DIR
source "$(dirname "$0")/../lib.sh"
KITE=$1
WORK=$2
ESBUILD_VERSION=0.27.2 # the newest version published as @esbuild/wasi-preview1

wasm=$(fixture @esbuild/wasi-preview1 "$ESBUILD_VERSION")/esbuild.wasm
native=$(fixture @esbuild/linux-x64 "$ESBUILD_VERSION")/bin/esbuild
args=(src/main.js --bundle --minify --format=esm --sourcemap --metafile=meta.json
  --outfile=out/bundle.js --log-level=warning)
outputs=(out/bundle.js out/bundle.js.map meta.json)

run_in() { # DIR CMD... : DIR a fresh copy of the project, CMD run inside it
  local dir=$1
  shift
  fresh_dir "$dir"
  cp -r "$PROGRAMS_DIR/esbuild-project/." "$dir/"
  (cd "$dir" && "$@")
}
mkdir -p "$WORK"
timed t_native run_in "$WORK/native" "$native" "${args[@]}"
# The project directory is the guest's "/", and Go's wasip1 runtime starts
# in "/", so relative paths (and the paths in the source map and metafile)
# are the same as natively.
timed t_kite run_in "$WORK/kite" "$KITE" run --dir "$WORK/kite::/" "$wasm" "${args[@]}"
timed t_node run_in "$WORK/node" "$NODE" "$PROGRAMS_DIR/wasi-run.mjs" --dir "$WORK/node::/" "$wasm" "${args[@]}"
for f in "${outputs[@]}"; do
  same "$WORK/native/$f" "$WORK/kite/$f"
  same "$WORK/native/$f" "$WORK/node/$f"
done
echo "time: kite $t_kite s, node $t_node s, native $t_native s"
