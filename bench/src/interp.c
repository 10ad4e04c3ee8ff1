// A switch-dispatched bytecode interpreter (stack machine) running a
// program that counts primes by trial division: br_table-heavy.
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, INC, HALT };

// vars: 0 = n, 1 = count, 2 = d, 3 = is_prime, 4 = limit
static const int32_t program[] = {
    PUSH, 2, STORE, 0,            //  0: n = 2
    PUSH, 0, STORE, 1,            //  4: count = 0
    LOAD, 0, LOAD, 4, LT, JZ, 61, //  8: outer: if !(n < limit) goto end
    PUSH, 2, STORE, 2,            // 15: d = 2
    PUSH, 1, STORE, 3,            // 19: is_prime = 1
    LOAD, 2, LOAD, 2, MUL,        // 23: inner: if !(d * d < n + 1) goto check
    LOAD, 0, PUSH, 1, ADD, LT,    // 28:
    JZ, 51,                       // 34:
    LOAD, 0, LOAD, 2, MOD, JZ, 47, // 36: if n % d == 0 goto notprime
    INC, 2, JMP, 23,              // 43: d++; goto inner
    PUSH, 0, STORE, 3,            // 47: notprime: is_prime = 0
    LOAD, 3, JZ, 57,              // 51: check: if is_prime
    INC, 1,                       // 55:   count++
    INC, 0, JMP, 8,               // 57: n++; goto outer
    HALT};                        // 61: end

static int32_t execute(const int32_t* code, int32_t* vars) {
  int32_t stack[64];
  int sp = 0, pc = 0;
  for (;;) {
    switch (code[pc]) {
    case PUSH: stack[sp++] = code[pc + 1]; pc += 2; break;
    case LOAD: stack[sp++] = vars[code[pc + 1]]; pc += 2; break;
    case STORE: vars[code[pc + 1]] = stack[--sp]; pc += 2; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; pc++; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; pc++; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; pc++; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; pc++; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; pc++; break;
    case JZ: pc = stack[--sp] ? pc + 2 : code[pc + 1]; break;
    case JMP: pc = code[pc + 1]; break;
    case INC: vars[code[pc + 1]]++; pc += 2; break;
    case HALT: return vars[1];
    default: return -1;
    }
  }
}

EXPORT {
  int32_t vars[8] = {0};
  uint32_t sum = 0;
  for (int rep = 0; rep < 2; rep++) {
    vars[4] = 100000 + rep;
    sum = sum * 31 + (uint32_t)execute(program, vars);
  }
  return sum;
}
