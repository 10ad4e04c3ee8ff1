// The reference side of the QuickJS program test.
//
//   node node-eval.mjs --v8 FILE.js...
//       evaluates each file with Node's own engine (indirect eval, so the
//       result is the script's completion value, as JS_Eval returns it)
//   node node-eval.mjs --quickjs PACKAGE_DIR FILE.js...
//       evaluates each file in quickjs.wasm under Node through the package's
//       own JS glue (quickjs-wasi), for timing against kite
//
// Output, per file, in the format of qjs_eval.cpp:
//   == NAME
//   String(result)          or   exception: String(error)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const mode = args.shift();
const report = (file, line) => process.stdout.write(`== ${path.basename(file)}\n${line}\n`);

if (mode === '--v8') {
  for (const file of args) {
    let line;
    try {
      line = String((0, eval)(fs.readFileSync(file, 'utf8')));
    } catch (e) {
      line = 'exception: ' + String(e);
    }
    report(file, line);
  }
} else if (mode === '--quickjs') {
  const pkg = args.shift();
  const { QuickJS } = await import(pathToFileURL(path.join(pkg, 'dist', 'index.js')).href);
  const module = await WebAssembly.compile(fs.readFileSync(path.join(pkg, 'quickjs.wasm')));
  for (const file of args) {
    const vm = await QuickJS.create({ wasm: module }); // a fresh VM per program, as qjs_eval does
    let line;
    try {
      const result = vm.evalCode(fs.readFileSync(file, 'utf8'), path.basename(file));
      line = result.toString();
      result.dispose();
    } catch (e) {
      if (!e.handle) throw e; // not an exception of the guest
      line = 'exception: ' + e.handle.toString();
      e.handle.dispose();
    }
    vm.dispose();
    report(file, line);
  }
} else {
  console.error('usage: node node-eval.mjs --v8 FILE... | --quickjs PACKAGE_DIR FILE...');
  process.exit(2);
}
