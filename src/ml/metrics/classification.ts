// Classification metrics: accuracy, precision/recall/F1 with averaging, confusion matrix, ROC AUC, log loss.
import type { Tensor } from "../../tensor/index.js";
import { tensor, reshape } from "../../tensor/index.js";
import { ArgumentError, ShapeError } from "../../core/errors.js";
import type { Label } from "../base.js";
import { labelPair, toLabels, toValues, uniqueSorted, type LabelsInput, type ValuesInput } from "./common.js";

/**
 * Fraction of samples whose predicted label equals the true one (or their count with `normalize: false`).
 * @example ml.metrics.accuracy([0, 1, 2, 1], [0, 2, 2, 1]) // 0.75
 */
export function accuracy(yTrue: LabelsInput, yPred: LabelsInput, opts: { normalize?: boolean } = {}): number {
  const [a, b] = labelPair("metrics.accuracy", yTrue, yPred);
  let hit = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hit++;
  return opts.normalize === false ? hit : hit / a.length;
}

export interface ConfusionMatrixOptions {
  /** Labels indexing the rows and columns, in this order (default: the sorted union of both inputs). */
  labels?: Label[];
  /** Divide by the row sums ("true"), column sums ("pred") or the total ("all"); default none (counts). */
  normalize?: "true" | "pred" | "all";
}

/**
 * Counts C[i][j] of samples with true label i predicted as j (labels sorted, or as given): int32
 * [k, k], or float64 when normalised.
 * @example ml.metrics.confusionMatrix([0, 1, 1], [0, 1, 0]).toArray() // [[1, 0], [1, 1]]
 */
export function confusionMatrix(yTrue: LabelsInput, yPred: LabelsInput, opts: ConfusionMatrixOptions = {}): Tensor {
  const op = "metrics.confusionMatrix";
  const [a, b] = labelPair(op, yTrue, yPred);
  const labels = opts.labels ?? uniqueSorted(op, a, b);
  if (labels.length === 0) throw new ArgumentError(op, "labels is empty");
  const k = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = new Float64Array(k * k);
  for (let s = 0; s < a.length; s++) {
    const i = index.get(a[s]), j = index.get(b[s]);
    if (i !== undefined && j !== undefined) counts[i * k + j]++;
  }
  if (opts.normalize === undefined) return reshape(tensor(Int32Array.from(counts)), [k, k]);
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let d = 0;
      if (opts.normalize === "true") for (let t = 0; t < k; t++) d += counts[i * k + t];
      else if (opts.normalize === "pred") for (let t = 0; t < k; t++) d += counts[t * k + j];
      else for (let t = 0; t < k * k; t++) d += counts[t];
      out[i * k + j] = d === 0 ? 0 : counts[i * k + j] / d;
    }
  }
  return reshape(tensor(out), [k, k]);
}

export type Average = "binary" | "micro" | "macro" | "weighted" | null;

export interface PRFOptions {
  /** "binary" (default: the score of `posLabel`), "micro", "macro", "weighted", or null for one score per label (a tensor). */
  average?: Average;
  /** The positive class for average "binary" (default 1). */
  posLabel?: Label;
  /** Labels to include, in this order (default: the sorted union of both inputs). */
  labels?: Label[];
  /** The value of a score whose denominator is 0 (default 0, as scikit-learn after its warning). */
  zeroDivision?: number;
}

type Which = "precision" | "recall" | "f1";

function prf(op: string, which: Which, yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions): number | Tensor {
  const [a, b] = labelPair(op, yTrue, yPred);
  const average = opts.average === undefined ? "binary" : opts.average;
  if (!["binary", "micro", "macro", "weighted", null].includes(average)) {
    throw new ArgumentError(op, `average must be "binary", "micro", "macro", "weighted" or null, got ${JSON.stringify(average)}`);
  }
  const zd = opts.zeroDivision ?? 0;
  const present = uniqueSorted(op, a, b);
  let labels = opts.labels ?? present;
  if (average === "binary") {
    if (present.length > 2) {
      throw new ArgumentError(op, `the targets are multiclass (${present.length} labels) but average is "binary"; choose average "micro", "macro", "weighted" or null`);
    }
    const pos = opts.posLabel ?? 1;
    if (present.length === 2 && !present.includes(pos)) {
      throw new ArgumentError(op, `posLabel ${JSON.stringify(pos)} is not one of the labels ${JSON.stringify(present)}`);
    }
    labels = [pos];
  }
  const k = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Float64Array(k), predCount = new Float64Array(k), trueCount = new Float64Array(k);
  for (let s = 0; s < a.length; s++) {
    const i = index.get(a[s]), j = index.get(b[s]);
    if (i !== undefined) trueCount[i]++;
    if (j !== undefined) predCount[j]++;
    if (i !== undefined && a[s] === b[s]) tp[i]++;
  }
  const ratio = (n: number, d: number) => (d === 0 ? zd : n / d);
  const score = (t: number, p: number, r: number): number => {
    const prec = ratio(t, p), rec = ratio(t, r);
    if (which === "precision") return prec;
    if (which === "recall") return rec;
    if (p + r === 0) return zd; // no predicted and no true samples of this label
    return prec + rec === 0 ? 0 : (2 * prec * rec) / (prec + rec);
  };
  if (average === "micro") {
    const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
    return score(sum(tp), sum(predCount), sum(trueCount));
  }
  const per = Float64Array.from({ length: k }, (_, i) => score(tp[i], predCount[i], trueCount[i]));
  if (average === null) return tensor(per);
  if (average === "binary") return per[0];
  if (average === "macro") return per.reduce((s, v) => s + v, 0) / k;
  const total = trueCount.reduce((s, v) => s + v, 0);
  if (total === 0) return zd;
  return per.reduce((s, v, i) => s + v * trueCount[i], 0) / total;
}

