// DBSCAN: density-based clustering with core samples, border samples and noise (label -1).
import type { Tensor } from "../tensor/index.js";
import { tensor } from "../tensor/index.js";
import { BaseEstimator, matrixTensor, checkInt, checkNumber, checkChoice, type MatrixInput } from "./base.js";

export interface DBSCANParams {
  /** Neighbourhood radius: samples within eps (inclusive) are neighbours (default 0.5). */
  eps: number;
  /** Neighbours (counting the sample itself) that make a core sample (default 5). */
  minSamples: number;
  /** Distance between samples: "euclidean" (default) or "manhattan". */
  metric: "euclidean" | "manhattan";
}

/**
 * Density-based clustering, as scikit-learn's DBSCAN: a sample with at least `minSamples`
 * neighbours within `eps` is a core sample; clusters grow from core samples in index order, border
 * samples join the first cluster that reaches them, the rest is noise (-1). Deterministic.
 * @example const labels = new ml.DBSCAN({ eps: 0.3, minSamples: 10 }).fitPredict(X); // int32, -1 = noise
 */
export class DBSCAN extends BaseEstimator<DBSCANParams> {
  private labels: Int32Array = new Int32Array(0);
  private core: Int32Array = new Int32Array(0);
  private coreData: Float64Array = new Float64Array(0);

  constructor(opts: Partial<DBSCANParams> = {}) {
    super({ eps: 0.5, minSamples: 5, metric: "euclidean" }, opts);
  }

  /** Cluster of each training sample, int32 [nSamples]; -1 marks noise. */
  get labels_(): Tensor {
    this.checkFitted("labels_");
    return tensor(this.labels.slice());
  }
  /** Indices of the core samples, int32 [nCore]. */
  get coreSampleIndices_(): Tensor {
    this.checkFitted("coreSampleIndices_");
    return tensor(this.core.slice());
  }
  /** The core samples themselves, float64 [nCore, nFeatures]. */
  get components_(): Tensor {
    this.checkFitted("components_");
    return matrixTensor(this.coreData.slice(), this.core.length, this.nFeaturesIn_);
  }

  /** Clusters X ([nSamples, nFeatures]); `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const op = this.name("fit");
    const { eps, minSamples, metric } = this.params;
    checkNumber(op, "eps", eps, 0, Infinity, true);
    checkInt(op, "minSamples", minSamples, 1);
    checkChoice(op, "metric", metric, ["euclidean", "manhattan"] as const);
    const { data, rows: n, cols: d } = this.fitMatrix(X);
    const neighbours = radiusNeighbours(data, n, d, eps, metric);
    const isCore = neighbours.map((list) => list.length >= minSamples);
    // scikit-learn's dbscan_inner: depth-first growth from each unlabelled core sample in index order.
    const labels = new Int32Array(n).fill(-1);
    let cluster = 0;
    const stack: number[] = [];
    for (let start = 0; start < n; start++) {
      if (labels[start] !== -1 || !isCore[start]) continue;
      let i = start;
      for (;;) {
        if (labels[i] === -1) {
          labels[i] = cluster;
          if (isCore[i]) for (const j of neighbours[i]) if (labels[j] === -1) stack.push(j);
        }
        if (stack.length === 0) break;
        i = stack.pop()!;
      }
      cluster++;
    }
    const core: number[] = [];
    isCore.forEach((c, i) => c && core.push(i));
    this.labels = labels;
    this.core = Int32Array.from(core);
    this.coreData = new Float64Array(core.length * d);
    core.forEach((i, r) => this.coreData.set(data.subarray(i * d, i * d + d), r * d));
    this.markFitted(d);
    return this;
  }

  /** fit(X), then the training labels (int32 [nSamples], -1 = noise). */
  fitPredict(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).labels_;
  }
}

/** For each sample, the samples within `eps` of it (itself included), in index order. */
function radiusNeighbours(data: Float64Array, n: number, d: number, eps: number, metric: "euclidean" | "manhattan"): number[][] {
  const lists: number[][] = Array.from({ length: n }, () => []);
  const r = metric === "euclidean" ? eps * eps : eps;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    lists[i].push(i);
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      if (metric === "euclidean") {
        for (let k = 0; k < d && s <= r; k++) {
          const t = data[oi + k] - data[oj + k];
          s += t * t;
        }
      } else {
        for (let k = 0; k < d && s <= r; k++) s += Math.abs(data[oi + k] - data[oj + k]);
      }
      if (s <= r) {
        lists[i].push(j);
        lists[j].push(i);
      }
    }
  }
  return lists;
}
