// KMeans: Lloyd's algorithm with greedy k-means++ seeding, several restarts, scikit-learn's stopping rules.
import type { Tensor } from "../tensor/index.js";
import { tensor } from "../tensor/index.js";
import { ArgumentError, ShapeError } from "../core/errors.js";
import type { PCG32 } from "../core/rng.js";
import { BaseEstimator, matrixTensor, toMatrix, checkInt, checkNumber, checkChoice, rngFrom, type Matrix, type MatrixInput } from "./base.js";
import { sqDist, dotSelf } from "./distances.js";

export interface KMeansParams {
  /** Number of clusters k (default 8). */
  nClusters: number;
  /** "k-means++" (default), "random" (k distinct samples), or the k initial centres as [k, nFeatures]. */
  init: "k-means++" | "random" | MatrixInput;
  /** Runs from different seeds; the one with the lowest inertia wins. "auto" (default): 1 for k-means++ or given centres, 10 for "random". */
  nInit: number | "auto";
  /** Lloyd iterations per run at most (default 300). */
  maxIter: number;
  /** Stop when the centres move less than tol × (mean feature variance), in squared Frobenius norm (default 1e-4). */
  tol: number;
  /** Seed of the initialisation; null (default) draws a fresh one each fit. */
  seed: number | null;
}

interface Run {
  centers: Float64Array;
  labels: Int32Array;
  inertia: number;
  nIter: number;
}

/**
 * k-means clustering, as scikit-learn's KMeans (algorithm "lloyd"): greedy k-means++ seeding with
 * 2 + ⌊ln k⌋ local trials, Lloyd iterations until the labels stop changing or the centres move less
 * than `tol` (relative to the data's variance), empty clusters moved to the farthest points.
 * @example const km = new ml.KMeans({ nClusters: 3, seed: 0 }).fit(X); km.labels_; km.inertia_; km.predict(Xnew)
 */
export class KMeans extends BaseEstimator<KMeansParams> {
  /** Sum of squared distances of the training samples to their closest centre. */
  inertia_ = 0;
  /** Lloyd iterations of the best run. */
  nIter_ = 0;
  private centers: Float64Array = new Float64Array(0);
  private labels: Int32Array = new Int32Array(0);

  constructor(opts: Partial<KMeansParams> = {}) {
    super({ nClusters: 8, init: "k-means++", nInit: "auto", maxIter: 300, tol: 1e-4, seed: null }, opts);
  }

  /** Cluster centres, float64 [nClusters, nFeatures]. */
  get clusterCenters_(): Tensor {
    this.checkFitted("clusterCenters_");
    return matrixTensor(this.centers.slice(), this.params.nClusters, this.nFeaturesIn_);
  }
  /** Cluster of each training sample, int32 [nSamples]. */
  get labels_(): Tensor {
    this.checkFitted("labels_");
    return tensor(this.labels.slice());
  }