/**
 * Precision tp / (tp + fp), for the positive label or averaged over labels (see PRFOptions).
 * @example ml.metrics.precision([0, 1, 2, 0], [0, 2, 2, 0], { average: "macro" })
 */
export function precision(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions & { average: null }): Tensor;
export function precision(yTrue: LabelsInput, yPred: LabelsInput, opts?: PRFOptions): number;
export function precision(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions = {}): number | Tensor {
  return prf("metrics.precision", "precision", yTrue, yPred, opts);
}

/**
 * Recall tp / (tp + fn), for the positive label or averaged over labels (see PRFOptions).
 * @example ml.metrics.recall([0, 1, 1, 0], [0, 1, 0, 0]) // 0.5
 */
export function recall(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions & { average: null }): Tensor;
export function recall(yTrue: LabelsInput, yPred: LabelsInput, opts?: PRFOptions): number;
export function recall(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions = {}): number | Tensor {
  return prf("metrics.recall", "recall", yTrue, yPred, opts);
}

/**
 * F1 score, the harmonic mean of precision and recall, for the positive label or averaged (see PRFOptions).
 * @example ml.metrics.f1(yTest, model.predict(xTest), { average: "weighted" })
 */
export function f1(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions & { average: null }): Tensor;
export function f1(yTrue: LabelsInput, yPred: LabelsInput, opts?: PRFOptions): number;
export function f1(yTrue: LabelsInput, yPred: LabelsInput, opts: PRFOptions = {}): number | Tensor {
  return prf("metrics.f1", "f1", yTrue, yPred, opts);
}

