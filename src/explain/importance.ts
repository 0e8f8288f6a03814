// Feature importances: permutation importance for any estimator with a score (ml estimators) or any
// model with a metric (nn modules, functions), and trees' impurity importances passed through.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { PCG32 } from "../core/rng.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { bar } from "../plot/charts.js";
import type { Figure } from "../plot/figure.js";
import { forwardOf, inEval, type Forward } from "./attributions.js";

/** Something with scikit-learn's score(X, y) (higher is better): every ml estimator. */
export interface Scorable { score(X: Tensor, y: Tensor): number }
/** A named metric, or a function scoring the model on (X, y) (higher is better). */
export type Scoring = "accuracy" | "r2" | "negMeanSquaredError" | "negMeanAbsoluteError" | ((model: unknown, X: Tensor, y: Tensor) => number);

export interface PermutationImportanceOptions {
  /** Shuffles per feature (default 5). */
  nRepeats?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
  /**
   * How to score: a metric name or function. Default: the estimator's own score(X, y); for models
   * without one, "accuracy" when they output several columns (argmax is the class), else "r2".
   */
  scoring?: Scoring;
}

export interface PermutationImportanceResult {
  /** Mean drop of the score per feature, over the repeats. */
  importancesMean: number[];
  /** Standard deviation of the drop per feature (population, as scikit-learn's). */
  importancesStd: number[];
  /** Every drop: [feature][repeat]. */
  importances: number[][];
  /** The score on the unshuffled data. */
  baselineScore: number;
}

const hasScore = (m: unknown): m is Scorable => typeof (m as Scorable | null)?.score === "function";
const isForward = (m: unknown): m is Forward => typeof m === "function" || typeof (m as { call?: unknown } | null)?.call === "function";

function predictions(model: unknown, X: Tensor): Tensor {
  const p = model as { predict?: (X: Tensor) => Tensor };
  if (typeof p.predict === "function") return p.predict(X);
  if (!isForward(model)) throw new ArgumentError("permutationImportance", "the model needs score(X, y), predict(X) or call(X)");
  const f = forwardOf(model);
  return inEval(model, () => ds.noGrad(() => f(X)));
}

