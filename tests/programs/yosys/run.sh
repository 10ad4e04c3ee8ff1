#!/usr/bin/env bash
# yosys program test: @yowasp/yosys (yosys.core.wasm, a wasip1 command)
# synthesises design.v for iCE40 (synth_ice40) under kite; the JSON netlist
# must equal the one the same module writes under Node's node:wasi.
#
#   run.sh KITE WORK_DIR
source "$(dirname "$0")/../lib.sh"
KITE=$1
WORK=$2
YOSYS_VERSION=0.55.944

pkg=$(fixture @yowasp/yosys "$YOSYS_VERSION")
wasm=$pkg/gen/yosys.core.wasm
mkdir -p "$WORK"
# The package bundles Yosys's share directory (techmap and cell libraries)
# inside its JS loader; extract it once per version.
share=$WORK/share-$YOSYS_VERSION
if [[ ! -f $share/.complete ]]; then
  rm -rf "$share"
  "$NODE" "$PROGRAMS_DIR/yosys/extract-share.mjs" "$pkg" "$share"
  touch "$share/.complete"
fi
script="read_verilog design.v; synth_ice40 -top top -json out.json"

run_in() { # DIR CMD... : DIR the guest's "/" with share/, tmp/ and design.v
  local dir=$1
  shift
  fresh_dir "$dir"
  mkdir "$dir/tmp" # abc writes its scratch files under /tmp
  cp -r "$share/share" "$dir/share" # a copy: symlinks may not leave a preopen
  cp "$PROGRAMS_DIR/yosys/design.v" "$dir/"
  (cd "$dir" && "$@")
}
timed t_kite run_in "$WORK/kite" "$KITE" run --dir "$WORK/kite::/" "$wasm" -q -p "$script"
timed t_node run_in "$WORK/node" "$NODE" "$PROGRAMS_DIR/wasi-run.mjs" --dir "$WORK/node::/" "$wasm" -q -p "$script"
same "$WORK/node/out.json" "$WORK/kite/out.json"
# A netlist that really is one: the top module with LUTs, carries and RAM.
for cell in SB_LUT4 SB_CARRY SB_RAM40_4K SB_DFF; do
  grep -q "\"type\": \"$cell" "$WORK/kite/out.json" || {
    echo "FAIL: no $cell cell in the netlist" >&2
    exit 1
  }
done
echo "time: kite $t_kite s, node $t_node s"
