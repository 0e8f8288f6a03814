// libsvm's SMO solver: Q matrices for classification and regression (kernel rows on demand,
// float32 like libsvm's Qfloat) with an LRU row cache, second-order working-set selection with
// shrinking, and the binary machine SVC trains per class pair.
import type { Matrix } from "../base.js";
import { KernelFn } from "./kernel.js";
import type { SVMOptions } from "./options.js";

/** Rows of Q (Q_ij = y_i·y_j·K(x_i, x_j)) on demand, as float32 like libsvm's Qfloat. */
export interface QMatrix {
  getQ(i: number, len: number): Float32Array;
  QD: Float64Array;
  swapIndex(i: number, j: number): void;
}


/** Q for classification on the rows of X listed in idx, with labels y (±1). */
export class SVCQ implements QMatrix {
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
export class SVRQ implements QMatrix {
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

export function swapI32(a: Int32Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }
export function swapI8(a: Int8Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }
export function swapF64(a: Float64Array, i: number, j: number): void { const t = a[i]; a[i] = a[j]; a[j] = t; }

/** libsvm's row cache: keeps as many float32 rows as fit in the budget, evicting the least recently used. */
export class LRUCache {
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

export interface SolveResult {
  alpha: Float64Array;
  rho: number;
  nIter: number;
}

const TAU = 1e-12;

/**
 * libsvm's Solver: minimises ½αᵀQα + pᵀα subject to yᵀα = 0 and 0 ≤ α_i ≤ C_i, with WSS3 working-set
 * selection and (optionally) shrinking. Variables are permuted internally; results come back in order.
 */
export function solveSMO(l: number, Q: QMatrix, p: Float64Array, yIn: Int8Array, C: Float64Array, eps: number, shrinking: boolean, maxIter: number): SolveResult {
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
export interface BinaryModel {
  sv: Int32Array;
  coef: Float64Array;
  rho: number;
  probA: number;
  probB: number;
  nIter: number;
}

export function trainBinary(X: Matrix, idx: Int32Array, y: Int8Array, C: number, o: SVMOptions, gamma: number): BinaryModel {
  const l = idx.length;
  const Q = new SVCQ(X.data, X.cols, idx, Int8Array.from(y), o, gamma);
  const p = new Float64Array(l).fill(-1);
  const res = solveSMO(l, Q, p, y, new Float64Array(l).fill(C), o.tol, o.shrinking, o.maxIter);
  const sv: number[] = [], coef: number[] = [];
  for (let i = 0; i < l; i++) if (res.alpha[i] > 0) { sv.push(idx[i]); coef.push(res.alpha[i] * y[i]); }
  return { sv: Int32Array.from(sv), coef: Float64Array.from(coef), rho: res.rho, probA: 0, probB: 0, nIter: res.nIter };
}

