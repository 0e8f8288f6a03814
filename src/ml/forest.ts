// Random forests: bagged CART trees with per-split feature sampling (classifier and regressor).
import type { Tensor } from "../tensor/index.js";
import type { PCG32 } from "../core/rng.js";
import {
  ProbabilisticClassifier, Regressor, vectorTensor, argmaxRows, toTargets, rngFrom, checkChoice, checkInt, accuracyOf, r2Of,
  type Matrix, type MatrixInput, type TargetInput,
} from "./base.js";
import { CartTree, buildTree, cartData, type CartData, type CartParams } from "./cart.js";
import { PCG32 as Rng } from "../core/rng.js";
import { ArgumentError } from "../core/errors.js";
import { cartParams, addTreeProba, DecisionTreeClassifier, DecisionTreeRegressor, type TreeGrowthOptions } from "./tree.js";

/** The growth options a member tree reports (getParams), taken from the forest's. */
function memberOptions(o: ForestOptions): TreeGrowthOptions {
  const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease } = o;
  return { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease };
}

interface ForestOptions extends TreeGrowthOptions {
  /** Number of trees. Default 100. */
  nEstimators: number;
  /** Draw each tree's samples with replacement. Default true. */
  bootstrap: boolean;
  /** Score each training sample with the trees that did not see it (`oobScore_`). Default false. */
  oobScore: boolean;
  /** Samples per bootstrap draw: null (all), a count, or a fraction in (0, 1]. */
  maxSamples: number | null;
  /** Seed of bootstraps and feature sampling. */
  seed: number | null;
}

export interface RandomForestClassifierOptions extends ForestOptions {
  criterion: "gini" | "entropy" | "log_loss";
}
export interface RandomForestRegressorOptions extends ForestOptions {
  criterion: "squared_error";
}

const FOREST: Omit<ForestOptions, "maxFeatures"> = {
  nEstimators: 100, bootstrap: true, oobScore: false, maxSamples: null, seed: null,
  maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, minImpurityDecrease: 0,
};

/** Grows the trees; returns them with each tree's bootstrap weights (for out-of-bag scoring). */
function growForest(op: string, o: ForestOptions, data: CartData, params: CartParams): { trees: CartTree[]; weights: (Float64Array | null)[] } {
  checkInt(op, "nEstimators", o.nEstimators, 1);
  if (o.oobScore && !o.bootstrap) throw new ArgumentError(op, "oobScore needs bootstrap: true");
  const n = data.n;
  let nDraw = n;
  if (o.maxSamples !== null && o.maxSamples !== undefined) {
    const v = o.maxSamples;
    if (Number.isInteger(v) && v >= 1 && v <= n) nDraw = v;
    else if (v > 0 && v < 1) nDraw = Math.max(1, Math.round(v * n));
    else throw new ArgumentError(op, `maxSamples must be null, a count in [1, ${n}] or a fraction in (0, 1), got ${JSON.stringify(v)}`);
  }
  const master: PCG32 = rngFrom(o.seed);
  const trees: CartTree[] = [], weights: (Float64Array | null)[] = [];
  for (let t = 0; t < o.nEstimators; t++) {
    const rng = new Rng(master.nextU32(), master.nextU32() >>> 1);
    let w: Float64Array | null = null;
    if (o.bootstrap) {
      w = new Float64Array(n);
      for (let i = 0; i < nDraw; i++) w[rng.nextInt(0, n)]++;
    }
    trees.push(buildTree(data, params, rng, w));
    weights.push(w);
  }
  return { trees, weights };
}

/** Mean of the trees' normalised importances, renormalised (scikit-learn's definition). */
function forestImportances(trees: CartTree[], d: number): Float64Array {
  const imp = new Float64Array(d);
  let used = 0;
  for (const t of trees) {
    if (t.nodeCount <= 1) continue;
    const ti = t.featureImportances(d);
    for (let j = 0; j < d; j++) imp[j] += ti[j];
    used++;
  }
  let s = 0;
  for (let j = 0; j < d; j++) { imp[j] /= Math.max(used, 1); s += imp[j]; }
  if (s > 0) for (let j = 0; j < d; j++) imp[j] /= s;
  return imp;
}

/**
 * A random forest of classification trees, as scikit-learn's `RandomForestClassifier`
 * (probabilities are the mean of the trees' leaf class fractions).
 * @example
 * const rf = new ml.RandomForestClassifier({ nEstimators: 200, seed: 0 }).fit(X, y);
 * rf.predictProba(Xtest); rf.featureImportances_;
 */
export class RandomForestClassifier extends ProbabilisticClassifier<RandomForestClassifierOptions> {
  /**
   * The fitted trees, as DecisionTreeClassifier estimators (predict, predictProba,
   * featureImportances_, …); their `classes_` and predictions are the forest's labels.
   */
  estimators_: DecisionTreeClassifier[] = [];
  private trees: CartTree[] = [];
  /** Out-of-bag accuracy (with oobScore: true). */
  oobScore_: number | null = null;

