// t-SNE (van der Maaten & Hinton 2008), exact O(N²) form with scikit-learn's recipe, and
// scikit-learn's trustworthiness score for judging any 2-D picture of high-dimensional data.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { PCA } from "../ml/pca.js";

export interface TsneOptions {
  /** Effective number of neighbours (default 30, scikit-learn's). */
  perplexity?: number;
  /** Iterations (default 1000); the first 250 exaggerate P by `earlyExaggeration` (12). */
  nIter?: number;
  earlyExaggeration?: number;
  /** Step size; default scikit-learn's "auto": max(N / earlyExaggeration / 4, 50). */
  learningRate?: number;
  /** "pca" (default: the first two principal components scaled to std 1e-4) or "random" (N(0, 1e-4²), seeded). */
  init?: "pca" | "random";
  seed?: number;
}

const EPS = 2.220446049250313e-16;

function rowsOf(op: string, x: Tensor | number[][]): { n: number; d: number; v: Float64Array } {
  const t = x instanceof Tensor ? x : ds.tensor(x, { dtype: "float64" });
  if (t.ndim < 2) throw new ShapeError(op, `expected [N, D] data, got ${fmtShape(t.shape)}`);
  const n = t.shape[0];
  return { n, d: t.size / n, v: Float64Array.from(t.dataSync() as ArrayLike<number>) };
}

function squaredDistances(n: number, d: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) { const t = v[i * d + k] - v[j * d + k]; s += t * t; }
      out[i * n + j] = out[j * n + i] = s;
    }
  }
  return out;
}

// Conditional P(j|i) with each row's Gaussian width found by bisection on its entropy (log
// perplexity), then symmetrised and normalised: scikit-learn's _joint_probabilities.
function jointProbabilities(dist: Float64Array, n: number, perplexity: number): Float64Array {
  const P = new Float64Array(n * n);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1, lo = -Infinity, hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (j !== i) sum += (P[i * n + j] = Math.exp(-dist[i * n + j] * beta));
      if (sum === 0) sum = 1e-8;
      let h = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        P[i * n + j] /= sum;
        h += dist[i * n + j] * P[i * n + j];
      }
      const entropy = Math.log(sum) + beta * h;
      const diff = entropy - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) { lo = beta; beta = hi === Infinity ? beta * 2 : (beta + hi) / 2; }
      else { hi = beta; beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2; }
    }
  }
  const out = new Float64Array(n * n);
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) total += (out[i * n + j] = P[i * n + j] + P[j * n + i]);
  for (let k = 0; k < out.length; k++) out[k] = Math.max(out[k] / total, EPS);
  for (let i = 0; i < n; i++) out[i * n + i] = 0;
  return out;
}

/**
 * t-SNE to 2-D: a picture in which points that are neighbours in the high-dimensional data stay
 * neighbours. Exact (O(N²) per iteration: a few seconds for 1,000 points), with scikit-learn's
 * defaults (perplexity 30, early exaggeration 12 for 250 iterations, momentum 0.5 then 0.8,
 * adaptive gains, learning rate "auto", PCA initialisation). Returns float64 [N, 2].
 * @example const y2 = explain.tsne(embeddings, { perplexity: 30, seed: 0 })
 */
