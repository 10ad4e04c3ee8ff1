// Recursion: naive Fibonacci, Ackermann, mutual recursion, Tower of Hanoi.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
function ack(m, n) { return m === 0 ? n + 1 : n === 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
const isEven = (n) => n === 0 || isOdd(n - 1);
const isOdd = (n) => n !== 0 && isEven(n - 1);
function hanoi(n, from, to, via, moves) {
  if (n === 0) return moves;
  hanoi(n - 1, from, via, to, moves);
  moves.push(from + to);
  return hanoi(n - 1, via, to, from, moves);
}
const moves = hanoi(10, 'A', 'C', 'B', []);
[fib(24), ack(2, 300), isEven(1000), isOdd(777), moves.length, moves.slice(0, 7).join(',')].join(' ');
