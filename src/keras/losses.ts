// Keras losses (keras.losses.*): per-sample functions with Keras' formulas and argument order
// (yTrue, yPred), the classes with options (fromLogits, labelSmoothing, delta), and names.
// Keras' crossentropies take probabilities unless fromLogits: probabilities are normalised and
// clipped to [1e-7, 1 - 1e-7] before the log (as Keras and TensorFlow.js do); logits go through
// nn's crossEntropy / binaryCrossEntropyWithLogits.
import { ArgumentError, ShapeError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, nllLoss } from "../nn/losses.js";
import { kerasSnake, toSnakeKey, type Config } from "./names.js";

/** Keras' backend epsilon (clipping of probabilities, safe divisions). */
export const EPSILON = 1e-7;

/** A per-sample loss: yPred [..., d] → losses [...] (one value per sample, or per step). */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

const fmt = (t: Tensor) => `[${t.shape.join(",")}]`;
function sameShape(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  let y = yTrue.dtype === yPred.dtype ? yTrue : yTrue.to(yPred.dtype);
  // Keras squeezes or expands a trailing 1 so [N] targets meet [N, 1] predictions.
  if (y.ndim === yPred.ndim - 1 && yPred.shape[yPred.ndim - 1] === 1) y = y.unsqueeze(-1);
  else if (y.ndim === yPred.ndim + 1 && y.shape[y.ndim - 1] === 1) y = y.squeeze(-1);
  if (y.shape.join(",") !== yPred.shape.join(",")) throw new ShapeError(op, `targets ${fmt(yTrue)} and predictions ${fmt(yPred)} must have the same shape`);
  return y;
}

const lastMean = (t: Tensor) => t.mean(-1);

export const meanSquaredError: LossFunction = (yTrue, yPred) => lastMean(yPred.sub(sameShape("mean_squared_error", yTrue, yPred)).square());
export const meanAbsoluteError: LossFunction = (yTrue, yPred) => lastMean(yPred.sub(sameShape("mean_absolute_error", yTrue, yPred)).abs());
export const meanAbsolutePercentageError: LossFunction = (yTrue, yPred) => {
  const y = sameShape("mean_absolute_percentage_error", yTrue, yPred);
  return lastMean(y.sub(yPred).div(y.abs().clamp(EPSILON)).abs()).mul(100);
};
export const meanSquaredLogarithmicError: LossFunction = (yTrue, yPred) => {
  const y = sameShape("mean_squared_logarithmic_error", yTrue, yPred);
  return lastMean(yPred.clamp(EPSILON).add(1).log().sub(y.clamp(EPSILON).add(1).log()).square());
};
export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  const err = yPred.sub(sameShape("huber", yTrue, yPred)).abs();
  const quad = err.clamp(null, delta);
  return lastMean(quad.square().mul(0.5).add(err.sub(quad).mul(delta)));
}
export const logCosh: LossFunction = (yTrue, yPred) => {
  const x = yPred.sub(sameShape("log_cosh", yTrue, yPred));
  return lastMean(x.add(x.mul(-2).softplus()).sub(Math.LN2));
};
// Keras converts {0, 1} labels to {-1, 1} for the hinge losses.
const signed = (y: Tensor): Tensor => (y.eq(0).logicalOr(y.eq(1)).all().item() ? y.mul(2).sub(1) : y);
export const hinge: LossFunction = (yTrue, yPred) => lastMean(ds.sub(1, signed(sameShape("hinge", yTrue, yPred)).mul(yPred)).relu());
export const squaredHinge: LossFunction = (yTrue, yPred) => lastMean(ds.sub(1, signed(sameShape("squared_hinge", yTrue, yPred)).mul(yPred)).relu().square());
export const categoricalHinge: LossFunction = (yTrue, yPred) => {
  const y = sameShape("categorical_hinge", yTrue, yPred);
  const pos = y.mul(yPred).sum(-1), neg = ds.sub(1, y).mul(yPred).max(-1);
  return neg.sub(pos).add(1).relu();
};
export const klDivergence: LossFunction = (yTrue, yPred) => {
  const y = sameShape("kl_divergence", yTrue, yPred).clamp(EPSILON, 1), p = yPred.clamp(EPSILON, 1);
  return y.mul(y.div(p).log()).sum(-1);
};
export const poisson: LossFunction = (yTrue, yPred) => lastMean(yPred.sub(sameShape("poisson", yTrue, yPred).mul(yPred.add(EPSILON).log())));
const l2Normalize = (x: Tensor, axis: number) => x.div(x.square().sum(axis, true).clamp(1e-12).sqrt());
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor, axis = -1): Tensor {
  const y = sameShape("cosine_similarity", yTrue, yPred);
  return l2Normalize(y, axis).mul(l2Normalize(yPred, axis)).sum(axis).neg();
}

