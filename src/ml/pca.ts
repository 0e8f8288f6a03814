// PCA: principal component analysis by the eigendecomposition of the (smaller) Gram matrix, in float64.
// The products (centring, Gram matrix, projections) are ds ops on float64 tensors, the
// eigendecomposition ds.linalg.eigh: the backend's kernels do the O(n·p²) work.
import { type Tensor, matmul, mean as meanOf, sub, mul, sum, transpose, narrow } from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { ArgumentError, ShapeError } from "../core/errors.js";
import { BaseEstimator, matrixTensor, vectorTensor, checkNumber, toMatrix, type Matrix, type MatrixInput } from "./base.js";
import { symmetricEigen } from "./eigen.js";

export interface PCAParams {
  /**
   * How many components to keep: a whole number, a fraction in (0, 1) (keep enough components to
   * explain that share of the variance), or null for all min(nSamples, nFeatures). Default null.
   */
  nComponents: number | null;
  /** Scale the projections to unit variance (default false). */
  whiten: boolean;
}

/**
 * Principal component analysis, as scikit-learn's PCA with the full solver: components are the
 * right singular vectors of the centred data, signed as scikit-learn signs them (the largest entry
 * of each projection is positive), with the explained variance and its ratio.
 * @example const pca = new ml.PCA({ nComponents: 2 }).fit(X); const Z = pca.transform(X); pca.explainedVarianceRatio_
 */
export class PCA extends BaseEstimator<PCAParams> {
  /** Number of components kept. */
  nComponents_ = 0;
  /** Number of samples seen by fit. */
  nSamples_ = 0;
  /** Mean of the training noise variance beyond the kept components (0 when all are kept). */
  noiseVariance_ = 0;
  private mean: Float64Array = new Float64Array(0);
  private comps: Float64Array = new Float64Array(0); // k×p, row-major
  private variance: Float64Array = new Float64Array(0);
  private ratio: Float64Array = new Float64Array(0);
  private singular: Float64Array = new Float64Array(0);
  private trainScores: Float64Array | null = null;
  private keepScores = false;

  constructor(opts: Partial<PCAParams> = {}) {
    super({ nComponents: null, whiten: false }, opts);
  }

  /** Principal axes, float64 [nComponents, nFeatures], by decreasing explained variance. */
  get components_(): Tensor {
    this.checkFitted("components_");
    return matrixTensor(this.comps.slice(), this.nComponents_, this.nFeaturesIn_);
  }
  /** Variance explained by each component (eigenvalues of the covariance, ddof 1), float64 [nComponents]. */
  get explainedVariance_(): Tensor {
    this.checkFitted("explainedVariance_");
    return vectorTensor(this.variance.slice());
  }
  /** Share of the total variance explained by each component, float64 [nComponents]. */
  get explainedVarianceRatio_(): Tensor {
    this.checkFitted("explainedVarianceRatio_");
    return vectorTensor(this.ratio.slice());
  }
  /** Singular values of the centred data for the kept components, float64 [nComponents]. */
  get singularValues_(): Tensor {
    this.checkFitted("singularValues_");
    return vectorTensor(this.singular.slice());
  }
  /** Per-feature mean of the training data, float64 [nFeatures]. */
  get mean_(): Tensor {
    this.checkFitted("mean_");
    return vectorTensor(this.mean.slice());
  }

