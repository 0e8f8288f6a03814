// Feature scaling: StandardScaler (zero mean, unit variance) and MinMaxScaler (to a range); NaN passes through.
import type { Tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { BaseEstimator, matrixTensor, vectorTensor, type Matrix, type MatrixInput } from "../base.js";

const EPS = 2.220446049250313e-16;

/** Per-column count, mean and population variance of the non-NaN entries (two passes). */
function columnStats(m: Matrix): { count: Float64Array; mean: Float64Array; variance: Float64Array; min: Float64Array; max: Float64Array } {
  const { data, rows, cols } = m;
  const count = new Float64Array(cols), mean = new Float64Array(cols), variance = new Float64Array(cols);
  const min = new Float64Array(cols).fill(NaN), max = new Float64Array(cols).fill(NaN);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v !== v) continue;
      count[j]++;
      mean[j] += v;
      if (!(v >= min[j])) min[j] = v;
      if (!(v <= max[j])) max[j] = v;
    }
  }
  for (let j = 0; j < cols; j++) mean[j] = count[j] > 0 ? mean[j] / count[j] : NaN;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j];
      if (v === v) variance[j] += (v - mean[j]) ** 2;
    }
  }
  for (let j = 0; j < cols; j++) variance[j] = count[j] > 0 ? variance[j] / count[j] : NaN;
  return { count, mean, variance, min, max };
}

/** Applies out[i,j] = (x[i,j] - shift[j]) / div[j] (NaN stays NaN), in scikit-learn's order of operations. */
function affine(m: Matrix, shift: Float64Array, div: Float64Array): Float64Array {
  const { data, rows, cols } = m;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = (data[i * cols + j] - shift[j]) / div[j];
  return out;
}

export interface StandardScalerParams {
  /** Subtract the mean (default true). */
  withMean: boolean;
  /** Divide by the standard deviation (default true). */
  withStd: boolean;
}

/**
 * Standardises features to zero mean and unit variance (population variance, as scikit-learn);
 * constant features keep scale 1. NaN is ignored when fitting and kept when transforming.
 * @example const scaler = new ml.StandardScaler().fit(Xtrain); const Xs = scaler.transform(Xtest);
 */
export class StandardScaler extends BaseEstimator<StandardScalerParams> {
  /** Number of non-NaN samples per feature seen by fit. */
  nSamplesSeen_: number[] = [];
  private mean: Float64Array = new Float64Array(0);
  private variance: Float64Array = new Float64Array(0);
  private scale: Float64Array = new Float64Array(0);

  constructor(opts: Partial<StandardScalerParams> = {}) {
    super({ withMean: true, withStd: true }, opts);
  }

  /** Per-feature mean, float64 [nFeatures]. */
  get mean_(): Tensor {
    this.checkFitted("mean_");
    return vectorTensor(this.mean.slice());
  }
  /** Per-feature population variance, float64 [nFeatures]. */
  get var_(): Tensor {
    this.checkFitted("var_");
    return vectorTensor(this.variance.slice());
  }
  /** Per-feature divisor (standard deviation; 1 for constant features), float64 [nFeatures]. */
  get scale_(): Tensor {
    this.checkFitted("scale_");
    return vectorTensor(this.scale.slice());
  }

  /** Learns the mean and standard deviation of each feature of X; `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const m = this.fitMatrix(X, { allowNaN: true });
    const { count, mean, variance } = columnStats(m);
    this.scale = variance.map((v, j) => {
      const n = count[j];
      const constant = !(v > n * EPS * v + (n * mean[j] * EPS) ** 2);
      return constant ? 1 : Math.sqrt(v);
    });
    this.mean = mean;
    this.variance = variance;
    this.nSamplesSeen_ = Array.from(count);
    this.markFitted(m.cols);
    return this;
  }

  /** (X - mean) / scale, float64 [nSamples, nFeatures]. */
  transform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("transform", X, { allowNaN: true });
    const out = affine(m, this.shift(), this.params.withStd ? this.scale : new Float64Array(m.cols).fill(1));
    return matrixTensor(out, m.rows, m.cols);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).transform(X);
  }

  /** X · scale + mean: undoes transform. */
  inverseTransform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("inverseTransform", X, { allowNaN: true });
    const { data, rows, cols } = m;
    const shift = this.shift();
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * cols + j] * (this.params.withStd ? this.scale[j] : 1) + shift[j];
    }
    return matrixTensor(out, rows, cols);
  }

  private shift(): Float64Array {
    return this.params.withMean ? this.mean : new Float64Array(this.mean.length);
  }
}

