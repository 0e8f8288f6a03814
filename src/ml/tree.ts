// Decision trees (CART): DecisionTreeClassifier and DecisionTreeRegressor, plus the option
// resolution the forests and boosting share.
import type { Tensor } from "../tensor/index.js";
import { tensor } from "../tensor/index.js";
import { ArgumentError } from "../core/errors.js";
import {
  ProbabilisticClassifier, Regressor, vectorTensor, toTargets, rngFrom, checkChoice, checkNumber,
  type Matrix, type MatrixInput, type TargetInput, type Label,
} from "./base.js";
import { CartTree, buildTree, cartData, type CartParams, type Criterion } from "./cart.js";

/** How many features to try per split: all (null), "sqrt", "log2", a count, or a fraction in (0, 1). */
export type MaxFeatures = number | "sqrt" | "log2" | null;

/** Options every tree-growing estimator shares (scikit-learn's names in camelCase). */
export interface TreeGrowthOptions {
  /** Depth limit; null grows until leaves are pure or too small. */
  maxDepth: number | null;
  /** Samples needed to split a node: a count ≥ 2 or a fraction in (0, 1). Default 2. */
  minSamplesSplit: number;
  /** Samples each leaf must keep: a count ≥ 1 or a fraction in (0, 1). Default 1. */
  minSamplesLeaf: number;
  /** Features tried per split. */
  maxFeatures: MaxFeatures;
  /** A split must decrease the weighted impurity by at least this much. Default 0. */
  minImpurityDecrease: number;
}

/** Resolves maxFeatures to a count, as scikit-learn does. */
export function resolveMaxFeatures(op: string, v: MaxFeatures, d: number): number {
  if (v === null || v === undefined) return d;
  if (v === "sqrt") return Math.max(1, Math.floor(Math.sqrt(d)));
  if (v === "log2") return Math.max(1, Math.floor(Math.log2(d)));
  if (typeof v === "number" && Number.isInteger(v) && v >= 1) {
    if (v > d) throw new ArgumentError(op, `maxFeatures = ${v} is more than the ${d} features`);
    return v;
  }
  if (typeof v === "number" && v > 0 && v < 1) return Math.max(1, Math.floor(v * d));
  throw new ArgumentError(op, `maxFeatures must be null, "sqrt", "log2", a count >= 1 or a fraction in (0, 1), got ${JSON.stringify(v)}`);
}

/** Checks and resolves the growth options for `n` samples and `d` features. */
export function cartParams(op: string, o: TreeGrowthOptions & { criterion: Criterion }, n: number, d: number, maxFeaturesDefault: MaxFeatures = null): CartParams {
  const count = (name: string, v: number, min: number): number => {
    if (typeof v === "number" && Number.isInteger(v) && v >= min) return v;
    if (typeof v === "number" && v > 0 && v < 1) return Math.max(min, Math.ceil(v * n));
    throw new ArgumentError(op, `${name} must be an integer >= ${min} or a fraction in (0, 1), got ${JSON.stringify(v)}`);
  };
  if (o.maxDepth !== null && o.maxDepth !== undefined && !(Number.isInteger(o.maxDepth) && o.maxDepth >= 1)) {
    throw new ArgumentError(op, `maxDepth must be null or an integer >= 1, got ${JSON.stringify(o.maxDepth)}`);
  }
  checkNumber(op, "minImpurityDecrease", o.minImpurityDecrease, 0);
  return {
    criterion: o.criterion,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: count("minSamplesSplit", o.minSamplesSplit, 2),
    minSamplesLeaf: count("minSamplesLeaf", o.minSamplesLeaf, 1),
    maxFeatures: resolveMaxFeatures(op, o.maxFeatures === undefined ? maxFeaturesDefault : o.maxFeatures, d),
    minImpurityDecrease: o.minImpurityDecrease,
  };
}

const GROWTH: TreeGrowthOptions = { maxDepth: null, minSamplesSplit: 2, minSamplesLeaf: 1, maxFeatures: null, minImpurityDecrease: 0 };

/** Leaf index of every row. */
export function applyTree(tree: CartTree, X: Matrix): Int32Array {
  const out = new Int32Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = tree.leafOf(X.data, i, X.cols);
  return out;
}

export interface DecisionTreeClassifierOptions extends TreeGrowthOptions {
  /** "gini" (default), "entropy" or "log_loss" (same as entropy). */
  criterion: "gini" | "entropy" | "log_loss";
  /** Seed of the feature order (ties between equally good splits depend on it). */
  seed: number | null;
}

/**
 * A CART classification tree, as scikit-learn's `DecisionTreeClassifier`.
 * @example new ml.DecisionTreeClassifier({ maxDepth: 3, seed: 0 }).fit(X, y).predict(X)
 */
export class DecisionTreeClassifier extends ProbabilisticClassifier<DecisionTreeClassifierOptions> {
  /** The fitted tree (flat node arrays). */
  tree_: CartTree | null = null;

  constructor(opts: Partial<DecisionTreeClassifierOptions> = {}) {
    super({ ...GROWTH, criterion: "gini", seed: null }, opts);
  }

