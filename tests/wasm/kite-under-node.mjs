// Runs kite.wasm (the `wasm` preset) under Node's node:wasi as a command:
//
//   node kite-under-node.mjs KITE.wasm [KITE ARGS...]
//
// kite.wasm sees the host's file system as "/" (give it absolute paths:
// wasi-libc 2022 resolves relative ones ambiguously when "." is preopened as
// well) and the environment; its exit code is the process's.
import fs from 'node:fs';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning'); // "WASI is an experimental feature"
const [wasmPath, ...args] = process.argv.slice(2);
const wasi = new WASI({
  version: 'preview1',
  args: ['kite', ...args],
  env: process.env,
  preopens: { '/': '/' },
  returnOnExit: true,
});
const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
