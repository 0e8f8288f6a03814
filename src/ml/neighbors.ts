// k-nearest neighbours: classifier and regressor over Minkowski distances, by KD-tree or brute force.
import type { Tensor } from "../tensor/index.js";
import { tensor, reshape } from "../tensor/index.js";
import { ArgumentError } from "../core/errors.js";
import {
  Classifier, Regressor, BaseEstimator, matrixTensor, argmaxRows, toTargets, checkInt, checkNumber, checkChoice,
  type Matrix, type MatrixInput, type TargetInput,
} from "./base.js";
import { dotRows, dotSelf, rowNorms2, rowsTensor } from "./distances.js";
import { frame } from "../tensor/memory.js";

export interface NeighborsOptions {
  /** Neighbours consulted per query. Default 5. */
  nNeighbors: number;
  /** "uniform" (default) or "distance" (weight 1/d; exact matches take all the weight). */
  weights: "uniform" | "distance";
  /** "auto" (KD-tree up to 15 features, brute force beyond), "kd_tree" or "brute". */
  algorithm: "auto" | "kd_tree" | "brute";
  /** Points per KD-tree leaf. Default 30. */
  leafSize: number;
  /** Minkowski power: 1 Manhattan, 2 Euclidean (default), Infinity Chebyshev. */
  p: number;
}

const DEFAULTS: NeighborsOptions = { nNeighbors: 5, weights: "uniform", algorithm: "auto", leafSize: 30, p: 2 };

/** Neighbours of each query: indices into the training set and distances, k per row, nearest first. */
interface Neighbors {
  ind: Int32Array;
  dist: Float64Array;
  k: number;
}

// ---- distance helpers ------------------------------------------------------------------------

/** "Reduced" Minkowski distance (no final root), cheaper to compare. */
function reducedDist(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number, p: number): number {
  let s = 0;
  if (p === 2) for (let j = 0; j < d; j++) { const r = a[ao + j] - b[bo + j]; s += r * r; }
  else if (p === 1) for (let j = 0; j < d; j++) s += Math.abs(a[ao + j] - b[bo + j]);
  else if (p === Infinity) for (let j = 0; j < d; j++) s = Math.max(s, Math.abs(a[ao + j] - b[bo + j]));
  else for (let j = 0; j < d; j++) s += Math.abs(a[ao + j] - b[bo + j]) ** p;
  return s;
}

function unreduce(s: number, p: number): number {
  return p === 2 ? Math.sqrt(s) : p === 1 || p === Infinity ? s : s ** (1 / p);
}

/** Keeps the k smallest (dist, index) pairs seen, sorted ascending by insertion. */
class TopK {
  dist: Float64Array;
  ind: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.ind = new Int32Array(k);
  }
  reset(): void { this.size = 0; }
  /** The current k-th best (Infinity until full). */
  bound(): number { return this.size < this.k ? Infinity : this.dist[this.k - 1]; }
  push(dv: number, iv: number): void {
    let pos: number;
    if (this.size < this.k) pos = this.size++;
    else if (dv >= this.dist[this.k - 1]) return;
    else pos = this.k - 1;
    while (pos > 0 && this.dist[pos - 1] > dv) {
      this.dist[pos] = this.dist[pos - 1];
      this.ind[pos] = this.ind[pos - 1];
      pos--;
    }
    this.dist[pos] = dv;
    this.ind[pos] = iv;
  }
}

/**
 * A KD-tree over the rows of X (median split on the widest dimension), with per-node bounding boxes
 * for pruning. Built once at fit; each query visits the nearer child first.
 */
class KDTree {
  private idx: Int32Array;
  private start: number[] = [];
  private end: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private lo: Float64Array[] = [];
  private hi: Float64Array[] = [];

  constructor(private X: Float64Array, private n: number, private d: number, private leafSize: number) {
    this.idx = Int32Array.from({ length: n }, (_, i) => i);
    this.build(0, n);
  }

