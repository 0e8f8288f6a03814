// Gradient boosting: stages of small regression trees fitted to the loss gradient (Friedman's
// algorithm, with scikit-learn's Newton-step leaf values for log-loss).
import type { Tensor } from "../tensor/index.js";
import { ArgumentError } from "../core/errors.js";
import type { PCG32 } from "../core/rng.js";
import {
  ProbabilisticClassifier, Regressor, matrixTensor, vectorTensor, toTargets, rngFrom, checkChoice, checkInt, checkNumber,
  type Matrix, type MatrixInput, type TargetInput,
} from "./base.js";
import { CartTree, buildTree, cartData, type CartParams } from "./cart.js";
import { cartParams, DecisionTreeRegressor, type TreeGrowthOptions } from "./tree.js";

interface BoostingOptions extends TreeGrowthOptions {
  /** Shrinkage applied to each tree's contribution. Default 0.1. */
  learningRate: number;
  /** Boosting stages. Default 100. */
  nEstimators: number;
  /** Fraction of samples drawn (without replacement) for each stage; < 1 gives stochastic boosting. Default 1. */
  subsample: number;
  /** "friedman_mse" (default) or "squared_error": the same splits here. */
  criterion: "friedman_mse" | "squared_error";
  seed: number | null;
}

export interface GradientBoostingClassifierOptions extends BoostingOptions {
  /** Only "log_loss" (binomial or multinomial deviance). */
  loss: "log_loss";
}
export interface GradientBoostingRegressorOptions extends BoostingOptions {
  /** Only "squared_error". */
  loss: "squared_error";
}

const BOOST: BoostingOptions = {
  learningRate: 0.1, nEstimators: 100, subsample: 1.0, criterion: "friedman_mse", seed: null,
  maxDepth: 3, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: null, minImpurityDecrease: 0,
};

function checkBoost(op: string, o: BoostingOptions): void {
  checkNumber(op, "learningRate", o.learningRate, 0, Infinity, true);
  checkInt(op, "nEstimators", o.nEstimators, 1);
  checkNumber(op, "subsample", o.subsample, 0, 1, true);
  checkChoice(op, "criterion", o.criterion, ["friedman_mse", "squared_error"]);
}

/** In-bag weights (1/0) for one stage, or null when subsample = 1. */
function stageMask(n: number, subsample: number, rng: PCG32, perm: Int32Array): Float64Array | null {
  if (subsample >= 1) return null;
  const nIn = Math.max(1, Math.floor(subsample * n));
  for (let i = 0; i < n; i++) perm[i] = i;
  const w = new Float64Array(n);
  for (let i = 0; i < nIn; i++) {
    const j = rng.nextInt(i, n);
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    w[perm[i]] = 1;
  }
  return w;
}

/** Mean of the trees' unnormalised importances, normalised (scikit-learn's definition). */
function boostImportances(trees: CartTree[], d: number): Float64Array {
  const imp = new Float64Array(d);
  let used = 0;
  for (const t of trees) {
    if (t.nodeCount <= 1) continue;
    const ti = t.rawImportances(d);
    for (let j = 0; j < d; j++) imp[j] += ti[j];
    used++;
  }
  let s = 0;
  for (let j = 0; j < d; j++) s += imp[j];
  if (used > 0 && s > 0) for (let j = 0; j < d; j++) imp[j] /= s;
  return imp;
}

/** The stages' trees as fitted DecisionTreeRegressor estimators, with the ensemble's growth options. */
function memberTrees(stages: CartTree[][], d: number, o: BoostingOptions): DecisionTreeRegressor[][] {
  const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease, criterion } = o;
  const opts = { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease, criterion };
  return stages.map((stage) => stage.map((t) => DecisionTreeRegressor.fromCart(t, d, opts)));
}

function addTree(tree: CartTree, X: Matrix, lr: number, raw: Float64Array, K: number, k: number): void {
  for (let i = 0; i < X.rows; i++) raw[i * K + k] += lr * tree.value[tree.leafOf(X.data, i, X.cols)];
}

/**
 * Gradient-boosted trees for classification with log-loss, as scikit-learn's `GradientBoostingClassifier`
 * (one tree per stage for two classes, one per class and stage otherwise).
 * @example new ml.GradientBoostingClassifier({ nEstimators: 200, learningRate: 0.05, seed: 0 }).fit(X, y)
 */
