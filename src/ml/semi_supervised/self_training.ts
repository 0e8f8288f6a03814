// SelfTrainingClassifier: wraps a probabilistic classifier and labels its own confident predictions, round by round.
import type { Tensor } from "../../tensor/index.js";
import { tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { Classifier, argmaxRows, checkChoice, checkInt, checkNumber, matrixTensor, type Label, type Matrix, type MatrixInput, type TargetInput } from "../base.js";
import type { AnyEstimator, Estimator } from "../protocols.js";
import { semiSupervisedTargets } from "./targets.js";

export interface SelfTrainingParams {
  /** The classifier to wrap; it must have predictProba and classes_ (cloned for fitting). */
  estimator: Estimator | null;
  /** "threshold" (default): adopt predictions whose probability exceeds `threshold`; "k_best": the kBest most confident each round. */
  criterion: "threshold" | "k_best";
  /** Probability above which a prediction is adopted as a label (default 0.75). */
  threshold: number;
  /** Predictions adopted per round with criterion "k_best" (default 10). */
  kBest: number;
  /** Rounds at most; null for no limit (default 10). */
  maxIter: number | null;
}

/**
 * Self-training, as scikit-learn's SelfTrainingClassifier: fit the wrapped classifier on the labelled
 * samples (y = -1 marks unlabelled ones), adopt its confident predictions on the unlabelled samples
 * as labels, refit, and repeat until nothing changes, everything is labelled or maxIter is reached.
 * @example
 * const st = new ml.SelfTrainingClassifier({ estimator: new ml.LogisticRegression(), threshold: 0.9 }).fit(X, yWithMinusOnes);
 * st.predict(Xtest); st.transduction_; st.terminationCondition_;
 */
export class SelfTrainingClassifier extends Classifier<SelfTrainingParams> {
  /** Rounds run. */
  nIter_ = 0;
  /** Why fitting stopped: "max_iter", "no_change" or "all_labeled". */
  terminationCondition_: "max_iter" | "no_change" | "all_labeled" | "" = "";
  private inner: AnyEstimator | null = null;
  private transduction: Label[] = [];
  private labeledIter = new Int32Array(0);

  constructor(opts: Partial<SelfTrainingParams> = {}) {
    super({ estimator: null, criterion: "threshold", threshold: 0.75, kBest: 10, maxIter: 10 }, opts);
  }

  /** The wrapped classifier, fitted on all samples labelled by the end. */
  get estimator_(): AnyEstimator {
    this.checkFitted("estimator_");
    return this.inner!;
  }
  /** The label of each training sample at the end (given or adopted; -1 if never labelled). Numbers as a tensor. */
  get transduction_(): Tensor {
    this.checkFitted("transduction_");
    if (typeof this.transduction.find((v) => v !== -1) === "string") return tensor(Int32Array.from(this.transduction, (v) => (v === -1 ? -1 : this.classes_.indexOf(v))));
    return tensor(Float64Array.from(this.transduction as number[]));
  }
  /** The round in which each training sample got its label (0: given, -1: never), int32 [nSamples]. */
  get labeledIter_(): Tensor {
    this.checkFitted("labeledIter_");
    return tensor(this.labeledIter.slice());
  }

  /** Self-trains on X with labels y, where -1 marks the unlabelled samples. */
  fit(X: MatrixInput, y: TargetInput | ArrayLike<Label>): this {
    const op = this.name("fit");
    const { estimator, criterion, threshold, kBest, maxIter } = this.params;
    if (estimator == null || typeof (estimator as AnyEstimator).fit !== "function") throw new ArgumentError(op, "the estimator option must be a classifier");
    if (typeof (estimator as AnyEstimator).predictProba !== "function") throw new ArgumentError(op, `the wrapped ${estimator.constructor.name} has no predictProba method`);
    checkChoice(op, "criterion", criterion, ["threshold", "k_best"] as const);
    checkNumber(op, "threshold", threshold, 0, 1);
    checkInt(op, "kBest", kBest, 1);
    if (maxIter !== null) checkInt(op, "maxIter", maxIter, 0);
    const m = this.fitMatrix(X);
    const { labels, labeled } = semiSupervisedTargets(op, y, m.rows);
    if (labeled.every((l) => !l)) throw new ArgumentError(op, "y has no labelled samples (every label is -1)");
    const has = Uint8Array.from(labeled, (l) => (l ? 1 : 0));
    const iterOf = Int32Array.from(labeled, (l) => (l ? 0 : -1));
    const trans = labels.slice();
    let inner = estimator.clone() as AnyEstimator;
    let it = 0;
    this.terminationCondition_ = "";
    while (has.some((h) => !h) && (maxIter === null || it < maxIter)) {
      it++;
      inner = estimator.clone() as AnyEstimator;
      inner.fit(rowsOf(m, has, 1), trans.filter((_, i) => has[i]));
      const unl: number[] = [];
      has.forEach((h, i) => !h && unl.push(i));
      const proba = inner.predictProba!(rowsOfIdx(m, unl));
      const k = proba.shape[1], p = proba.dataSync() as Float64Array;
      const best = argmaxRows(Float64Array.from(p), unl.length, k);
      const conf = Float64Array.from(best, (c, r) => p[r * k + c]);
      let chosen: number[];
      if (criterion === "threshold") chosen = unl.flatMap((_, r) => (conf[r] > threshold ? [r] : []));
      else {
        const order = Array.from({ length: unl.length }, (_, r) => r).sort((a, b) => conf[b] - conf[a] || a - b);
        chosen = order.slice(0, Math.min(kBest, unl.length));
      }
      const classes = inner.classes_!;
      for (const r of chosen) {
        const i = unl[r];
        trans[i] = classes[best[r]];
        has[i] = 1;
        iterOf[i] = it;
      }
      if (chosen.length === 0) {
        this.terminationCondition_ = "no_change";
        break;
      }
    }
    // As scikit-learn: reaching maxIter overrides "no_change", and "all_labeled" overrides both.
    if (maxIter !== null && it === maxIter) this.terminationCondition_ = "max_iter";
    if (has.every((h) => h)) this.terminationCondition_ = "all_labeled";
    inner = estimator.clone() as AnyEstimator;
    inner.fit(rowsOf(m, has, 1), trans.filter((_, i) => has[i]));
    this.inner = inner;
    this.classes_ = inner.classes_!;
    this.transduction = trans.map((v, i) => (has[i] ? v : -1));
    this.labeledIter = iterOf;
    this.nIter_ = it;
    this.markFitted(m.cols);
    return this;
  }

  /** The wrapped classifier's class probabilities, float64 [nSamples, nClasses]. */
  predictProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictProba", X);
    return this.inner!.predictProba!(matrixTensor(m.data, m.rows, m.cols));
  }

  protected predictIndices(X: Matrix): Int32Array {
    const inner = this.inner!;
    const Xt = matrixTensor(X.data, X.rows, X.cols);
    if (typeof inner.predictLabels === "function") {
      const index = new Map(this.classes_.map((c, k) => [c, k]));
      return Int32Array.from(inner.predictLabels(Xt), (l) => index.get(l) ?? 0);
    }
    const p = inner.predictProba!(Xt);
    return argmaxRows(Float64Array.from(p.dataSync()), X.rows, p.shape[1]);
  }

  /** Changes options; `estimator__param` reaches the wrapped classifier's options. */
  override setParams(opts: Partial<SelfTrainingParams> & Record<string, unknown>): this {
    const own: Record<string, unknown> = {}, inner: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opts)) {
      if (k.startsWith("estimator__")) inner[k.slice("estimator__".length)] = v;
      else own[k] = v;
    }
    super.setParams(own as Partial<SelfTrainingParams>);
    if (Object.keys(inner).length > 0) {
      if (!this.params.estimator) throw new ArgumentError(this.name("setParams"), "no estimator to set estimator__ options on");
      this.params.estimator.setParams(inner);
    }
    return this;
  }

  /** A new, unfitted self-trainer around a clone of the wrapped classifier. */
  override clone(): this {
    const C = this.constructor as new (opts: Partial<SelfTrainingParams>) => this;
    const p = this.getParams();
    return new C({ ...p, estimator: p.estimator ? p.estimator.clone() : null });
  }
}

/** Rows of m where mask[i] === want, as a float64 tensor. */
function rowsOf(m: Matrix, mask: Uint8Array, want: number): Tensor {
  const idx: number[] = [];
  mask.forEach((v, i) => v === want && idx.push(i));
  return rowsOfIdx(m, idx);
}

function rowsOfIdx(m: Matrix, idx: number[]): Tensor {
  const out = new Float64Array(idx.length * m.cols);
  idx.forEach((i, r) => out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), r * m.cols));
  return matrixTensor(out, idx.length, m.cols);
}
