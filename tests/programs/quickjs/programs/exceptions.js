// Exceptions: custom error classes, finally ordering, rethrow, nested try, error causes, errors across calls.
class ValidationError extends Error {
  constructor(field, message) { super(message); this.name = 'ValidationError'; this.field = field; }
}
const trace = [];
function validate(user) {
  try {
    trace.push('try ' + user.name);
    if (!user.name) throw new ValidationError('name', 'name missing');
    if (user.age < 0) throw new RangeError('age negative');
    return 'ok ' + user.name;
  } catch (e) {
    trace.push('catch ' + e.name);
    if (e instanceof RangeError) throw new Error('wrapped', { cause: e });
    return `${e.name}:${e.field}:${e.message}`;
  } finally {
    trace.push('finally');
  }
}
const results = [];
for (const u of [{ name: 'ada', age: 36 }, { name: '', age: 1 }, { name: 'bob', age: -1 }]) {
  try { results.push(validate(u)); } catch (e) { results.push(`${e.message}<-${e.cause.message}`); }
}
function deep(n) { if (n === 0) throw new TypeError('bottom'); return deep(n - 1); }
let depth; try { deep(500); } catch (e) { depth = `${e.constructor.name}: ${e.message}`; }
const finallyWins = (() => { try { return 'try'; } finally { trace.push('finally-return'); } })();
let nonError; try { throw { code: 42 }; } catch ({ code }) { nonError = code; }
let agg; try { throw new AggregateError([new Error('a'), new Error('b')], 'many'); } catch (e) { agg = e.errors.map((x) => x.message).join('') + e.message; }
const settled = Promise.reject(new Error('async')); settled.catch(() => {});
JSON.stringify({ results, trace, depth, finallyWins, nonError, agg, str: String(new ValidationError('f', 'msg')) });
