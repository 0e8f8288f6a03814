// ml.datasets' sample generators, scikit-learn's make_blobs / make_moons / make_regression /
// make_classification: the same constructions and the same options (camelCase), drawn from this
// project's seeded PCG32 — so shapes, class balance and statistics match scikit-learn's, but the
// values are not NumPy's streams (a `seed` repeats deepscript's own draw, not scikit-learn's).
import type { Tensor } from "../tensor/index.js";
import { tensor, reshape } from "../tensor/index.js";
import { named } from "../ops/tuple.js";
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import type { PCG32 } from "../core/rng.js";
import { checkInt, checkNumber, rngFrom } from "./base.js";

type XY = [Tensor, Tensor] & { X: Tensor; y: Tensor };
function pair(X: Float64Array, n: number, d: number, y: Int32Array | Float64Array, yShape: number[] = [n]): XY {
  const Xt = reshape(tensor(X), [n, d]), yt = reshape(tensor(y), yShape);
  return named([Xt, yt], { X: Xt, y: yt });
}

/** Fisher–Yates order of 0..n-1. */
function permutation(n: number, rng: PCG32): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(0, i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}

/** Rows of X (n×d) and entries of y (n×m) in the order `perm`. */
function shuffleRows<T extends Float64Array | Int32Array>(X: Float64Array, d: number, y: T, m: number, perm: Int32Array): [Float64Array, T] {
  const Xs = new Float64Array(X.length), ys = new (y.constructor as new (n: number) => T)(y.length);
  perm.forEach((src, i) => {
    Xs.set(X.subarray(src * d, (src + 1) * d), i * d);
    for (let t = 0; t < m; t++) ys[i * m + t] = y[src * m + t];
  });
  return [Xs, ys];
}

export interface MakeBlobsOptions {
  /** Total samples, split evenly over the centres (the first ones get the remainder). Default 100. */
  nSamples?: number;
  /** Features (ignored when `centers` gives coordinates). Default 2. */
  nFeatures?: number;
  /** Number of centres (drawn uniformly in `centerBox`), or their coordinates. Default 3. */
  centers?: number | number[][];
  /** Standard deviation of each blob: one for all, or one per centre. Default 1. */
  clusterStd?: number | number[];
  /** Bounds of the random centres. Default [-10, 10]. */
  centerBox?: [number, number];
  /** Shuffle the samples (default true; false keeps them grouped by centre). */
  shuffle?: boolean;
  seed?: number | null;
}

/**
 * Isotropic Gaussian blobs, as scikit-learn's make_blobs: `[X, y]` (also `.X`, `.y`), X float64
 * [nSamples, nFeatures], y int32 centre indices.
 * @example const [X, y] = ml.datasets.makeBlobs({ nSamples: 300, centers: 4, seed: 0 });
 */
export function makeBlobs(opts: MakeBlobsOptions = {}): XY {
  const op = "datasets.makeBlobs";
  checkOptions(op, opts, ["nSamples", "nFeatures", "centers", "clusterStd", "centerBox", "shuffle", "seed"]);
  const n = checkInt(op, "nSamples", opts.nSamples ?? 100, 1);
  const rng = rngFrom(opts.seed);
  let d = checkInt(op, "nFeatures", opts.nFeatures ?? 2, 1);
  let C: number[][];
  if (Array.isArray(opts.centers)) {
    C = opts.centers;
    d = C[0]?.length ?? 0;
    if (C.length === 0 || d === 0 || C.some((c) => c.length !== d)) throw new ArgumentError(op, "centers must be a non-empty array of equal-length coordinate rows");
  } else {
    const k = checkInt(op, "centers", opts.centers ?? 3, 1);
    const [lo, hi] = opts.centerBox ?? [-10, 10];
    if (!(hi > lo)) throw new ArgumentError(op, `centerBox must be [low, high] with low < high, got ${JSON.stringify(opts.centerBox)}`);
    C = Array.from({ length: k }, () => Array.from({ length: d }, () => lo + (hi - lo) * rng.nextDouble()));
  }
  const k = C.length;
  const std = typeof opts.clusterStd === "object" ? opts.clusterStd : Array(k).fill(opts.clusterStd ?? 1);
  if (std.length !== k) throw new ArgumentError(op, `clusterStd has ${std.length} values but there are ${k} centres`);
  std.forEach((s, i) => checkNumber(op, `clusterStd[${i}]`, s, 0));
  const X = new Float64Array(n * d), y = new Int32Array(n);
  let i = 0;
  for (let c = 0; c < k; c++) {
    const count = Math.floor(n / k) + (c < n % k ? 1 : 0);
    for (let t = 0; t < count; t++, i++) {
      y[i] = c;
      for (let j = 0; j < d; j++) X[i * d + j] = C[c][j] + std[c] * rng.nextNormal();
    }
  }
  if (opts.shuffle === false) return pair(X, n, d, y);
  const [Xs, ys] = shuffleRows(X, d, y, 1, permutation(n, rng));
  return pair(Xs, n, d, ys);
}

