// Support vector machines: SVC (one-vs-one, optional Platt probabilities) and epsilon-SVR, trained by
// libsvm's SMO solver (second-order working-set selection, float32 kernel-row cache).
import type { Tensor } from "../tensor/index.js";
import { ArgumentError } from "../core/errors.js";
import type { PCG32 } from "../core/rng.js";
import {
  Classifier, Regressor, matrixTensor, vectorTensor, toTargets, rngFrom, checkChoice, checkInt, checkNumber,
  type Matrix, type MatrixInput, type TargetInput,
} from "./base.js";
import { rowNorms2 as rowNorms2Of, dotRows as dotRowsOf, rowsTensor, dotSelf } from "./distances.js";
import { frame } from "../tensor/memory.js";

// Squared row norms and row dot products through ml/distances.ts (the backend's kernels).
const rowNorms2 = (X: Float64Array, n: number, d: number): Float64Array => Float64Array.from(frame(() => rowNorms2Of(rowsTensor(X, n, d))).dataSync());

export type Kernel = "linear" | "poly" | "rbf" | "sigmoid";

interface SVMOptions {
  /** "rbf" (default), "linear", "poly" or "sigmoid". */
  kernel: Kernel;
  /** Degree of the polynomial kernel. Default 3. */
  degree: number;
  /** Kernel coefficient: "scale" (1 / (nFeatures · X.var()), default), "auto" (1 / nFeatures) or a number. */
  gamma: "scale" | "auto" | number;
  /** Constant term of the poly and sigmoid kernels. Default 0. */
  coef0: number;
  /** Penalty of the error term. Default 1. */
  C: number;
  /** Stop when the KKT violation is below tol. Default 1e-3. */
  tol: number;
  /** Kernel cache in MB. Default 200. */
  cacheSize: number;
  /** Solver iterations at most; -1 for libsvm's limit. */
  maxIter: number;
  /** Use libsvm's shrinking heuristic. Default true. */
  shrinking: boolean;
}

const SVM: SVMOptions = { kernel: "rbf", degree: 3, gamma: "scale", coef0: 0, C: 1, tol: 1e-3, cacheSize: 200, maxIter: -1, shrinking: true };

function checkSVM(op: string, o: SVMOptions): void {
  checkChoice(op, "kernel", o.kernel, ["linear", "poly", "rbf", "sigmoid"]);
  checkInt(op, "degree", o.degree, 0);
  if (typeof o.gamma !== "number") checkChoice(op, "gamma", o.gamma, ["scale", "auto"]);
  else checkNumber(op, "gamma", o.gamma, 0);
  checkNumber(op, "coef0", o.coef0);
  checkNumber(op, "C", o.C, 0, Infinity, true);
  checkNumber(op, "tol", o.tol, 0, Infinity, true);
  checkNumber(op, "cacheSize", o.cacheSize, 0, Infinity, true);
  if (!Number.isInteger(o.maxIter) || (o.maxIter < 1 && o.maxIter !== -1)) throw new ArgumentError(op, `maxIter must be -1 or a positive integer, got ${o.maxIter}`);
}

