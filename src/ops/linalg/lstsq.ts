// What the SVD (or eigh) gives: pinv, lstsq (the minimum-norm least-squares solution, as LAPACK's
// gelsd) and matrixRank, composed from svd/eigh and elementwise ops with PyTorch's tolerances.
import { ShapeError, fmtShape } from "../../core/errors.js";
import { checkBoolean, checkNumber, checkOptions } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { frame } from "../../tensor/memory.js";
import { binary, div, mul, sub, unary, where } from "../../prims/elementwise.js";
import { reduce } from "../../prims/reduce.js";
import { matmul } from "../linalg.js";
import { squeeze, transpose, unsqueeze } from "../shape.js";
import { checkMatrix, floatDType, fromValues } from "./batch.js";
import { eigh, svd } from "./decompose.js";
import { named } from "../tuple.js";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

export interface TolOptions {
  /** Absolute tolerance: singular values at or below it count as zero (default 0). */
  atol?: number;
  /** Relative tolerance, times the largest singular value (default: eps of the dtype × max(m, n) when atol is not given, else 0). */
  rtol?: number;
  /** Whether A is symmetric: eigh instead of svd (default false). */
  hermitian?: boolean;
}

// Singular values (or |eigenvalues| when hermitian), and the cutoff tensor [..., 1] below which they count as zero.
function spectrum(op: string, A: Tensor, opts: TolOptions): { s: Tensor; cutoff: Tensor; hermitian: boolean } {
  checkOptions(`linalg.${op}`, opts, ["atol", "rtol", "hermitian"]);
  checkMatrix(op, A, opts.hermitian === true);
  const hermitian = opts.hermitian === undefined ? false : checkBoolean(`linalg.${op}`, "hermitian", opts.hermitian);
  const atol = opts.atol === undefined ? 0 : checkNumber(`linalg.${op}`, "atol", opts.atol, { min: 0 });
  const [m, n] = A.shape.slice(-2);
  const dtype = floatDType(op, A) as "float32" | "float64";
  const rtol = opts.rtol !== undefined ? checkNumber(`linalg.${op}`, "rtol", opts.rtol, { min: 0 }) : opts.atol !== undefined && opts.atol > 0 ? 0 : EPS[dtype] * Math.max(m, n);
  const s = hermitian ? unary("abs", eigh(A)[0]) : svd(A, { fullMatrices: false })[1];
  const smax = s.shape[s.ndim - 1] === 0 ? fromValues(A, [0], [], dtype) : reduce("max", s, -1, true);
  return { s, cutoff: binary("maximum", mul(smax, rtol), atol), hermitian };
}

/**
 * Moore-Penrose pseudo-inverse of [..., m, n] → [..., n, m], as torch.linalg.pinv: singular
 * values at or below max(atol, rtol·σmax) are treated as zero.
 */
export function pinv(A: Tensor, opts: TolOptions = {}): Tensor {
  return frame(() => {
  const { cutoff, hermitian } = spectrum("pinv", A, opts);
  if (hermitian) {
    const [w, V] = eigh(A);
    const winv = where(binary("gt", unary("abs", w), cutoff), div(1, w), 0);
    return matmul(mul(V, unsqueeze(winv, -2)), mT(V));
  }
  const [U, S, Vh] = svd(A, { fullMatrices: false });
  const sinv = where(binary("gt", S, cutoff), div(1, S), 0);
  return matmul(mul(mT(Vh), unsqueeze(sinv, -2)), mT(U));
  });
}

/** The rank of [..., m, n]: how many singular values exceed max(atol, rtol·σmax) (int32), as torch.linalg.matrix_rank. */
export function matrixRank(A: Tensor, opts: TolOptions = {}): Tensor {
  return frame(() => {
  const { s, cutoff } = spectrum("matrixRank", A, opts);
  return reduce("sum", binary("gt", s, cutoff), -1);
  });
}

/**
 * Least squares, as torch.linalg.lstsq with the "gelsd" driver: the X of minimum norm among those
 * minimizing ‖A X − B‖. A [..., m, n], B [..., m, k] (or a vector [..., m]). Returns
 * `[solution, residuals, rank, singularValues]`, also by name; residuals (squared residual norm
 * per column) are filled when m > n and A has full rank, else empty, as torch. `rcond`: singular
 * values below rcond·σmax count as zero (default eps·max(m, n)).
 */
export function lstsq(A: Tensor, B: Tensor, opts: { rcond?: number } = {}): [Tensor, Tensor, Tensor, Tensor] & { solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor } {
  return frame(() => {
  checkOptions("linalg.lstsq", opts, ["rcond"]);
  checkMatrix("lstsq", A);
  floatDType("lstsq", B);
  const [m, n] = A.shape.slice(-2);
  const vector = B.ndim === A.ndim - 1;
  const B2 = vector ? unsqueeze(B, -1) : B;
  if (B2.ndim < 2 || B2.shape[B2.ndim - 2] !== m) throw new ShapeError("linalg.lstsq", `A ${fmtShape(A.shape)} and B ${fmtShape(B.shape)} do not fit: B needs ${m} rows`);
  const tol: TolOptions = opts.rcond === undefined ? {} : { rtol: checkNumber("linalg.lstsq", "rcond", opts.rcond, { min: 0 }) };
  const { s, cutoff } = spectrum("lstsq", A, tol);
  const rank = reduce("sum", binary("gt", s, cutoff), -1);
  const X = matmul(pinv(A, tol), B2);
  const fullRank = m > n && Array.from(rank.dataSync()).every((r) => r === n);
  const r = fullRank ? sub(matmul(A, X), B2) : null;
  const residuals = r ? (vector ? squeeze(reduce("sum", mul(r, r), -2), -1) : reduce("sum", mul(r, r), -2)) : fromValues(A, [], [0], A.dtype);
  const solution = vector ? squeeze(X, -1) : X;
  return named([solution, residuals, rank, s], { solution, residuals, rank, singularValues: s });
  });
}
