// Keras metrics (keras.metrics.*): per-sample functions averaged over all samples of an epoch,
// by Keras' names. "accuracy" picks binary, categorical or sparse categorical accuracy from the
// loss and the shapes, as Keras does.
import { ArgumentError } from "../core/errors.js";
import { checkNumber } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import * as losses from "./losses.js";
import { toSnakeKey } from "./names.js";

/** A per-sample metric: yPred [..., d] → values [...], averaged over all of them. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A named metric (the name keys the logs and the History). */
export interface Metric {
  readonly name: string;
  readonly fn: MetricFunction;
}

const labelsOf = (yTrue: Tensor, yPred: Tensor): Tensor => {
  const y = yTrue.ndim === yPred.ndim && yTrue.shape[yTrue.ndim - 1] === 1 ? yTrue.squeeze(-1) : yTrue;
  return y.dtype === "int32" ? y : y.int();
};

/** Fraction of elements where (yPred > threshold) equals yTrue, per sample. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const y = yTrue.ndim === yPred.ndim - 1 ? yTrue.unsqueeze(-1) : yTrue;
  return yPred.gt(threshold).to(yPred.dtype).eq(y.to(yPred.dtype)).to(yPred.dtype).mean(-1);
}
/** 1 where argmax(yPred) equals argmax(yTrue) (one-hot targets). */
export const categoricalAccuracy: MetricFunction = (yTrue, yPred) => yTrue.argmax(-1).eq(yPred.argmax(-1)).to(yPred.dtype);
/** 1 where argmax(yPred) equals the integer label. */
export const sparseCategoricalAccuracy: MetricFunction = (yTrue, yPred) => labelsOf(yTrue, yPred).eq(yPred.argmax(-1)).to(yPred.dtype);

// 1 where the label's score is among the k highest (fewer than k classes score strictly higher).
function inTopK(labels: Tensor, yPred: Tensor, k: number): Tensor {
  const score = yPred.gather(-1, labels.unsqueeze(-1));
  return yPred.gt(score).sum(-1).lt(k).to(yPred.dtype);
}
export const topKCategoricalAccuracy = (yTrue: Tensor, yPred: Tensor, k = 5): Tensor => inTopK(yTrue.argmax(-1), yPred, k);
export const sparseTopKCategoricalAccuracy = (yTrue: Tensor, yPred: Tensor, k = 5): Tensor => inTopK(labelsOf(yTrue, yPred), yPred, k);

const FUNCTIONS: Partial<Record<string, MetricFunction>> & Record<"binary_accuracy", MetricFunction> = {
  binary_accuracy: (a, b) => binaryAccuracy(a, b),
  categorical_accuracy: categoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  top_k_categorical_accuracy: (a, b) => topKCategoricalAccuracy(a, b),
  sparse_top_k_categorical_accuracy: (a, b) => sparseTopKCategoricalAccuracy(a, b),
  ...losses.FUNCTIONS,
};

/** Keras' metric classes with options, e.g. keras.metrics.TopKCategoricalAccuracy({ k: 3 }). */
export const BinaryAccuracy = (opts: { threshold?: number; name?: string } = {}): Metric => {
  const t = checkNumber("BinaryAccuracy", "threshold", opts.threshold ?? 0.5);
  return { name: opts.name ?? "binary_accuracy", fn: (a, b) => binaryAccuracy(a, b, t) };
};
export const CategoricalAccuracy = (opts: { name?: string } = {}): Metric => ({ name: opts.name ?? "categorical_accuracy", fn: categoricalAccuracy });
export const SparseCategoricalAccuracy = (opts: { name?: string } = {}): Metric => ({ name: opts.name ?? "sparse_categorical_accuracy", fn: sparseCategoricalAccuracy });
export const TopKCategoricalAccuracy = (opts: { k?: number; name?: string } = {}): Metric => {
  const k = checkNumber("TopKCategoricalAccuracy", "k", opts.k ?? 5, { min: 1, integer: true });
  return { name: opts.name ?? "top_k_categorical_accuracy", fn: (a, b) => topKCategoricalAccuracy(a, b, k) };
};
export const SparseTopKCategoricalAccuracy = (opts: { k?: number; name?: string } = {}): Metric => {
  const k = checkNumber("SparseTopKCategoricalAccuracy", "k", opts.k ?? 5, { min: 1, integer: true });
  return { name: opts.name ?? "sparse_top_k_categorical_accuracy", fn: (a, b) => sparseTopKCategoricalAccuracy(a, b, k) };
};

/** A metric name ("accuracy", "mae", "sparse_categorical_accuracy"), a Metric, or a function (yTrue, yPred) → per-sample values. */
export type MetricSpec = string | Metric | MetricFunction;

/**
 * Resolves a metric. "accuracy"/"acc" become binary, sparse or categorical accuracy: by the loss
 * when it says (binary/sparse/categorical crossentropy), else by the shapes at the first batch.
 */
export function get(spec: MetricSpec, loss: losses.Loss | null, op = "compile"): Metric {
  if (typeof spec === "function") return { name: spec.name || "custom_metric", fn: spec };
  if (typeof spec === "object" && spec !== null) return spec;
  if (typeof spec === "string") {
    if (spec === "accuracy" || spec === "acc") {
      let fn: MetricFunction | null = loss && losses.isSparse(loss) ? sparseCategoricalAccuracy : loss && losses.isBinary(loss) ? FUNCTIONS.binary_accuracy : loss && losses.isCategorical(loss) ? categoricalAccuracy : null;
      return {
        name: spec,
        fn: (a, b) => {
          fn ??= b.shape[b.ndim - 1] === 1 ? FUNCTIONS.binary_accuracy : a.ndim < b.ndim || a.shape[a.ndim - 1] === 1 ? sparseCategoricalAccuracy : categoricalAccuracy;
          return fn(a, b);
        },
      };
    }
    const key = toSnakeKey(spec);
    const fn: MetricFunction | undefined = FUNCTIONS[key];
    if (fn !== undefined) return { name: spec, fn };
  }
  throw new ArgumentError(op, `unknown metric ${JSON.stringify(spec)}; expected a function, a Metric or one of accuracy, ${Object.keys(FUNCTIONS).join(", ")}`);
}
