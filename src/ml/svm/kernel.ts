// The SVM's kernel functions over the rows of a data matrix: single rows for the SMO solver's Q
// rows (a plain loop: one row is too small for a backend call), blocks of rows for prediction
// (one GEMM through ml/distances.ts).
import { frame } from "../../tensor/memory.js";
import { rowNorms2 as rowNorms2Of, dotRows as dotRowsOf, rowsTensor } from "../distances.js";
import type { Matrix } from "../base.js";
import type { SVMKernel, SVMOptions } from "./options.js";

/** Squared row norms of a row-major matrix, through ml/distances.ts (the backend's kernels). */
export const rowNorms2 = (X: Float64Array, n: number, d: number): Float64Array => Float64Array.from(frame(() => rowNorms2Of(rowsTensor(X, n, d))).dataSync());

/** A kernel function over the rows of a data matrix X (n×d, row-major). */
export class KernelFn {
  readonly sq: Float64Array;
  constructor(readonly X: Float64Array, readonly n: number, readonly d: number, readonly kind: SVMKernel, readonly gamma: number, readonly coef0: number, readonly degree: number) {
    this.sq = rowNorms2(X, n, d);
  }

  /** Turns dot products s (with ‖x‖² = a, ‖z‖² = b for RBF) into kernel values. */
  private value(s: number, a: number, b: number): number {
    const { kind, gamma } = this;
    return kind === "rbf" ? Math.exp(-gamma * (a + b - 2 * s))
      : kind === "linear" ? s
      : kind === "poly" ? (gamma * s + this.coef0) ** this.degree
      : Math.tanh(gamma * s + this.coef0);
  }

  /** K(x_i, x_i). */
  self(i: number): number {
    return this.value(this.sq[i], this.sq[i], this.sq[i]);
  }

  /** out[t − from] = K(z, x_t) for t in [from, to), where z is row `zo / d` of Z with squared norm zz. */
  rowRange(Z: Float64Array, zo: number, zz: number, from: number, to: number, out: Float32Array | Float64Array): void {
    const { X, d } = this, last = to - 1;
    const dots = this.scratch(to - from);
    // Four rows at a time (independent accumulators); the last group re-reads row `last` instead of
    // branching into a remainder loop, which V8 would deoptimise this hot function over.
    for (let t = from; t < to; t += 4) {
      const o0 = t * d, o1 = Math.min(t + 1, last) * d, o2 = Math.min(t + 2, last) * d, o3 = Math.min(t + 3, last) * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < d; k++) {
        const z = Z[zo + k];
        s0 += X[o0 + k] * z; s1 += X[o1 + k] * z; s2 += X[o2 + k] * z; s3 += X[o3 + k] * z;
      }
      const u = t - from;
      dots[u] = s0;
      if (t + 1 < to) dots[u + 1] = s1;
      if (t + 2 < to) dots[u + 2] = s2;
      if (t + 3 < to) dots[u + 3] = s3;
    }
    this.transform(dots, 0, to - from, from, zz, out, 0);
  }

  private buf = new Float64Array(0);
  private scratch(m: number): Float64Array {
    if (this.buf.length < m) this.buf = new Float64Array(Math.max(m, this.n));
    return this.buf;
  }

  /** out[o + u] = kernel of dots[a + u] with row (x0 + u) of X, for u in [0, m): one branch-free loop per kind. */
  private transform(dots: Float64Array, a: number, m: number, x0: number, zz: number, out: Float32Array | Float64Array, o: number): void {
    const { sq, gamma, coef0, degree } = this;
    switch (this.kind) {
      case "rbf": for (let u = 0; u < m; u++) out[o + u] = Math.exp(-gamma * (sq[x0 + u] + zz - 2 * dots[a + u])); break;
      case "linear": for (let u = 0; u < m; u++) out[o + u] = dots[a + u]; break;
      case "poly": for (let u = 0; u < m; u++) out[o + u] = (gamma * dots[a + u] + coef0) ** degree; break;
      case "sigmoid": for (let u = 0; u < m; u++) out[o + u] = Math.tanh(gamma * dots[a + u] + coef0); break;
    }
  }

  /** out[r·n + t] = K(z_r, x_t) for the `nz` rows of Z starting at row z0 (squared norms zsq[z0 + r]): a tiled GEMM. */
  block(Z: Float64Array, z0: number, nz: number, zsq: Float64Array, out: Float64Array): void {
    const { X, n, d } = this;
    out.set(frame(() => dotRowsOf(rowsTensor(Z.subarray(z0 * d, (z0 + nz) * d), nz, d), rowsTensor(X, n, d))).dataSync());
    for (let r = 0; r < nz; r++) this.transform(out, r * n, n, 0, zsq[z0 + r], out, r * n);
  }

  /** Swaps rows i and j of X (the solver permutes its variables while shrinking). */
  swap(i: number, j: number): void {
    const { X, d } = this;
    for (let k = 0; k < d; k++) { const t = X[i * d + k]; X[i * d + k] = X[j * d + k]; X[j * d + k] = t; }
    const s = this.sq[i]; this.sq[i] = this.sq[j]; this.sq[j] = s;
  }
}

/** A kernel over the given rows of X (e.g. a model's support vectors). */
export function rowsKernel(X: Matrix, rows: ArrayLike<number>, o: SVMOptions, gamma: number): KernelFn {
  const d = X.cols, sub = new Float64Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) sub.set(X.data.subarray(rows[t] * d, (rows[t] + 1) * d), t * d);
  return new KernelFn(sub, rows.length, d, o.kernel, gamma, o.coef0, o.degree);
}

