// Resolving the `loss` option of fit/evaluate: a function, a loss Module, or a name.
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as F from "../nn/functional.js";
import * as L from "../nn/losses.js";

export type LossFn = (pred: Tensor, target: Tensor) => Tensor;
export type LossSpec = LossFn | { call(pred: Tensor, target: Tensor): Tensor } | "crossEntropy" | "mse" | "l1" | "bce" | "bceWithLogits" | "nll";

const NAMED: Record<string, LossFn> = {
  crossEntropy: (p, t) => F.crossEntropy(p, t),
  mse: (p, t) => F.mse(p, t),
  l1: (p, t) => L.l1Loss(p, t),
  bce: (p, t) => L.binaryCrossEntropy(p, t),
  bceWithLogits: (p, t) => L.binaryCrossEntropyWithLogits(p, t),
  nll: (p, t) => L.nllLoss(p, t),
};

export function resolveLoss(op: string, spec: LossSpec | undefined): LossFn {
  if (spec === undefined) throw new ArgumentError(op, `a loss is required (e.g. loss: "crossEntropy" or new nn.CrossEntropyLoss())`);
  if (typeof spec === "function") return spec;
  if (typeof spec === "string") {
    const f = Object.hasOwn(NAMED, spec) ? NAMED[spec] : undefined;
    if (!f) throw new ArgumentError(op, `unknown loss "${spec}"; expected ${Object.keys(NAMED).join(", ")}, a function or a loss module`);
    return f;
  }
  if (typeof spec.call === "function") return (p, t) => spec.call(p, t);
  throw new ArgumentError(op, "loss must be a function, a loss module or a name");
}