  /** Clusters X ([nSamples, nFeatures]); `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const op = this.name("fit");
    const m = this.fitMatrix(X);
    const { nClusters: k, init, maxIter, tol } = this.params;
    checkInt(op, "nClusters", k, 1);
    checkInt(op, "maxIter", maxIter, 1);
    checkNumber(op, "tol", tol, 0);
    if (m.rows < k) throw new ArgumentError(op, `nClusters=${k} needs at least ${k} samples, got ${m.rows}`);
    let given: Float64Array | null = null;
    if (typeof init !== "string") {
      const c = toMatrix(`${op} (init)`, init);
      if (c.rows !== k || c.cols !== m.cols) throw new ShapeError(op, `init centres must be [${k},${m.cols}] (nClusters × nFeatures), got [${c.rows},${c.cols}]`);
      given = c.data;
    } else {
      checkChoice(op, "init", init, ["k-means++", "random"] as const);
    }
    const nInit = this.params.nInit === "auto" ? (init === "random" ? 10 : 1) : checkInt(op, "nInit", this.params.nInit, 1);
    const rng = rngFrom(this.params.seed);
    // Work on centred data, as scikit-learn does: distances computed from norms stay accurate.
    const mean = new Float64Array(m.cols);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) mean[j] += m.data[i * m.cols + j];
    for (let j = 0; j < m.cols; j++) mean[j] /= m.rows;
    const Xc: Matrix = { data: new Float64Array(m.data.length), rows: m.rows, cols: m.cols };
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) Xc.data[i * m.cols + j] = m.data[i * m.cols + j] - mean[j];
    if (given) for (let t = 0; t < given.length; t++) given[t] -= mean[t % m.cols];
    const absTol = tol * meanVariance(Xc);
    let best: Run | null = null;
    for (let r = 0; r < (given ? 1 : nInit); r++) {
      const start = given ? given.slice() : init === "random" ? randomInit(Xc, k, rng) : kmeansPlusPlus(Xc, k, rng);
      const run = lloyd(Xc, start, k, maxIter, absTol);
      if (best === null || run.inertia < best.inertia) best = run;
    }
    for (let t = 0; t < best!.centers.length; t++) best!.centers[t] += mean[t % m.cols];
    this.centers = best!.centers;
    this.labels = best!.labels;
    this.inertia_ = best!.inertia;
    this.nIter_ = best!.nIter;
    this.markFitted(m.cols);
    return this;
  }

  /** fit(X), then the training labels (int32 [nSamples]). */
  fitPredict(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).labels_;
  }

  /** Index of the closest centre for each sample, int32 [nSamples]. */
  predict(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predict", X);
    const labels = new Int32Array(m.rows);
    assign(m, this.centers, this.params.nClusters, labels, null, null);
    return tensor(labels);
  }

  /** Euclidean distance of each sample to each centre, float64 [nSamples, nClusters]. */
  transform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("transform", X);
    const k = this.params.nClusters, d = m.cols;
    const out = new Float64Array(m.rows * k);
    for (let i = 0; i < m.rows; i++) {
      for (let c = 0; c < k; c++) out[i * k + c] = Math.sqrt(sqDist(m.data, i * d, this.centers, c * d, d));
    }
    return matrixTensor(out, m.rows, k);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).transform(X);
  }

  /** Opposite of the inertia of X against the fitted centres (higher is better, as scikit-learn's score). */
  score(X: MatrixInput, _y?: unknown): number {
    const m = this.inputMatrix("score", X);
    const labels = new Int32Array(m.rows);
    assign(m, this.centers, this.params.nClusters, labels, null, null);
    return -inertia(m, this.centers, labels);
  }
}



function meanVariance(m: Matrix): number {
  const { data, rows, cols } = m;
  const mean = new Float64Array(cols), v = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const t = data[i * cols + j] - mean[j];
      v[j] += t * t;
    }
  }
  let total = 0;
  for (let j = 0; j < cols; j++) total += v[j] / rows;
  return total / cols;
}

/**
 * Nearest centre of every sample (first on ties) into `labels`; when `sums` is given, also adds each
 * sample into its centre's row of `sums` and counts it in `counts`. ‖c‖² − 2x·c ranks the centres
 * with one multiply-add per coordinate.
 */
function assign(m: Matrix, centers: Float64Array, k: number, labels: Int32Array, sums: Float64Array | null, counts: Float64Array | null): void {
  const { data, rows, cols: d } = m;
  const cn = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += centers[c * d + j] * centers[c * d + j];
    cn[c] = s;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let best = 0, bestV = Infinity;
    for (let c = 0; c < k; c++) {
      const co = c * d;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += data[o + j] * centers[co + j];
      const v = cn[c] - 2 * dot;
      if (v < bestV) { bestV = v; best = c; }
    }
    labels[i] = best;
    if (sums) {
      const so = best * d;
      for (let j = 0; j < d; j++) sums[so + j] += data[o + j];
      counts![best]++;
    }
  }
}

function inertia(m: Matrix, centers: Float64Array, labels: Int32Array): number {
  const d = m.cols;
  let s = 0;
  for (let i = 0; i < m.rows; i++) s += sqDist(m.data, i * d, centers, labels[i] * d, d);
  return s;
}

/**
 * Lloyd's iterations from `centers` (consumed), stopping as scikit-learn's _kmeans_single_lloyd.
 * Hamerly's bounds skip the samples whose centre cannot have changed (an upper bound on the distance
 * to their own centre below a lower bound on the distance to any other): the same assignments as
 * plain Lloyd, with far fewer distance computations once clusters settle.
 */
