// Scoring by name (scikit-learn's scorer strings) and crossValScore over folds.
import { Tensor, tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { checkOptions, optionNames } from "../../core/options.js";
import type { TargetInput } from "../base.js";
import { isClassifier, type AnyEstimator, type Estimator } from "../protocols.js";
import * as M from "../metrics/index.js";
import type { LabelsInput } from "../metrics/index.js";
import { KFold, StratifiedKFold, numRows, takeRows, type Fold, type Rows, type Splitter } from "./split.js";

/** A score of a fitted estimator on (X, y): higher is better. */
export type Scorer = (estimator: AnyEstimator, X: unknown, y: TargetInput | undefined) => number;
/** A scorer name (scikit-learn's: "accuracy", "f1_macro", "roc_auc", "neg_log_loss", "r2", …), a function, or null for `estimator.score`. */
export type Scoring = string | Scorer | null;

function need<K extends keyof AnyEstimator>(est: AnyEstimator, method: K, scorer: string): NonNullable<AnyEstimator[K]> {
  const fn = est[method];
  if (typeof fn !== "function") throw new ArgumentError("scoring", `scorer "${scorer}" needs an estimator with ${String(method)}`);
  return fn.bind(est) as NonNullable<AnyEstimator[K]>;
}

function labelsOf(est: AnyEstimator, X: unknown, name: string): LabelsInput {
  if (typeof est.predictLabels === "function") return est.predictLabels(X) as LabelsInput;
  return need(est, "predict", name)(X);
}

function yOf(y: TargetInput | undefined, name: string): LabelsInput {
  if (y === undefined) throw new ArgumentError("scoring", `scorer "${name}" needs y`);
  return y;
}

/** Positive-class scores of a binary classifier: predictProba's last column, else decisionFunction. */
function binaryScores(est: AnyEstimator, X: unknown, name: string): Tensor {
  if (typeof est.predictProba === "function") {
    const p = est.predictProba(X);
    const k = p.shape[1];
    const d = p.dataSync();
    return tensor(Float64Array.from({ length: p.shape[0] }, (_, i) => d[i * k + k - 1]));
  }
  return need(est, "decisionFunction", name)(X);
}

/**
 * The scorer of a name, as scikit-learn's get_scorer: "accuracy", "precision"/"recall"/"f1" (binary)
 * and their "_macro", "_micro", "_weighted" forms, "roc_auc" (binary), "roc_auc_ovr", "roc_auc_ovo",
 * "roc_auc_ovr_weighted", "roc_auc_ovo_weighted", "neg_log_loss", "r2", "neg_mean_squared_error",
 * "neg_root_mean_squared_error", "neg_mean_absolute_error", "adjusted_rand_score". A function is returned as is.
 * @example const s = ml.getScorer("f1_macro")(clf, Xtest, ytest);
 */
export function getScorer(scoring: Scoring): Scorer {
  if (typeof scoring === "function") return scoring;
  if (scoring === null) {
    return (est, X, y) => {
      if (typeof est.score !== "function") throw new ArgumentError("scoring", "the estimator has no score method; give a scoring name or function");
      return est.score(X, y);
    };
  }
  const name = scoring;
  const prf = /^(precision|recall|f1)(?:_(macro|micro|weighted))?$/.exec(name);
  if (prf) {
    const fn = prf[1] === "precision" ? M.precision : prf[1] === "recall" ? M.recall : M.f1;
    const average = (prf[2] ?? "binary") as M.Average;
    return (est, X, y) => fn(yOf(y, name), labelsOf(est, X, name), { average }) as number;
  }
  const auc = /^roc_auc(?:_(ovr|ovo))?(_weighted)?$/.exec(name);
  if (auc && !(auc[2] && !auc[1])) {
    return (est, X, y) => {
      const yt = yOf(y, name);
      if (!auc[1]) return M.rocAuc(yt, binaryScores(est, X, name), { labels: est.classes_ });
      const proba = need(est, "predictProba", name)(X);
      return M.rocAuc(yt, proba, { multiClass: auc[1] as "ovr" | "ovo", average: auc[2] ? "weighted" : "macro", labels: est.classes_ });
    };
  }
  switch (name) {
    case "accuracy":
      return (est, X, y) => M.accuracy(yOf(y, name), labelsOf(est, X, name));
    case "neg_log_loss":
      return (est, X, y) => -M.logLoss(yOf(y, name), need(est, "predictProba", name)(X), { labels: est.classes_ });
    case "r2":
      return (est, X, y) => M.r2(yOf(y, name) as Tensor, need(est, "predict", name)(X));
    case "neg_mean_squared_error":
      return (est, X, y) => -M.mse(yOf(y, name) as Tensor, need(est, "predict", name)(X));
    case "neg_root_mean_squared_error":
      return (est, X, y) => -Math.sqrt(M.mse(yOf(y, name) as Tensor, need(est, "predict", name)(X)));
    case "neg_mean_absolute_error":
      return (est, X, y) => -M.mae(yOf(y, name) as Tensor, need(est, "predict", name)(X));
    case "adjusted_rand_score":
      return (est, X, y) => M.adjustedRandScore(yOf(y, name), labelsOf(est, X, name));
  }
  throw new ArgumentError("scoring", `unknown scorer ${JSON.stringify(name)}; expected e.g. "accuracy", "f1_macro", "roc_auc", "neg_log_loss", "r2", "neg_mean_squared_error"`);
}

/** Cross-validation folds: a number of folds (stratified for classifiers), a splitter, or explicit [train, test] pairs. */
export type CV = number | Splitter | Fold[];

/** The folds of `cv` on (X, y), as scikit-learn's check_cv: an integer gives StratifiedKFold for classifiers, else KFold. */
export function resolveFolds(op: string, cv: CV, estimator: Estimator, X: Rows, y?: Rows): Fold[] {
  if (Array.isArray(cv)) {
    if (cv.length === 0) throw new ArgumentError(op, "cv has no folds");
    return cv;
  }
  if (typeof cv === "number") {
    const splitter = isClassifier(estimator) && y !== undefined ? new StratifiedKFold({ nSplits: cv }) : new KFold({ nSplits: cv });
    return splitter.split(X, y);
  }
  if (cv && typeof (cv as Splitter).split === "function") return (cv as Splitter).split(X, y);
  throw new ArgumentError(op, `cv must be a number of folds, a splitter (KFold, StratifiedKFold) or an array of [train, test] index pairs, got ${typeof cv}`);
}

export interface CrossValOptions {
  /** Folds: a number (default 5; stratified for classifiers), a splitter, or [train, test] pairs. */
  cv?: CV;
  /** How to score each fold (default: the estimator's own score, accuracy or R²). */
  scoring?: Scoring;
  /** The score of a fold whose fit fails (default NaN, as scikit-learn), or "raise" to throw. If every fold fails, the first error is thrown. */
  errorScore?: number | "raise";
}
const CROSS_VAL_OPTIONS = optionNames<CrossValOptions>({ cv: true, scoring: true, errorScore: true });

/**
 * Fits a clone of the estimator on each training part and scores it on the held-out part, as
 * scikit-learn's cross_val_score: float64 [nFolds].
 * @example ml.crossValScore(new ml.LogisticRegression(), X, y, { cv: 5 }).mean().item()
 */
export function crossValScore(estimator: Estimator, X: Rows, y?: Rows, opts: CrossValOptions = {}): Tensor {
  const op = "ml.crossValScore";
  checkOptions(op, opts, CROSS_VAL_OPTIONS);
  const n = numRows(op, X);
  if (y !== undefined && numRows(op, y) !== n) throw new ArgumentError(op, `X has ${n} rows but y has ${numRows(op, y)}`);
  const folds = resolveFolds(op, opts.cv ?? 5, estimator, X, y);
  const scorer = getScorer(opts.scoring ?? null);
  const runs = folds.map(([train, test]) => fitAndScore(estimator, X, y, train, test, scorer, opts.errorScore ?? NaN));
  throwIfAllFailed(op, runs);
  return tensor(Float64Array.from(runs, (r) => r.score));
}

/** One fold's result: its score (errorScore when the fit failed, with the error kept) and timings in seconds. */
export interface FoldResult {
  score: number;
  fitTime: number;
  scoreTime: number;
  error?: unknown;
}

/** Fits a clone on the training rows and scores it on the test rows; also times both. */
export function fitAndScore(estimator: Estimator, X: Rows, y: Rows | undefined, train: Int32Array, test: Int32Array, scorer: Scorer, errorScore: number | "raise" = "raise"): FoldResult {
  const est = estimator.clone() as AnyEstimator;
  const t0 = performance.now();
  try {
    est.fit(takeRows(X, train), y === undefined ? undefined : takeRows(y, train));
  } catch (error) {
    if (errorScore === "raise") throw error;
    return { score: errorScore, fitTime: (performance.now() - t0) / 1000, scoreTime: 0, error };
  }
  const t1 = performance.now();
  const score = scorer(est, takeRows(X, test), y === undefined ? undefined : (takeRows(y, test) as TargetInput));
  const t2 = performance.now();
  return { score, fitTime: (t1 - t0) / 1000, scoreTime: (t2 - t1) / 1000 };
}

/** scikit-learn's rule: failed fits score errorScore, but when every fit failed the first error is thrown. */
export function throwIfAllFailed(op: string, runs: FoldResult[]): void {
  if (runs.length > 0 && runs.every((r) => r.error !== undefined)) {
    const first = runs[0].error;
    throw new ArgumentError(op, `all ${runs.length} fits failed; the first: ${first instanceof Error ? first.message : String(first)}`);
  }
}