export interface CrossentropyOptions {
  /** yPred holds logits (no final softmax/sigmoid) instead of probabilities. Default false, as Keras. */
  fromLogits?: boolean;
  /** Mixes the targets with the uniform distribution (binary: toward 0.5). */
  labelSmoothing?: number;
}

/** Binary crossentropy averaged over the last axis (Keras' binary_crossentropy). */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CrossentropyOptions = {}): Tensor {
  let y = sameShape("binary_crossentropy", yTrue, yPred);
  const ls = opts.labelSmoothing ?? 0;
  if (ls) y = y.mul(1 - ls).add(0.5 * ls);
  const terms = opts.fromLogits
    ? binaryCrossEntropyWithLogits(yPred, y, { reduction: "none" })
    : binaryCrossEntropy(yPred.clamp(EPSILON, 1 - EPSILON), y, { reduction: "none" });
  return lastMean(terms);
}

/** Crossentropy against one-hot (or probability) targets over the last axis (Keras' categorical_crossentropy). */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CrossentropyOptions = {}): Tensor {
  let y = sameShape("categorical_crossentropy", yTrue, yPred);
  const C = yPred.shape[yPred.ndim - 1];
  const ls = opts.labelSmoothing ?? 0;
  if (ls) y = y.mul(1 - ls).add(ls / C);
  if (opts.fromLogits) {
    const flat = crossEntropy(yPred.reshape([-1, C]), y.reshape([-1, C]), { reduction: "none" });
    return flat.reshape(yPred.shape.slice(0, -1));
  }
  const p = yPred.div(yPred.sum(-1, true)).clamp(EPSILON, 1 - EPSILON);
  return y.mul(p.log()).sum(-1).neg();
}

/** Crossentropy against integer class indices (Keras' sparse_categorical_crossentropy); float labels are cast to int32. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: { fromLogits?: boolean } = {}): Tensor {
  const op = "sparse_categorical_crossentropy";
  const C = yPred.shape[yPred.ndim - 1];
  let y = yTrue;
  if (y.ndim === yPred.ndim && y.shape[y.ndim - 1] === 1) y = y.squeeze(-1);
  if (y.shape.join(",") !== yPred.shape.slice(0, -1).join(",")) {
    throw new ShapeError(op, `targets ${fmt(yTrue)} must be class indices shaped like the predictions ${fmt(yPred)} without their last (class) axis`);
  }
  const labels = (y.dtype === "int32" ? y : y.int()).reshape([-1]);
  const flat = yPred.reshape([-1, C]);
  const losses = opts.fromLogits
    ? crossEntropy(flat, labels, { reduction: "none" })
    : nllLoss(flat.div(flat.sum(-1, true)).clamp(EPSILON, 1 - EPSILON).log(), labels, { reduction: "none" });
  return losses.reshape(yPred.shape.slice(0, -1));
}

/** A loss object (Keras' keras.losses.Loss): a per-sample function, its name and config. */
export class Loss {
  constructor(readonly name: string, readonly fn: LossFunction, readonly config: Config = {}, readonly className = "Loss") {}
  /** The mean loss over all samples (Keras' "sum_over_batch_size" reduction). */
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.fn(yTrue, yPred).mean();
  }
  getConfig(): Config {
    return { name: this.name, reduction: "sum_over_batch_size", ...this.config };
  }
}

function lossClass(className: string, fn: LossFunction) {
  const name = kerasSnake(className);
  return (opts: { name?: string } = {}): Loss => {
    checkOptions(className, opts, ["name", "reduction"]);
    return new Loss(opts.name ?? name, fn, {}, className);
  };
}

export const MeanSquaredError = lossClass("MeanSquaredError", meanSquaredError);
export const MeanAbsoluteError = lossClass("MeanAbsoluteError", meanAbsoluteError);
export const MeanAbsolutePercentageError = lossClass("MeanAbsolutePercentageError", meanAbsolutePercentageError);
export const MeanSquaredLogarithmicError = lossClass("MeanSquaredLogarithmicError", meanSquaredLogarithmicError);
export const LogCosh = lossClass("LogCosh", logCosh);
export const Hinge = lossClass("Hinge", hinge);
export const SquaredHinge = lossClass("SquaredHinge", squaredHinge);
export const CategoricalHinge = lossClass("CategoricalHinge", categoricalHinge);
export const KLDivergence = lossClass("KLDivergence", klDivergence);
export const Poisson = lossClass("Poisson", poisson);

