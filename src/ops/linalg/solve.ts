// Square systems through LU with partial pivoting: solve, inv, det, slogdet, batched over the
// leading dims, each with its vjp beside it (the formulas torch.autograd uses).
import { LinAlgError, ShapeError, fmtShape } from "../../core/errors.js";
import { broadcastShapes } from "../../core/shape.js";
import { record } from "../../autograd/node.js";
import type { Tensor } from "../../tensor/tensor.js";
import { frame } from "../../tensor/memory.js";
import { mul, neg } from "../../prims/elementwise.js";
import * as mv from "../../prims/movement.js";
import { matmul } from "../linalg.js";
import { transpose, unsqueeze, squeeze } from "../shape.js";
import { luDet, luFactor, luSlogdet, luSolve } from "./dense.js";
import { checkMatrix, floatDType, readMats, stackMats } from "./batch.js";
import { named } from "../tuple.js";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);
const where = (batchIndex: number, count: number): string => (count > 1 ? ` (batch element ${batchIndex})` : "");

/**
 * Solves A X = B for X, as torch.linalg.solve: A [..., n, n], B [..., n, k] or a vector [..., n]
 * (when B has one dim fewer than A and matches A's leading shape); batch dims broadcast.
 * Throws LinAlgError for a singular A. @example ds.linalg.solve(A, b)
 */
export function solve(A: Tensor, B: Tensor): Tensor {
  return frame(() => {
  checkMatrix("solve", A, true);
  floatDType("solve", B);
  const n = A.shape[A.ndim - 1];
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((d, i) => d === A.shape[i]));
  const B2 = vector ? unsqueeze(B, -1) : B;
  if (B2.ndim < 2 || B2.shape[B2.ndim - 2] !== n) {
    throw new ShapeError("linalg.solve", `A ${fmtShape(A.shape)} and B ${fmtShape(B.shape)} do not fit: B needs ${n} rows`);
  }
  const X = solveMatrix(A, B2);
  return vector ? squeeze(X, -1) : X;
  });
}

// A [..., n, n] and B [..., n, k] with broadcastable batches → X [batch..., n, k].
function solveMatrix(A: Tensor, B: Tensor): Tensor {
  const n = A.shape[A.ndim - 1], k = B.shape[B.ndim - 1];
  const batch = broadcastShapes("linalg.solve", A.shape.slice(0, -2), B.shape.slice(0, -2));
  const dtype = A.dtype === "float64" || B.dtype === "float64" ? "float64" : "float32";
  const As = readMats(mv.expand(A, [...batch, n, n])), Bs = readMats(mv.expand(B, [...batch, n, k]));
  const xs = As.map((a, i) => {
    const f = luFactor(a);
    if (f.singular >= 0) throw new LinAlgError("linalg.solve", `A is singular${where(i, As.length)}: U[${f.singular},${f.singular}] is exactly zero in its LU factorization`);
    return luSolve(f, Bs[i]).data;
  });
  const X = stackMats(A, batch, xs, [n, k], dtype);
  // X = A⁻¹B: dB = A⁻ᵀ g, dA = -dB Xᵀ (the driver sums broadcast batch dims back).
  return record(X, "linalg.solve", [A, B], (g) => {
    const gB = solveMatrix(mT(A), g);
    return [A.requiresGrad ? neg(matmul(gB, mT(X))) : null, gB];
  });
}

/** The inverse of square matrices [..., n, n], as torch.linalg.inv. Throws LinAlgError when singular. */
export function inv(A: Tensor): Tensor {
  return frame(() => {
  checkMatrix("inv", A, true);
  const n = A.shape[A.ndim - 1];
  const eyeN = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eyeN[i * n + i] = 1;
  const As = readMats(A);
  const ys = As.map((a, i) => {
    const f = luFactor(a);
    if (f.singular >= 0) throw new LinAlgError("linalg.inv", `the matrix is singular${where(i, As.length)}: U[${f.singular},${f.singular}] is exactly zero in its LU factorization`);
    return luSolve(f, { rows: n, cols: n, data: eyeN }).data;
  });
  const Y = stackMats(A, A.shape.slice(0, -2), ys, [n, n], A.dtype);
  // d(A⁻¹) = -A⁻¹ dA A⁻¹, so dA = -Yᵀ g Yᵀ.
  return record(Y, "linalg.inv", [A], (g) => [neg(matmul(matmul(mT(Y), g), mT(Y)))]);
  });
}

/**
 * Determinants of square matrices [..., n, n] → [...], as torch.linalg.det (0 for a singular
 * matrix). Its gradient g·det(A)·A⁻ᵀ needs an invertible A (LinAlgError otherwise).
 */
export function det(A: Tensor): Tensor {
  return frame(() => {
  checkMatrix("det", A, true);
  const d = readMats(A).map((a) => [luDet(luFactor(a))]);
  const D = stackMats(A, A.shape.slice(0, -2), d, [], A.dtype);
  return record(D, "linalg.det", [A], (g) => [mul(unsqueeze(unsqueeze(mul(g, D), -1), -1), mT(inv(A)))]);
  });
}

/**
 * sign(det A) and log|det A| without overflow, as torch.linalg.slogdet: `[sign, logabsdet]`,
 * also readable by name. A singular matrix gives sign 0 and logabsdet -Infinity. The gradient
 * flows through logabsdet (g·A⁻ᵀ).
 */
export function slogdet(A: Tensor): [Tensor, Tensor] & { sign: Tensor; logabsdet: Tensor } {
  return frame(() => {
  checkMatrix("slogdet", A, true);
  const parts = readMats(A).map((a) => luSlogdet(luFactor(a)));
  const batch = A.shape.slice(0, -2);
  const sign = stackMats(A, batch, parts.map((p) => [p[0]]), [], A.dtype);
  const logabsdet = stackMats(A, batch, parts.map((p) => [p[1]]), [], A.dtype);
  record(logabsdet, "linalg.slogdet", [A], (g) => [mul(unsqueeze(unsqueeze(g, -1), -1), mT(inv(A)))]);
  return named([sign, logabsdet], { sign, logabsdet });
  });
}
