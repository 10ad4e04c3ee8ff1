// Entry point of the esbuild program test: bundled and minified by esbuild
// natively and under kite; the outputs must be identical.
import { Matrix } from './lib/matrix.js';
import { tokenize, evaluate } from './lib/calc.js';
import * as text from './lib/text.js';
import config from './config.json';

const m = new Matrix(3, 3, (r, c) => r * 3 + c + 1);
const product = m.multiply(m.transpose());
console.log(`${config.name} v${config.version}`);
console.log(product.toString());
console.log('det', m.determinant(), 'trace', product.trace());

for (const expr of config.expressions) {
  const tokens = tokenize(expr);
  console.log(expr, '=', evaluate(tokens), `(${tokens.length} tokens)`);
}

console.log(text.slugify('Hello, WebAssembly World!'));
console.log(text.wrap('The quick brown fox jumps over the lazy dog', 12).join('|'));

export async function later(values) {
  const results = [];
  for await (const v of values) results.push(v ?? config.fallback);
  return results;
}
