// GridSearchCV: exhaustive search over a parameter grid with cross-validation, then a refit on all data.
import type { Tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { checkOptions, optionNames } from "../../core/options.js";
import { NotFittedError, type Label, type TargetInput } from "../base.js";
import { isClassifier, type AnyEstimator, type Estimator } from "../protocols.js";
import { numRows, type Rows } from "./split.js";
import { fitAndScore, getScorer, resolveFolds, throwIfAllFailed, type CV, type FoldResult, type Scoring } from "./validation.js";

/** Candidate values per parameter name (`step__param` inside pipelines); or a list of such grids. */
export type ParamGrid = Record<string, readonly unknown[]> | Record<string, readonly unknown[]>[];

/**
 * Every combination of a grid, in scikit-learn's ParameterGrid order: within each grid the names
 * are sorted and the last name varies fastest.
 * @example ml.parameterGrid({ C: [1, 10], kernel: ["linear", "rbf"] }) // [{C:1,kernel:"linear"}, {C:1,kernel:"rbf"}, {C:10,…}, …]
 */
export function parameterGrid(grid: ParamGrid): Record<string, unknown>[] {
  const grids = Array.isArray(grid) ? grid : [grid];
  const out: Record<string, unknown>[] = [];
  for (const g of grids) {
    if (g == null || typeof g !== "object") throw new ArgumentError("parameterGrid", `a grid must be an object of value lists, got ${typeof g}`);
    const keys = Object.keys(g).sort();
    for (const k of keys) {
      if (!Array.isArray(g[k])) throw new ArgumentError("parameterGrid", `the values of "${k}" must be an array, got ${typeof g[k]}`);
      if (g[k].length === 0) throw new ArgumentError("parameterGrid", `the value list of "${k}" is empty`);
    }
    const walk = (i: number, acc: Record<string, unknown>): void => {
      if (i === keys.length) {
        out.push({ ...acc });
        return;
      }
      for (const v of g[keys[i]]) walk(i + 1, { ...acc, [keys[i]]: v });
    };
    walk(0, {});
  }
  return out;
}

/** Per-candidate cross-validation results (scikit-learn's cv_results_, in camelCase). */
export interface CVResults {
  params: Record<string, unknown>[];
  meanTestScore: number[];
  stdTestScore: number[];
  /** 1 for the best mean score; ties share the lowest rank. */
  rankTestScore: number[];
  /** splitTestScores[c][f]: score of candidate c on fold f. */
  splitTestScores: number[][];
  meanFitTime: number[];
  meanScoreTime: number[];
}

export interface GridSearchCVOptions {
  /** Folds: a number (default 5; stratified for classifiers), a splitter, or [train, test] pairs. */
  cv?: CV;
  /** How candidates are scored (default: the estimator's score). */
  scoring?: Scoring;
  /** Refit the best candidate on all the data (default true); needed for predict/score. */
  refit?: boolean;
  /** The score of a fold whose fit fails (default NaN, as scikit-learn), or "raise" to throw. If every fit fails, the first error is thrown. */
  errorScore?: number | "raise";
}
const GRID_SEARCH_OPTIONS = optionNames<GridSearchCVOptions>({ cv: true, scoring: true, refit: true, errorScore: true });

/**
 * Tries every parameter combination of a grid with cross-validation and keeps the best, as
 * scikit-learn's GridSearchCV: `bestParams_`, `bestScore_` (mean test score), `bestIndex_`,
 * `cvResults_`, and (with refit) `bestEstimator_` fitted on all the data, used by predict/score.
 * @example
 * const gs = new ml.GridSearchCV(new ml.KNeighborsClassifier(), { nNeighbors: [1, 3, 5] }, { cv: 5 }).fit(X, y);
 * gs.bestParams_; gs.bestScore_; gs.predict(Xtest);
 */
export class GridSearchCV implements Estimator {
  estimator: Estimator;
  paramGrid: ParamGrid;
  cv: CV;
  scoring: Scoring;
  refit: boolean;
  errorScore: number | "raise";
  /** The best candidate's parameters. */
  bestParams_: Record<string, unknown> = {};
  /** The best candidate's mean cross-validated score. */
  bestScore_ = NaN;
  /** Index of the best candidate in cvResults_. */
  bestIndex_ = -1;
  /** Results of every candidate. */
  cvResults_: CVResults | null = null;
  /** Number of folds used. */
  nSplits_ = 0;
  private best: AnyEstimator | null = null;

  constructor(estimator: Estimator, paramGrid: ParamGrid, opts: GridSearchCVOptions = {}) {
    if (estimator == null || typeof estimator.fit !== "function") throw new ArgumentError("GridSearchCV", "the first argument must be an estimator");
    checkOptions("GridSearchCV", opts, GRID_SEARCH_OPTIONS);
    this.estimator = estimator;
    this.paramGrid = paramGrid;
    this.cv = opts.cv ?? 5;
    this.scoring = opts.scoring ?? null;
    this.refit = opts.refit ?? true;
    this.errorScore = opts.errorScore ?? NaN;
    parameterGrid(paramGrid); // validate early
  }

  /** The best candidate refitted on all the data (needs refit). */
  get bestEstimator_(): AnyEstimator {
    if (!this.best) throw new NotFittedError("GridSearchCV.bestEstimator_", this.cvResults_ ? "refit was false, so there is no best estimator" : "call fit first");
    return this.best;
  }

  get classes_(): Label[] | undefined {
    return this.best?.classes_;
  }

  get estimatorType(): AnyEstimator["estimatorType"] {
    return isClassifier(this.estimator) ? "classifier" : (this.estimator as AnyEstimator).estimatorType;
  }

  /** Cross-validates every candidate on (X, y), then refits the best on all of it. */
  fit(X: Rows, y?: Rows): this {
    const op = "GridSearchCV.fit";
    const candidates = parameterGrid(this.paramGrid);
    const n = numRows(op, X);
    if (y !== undefined && numRows(op, y) !== n) throw new ArgumentError(op, `X has ${n} rows but y has ${numRows(op, y)}`);
    const folds = resolveFolds(op, this.cv, this.estimator, X, y);
    const scorer = getScorer(this.scoring);
    const res: CVResults = { params: candidates, meanTestScore: [], stdTestScore: [], rankTestScore: [], splitTestScores: [], meanFitTime: [], meanScoreTime: [] };
    const all: FoldResult[] = [];
    for (const params of candidates) {
      const base = this.estimator.clone();
      base.setParams(params);
      const runs = folds.map(([train, test]) => fitAndScore(base, X, y, train, test, scorer, this.errorScore));
      all.push(...runs);
      const scores = runs.map((r) => r.score);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      res.splitTestScores.push(scores);
      res.meanTestScore.push(mean);
      res.stdTestScore.push(Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length));
      res.meanFitTime.push(runs.reduce((a, r) => a + r.fitTime, 0) / runs.length);
      res.meanScoreTime.push(runs.reduce((a, r) => a + r.scoreTime, 0) / runs.length);
    }
    throwIfAllFailed(op, all);
    // Rank with ties sharing the lowest rank ("min"); NaN scores rank last.
    const key = (v: number) => (Number.isNaN(v) ? -Infinity : v);
    res.rankTestScore = res.meanTestScore.map((v) => 1 + res.meanTestScore.filter((u) => key(u) > key(v)).length);
    this.bestIndex_ = res.rankTestScore.indexOf(Math.min(...res.rankTestScore));
    this.bestParams_ = candidates[this.bestIndex_];
    this.bestScore_ = res.meanTestScore[this.bestIndex_];
    this.cvResults_ = res;
    this.nSplits_ = folds.length;
    this.best = null;
    if (this.refit) {
      const est = this.estimator.clone() as AnyEstimator;
      est.setParams(this.bestParams_);
      est.fit(X, y);
      this.best = est;
    }
    return this;
  }

  /** The best estimator's predictions. */
  predict(X: unknown): Tensor {
    return this.delegate("predict")(X);
  }
  /** The best estimator's class probabilities. */
  predictProba(X: unknown): Tensor {
    return this.delegate("predictProba")(X);
  }
  /** The best estimator's labels (strings stay strings). */
  predictLabels(X: unknown): Label[] {
    return this.delegate("predictLabels")(X);
  }
  /** The best estimator's transform. */
  transform(X: unknown): Tensor {
    return this.delegate("transform")(X);
  }

  /** The best estimator's score on (X, y), with the search's scoring. */
  score(X: unknown, y?: TargetInput): number {
    return getScorer(this.scoring)(this.bestEstimator_, X, y);
  }

  /** The search's settings. */
  getParams(): Record<string, unknown> {
    return { estimator: this.estimator, paramGrid: this.paramGrid, cv: this.cv, scoring: this.scoring, refit: this.refit, errorScore: this.errorScore };
  }

  /** Changes settings (estimator, paramGrid, cv, scoring, refit) or the wrapped estimator's parameters as `estimator__param`. */
  setParams(params: Record<string, unknown>): this {
    const inner: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) {
      if (k.startsWith("estimator__")) inner[k.slice("estimator__".length)] = v;
      else if (k === "estimator") this.estimator = v as Estimator;
      else if (k === "paramGrid") this.paramGrid = v as ParamGrid;
      else if (k === "cv") this.cv = v as CV;
      else if (k === "scoring") this.scoring = v as Scoring;
      else if (k === "refit") this.refit = v as boolean;
      else if (k === "errorScore") this.errorScore = v as number | "raise";
      else throw new ArgumentError("GridSearchCV.setParams", `unknown option ${JSON.stringify(k)}; expected estimator, paramGrid, cv, scoring, refit, errorScore or estimator__<param>`);
    }
    if (Object.keys(inner).length > 0) this.estimator.setParams(inner);
    return this;
  }

  /** A new, unfitted search with a clone of the estimator. */
  clone(): this {
    const C = this.constructor as new (e: Estimator, g: ParamGrid, o: GridSearchCVOptions) => this;
    return new C(this.estimator.clone(), this.paramGrid, { cv: this.cv, scoring: this.scoring, refit: this.refit, errorScore: this.errorScore });
  }

  private delegate<M extends "predict" | "predictProba" | "predictLabels" | "transform">(method: M): (X: unknown) => ReturnType<NonNullable<AnyEstimator[M]>> {
    const est = this.bestEstimator_;
    const fn = est[method];
    if (typeof fn !== "function") throw new ArgumentError(`GridSearchCV.${method}`, `the best estimator has no ${method} method`);
    return fn.bind(est) as (X: unknown) => ReturnType<NonNullable<AnyEstimator[M]>>;
  }
}