export class GradientBoostingClassifier extends ProbabilisticClassifier<GradientBoostingClassifierOptions> {
  /**
   * The fitted regression trees per stage, estimators_[stage][k] (k: the one output for two
   * classes, else the class), as DecisionTreeRegressor estimators: `predict` gives a tree's raw
   * (log-odds) step before the learning rate, as scikit-learn's.
   */
  estimators_: DecisionTreeRegressor[][] = [];
  private stages: CartTree[][] = [];
  /** Raw score before the first stage (log-odds or log-priors), per output. */
  init_: Float64Array = new Float64Array(0);
  /** In-sample deviance after each stage (mean log-loss on the in-bag samples). */
  trainScore_: number[] = [];

  constructor(opts: Partial<GradientBoostingClassifierOptions> = {}) {
    super({ ...BOOST, loss: "log_loss" }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkBoost(op, this.params);
    checkChoice(op, "loss", this.params.loss, ["log_loss"]);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows);
    const { rows: n, cols: d } = m, K = this.classes_.length, nOut = K === 2 ? 1 : K;
    const params: CartParams = cartParams(op, { ...this.params, criterion: "squared_error" }, n, d);
    const rng = rngFrom(this.params.seed), lr = this.params.learningRate;
    const resid = new Float64Array(n);
    const data = cartData(m.data, n, d, null, 0, resid);
    // Initial raw scores: log-odds of the positive class, or log class priors.
    const prior = new Float64Array(K);
    for (let i = 0; i < n; i++) prior[yi[i]]++;
    const eps = 2.220446049250313e-16;
    const init = new Float64Array(nOut);
    if (nOut === 1) {
      const p = Math.min(Math.max(prior[1] / n, eps), 1 - eps);
      init[0] = Math.log(p / (1 - p));
    } else for (let k = 0; k < K; k++) init[k] = Math.log(Math.max(prior[k] / n, eps));
    const raw = new Float64Array(n * nOut);
    for (let i = 0; i < n; i++) for (let k = 0; k < nOut; k++) raw[i * nOut + k] = init[k];
    const prob = new Float64Array(n * nOut), perm = new Int32Array(n);
    const stages: CartTree[][] = [];
    this.trainScore_ = [];
    for (let s = 0; s < this.params.nEstimators; s++) {
      const mask = stageMask(n, this.params.subsample, rng, perm);
      probabilities(raw, n, nOut, prob);
      const stage: CartTree[] = [];
      for (let k = 0; k < nOut; k++) {
        for (let i = 0; i < n; i++) resid[i] = (nOut === 1 ? yi[i] : yi[i] === k ? 1 : 0) - prob[i * nOut + k];
        const tree = buildTree(data, params, rng, mask);
        // Newton step per leaf: Σ r / Σ p(1 − p), scaled by (K − 1)/K for the multinomial loss.
        const num = new Float64Array(tree.nodeCount), den = new Float64Array(tree.nodeCount);
        for (let i = 0; i < n; i++) {
          if (mask && mask[i] === 0) continue;
          const leaf = tree.trainLeaf[i], p = prob[i * nOut + k];
          num[leaf] += resid[i];
          den[leaf] += p * (1 - p);
        }
        const scale = nOut === 1 ? 1 : (K - 1) / K;
        for (let t = 0; t < tree.nodeCount; t++) {
          if (tree.left[t] >= 0) continue;
          tree.value[t] = Math.abs(den[t]) < 1e-150 ? 0 : (scale * num[t]) / den[t];
        }
        addTree(tree, m, lr, raw, nOut, k);
        stage.push(tree);
      }
      stages.push(stage);
      this.trainScore_.push(deviance(raw, yi, n, nOut, mask));
    }
    this.stages = stages;
    this.estimators_ = memberTrees(stages, d, this.params);
    this.init_ = init;
    this.markFitted(d);
    return this;
  }

  private rawScores(X: Matrix): Float64Array {
    const nOut = this.init_.length, raw = new Float64Array(X.rows * nOut), lr = this.params.learningRate;
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < nOut; k++) raw[i * nOut + k] = this.init_[k];
    for (const stage of this.stages) stage.forEach((t, k) => addTree(t, X, lr, raw, nOut, k));
    return raw;
  }

  /** Raw scores: float64 [nSamples] (log-odds) for two classes, else [nSamples, nClasses]. */
  decisionFunction(X: MatrixInput): Tensor {
    const m = this.inputMatrix("decisionFunction", X);
    const raw = this.rawScores(m), nOut = this.init_.length;
    return nOut === 1 ? vectorTensor(raw) : matrixTensor(raw, m.rows, nOut);
  }

  protected proba(X: Matrix): Float64Array {
    const raw = this.rawScores(X), nOut = this.init_.length;
    const p = new Float64Array(X.rows * nOut);
    probabilities(raw, X.rows, nOut, p);
    if (nOut > 1) return p;
    const out = new Float64Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) { out[2 * i] = 1 - p[i]; out[2 * i + 1] = p[i]; }
    return out;
  }



  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(boostImportances(this.stages.flat(), this.nFeaturesIn_));
  }
}

