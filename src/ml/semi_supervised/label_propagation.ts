// LabelPropagation: spreads the given labels over a similarity graph (RBF or k-nearest-neighbour) of all samples.
import type { Tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { ProbabilisticClassifier, argmaxRows, checkChoice, checkInt, checkNumber, labelsTensor, matrixTensor, type Label, type Matrix, type MatrixInput, type TargetInput } from "../base.js";
import { semiSupervisedTargets } from "./targets.js";
import { sqDist } from "../distances.js";

export interface LabelPropagationParams {
  /** Similarity graph: "rbf" (default; exp(-gamma·‖a−b‖²), dense n×n) or "knn" (each sample to its nNeighbors nearest, sparse). */
  kernel: "rbf" | "knn";
  /** RBF width parameter (default 20; scale features so that neighbours' squared distances are around 1/gamma). */
  gamma: number;
  /** Neighbours per sample for the "knn" kernel, the sample itself included (default 7). */
  nNeighbors: number;
  /** Propagation steps at most (default 1000). */
  maxIter: number;
  /** Stop when the label distributions change by less than this, summed over all entries (default 1e-3). */
  tol: number;
}

/**
 * Label propagation (Zhu & Ghahramani 2002), as scikit-learn's LabelPropagation: class
 * distributions flow along a row-normalised similarity graph while given labels stay clamped;
 * y = -1 marks unlabelled samples. Unseen samples are classified by their similarity to the training set.
 * @example const lp = new ml.LabelPropagation({ kernel: "knn", nNeighbors: 7 }).fit(X, yWithMinusOnes); lp.transduction_
 */
export class LabelPropagation extends ProbabilisticClassifier<LabelPropagationParams> {
  /** Propagation steps run. */
  nIter_ = 0;
  private Xtrain: Matrix = { data: new Float64Array(0), rows: 0, cols: 0 };
  private dist: Float64Array = new Float64Array(0);

  constructor(opts: Partial<LabelPropagationParams> = {}) {
    super({ kernel: "rbf", gamma: 20, nNeighbors: 7, maxIter: 1000, tol: 1e-3 }, opts);
  }

  /** The class distribution of each training sample after propagation, float64 [nSamples, nClasses]. */
  get labelDistributions_(): Tensor {
    this.checkFitted("labelDistributions_");
    return matrixTensor(this.dist.slice(), this.Xtrain.rows, this.classes_.length);
  }
  /** The label given to each training sample (int32 for integer labels; class indices for strings). */
  get transduction_(): Tensor {
    this.checkFitted("transduction_");
    return labelsTensor(this.classes_, argmaxRows(this.dist, this.Xtrain.rows, this.classes_.length));
  }

  /** Propagates the labels of y (-1 = unlabelled) over the graph of X. */
  fit(X: MatrixInput, y: TargetInput | ArrayLike<Label>): this {
    const op = this.name("fit");
    const { kernel, gamma, nNeighbors, maxIter, tol } = this.params;
    checkChoice(op, "kernel", kernel, ["rbf", "knn"] as const);
    checkNumber(op, "gamma", gamma, 0, Infinity, true);
    checkInt(op, "nNeighbors", nNeighbors, 1);
    checkInt(op, "maxIter", maxIter, 1);
    checkNumber(op, "tol", tol, 0);
    const m = this.fitMatrix(X);
    const n = m.rows;
    const { labels, labeled } = semiSupervisedTargets(op, y, n);
    const seen = new Set<Label>();
    labels.forEach((v, i) => labeled[i] && seen.add(v));
    if (seen.size === 0) throw new ArgumentError(op, "y has no labelled samples (every label is -1)");
    const kinds = new Set([...seen].map((v) => typeof v));
    if (kinds.size > 1) throw new ArgumentError(op, "labels must be all numbers or all strings (with -1 for unlabelled)");
    const classes = [...seen];
    if (typeof classes[0] === "number") (classes as number[]).sort((a, b) => a - b);
    else classes.sort();
    if (kernel === "knn" && nNeighbors > n) throw new ArgumentError(op, `nNeighbors=${nNeighbors} exceeds the ${n} samples`);
    const k = classes.length;
    const index = new Map(classes.map((c, j) => [c, j]));
    let F: Float64Array = new Float64Array(n * k);
    const clamp = new Float64Array(n * k);
    labels.forEach((v, i) => {
      if (labeled[i]) clamp[i * k + index.get(v)!] = 1;
    });
    F.set(clamp);
    const step = kernel === "rbf" ? rbfGraph(m, gamma) : knnGraph(m, nNeighbors);
    let prev: Float64Array = new Float64Array(n * k);
    let it = 0;
    for (; it < maxIter; it++) {
      let change = 0;
      for (let t = 0; t < F.length; t++) change += Math.abs(F[t] - prev[t]);
      if (change < tol) break;
      prev = F;
      F = step(F, k);
      for (let i = 0; i < n; i++) {
        if (labeled[i]) {
          for (let c = 0; c < k; c++) F[i * k + c] = clamp[i * k + c];
          continue;
        }
        let s = 0;
        for (let c = 0; c < k; c++) s += F[i * k + c];
        if (s !== 0) for (let c = 0; c < k; c++) F[i * k + c] /= s;
      }
    }
    normalizeRows(F, n, k);
    this.dist = F;
    this.nIter_ = it;
    this.classes_ = classes;
    this.Xtrain = { data: m.data.slice(), rows: n, cols: m.cols };
    this.markFitted(m.cols);
    return this;
  }



  protected proba(m: Matrix): Float64Array {
    const k = this.classes_.length, tr = this.Xtrain, d = m.cols;
    const out = new Float64Array(m.rows * k);
    if (this.params.kernel === "rbf") {
      const g = this.params.gamma;
      for (let i = 0; i < m.rows; i++) {
        for (let j = 0; j < tr.rows; j++) {
          const w = Math.exp(-g * sqDist(m.data, i * d, tr.data, j * d, d));
          if (w === 0) continue;
          for (let c = 0; c < k; c++) out[i * k + c] += w * this.dist[j * k + c];
        }
      }
    } else {
      const nb = nearest(m, tr, this.params.nNeighbors);
      const q = this.params.nNeighbors;
      for (let i = 0; i < m.rows; i++) {
        for (let t = 0; t < q; t++) {
          const j = nb[i * q + t];
          for (let c = 0; c < k; c++) out[i * k + c] += this.dist[j * k + c];
        }
      }
    }
    normalizeRows(out, m.rows, k);
    return out;
  }
}


function normalizeRows(F: Float64Array, n: number, k: number): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += F[i * k + c];
    if (s !== 0) for (let c = 0; c < k; c++) F[i * k + c] /= s;
  }
}

