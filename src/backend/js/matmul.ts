// The js backend's matrix product: both operands packed into 4-wide panels, then a 4×4 register
// tile per output block (16 accumulators in locals), the classic GEMM micro-kernel shape.
// About 3× the plain i-k-j loop in V8; the wasm backend is where real speed lives.
import { arrayFor, type DType, type TypedArray } from "../../core/dtype.js";

/** Copies a strided [rows, K] matrix into 4-row panels: panel p holds rows 4p..4p+3, interleaved over k. */
function packRows(src: TypedArray, off: number, sRow: number, sK: number, rows: number, K: number): Float64Array {
  const panels = Math.ceil(rows / 4);
  const out = new Float64Array(panels * K * 4);
  for (let r = 0; r < rows; r++) {
    const base = (r >> 2) * K * 4 + (r & 3);
    let s = off + r * sRow;
    for (let k = 0; k < K; k++, s += sK) out[base + k * 4] = src[s];
  }
  return out;
}

/**
 * C[b] = A[b] @ B[b] for strided A [B,M,K] and B [B,K,N] (batch strides may be 0).
 * Accumulates in float64 and rounds once on store.
 */
export function matmulJs(
  A: TypedArray, aOff: number, aStr: readonly number[],
  Bd: TypedArray, bOff: number, bStr: readonly number[],
  batch: number, M: number, K: number, N: number, dtype: DType, into?: TypedArray,
): TypedArray {
  const out = into ?? arrayFor(dtype, batch * M * N);
  let ap: Float64Array | null = null, bp: Float64Array | null = null;
  for (let bt = 0; bt < batch; bt++) {
    // Reuse packed panels when the batch stride is 0 (a broadcast operand).
    if (!ap || aStr[0] !== 0) ap = packRows(A, aOff + bt * aStr[0], aStr[1], aStr[2], M, K);
    if (!bp || bStr[0] !== 0) bp = packRows(Bd, bOff + bt * bStr[0], bStr[2], bStr[1], N, K);
    const cBase = bt * M * N;
    for (let p = 0; p < M; p += 4) {
      const ia0 = (p >> 2) * K * 4;
      for (let q = 0; q < N; q += 4) {
        let ia = ia0, ib = (q >> 2) * K * 4;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let k = 0; k < K; k++, ia += 4, ib += 4) {
          const a0 = ap[ia], a1 = ap[ia + 1], a2 = ap[ia + 2], a3 = ap[ia + 3];
          const b0 = bp[ib], b1 = bp[ib + 1], b2 = bp[ib + 2], b3 = bp[ib + 3];
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const rows = Math.min(4, M - p), cols = Math.min(4, N - q);
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        for (let r = 0; r < rows; r++) {
          const o = cBase + (p + r) * N + q;
          for (let c = 0; c < cols; c++) out[o + c] = tile[r * 4 + c];
        }
      }
    }
  }
  return out;
}
