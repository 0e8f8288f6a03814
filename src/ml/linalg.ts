// Small dense float64 linear algebra for the estimators: Cholesky, Householder QR, Jacobi SVD, least squares.
// Matrices are row-major Float64Arrays; sizes are small (features × features), so plain loops suffice.
import { ArgumentError } from "../core/errors.js";

/** Solves A x = b in place for symmetric positive-definite A (n×n, row-major; overwritten by its factor). */
export function choleskySolve(op: string, A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0)) throw new ArgumentError(op, "the system matrix is not positive definite (singular data with no regularisation?)");
    const ljj = Math.sqrt(d);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / ljj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * x[k];
    x[i] = s / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * x[k];
    x[i] = s / A[i * n + i];
  }
  return x;
}

/**
 * One-sided Jacobi SVD of an m×k matrix given as k columns (m ≥ k): returns U's columns (unit, or zero
 * for null directions), the singular values and V (k×k, row-major). Accurate to machine precision.
 */
export function jacobiSVD(cols: Float64Array[], m: number): { U: Float64Array[]; s: Float64Array; V: Float64Array } {
  const k = cols.length;
  const V = new Float64Array(k * k);
  for (let i = 0; i < k; i++) V[i * k + i] = 1;
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const a = cols[p], b = cols[q];
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += a[i] * a[i];
          beta += b[i] * b[i];
          gamma += a[i] * b[i];
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < m; i++) {
          const x = a[i], y = b[i];
          a[i] = c * x - s * y;
          b[i] = s * x + c * y;
        }
        for (let i = 0; i < k; i++) {
          const x = V[i * k + p], y = V[i * k + q];
          V[i * k + p] = c * x - s * y;
          V[i * k + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const s = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += cols[j][i] * cols[j][i];
    nrm = Math.sqrt(nrm);
    s[j] = nrm;
    if (nrm > 0) for (let i = 0; i < m; i++) cols[j][i] /= nrm;
  }
  return { U: cols, s, V };
}

/**
 * Minimum-norm least squares: argmin ||X w - y||² (X n×d row-major), like NumPy's lstsq with
 * rcond = eps·max(n, d). Householder QR reduces a tall X to d×d first, then a Jacobi SVD.
 */
export function lstsq(X: Float64Array, y: Float64Array, n: number, d: number): Float64Array {
  const eps = 2.220446049250313e-16;
  if (n >= d) {
    // Householder QR, column-major copy for cache-friendly column work.
    const A: Float64Array[] = [];
    for (let j = 0; j < d; j++) {
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) c[i] = X[i * d + j];
      A.push(c);
    }
    const b = Float64Array.from(y);
    for (let j = 0; j < d; j++) {
      const a = A[j];
      let nrm = 0;
      for (let i = j; i < n; i++) nrm += a[i] * a[i];
      nrm = Math.sqrt(nrm);
      if (nrm === 0) continue;
      const alpha = a[j] > 0 ? -nrm : nrm;
      // v = a[j:] - alpha e1, stored in a[j:]; R[j][j] = alpha
      a[j] -= alpha;
      let vnorm2 = 0;
      for (let i = j; i < n; i++) vnorm2 += a[i] * a[i];
      if (vnorm2 === 0) { a[j] = alpha; continue; }
      const apply = (c: Float64Array): void => {
        let dot = 0;
        for (let i = j; i < n; i++) dot += a[i] * c[i];
        const f = (2 * dot) / vnorm2;
        for (let i = j; i < n; i++) c[i] -= f * a[i];
      };
      for (let k = j + 1; k < d; k++) apply(A[k]);
      apply(b);
      for (let i = j + 1; i < n; i++) a[i] = 0;
      a[j] = alpha;
    }
    // R's columns (upper d×d part) → SVD
    const R: Float64Array[] = A.map((c) => c.slice(0, d));

    const { U, s, V } = jacobiSVD(R, d);

    const smax = Math.max(...s);
    const cut = eps * Math.max(n, d) * smax;
    const w = new Float64Array(d);
    for (let k = 0; k < d; k++) {
      if (!(s[k] > cut)) continue;
      let ub = 0;
      for (let i = 0; i < d; i++) ub += U[k][i] * b[i];
      const f = ub / s[k];
      for (let i = 0; i < d; i++) w[i] += V[i * d + k] * f;
    }
    return w;
  }
  // Wide X: SVD of Xᵀ (d×n, columns are X's rows). Xᵀ = U S Vᵀ → w = U S⁺ Vᵀ y.
  const cols: Float64Array[] = [];
  for (let i = 0; i < n; i++) cols.push(X.slice(i * d, (i + 1) * d));
  const { U, s, V } = jacobiSVD(cols, d);
  const smax = Math.max(...s);
  const cut = eps * Math.max(n, d) * smax;
  const w = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    if (!(s[k] > cut)) continue;
    let vy = 0;
    for (let i = 0; i < n; i++) vy += V[i * n + k] * y[i];
    const f = vy / s[k];
    for (let i = 0; i < d; i++) w[i] += U[k][i] * f;
  }
  return w;
}

/** Column means of a row-major n×d matrix. */
export function colMeans(X: Float64Array, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) m[j] += X[i * d + j];
  for (let j = 0; j < d; j++) m[j] /= n;
  return m;
}

/** X with each column's mean subtracted (a copy). */
export function centered(X: Float64Array, n: number, d: number, means: Float64Array): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = X[i * d + j] - means[j];
  return out;
}