export interface MakeMoonsOptions {
  /** Total samples: ⌊n/2⌋ on the outer moon (class 0), the rest on the inner (class 1). Default 100. */
  nSamples?: number;
  /** Standard deviation of Gaussian noise added to the points (default none). */
  noise?: number | null;
  shuffle?: boolean;
  seed?: number | null;
}

/**
 * Two interleaving half circles, as scikit-learn's make_moons: `[X, y]`, X float64 [n, 2], y int32.
 * @example const [X, y] = ml.datasets.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });
 */
export function makeMoons(opts: MakeMoonsOptions = {}): XY {
  const op = "datasets.makeMoons";
  checkOptions(op, opts, ["nSamples", "noise", "shuffle", "seed"]);
  const n = checkInt(op, "nSamples", opts.nSamples ?? 100, 1);
  const noise = opts.noise == null ? 0 : checkNumber(op, "noise", opts.noise, 0);
  const rng = rngFrom(opts.seed);
  const nOut = Math.floor(n / 2), nIn = n - nOut;
  const X = new Float64Array(n * 2), y = new Int32Array(n);
  // np.linspace(0, π, m): m points including both ends.
  const at = (t: number, m: number) => (m === 1 ? 0 : (Math.PI * t) / (m - 1));
  for (let t = 0; t < nOut; t++) { X[2 * t] = Math.cos(at(t, nOut)); X[2 * t + 1] = Math.sin(at(t, nOut)); }
  for (let t = 0; t < nIn; t++) {
    const i = nOut + t;
    X[2 * i] = 1 - Math.cos(at(t, nIn));
    X[2 * i + 1] = 1 - Math.sin(at(t, nIn)) - 0.5;
    y[i] = 1;
  }
  let Xs: Float64Array = X, ys: Int32Array = y;
  if (opts.shuffle !== false) [Xs, ys] = shuffleRows(X, 2, y, 1, permutation(n, rng));
  if (noise > 0) for (let t = 0; t < Xs.length; t++) Xs[t] += noise * rng.nextNormal();
  return pair(Xs, n, 2, ys);
}

export interface MakeRegressionOptions {
  nSamples?: number;
  nFeatures?: number;
  /** Features with a nonzero coefficient (the others are noise). Default 10. */
  nInformative?: number;
  /** Targets per sample (y is [n] for 1, [n, nTargets] otherwise). Default 1. */
  nTargets?: number;
  bias?: number;
  /** Standard deviation of Gaussian noise on y. Default 0. */
  noise?: number;
  shuffle?: boolean;
  /** Also return the true coefficients [nFeatures] (or [nFeatures, nTargets]) as a third element `coef`. */
  coef?: boolean;
  seed?: number | null;
}

/**
 * A random linear regression problem, as scikit-learn's make_regression (without effective_rank):
 * X standard normal, `nInformative` coefficients uniform in [0, 100), y = X·coef + bias + noise.
 * Returns `[X, y]` (and `coef` with `coef: true`), also by name.
 * @example const [X, y, coef] = ml.datasets.makeRegression({ nSamples: 200, nFeatures: 5, nInformative: 3, noise: 1, coef: true, seed: 0 });
 */
