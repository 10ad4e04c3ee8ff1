// The spec suite's files (all but the threads proposal's: kite.wasm has one
// thread) run by kite.wasm's `wast` command under Node's node:wasi, in one
// Node process that compiles kite.wasm once and gives each file a fresh
// instance. Each file must pass as many assertions as tests/spec/baseline.txt
// records for native kite (the same rule as tests/spec/check_wast.sh).
//
//   node spec-under-node.mjs KITE.wasm TESTSUITE_DIR BASELINE
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WASI } from 'node:wasi';

process.removeAllListeners('warning');
const [wasmPath, suite, baselinePath] = process.argv.slice(2);
const module = await WebAssembly.compile(fs.readFileSync(wasmPath));

const baseline = new Map();
for (const line of fs.readFileSync(baselinePath, 'utf8').split('\n')) {
  const m = /^(\S+) (\d+) (\d+)$/.exec(line);
  if (m) baseline.set(m[1], [Number(m[2]), Number(m[3])]);
}

function wastFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...wastFiles(full));
    else if (entry.name.endsWith('.wast')) out.push(full);
  }
  return out;
}
const files = wastFiles(suite)
  .map((f) => path.relative(suite, f))
  .filter((rel) => !rel.startsWith('proposals/threads/'))
  .sort();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kite-wasm-spec-'));
const outPath = path.join(tmp, 'out');
let failures = 0, assertions = 0;
const start = Date.now();
for (const rel of files) {
  const outFd = fs.openSync(outPath, 'w');
  const wasi = new WASI({
    version: 'preview1',
    args: ['kite', 'wast', `/suite/${rel}`],
    preopens: { '/suite': suite },
    stdout: outFd,
    stderr: outFd,
    returnOnExit: true,
  });
  let status;
  try {
    status = wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
  } catch (e) {
    status = `died: ${e}`;
  }
  fs.closeSync(outFd);
  const output = fs.readFileSync(outPath, 'utf8');
  const m = new RegExp(`^/suite/${rel.replace(/[.]/g, '[.]')}: (\\d+)/(\\d+)`, 'm').exec(output);
  let problem = null;
  if (!m) {
    problem = `no result line (exit status ${status})`;
  } else {
    const [passed, total] = [Number(m[1]), Number(m[2])];
    const [wantPassed, wantTotal] = baseline.get(rel) ?? [total, total];
    assertions += passed;
    if (total !== wantTotal) problem = `${total} assertions, baseline says ${wantTotal}`;
    else if (passed < wantPassed) problem = `${passed}/${total} passed, baseline ${wantPassed}`;
  }
  if (problem) {
    ++failures;
    console.log(`FAIL ${rel}: ${problem}`);
    console.log(output.split('\n').slice(-15).join('\n'));
  }
}
fs.rmSync(tmp, { recursive: true, force: true });
const seconds = ((Date.now() - start) / 1000).toFixed(1);
console.log(`kite.wasm under Node ${process.version}: ${files.length - failures}/${files.length} ` +
            `spec files as native kite (${assertions} assertions passed) in ${seconds} s`);
process.exitCode = failures ? 1 : 0;