function resolveGamma(o: SVMOptions, X: Matrix): number {
  if (typeof o.gamma === "number") return o.gamma;
  if (o.gamma === "auto") return 1 / X.cols;
  const n = X.data.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += X.data[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (X.data[i] - mean) ** 2;
  v /= n;
  return v > 0 ? 1 / (X.cols * v) : 1;
}

/** A kernel function over the rows of a data matrix X (n×d, row-major). */
class KernelFn {
  readonly sq: Float64Array;
  constructor(readonly X: Float64Array, readonly n: number, readonly d: number, readonly kind: Kernel, readonly gamma: number, readonly coef0: number, readonly degree: number) {
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
    swapF64(this.sq, i, j);
  }
}

/** Rows of Q (Q_ij = y_i·y_j·K(x_i, x_j)) on demand, as float32 like libsvm's Qfloat. */
interface QMatrix {
  getQ(i: number, len: number): Float32Array;
  QD: Float64Array;
  swapIndex(i: number, j: number): void;
}

const BLOCK = 64;

/** Q for classification on the rows of X listed in idx, with labels y (±1). */
class SVCQ implements QMatrix {
  QD: Float64Array;
  private k: KernelFn;
  private cache: LRUCache;
  constructor(X: Float64Array, d: number, idx: Int32Array, private y: Int8Array, o: SVMOptions, gamma: number) {
    const l = idx.length, sub = new Float64Array(l * d);
    for (let t = 0; t < l; t++) sub.set(X.subarray(idx[t] * d, (idx[t] + 1) * d), t * d);
    this.k = new KernelFn(sub, l, d, o.kernel, gamma, o.coef0, o.degree);
    this.QD = Float64Array.from({ length: l }, (_, i) => this.k.self(i));
    this.cache = new LRUCache(l, o.cacheSize);
  }
  getQ(i: number, len: number): Float32Array {
    return this.cache.get(i, len, (row, from, to) => {
      const { k, y } = this, yi = y[i];
      k.rowRange(k.X, i * k.d, k.sq[i], from, to, row.subarray(from, to));
      for (let t = from; t < to; t++) row[t] *= yi * y[t];
    });
  }
  swapIndex(i: number, j: number): void {
    this.cache.swapIndex(i, j);
    this.k.swap(i, j);
    swapI8(this.y, i, j);
    swapF64(this.QD, i, j);
  }
}

/** Q for epsilon-SVR: 2n variables over n samples, Q_ij = s_i·s_j·K(i mod n, j mod n). */
class SVRQ implements QMatrix {
  QD: Float64Array;
  private sign: Int8Array;
  private index: Int32Array;
  private cache: LRUCache;
  // libsvm hands out two alternating buffers: the solver holds at most two rows at once.
  private bufs: [Float32Array, Float32Array];
  private next = 0;
  constructor(private k: KernelFn, cacheMB: number) {
    const l = k.n;
    this.sign = new Int8Array(2 * l);
    this.index = new Int32Array(2 * l);
    this.QD = new Float64Array(2 * l);
    for (let i = 0; i < l; i++) {
      this.sign[i] = 1; this.sign[i + l] = -1;
      this.index[i] = i; this.index[i + l] = i;
      this.QD[i] = this.QD[i + l] = k.self(i);
    }
    this.cache = new LRUCache(l, cacheMB);
    this.bufs = [new Float32Array(2 * l), new Float32Array(2 * l)];
  }
  getQ(i: number, len: number): Float32Array {
    const { k } = this, l = k.n, real = this.index[i];
    const krow = this.cache.get(real, l, (row, from, to) => k.rowRange(k.X, real * k.d, k.sq[real], from, to, row.subarray(from, to)));
    const out = this.bufs[this.next];
    this.next ^= 1;
    const si = this.sign[i], sign = this.sign, index = this.index;
    for (let j = 0; j < len; j++) out[j] = si * sign[j] * krow[index[j]];
    return out;
  }
  swapIndex(i: number, j: number): void {
    swapI8(this.sign, i, j);
    swapI32(this.index, i, j);
    swapF64(this.QD, i, j);
  }
}

function swapI32(a: Int32Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }
function swapI8(a: Int8Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }
function swapF64(a: Float64Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }

/** libsvm's row cache: keeps as many float32 rows as fit in the budget, evicting the least recently used. */
class LRUCache {
  private rows: (Float32Array | null)[];
  private filled: Int32Array;
  // Doubly linked list of cached rows, least recent first; l is the list head.
  private prev: Int32Array;
  private nextRow: Int32Array;
  private budget: number;
  private used = 0;
  constructor(private l: number, cacheMB: number) {
    this.rows = new Array(l).fill(null);
    this.filled = new Int32Array(l);
    this.prev = new Int32Array(l + 1).fill(-1);
    this.nextRow = new Int32Array(l + 1).fill(-1);
    this.prev[l] = l; this.nextRow[l] = l;
    this.budget = Math.max(2 * l, Math.floor((cacheMB * 1024 * 1024) / 4));
  }
  private unlink(i: number): void {
    const p = this.prev[i], n = this.nextRow[i];
    this.nextRow[p] = n; this.prev[n] = p;
    this.prev[i] = this.nextRow[i] = -1;
  }
  private append(i: number): void {
    const h = this.l, last = this.prev[h];
    this.nextRow[last] = i; this.prev[i] = last; this.nextRow[i] = h; this.prev[h] = i;
  }
  get(i: number, len: number, fill: (row: Float32Array, from: number, to: number) => void): Float32Array {
    let row = this.rows[i];
    if (row) this.unlink(i);
    else {
      while (this.used + this.l > this.budget && this.nextRow[this.l] !== this.l) {
        const old = this.nextRow[this.l];
        this.unlink(old);
        this.rows[old] = null;
        this.filled[old] = 0;
        this.used -= this.l;
      }
      row = new Float32Array(this.l);
      this.rows[i] = row;
      this.used += this.l;
    }
    this.append(i);
    if (this.filled[i] < len) {
      fill(row, this.filled[i], len);
      this.filled[i] = len;
    }
    return row;
  }
  /** Keeps rows consistent when the solver swaps variables i and j (shrinking). */
  swapIndex(i: number, j: number): void {
    const inI = this.rows[i] !== null, inJ = this.rows[j] !== null;
    if (inI) this.unlink(i);
    if (inJ) this.unlink(j);
    const ri = this.rows[i]; this.rows[i] = this.rows[j]; this.rows[j] = ri;
    const fi = this.filled[i]; this.filled[i] = this.filled[j]; this.filled[j] = fi;
    if (inJ) this.append(i);
    if (inI) this.append(j);
    const lo = Math.min(i, j), hi = Math.max(i, j);
    for (let t = this.nextRow[this.l]; t !== this.l; t = this.nextRow[t]) {
      const row = this.rows[t]!, f = this.filled[t];
      if (hi < f) { const v = row[i]; row[i] = row[j]; row[j] = v; }
      else if (lo < f) this.filled[t] = lo; // one of the two columns is missing: keep the valid prefix
    }
  }
}

interface SolveResult {
  alpha: Float64Array;
  rho: number;
  nIter: number;
}

const TAU = 1e-12;

/**
 * libsvm's Solver: minimises ½αᵀQα + pᵀα subject to yᵀα = 0 and 0 ≤ α_i ≤ C_i, with WSS3 working-set
 * selection and (optionally) shrinking. Variables are permuted internally; results come back in order.
 */
function solveSMO(l: number, Q: QMatrix, p: Float64Array, yIn: Int8Array, C: Float64Array, eps: number, shrinking: boolean, maxIter: number): SolveResult {
  const y = Int8Array.from(yIn), pp = Float64Array.from(p), Cv = Float64Array.from(C);
  const alpha = new Float64Array(l), G = Float64Array.from(pp), Gbar = new Float64Array(l);
  const activeSet = Int32Array.from({ length: l }, (_, i) => i);
  const status = new Int8Array(l); // 0 lower, 1 upper, 2 free
  const QD = Q.QD;
  let activeSize = l, unshrink = false;
  const upper = (i: number) => status[i] === 1, lower = (i: number) => status[i] === 0;
  const updateStatus = (i: number): void => {
    status[i] = alpha[i] >= Cv[i] ? 1 : alpha[i] <= 0 ? 0 : 2;
  };
  const swap = (i: number, j: number): void => {
    Q.swapIndex(i, j);
    swapI8(y, i, j); swapF64(G, i, j); swapI8(status, i, j); swapF64(alpha, i, j);
    swapF64(pp, i, j); swapI32(activeSet, i, j); swapF64(Gbar, i, j); swapF64(Cv, i, j);
  };
  const reconstructGradient = (): void => {
    if (activeSize === l) return;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j] + pp[j];
    let nrFree = 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === 2) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = Q.getQ(i, activeSize);
        for (let j = 0; j < activeSize; j++) if (status[j] === 2) G[i] += alpha[j] * Qi[j];
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== 2) continue;
        const Qi = Q.getQ(i, l), a = alpha[i];
        for (let j = activeSize; j < l; j++) G[j] += a * Qi[j];
      }
    }
  };
  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => {
    if (upper(i)) return y[i] === 1 ? -G[i] > Gmax1 : -G[i] > Gmax2;
    if (lower(i)) return y[i] === 1 ? G[i] > Gmax2 : G[i] > Gmax1;
    return false;
  };
  const doShrinking = (): void => {
    let Gmax1 = -Infinity, Gmax2 = -Infinity;
    for (let i = 0; i < activeSize; i++) {
      if (y[i] === 1) {
        if (!upper(i) && -G[i] >= Gmax1) Gmax1 = -G[i];
        if (!lower(i) && G[i] >= Gmax2) Gmax2 = G[i];
      } else {
        if (!upper(i) && -G[i] >= Gmax2) Gmax2 = -G[i];
        if (!lower(i) && G[i] >= Gmax1) Gmax1 = G[i];
      }
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, Gmax1, Gmax2)) continue;
      activeSize--;
      while (activeSize > i) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) { swap(i, activeSize); break; }
        activeSize--;
      }
    }
  };
  const selectWorkingSet = (): [number, number] | null => {
    // status: 0 at lower bound, 1 at upper bound, 2 free (inlined: this is the solver's hot loop)
    let Gmax = -Infinity, Gmax2 = -Infinity, GmaxIdx = -1, GminIdx = -1, objMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) { if (status[t] !== 1 && -G[t] >= Gmax) { Gmax = -G[t]; GmaxIdx = t; } }
      else if (status[t] !== 0 && G[t] >= Gmax) { Gmax = G[t]; GmaxIdx = t; }
    }
    const i = GmaxIdx;
    if (i === -1) return null;
    const Qi = Q.getQ(i, activeSize), QDi = QD[i], yi = y[i];
    for (let j = 0; j < activeSize; j++) {
      const Gj = G[j];
      if (y[j] === 1) {
        if (status[j] === 0) continue;
        if (Gj >= Gmax2) Gmax2 = Gj;
        const gd = Gmax + Gj;
        if (gd > 0) {
          const qc = QDi + QD[j] - 2 * yi * Qi[j];
          const od = -(gd * gd) / (qc > 0 ? qc : TAU);
          if (od <= objMin) { GminIdx = j; objMin = od; }
        }
      } else {
        if (status[j] === 1) continue;
        if (-Gj >= Gmax2) Gmax2 = -Gj;
        const gd = Gmax - Gj;
        if (gd > 0) {
          const qc = QDi + QD[j] + 2 * yi * Qi[j];
          const od = -(gd * gd) / (qc > 0 ? qc : TAU);
          if (od <= objMin) { GminIdx = j; objMin = od; }
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return null;
    return [GmaxIdx, GminIdx];
  };

  const limit = maxIter > 0 ? maxIter : Math.max(10000000, l > 21474836 ? 2147483647 : 100 * l);
  let iter = 0, counter = Math.min(l, 1000) + 1;
  while (iter < limit) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    let ws = selectWorkingSet();
    if (!ws) {
      reconstructGradient();
      activeSize = l;
      ws = selectWorkingSet();
      if (!ws) break;
      counter = 1;
    }
    const [i, j] = ws;
    iter++;
    const Qi = Q.getQ(i, activeSize), Qj = Q.getQ(j, activeSize);
    const Ci = Cv[i], Cj = Cv[j], oldAi = alpha[i], oldAj = alpha[j];
    if (y[i] !== y[j]) {
      let qc = QD[i] + QD[j] + 2 * Qi[j];
      if (qc <= 0) qc = TAU;
      const delta = (-G[i] - G[j]) / qc, diff = alpha[i] - alpha[j];
      alpha[i] += delta; alpha[j] += delta;
      if (diff > 0) { if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = diff; } }
      else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = -diff; }
      if (diff > Ci - Cj) { if (alpha[i] > Ci) { alpha[i] = Ci; alpha[j] = Ci - diff; } }
      else if (alpha[j] > Cj) { alpha[j] = Cj; alpha[i] = Cj + diff; }
    } else {
      let qc = QD[i] + QD[j] - 2 * Qi[j];
      if (qc <= 0) qc = TAU;
      const delta = (G[i] - G[j]) / qc, sum = alpha[i] + alpha[j];
      alpha[i] -= delta; alpha[j] += delta;
      if (sum > Ci) { if (alpha[i] > Ci) { alpha[i] = Ci; alpha[j] = sum - Ci; } }
      else if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = sum; }
      if (sum > Cj) { if (alpha[j] > Cj) { alpha[j] = Cj; alpha[i] = sum - Cj; } }
      else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = sum; }
    }
    const dAi = alpha[i] - oldAi, dAj = alpha[j] - oldAj;
    for (let k = 0; k < activeSize; k++) G[k] += Qi[k] * dAi + Qj[k] * dAj;
    const ui = upper(i), uj = upper(j);
    updateStatus(i); updateStatus(j);
    if (ui !== upper(i)) {
      const Qf = Q.getQ(i, l);
      if (ui) for (let k = 0; k < l; k++) Gbar[k] -= Ci * Qf[k];
      else for (let k = 0; k < l; k++) Gbar[k] += Ci * Qf[k];
    }
    if (uj !== upper(j)) {
      const Qf = Q.getQ(j, l);
      if (uj) for (let k = 0; k < l; k++) Gbar[k] -= Cj * Qf[k];
      else for (let k = 0; k < l; k++) Gbar[k] += Cj * Qf[k];
    }
  }
  if (activeSize < l) { reconstructGradient(); activeSize = l; }
  // rho: average y·G over free variables, else the middle of the feasible interval.
  let ub = Infinity, lb = -Infinity, sumFree = 0, nFree = 0;
  for (let i = 0; i < l; i++) {
    const yG = y[i] * G[i];
    if (upper(i)) { if (y[i] === -1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else if (lower(i)) { if (y[i] === 1) ub = Math.min(ub, yG); else lb = Math.max(lb, yG); }
    else { nFree++; sumFree += yG; }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  const out = new Float64Array(l);
  for (let i = 0; i < l; i++) out[activeSet[i]] = alpha[i];
  return { alpha: out, rho, nIter: iter };
}

/** One trained binary machine: support vectors (indices into the training rows) and their coefficients α·y. */
interface BinaryModel {
  sv: Int32Array;
  coef: Float64Array;
  rho: number;
  probA: number;
  probB: number;
  nIter: number;
}

function trainBinary(X: Matrix, idx: Int32Array, y: Int8Array, C: number, o: SVMOptions, gamma: number): BinaryModel {
  const l = idx.length;
  const Q = new SVCQ(X.data, X.cols, idx, Int8Array.from(y), o, gamma);
  const p = new Float64Array(l).fill(-1);
  const res = solveSMO(l, Q, p, y, new Float64Array(l).fill(C), o.tol, o.shrinking, o.maxIter);
  const sv: number[] = [], coef: number[] = [];
  for (let i = 0; i < l; i++) if (res.alpha[i] > 0) { sv.push(idx[i]); coef.push(res.alpha[i] * y[i]); }
  return { sv: Int32Array.from(sv), coef: Float64Array.from(coef), rho: res.rho, probA: 0, probB: 0, nIter: res.nIter };
}

/** A kernel over the given rows of X (e.g. a model's support vectors). */
function rowsKernel(X: Matrix, rows: ArrayLike<number>, o: SVMOptions, gamma: number): KernelFn {
  const d = X.cols, sub = new Float64Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) sub.set(X.data.subarray(rows[t] * d, (rows[t] + 1) * d), t * d);
  return new KernelFn(sub, rows.length, d, o.kernel, gamma, o.coef0, o.degree);
}

/** Platt's sigmoid fit (Lin, Lin & Weng's robust Newton version, as in libsvm). */
function sigmoidTrain(dec: Float64Array, labels: Int8Array): [number, number] {
  const l = dec.length;
  let prior1 = 0, prior0 = 0;
  for (let i = 0; i < l; i++) if (labels[i] > 0) prior1++; else prior0++;
  const hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  const t = Float64Array.from(labels, (v) => (v > 0 ? hi : lo));
  let A = 0, B = Math.log((prior0 + 1) / (prior1 + 1));
  const fAt = (a: number, b: number): number => {
    let f = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * a + b;
      f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  };
  let fval = fAt(A, B);
  for (let iter = 0; iter < 100; iter++) {
    let h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
    for (let i = 0; i < l; i++) {
      const z = dec[i] * A + B;
      let p: number, q: number;
      if (z >= 0) { const e = Math.exp(-z); p = e / (1 + e); q = 1 / (1 + e); }
      else { const e = Math.exp(z); p = 1 / (1 + e); q = e / (1 + e); }
      const d2 = p * q;
      h11 += dec[i] * dec[i] * d2; h22 += d2; h21 += dec[i] * d2;
      const d1 = t[i] - p;
      g1 += dec[i] * d1; g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det, gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA, nB = B + step * dB, nf = fAt(nA, nB);
      if (nf < fval + 0.0001 * step * gd) { A = nA; B = nB; fval = nf; break; }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return [A, B];
}

function sigmoidPredict(dec: number, A: number, B: number): number {
  const z = dec * A + B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** Decision values by 5-fold cross-validation, then a sigmoid fit (libsvm's svm_binary_svc_probability). */
function plattFit(X: Matrix, idx: Int32Array, y: Int8Array, C: number, o: SVMOptions, gamma: number, rng: PCG32): [number, number] {
  const l = idx.length, folds = 5;
  const perm = Int32Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) { const j = rng.nextInt(i, l); swapI32(perm, i, j); }
  const dec = new Float64Array(l), buf = new Float64Array(l);
  for (let f = 0; f < folds; f++) {
    const b = Math.floor((f * l) / folds), e = Math.floor(((f + 1) * l) / folds);
    const tr: number[] = [], ty: number[] = [];
    for (let t = 0; t < l; t++) if (t < b || t >= e) { tr.push(idx[perm[t]]); ty.push(y[perm[t]]); }
    const pos = ty.filter((v) => v > 0).length, neg = ty.length - pos;
    if (pos === 0 || neg === 0) {
      for (let t = b; t < e; t++) dec[perm[t]] = pos > 0 ? 1 : neg > 0 ? -1 : 0;
      continue;
    }
    const m = trainBinary(X, Int32Array.from(tr), Int8Array.from(ty), C, o, gamma);
    const k = rowsKernel(X, m.sv, o, gamma), nsv = m.sv.length;
    for (let t = b; t < e; t++) {
      const r = idx[perm[t]];
      k.rowRange(X.data, r * X.cols, dotSelf(X.data, r * X.cols, X.cols), 0, nsv, buf);
      let s = 0;
      for (let q = 0; q < nsv; q++) s += m.coef[q] * buf[q];
      dec[perm[t]] = s - m.rho;
    }
  }
  return sigmoidTrain(dec, y);
}

/** Pairwise coupling of one-vs-one probabilities (Wu, Lin & Weng, method 2; libsvm's multiclass_probability). */
function coupleProbabilities(K: number, r: Float64Array, p: Float64Array): void {
  const Q = new Float64Array(K * K), Qp = new Float64Array(K);
  const maxIter = Math.max(100, K), eps = 0.005 / K;
  for (let t = 0; t < K; t++) {
    p[t] = 1 / K;
    Q[t * K + t] = 0;
    for (let j = 0; j < t; j++) { Q[t * K + t] += r[j * K + t] ** 2; Q[t * K + j] = Q[j * K + t]; }
    for (let j = t + 1; j < K; j++) { Q[t * K + t] += r[j * K + t] ** 2; Q[t * K + j] = -r[j * K + t] * r[t * K + j]; }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    let pQp = 0;
    for (let t = 0; t < K; t++) {
      Qp[t] = 0;
      for (let j = 0; j < K; j++) Qp[t] += Q[t * K + j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxErr = 0;
    for (let t = 0; t < K; t++) maxErr = Math.max(maxErr, Math.abs(Qp[t] - pQp));
    if (maxErr < eps) break;
    for (let t = 0; t < K; t++) {
      const diff = (-Qp[t] + pQp) / Q[t * K + t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t * K + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < K; j++) { Qp[j] = (Qp[j] + diff * Q[t * K + j]) / (1 + diff); p[j] /= 1 + diff; }
    }
  }
}

export interface SVCOptions extends SVMOptions {
  /** Fit Platt-scaled probabilities (5-fold internal cross-validation; 5× slower fit). Default false. */
  probability: boolean;
  /** Seed of the probability cross-validation folds. */
  seed: number | null;
}

/**
 * C-support vector classification, as scikit-learn's `SVC` (libsvm's SMO, one-vs-one for more than two classes).
 * @example new ml.SVC({ kernel: "rbf", C: 10, gamma: "scale" }).fit(X, y).predict(Xt)
 */
export class SVC extends Classifier<SVCOptions> {
  private kernelFn: KernelFn | null = null;
  private models: BinaryModel[] = [];
  private svX: Float64Array = new Float64Array(0);
  /** Number of support vectors per class. */
  nSupport_: number[] = [];
  /** Indices of the support vectors in the training data, grouped by class. */
  support_: number[] = [];
  /** The gamma in effect after "scale"/"auto" were resolved. */
  gamma_ = 0;
  /** Solver iterations per binary problem. */
  nIter_: number[] = [];

  constructor(opts: Partial<SVCOptions> = {}) {
    super({ ...SVM, probability: false, seed: null }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkSVM(op, this.params);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows);
    const o = this.params, K = this.classes_.length;
    this.gamma_ = resolveGamma(o, m);
    const byClass: number[][] = Array.from({ length: K }, () => []);
    for (let i = 0; i < m.rows; i++) byClass[yi[i]].push(i);
    const models: BinaryModel[] = [];
    const rng = rngFrom(o.seed);
    this.nIter_ = [];
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++) {
        const idx = Int32Array.from([...byClass[a], ...byClass[b]]);
        const yy = Int8Array.from(idx, (_, t) => (t < byClass[a].length ? 1 : -1));
        const model = trainBinary(m, idx, yy, o.C, o, this.gamma_);
        this.nIter_.push(model.nIter);
        if (o.probability) [model.probA, model.probB] = plattFit(m, idx, yy, o.C, o, this.gamma_, rng);
        models.push(model);
      }
    }
    // Keep only the support vectors' rows, renumbered.
    const isSV = new Uint8Array(m.rows);
    for (const md of models) for (const s of md.sv) isSV[s] = 1;
    const support: number[] = [];
    this.nSupport_ = byClass.map((rows) => rows.filter((r) => isSV[r]).length);
    for (const rows of byClass) for (const r of rows) if (isSV[r]) support.push(r);
    const remap = new Int32Array(m.rows).fill(-1);
    support.forEach((r, t) => { remap[r] = t; });
    const d = m.cols, svX = new Float64Array(support.length * d);
    support.forEach((r, t) => svX.set(m.data.subarray(r * d, (r + 1) * d), t * d));
    for (const md of models) md.sv = md.sv.map((s) => remap[s]);
    this.svX = svX;
    this.support_ = support;
    this.models = models;
    this.kernelFn = new KernelFn(svX, support.length, d, o.kernel, this.gamma_, o.coef0, o.degree);
    this.markFitted(d);
    return this;
  }

  /** Support vectors, float64 [nSV, nFeatures]. */
  get supportVectors_(): Tensor {
    this.checkFitted("supportVectors_");
    return matrixTensor(this.svX.slice(), this.support_.length, this.nFeaturesIn_);
  }

  /** One-vs-one decision values, [nSamples, nPairs] (pairs (0,1), (0,2), …, (1,2), …); positive favours the first class. */
  private decisions(X: Matrix): Float64Array {
    const k = this.kernelFn!, P = this.models.length, out = new Float64Array(X.rows * P), nsv = k.n;
    const buf = new Float64Array(BLOCK * nsv), zz = rowNorms2(X.data, X.rows, X.cols);
    // Kernel values against all support vectors, a block of rows at a time, shared by every pair.
    for (let s0 = 0; s0 < X.rows; s0 += BLOCK) {
      const nb = Math.min(BLOCK, X.rows - s0);
      k.block(X.data, s0, nb, zz, buf);
      for (let r = 0; r < nb; r++) {
        const o = r * nsv, i = s0 + r;
        for (let p = 0; p < P; p++) {
          const md = this.models[p];
          let s = 0;
          for (let t = 0; t < md.sv.length; t++) s += md.coef[t] * buf[o + md.sv[t]];
          out[i * P + p] = s - md.rho;
        }
      }
    }
    return out;
  }

  /** Decision values: float64 [nSamples] for two classes (positive favours classes_[1]), else one-vs-one [nSamples, nPairs]. */
  decisionFunction(X: MatrixInput): Tensor {
    const m = this.inputMatrix("decisionFunction", X);
    const dv = this.decisions(m), P = this.models.length;
    if (P === 1) return vectorTensor(dv.map((v) => -v));
    return matrixTensor(dv, m.rows, P);
  }

  protected predictIndices(X: Matrix): Int32Array {
    const dv = this.decisions(X), K = this.classes_.length, P = this.models.length;
    const out = new Int32Array(X.rows), votes = new Int32Array(K);
    for (let i = 0; i < X.rows; i++) {
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) votes[dv[i * P + p++] > 0 ? a : b]++;
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c] > votes[best]) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Platt-scaled class probabilities, float64 [nSamples, nClasses]; needs `probability: true`. */
  predictProba(X: MatrixInput): Tensor {
    if (this.fitted && !this.params.probability) {
      throw new ArgumentError(this.name("predictProba"), "probabilities need the model fitted with probability: true");
    }
    const m = this.inputMatrix("predictProba", X);
    const dv = this.decisions(m), K = this.classes_.length, P = this.models.length;
    const out = new Float64Array(m.rows * K), r = new Float64Array(K * K), pr = new Float64Array(K);
    for (let i = 0; i < m.rows; i++) {
      let p = 0;
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) {
        const md = this.models[p];
        const v = Math.min(Math.max(sigmoidPredict(dv[i * P + p], md.probA, md.probB), 1e-7), 1 - 1e-7);
        r[a * K + b] = v; r[b * K + a] = 1 - v;
        p++;
      }
      if (K === 2) { out[2 * i] = r[1]; out[2 * i + 1] = r[K]; continue; }
      coupleProbabilities(K, r, pr);
      for (let c = 0; c < K; c++) out[i * K + c] = pr[c];
    }
    return matrixTensor(out, m.rows, K);
  }
}

export interface SVROptions extends SVMOptions {
  /** Width of the loss-free tube around the targets. Default 0.1. */
  epsilon: number;
}

/**
 * Epsilon-support vector regression, as scikit-learn's `SVR`.
 * @example new ml.SVR({ C: 10, epsilon: 0.05 }).fit(X, y).predict(Xt)
 */
export class SVR extends Regressor<SVROptions> {
  private kernelFn: KernelFn | null = null;
  private coef: Float64Array = new Float64Array(0);
  private rho = 0;
  support_: number[] = [];
  gamma_ = 0;
  nIter_ = 0;

  constructor(opts: Partial<SVROptions> = {}) {
    super({ ...SVM, epsilon: 0.1 }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkSVM(op, this.params);
    checkNumber(op, "epsilon", this.params.epsilon, 0);
    const m = this.fitMatrix(X);
    const t = toTargets(op, y, m.rows);
    const o = this.params, l = m.rows;
    this.gamma_ = resolveGamma(o, m);
    const k = new KernelFn(m.data, l, m.cols, o.kernel, this.gamma_, o.coef0, o.degree);
    const p = new Float64Array(2 * l), ys = new Int8Array(2 * l);
    for (let i = 0; i < l; i++) {
      p[i] = o.epsilon - t[i]; ys[i] = 1;
      p[i + l] = o.epsilon + t[i]; ys[i + l] = -1;
    }
    const res = solveSMO(2 * l, new SVRQ(k, o.cacheSize), p, ys, new Float64Array(2 * l).fill(o.C), o.tol, o.shrinking, o.maxIter);
    const sv: number[] = [], coef: number[] = [];
    for (let i = 0; i < l; i++) {
      const c = res.alpha[i] - res.alpha[i + l];
      if (c !== 0) { sv.push(i); coef.push(c); }
    }
    const d = m.cols, svX = new Float64Array(sv.length * d);
    sv.forEach((r, j) => svX.set(m.data.subarray(r * d, (r + 1) * d), j * d));
    this.kernelFn = new KernelFn(svX, sv.length, d, o.kernel, this.gamma_, o.coef0, o.degree);
    this.coef = Float64Array.from(coef);
    this.rho = res.rho;
    this.support_ = sv;
    this.nIter_ = res.nIter;
    this.markFitted(d);
    return this;
  }

  /** The constant term of the decision function (−rho). */
  get intercept_(): number {
    this.checkFitted("intercept_");
    return -this.rho;
  }

  protected predictValues(X: Matrix): Float64Array {
    const k = this.kernelFn!, out = new Float64Array(X.rows), nsv = this.coef.length, buf = new Float64Array(BLOCK * nsv);
    const zz = rowNorms2(X.data, X.rows, X.cols);
    for (let s0 = 0; s0 < X.rows; s0 += BLOCK) {
      const nb = Math.min(BLOCK, X.rows - s0);
      k.block(X.data, s0, nb, zz, buf);
      for (let r = 0; r < nb; r++) {
        let s = 0;
        for (let j = 0; j < nsv; j++) s += this.coef[j] * buf[r * nsv + j];
        out[s0 + r] = s - this.rho;
      }
    }
    return out;
  }
}
