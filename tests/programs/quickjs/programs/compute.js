// A compute-heavy mix for timing: sieve, sorting, string building, Map/Set, typed arrays, Math.
const N = 200000;
const sieve = new Uint8Array(N + 1); let primes = 0;
for (let i = 2; i <= N; i++) { if (!sieve[i]) { primes++; for (let j = i * i; j <= N; j += i) sieve[j] = 1; } }
let seed = 12345; const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const arr = Array.from({ length: 50000 }, () => Math.floor(rand() * 1e6));
arr.sort((x, y) => x - y);
let sorted = true; for (let i = 1; i < arr.length; i++) if (arr[i - 1] > arr[i]) sorted = false;
const words = new Map(); const text = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor '.repeat(500).split(' ');
for (const w of text) words.set(w, (words.get(w) || 0) + 1);
const uniq = new Set(arr.map((x) => x % 1000)).size;
let s = ''; for (let i = 0; i < 5000; i++) s += String.fromCharCode(97 + (i % 26));
let h = 0; for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
const f64 = new Float64Array(1000).map((_, i) => Math.sin(i) * Math.sqrt(i));
const total = f64.reduce((a, b) => a + b, 0);
JSON.stringify({ primes, sorted, median: arr[arr.length >> 1], words: words.size, uniq, h, total: total.toFixed(6), max: Math.max(...f64).toFixed(9) });