  constructor(opts: Partial<RandomForestClassifierOptions> = {}) {
    super({ ...FOREST, criterion: "gini", maxFeatures: "sqrt" }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkChoice(op, "criterion", this.params.criterion, ["gini", "entropy", "log_loss"]);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows, 1);
    const K = this.classes_.length;
    const params = cartParams(op, this.params, m.rows, m.cols);
    const data = cartData(m.data, m.rows, m.cols, yi, K, null);
    const { trees, weights } = growForest(op, this.params, data, params);
    this.trees = trees;
    const member = { ...memberOptions(this.params), criterion: this.params.criterion };
    this.estimators_ = trees.map((t) => DecisionTreeClassifier.fromCart(t, this.classes_, m.cols, member));
    this.oobScore_ = null;
    if (this.params.oobScore) {
      const votes = new Float64Array(m.rows * K);
      trees.forEach((t, k) => oobAdd(t, weights[k]!, m, K, votes));
      const pred = argmaxRows(votes, m.rows, K);
      this.oobScore_ = accuracyOf(pred, yi);
    }
    this.markFitted(m.cols);
    return this;
  }

  protected proba(X: Matrix): Float64Array {
    const K = this.classes_.length, out = new Float64Array(X.rows * K), s = 1 / this.trees.length;
    for (const t of this.trees) addTreeProba(t, X, K, out, s);
    return out;
  }



  /** Mean decrease in impurity per feature, float64 [nFeatures], summing to 1. */
  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(forestImportances(this.trees, this.nFeaturesIn_));
  }
}

/** Adds the class fractions of tree t for the rows it did not train on. */
function oobAdd(t: CartTree, w: Float64Array, m: Matrix, K: number, votes: Float64Array): void {
  const v = t.value;
  for (let i = 0; i < m.rows; i++) {
    if (w[i] > 0) continue;
    const leaf = t.leafOf(m.data, i, m.cols);
    let tot = 0;
    for (let k = 0; k < K; k++) tot += v[leaf * K + k];
    for (let k = 0; k < K; k++) votes[i * K + k] += v[leaf * K + k] / tot;
  }
}

/**
 * A random forest of regression trees, as scikit-learn's `RandomForestRegressor`
 * (maxFeatures defaults to all features, like scikit-learn's 1.0).
 * @example new ml.RandomForestRegressor({ nEstimators: 100, seed: 0 }).fit(X, y).score(Xt, yt)
 */
export class RandomForestRegressor extends Regressor<RandomForestRegressorOptions> {
  /** The fitted trees, as DecisionTreeRegressor estimators (predict, featureImportances_, …). */
  estimators_: DecisionTreeRegressor[] = [];
  private trees: CartTree[] = [];
  /** Out-of-bag R² (with oobScore: true). */
  oobScore_: number | null = null;

  constructor(opts: Partial<RandomForestRegressorOptions> = {}) {
    super({ ...FOREST, criterion: "squared_error", maxFeatures: null }, opts);
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkChoice(op, "criterion", this.params.criterion, ["squared_error"]);
    const m = this.fitMatrix(X);
    const t = toTargets(op, y, m.rows);
    const params = cartParams(op, this.params, m.rows, m.cols);
    const data = cartData(m.data, m.rows, m.cols, null, 0, t);
    const { trees, weights } = growForest(op, this.params, data, params);
    this.trees = trees;
    const member = { ...memberOptions(this.params), criterion: this.params.criterion };
    this.estimators_ = trees.map((tr) => DecisionTreeRegressor.fromCart(tr, m.cols, member));
    this.oobScore_ = null;
    if (this.params.oobScore) {
      const sum = new Float64Array(m.rows), cnt = new Float64Array(m.rows);
      trees.forEach((tree, k) => {
        const w = weights[k]!;
        for (let i = 0; i < m.rows; i++) {
          if (w[i] > 0) continue;
          sum[i] += tree.value[tree.leafOf(m.data, i, m.cols)];
          cnt[i]++;
        }
      });
      const yt: number[] = [], yp: number[] = [];
      for (let i = 0; i < m.rows; i++) if (cnt[i] > 0) { yt.push(t[i]); yp.push(sum[i] / cnt[i]); }
      this.oobScore_ = yt.length ? r2Of(yt, yp) : null;
    }
    this.markFitted(m.cols);
    return this;
  }

  protected predictValues(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows), s = 1 / this.trees.length;
    for (const t of this.trees) {
      for (let i = 0; i < X.rows; i++) out[i] += t.value[t.leafOf(X.data, i, X.cols)] * s;
    }
    return out;
  }

  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(forestImportances(this.trees, this.nFeaturesIn_));
  }
}
