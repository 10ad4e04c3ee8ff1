// Runs a WASI preview 1 command under Node's node:wasi: the reference side
// of the program tests.
//
//   node wasi-run.mjs [--dir HOST[::GUEST]]... [--env K=V]... MODULE.wasm [ARGS...]
//
// Mirrors `kite run`: each --dir preopens HOST as GUEST (default: HOST),
// argv[0] is the module path, nothing of the host environment is passed
// unless given with --env. Exits with the guest's exit code.
import fs from 'node:fs';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning'); // "WASI is an experimental feature"
const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift();
  const value = argv.shift();
  if (value === undefined) throw new Error(`${flag} needs a value`);
  if (flag === '--dir') {
    const [host, guest] = value.split('::');
    preopens[guest ?? host] = host;
  } else if (flag === '--env') {
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  } else {
    throw new Error(`unknown option ${flag}`);
  }
}
const [wasmPath, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: [wasmPath, ...args], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
