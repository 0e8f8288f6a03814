// Clustering metrics: silhouette (score and per sample) and the adjusted Rand score.
import type { Tensor } from "../../tensor/index.js";
import { tensor } from "../../tensor/index.js";
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { PCG32 } from "../../core/rng.js";
import { toMatrix, type Label, type MatrixInput } from "../base.js";
import { labelPair, toLabels, type LabelsInput } from "./common.js";

function clusterIndices(labels: Label[]): { idx: Int32Array; k: number } {
  const map = new Map<Label, number>();
  const idx = Int32Array.from(labels, (l) => {
    let c = map.get(l);
    if (c === undefined) map.set(l, (c = map.size));
    return c;
  });
  return { idx, k: map.size };
}

function silhouetteValues(op: string, X: MatrixInput, labels: LabelsInput, metric: string): Float64Array {
  if (metric !== "euclidean" && metric !== "manhattan") throw new ArgumentError(op, `metric must be "euclidean" or "manhattan", got ${JSON.stringify(metric)}`);
  const m = toMatrix(op, X);
  const y = toLabels(op, "labels", labels);
  if (y.length !== m.rows) throw new ShapeError(op, `X has ${m.rows} samples but labels has ${y.length}`);
  const { idx, k } = clusterIndices(y);
  const n = m.rows, d = m.cols;
  if (k < 2 || k > n - 1) throw new ArgumentError(op, `the number of clusters is ${k}; it must be between 2 and nSamples - 1 = ${n - 1}`);
  const size = new Float64Array(k);
  for (const c of idx) size[c]++;
  const out = new Float64Array(n);
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      let s = 0;
      if (metric === "euclidean") {
        for (let t = 0; t < d; t++) {
          const v = m.data[i * d + t] - m.data[j * d + t];
          s += v * v;
        }
        s = Math.sqrt(s);
      } else {
        for (let t = 0; t < d; t++) s += Math.abs(m.data[i * d + t] - m.data[j * d + t]);
      }
      sums[idx[j]] += s;
    }
    const own = idx[i];
    if (size[own] <= 1) continue; // a singleton's silhouette is 0
    const a = sums[own] / (size[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[c] / size[c]);
    const denom = Math.max(a, b);
    out[i] = denom > 0 ? (b - a) / denom : 0;
  }
  return out;
}

/**
 * Silhouette coefficient of each sample, (b − a) / max(a, b), where a is the mean distance to the
 * other members of its cluster and b the mean distance to the nearest other cluster: float64 [n].
 * @example ml.metrics.silhouetteSamples(X, km.labels_)
 */
export function silhouetteSamples(X: MatrixInput, labels: LabelsInput, opts: { metric?: "euclidean" | "manhattan" } = {}): Tensor {
  return tensor(silhouetteValues("metrics.silhouetteSamples", X, labels, opts.metric ?? "euclidean"));
}

export interface SilhouetteOptions {
  /** "euclidean" (default) or "manhattan". */
  metric?: "euclidean" | "manhattan";
  /** Score a random subset of this many samples (the cost is quadratic in the samples). */
  sampleSize?: number;
  /** Seed of that subset. */
  seed?: number;
}

/**
 * Mean silhouette coefficient over samples, in [-1, 1] (higher: denser, better separated clusters).
 * @example ml.metrics.silhouette(X, new ml.KMeans({ nClusters: 3, seed: 0 }).fitPredict(X))
 */
export function silhouette(X: MatrixInput, labels: LabelsInput, opts: SilhouetteOptions = {}): number {
  const op = "metrics.silhouette";
  let Xs = X, ys = labels;
  if (opts.sampleSize !== undefined) {
    const m = toMatrix(op, X);
    const y = toLabels(op, "labels", labels);
    if (!Number.isInteger(opts.sampleSize) || opts.sampleSize < 2 || opts.sampleSize > m.rows) {
      throw new ArgumentError(op, `sampleSize must be a whole number in [2, ${m.rows}], got ${opts.sampleSize}`);
    }
    const rng = new PCG32(opts.seed ?? Math.floor(Math.random() * 2 ** 32));
    const perm = Array.from({ length: m.rows }, (_, i) => i);
    for (let i = 0; i < opts.sampleSize; i++) {
      const j = rng.nextInt(i, m.rows);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const pick = perm.slice(0, opts.sampleSize);
    Xs = pick.map((i) => m.data.subarray(i * m.cols, (i + 1) * m.cols));
    ys = pick.map((i) => y[i]) as LabelsInput;
  }
  const v = silhouetteValues(op, Xs, ys, opts.metric ?? "euclidean");
  return v.reduce((s, x) => s + x, 0) / v.length;
}

/**
 * Adjusted Rand index between two clusterings: 1 for identical partitions (whatever the label
 * names), about 0 for random ones; symmetric.
 * scikit-learn's `adjusted_rand_score`.
 * @example ml.metrics.adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]) // 1
 */
export function adjustedRandScore(labelsTrue: LabelsInput, labelsPred: LabelsInput): number {
  const [a, b] = labelPair("metrics.adjustedRandScore", labelsTrue, labelsPred, "labelsPred");
  const n = a.length;
  const ta = clusterIndices(a), tb = clusterIndices(b);
  // Pair counts from the contingency table, as scikit-learn's pair_confusion_matrix.
  const table = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = ta.idx[i] * tb.k + tb.idx[i];
    table.set(key, (table.get(key) ?? 0) + 1);
  }
  const rowSum = new Float64Array(ta.k), colSum = new Float64Array(tb.k);
  let sumSquares = 0;
  for (const [key, c] of table) {
    rowSum[Math.floor(key / tb.k)] += c;
    colSum[key % tb.k] += c;
    sumSquares += c * c;
  }
  let dotCols = 0, dotRows = 0;
  for (const [key, c] of table) {
    dotCols += c * colSum[key % tb.k];
    dotRows += c * rowSum[Math.floor(key / tb.k)];
  }
  const tp = sumSquares - n, fp = dotCols - sumSquares, fn = dotRows - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

/** The former name of adjustedRandScore, kept as an alias (scikit-learn's name is adjusted_rand_score). */
export const adjustedRandIndex = adjustedRandScore;
