// Factorizations: cholesky, qr, eigh (+ eigvalsh), svd (+ svdvals), batched over leading dims,
// with the vjps PyTorch defines beside them where they are written (cholesky, eigh, svd's S).
import { GradError, LinAlgError } from "../../core/errors.js";
import { checkBoolean, checkChoice, checkOptions } from "../../core/options.js";
import { record } from "../../autograd/node.js";
import type { Tensor } from "../../tensor/tensor.js";
import { frame } from "../../tensor/memory.js";
import { add, div, mul, sub } from "../../prims/elementwise.js";
import { matmul } from "../linalg.js";
import { transpose, unsqueeze } from "../shape.js";
import { diagEmbed, tril } from "../diagonal.js";
import { cholesky as cholF, eigh as eighF, qr as qrF, svdJacobi } from "./dense.js";
import { checkMatrix, fromValues, readMats, stackMats } from "./batch.js";
import { solve } from "./solve.js";
import { named } from "../tuple.js";

const mT = (x: Tensor): Tensor => transpose(x, -2, -1);

/**
 * The Cholesky factor of symmetric positive-definite matrices [..., n, n] (reads the lower
 * triangle), as torch.linalg.cholesky: lower L with A = L Lᵀ, or Lᵀ with `{ upper: true }`.
 * Throws LinAlgError naming the first leading minor that is not positive-definite.
 */
export function cholesky(A: Tensor, opts: { upper?: boolean } = {}): Tensor {
  return frame(() => {
  checkOptions("linalg.cholesky", opts, ["upper"]);
  const upper = opts.upper === undefined ? false : checkBoolean("linalg.cholesky", "upper", opts.upper);
  checkMatrix("cholesky", A, true);
  const n = A.shape[A.ndim - 1];
  const As = readMats(A);
  const ls = As.map((a, i) => {
    const { l, failed } = cholF(a);
    if (failed) {
      throw new LinAlgError("linalg.cholesky", `the input is not positive-definite${As.length > 1 ? ` (batch element ${i})` : ""}: the leading minor of order ${failed} is not positive-definite`);
    }
    return l.data;
  });
  const L = stackMats(A, A.shape.slice(0, -2), ls, [n, n], A.dtype);
  // gA = sym(L⁻ᵀ Φ(Lᵀ gL) L⁻¹), Φ = the lower triangle with its diagonal halved (Murray 2016, as torch).
  record(L, "linalg.cholesky", [A], (g) => {
    const P = tril(matmul(mT(L), tril(g)));
    const Phi = sub(P, mul(mul(P, eye(L, n)), 0.5));
    const S = mT(solve(mT(L), mT(solve(mT(L), Phi)))); // L⁻ᵀ Φ L⁻¹ = (L⁻ᵀ (L⁻ᵀ Φ)ᵀ)ᵀ
    return [mul(add(S, mT(S)), 0.5)];
  });
  return upper ? mT(L) : L;
  });
}

// The n × n identity in like's dtype, on its backend.
function eye(like: Tensor, n: number): Tensor {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  return fromValues(like, v, [n, n], like.dtype);
}

export type QrMode = "reduced" | "complete" | "r";

/**
 * QR decomposition of [..., m, n] by Householder reflections, as torch.linalg.qr: `[Q, R]` (also
 * `.Q`, `.R`). mode "reduced" (default): Q [..., m, k], R [..., k, n], k = min(m, n); "complete":
 * Q [..., m, m], R [..., m, n]; "r": R only (Q is an empty tensor). R's diagonal signs follow
 * LAPACK's, as torch's. Differentiable for m >= n in mode "reduced" (and "complete" when
 * square), with R invertible; elsewhere backward throws GradError, as torch refuses.
 */