function lloyd(m: Matrix, centers: Float64Array, k: number, maxIter: number, tol: number): Run {
  const { data, rows: n, cols: d } = m;
  const b: Bounds = {
    labels: new Int32Array(n),
    upper: new Float64Array(n).fill(Infinity),
    lower: new Float64Array(n),
    xn: new Float64Array(n),
    half: new Float64Array(k),
    cn: new Float64Array(k),
    dist: new Float64Array(k),
  };
  for (let i = 0; i < n; i++) b.xn[i] = dotSelf(data, i * d, d);
  const labels = b.labels, labelsOld = new Int32Array(n).fill(-1);
  const shift = new Float64Array(k);
  // Cluster sums are kept up to date by moving the samples that change cluster; they are recomputed
  // from scratch now and then (and after an empty-cluster relocation) so rounding cannot drift.
  const sums = new Float64Array(k * d), counts = new Float64Array(k);
  let strict = false, iter = 0, fresh = true, dense = true;
  for (; iter < maxIter; iter++) {
    if (iter % 16 === 0) fresh = true;
    if (fresh) {
      sums.fill(0);
      counts.fill(0);
    }
    // While most samples need all their distances (the first iterations), a dense pass is cheaper than the bounds.
    // After a dense pass the bounds are tight again, so the next pass tries them.
    if (dense) {
      assignDense(m, centers, k, b, sums, counts, fresh);
      dense = false;
    } else {
      dense = assignBounded(m, centers, k, b, sums, counts, fresh) > n / 2;
    }
    fresh = false;
    const next = sums.slice(), nextCounts = counts.slice();
    if (relocateEmpty(m, centers, labels, next, nextCounts, k)) fresh = true;
    let total = 0, max1 = 0, max2 = 0, argMax = -1;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = nextCounts[c] > 0 ? next[c * d + j] / nextCounts[c] : centers[c * d + j];
        s += (v - centers[c * d + j]) ** 2;
        next[c * d + j] = v;
      }
      total += s;
      shift[c] = Math.sqrt(s);
      if (shift[c] > max1) { max2 = max1; max1 = shift[c]; argMax = c; } else if (shift[c] > max2) max2 = shift[c];
    }
    centers = next;
    widenBounds(b, n, shift, argMax, max1, max2);
    let same = true;
    for (let i = 0; i < n && same; i++) same = labels[i] === labelsOld[i];
    if (same) {
      strict = true;
      break;
    }
    if (total <= tol) break;
    labelsOld.set(labels);
  }
  // Labels must match the final centres.
  if (!strict) assignBounded(m, centers, k, b, null, null, false);
  return { centers, labels, inertia: inertia(m, centers, labels), nIter: Math.min(iter + 1, maxIter) };
}

/** Hamerly's per-sample state: label, bounds on the distance to the own centre (upper) and to any other (lower). */
interface Bounds {
  labels: Int32Array;
  upper: Float64Array;
  lower: Float64Array;
  /** Squared norm of each sample. */
  xn: Float64Array;
  /** Scratch per centre: half gap, squared norm, distance. */
  half: Float64Array;
  cn: Float64Array;
  dist: Float64Array;
}

// Skip a sample only with a margin, so rounding never hides a change of centre.
const SAFE = 1 - 1e-10;

/**
 * Assigns every sample its nearest centre, skipping those the bounds prove unchanged. With `sums`:
 * `all` adds every sample into its cluster's sum and count; otherwise only the samples that change
 * cluster are moved from the old sum to the new one.
 */
function assignBounded(m: Matrix, centers: Float64Array, k: number, b: Bounds, sums: Float64Array | null, counts: Float64Array | null, all: boolean): number {
  const { data, rows: n, cols: d } = m;
  const { labels, upper, lower, xn, half, cn, dist } = b;
  halfGaps(centers, k, d, half);
  for (let c = 0; c < k; c++) cn[c] = dotSelf(centers, c * d, d);
  let full = 0;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    const old = labels[i];
    let a = old;
    const h = half[a], l = lower[i];
    const bound = (h > l ? h : l) * SAFE;
    if (upper[i] > bound) {
      const u = Math.sqrt(sqDist(data, o, centers, a * d, d));
      upper[i] = u;
      if (u > bound) {
        full++;
        distancesByNorms(data, o, xn[i], centers, cn, k, d, dist);
        let bv = Infinity, second = Infinity;
        for (let c = 0; c < k; c++) {
          const v = dist[c];
          if (v < bv) { second = bv; bv = v; a = c; } else if (v < second) second = v;
        }
        labels[i] = a;
        upper[i] = Math.sqrt(bv);
        lower[i] = Math.sqrt(second);
      }
    }
    if (sums === null) continue;
    if (all) {
      const so = a * d;
      for (let j = 0; j < d; j++) sums[so + j] += data[o + j];
      counts![a]++;
    } else if (a !== old) {
      const so = a * d, sp = old * d;
      for (let j = 0; j < d; j++) {
        sums[so + j] += data[o + j];
        sums[sp + j] -= data[o + j];
      }
      counts![a]++;
      counts![old]--;
    }
  }
  return full;
}

