// The spec suite's files (all but the threads proposal's: kite.wasm has one
// thread) run by kite.wasm's `wast` command under Node's node:wasi
// (kite-under-node.mjs). Each file must pass as many assertions as tests/spec/baseline.txt
// records for native kite (the same rule as tests/spec/check_wast.sh).
//
//   node spec-under-node.mjs KITE.wasm TESTSUITE_DIR BASELINE
import fs from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';

const [wasmPath, suite, baselinePath] = process.argv.slice(2);

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

// `kite.wasm wast` on batches of files, one Node process per batch, two at
// a time (kite.wasm's memory only grows: a batch keeps it small). A file
// without its result line (its batch died: say, Node out of memory) is run
// again alone, and then it must have one.
const runner = path.join(path.dirname(new URL(import.meta.url).pathname), 'kite-under-node.mjs');
const kBatch = 16;
function run(batch) {
  return new Promise((resolve) => {
    execFile(process.execPath, [runner, wasmPath, 'wast', ...batch.map((rel) => path.join(suite, rel))],
      { maxBuffer: 256 << 20 }, (error, stdout, stderr) =>
        resolve({ lines: (stdout + stderr).split('\n'), status: error ? error.code ?? error.signal : 0 }));
  });
}
const resultLine = (lines, rel) => {
  const prefix = `${path.join(suite, rel)}: `;
  const line = lines.findLast((l) => l.startsWith(prefix));
  return line && /^(\d+)\/(\d+)/.exec(line.slice(prefix.length));
};
let failures = 0, assertions = 0;
function check(rel, lines, status) {
  const m = resultLine(lines, rel);
  let problem = null;
  if (!m) {
    problem = `no result line (kite.wasm's exit status ${status})`;
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
    console.log(lines.filter((l) => l.startsWith(path.join(suite, rel))).slice(-10).join('\n'));
    if (!m) console.log(lines.slice(-8).join('\n'));
  }
}
const start = Date.now();
const queue = [];
for (let k = 0; k < files.length; k += kBatch) queue.push(files.slice(k, k + kBatch));
await Promise.all([0, 1].map(async () => {
  while (queue.length) {
    const batch = queue.shift();
    const { lines, status } = await run(batch);
    for (const rel of batch) {
      if (resultLine(lines, rel)) check(rel, lines, status);
      else {
        const alone = await run([rel]);
        check(rel, alone.lines, alone.status);
      }
    }
  }
}));
const seconds = ((Date.now() - start) / 1000).toFixed(1);
console.log(`kite.wasm under Node ${process.version}: ${files.length - failures}/${files.length} ` +
            `spec files as native kite (${assertions} assertions passed) in ${seconds} s`);
process.exitCode = failures ? 1 : 0;