export function makeRegression(opts: MakeRegressionOptions = {}): XY & { coef?: Tensor } {
  const op = "datasets.makeRegression";
  checkOptions(op, opts, ["nSamples", "nFeatures", "nInformative", "nTargets", "bias", "noise", "shuffle", "coef", "seed"]);
  const n = checkInt(op, "nSamples", opts.nSamples ?? 100, 1), d = checkInt(op, "nFeatures", opts.nFeatures ?? 100, 1);
  const m = checkInt(op, "nTargets", opts.nTargets ?? 1, 1);
  const inf = Math.min(d, checkInt(op, "nInformative", opts.nInformative ?? 10, 0));
  const bias = checkNumber(op, "bias", opts.bias ?? 0), noise = checkNumber(op, "noise", opts.noise ?? 0, 0);
  const rng = rngFrom(opts.seed);
  let X: Float64Array = new Float64Array(n * d);
  for (let t = 0; t < X.length; t++) X[t] = rng.nextNormal();
  let W: Float64Array = new Float64Array(d * m);
  for (let t = 0; t < inf * m; t++) W[t] = 100 * rng.nextDouble();
  let y: Float64Array = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < m; c++) {
      let s = bias;
      for (let j = 0; j < inf; j++) s += X[i * d + j] * W[j * m + c];
      y[i * m + c] = s + (noise > 0 ? noise * rng.nextNormal() : 0);
    }
  }
  if (opts.shuffle !== false) {
    [X, y] = shuffleRows(X, d, y, m, permutation(n, rng));
    // Features too (and the coefficients with them), so the informative ones are not the first.
    const f = permutation(d, rng), Xf = new Float64Array(n * d), Wf = new Float64Array(d * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xf[i * d + j] = X[i * d + f[j]];
    for (let j = 0; j < d; j++) for (let c = 0; c < m; c++) Wf[j * m + c] = W[f[j] * m + c];
    X = Xf; W = Wf;
  }
  const out = pair(X, n, d, y, m === 1 ? [n] : [n, m]);
  if (!opts.coef) return out;
  const coef = reshape(tensor(W), m === 1 ? [d] : [d, m]);
  return Object.assign([out[0], out[1], coef], { X: out.X, y: out.y, coef }) as unknown as XY & { coef: Tensor };
}

export interface MakeClassificationOptions {
  nSamples?: number;
  nFeatures?: number;
  /** Features carrying the class structure (Gaussian clusters at hypercube vertices). Default 2. */
  nInformative?: number;
  /** Random linear combinations of the informative features. Default 2. */
  nRedundant?: number;
  /** Copies of informative or redundant features. Default 0. */
  nRepeated?: number;
  nClasses?: number;
  nClustersPerClass?: number;
  /** Class proportions (default equal); a list of nClasses (or nClasses − 1) fractions. */
  weights?: number[] | null;
  /** Fraction of labels replaced by random ones. Default 0.01. */
  flipY?: number;
  /** Half the hypercube's side: larger separates the classes more. Default 1. */
  classSep?: number;
  /** Centres at the vertices of a hypercube (default true), else of a random polytope. */
  hypercube?: boolean;
  /** Added to every feature (null: random in [-classSep, classSep]). Default 0. */
  shift?: number | null;
  /** Multiplies every feature (null: random in [1, 101)). Default 1. */
  scale?: number | null;
  shuffle?: boolean;
  seed?: number | null;
}

/**
 * A random n-class problem, as scikit-learn's make_classification: each class is
 * `nClustersPerClass` Gaussian clusters (random covariance) around distinct vertices of a
 * hypercube of side 2·classSep in the informative features, then redundant (linear combinations),
 * repeated and noise features, `flipY` of the labels randomised. `[X, y]`, also by name.
 * @example const [X, y] = ml.datasets.makeClassification({ nSamples: 500, nFeatures: 10, nInformative: 4, nClasses: 3, seed: 0 });
 */
