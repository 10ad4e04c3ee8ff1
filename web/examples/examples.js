// The bundled examples: each a file in this directory and the command line
// it is shown with (the playground's --invoke, arguments and IR function).
export const examples = [
  {name : 'Hello, WASI', file : 'hello.wat', invoke : '', args : '', irFunction : '0'},
  {name : 'Factorial', file : 'fac.wat', invoke : 'fac', args : '20', irFunction : 'fac_iter'},
  {
    name : 'Primes (sieve)',
    file : 'primes.wat',
    invoke : 'count_primes',
    args : '1000000',
    irFunction : 'count_primes'
  },
  {name : 'A trap', file : 'trap.wat', invoke : 'average', args : '10 0', irFunction : 'average'},
  {
    name : 'Invalid module',
    file : 'invalid.wat',
    invoke : 'answer',
    args : '',
    irFunction : 'answer'
  },
];
