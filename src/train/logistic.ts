/**
 * L2-regularised logistic regression on one-hot rows, fitted by Newton's method (IRLS). Written here rather than
 * taken from npm: the design is sparse (each row sets one column per feature), ~100 columns, and the fit must be
 * bit-for-bit deterministic; the npm packages found are dense, unmaintained or stochastic (SGD).
 */
export interface OneHotRows {
  /** Columns besides the intercept. */
  columns: number;
  /** rows × perRow active column indexes (each active column's value is 1). */
  active: Int32Array;
  perRow: number;
  labels: Uint8Array;
}

export interface LogisticFit {
  intercept: number;
  weights: Float64Array;
  iterations: number;
}

/** Solves A x = b for a symmetric positive definite A (n × n, row-major) by Cholesky. */
export function solveSpd(matrix: Float64Array, vector: Float64Array, size: number): Float64Array {
  const lower = new Float64Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let column = 0; column <= row; column += 1) {
      let sum = matrix[row * size + column]!;
      for (let k = 0; k < column; k += 1) sum -= lower[row * size + k]! * lower[column * size + k]!;
      if (row === column) lower[row * size + row] = Math.sqrt(Math.max(sum, 1e-12));
      else lower[row * size + column] = sum / lower[column * size + column]!;
    }
  }
  const forward = new Float64Array(size);
  for (let row = 0; row < size; row += 1) {
    let sum = vector[row]!;
    for (let k = 0; k < row; k += 1) sum -= lower[row * size + k]! * forward[k]!;
    forward[row] = sum / lower[row * size + row]!;
  }
  const solution = new Float64Array(size);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = forward[row]!;
    for (let k = row + 1; k < size; k += 1) sum -= lower[k * size + row]! * solution[k]!;
    solution[row] = sum / lower[row * size + row]!;
  }
  return solution;
}

/**
 * Maximises Σ log-likelihood − λ/2 Σ w² (the intercept not penalised). Column 0 of the Newton system is the intercept;
 * stops when no coefficient moves by more than 1e-6 or after maxIterations.
 */
export function fitLogistic(rows: OneHotRows, lambda: number, maxIterations = 50): LogisticFit {
  const size = rows.columns + 1;
  const count = rows.labels.length;
  const beta = new Float64Array(size);
  let iterations = 0;
  for (; iterations < maxIterations; iterations += 1) {
    const hessian = new Float64Array(size * size);
    const gradient = new Float64Array(size);
    for (let index = 0; index < count; index += 1) {
      const offset = index * rows.perRow;
      let logit = beta[0]!;
      for (let k = 0; k < rows.perRow; k += 1) logit += beta[rows.active[offset + k]! + 1]!;
      const p = 1 / (1 + Math.exp(-logit));
      const residual = rows.labels[index]! - p;
      const weight = Math.max(p * (1 - p), 1e-10);
      gradient[0] = gradient[0]! + residual;
      hessian[0] = hessian[0]! + weight;
      for (let a = 0; a < rows.perRow; a += 1) {
        const columnA = rows.active[offset + a]! + 1;
        gradient[columnA] = gradient[columnA]! + residual;
        hessian[columnA * size] = hessian[columnA * size]! + weight;
        for (let b = 0; b <= a; b += 1) {
          const columnB = rows.active[offset + b]! + 1;
          const high = Math.max(columnA, columnB);
          const low = Math.min(columnA, columnB);
          hessian[high * size + low] = hessian[high * size + low]! + weight;
        }
      }
    }
    // mirror the lower triangle, add the penalty
    for (let row = 0; row < size; row += 1) for (let column = row + 1; column < size; column += 1) hessian[row * size + column] = hessian[column * size + row]!;
    for (let column = 1; column < size; column += 1) {
      hessian[column * size + column] = hessian[column * size + column]! + lambda;
      gradient[column] = gradient[column]! - lambda * beta[column]!;
    }
    const step = solveSpd(hessian, gradient, size);
    let largest = 0;
    for (let column = 0; column < size; column += 1) {
      beta[column] = beta[column]! + step[column]!;
      largest = Math.max(largest, Math.abs(step[column]!));
    }
    if (largest < 1e-6) {
      iterations += 1;
      break;
    }
  }
  return { intercept: beta[0]!, weights: beta.subarray(1), iterations };
}
