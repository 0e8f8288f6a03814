// Symmetric eigendecomposition in float64 for the estimators (ops/linalg/dense.ts's tred2/tql2,
// eigenvalues descending), plus the Gram/covariance products PCA feeds it.
import { ArgumentError } from "../core/errors.js";
import { tridiagonalQL } from "../ops/linalg/dense.js";

/** Eigenvalues (descending) and eigenvectors of a symmetric matrix: column k of `vectors` (n×n, row-major) goes with `values[k]`. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric n×n matrix `A` (row-major; only read). O(n³), accurate to a
 * few ulps of the largest eigenvalue; eigenvalues come sorted from largest to smallest.
 * @example const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2); // values [3, 1]
 */
export function symmetricEigen(A: Float64Array, n: number): SymmetricEigen {
  if (A.length !== n * n) throw new ArgumentError("symmetricEigen", `expected ${n}×${n} = ${n * n} values, got ${A.length}`);
  const V = Float64Array.from(A);
  const d = new Float64Array(n);
  if (n === 0) return { values: d, vectors: V };
  if (!tridiagonalQL(V, d, n)) throw new ArgumentError("symmetricEigen", "the QL iterations did not converge (is the matrix finite?)");
  // tql2 leaves eigenvalues ascending: reverse to descending, columns with them.
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => d[b] - d[a] || a - b);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = d[src];
    for (let i = 0; i < n; i++) vectors[i * n + k] = V[i * n + src];
  });
  return { values, vectors };
}

/** XᵀX of a row-major n×p matrix (p×p, symmetric, row-major). */
export function gramCols(X: Float64Array, n: number, p: number): Float64Array {
  const G = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let a = 0; a < p; a++) {
      const xa = X[o + a];
      if (xa === 0) continue;
      const g = a * p;
      for (let b = a; b < p; b++) G[g + b] += xa * X[o + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a];
  return G;
}

/** XXᵀ of a row-major n×p matrix (n×n, symmetric, row-major). */
export function gramRows(X: Float64Array, n: number, p: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += X[i * p + k] * X[j * p + k];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return G;
}
