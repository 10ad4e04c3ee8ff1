export class Matrix {
  #cells;
  constructor(rows, cols, init = () => 0) {
    this.rows = rows;
    this.cols = cols;
    this.#cells = Array.from({ length: rows * cols }, (_, i) => init(Math.floor(i / cols), i % cols));
  }
  get(r, c) {
    return this.#cells[r * this.cols + c];
  }
  transpose() {
    return new Matrix(this.cols, this.rows, (r, c) => this.get(c, r));
  }
  multiply(other) {
    if (this.cols !== other.rows) throw new RangeError('shape mismatch');
    return new Matrix(this.rows, other.cols, (r, c) => {
      let sum = 0;
      for (let k = 0; k < this.cols; k++) sum += this.get(r, k) * other.get(k, c);
      return sum;
    });
  }
  trace() {
    let t = 0;
    for (let i = 0; i < Math.min(this.rows, this.cols); i++) t += this.get(i, i);
    return t;
  }
  determinant() {
    if (this.rows !== this.cols) throw new RangeError('not square');
    if (this.rows === 1) return this.get(0, 0);
    let det = 0;
    for (let c = 0; c < this.cols; c++) {
      const minor = new Matrix(this.rows - 1, this.cols - 1, (r, k) => this.get(r + 1, k < c ? k : k + 1));
      det += (c % 2 ? -1 : 1) * this.get(0, c) * minor.determinant();
    }
    return det;
  }
  toString() {
    const rows = [];
    for (let r = 0; r < this.rows; r++) rows.push(Array.from({ length: this.cols }, (_, c) => this.get(r, c)).join(' '));
    return rows.join('\n');
  }
}

// Never imported: tree shaking must drop it.
export function unusedHelper() {
  return 'this string must not appear in the bundle';
}
