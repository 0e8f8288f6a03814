// The estimators' view of ds.linalg.eigh: eigenvalues descending (scikit-learn's order for
// components), columns with them. The numerics live in ops/linalg (one home); this only reorders.
import { ArgumentError } from "../core/errors.js";
import { Tensor } from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { eigh } from "../ops/linalg/index.js";
import { matrixTensor } from "./base.js";

/** Eigenvalues (descending) and eigenvectors of a symmetric matrix: column k of `vectors` (n×n, row-major) goes with `values[k]`. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * Eigendecomposition of the symmetric n×n matrix `A` (row-major values or a float64 tensor; only
 * read), by ds.linalg.eigh; eigenvalues come sorted from largest to smallest.
 * @example const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2); // values [3, 1]
 */
export function symmetricEigen(A: Float64Array | Tensor, n: number): SymmetricEigen {
  const size = A instanceof Tensor ? A.size : A.length;
  if (size !== n * n) throw new ArgumentError("symmetricEigen", `expected ${n}×${n} = ${n * n} values, got ${size}`);
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const [w, V] = frame(() => eigh(A instanceof Tensor ? A : matrixTensor(A, n, n)));
  const d = w.dataSync(), v = V.dataSync();
  // eigh leaves eigenvalues ascending: reverse to descending (stable on ties), columns with them.
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => d[b] - d[a] || a - b);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((src, k) => {
    values[k] = d[src];
    for (let i = 0; i < n; i++) vectors[i * n + k] = v[i * n + src];
  });
  return { values, vectors };
}
