// JSON: parse with a reviver, stringify with a replacer, indentation, nesting, escapes, toJSON.
const text = '{"name":"kite","tags":["wasm","interp"],"nested":{"deep":{"x":[1,2,{"y":null}]}},"n":-1.5e3,"esc":"tab\\tquote\\"uni\\u00e9"}';
const parsed = JSON.parse(text, (k, v) => (typeof v === 'number' ? v * 2 : v));
const out = JSON.stringify(parsed, (k, v) => (k === 'tags' ? v.join('+') : v), 2);
const big = { list: Array.from({ length: 2000 }, (_, i) => ({ id: i, even: i % 2 === 0, label: 'item' + i })) };
const roundTrip = JSON.parse(JSON.stringify(big));
const sum = roundTrip.list.reduce((s, o) => s + (o.even ? o.id : 0), 0);
class Point { constructor(x, y) { this.x = x; this.y = y; } toJSON() { return `${this.x},${this.y}`; } }
const special = JSON.stringify({ p: new Point(1, 2), u: undefined, f() {}, nan: NaN, inf: -Infinity, d: new Date(0), arr: [undefined, () => 1] });
let bad; try { JSON.parse('{"a":1,}'); } catch (e) { bad = e.name; }
[out, sum, roundTrip.list.length, special, bad, JSON.stringify('\u2028\ud800'), JSON.stringify({ b: 1, a: [1, [2, [3]]] }, null, '--')].join('\n');
