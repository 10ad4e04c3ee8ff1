const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 3 };

export function tokenize(source) {
  const tokens = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([-+*/^()]))/y;
  let match;
  while (re.lastIndex < source.length && (match = re.exec(source))) {
    tokens.push(match[1] !== undefined ? { kind: 'num', value: Number(match[1]) } : { kind: 'op', value: match[2] });
  }
  return tokens;
}

// Shunting-yard to RPN, then evaluate.
export function evaluate(tokens) {
  const output = [];
  const ops = [];
  const apply = () => {
    const op = ops.pop();
    const b = output.pop();
    const a = output.pop();
    switch (op) {
      case '+': output.push(a + b); break;
      case '-': output.push(a - b); break;
      case '*': output.push(a * b); break;
      case '/': output.push(a / b); break;
      case '^': output.push(a ** b); break;
      default: throw new SyntaxError(`bad operator ${op}`);
    }
  };
  for (const t of tokens) {
    if (t.kind === 'num') output.push(t.value);
    else if (t.value === '(') ops.push('(');
    else if (t.value === ')') {
      while (ops.at(-1) !== '(') apply();
      ops.pop();
    } else {
      while (ops.length && ops.at(-1) !== '(' &&
             (PRECEDENCE[ops.at(-1)] > PRECEDENCE[t.value] ||
              (PRECEDENCE[ops.at(-1)] === PRECEDENCE[t.value] && t.value !== '^'))) apply();
      ops.push(t.value);
    }
  }
  while (ops.length) apply();
  return output[0];
}
