/**
 * The baseline: least squares with a small ridge penalty, solved through the normal
 * equations (Cholesky) on standardized features. Hand-written (about 60 lines): no
 * maintained TypeScript linear-algebra package is a dependency of this project.
 * @module
 */

export interface LinearModel {
  readonly intercept: number;
  /** One weight per feature, on the original (unstandardized) scale. */
  readonly weights: Float64Array;
}

/** Fits `y ≈ intercept + X·w` minimising squared error + `ridge`·|w|² (on standardized features). */
export function fitLinearRegression(x: Float64Array, y: Float64Array, width: number, options: { readonly ridge?: number } = {}): LinearModel {
  const ridge = options.ridge ?? 1e-3;
  const n = y.length;
  const mean = new Float64Array(width);
  const scale = new Float64Array(width);
  for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) mean[c]! += x[r * width + c]! / n;
  for (let r = 0; r < n; r++) for (let c = 0; c < width; c++) scale[c]! += (x[r * width + c]! - mean[c]!) ** 2 / n;
  for (let c = 0; c < width; c++) scale[c] = Math.sqrt(scale[c]!) || 1;
  let yMean = 0;
  for (let r = 0; r < n; r++) yMean += y[r]! / n;

  // A = ZᵀZ + ridge·n·I and b = Zᵀ(y − ȳ), with Z the standardized features.
  const a = new Float64Array(width * width);
  const b = new Float64Array(width);
  const z = new Float64Array(width);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < width; c++) z[c] = (x[r * width + c]! - mean[c]!) / scale[c]!;
    const target = y[r]! - yMean;
    for (let i = 0; i < width; i++) {
      b[i]! += z[i]! * target;
      for (let j = 0; j <= i; j++) a[i * width + j]! += z[i]! * z[j]!;
    }
  }
  for (let i = 0; i < width; i++) a[i * width + i]! += ridge * n;
  const standardized = solveCholesky(a, b, width);

  const weights = new Float64Array(width);
  let intercept = yMean;
  for (let c = 0; c < width; c++) {
    weights[c] = standardized[c]! / scale[c]!;
    intercept -= weights[c]! * mean[c]!;
  }
  return { intercept, weights };
}

export function predictLinear(model: LinearModel, x: Float64Array, width: number): Float64Array {
  const rows = x.length / width;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = model.intercept;
    for (let c = 0; c < width; c++) sum += model.weights[c]! * x[r * width + c]!;
    out[r] = sum;
  }
  return out;
}

/** Solves A·w = b for a symmetric positive-definite A given by its lower triangle (row-major). */
function solveCholesky(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (sum <= 0) throw new RangeError('the normal equations are not positive definite; raise the ridge penalty');
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j]!;
      }
    }
  }
  const forward = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * forward[k]!;
    forward[i] = sum / l[i * n + i]!;
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = forward[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * w[k]!;
    w[i] = sum / l[i * n + i]!;
  }
  return w;
}