export interface MinMaxScalerParams {
  /** Target range [min, max] of each feature (default [0, 1]). */
  featureRange: [number, number];
  /** Clip transformed values to the range (default false). */
  clip: boolean;
}

/**
 * Scales each feature linearly so the training data spans `featureRange` (default [0, 1]);
 * constant features are only shifted. NaN is ignored when fitting and kept when transforming.
 * @example const Xs = new ml.MinMaxScaler({ featureRange: [-1, 1] }).fitTransform(X);
 */
export class MinMaxScaler extends BaseEstimator<MinMaxScalerParams> {
  private dataMin: Float64Array = new Float64Array(0);
  private dataMax: Float64Array = new Float64Array(0);
  private scale: Float64Array = new Float64Array(0);
  private minShift: Float64Array = new Float64Array(0);

  constructor(opts: Partial<MinMaxScalerParams> = {}) {
    super({ featureRange: [0, 1], clip: false }, opts);
  }

  /** Per-feature minimum seen by fit, float64 [nFeatures]. */
  get dataMin_(): Tensor {
    this.checkFitted("dataMin_");
    return vectorTensor(this.dataMin.slice());
  }
  /** Per-feature maximum seen by fit, float64 [nFeatures]. */
  get dataMax_(): Tensor {
    this.checkFitted("dataMax_");
    return vectorTensor(this.dataMax.slice());
  }
  /** Per-feature range (max - min), float64 [nFeatures]. */
  get dataRange_(): Tensor {
    this.checkFitted("dataRange_");
    return vectorTensor(this.dataMax.map((v, j) => v - this.dataMin[j]));
  }
  /** Per-feature factor of transform (X · scale_ + min_), float64 [nFeatures]. */
  get scale_(): Tensor {
    this.checkFitted("scale_");
    return vectorTensor(this.scale.slice());
  }
  /** Per-feature offset of transform (X · scale_ + min_), float64 [nFeatures]. */
  get min_(): Tensor {
    this.checkFitted("min_");
    return vectorTensor(this.minShift.slice());
  }

  /** Learns each feature's minimum and maximum; `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const op = this.name("fit");
    const [lo, hi] = this.params.featureRange;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) {
      throw new ArgumentError(op, `featureRange must be [min, max] with min < max, got ${JSON.stringify(this.params.featureRange)}`);
    }
    const m = this.fitMatrix(X, { allowNaN: true });
    const { min, max } = columnStats(m);
    this.dataMin = min;
    this.dataMax = max;
    this.scale = min.map((v, j) => {
      const range = max[j] - v;
      return (hi - lo) / (range < 10 * EPS ? 1 : range);
    });
    this.minShift = min.map((v, j) => lo - v * this.scale[j]);
    this.markFitted(m.cols);
    return this;
  }

  /** X · scale_ + min_, float64 [nSamples, nFeatures] (clipped to the range with `clip`). */
  transform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("transform", X, { allowNaN: true });
    const { data, rows, cols } = m;
    const [lo, hi] = this.params.featureRange;
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let v = data[i * cols + j] * this.scale[j] + this.minShift[j];
        if (this.params.clip) v = Math.min(Math.max(v, lo), hi);
        out[i * cols + j] = v;
      }
    }
    return matrixTensor(out, rows, cols);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).transform(X);
  }

  /** (X - min_) / scale_: undoes transform. */
  inverseTransform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("inverseTransform", X, { allowNaN: true });
    const out = affine(m, this.minShift, this.scale);
    return matrixTensor(out, m.rows, m.cols);
  }
}