  private build(s: number, e: number): number {
    const { X, d, idx } = this;
    const node = this.start.length;
    const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity);
    for (let t = s; t < e; t++) {
      const o = idx[t] * d;
      for (let j = 0; j < d; j++) { const v = X[o + j]; if (v < lo[j]) lo[j] = v; if (v > hi[j]) hi[j] = v; }
    }
    this.start.push(s); this.end.push(e); this.left.push(-1); this.right.push(-1);
    this.lo.push(lo); this.hi.push(hi);
    if (e - s <= this.leafSize) return node;
    let dim = 0, spread = -1;
    for (let j = 0; j < d; j++) if (hi[j] - lo[j] > spread) { spread = hi[j] - lo[j]; dim = j; }
    if (spread <= 0) return node;
    const mid = (s + e) >> 1;
    this.select(s, e, mid, dim);
    this.left[node] = this.build(s, mid);
    this.right[node] = this.build(mid, e);
    return node;
  }

  /** Quickselect on idx[s:e) so that position m holds the median along `dim`. */
  private select(s: number, e: number, m: number, dim: number): void {
    const { X, d, idx } = this;
    let l = s, r = e - 1;
    while (r > l) {
      const pv = X[idx[(l + r) >> 1] * d + dim];
      let i = l, j = r;
      while (i <= j) {
        while (X[idx[i] * d + dim] < pv) i++;
        while (X[idx[j] * d + dim] > pv) j--;
        if (i <= j) { const t = idx[i]; idx[i] = idx[j]; idx[j] = t; i++; j--; }
      }
      if (m <= j) r = j;
      else if (m >= i) l = i;
      else break;
    }
  }

  private minDist(node: number, q: Float64Array, qo: number, p: number): number {
    const lo = this.lo[node], hi = this.hi[node], d = this.d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = q[qo + j];
      const r = v < lo[j] ? lo[j] - v : v > hi[j] ? v - hi[j] : 0;
      if (r === 0) continue;
      if (p === 2) s += r * r;
      else if (p === 1) s += r;
      else if (p === Infinity) s = Math.max(s, r);
      else s += r ** p;
    }
    return s;
  }

  query(q: Float64Array, qo: number, p: number, top: TopK): void {
    this.visit(0, q, qo, p, top, this.minDist(0, q, qo, p));
  }

  private visit(node: number, q: Float64Array, qo: number, p: number, top: TopK, md: number): void {
    if (md >= top.bound() && top.size === top.k) return;
    const l = this.left[node];
    if (l < 0) {
      const { X, d, idx } = this;
      for (let t = this.start[node]; t < this.end[node]; t++) {
        const i = idx[t];
        const dv = reducedDist(q, qo, X, i * d, d, p);
        if (dv < top.bound()) top.push(dv, i);
      }
      return;
    }
    const r = this.right[node];
    const ml = this.minDist(l, q, qo, p), mr = this.minDist(r, q, qo, p);
    if (ml <= mr) {
      this.visit(l, q, qo, p, top, ml);
      this.visit(r, q, qo, p, top, mr);
    } else {
      this.visit(r, q, qo, p, top, mr);
      this.visit(l, q, qo, p, top, ml);
    }
  }
}

/** Shared fit/query machinery of the neighbour estimators. */
class NeighborIndex {
  private tree: KDTree | null = null;
  private norms: Float64Array | null = null;
  private Xt: Tensor | null = null;
  constructor(readonly X: Matrix, readonly opts: NeighborsOptions) {
    const { rows: n, cols: d } = X;
    const useTree = opts.algorithm === "kd_tree" || (opts.algorithm === "auto" && d <= 15 && opts.nNeighbors < n / 2);
    if (useTree) this.tree = new KDTree(X.data, n, d, opts.leafSize);
    else if (opts.p === 2) {
      this.Xt = rowsTensor(X.data, n, d);
      this.norms = Float64Array.from(rowNorms2(this.Xt).dataSync());
    }
  }

