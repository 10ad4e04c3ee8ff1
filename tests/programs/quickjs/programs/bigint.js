// BigInt: factorial, powers, division, bitwise ops, conversions, mixed-type errors.
let f = 1n; for (let i = 1n; i <= 60n; i++) f *= i;
const p = 2n ** 200n - 1n;
const q = p / 12345678901234567890n, r = p % 12345678901234567890n;
function modpow(b, e, m) { let res = 1n; b %= m; while (e > 0n) { if (e & 1n) res = (res * b) % m; b = (b * b) % m; e >>= 1n; } return res; }
function gcd(a, b) { while (b) [a, b] = [b, a % b]; return a; }
let mixed; try { mixed = 1n + 1; } catch (e) { mixed = e instanceof TypeError; }
[
  f.toString(), p.toString(16), q.toString(), r.toString(), modpow(3n, 10n ** 20n, 1000000007n),
  gcd(2n ** 64n * 3n, 6n ** 30n), (-7n / 2n).toString(), (-7n % 2n).toString(), (0xffn & -2n) | 256n,
  BigInt.asIntN(8, 255n), BigInt.asUintN(64, -1n), BigInt('0x1f') + BigInt(1e15), typeof 10n, mixed,
  5n > 4, 10n == 10, (123n).toString(36), Number(2n ** 53n + 1n),
].join(' ');
