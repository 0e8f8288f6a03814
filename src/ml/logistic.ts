// Logistic regression: binary logistic or multinomial (softmax) log-loss with an L2 penalty, by L-BFGS.
import type { Tensor } from "../tensor/index.js";
import { Classifier, matrixTensor, vectorTensor, argmaxRows, checkNumber, checkInt, checkChoice, type Matrix, type MatrixInput, type TargetInput } from "./base.js";
import { lbfgs } from "./optimize.js";
import { dotRows } from "./neighbors.js";

export interface LogisticRegressionOptions {
  /** "l2" (default) or null for no penalty. */
  penalty: "l2" | null;
  /** Inverse regularisation strength: the objective is Σ logloss + ||W||² / (2C). Default 1. */
  C: number;
  /** Fit an (unpenalised) intercept. Default true. */
  fitIntercept: boolean;
  /** L-BFGS iterations at most. Default 100. */
  maxIter: number;
  /** Stop when the largest gradient entry (of the mean loss) is ≤ tol. Default 1e-4. */
  tol: number;
}

/**
 * Logistic regression, scikit-learn's default (lbfgs, L2, multinomial for more than two classes).
 * @example
 * const clf = new ml.LogisticRegression({ C: 10 }).fit(X, y);
 * clf.predictProba(X); // [nSamples, nClasses]
 */
export class LogisticRegression extends Classifier<LogisticRegressionOptions> {
  /** Iterations used by the last fit. */
  nIter_ = 0;
  // Weights: nOut rows of (nFeatures + 1), intercept last. nOut = 1 for two classes.
  private W: Float64Array = new Float64Array(0);
  private nOut = 0;

  constructor(opts: Partial<LogisticRegressionOptions> = {}) {
    super({ penalty: "l2", C: 1.0, fitIntercept: true, maxIter: 100, tol: 1e-4 }, opts);
  }

  /** Coefficients, float64 [1, nFeatures] for two classes, [nClasses, nFeatures] otherwise. */
  get coef_(): Tensor {
    this.checkFitted("coef_");
    const d = this.nFeaturesIn_, out = new Float64Array(this.nOut * d);
    for (let k = 0; k < this.nOut; k++) for (let j = 0; j < d; j++) out[k * d + j] = this.W[k * (d + 1) + j];
    return matrixTensor(out, this.nOut, d);
  }
  /** Intercepts, float64 [1] or [nClasses]. */
  get intercept_(): Tensor {
    this.checkFitted("intercept_");
    const d = this.nFeaturesIn_;
    return vectorTensor(Float64Array.from({ length: this.nOut }, (_, k) => this.W[k * (d + 1) + d]));
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    const { penalty, C, fitIntercept, maxIter, tol } = this.params;
    checkChoice(op, "penalty", penalty ?? "none", ["l2", "none"]);
    checkNumber(op, "C", C, 0, Infinity, true);
    checkInt(op, "maxIter", maxIter, 0);
    checkNumber(op, "tol", tol, 0);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows);
    const K = this.classes_.length, { rows: n, cols: d, data } = m;
    const nOut = K === 2 ? 1 : K, stride = d + 1;
    const l2 = penalty === "l2" ? 1 / (C * n) : 0;
    // Both products are GEMMs on the tiled kernel: Z = Xa·Wᵀ and ∇ = Rᵀ·Xa, where Xa is X with a
    // column of ones (zeros without an intercept, which then stays 0) and R = P − Y.
    const Xa = new Float64Array(n * stride), XaT = new Float64Array(stride * n);
    const one = fitIntercept ? 1 : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) Xa[i * stride + j] = XaT[j * n + i] = data[i * d + j];
      Xa[i * stride + d] = XaT[d * n + i] = one;
    }
    const Z = new Float64Array(n * nOut), Rt = new Float64Array(nOut * n);
    const fg = (w: Float64Array, g: Float64Array): number => {
      dotRows(Xa, n, w, nOut, stride, Z);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const t = yi[i];
        if (nOut === 1) {
          // Binary: loss = log(1 + e^z) − y·z, residual σ(z) − y
          const s = Z[i];
          loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - t * s;
          Rt[i] = (s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s))) - t;
          continue;
        }
        const o = i * nOut;
        let mx = -Infinity;
        for (let k = 0; k < nOut; k++) if (Z[o + k] > mx) mx = Z[o + k];
        let se = 0;
        for (let k = 0; k < nOut; k++) { const e = Math.exp(Z[o + k] - mx); Z[o + k] = e; se += e; }
        loss += Math.log(se) - Math.log(Z[o + t]);
        for (let k = 0; k < nOut; k++) Rt[k * n + i] = Z[o + k] / se - (k === t ? 1 : 0);
      }
      dotRows(Rt, nOut, XaT, stride, n, g);
      loss /= n;
      let pen = 0;
      for (let k = 0; k < nOut; k++) {
        const wo = k * stride;
        for (let j = 0; j < d; j++) {
          g[wo + j] = g[wo + j] / n + l2 * w[wo + j];
          pen += w[wo + j] * w[wo + j];
        }
        g[wo + d] /= n;
      }
      return loss + 0.5 * l2 * pen;
    };
    const res = lbfgs(fg, new Float64Array(nOut * stride), { maxIter, gtol: tol });
    this.W = res.x;
    this.nOut = nOut;
    this.nIter_ = res.nIter;
    this.markFitted(d);
    return this;
  }

  private scores(X: Matrix): Float64Array {
    const { data, rows, cols: d } = X, nOut = this.nOut, W = this.W;
    const out = new Float64Array(rows * nOut);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < nOut; k++) {
        const wo = k * (d + 1);
        let s = W[wo + d];
        for (let j = 0; j < d; j++) s += W[wo + j] * data[i * d + j];
        out[i * nOut + k] = s;
      }
    }
    return out;
  }

  private proba(X: Matrix): Float64Array {
    const z = this.scores(X), K = this.classes_.length, n = X.rows;
    const p = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      if (this.nOut === 1) {
        const s = z[i];
        const p1 = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
        p[2 * i] = 1 - p1;
        p[2 * i + 1] = p1;
      } else {
        let mx = -Infinity;
        for (let k = 0; k < K; k++) mx = Math.max(mx, z[i * K + k]);
        let se = 0;
        for (let k = 0; k < K; k++) { const e = Math.exp(z[i * K + k] - mx); p[i * K + k] = e; se += e; }
        for (let k = 0; k < K; k++) p[i * K + k] /= se;
      }
    }
    return p;
  }

  /** Class probabilities, float64 [nSamples, nClasses] (columns in `classes_` order). */
  predictProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictProba", X);
    return matrixTensor(this.proba(m), m.rows, this.classes_.length);
  }

  /** Raw scores: float64 [nSamples] for two classes (positive favours classes_[1]), else [nSamples, nClasses]. */
  decisionFunction(X: MatrixInput): Tensor {
    const m = this.inputMatrix("decisionFunction", X);
    const z = this.scores(m);
    return this.nOut === 1 ? vectorTensor(z) : matrixTensor(z, m.rows, this.nOut);
  }

  protected predictIndices(X: Matrix): Int32Array {
    const z = this.scores(X);
    if (this.nOut === 1) return Int32Array.from(z, (s) => (s > 0 ? 1 : 0));
    return argmaxRows(z, X.rows, this.nOut);
  }
}