  query(Q: Matrix, k: number): Neighbors {
    const { rows: nq } = Q, { data: X, rows: n, cols: d } = this.X, p = this.opts.p;
    const ind = new Int32Array(nq * k), dist = new Float64Array(nq * k);
    const top = new TopK(k);
    const emit = (i: number): void => {
      for (let t = 0; t < k; t++) { ind[i * k + t] = top.ind[t]; dist[i * k + t] = unreduce(top.dist[t], p); }
    };
    if (this.tree) {
      for (let i = 0; i < nq; i++) { top.reset(); this.tree.query(Q.data, i * d, p, top); emit(i); }
    } else if (this.norms) {
      // ||q − x||² = ||q||² + ||x||² − 2 q·x: the products q·x are one GEMM per block of queries
      // on the backend (ml/distances.ts's dotRows); the norms are added (and the k smallest
      // picked) in the one pass over the block's values here, which costs less than elementwise
      // float64 passes over the whole block. Blocks keep that block a few MB.
      const B = Math.max(1, Math.min(nq, Math.floor(2 ** 21 / n))), norms = this.norms;
      for (let s = 0; s < nq; s += B) {
        const nb = Math.min(B, nq - s);
        const D = frame(() => dotRows(rowsTensor(Q.data.subarray(s * d, (s + nb) * d), nb, d), this.Xt!)).dataSync();
        for (let r = 0; r < nb; r++) {
          const i = s + r, qq = dotSelf(Q.data, i * d, d), o = r * n;
          top.reset();
          for (let j = 0; j < n; j++) {
            let v = qq + norms[j] - 2 * D[o + j];
            if (v < 0) v = 0;
            if (v < top.bound()) top.push(v, j);
          }
          emit(i);
        }
      }
    } else {
      for (let i = 0; i < nq; i++) {
        top.reset();
        for (let j = 0; j < n; j++) {
          const v = reducedDist(Q.data, i * d, X, j * d, d, p);
          if (v < top.bound()) top.push(v, j);
        }
        emit(i);
      }
    }
    return { ind, dist, k };
  }
}

/** Weights of each neighbour row (uniform: all 1; distance: 1/d, or only the exact matches). */
function neighborWeights(nb: Neighbors, i: number, mode: "uniform" | "distance", w: Float64Array): void {
  const { k, dist } = nb;
  if (mode === "uniform") { w.fill(1); return; }
  let zero = false;
  for (let t = 0; t < k; t++) if (dist[i * k + t] === 0) zero = true;
  for (let t = 0; t < k; t++) {
    const dv = dist[i * k + t];
    w[t] = zero ? (dv === 0 ? 1 : 0) : 1 / dv;
  }
}

function checkOptions(op: string, o: NeighborsOptions, n: number): void {
  checkInt(op, "nNeighbors", o.nNeighbors, 1);
  checkChoice(op, "weights", o.weights, ["uniform", "distance"]);
  checkChoice(op, "algorithm", o.algorithm, ["auto", "kd_tree", "brute"]);
  checkInt(op, "leafSize", o.leafSize, 1);
  checkNumber(op, "p", o.p, 1);
  if (o.nNeighbors > n) throw new ArgumentError(op, `nNeighbors = ${o.nNeighbors} is more than the ${n} training samples`);
}

function kneighborsOf(est: BaseEstimator<NeighborsOptions> & { index(): NeighborIndex }, m: Matrix, k: number): { distances: Tensor; indices: Tensor } {
  const n = est.index().X.rows;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new ArgumentError(`${est.constructor.name}.kneighbors`, `nNeighbors must be an integer in [1, ${n}] (the training samples), got ${k}`);
  }
  const nb = est.index().query(m, k);
  return { distances: matrixTensor(nb.dist, m.rows, k), indices: reshape(tensor(nb.ind), [m.rows, k]) };
}

