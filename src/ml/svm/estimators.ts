// Support vector machines: SVC (one-vs-one, optional Platt probabilities) and epsilon-SVR, trained by
// libsvm's SMO solver (svm/solver.ts) on the kernels of svm/kernel.ts.
import type { Tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import {
  Classifier, Regressor, matrixTensor, vectorTensor, toTargets, rngFrom, checkChoice, checkNumber,
  type Matrix, type MatrixInput, type TargetInput,
} from "../base.js";
import { KernelFn, rowsKernel, rowNorms2 } from "./kernel.js";
import { SVRQ, solveSMO, trainBinary, type BinaryModel } from "./solver.js";
import { coupleProbabilities, plattFit, sigmoidPredict } from "./platt.js";
import { SVM, checkSVM, resolveGamma, type SVMOptions } from "./options.js";

/** Rows of X per prediction block (kernel values against every support vector, shared by all pairs). */
const BLOCK = 64;

export interface SVCOptions extends SVMOptions {
  /** Fit Platt-scaled probabilities (5-fold internal cross-validation; 5× slower fit). Default false. */
  probability: boolean;
  /** Seed of the probability cross-validation folds. */
  seed: number | null;
}

/**
 * C-support vector classification, as scikit-learn's `SVC` (libsvm's SMO, one-vs-one for more than two classes).
 * @example new ml.SVC({ kernel: "rbf", C: 10, gamma: "scale" }).fit(X, y).predict(Xt)
 */
export class SVC extends Classifier<SVCOptions> {
  private kernelFn: KernelFn | null = null;
  private models: BinaryModel[] = [];
  private svX: Float64Array = new Float64Array(0);
  /** Number of support vectors per class. */
  nSupport_: number[] = [];
  /** Indices of the support vectors in the training data, grouped by class. */
  support_: number[] = [];
  /** The gamma in effect after "scale"/"auto" were resolved. */
  gamma_ = 0;
  /** Solver iterations per binary problem. */
  nIter_: number[] = [];

  constructor(opts: Partial<SVCOptions> = {}) {
    super({ ...SVM, probability: false, seed: null }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkSVM(op, this.params);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows);
    const o = this.params, K = this.classes_.length;
    this.gamma_ = resolveGamma(o, m);
    const byClass: number[][] = Array.from({ length: K }, () => []);
    for (let i = 0; i < m.rows; i++) byClass[yi[i]].push(i);
    const models: BinaryModel[] = [];
    const rng = rngFrom(o.seed);
    this.nIter_ = [];
    for (let a = 0; a < K; a++) {
      for (let b = a + 1; b < K; b++) {
        const idx = Int32Array.from([...byClass[a], ...byClass[b]]);
        const yy = Int8Array.from(idx, (_, t) => (t < byClass[a].length ? 1 : -1));
        const model = trainBinary(m, idx, yy, o.C, o, this.gamma_);
        this.nIter_.push(model.nIter);
        if (o.probability) [model.probA, model.probB] = plattFit(m, idx, yy, o.C, o, this.gamma_, rng);
        models.push(model);
      }
    }
    // Keep only the support vectors' rows, renumbered.
    const isSV = new Uint8Array(m.rows);
    for (const md of models) for (const s of md.sv) isSV[s] = 1;
    const support: number[] = [];
    this.nSupport_ = byClass.map((rows) => rows.filter((r) => isSV[r]).length);
    for (const rows of byClass) for (const r of rows) if (isSV[r]) support.push(r);
    const remap = new Int32Array(m.rows).fill(-1);
    support.forEach((r, t) => { remap[r] = t; });
    const d = m.cols, svX = new Float64Array(support.length * d);
    support.forEach((r, t) => svX.set(m.data.subarray(r * d, (r + 1) * d), t * d));
    for (const md of models) md.sv = md.sv.map((s) => remap[s]);
    this.svX = svX;
    this.support_ = support;
    this.models = models;
    this.kernelFn = new KernelFn(svX, support.length, d, o.kernel, this.gamma_, o.coef0, o.degree);
    this.markFitted(d);
    return this;
  }

  /** Support vectors, float64 [nSV, nFeatures]. */
  get supportVectors_(): Tensor {
    this.checkFitted("supportVectors_");
    return matrixTensor(this.svX.slice(), this.support_.length, this.nFeaturesIn_);
  }

  /** One-vs-one decision values, [nSamples, nPairs] (pairs (0,1), (0,2), …, (1,2), …); positive favours the first class. */
  private decisions(X: Matrix): Float64Array {
    const k = this.kernelFn!, P = this.models.length, out = new Float64Array(X.rows * P), nsv = k.n;
    const buf = new Float64Array(BLOCK * nsv), zz = rowNorms2(X.data, X.rows, X.cols);
    // SVMKernel values against all support vectors, a block of rows at a time, shared by every pair.
    for (let s0 = 0; s0 < X.rows; s0 += BLOCK) {
      const nb = Math.min(BLOCK, X.rows - s0);
      k.block(X.data, s0, nb, zz, buf);
      for (let r = 0; r < nb; r++) {
        const o = r * nsv, i = s0 + r;
        for (let p = 0; p < P; p++) {
          const md = this.models[p];
          let s = 0;
          for (let t = 0; t < md.sv.length; t++) s += md.coef[t] * buf[o + md.sv[t]];
          out[i * P + p] = s - md.rho;
        }
      }
    }
    return out;
  }

  /** Decision values: float64 [nSamples] for two classes (positive favours classes_[1]), else one-vs-one [nSamples, nPairs]. */
  decisionFunction(X: MatrixInput): Tensor {
    const m = this.inputMatrix("decisionFunction", X);
    const dv = this.decisions(m), P = this.models.length;
    if (P === 1) return vectorTensor(dv.map((v) => -v));
    return matrixTensor(dv, m.rows, P);
  }

  protected predictIndices(X: Matrix): Int32Array {
    const dv = this.decisions(X), K = this.classes_.length, P = this.models.length;
    const out = new Int32Array(X.rows), votes = new Int32Array(K);
    for (let i = 0; i < X.rows; i++) {
      votes.fill(0);
      let p = 0;
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) votes[dv[i * P + p++] > 0 ? a : b]++;
      let best = 0;
      for (let c = 1; c < K; c++) if (votes[c] > votes[best]) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Platt-scaled class probabilities, float64 [nSamples, nClasses]; needs `probability: true`. */
  predictProba(X: MatrixInput): Tensor {
    if (this.fitted && !this.params.probability) {
      throw new ArgumentError(this.name("predictProba"), "probabilities need the model fitted with probability: true");
    }
    const m = this.inputMatrix("predictProba", X);
    const dv = this.decisions(m), K = this.classes_.length, P = this.models.length;
    const out = new Float64Array(m.rows * K), r = new Float64Array(K * K), pr = new Float64Array(K);
    for (let i = 0; i < m.rows; i++) {
      let p = 0;
      for (let a = 0; a < K; a++) for (let b = a + 1; b < K; b++) {
        const md = this.models[p];
        const v = Math.min(Math.max(sigmoidPredict(dv[i * P + p], md.probA, md.probB), 1e-7), 1 - 1e-7);
        r[a * K + b] = v; r[b * K + a] = 1 - v;
        p++;
      }
      if (K === 2) { out[2 * i] = r[1]; out[2 * i + 1] = r[K]; continue; }
      coupleProbabilities(K, r, pr);
      for (let c = 0; c < K; c++) out[i * K + c] = pr[c];
    }
    return matrixTensor(out, m.rows, K);
  }
}

export interface SVROptions extends SVMOptions {
  /** Width of the loss-free tube around the targets. Default 0.1. */
  epsilon: number;
}

/**
 * Epsilon-support vector regression, as scikit-learn's `SVR`.
 * @example new ml.SVR({ C: 10, epsilon: 0.05 }).fit(X, y).predict(Xt)
 */
export class SVR extends Regressor<SVROptions> {
  private kernelFn: KernelFn | null = null;
  private coef: Float64Array = new Float64Array(0);
  private rho = 0;
  support_: number[] = [];
  gamma_ = 0;
  nIter_ = 0;

  constructor(opts: Partial<SVROptions> = {}) {
    super({ ...SVM, epsilon: 0.1 }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkSVM(op, this.params);
    checkNumber(op, "epsilon", this.params.epsilon, 0);
    const m = this.fitMatrix(X);
    const t = toTargets(op, y, m.rows);
    const o = this.params, l = m.rows;
    this.gamma_ = resolveGamma(o, m);
    const k = new KernelFn(m.data, l, m.cols, o.kernel, this.gamma_, o.coef0, o.degree);
    const p = new Float64Array(2 * l), ys = new Int8Array(2 * l);
    for (let i = 0; i < l; i++) {
      p[i] = o.epsilon - t[i]; ys[i] = 1;
      p[i + l] = o.epsilon + t[i]; ys[i + l] = -1;
    }
    const res = solveSMO(2 * l, new SVRQ(k, o.cacheSize), p, ys, new Float64Array(2 * l).fill(o.C), o.tol, o.shrinking, o.maxIter);
    const sv: number[] = [], coef: number[] = [];
    for (let i = 0; i < l; i++) {
      const c = res.alpha[i] - res.alpha[i + l];
      if (c !== 0) { sv.push(i); coef.push(c); }
    }
    const d = m.cols, svX = new Float64Array(sv.length * d);
    sv.forEach((r, j) => svX.set(m.data.subarray(r * d, (r + 1) * d), j * d));
    this.kernelFn = new KernelFn(svX, sv.length, d, o.kernel, this.gamma_, o.coef0, o.degree);
    this.coef = Float64Array.from(coef);
    this.rho = res.rho;
    this.support_ = sv;
    this.nIter_ = res.nIter;
    this.markFitted(d);
    return this;
  }

  /** The constant term of the decision function (−rho). */
  get intercept_(): number {
    this.checkFitted("intercept_");
    return -this.rho;
  }

  protected predictValues(X: Matrix): Float64Array {
    const k = this.kernelFn!, out = new Float64Array(X.rows), nsv = this.coef.length, buf = new Float64Array(BLOCK * nsv);
    const zz = rowNorms2(X.data, X.rows, X.cols);
    for (let s0 = 0; s0 < X.rows; s0 += BLOCK) {
      const nb = Math.min(BLOCK, X.rows - s0);
      k.block(X.data, s0, nb, zz, buf);
      for (let r = 0; r < nb; r++) {
        let s = 0;
        for (let j = 0; j < nsv; j++) s += this.coef[j] * buf[r * nsv + j];
        out[s0 + r] = s - this.rho;
      }
    }
    return out;
  }
}