  /**
   * A fitted tree around a tree a forest grew (its `estimators_`): `classes_` are the forest's,
   * `opts` the growth options it was grown with.
   */
  static fromCart(tree: CartTree, classes: readonly Label[], nFeatures: number, opts: Partial<DecisionTreeClassifierOptions>): DecisionTreeClassifier {
    const t = new DecisionTreeClassifier(opts);
    t.tree_ = tree;
    t.classes_ = classes.slice();
    t.markFitted(nFeatures);
    return t;
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkChoice(op, "criterion", this.params.criterion, ["gini", "entropy", "log_loss"]);
    const m = this.fitMatrix(X);
    const yi = this.encodeTargets(y, m.rows, 1);
    const params = cartParams(op, this.params, m.rows, m.cols);
    const data = cartData(m.data, m.rows, m.cols, yi, this.classes_.length, null);
    this.tree_ = buildTree(data, params, rngFrom(this.params.seed), null);
    this.markFitted(m.cols);
    return this;
  }

  protected proba(X: Matrix): Float64Array {
    return treeProba(this.tree_!, X, this.classes_.length);
  }



  /** Leaf index per row, int32 [nSamples]. */
  apply(X: MatrixInput): Tensor {
    return tensor(applyTree(this.tree_!, this.inputMatrix("apply", X)));
  }
  /** Normalised total impurity decrease per feature, float64 [nFeatures]. */
  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(this.tree_!.featureImportances(this.nFeaturesIn_));
  }
  /** Depth of the fitted tree. */
  getDepth(): number {
    this.checkFitted("getDepth");
    return this.tree_!.maxDepth;
  }
  /** Number of leaves. */
  getNLeaves(): number {
    this.checkFitted("getNLeaves");
    return this.tree_!.nLeaves;
  }
}

/** Normalised class counts of each row's leaf. */
export function treeProba(tree: CartTree, X: Matrix, K: number): Float64Array {
  const out = new Float64Array(X.rows * K);
  addTreeProba(tree, X, K, out, 1);
  return out;
}

/** Adds scale · (leaf class fractions) of each row into out. */
export function addTreeProba(tree: CartTree, X: Matrix, K: number, out: Float64Array, scale: number): void {
  const v = tree.leafFractions();
  for (let i = 0; i < X.rows; i++) {
    const o = tree.leafOf(X.data, i, X.cols) * K;
    for (let k = 0; k < K; k++) out[i * K + k] += v[o + k] * scale;
  }
}

export interface DecisionTreeRegressorOptions extends TreeGrowthOptions {
  /** "squared_error" (default) or "friedman_mse" (same splits here). */
  criterion: "squared_error" | "friedman_mse";
  seed: number | null;
}

/**
 * A CART regression tree, as scikit-learn's `DecisionTreeRegressor`.
 * @example new ml.DecisionTreeRegressor({ maxDepth: 4 }).fit(X, y).predict(X)
 */
export class DecisionTreeRegressor extends Regressor<DecisionTreeRegressorOptions> {
  tree_: CartTree | null = null;

  constructor(opts: Partial<DecisionTreeRegressorOptions> = {}) {
    super({ ...GROWTH, criterion: "squared_error", seed: null }, opts);
  }

  /** A fitted tree around a tree a forest or boosting grew (their `estimators_`); `opts` its growth options. */
  static fromCart(tree: CartTree, nFeatures: number, opts: Partial<DecisionTreeRegressorOptions>): DecisionTreeRegressor {
    const t = new DecisionTreeRegressor(opts);
    t.tree_ = tree;
    t.markFitted(nFeatures);
    return t;
  }

  fit(X: MatrixInput, y: TargetInput): this {
    const op = this.name("fit");
    checkChoice(op, "criterion", this.params.criterion, ["squared_error", "friedman_mse"]);
    const m = this.fitMatrix(X);
    const t = toTargets(op, y, m.rows);
    const params = cartParams(op, { ...this.params, criterion: "squared_error" }, m.rows, m.cols);
    const data = cartData(m.data, m.rows, m.cols, null, 0, t);
    this.tree_ = buildTree(data, params, rngFrom(this.params.seed), null);
    this.markFitted(m.cols);
    return this;
  }

  protected predictValues(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows), tree = this.tree_!;
    for (let i = 0; i < X.rows; i++) out[i] = tree.value[tree.leafOf(X.data, i, X.cols)];
    return out;
  }

  /** Leaf index per row, int32 [nSamples]. */
  apply(X: MatrixInput): Tensor {
    return tensor(applyTree(this.tree_!, this.inputMatrix("apply", X)));
  }
  get featureImportances_(): Tensor {
    this.checkFitted("featureImportances_");
    return vectorTensor(this.tree_!.featureImportances(this.nFeaturesIn_));
  }
  getDepth(): number {
    this.checkFitted("getDepth");
    return this.tree_!.maxDepth;
  }
  getNLeaves(): number {
    this.checkFitted("getNLeaves");
    return this.tree_!.nLeaves;
  }
}