export function qr(A: Tensor, opts: { mode?: QrMode } = {}): [Tensor, Tensor] & { Q: Tensor; R: Tensor } {
  return frame(() => {
  checkOptions("linalg.qr", opts, ["mode"]);
  const mode = opts.mode === undefined ? "reduced" : checkChoice<QrMode>("linalg.qr", "mode", opts.mode, ["reduced", "complete", "r"]);
  checkMatrix("qr", A);
  const [m, n] = A.shape.slice(-2), k = Math.min(m, n), batch = A.shape.slice(0, -2);
  const parts = readMats(A).map((a) => qrF(a, mode === "complete"));
  const qc = mode === "complete" ? m : k, rr = mode === "complete" ? m : k;
  const Q = mode === "r" ? fromValues(A, [], [0], A.dtype) : stackMats(A, batch, parts.map((p) => p.q.data), [m, qc], A.dtype);
  const R = stackMats(A, batch, parts.map((p) => p.r.data), [rr, n], A.dtype);
  if (mode !== "r" && m >= n && (mode === "reduced" || m === n)) {
    // TensorFlow's QrGrad for m >= n (each output's share; the sum is the full rule): with
    // X R⁻ᵀ = solve(R, Xᵀ)ᵀ, gA = Q (gR + tril(QᵀgQ − gQᵀQ + R gRᵀ − gR Rᵀ) R⁻ᵀ) + (gQ − Q QᵀgQ) R⁻ᵀ.
    const Qd = Q.detach(), Rd = R.detach();
    const rinvT = (X: Tensor): Tensor => mT(solve(Rd, mT(X)));
    record(Q, "linalg.qr", [A], (gQ) => {
      const QtgQ = matmul(mT(Qd), gQ);
      return [add(matmul(Qd, rinvT(tril(sub(QtgQ, mT(QtgQ))))), rinvT(sub(gQ, matmul(Qd, QtgQ))))];
    }, [Qd, Rd]);
    record(R, "linalg.qr", [A], (gR) => {
      const RgRt = matmul(Rd, mT(gR));
      return [matmul(Qd, add(gR, rinvT(tril(sub(RgRt, mT(RgRt))))))];
    }, [Qd, Rd]);
  } else {
    const why = mode === "r" ? `mode "r" (Q is not computed; as torch)` : `more columns than rows or mode "complete" with m > n (as torch)`;
    const refuse = (): never => { throw new GradError("linalg.qr", `the gradient is not defined for ${why}`); };
    if (mode !== "r") record(Q, "linalg.qr", [A], refuse);
    record(R, "linalg.qr", [A], refuse);
  }
  return named([Q, R], { Q, R });
  });
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of symmetric matrices [..., n, n], as
 * torch.linalg.eigh (reads the lower triangle): `[eigenvalues, eigenvectors]`, also by name.
 * Each eigenvector's sign is arbitrary, as in LAPACK. Gradients flow through both outputs
 * (those through eigenvectors are undefined at repeated eigenvalues, as in PyTorch).
 */
export function eigh(A: Tensor): [Tensor, Tensor] & { eigenvalues: Tensor; eigenvectors: Tensor } {
  return frame(() => {
  checkMatrix("eigh", A, true);
  const n = A.shape[A.ndim - 1], batch = A.shape.slice(0, -2);
  const As = readMats(A);
  const parts = As.map((a, i) => {
    const p = eighF(a);
    if (!p.converged) throw new LinAlgError("linalg.eigh", `the algorithm failed to converge${As.length > 1 ? ` (batch element ${i})` : ""}; the input may hold NaN or infinite values`);
    return p;
  });
  const w = stackMats(A, batch, parts.map((p) => p.w), [n], A.dtype);
  const V = stackMats(A, batch, parts.map((p) => p.v.data), [n, n], A.dtype);
  // Each output's rule reads the other through a detached handle: no reference cycle between the two outputs.
  const Vd = V.detach();
  // F[i][j] = 1 / (w_j - w_i) off the diagonal (dV = V (F ∘ Vᵀ dA V)).
  const F = stackMats(A, batch, parts.map((p) => {
    const f = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) f[i * n + j] = 1 / (p.w[j] - p.w[i]);
    return f;
  }), [n, n], A.dtype);
  record(w, "linalg.eigh", [A], (g) => [matmul(mul(Vd, unsqueeze(g, -2)), mT(Vd))], [Vd]);
  record(V, "linalg.eigh", [A], (g) => [matmul(matmul(Vd, mul(F, matmul(mT(Vd), g))), mT(Vd))], [Vd, F]);
  return named([w, V], { eigenvalues: w, eigenvectors: V });
  });
}

/** The eigenvalues of symmetric matrices, ascending (torch.linalg.eigvalsh). */
export const eigvalsh = (A: Tensor): Tensor => frame(() => eigh(A)[0]);

