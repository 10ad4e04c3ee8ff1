// Closures: counters, memoisation, currying, generators, iterator protocols.
function counter() { let n = 0; return { inc: () => ++n, get: () => n }; }
const a = counter(), b = counter();
for (let i = 0; i < 5; i++) a.inc();
b.inc();
const memo = (f) => { const cache = new Map(); return (x) => cache.has(x) ? cache.get(x) : (cache.set(x, f(x)), cache.get(x)); };
let calls = 0;
const slowSquare = memo((x) => { calls++; return x * x; });
[1, 2, 1, 3, 2, 1].forEach(slowSquare);
const curry = (f) => (...xs) => xs.length >= f.length ? f(...xs) : curry(f.bind(null, ...xs));
const add3 = curry((x, y, z) => x + y + z);
function* primes() { const found = []; for (let n = 2; ; n++) if (found.every((p) => n % p)) { found.push(n); yield n; } }
const firstPrimes = []; for (const p of primes()) { if (firstPrimes.length === 15) break; firstPrimes.push(p); }
const fns = []; for (let i = 0; i < 3; i++) fns.push(() => i * 10);
const range = { from: 3, to: 7, [Symbol.iterator]() { let c = this.from, t = this.to; return { next: () => c <= t ? { value: c++, done: false } : { value: undefined, done: true } }; } };
JSON.stringify({ a: a.get(), b: b.get(), calls, curried: add3(1)(2)(3) + add3(1, 2)(3), primes: firstPrimes, fns: fns.map((f) => f()), range: [...range] });
