// Gaussian naive Bayes: per-class feature means and variances, independent normal likelihoods.
import type { Tensor } from "../tensor/index.js";
import { ArgumentError } from "../core/errors.js";
import { Classifier, matrixTensor, argmaxRows, checkNumber, type Matrix, type MatrixInput, type TargetInput } from "./base.js";

export interface GaussianNBOptions {
  /** Class prior probabilities (in `classes_` order); null estimates them from the data. */
  priors: number[] | null;
  /** Fraction of the largest feature variance added to every variance, for stability. Default 1e-9. */
  varSmoothing: number;
}

/**
 * Gaussian naive Bayes, as scikit-learn's `GaussianNB`.
 * @example new ml.GaussianNB().fit(X, y).predictProba(X)
 */
export class GaussianNB extends Classifier<GaussianNBOptions> {
  private mu: Float64Array = new Float64Array(0);
  private sigma2: Float64Array = new Float64Array(0);
  private logPrior: Float64Array = new Float64Array(0);
  private prior: Float64Array = new Float64Array(0);
  /** Count of training samples per class. */
  classCount_: number[] = [];
  /** The variance floor that was added: varSmoothing · max feature variance. */
  epsilon_ = 0;

  constructor(opts: Partial<GaussianNBOptions> = {}) {
    super({ priors: null, varSmoothing: 1e-9 }, opts);
  }

  /** Per-class feature means, float64 [nClasses, nFeatures]. */
  get theta_(): Tensor {
    this.checkFitted("theta_");
    return matrixTensor(this.mu.slice(), this.classes_.length, this.nFeaturesIn_);
  }
  /** Per-class feature variances (smoothed), float64 [nClasses, nFeatures]. */
  get var_(): Tensor {
    this.checkFitted("var_");
    return matrixTensor(this.sigma2.slice(), this.classes_.length, this.nFeaturesIn_);
  }
  /** Class priors in `classes_` order. */
  get classPrior_(): number[] {
    this.checkFitted("classPrior_");
    return Array.from(this.prior);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkNumber(op, "varSmoothing", this.params.varSmoothing, 0);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows, 1);
    const { data, rows: n, cols: d } = m, K = this.classes_.length;
    const cnt = new Float64Array(K), mu = new Float64Array(K * d), s2 = new Float64Array(K * d);
    for (let i = 0; i < n; i++) {
      const k = yi[i];
      cnt[k]++;
      for (let j = 0; j < d; j++) mu[k * d + j] += data[i * d + j];
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) mu[k * d + j] /= cnt[k];
    for (let i = 0; i < n; i++) {
      const k = yi[i];
      for (let j = 0; j < d; j++) { const r = data[i * d + j] - mu[k * d + j]; s2[k * d + j] += r * r; }
    }
    // epsilon from the overall per-feature variance (two-pass, like NumPy's var)
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += data[i * d + j];
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * d + j] - mean) ** 2;
      maxVar = Math.max(maxVar, v / n);
    }
    const eps = this.params.varSmoothing * maxVar;
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) s2[k * d + j] = s2[k * d + j] / cnt[k] + eps;
    let prior: Float64Array;
    if (this.params.priors) {
      const p = this.params.priors;
      if (p.length !== K) throw new ArgumentError(op, `priors has ${p.length} entries but y has ${K} classes`);
      const sum = p.reduce((a, b) => a + b, 0);
      if (p.some((v) => v < 0) || Math.abs(sum - 1) > 1e-8) throw new ArgumentError(op, `priors must be non-negative and sum to 1, got sum ${sum}`);
      prior = Float64Array.from(p);
    } else prior = cnt.map((c) => c / n);
    this.mu = mu;
    this.sigma2 = s2;
    this.prior = prior;
    this.logPrior = prior.map(Math.log);
    this.classCount_ = Array.from(cnt);
    this.epsilon_ = eps;
    this.markFitted(d);
    return this;
  }

  private jointLogLikelihood(X: Matrix): Float64Array {
    const { data, rows, cols: d } = X, K = this.classes_.length;
    const out = new Float64Array(rows * K);
    const norm = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.log(2 * Math.PI * this.sigma2[k * d + j]);
      norm[k] = this.logPrior[k] - 0.5 * s;
    }
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) { const r = data[i * d + j] - this.mu[k * d + j]; s += (r * r) / this.sigma2[k * d + j]; }
        out[i * K + k] = norm[k] - 0.5 * s;
      }
    }
    return out;
  }

  /** Log class probabilities, float64 [nSamples, nClasses]. */
  predictLogProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictLogProba", X);
    return matrixTensor(this.logProba(m), m.rows, this.classes_.length);
  }

  /** Class probabilities, float64 [nSamples, nClasses]. */
  predictProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictProba", X);
    return matrixTensor(this.logProba(m).map(Math.exp), m.rows, this.classes_.length);
  }

  private logProba(X: Matrix): Float64Array {
    const j = this.jointLogLikelihood(X), K = this.classes_.length;
    for (let i = 0; i < X.rows; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) mx = Math.max(mx, j[i * K + k]);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(j[i * K + k] - mx);
      const lse = mx + Math.log(s);
      for (let k = 0; k < K; k++) j[i * K + k] -= lse;
    }
    return j;
  }

  protected predictIndices(X: Matrix): Int32Array {
    return argmaxRows(this.jointLogLikelihood(X), X.rows, this.classes_.length);
  }
}