/**
 * Singular value decomposition A = U diag(S) Vh of [..., m, n], as torch.linalg.svd:
 * `[U, S, Vh]` (also by name), S descending. `fullMatrices` (default true, as torch) makes U
 * [..., m, m] and Vh [..., n, n]; false gives the thin U [..., m, k], Vh [..., k, n]. Singular
 * vectors' signs are arbitrary. Gradients flow through all three (through U and Vh only for
 * the thin factors: fullMatrices false, or a square matrix; undefined at repeated singular values,
 * as in torch).
 */
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): [Tensor, Tensor, Tensor] & { U: Tensor; S: Tensor; Vh: Tensor } {
  return frame(() => {
  checkOptions("linalg.svd", opts, ["fullMatrices"]);
  const full = opts.fullMatrices === undefined ? true : checkBoolean("linalg.svd", "fullMatrices", opts.fullMatrices);
  checkMatrix("svd", A);
  const [m, n] = A.shape.slice(-2), k = Math.min(m, n), batch = A.shape.slice(0, -2);
  const As = readMats(A);
  const parts = As.map((a, i) => {
    if (!a.data.every(Number.isFinite)) throw new LinAlgError("linalg.svd", `the input contains NaN or infinite values${As.length > 1 ? ` (batch element ${i})` : ""}; the SVD is not defined`);
    return svdJacobi(a, full);
  });
  // svdJacobi is thin on the short side: cut or keep to torch's shapes.
  const uc = full ? m : k, vr = full ? n : k;
  const U = stackMats(A, batch, parts.map((p) => cols(p.u.data, p.u.rows, p.u.cols, uc)), [m, uc], A.dtype);
  const S = stackMats(A, batch, parts.map((p) => p.s.subarray(0, k)), [k], A.dtype);
  const Vh = stackMats(A, batch, parts.map((p) => p.vt.data.subarray(0, vr * n)), [vr, n], A.dtype);
  const Ut = stackMats(A, batch, parts.map((p) => cols(p.u.data, p.u.rows, p.u.cols, k)), [m, k], A.dtype);
  const Vt = stackMats(A, batch, parts.map((p) => p.vt.data.subarray(0, k * n)), [k, n], A.dtype);
  record(S, "linalg.svd", [A], (g) => [matmul(mul(Ut, unsqueeze(g, -2)), Vt)], [Ut, Vt]);
  if (!full || m === n) {
    // Townsend (2016), each output's share, F[i][j] = 1 / (s_j² − s_i²):
    //   from U:  U (F ∘ (UᵀgU − gUᵀU)) S Vᵀ + (gU − U UᵀgU) S⁻¹ Vᵀ
    //   from Vh: U S (F ∘ (VᵀgV − gVᵀV)) Vᵀ + U S⁻¹ (gV − V VᵀgV)ᵀ,   gV = gVhᵀ
    const Sd = S.detach();
    const F = stackMats(A, batch, parts.map((p) => {
      const f = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) f[i * k + j] = 1 / (p.s[j] ** 2 - p.s[i] ** 2);
      return f;
    }), [k, k], A.dtype);
    record(U, "linalg.svd", [A], (gU) => {
      const UtgU = matmul(mT(Ut), gU);
      const gA = matmul(matmul(Ut, mul(mul(F, sub(UtgU, mT(UtgU))), unsqueeze(Sd, -2))), Vt);
      return [m > k ? add(gA, matmul(div(sub(gU, matmul(Ut, UtgU)), unsqueeze(Sd, -2)), Vt)) : gA];
    }, [Ut, Vt, Sd, F]);
    record(Vh, "linalg.svd", [A], (gVh) => {
      const gV = mT(gVh), VtgV = matmul(Vt, gV);
      const gA = matmul(matmul(Ut, mul(unsqueeze(Sd, -1), mul(F, sub(VtgV, mT(VtgV))))), Vt);
      return [n > k ? add(gA, matmul(div(Ut, unsqueeze(Sd, -2)), mT(sub(gV, matmul(mT(Vt), VtgV))))) : gA];
    }, [Ut, Vt, Sd, F]);
  } else {
    const refuse = (): never => { throw new GradError("linalg.svd", `the gradient through U and Vh of a non-square matrix needs fullMatrices: false (the completed columns are arbitrary)`); };
    record(U, "linalg.svd", [A], refuse);
    record(Vh, "linalg.svd", [A], refuse);
  }
  return named([U, S, Vh], { U, S, Vh });
  });
}

// The first `keep` columns of a rows × have row-major matrix (keep <= have).
function cols(data: Float64Array, rows: number, have: number, keep: number): Float64Array {
  if (keep === have) return data;
  const out = new Float64Array(rows * keep);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * have, i * have + keep), i * keep);
  return out;
}

/** The singular values of [..., m, n], descending (torch.linalg.svdvals); differentiable. */
export const svdvals = (A: Tensor): Tensor => frame(() => svd(A, { fullMatrices: false })[1]);

