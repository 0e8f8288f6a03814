// Loss functions beyond crossEntropy/mse: nll, l1, binary cross-entropy (probabilities and
// logits), all with PyTorch's reductions and numerically stable forms.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";

export type Reduction = "mean" | "sum" | "none";

export function reduceLoss(op: string, loss: Tensor, reduction: Reduction, denom?: Tensor): Tensor {
  if (reduction === "none") return loss;
  if (reduction === "sum") return loss.sum();
  if (reduction === "mean") return denom ? loss.sum().div(denom) : loss.mean();
  throw new ArgumentError(op, `reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
}

export interface NllOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Negative log-likelihood: -input[n, target[n]] for log-probabilities [N,C,...] and int32 class
 * indices [N,...]. With class weights, "mean" divides by the summed weights of the counted targets.
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const op = "nllLoss";
  if (target.dtype !== "int32") throw new DTypeError(op, `target must be int32 class indices, got ${target.dtype}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const t = input.ndim === 1 ? target.reshape([1]) : target;
  const C = x.shape[1];
  const expected = [x.shape[0], ...x.shape.slice(2)];
  if (fmtShape(t.shape) !== fmtShape(expected)) throw new ShapeError(op, `target shape ${fmtShape(target.shape)} does not match input ${fmtShape(input.shape)}; expected ${fmtShape(expected)}`);
  const w = opts.weight ?? null;
  if (w && (w.ndim !== 1 || w.shape[0] !== C)) throw new ShapeError(op, `weight must have shape [${C}], got ${fmtShape(w.shape)}`);
  const valid = t.ne(opts.ignoreIndex ?? -100);
  const safe = ds.where(valid, t, 0);
  if (ds.logicalAnd(valid, ds.logicalOr(safe.lt(0), safe.ge(C))).any().item()) {
    throw new ArgumentError(op, `target holds class indices outside [0, ${C})`);
  }
  const picked = x.gather(1, safe.unsqueeze(1)).squeeze(1);
  const wt = w ? ds.indexSelect(w, 0, safe.reshape([safe.size])).reshape(safe.shape).mul(valid) : valid.to(x.dtype);
  const out = reduceLoss(op, picked.mul(wt).neg(), opts.reduction ?? "mean", wt.sum());
  return input.ndim === 1 && opts.reduction === "none" ? out.squeeze(0) : out;
}

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return reduceLoss("l1Loss", input.sub(target).abs(), opts.reduction ?? "mean");
}

export interface BceOptions {
  /** Per-element rescaling weight, broadcast to the input. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

function checkSame(op: string, a: Tensor, b: Tensor): void {
  if (fmtShape(a.shape) !== fmtShape(b.shape)) throw new ShapeError(op, `target shape ${fmtShape(b.shape)} must equal input shape ${fmtShape(a.shape)}`);
}

/** Binary cross-entropy of probabilities in [0, 1]; logs are clamped at -100 as in PyTorch. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  checkSame("binaryCrossEntropy", input, target);
  const logp = input.log().clamp(-100);
  const log1mp = ds.sub(1, input).log().clamp(-100);
  let loss = target.mul(logp).add(ds.sub(1, target).mul(log1mp)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduceLoss("binaryCrossEntropy", loss, opts.reduction ?? "mean");
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one stable expression: max(x,0) - x·y + log(1 + e^-|x|). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  checkSame("binaryCrossEntropyWithLogits", input, target);
  const softplusNeg = input.abs().neg().exp().log1p().add(input.neg().relu()); // log(1 + e^-x)
  let loss: Tensor;
  if (opts.posWeight) {
    const lw = opts.posWeight.sub(1).mul(target).add(1);
    loss = ds.sub(1, target).mul(input).add(lw.mul(softplusNeg));
  } else {
    loss = ds.sub(1, target).mul(input).add(softplusNeg);
  }
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduceLoss("binaryCrossEntropyWithLogits", loss, opts.reduction ?? "mean");
}