/** Like assignBounded, but computes every sample's distance to every centre, two samples at a time (no bounds checks). */
function assignDense(m: Matrix, centers: Float64Array, k: number, b: Bounds, sums: Float64Array | null, counts: Float64Array | null, all: boolean): void {
  const { data, rows: n, cols: d } = m;
  const { labels, upper, lower, xn, cn } = b;
  for (let c = 0; c < k; c++) cn[c] = dotSelf(centers, c * d, d);
  const dots = new Float64Array(2 * k);
  for (let i = 0; i < n; i += 2) {
    const pair = i + 1 < n;
    dotsPair(data, i * d, pair ? (i + 1) * d : i * d, centers, k, d, dots);
    for (let r = 0; r < (pair ? 2 : 1); r++) {
      const s = i + r, o = s * d, x2 = xn[s];
      let a = 0, bv = Infinity, second = Infinity;
      for (let c = 0; c < k; c++) {
        const t = x2 + cn[c] - 2 * dots[r * k + c];
        const v = t > 0 ? t : 0;
        if (v < bv) { second = bv; bv = v; a = c; } else if (v < second) second = v;
      }
      const old = labels[s];
      labels[s] = a;
      upper[s] = Math.sqrt(bv);
      lower[s] = Math.sqrt(second);
      if (sums === null) continue;
      if (all) {
        const so = a * d;
        for (let j = 0; j < d; j++) sums[so + j] += data[o + j];
        counts![a]++;
      } else if (a !== old) {
        const so = a * d, sp = old * d;
        for (let j = 0; j < d; j++) {
          sums[so + j] += data[o + j];
          sums[sp + j] -= data[o + j];
        }
        counts![a]++;
        counts![old]--;
      }
    }
  }
}

/** Dot products of samples at offsets o1 and o2 with every centre: out[c] and out[k + c]; 2×4 register blocks. */
function dotsPair(data: Float64Array, o1: number, o2: number, C: Float64Array, k: number, d: number, out: Float64Array): void {
  let c = 0;
  for (; c + 3 < k; c += 4) {
    const c0 = c * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (let j = 0; j < d; j++) {
      const x = data[o1 + j], y = data[o2 + j];
      const a0 = C[c0 + j], a1 = C[c1 + j], a2 = C[c2 + j], a3 = C[c3 + j];
      s0 += x * a0;
      s1 += x * a1;
      s2 += x * a2;
      s3 += x * a3;
      t0 += y * a0;
      t1 += y * a1;
      t2 += y * a2;
      t3 += y * a3;
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
    out[k + c] = t0;
    out[k + c + 1] = t1;
    out[k + c + 2] = t2;
    out[k + c + 3] = t3;
  }
  for (; c < k; c++) {
    const co = c * d;
    let s = 0, t = 0;
    for (let j = 0; j < d; j++) {
      s += data[o1 + j] * C[co + j];
      t += data[o2 + j] * C[co + j];
    }
    out[c] = s;
    out[k + c] = t;
  }
}

/** Centres moved by `shift`: the upper bounds grow by the own centre's move, the lower bounds shrink by the largest other move. */
function widenBounds(b: Bounds, n: number, shift: Float64Array, argMax: number, max1: number, max2: number): void {
  const { labels, upper, lower } = b;
  for (let i = 0; i < n; i++) {
    const a = labels[i];
    upper[i] += shift[a];
    const l = lower[i] - (a === argMax ? max2 : max1);
    lower[i] = l > 0 ? l : 0;
  }
}

/** Half the distance from each centre to its nearest other centre (a sample closer than that to its centre stays). */
function halfGaps(centers: Float64Array, k: number, d: number, out: Float64Array): void {
  out.fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const h = 0.5 * Math.sqrt(sqDist(centers, a * d, centers, b * d, d));
      if (h < out[a]) out[a] = h;
      if (h < out[b]) out[b] = h;
    }
  }
  if (k === 1) out[0] = Infinity;
}

/** Squared distances of sample `o` to every centre as ‖x‖² + ‖c‖² − 2x·c (clamped at 0), four centres per pass. */
function distancesByNorms(data: Float64Array, o: number, xn: number, centers: Float64Array, cn: Float64Array, k: number, d: number, out: Float64Array): void {
  let c = 0;
  for (; c + 3 < k; c += 4) {
    const c0 = c * d, c1 = c0 + d, c2 = c1 + d, c3 = c2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < d; j++) {
      const x = data[o + j];
      s0 += x * centers[c0 + j];
      s1 += x * centers[c1 + j];
      s2 += x * centers[c2 + j];
      s3 += x * centers[c3 + j];
    }
    out[c] = Math.max(0, xn + cn[c] - 2 * s0);
    out[c + 1] = Math.max(0, xn + cn[c + 1] - 2 * s1);
    out[c + 2] = Math.max(0, xn + cn[c + 2] - 2 * s2);
    out[c + 3] = Math.max(0, xn + cn[c + 3] - 2 * s3);
  }
  for (; c < k; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[o + j] * centers[c * d + j];
    out[c] = Math.max(0, xn + cn[c] - 2 * s);
  }
}