/** Area under the ROC curve of binary 0/1 truths against scores (Mann–Whitney, ties count ½). */
function binaryAuc(op: string, truth: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = truth.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => score[x] - score[y]);
  let nPos = 0, rankSum = 0;
  for (let i = 0; i < n; ) {
    let e = i;
    while (e < n && score[order[e]] === score[order[i]]) e++;
    const rank = (i + 1 + e) / 2; // average of ranks i+1..e
    for (let t = i; t < e; t++) if (truth[order[t]]) { nPos++; rankSum += rank; }
    i = e;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new ArgumentError(op, "only one class is present in yTrue; ROC AUC is not defined then");
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface RocAucOptions {
  /** Multiclass strategy: "ovr" (default: each class against the rest) or "ovo" (Hand & Till, all pairs). */
  multiClass?: "ovr" | "ovo";
  /** Multiclass averaging: "macro" (default) or "weighted" (by prevalence). */
  average?: "macro" | "weighted";
  /** The classes in the order of yScore's columns (default: the sorted labels of yTrue). */
  labels?: Label[];
}

/**
 * Area under the ROC curve. Binary: yScore is the score of the greater label ([n], or [n, 2] whose
 * second column is used). Multiclass: yScore holds one probability column per class ([n, k]),
 * combined one-vs-rest (default) or one-vs-one.
 * @example ml.metrics.rocAuc(yTest, clf.predictProba(xTest), { multiClass: "ovr" })
 */
export function rocAuc(yTrue: LabelsInput, yScore: ValuesInput, opts: RocAucOptions = {}): number {
  const op = "metrics.rocAuc";
  const y = toLabels(op, "yTrue", yTrue);
  const s = toValues(op, "yScore", yScore);
  if (y.length === 0) throw new ArgumentError(op, "yTrue is empty");
  if (s.rows !== y.length) throw new ShapeError(op, `yTrue has ${y.length} samples but yScore has ${s.rows}`);
  const classes = opts.labels ?? uniqueSorted(op, y);
  if (classes.length < 2) throw new ArgumentError(op, "only one class is present in yTrue; ROC AUC is not defined then");
  const col = (j: number) => Float64Array.from({ length: s.rows }, (_, i) => s.data[i * s.cols + j]);
  if (classes.length === 2 && s.cols <= 2) {
    const truth = y.map((v) => (v === classes[1] ? 1 : 0));
    return binaryAuc(op, truth, col(s.cols - 1));
  }
  const k = classes.length;
  if (s.cols !== k) throw new ShapeError(op, `yScore has ${s.cols} columns but there are ${k} classes ${JSON.stringify(classes.slice(0, 10))}`);
  const average = opts.average ?? "macro", multi = opts.multiClass ?? "ovr";
  if (average !== "macro" && average !== "weighted") throw new ArgumentError(op, `average must be "macro" or "weighted", got ${JSON.stringify(average)}`);
  const index = new Map(classes.map((c, i) => [c, i]));
  const yi = y.map((v) => {
    const i = index.get(v);
    if (i === undefined) throw new ArgumentError(op, `yTrue contains ${JSON.stringify(v)}, which is not among the labels ${JSON.stringify(classes)}`);
    return i;
  });
  const prevalence = Array.from({ length: k }, (_, c) => yi.filter((v) => v === c).length);
  if (multi === "ovr") {
    let total = 0, weight = 0;
    for (let c = 0; c < k; c++) {
      const w = average === "weighted" ? prevalence[c] : 1;
      if (w === 0) continue;
      total += w * binaryAuc(op, yi.map((v) => (v === c ? 1 : 0)), col(c));
      weight += w;
    }
    return total / weight;
  }
  if (multi !== "ovo") throw new ArgumentError(op, `multiClass must be "ovr" or "ovo", got ${JSON.stringify(multi)}`);
  // Hand & Till: for each pair, the mean of AUC(a vs b by score a) and AUC(b vs a by score b), on samples of a or b.
  let total = 0, weight = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const rows = yi.flatMap((v, i) => (v === a || v === b ? [i] : []));
      const ta = rows.map((i) => (yi[i] === a ? 1 : 0)), tb = rows.map((i) => (yi[i] === b ? 1 : 0));
      const auc = (binaryAuc(op, ta, rows.map((i) => s.data[i * k + a])) + binaryAuc(op, tb, rows.map((i) => s.data[i * k + b]))) / 2;
      const w = average === "weighted" ? (prevalence[a] + prevalence[b]) / y.length : 1;
      total += w * auc;
      weight += w;
    }
  }
  return total / weight;
}

export interface LogLossOptions {
  /** Probabilities are clipped to [eps, 1 - eps] (default: float64 machine epsilon, scikit-learn's "auto"). */
  eps?: number;
  /** Mean over samples (default true) or sum. */
  normalize?: boolean;
  /** The classes in the order of yProb's columns (default: the sorted labels of yTrue). */
  labels?: Label[];
}

/**
 * Cross-entropy of predicted probabilities: yProb is [n, k] (one column per class, sorted), or
 * [n] for the probability of the greater of two classes. Rows are clipped and renormalised first.
 * @example ml.metrics.logLoss([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
 */
export function logLoss(yTrue: LabelsInput, yProb: ValuesInput, opts: LogLossOptions = {}): number {
  const op = "metrics.logLoss";
  const y = toLabels(op, "yTrue", yTrue);
  const p = toValues(op, "yProb", yProb);
  if (y.length === 0) throw new ArgumentError(op, "yTrue is empty");
  if (p.rows !== y.length) throw new ShapeError(op, `yTrue has ${y.length} samples but yProb has ${p.rows}`);
  const classes = opts.labels ?? uniqueSorted(op, y);
  if (classes.length < 2) throw new ArgumentError(op, `yTrue contains only one label (${JSON.stringify(classes[0])}); give all the labels with the labels option`);
  const k = p.cols === 1 ? 2 : p.cols;
  if (k !== classes.length) throw new ShapeError(op, `yProb has ${k} columns but there are ${classes.length} classes ${JSON.stringify(classes.slice(0, 10))}`);
  const eps = opts.eps ?? 2.220446049250313e-16;
  const index = new Map(classes.map((c, i) => [c, i]));
  let total = 0;
  const row = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    const c = index.get(y[i]);
    if (c === undefined) throw new ArgumentError(op, `yTrue contains ${JSON.stringify(y[i])}, which is not among the labels ${JSON.stringify(classes)}`);
    if (p.cols === 1) {
      const q = Math.min(Math.max(p.data[i], eps), 1 - eps);
      row[0] = 1 - q;
      row[1] = q;
    } else {
      for (let j = 0; j < k; j++) row[j] = Math.min(Math.max(p.data[i * k + j], eps), 1 - eps);
    }
    let sum = 0;
    for (let j = 0; j < k; j++) sum += row[j];
    total -= Math.log(row[c] / sum);
  }
  return opts.normalize === false ? total : total / y.length;
}