/** σ(raw) for one output, softmax across outputs otherwise. */
function probabilities(raw: Float64Array, n: number, nOut: number, out: Float64Array): void {
  if (nOut === 1) {
    for (let i = 0; i < n; i++) { const s = raw[i]; out[i] = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s)); }
    return;
  }
  for (let i = 0; i < n; i++) {
    let mx = -Infinity;
    for (let k = 0; k < nOut; k++) mx = Math.max(mx, raw[i * nOut + k]);
    let s = 0;
    for (let k = 0; k < nOut; k++) { const e = Math.exp(raw[i * nOut + k] - mx); out[i * nOut + k] = e; s += e; }
    for (let k = 0; k < nOut; k++) out[i * nOut + k] /= s;
  }
}

function deviance(raw: Float64Array, y: Int32Array, n: number, nOut: number, mask: Float64Array | null): number {
  let s = 0, c = 0;
  for (let i = 0; i < n; i++) {
    if (mask && mask[i] === 0) continue;
    c++;
    if (nOut === 1) {
      const z = raw[i];
      s += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
    } else {
      let mx = -Infinity;
      for (let k = 0; k < nOut; k++) mx = Math.max(mx, raw[i * nOut + k]);
      let se = 0;
      for (let k = 0; k < nOut; k++) se += Math.exp(raw[i * nOut + k] - mx);
      s += mx + Math.log(se) - raw[i * nOut + y[i]];
    }
  }
  return s / c;
}

/**
 * Gradient-boosted regression trees with squared error, as scikit-learn's `GradientBoostingRegressor`.
 * @example new ml.GradientBoostingRegressor({ nEstimators: 300, maxDepth: 3, seed: 0 }).fit(X, y).score(Xt, yt)
 */
export class GradientBoostingRegressor extends Regressor<GradientBoostingRegressorOptions> {
  /** The fitted trees per stage, estimators_[stage][0] (scikit-learn's [nEstimators, 1]), as DecisionTreeRegressor estimators. */
  estimators_: DecisionTreeRegressor[][] = [];
  private trees: CartTree[] = [];
  init_ = 0;
  /** In-bag mean squared error after each stage. */
  trainScore_: number[] = [];

  constructor(opts: Partial<GradientBoostingRegressorOptions> = {}) {
    super({ ...BOOST, loss: "squared_error" }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkBoost(op, this.params);
    checkChoice(op, "loss", this.params.loss, ["squared_error"]);
    const m = this.fitMatrix(X);
    const t = toTargets(op, y, m.rows);
    const { rows: n, cols: d } = m;
    const params = cartParams(op, { ...this.params, criterion: "squared_error" }, n, d);
    const rng = rngFrom(this.params.seed), lr = this.params.learningRate;
    const resid = new Float64Array(n), data = cartData(m.data, n, d, null, 0, resid), perm = new Int32Array(n);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += t[i];
    mean /= n;
    const raw = new Float64Array(n).fill(mean);
    const trees: CartTree[] = [];
    this.trainScore_ = [];
    for (let s = 0; s < this.params.nEstimators; s++) {
      const mask = stageMask(n, this.params.subsample, rng, perm);
      for (let i = 0; i < n; i++) resid[i] = t[i] - raw[i];
      const tree = buildTree(data, params, rng, mask);
      addTree(tree, m, lr, raw, 1, 0);
      trees.push(tree);
      let se = 0, c = 0;
      for (let i = 0; i < n; i++) if (!mask || mask[i] > 0) { se += (t[i] - raw[i]) ** 2; c++; }
      this.trainScore_.push(se / c);
    }
    if (!Number.isFinite(mean)) throw new ArgumentError(op, "targets overflow");
    this.trees = trees;
    this.estimators_ = memberTrees(trees.map((t) => [t]), d, this.params);
    this.init_ = mean;
    this.markFitted(d);
    return this;
  }

  protected predictValues(X: Matrix): Float64Array {
    const raw = new Float64Array(X.rows).fill(this.init_), lr = this.params.learningRate;
    for (const t of this.trees) addTree(t, X, lr, raw, 1, 0);
    return raw;
  }

  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(boostImportances(this.trees, this.nFeaturesIn_));
  }
}
