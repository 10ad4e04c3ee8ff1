#!/usr/bin/env bash
# QuickJS program test: quickjs.wasm from the npm package quickjs-wasi,
# driven through kite's C++ embedding API by qjs_eval (qjs_eval.cpp),
# evaluates programs/*.js; the results must equal Node evaluating the same
# programs with its own engine. Also runs quickjs.wasm under Node through the
# package's JS glue (same results expected) for timing.
#
#   run.sh QJS_EVAL WORK_DIR
source "$(dirname "$0")/../lib.sh"
QJS_EVAL=$1
WORK=$2
QUICKJS_WASI_VERSION=3.6.2

pkg=$(fixture quickjs-wasi "$QUICKJS_WASI_VERSION")
programs=("$PROGRAMS_DIR"/quickjs/programs/*.js)
mkdir -p "$WORK"
"$NODE" "$PROGRAMS_DIR/quickjs/node-eval.mjs" --v8 "${programs[@]}" >"$WORK/v8.out"
timed t_kite "$QJS_EVAL" "$pkg/quickjs.wasm" "${programs[@]}" >"$WORK/kite.out"
timed t_node "$NODE" "$PROGRAMS_DIR/quickjs/node-eval.mjs" --quickjs "$pkg" "${programs[@]}" >"$WORK/node-quickjs.out"
same "$WORK/v8.out" "$WORK/kite.out"
same "$WORK/v8.out" "$WORK/node-quickjs.out"
echo "time: kite $t_kite s, node $t_node s (quickjs.wasm under each, ${#programs[@]} programs)"