// Empty clusters take the samples farthest from their current centres (as scikit-learn does).
function relocateEmpty(m: Matrix, centers: Float64Array, labels: Int32Array, sums: Float64Array, counts: Float64Array, k: number): boolean {
  const empty: number[] = [];
  for (let c = 0; c < k; c++) if (counts[c] === 0) empty.push(c);
  if (empty.length === 0) return false;
  const d = m.cols;
  const dist = Float64Array.from({ length: m.rows }, (_, i) => sqDist(m.data, i * d, centers, labels[i] * d, d));
  const far = Array.from({ length: m.rows }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b).slice(0, empty.length);
  empty.forEach((c, t) => {
    const i = far[t], old = labels[i];
    for (let j = 0; j < d; j++) {
      sums[old * d + j] -= m.data[i * d + j];
      sums[c * d + j] = m.data[i * d + j];
    }
    counts[old]--;
    counts[c] = 1;
  });
  return true;
}

/** k distinct samples chosen at random. */
function randomInit(m: Matrix, k: number, rng: PCG32): Float64Array {
  const idx = Array.from({ length: m.rows }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = rng.nextInt(i, m.rows);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  const d = m.cols, out = new Float64Array(k * d);
  for (let c = 0; c < k; c++) out.set(m.data.subarray(idx[c] * d, idx[c] * d + d), c * d);
  return out;
}

/** Greedy k-means++ (Arthur & Vassilvitskii), as scikit-learn: the best of 2 + ⌊ln k⌋ candidates per centre. */
export function kmeansPlusPlus(m: Matrix, k: number, rng: PCG32): Float64Array {
  const { data, rows: n, cols: d } = m;
  const trials = 2 + Math.floor(Math.log(k));
  const centers = new Float64Array(k * d);
  const first = rng.nextInt(0, n);
  centers.set(data.subarray(first * d, first * d + d), 0);
  let closest = new Float64Array(n);
  let pot = 0;
  for (let i = 0; i < n; i++) pot += closest[i] = sqDist(data, i * d, centers, 0, d);
  const cum = new Float64Array(n);
  const cand = Array.from({ length: trials }, () => new Float64Array(n));
  const ids = new Int32Array(trials), pots = new Float64Array(trials);
  const candCentres = new Float64Array(trials * d), candNorms = new Float64Array(trials), dots = new Float64Array(2 * trials);
  const xn = new Float64Array(n);
  for (let i = 0; i < n; i++) xn[i] = dotSelf(data, i * d, d);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cum[i] = acc += closest[i];
    // All candidates are drawn from the same distribution, then scored in one pass over the data.
    for (let t = 0; t < trials; t++) {
      ids[t] = Math.min(searchsorted(cum, rng.nextDouble() * pot), n - 1);
      candCentres.set(data.subarray(ids[t] * d, ids[t] * d + d), t * d);
    }
    for (let t = 0; t < trials; t++) candNorms[t] = dotSelf(candCentres, t * d, d);
    pots.fill(0);
    for (let i = 0; i < n; i += 2) {
      const pair = i + 1 < n;
      dotsPair(data, i * d, pair ? (i + 1) * d : i * d, candCentres, trials, d, dots);
      for (let r = 0; r < (pair ? 2 : 1); r++) {
        const s = i + r, ci = closest[s], x2 = xn[s];
        for (let t = 0; t < trials; t++) {
          const e = x2 + candNorms[t] - 2 * dots[r * trials + t];
          const v = e < ci ? (e > 0 ? e : 0) : ci;
          cand[t][s] = v;
          pots[t] += v;
        }
      }
    }
    let best = 0;
    for (let t = 1; t < trials; t++) if (pots[t] < pots[best]) best = t;
    centers.set(data.subarray(ids[best] * d, ids[best] * d + d), c * d);
    [closest, cand[best]] = [cand[best], closest];
    pot = pots[best];
  }
  return centers;
}

/** First index i with a[i] >= v (a ascending), or a.length. */
function searchsorted(a: Float64Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