export function makeClassification(opts: MakeClassificationOptions = {}): XY {
  const op = "datasets.makeClassification";
  checkOptions(op, opts, ["nSamples", "nFeatures", "nInformative", "nRedundant", "nRepeated", "nClasses", "nClustersPerClass", "weights", "flipY", "classSep", "hypercube", "shift", "scale", "shuffle", "seed"]);
  const n = checkInt(op, "nSamples", opts.nSamples ?? 100, 1), d = checkInt(op, "nFeatures", opts.nFeatures ?? 20, 1);
  const nInf = checkInt(op, "nInformative", opts.nInformative ?? 2, 1), nRed = checkInt(op, "nRedundant", opts.nRedundant ?? 2, 0);
  const nRep = checkInt(op, "nRepeated", opts.nRepeated ?? 0, 0);
  const K = checkInt(op, "nClasses", opts.nClasses ?? 2, 1), per = checkInt(op, "nClustersPerClass", opts.nClustersPerClass ?? 2, 1);
  const flipY = checkNumber(op, "flipY", opts.flipY ?? 0.01, 0, 1), sep = checkNumber(op, "classSep", opts.classSep ?? 1, 0);
  if (nInf + nRed + nRep > d) throw new ArgumentError(op, `nInformative + nRedundant + nRepeated (${nInf + nRed + nRep}) must be at most nFeatures (${d})`);
  const nClusters = K * per;
  if (nClusters > 2 ** nInf) throw new ArgumentError(op, `nClasses × nClustersPerClass (${nClusters}) must be at most 2 ** nInformative (${2 ** nInf})`);
  let w = opts.weights ?? null;
  if (w) {
    if (w.length === K - 1) w = [...w, 1 - w.reduce((s, v) => s + v, 0)];
    if (w.length !== K) throw new ArgumentError(op, `weights has ${opts.weights!.length} values; expected nClasses (${K}) or nClasses − 1`);
  } else w = Array(K).fill(1 / K);
  const rng = rngFrom(opts.seed);
  const counts = Array.from({ length: nClusters }, (_, c) => Math.floor((n * w![c % K]) / per));
  for (let i = 0, left = n - counts.reduce((s, v) => s + v, 0); i < left; i++) counts[i % nClusters]++;
  // Distinct random vertices of {0,1}^nInf, scaled to {−sep, +sep}.
  const vertices = new Set<number>(), centroids: number[][] = [];
  while (centroids.length < nClusters) {
    const bits = Array.from({ length: nInf }, () => rng.nextInt(0, 2));
    const key = bits.reduce((s, b, j) => s + b * 2 ** j, 0);
    if (vertices.has(key)) continue;
    vertices.add(key);
    centroids.push(bits.map((b) => (2 * b - 1) * sep));
  }
  if (opts.hypercube === false) {
    const rowS = centroids.map(() => rng.nextDouble()), colS = Array.from({ length: nInf }, () => rng.nextDouble());
    centroids.forEach((c, k) => c.forEach((_, j) => { c[j] *= rowS[k] * colS[j]; }));
  }
  const X = new Float64Array(n * d), y = new Int32Array(n);
  for (let t = 0; t < n * d; t += d) for (let j = 0; j < nInf; j++) X[t + j] = rng.nextNormal();
  let start = 0;
  const row = new Float64Array(nInf);
  centroids.forEach((c, k) => {
    // Random covariance: the cluster's standard-normal rows times A, uniform in [-1, 1).
    const A = Float64Array.from({ length: nInf * nInf }, () => 2 * rng.nextDouble() - 1);
    for (let i = start; i < start + counts[k]; i++) {
      y[i] = k % K;
      for (let j = 0; j < nInf; j++) { let s = 0; for (let t = 0; t < nInf; t++) s += X[i * d + t] * A[t * nInf + j]; row[j] = s; }
      for (let j = 0; j < nInf; j++) X[i * d + j] = row[j] + c[j];
    }
    start += counts[k];
  });
  if (nRed > 0) {
    const B = Float64Array.from({ length: nInf * nRed }, () => 2 * rng.nextDouble() - 1);
    for (let i = 0; i < n; i++) for (let r = 0; r < nRed; r++) {
      let s = 0;
      for (let t = 0; t < nInf; t++) s += X[i * d + t] * B[t * nRed + r];
      X[i * d + nInf + r] = s;
    }
  }
  if (nRep > 0) {
    const m = nInf + nRed;
    const src = Array.from({ length: nRep }, () => Math.floor((m - 1) * rng.nextDouble() + 0.5));
    for (let i = 0; i < n; i++) src.forEach((s, r) => { X[i * d + m + r] = X[i * d + s]; });
  }
  for (let i = 0; i < n; i++) for (let j = nInf + nRed + nRep; j < d; j++) X[i * d + j] = rng.nextNormal();
  if (flipY > 0) for (let i = 0; i < n; i++) if (rng.nextDouble() < flipY) y[i] = rng.nextInt(0, K);
  const shift = opts.shift === null ? Array.from({ length: d }, () => (2 * rng.nextDouble() - 1) * sep) : Array(d).fill(opts.shift ?? 0);
  const scale = opts.scale === null ? Array.from({ length: d }, () => 1 + 100 * rng.nextDouble()) : Array(d).fill(opts.scale ?? 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) X[i * d + j] = (X[i * d + j] + shift[j]) * scale[j];
  if (opts.shuffle === false) return pair(X, n, d, y);
  const [Xs, ys] = shuffleRows(X, d, y, 1, permutation(n, rng));
  const f = permutation(d, rng), Xf = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xf[i * d + j] = Xs[i * d + f[j]];
  return pair(Xf, n, d, ys);
}