/** Scores predictions (Tensor) against targets with a named metric. */
function metric(name: string, pred: Tensor, y: Tensor): number {
  const yv = Array.from(y.dataSync(), Number);
  const n = yv.length;
  if (name === "accuracy") {
    const labels = pred.ndim >= 2 && pred.shape[pred.ndim - 1] > 1 ? pred.argmax(-1) : pred.reshape([-1]);
    const lv = labels.dataSync();
    if (lv.length !== n) throw new ShapeError("permutationImportance", `${lv.length} predictions for ${n} targets`);
    let hit = 0;
    for (let i = 0; i < n; i++) if (Math.round(Number(lv[i])) === yv[i]) hit++;
    return hit / n;
  }
  const pv = Array.from(pred.reshape([-1]).dataSync(), Number);
  if (pv.length !== n) throw new ShapeError("permutationImportance", `${pv.length} predictions for ${n} targets (${name} needs one value per sample)`);
  if (name === "negMeanSquaredError") return -pv.reduce((s, v, i) => s + (v - yv[i]) ** 2, 0) / n;
  if (name === "negMeanAbsoluteError") return -pv.reduce((s, v, i) => s + Math.abs(v - yv[i]), 0) / n;
  if (name === "r2") {
    const mean = yv.reduce((a, b) => a + b, 0) / n;
    const ssTot = yv.reduce((s, v) => s + (v - mean) ** 2, 0), ssRes = pv.reduce((s, v, i) => s + (v - yv[i]) ** 2, 0);
    return ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  throw new ArgumentError("permutationImportance", `unknown scoring ${JSON.stringify(name)}; use accuracy, r2, negMeanSquaredError, negMeanAbsoluteError or a function`);
}

function scorer(model: unknown, scoring: Scoring | undefined): (X: Tensor, y: Tensor) => number {
  if (typeof scoring === "function") return (X, y) => scoring(model, X, y);
  if (scoring !== undefined) return (X, y) => metric(scoring, predictions(model, X), y);
  if (hasScore(model)) return (X, y) => model.score(X, y);
  return (X, y) => {
    const pred = predictions(model, X);
    return metric(pred.ndim >= 2 && pred.shape[pred.ndim - 1] > 1 ? "accuracy" : "r2", pred, y);
  };
}

/**
 * Permutation feature importance (Breiman 2001; scikit-learn's permutation_importance): how much
 * the score drops when one feature's column is shuffled, breaking its link to the target, repeated
 * nRepeats times per feature. Works for any ml estimator (its score) and any nn model or function
 * (a metric on its outputs). X is [N, F] (features are columns) or [N, ...] (every element of a
 * sample is a feature).
 * @example explain.permutationImportance(forest, Xtest, yTest, { nRepeats: 10, seed: 0 }).importancesMean
 */
export function permutationImportance(model: unknown, X: Tensor | number[][], y: Tensor | number[], opts: PermutationImportanceOptions = {}): PermutationImportanceResult {
  const op = "permutationImportance";
  const nRepeats = opts.nRepeats ?? 5;
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new ArgumentError(op, `nRepeats must be a positive integer, got ${nRepeats}`);
  const isModule = isForward(model) && !hasScore(model);
  const Xt = X instanceof Tensor ? X : ds.tensor(X, { dtype: isModule ? "float32" : "float64" });
  const yt = y instanceof Tensor ? y : ds.tensor(y as number[], { dtype: Number.isInteger((y as number[])[0]) && isModule ? "int32" : "float64" });
  if (Xt.ndim < 2) throw new ShapeError(op, `X must be [N, features], got ${fmtShape(Xt.shape)}`);
  const n = Xt.shape[0], nf = Xt.size / n;
  if (yt.shape[0] !== n) throw new ShapeError(op, `${yt.shape[0]} targets for ${n} samples`);
  const score = scorer(model, opts.scoring);
  const base = score(Xt, yt);
  const data = Float64Array.from(Xt.dataSync() as ArrayLike<number>);
  const rng = new PCG32(opts.seed ?? 0);
  const importances: number[][] = [];
  const work = new Float64Array(data.length);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let f = 0; f < nf; f++) {
    const drops: number[] = [];
    for (let r = 0; r < nRepeats; r++) {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.nextInt(0, i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      work.set(data);
      for (let i = 0; i < n; i++) work[i * nf + f] = data[order[i] * nf + f];
      const s = ds.scope(() => score(ds.tensor(work, { dtype: Xt.dtype }).reshape(Xt.shape), yt));
      drops.push(base - s);
    }
    importances.push(drops);
  }
  const mean = importances.map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  const std = importances.map((d, f) => Math.sqrt(d.reduce((a, v) => a + (v - mean[f]) ** 2, 0) / d.length));
  return { importancesMean: mean, importancesStd: std, importances, baselineScore: base };
}

/**
 * A fitted tree model's impurity-based importances (featureImportances_ of decision trees,
 * random forests and gradient boosting), as plain numbers; an error for estimators without them.
 */
export function featureImportances(estimator: unknown): number[] {
  const e = estimator as { featureImportances_?: unknown; featureImportances?: unknown };
  const v = e?.featureImportances_ ?? e?.featureImportances;
  if (v === undefined) throw new ArgumentError("featureImportances", `${(estimator as object)?.constructor?.name ?? typeof estimator} has no featureImportances_ (trees, forests and boosting have them); use permutationImportance`);
  if (v instanceof Tensor) return Array.from(v.dataSync(), Number);
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<number>, Number);
  throw new ArgumentError("featureImportances", "featureImportances_ is neither a tensor nor an array");
}

/**
 * A horizontal bar chart of importances, largest first: a permutation-importance result (its
 * means) or plain numbers; `top` keeps the largest few.
 */
export function plotImportances(importances: PermutationImportanceResult | readonly number[], opts: { featureNames?: readonly string[]; top?: number; title?: string } = {}): Figure {
  const values = Array.isArray(importances) ? [...(importances as number[])] : (importances as PermutationImportanceResult).importancesMean;
  const names = opts.featureNames ?? values.map((_, i) => `feature ${i}`);
  if (names.length !== values.length) throw new ShapeError("plotImportances", `${names.length} feature names for ${values.length} importances`);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]).slice(0, opts.top ?? values.length);
  return bar(order.map((i) => values[i]), { labels: order.map((i) => names[i]), horizontal: true, title: opts.title ?? "Feature importance", xLabel: "importance" });
}