/**
 * k-nearest-neighbours vote, as scikit-learn's `KNeighborsClassifier` (ties go to the smallest class).
 * @example new ml.KNeighborsClassifier({ nNeighbors: 3, weights: "distance" }).fit(X, y).predict(Xq)
 */
export class KNeighborsClassifier extends Classifier<NeighborsOptions> {
  private idx: NeighborIndex | null = null;
  private y: Int32Array = new Int32Array(0);

  constructor(opts: Partial<NeighborsOptions> = {}) {
    super({ ...DEFAULTS }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const m = this.fitMatrix(X);
    checkOptions(this.name("fit"), this.params, m.rows);
    this.y = this.encodeTargets(y, m.rows, 1);
    this.idx = new NeighborIndex(m, { ...this.params });
    this.markFitted(m.cols);
    return this;
  }

  /** @internal */
  index(): NeighborIndex {
    return this.idx!;
  }

  /** The k nearest training rows of each query: distances (float64) and indices (int32), [nQueries, k]. */
  kneighbors(X: MatrixInput, nNeighbors = this.params.nNeighbors): { distances: Tensor; indices: Tensor } {
    return kneighborsOf(this, this.inputMatrix("kneighbors", X), nNeighbors);
  }

  private votes(m: Matrix): Float64Array {
    const K = this.classes_.length, k = this.params.nNeighbors;
    const nb = this.idx!.query(m, k), w = new Float64Array(k), out = new Float64Array(m.rows * K);
    for (let i = 0; i < m.rows; i++) {
      neighborWeights(nb, i, this.params.weights, w);
      let tot = 0;
      for (let t = 0; t < k; t++) { out[i * K + this.y[nb.ind[i * k + t]]] += w[t]; tot += w[t]; }
      for (let c = 0; c < K; c++) out[i * K + c] /= tot;
    }
    return out;
  }

  /** Vote shares per class, float64 [nSamples, nClasses]. */
  predictProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictProba", X);
    return matrixTensor(this.votes(m), m.rows, this.classes_.length);
  }

  protected predictIndices(X: Matrix): Int32Array {
    return argmaxRows(this.votes(X), X.rows, this.classes_.length);
  }
}

/**
 * k-nearest-neighbours average, as scikit-learn's `KNeighborsRegressor`.
 * @example new ml.KNeighborsRegressor({ nNeighbors: 10 }).fit(X, y).predict(Xq)
 */
export class KNeighborsRegressor extends Regressor<NeighborsOptions> {
  private idx: NeighborIndex | null = null;
  private y: Float64Array = new Float64Array(0);

  constructor(opts: Partial<NeighborsOptions> = {}) {
    super({ ...DEFAULTS }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const m = this.fitMatrix(X);
    checkOptions(this.name("fit"), this.params, m.rows);
    this.y = toTargets(this.name("fit"), y, m.rows);
    this.idx = new NeighborIndex(m, { ...this.params });
    this.markFitted(m.cols);
    return this;
  }

  /** @internal */
  index(): NeighborIndex {
    return this.idx!;
  }

  /** The k nearest training rows of each query: distances (float64) and indices (int32), [nQueries, k]. */
  kneighbors(X: MatrixInput, nNeighbors = this.params.nNeighbors): { distances: Tensor; indices: Tensor } {
    return kneighborsOf(this, this.inputMatrix("kneighbors", X), nNeighbors);
  }

  protected predictValues(m: Matrix): Float64Array {
    const k = this.params.nNeighbors, nb = this.idx!.query(m, k), w = new Float64Array(k);
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      neighborWeights(nb, i, this.params.weights, w);
      let s = 0, tot = 0;
      for (let t = 0; t < k; t++) { s += w[t] * this.y[nb.ind[i * k + t]]; tot += w[t]; }
      out[i] = s / tot;
    }
    return out;
  }
}
