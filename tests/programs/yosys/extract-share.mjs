// Writes the data files that @yowasp/yosys bundles in gen/resources-yosys.js
// (the Yosys share directory: techmap and cell libraries) to a directory,
// so that plain WASI runtimes can preopen them. Small files are inlined as
// strings, large ones are URLs of files under gen/share.
//
//   node extract-share.mjs <package-dir> <output-dir>
//
// Writes <output-dir>/share/...; the module expects them at /share.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error('usage: node extract-share.mjs <package-dir> <output-dir>');
  process.exit(2);
}
const resources = await import(pathToFileURL(path.join(pkgDir, 'gen', 'resources-yosys.js')).href);

function write(dir, tree) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const target = path.join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) fs.writeFileSync(target, value);
    else if (value instanceof URL) fs.copyFileSync(value, target); // large files ship beside the module
    else write(target, value);
  }
}
for (const [name, tree] of Object.entries(resources.filesystem)) write(path.join(outDir, name), tree);