type Step = (F: Float64Array, k: number) => Float64Array;

/** Dense RBF affinities, each row divided by its sum: one step is W·F. */
function rbfGraph(m: Matrix, gamma: number): Step {
  const n = m.rows, d = m.cols;
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    W[i * n + i] = 1;
    for (let j = i + 1; j < n; j++) {
      const w = Math.exp(-gamma * sqDist(m.data, i * d, m.data, j * d, d));
      W[i * n + j] = w;
      W[j * n + i] = w;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += W[i * n + j];
    for (let j = 0; j < n; j++) W[i * n + j] /= s;
  }
  return (F, k) => {
    // Two classes per pass over a row of W (which stays in L1): about twice the speed of one.
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const o = i * n;
      for (let c = 0; c < k; c += 2) {
        let s0 = 0, s1 = 0;
        if (c + 1 < k) {
          for (let j = 0; j < n; j++) {
            const w = W[o + j];
            s0 += w * F[j * k + c];
            s1 += w * F[j * k + c + 1];
          }
          out[i * k + c + 1] = s1;
        } else {
          for (let j = 0; j < n; j++) s0 += W[o + j] * F[j * k + c];
        }
        out[i * k + c] = s0;
      }
    }
    return out;
  };
}

/** k-nearest-neighbour connectivity (each sample to its q nearest, itself included): one step sums the neighbours' rows. */
function knnGraph(m: Matrix, q: number): Step {
  const n = m.rows;
  const nb = nearest(m, m, q);
  return (F, k) => {
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < q; t++) {
        const j = nb[i * q + t];
        for (let c = 0; c < k; c++) out[i * k + c] += F[j * k + c];
      }
    }
    return out;
  };
}

/** Indices of the q nearest rows of `ref` for each row of `query` (brute force; ties to the lower index), [rows × q]. */
function nearest(query: Matrix, ref: Matrix, q: number): Int32Array {
  const d = query.cols, out = new Int32Array(query.rows * q);
  const bd = new Float64Array(q), bi = new Int32Array(q);
  for (let i = 0; i < query.rows; i++) {
    let size = 0;
    for (let j = 0; j < ref.rows; j++) {
      const v = sqDist(query.data, i * d, ref.data, j * d, d);
      if (size === q && v >= bd[q - 1]) continue;
      let p = size < q ? size++ : q - 1;
      while (p > 0 && bd[p - 1] > v) {
        bd[p] = bd[p - 1];
        bi[p] = bi[p - 1];
        p--;
      }
      bd[p] = v;
      bi[p] = j;
    }
    out.set(bi, i * q);
  }
  return out;
}
