// Metrics for fit/evaluate: each accumulates a sum and a count over batches, so the epoch value
// is exact however the data is batched.
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";

/** A metric: per batch, returns [sum of the metric over the batch's samples, number of samples]. */
export interface Metric {
  readonly name: string;
  batch(pred: Tensor, target: Tensor): [number, number];
}

// Class predictions: argmax over dim 1 for [N, C] logits; > 0.5 for [N] or [N, 1] probabilities.
function predictedClasses(pred: Tensor): Tensor {
  if (pred.ndim >= 2 && pred.shape[1] > 1) return pred.argmax(1);
  return pred.reshape([pred.shape[0]]).gt(0.5).int();
}

function targetClasses(target: Tensor, pred: Tensor): Tensor {
  // Probability / one-hot targets of the prediction's shape: take their argmax.
  if (target.ndim === pred.ndim && target.ndim >= 2 && target.shape[1] > 1 && target.dtype !== "int32") return target.argmax(1);
  return target.reshape([target.shape[0]]).int();
}

/** Fraction of samples whose predicted class equals the target. */
export const accuracy: Metric = {
  name: "accuracy",
  batch(pred, target) {
    const hits = predictedClasses(pred).eq(targetClasses(target, pred)).sum().item();
    return [hits, pred.shape[0]];
  },
};

/** Fraction of samples whose target is among the k highest-scoring classes. */
export function topKAccuracy(k: number): Metric {
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError("topKAccuracy", `k must be a positive integer, got ${k}`);
  return {
    name: `top${k}Accuracy`,
    batch(pred, target) {
      // The target is in the top k iff fewer than k classes score strictly higher than it.
      const t = targetClasses(target, pred);
      const targetScore = pred.gather(1, t.unsqueeze(1));
      const higher = pred.gt(targetScore).sum(1);
      return [higher.lt(k).sum().item(), pred.shape[0]];
    },
  };
}

/** Mean absolute error over all elements. */
export const mae: Metric = {
  name: "mae",
  batch(pred, target) {
    return [pred.sub(target.reshape(pred.shape)).abs().sum().item(), pred.size];
  },
};

/** Mean squared error over all elements. */
export const mse: Metric = {
  name: "mse",
  batch(pred, target) {
    return [pred.sub(target.reshape(pred.shape)).square().sum().item(), pred.size];
  },
};

export type MetricSpec = "accuracy" | "acc" | "mae" | "mse" | `top${number}Accuracy` | Metric;

/** Resolves metric names ("accuracy", "top5Accuracy", "mae", "mse") or Metric objects. */
export function resolveMetric(spec: MetricSpec): Metric {
  if (typeof spec === "object") return spec;
  if (spec === "accuracy" || spec === "acc") return accuracy;
  if (spec === "mae") return mae;
  if (spec === "mse") return mse;
  const m = /^top(\d+)Accuracy$/.exec(spec);
  if (m) return topKAccuracy(Number(m[1]));
  throw new ArgumentError("metrics", `unknown metric "${String(spec)}"; expected accuracy, topKAccuracy (e.g. top5Accuracy), mae, mse or a Metric object`);
}
