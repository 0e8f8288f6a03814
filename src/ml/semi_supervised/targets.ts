// Semi-supervised targets: labels where -1 marks an unlabelled sample.
import { Tensor } from "../../tensor/index.js";
import { ArgumentError, NonFiniteError, ShapeError } from "../../core/errors.js";
import type { Label, TargetInput } from "../base.js";

/** The labels as plain values and which samples are labelled (y !== -1). */
export function semiSupervisedTargets(op: string, y: TargetInput | ArrayLike<Label>, n: number): { labels: Label[]; labeled: boolean[] } {
  let labels: Label[];
  if (y instanceof Tensor) {
    if (y.ndim !== 1) throw new ShapeError(op, `y must be 1-D [nSamples], got shape [${y.shape.join(",")}]`);
    labels = Array.from(y.dataSync());
  } else {
    if (y == null || typeof (y as ArrayLike<unknown>).length !== "number") throw new ArgumentError(op, `y must be a 1-D tensor or array, got ${typeof y}`);
    labels = Array.from(y as ArrayLike<Label>);
  }
  if (labels.length !== n) throw new ShapeError(op, `X has ${n} samples but y has ${labels.length}`);
  labels.forEach((v, i) => {
    if (typeof v === "number" && !Number.isFinite(v)) throw new NonFiniteError(op, `y contains ${v} at index ${i}`);
    if (typeof v !== "number" && typeof v !== "string") throw new ArgumentError(op, `y[${i}] is ${typeof v}; expected a number or a string (-1 for unlabelled)`);
  });
  return { labels, labeled: labels.map((v) => v !== -1) };
}
