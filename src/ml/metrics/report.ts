// classificationReport: scikit-learn's text table of per-label precision, recall, F1 and support,
// with the accuracy (or micro), macro and weighted averages — the same characters as
// sklearn.metrics.classification_report, scores from this folder's precision/recall/f1.
import { ArgumentError } from "../../core/errors.js";
import { checkOptions } from "../../core/options.js";
import type { Label } from "../base.js";
import { precision, recall, f1 } from "./classification.js";
import { labelPair, uniqueSorted, type LabelsInput } from "./common.js";

export interface ClassificationReportOptions {
  /** Labels to report, in this order (default: the sorted union of both inputs). */
  labels?: Label[];
  /** Display names of the labels, one per label (default: the labels as text). */
  targetNames?: string[];
  /** Digits after the point (default 2). */
  digits?: number;
  /** The value of a score whose denominator is 0 (default 0, as scikit-learn after its warning). */
  zeroDivision?: number;
}

/**
 * Python's `format(x, ".{digits}f")`: the exact binary value rounded, ties to even (JavaScript's
 * toFixed sends exact ties such as 0.125 up, Python to the even digit: "0.12").
 */
export function formatFixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  if (!Number.isFinite(x)) return s;
  // The exact expansion (toFixed is exact up to 100 digits); a tie is "…5" followed only by zeros.
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const point = exact.indexOf("."), cut = point + 1 + digits;
  if (exact[cut] !== "5" || !/^0*$/.test(exact.slice(cut + 1))) return s;
  const kept = digits === 0 ? exact.slice(0, point) : exact.slice(0, cut);
  if (Number(kept[kept.length - 1]) % 2 === 1) return s; // odd: up to even, as toFixed did
  return (x < 0 ? "-" : "") + kept; // even: Python keeps it
}

/**
 * A text report of precision, recall, F1 and support per label and averaged, in
 * scikit-learn's layout (`print` it). The "accuracy" line stands for the micro average when every
 * label is reported (as scikit-learn); with a subset of labels the line is "micro avg".
 * @example console.log(ml.metrics.classificationReport(yTrue, yPred, { targetNames: ["cat", "dog"] }))
 */
export function classificationReport(yTrue: LabelsInput, yPred: LabelsInput, opts: ClassificationReportOptions = {}): string {
  const op = "metrics.classificationReport";
  checkOptions(op, opts, ["labels", "targetNames", "digits", "zeroDivision"]);
  const [a, b] = labelPair(op, yTrue, yPred) as [LabelsInput & Label[], LabelsInput & Label[]];
  const present = uniqueSorted(op, a, b);
  const labels = opts.labels ?? present;
  if (labels.length === 0) throw new ArgumentError(op, "labels is empty");
  const digits = opts.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new ArgumentError(op, `digits must be an integer in [0, 20], got ${JSON.stringify(opts.digits)}`);
  const names = opts.targetNames ?? labels.map(String);
  if (names.length !== labels.length) {
    throw new ArgumentError(op, `targetNames has ${names.length} names but there are ${labels.length} labels (${JSON.stringify(labels.slice(0, 6))}${labels.length > 6 ? ", …" : ""})`);
  }
  const zeroDivision = opts.zeroDivision ?? 0;
  const perLabel = { labels, average: null, zeroDivision } as const;
  const per = [precision(a, b, perLabel), recall(a, b, perLabel), f1(a, b, perLabel)].map((t) => Array.from(t.dataSync()));
  const support = labels.map((l) => {
    let c = 0;
    for (const v of a) if (v === l) c++;
    return c;
  });
  let total = 0;
  for (const c of support) total += c;
  const microIsAccuracy = !opts.labels || (labels.length === present.length && present.every((l) => labels.includes(l)));

  const width = Math.max(...names.map((n) => n.length), "weighted avg".length, digits);
  const col = (s: string) => s.padStart(9);
  const num = (x: number) => col(formatFixed(x, digits));
  let out = `${"".padStart(width)} ${["precision", "recall", "f1-score", "support"].map((h) => " " + col(h)).join("")}\n\n`;
  names.forEach((name, i) => {
    out += `${name.padStart(width)}  ${num(per[0][i])} ${num(per[1][i])} ${num(per[2][i])} ${col(String(support[i]))}\n`;
  });
  out += "\n";
  for (const average of ["micro", "macro", "weighted"] as const) {
    const o = { labels, average, zeroDivision };
    const p = precision(a, b, o), r = recall(a, b, o), f = f1(a, b, o);
    if (average === "micro" && microIsAccuracy) {
      out += `${"accuracy".padStart(width)}  ${col("")} ${col("")} ${num(f)} ${col(String(total))}\n`;
    } else {
      out += `${`${average} avg`.padStart(width)}  ${num(p)} ${num(r)} ${num(f)} ${col(String(total))}\n`;
    }
  }
  return out;
}