export function Huber(opts: { delta?: number; name?: string } = {}): Loss {
  checkOptions("Huber", opts, ["delta", "name", "reduction"]);
  const delta = checkNumber("Huber", "delta", opts.delta ?? 1, { above: 0 });
  return new Loss(opts.name ?? "huber_loss", (a, b) => huber(a, b, delta), { delta }, "Huber");
}
export function CosineSimilarity(opts: { axis?: number; name?: string } = {}): Loss {
  checkOptions("CosineSimilarity", opts, ["axis", "name", "reduction"]);
  const axis = opts.axis ?? -1;
  return new Loss(opts.name ?? "cosine_similarity", (a, b) => cosineSimilarity(a, b, axis), { axis }, "CosineSimilarity");
}
function crossentropyClass(className: string, f: (a: Tensor, b: Tensor, o: CrossentropyOptions) => Tensor, smoothing: boolean) {
  return (opts: CrossentropyOptions & { name?: string; axis?: number } = {}): Loss => {
    checkOptions(className, opts, ["fromLogits", "name", "reduction", "axis", ...(smoothing ? ["labelSmoothing"] : [])]);
    if (opts.axis !== undefined && opts.axis !== -1) throw new ArgumentError(className, `only axis -1 is supported, got ${opts.axis}`);
    const fromLogits = opts.fromLogits ?? false, labelSmoothing = checkNumber(className, "labelSmoothing", opts.labelSmoothing ?? 0, { min: 0 });
    const config: Config = { from_logits: fromLogits, ...(smoothing ? { label_smoothing: labelSmoothing, axis: -1 } : {}) };
    return new Loss(opts.name ?? kerasSnake(className), (a, b) => f(a, b, { fromLogits, labelSmoothing }), config, className);
  };
}
export const BinaryCrossentropy = crossentropyClass("BinaryCrossentropy", binaryCrossentropy, true);
export const CategoricalCrossentropy = crossentropyClass("CategoricalCrossentropy", categoricalCrossentropy, true);
export const SparseCategoricalCrossentropy = crossentropyClass("SparseCategoricalCrossentropy", (a, b, o) => sparseCategoricalCrossentropy(a, b, o), false);

/** Per-sample loss functions by Keras' names, aliases and TensorFlow.js' camelCase names. */
export const FUNCTIONS: Record<string, LossFunction> = {
  mean_squared_error: meanSquaredError, mse: meanSquaredError,
  mean_absolute_error: meanAbsoluteError, mae: meanAbsoluteError,
  mean_absolute_percentage_error: meanAbsolutePercentageError, mape: meanAbsolutePercentageError,
  mean_squared_logarithmic_error: meanSquaredLogarithmicError, msle: meanSquaredLogarithmicError,
  huber: (a, b) => huber(a, b), log_cosh: logCosh, logcosh: logCosh,
  hinge, squared_hinge: squaredHinge, categorical_hinge: categoricalHinge,
  kl_divergence: klDivergence, kld: klDivergence, kullback_leibler_divergence: klDivergence,
  poisson, cosine_similarity: (a, b) => cosineSimilarity(a, b), cosine_proximity: (a, b) => cosineSimilarity(a, b),
  binary_crossentropy: (a, b) => binaryCrossentropy(a, b),
  categorical_crossentropy: (a, b) => categoricalCrossentropy(a, b),
  sparse_categorical_crossentropy: (a, b) => sparseCategoricalCrossentropy(a, b),
};

/** A loss name ("sparse_categorical_crossentropy", "meanSquaredError"), a Loss, or a function (yTrue, yPred) → per-sample losses. */
export type LossSpec = string | Loss | LossFunction;

/** Resolves a loss spec to a Loss. */
export function get(spec: LossSpec, op = "compile"): Loss {
  if (spec instanceof Loss) return spec;
  if (typeof spec === "function") return new Loss(spec.name || "custom_loss", spec);
  if (typeof spec === "string") {
    const key = toSnakeKey(spec);
    const fn = FUNCTIONS[key] ?? FUNCTIONS[kerasSnake(spec)];
    if (fn) return new Loss(key, fn, {}, spec);
  }
  throw new ArgumentError(op, `unknown loss ${JSON.stringify(spec)}; expected a function, a keras.losses object or one of ${Object.keys(FUNCTIONS).join(", ")}`);
}

/** Whether a loss takes class indices (so "accuracy" means sparse categorical accuracy). */
export const isSparse = (l: Loss): boolean => l.className === "SparseCategoricalCrossentropy" || l.fn === FUNCTIONS.sparse_categorical_crossentropy || l.name === "sparse_categorical_crossentropy";
export const isBinary = (l: Loss): boolean => l.className === "BinaryCrossentropy" || l.name === "binary_crossentropy";
export const isCategorical = (l: Loss): boolean => l.className === "CategoricalCrossentropy" || l.name === "categorical_crossentropy";
