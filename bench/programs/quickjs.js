// bench/run's QuickJS workload: evaluated by quickjs.wasm (npm quickjs-wasi)
// through an embedding (kite: tests/programs/quickjs/qjs_eval; Node: the
// package's JS glue, tests/programs/quickjs/node-eval.mjs). The completion
// value is a checksum string, compared with bench/programs/expected.txt.
(function () {
  let h = 0;
  const mix = (x) => { h = (Math.imul(h, 31) + (x | 0)) | 0; };
  // objects and property access: a small particle simulation
  const ps = [];
  for (let i = 0; i < 2000; i++) ps.push({ x: i % 37, y: i % 101, vx: (i % 7) - 3, vy: (i % 5) - 2 });
  for (let step = 0; step < 60; step++) {
    for (const p of ps) {
      p.x += p.vx; p.y += p.vy;
      if (p.x < 0 || p.x > 500) p.vx = -p.vx;
      if (p.y < 0 || p.y > 500) p.vy = -p.vy;
    }
  }
  for (const p of ps) mix(p.x * 3 + p.y);
  // closures, arrays, sort
  const arr = [];
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff);
  for (let i = 0; i < 60000; i++) arr.push(rnd() % 100000);
  arr.sort((a, b) => a - b);
  mix(arr[0]); mix(arr[30000]); mix(arr[59999]);
  mix(arr.filter((v) => v % 3 === 0).map((v) => v >> 2).reduce((a, b) => (a + b) | 0, 0));
  // strings, Map, JSON
  const words = new Map();
  for (let i = 0; i < 40000; i++) {
    const w = 'w' + (rnd() % 3000).toString(36);
    words.set(w, (words.get(w) || 0) + 1);
  }
  const top = [...words.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
  const json = JSON.stringify(top);
  mix(json.length); mix(JSON.parse(json)[0][1]);
  // recursion
  const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  mix(fib(24));
  // regex
  let text = '';
  for (let i = 0; i < 3000; i++) text += 'item' + i + '=' + (i * 7) % 1000 + ';';
  let m, sum = 0;
  const re = /item(\d+)=(\d+);/g;
  while ((m = re.exec(text)) !== null) sum = (sum + Number(m[1]) * Number(m[2])) | 0;
  mix(sum);
  // float math
  let acc = 0;
  for (let i = 1; i < 200000; i++) acc += Math.sin(i) * Math.sqrt(i) / i;
  mix(Math.round(acc * 1e6));
  return 'checksum ' + (h >>> 0).toString(16) + ' words ' + words.size;
})();