  /** Fits the components to X ([nSamples, nFeatures]); `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const op = this.name("fit");
    const { data, rows: n, cols: p } = this.fitMatrix(X);
    if (n < 2) throw new ArgumentError(op, `PCA needs at least 2 samples, got ${n}`);
    const maxK = Math.min(n, p);
    const nc = this.params.nComponents;
    if (nc !== null) {
      checkNumber(op, "nComponents", nc, 0, maxK, true);
      if (nc >= 1 && !Number.isInteger(nc)) throw new ArgumentError(op, `nComponents must be a whole number or a fraction in (0, 1), got ${nc}`);
    }
    const Xt = matrixTensor(data, n, p);
    const mean = Float64Array.from(meanOf(Xt, 0).dataSync());
    // Eigenvalues of XcᵀXc are the squared singular values; use whichever Gram matrix is smaller.
    let lambda: Float64Array, V: Tensor; // V: p×maxK, column k = component k
    const { Xc, total } = frame(() => {
      const Xc = sub(Xt, vectorTensor(mean));
      return { Xc, total: sum(mul(Xc, Xc)).item() / (n - 1) };
    });
    if (p <= n) {
      const eig = symmetricEigen(frame(() => matmul(transpose(Xc, 0, 1), Xc)), p);
      lambda = eig.values.subarray(0, maxK);
      const v = new Float64Array(p * maxK);
      for (let i = 0; i < p; i++) for (let k = 0; k < maxK; k++) v[i * maxK + k] = eig.vectors[i * p + k];
      V = matrixTensor(v, p, maxK);
    } else {
      // Wide data: eigenvectors u of XcXcᵀ give the components Xcᵀu / σ.
      const eig = symmetricEigen(frame(() => matmul(Xc, transpose(Xc, 0, 1))), n);
      lambda = eig.values;
      const u = new Float64Array(n * maxK);
      for (let k = 0; k < maxK; k++) {
        const s = Math.sqrt(Math.max(lambda[k], 0));
        if (s === 0) continue;
        for (let i = 0; i < n; i++) u[i * maxK + k] = eig.vectors[i * n + k] / s;
      }
      V = frame(() => matmul(transpose(Xc, 0, 1), matrixTensor(u, n, maxK)));
    }
    const variance = new Float64Array(maxK), ratio = new Float64Array(maxK);
    for (let k = 0; k < maxK; k++) {
      variance[k] = Math.max(lambda[k], 0) / (n - 1);
      ratio[k] = total > 0 ? variance[k] / total : 0;
    }
    let k = nc === null ? maxK : nc;
    if (nc !== null && nc < 1) {
      // The fewest components whose cumulative ratio exceeds nc (searchsorted side="right", + 1).
      let cum = 0;
      k = 0;
      while (k < maxK && cum + ratio[k] <= nc) cum += ratio[k++];
      k = Math.min(k + 1, maxK);
    }
    // Projections of the training data on the kept components (U·S): one product.
    const Vk = frame(() => narrow(V, 1, 0, k));
    const scores = Float64Array.from(frame(() => matmul(Xc, Vk)).dataSync());
    const Vd = Vk.dataSync();
    // Sign as scikit-learn's svd_flip: the projection (column of U) with the largest |value| is positive.
    const comps = new Float64Array(k * p);
    for (let c = 0; c < k; c++) {
      let best = 0, bestAbs = -1;
      for (let i = 0; i < n; i++) {
        const u = scores[i * k + c];
        if (Math.abs(u) > bestAbs) { bestAbs = Math.abs(u); best = u; }
      }
      const sign = best < 0 ? -1 : 1;
      for (let j = 0; j < p; j++) comps[c * p + j] = sign * Vd[j * k + c];
      if (sign < 0) for (let i = 0; i < n; i++) scores[i * k + c] = -scores[i * k + c];
    }
    this.trainScores = this.keepScores ? scores : null;
    let noise = 0;
    for (let c = k; c < maxK; c++) noise += variance[c];
    this.noiseVariance_ = k < maxK ? noise / (maxK - k) : 0;
    this.mean = mean;
    this.comps = comps;
    this.variance = variance.slice(0, k);
    this.ratio = ratio.slice(0, k);
    this.singular = this.variance.map((v) => Math.sqrt(v * (n - 1)));
    this.nComponents_ = k;
    this.nSamples_ = n;
    this.markFitted(p);
    return this;
  }

  /** Projects X onto the components: float64 [nSamples, nComponents] (unit variance with `whiten`). */
  transform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("transform", X);
    return matrixTensor(this.project(m), m.rows, this.nComponents_);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixInput, _y?: unknown): Tensor {
    this.keepScores = true;
    try {
      this.fit(X);
    } finally {
      this.keepScores = false;
    }
    // The projections computed while fitting (scikit-learn's U·S), whitened if asked.
    const Z = this.trainScores!, k = this.nComponents_;
    this.trainScores = null;
    if (this.params.whiten) for (let t = 0; t < Z.length; t++) Z[t] /= Math.sqrt(this.variance[t % k]);
    return matrixTensor(Z, this.nSamples_, k);
  }

  /** Maps projections back to feature space: float64 [nSamples, nFeatures]. */
  inverseTransform(Z: MatrixInput): Tensor {
    this.checkFitted("inverseTransform");
    const k = this.nComponents_, p = this.nFeaturesIn_;
    const { data, rows } = this.checkedProjections(Z);
    const out = new Float64Array(rows * p);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < p; j++) out[i * p + j] = this.mean[j];
      for (let c = 0; c < k; c++) {
        const z = data[i * k + c] * (this.params.whiten ? Math.sqrt(this.variance[c]) : 1);
        for (let j = 0; j < p; j++) out[i * p + j] += z * this.comps[c * p + j];
      }
    }
    return matrixTensor(out, rows, p);
  }

  private checkedProjections(Z: MatrixInput): Matrix {
    const op = this.name("inverseTransform");
    const m = toMatrix(op, Z);
    if (m.cols !== this.nComponents_) throw new ShapeError(op, `Z has ${m.cols} columns, but PCA keeps ${this.nComponents_} components`);
    return m;
  }

  /** (X − mean)·componentsᵀ, whitened if asked: one product on the backend. */
  private project(m: Matrix): Float64Array {
    const k = this.nComponents_, p = this.nFeaturesIn_;
    const out = Float64Array.from(frame(() =>
      matmul(sub(matrixTensor(m.data, m.rows, p), vectorTensor(this.mean)), transpose(matrixTensor(this.comps, k, p), 0, 1))).dataSync());
    if (this.params.whiten) for (let t = 0; t < out.length; t++) out[t] /= Math.sqrt(this.variance[t % k]);
    return out;
  }
}