export function tsne(x: Tensor | number[][], opts: TsneOptions = {}): Tensor {
  const op = "tsne";
  const { n, d, v } = rowsOf(op, x);
  const perplexity = opts.perplexity ?? 30;
  if (!(perplexity > 0) || perplexity >= n) throw new ArgumentError(op, `perplexity must be in (0, N = ${n}), got ${perplexity}`);
  const nIter = opts.nIter ?? 1000, ee = opts.earlyExaggeration ?? 12;
  if (!Number.isInteger(nIter) || nIter < 1) throw new ArgumentError(op, `nIter must be a positive integer, got ${nIter}`);
  const lr = opts.learningRate ?? Math.max(n / ee / 4, 50);
  const P = jointProbabilities(squaredDistances(n, d, v), n, perplexity);

  const Y = new Float64Array(n * 2);
  if ((opts.init ?? "pca") === "pca" && d >= 2) {
    const z = new PCA({ nComponents: 2 }).fitTransform(ds.tensor(v, { dtype: "float64" }).reshape([n, d])).dataSync();
    let m = 0, s = 0;
    for (let i = 0; i < n; i++) m += z[2 * i] / n;
    for (let i = 0; i < n; i++) s += (z[2 * i] - m) ** 2 / n;
    const scale = 1e-4 / (Math.sqrt(s) || 1);
    for (let k = 0; k < 2 * n; k++) Y[k] = Math.fround(z[k]) * scale;
  } else {
    const g = ds.randn([n, 2], { dtype: "float64" }).dataSync();
    for (let k = 0; k < 2 * n; k++) Y[k] = 1e-4 * g[k];
  }

  const update = new Float64Array(n * 2), gains = new Float64Array(n * 2).fill(1), grad = new Float64Array(n * 2);
  const W = new Float64Array(n * n);
  const exaggerated = Math.min(250, nIter);
  for (let it = 0; it < nIter; it++) {
    const early = it < exaggerated;
    const momentum = early ? 0.5 : 0.8, pScale = early ? ee : 1;
    // Student-t affinities w_ij = 1 / (1 + |yi - yj|²); Q = w / Σw.
    let wsum = 0;
    for (let i = 0; i < n; i++) {
      const yi0 = Y[2 * i], yi1 = Y[2 * i + 1];
      for (let j = i + 1; j < n; j++) {
        const a = yi0 - Y[2 * j], b = yi1 - Y[2 * j + 1];
        const w = 1 / (1 + a * a + b * b);
        W[i * n + j] = W[j * n + i] = w;
        wsum += 2 * w;
      }
    }
    // ∂KL/∂yi = 4 Σ_j (p_ij - q_ij) w_ij (yi - yj)
    for (let i = 0; i < n; i++) {
      let g0 = 0, g1 = 0;
      const yi0 = Y[2 * i], yi1 = Y[2 * i + 1];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const w = W[i * n + j];
        const f = (pScale * P[i * n + j] - Math.max(w / wsum, EPS)) * w;
        g0 += f * (yi0 - Y[2 * j]);
        g1 += f * (yi1 - Y[2 * j + 1]);
      }
      grad[2 * i] = 4 * g0;
      grad[2 * i + 1] = 4 * g1;
    }
    for (let k = 0; k < 2 * n; k++) {
      gains[k] = update[k] * grad[k] < 0 ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - lr * gains[k] * grad[k];
      Y[k] += update[k];
    }
  }
  return ds.tensor(Y, { dtype: "float64" }).reshape([n, 2]);
}

/**
 * scikit-learn's trustworthiness (Venna & Kaski): how far the picture's k nearest neighbours of
 * each point are from being its true (input-space) neighbours, in [0, 1] (1: none is an intruder).
 * @example explain.trustworthiness(X, explain.tsne(X), 5)
 */
export function trustworthiness(x: Tensor | number[][], embedded: Tensor | number[][], k = 5): number {
  const op = "trustworthiness";
  const a = rowsOf(op, x), b = rowsOf(op, embedded);
  if (a.n !== b.n) throw new ShapeError(op, `${a.n} samples and ${b.n} embedded points`);
  const n = a.n;
  if (!Number.isInteger(k) || k < 1 || k >= n / 2) throw new ArgumentError(op, `k must be an integer in [1, N/2) = [1, ${n / 2}), got ${k}`);
  const dx = squaredDistances(n, a.d, a.v), dy = squaredDistances(n, b.d, b.v);
  const rank = new Int32Array(n);
  let t = 0;
  const order = (dist: Float64Array, i: number) => Array.from({ length: n }, (_, j) => j).filter((j) => j !== i).sort((p, q) => dist[i * n + p] - dist[i * n + q] || p - q);
  for (let i = 0; i < n; i++) {
    order(dx, i).forEach((j, r) => (rank[j] = r + 1));
    for (const j of order(dy, i).slice(0, k)) t += Math.max(0, rank[j] - k);
  }
  return 1 - (t * 2) / (n * k * (2 * n - 3 * k - 1));
}
