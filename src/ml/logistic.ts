// Logistic regression: binary logistic or multinomial (softmax) log-loss with an L2 penalty, by L-BFGS.
// The loss, its gradient and the scores are ds ops on float64 tensors (two GEMMs per evaluation).
import { type Tensor, matmul, transpose, sub, mul, add, sum, exp, log, log1p, abs, relu, neg, sigmoid, max as maxOf, div } from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { ProbabilisticClassifier, matrixTensor, vectorTensor, argmaxRows, checkNumber, checkInt, checkChoice, type Matrix, type MatrixInput, type TargetInput } from "./base.js";
import { lbfgs } from "./optimize.js";

/**
 * The mean-free log-loss Σᵢ and its gradient Rᵀ·Xa for weights W [nOut, stride] (Xa: X with the
 * intercept column, [n, stride]; Y: targets, [n, 1] for the binary loss, one-hot [n, nOut] else).
 * Binary: log(1 + e^z) − y·z with residual σ(z) − y; multinomial: logsumexp(z) − z_y with
 * residual softmax(z) − y. Written with the max shifted out, so no exp overflows.
 */
function logLoss(Xa: Tensor, Y: Tensor, W: Tensor, binary: boolean): { loss: Tensor; grad: Tensor } {
  return frame(() => {
    const Z = matmul(Xa, transpose(W, 0, 1));
    let loss: Tensor, R: Tensor;
    if (binary) {
      loss = sum(sub(add(relu(Z), log1p(exp(neg(abs(Z))))), mul(Y, Z)));
      R = sub(sigmoid(Z), Y);
    } else {
      const Zs = sub(Z, maxOf(Z, 1, true)), E = exp(Zs), se = sum(E, 1, true);
      loss = sub(sum(log(se)), sum(mul(Zs, Y)));
      R = sub(div(E, se), Y);
    }
    return { loss, grad: matmul(transpose(R, 0, 1), Xa) };
  });
}

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
export class LogisticRegression extends ProbabilisticClassifier<LogisticRegressionOptions> {
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
    // Xa is X with a column of ones (zeros without an intercept, which then stays 0).
    const Xa = new Float64Array(n * stride), Yv = new Float64Array(n * nOut);
    const one = fitIntercept ? 1 : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) Xa[i * stride + j] = data[i * d + j];
      Xa[i * stride + d] = one;
      if (nOut === 1) Yv[i] = yi[i];
      else Yv[i * nOut + yi[i]] = 1;
    }
    const XaM = matrixTensor(Xa, n, stride), Y = matrixTensor(Yv, n, nOut);
    const fg = (w: Float64Array, g: Float64Array): number => {
      const loss = frame(() => {
        const r = logLoss(XaM, Y, matrixTensor(w, nOut, stride), nOut === 1);
        g.set(r.grad.dataSync());
        return r.loss.item() / n;
      });
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

  /** X·coefᵀ + intercept, [rows, nOut]: one GEMM. */
  private scores(X: Matrix): Float64Array {
    const { data, rows, cols: d } = X, nOut = this.nOut, W = this.W;
    const coef = new Float64Array(nOut * d), b = new Float64Array(nOut);
    for (let k = 0; k < nOut; k++) {
      coef.set(W.subarray(k * (d + 1), k * (d + 1) + d), k * d);
      b[k] = W[k * (d + 1) + d];
    }
    return Float64Array.from(frame(() => add(matmul(matrixTensor(data, rows, d), transpose(matrixTensor(coef, nOut, d), 0, 1)), vectorTensor(b))).dataSync());
  }

  protected proba(X: Matrix): Float64Array {
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


  /** Raw scores: float64 [nSamples] for two classes (positive favours classes_[1]), else [nSamples, nClasses]. */
  decisionFunction(X: MatrixInput): Tensor {
    const m = this.inputMatrix("decisionFunction", X);
    const z = this.scores(m);
    return this.nOut === 1 ? vectorTensor(z) : matrixTensor(z, m.rows, this.nOut);
  }

  protected override predictIndices(X: Matrix): Int32Array {
    const z = this.scores(X);
    if (this.nOut === 1) return Int32Array.from(z, (s) => (s > 0 ? 1 : 0));
    return argmaxRows(z, X.rows, this.nOut);
  }
}
