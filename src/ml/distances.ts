// The one home of the estimators' Euclidean geometry: squared distances and dot products between
// row sets as ds ops on float64 tensors (so they run on the backend's GEMM), and the scalar forms
// the per-point loops (k-means bounds, label propagation, SMO kernel rows) need.
import { type Tensor, matmul, transpose, mul, sum, add, sub, reshape, clamp } from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { matrixTensor } from "./base.js";

/** A float64 [rows, cols] tensor over a row-major matrix (or a block of its rows). */
export const rowsTensor = (data: Float64Array, rows: number, cols: number): Tensor => matrixTensor(data, rows, cols);

/** Squared norms of the rows of A [n, d] → [n] (float64). */
export function rowNorms2(A: Tensor): Tensor {
  return frame(() => sum(mul(A, A), 1));
}

/** A·Bᵀ for A [na, d] and B [nb, d] → [na, nb]: one GEMM on the backend. */
export function dotRows(A: Tensor, B: Tensor): Tensor {
  return matmul(A, transpose(B, 0, 1));
}

/**
 * Squared Euclidean distances ‖a_i − b_j‖² between the rows of A [na, d] and B [nb, d] → [na, nb],
 * as ‖a‖² + ‖b‖² − 2 a·b (scikit-learn's euclidean_distances), clamped at 0 against rounding.
 * Pass B's squared norms when B is reused across calls.
 */
export function sqEuclidean(A: Tensor, B: Tensor, bNorms: Tensor = rowNorms2(B)): Tensor {
  return frame(() => {
    const aa = reshape(rowNorms2(A), [A.shape[0], 1]), bb = reshape(bNorms, [1, B.shape[0]]);
    return clamp(sub(add(aa, bb), mul(dotRows(A, B), 2)), 0);
  });
}

/** ‖a − b‖² of row `ao / d` of a and row `bo / d` of b (offsets into row-major arrays). */
export function sqDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = a[ao + j] - b[bo + j];
    s += t * t;
  }
  return s;
}

/** ‖a‖² of the row at offset `o`. */
export function dotSelf(a: Float64Array, o: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += a[o + j] * a[o + j];
  return s;
}
