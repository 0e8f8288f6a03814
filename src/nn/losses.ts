// Loss functions (torch.nn.functional's): cross-entropy, nll, mse, l1, binary cross-entropy
// (probabilities and logits), all with PyTorch's reductions and numerically stable forms.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { frame } from "../tensor/memory.js";
import { warnOnce, warned } from "../core/warnings.js";
import { check } from "../prims/trace_hook.js";

export type Reduction = "mean" | "sum" | "none";

/** Applies a reduction; "mean" divides by `denom` when given (weighted means), else by the count. */
export function reduceLoss(op: string, loss: Tensor, reduction: Reduction, denom?: Tensor): Tensor {
  return frame(() => {
  if (reduction === "none") return loss;
  if (reduction === "sum") return loss.sum();
  if (reduction === "mean") return denom ? loss.sum().div(denom) : loss.mean();
  throw new ArgumentError(op, `reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
  });
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
  return frame(() => {
  return nll("nllLoss", input, target, opts).loss;
  });
}

// nllLoss plus what crossEntropy's label smoothing needs: the valid-target mask and the summed
// weights of the counted targets (the denominator of the weighted mean).
function nll(op: string, input: Tensor, target: Tensor, opts: NllOptions): { loss: Tensor; valid: Tensor; denom: Tensor } {
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
  check(op, () => {
    if (ds.logicalAnd(valid, ds.logicalOr(safe.lt(0), safe.ge(C))).any().item()) {
      throw new ArgumentError(op, `target holds class indices outside [0, ${C})`);
    }
  });
  const picked = x.gather(1, safe.unsqueeze(1)).squeeze(1);
  const wt = w ? ds.indexSelect(w, 0, safe.reshape([safe.size])).reshape(safe.shape).mul(valid) : valid.to(x.dtype);
  const denom = wt.sum();
  const out = reduceLoss(op, picked.mul(wt).neg(), opts.reduction ?? "mean", denom);
  return { loss: input.ndim === 1 && opts.reduction === "none" ? out.squeeze(0) : out, valid, denom };
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits [N,C,...] (or [C]) against int32 class indices [N,...] or float class
 * probabilities of the input's shape, with PyTorch's class weights, ignoreIndex (indices only) and
 * label smoothing. "mean" divides both the nll and the smoothing term by the summed weights of
 * the counted (not ignored) targets, as PyTorch.
 * @example F.crossEntropy(logits, ds.tensor([0, 2], { dtype: "int32" }), { labelSmoothing: 0.1 })
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  return frame(() => {
  const op = "crossEntropy";
  const reduction = opts.reduction ?? "mean";
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(op, `labelSmoothing must be in [0, 1], got ${eps}`);
  if (input.ndim < 1) throw new ShapeError(op, `input must have a class dim, got ${fmtShape(input.shape)}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const C = x.shape[1];
  const w = opts.weight ?? null;
  if (w && (w.ndim !== 1 || w.shape[0] !== C)) throw new ShapeError(op, `weight must have shape [${C}], got ${fmtShape(w.shape)}`);
  const wshape = x.shape.map((_, i) => (i === 1 ? C : 1));
  check("crossEntropy", () => checkNotProbabilities(x));
  const logp = x.logSoftmax(1);
  const unbatch = (t: Tensor): Tensor => (input.ndim === 1 && reduction === "none" ? t.squeeze(0) : t);
  if (target.dtype === "int32") {
    const { loss, valid, denom } = nll(op, logp, input.ndim === 1 ? target.reshape([1]) : target, { ...opts, reduction });
    if (eps === 0) return unbatch(loss);
    const smooth = (w ? logp.mul(w.reshape(wshape)) : logp).sum(1).neg().mul(valid);
    const smoothRed = reduceLoss(op, smooth, reduction, denom);
    return unbatch(loss.mul(1 - eps).add(smoothRed.mul(eps / C)));
  }
  if (target.dtype !== "float32" && target.dtype !== "float64") throw new DTypeError(op, `target must be int32 class indices or float probabilities, got ${target.dtype}`);
  const indexShape = [x.shape[0], ...x.shape.slice(2)];
  if (fmtShape(target.shape) === fmtShape(input.ndim === 1 ? [] : indexShape)) {
    throw new DTypeError(op, `target ${fmtShape(target.shape)} holds class indices as ${target.dtype}; pass them as int32 (target.int(), or ds.tensor(labels, { dtype: "int32" })). A float target must hold probabilities shaped like the input ${fmtShape(input.shape)}`);
  }
  if (fmtShape(target.shape) !== fmtShape(input.shape)) throw new ShapeError(op, `probability target shape ${fmtShape(target.shape)} must equal input shape ${fmtShape(input.shape)}`);
  let p = input.ndim === 1 ? target.unsqueeze(0) : target;
  if (eps > 0) p = p.mul(1 - eps).add(eps / C);
  const terms = w ? logp.mul(p).mul(w.reshape(wshape)) : logp.mul(p);
  return unbatch(reduceLoss(op, terms.sum(1).neg(), reduction));
  });
}

// crossEntropy takes logits. Rows that are already probabilities (a model ending in Softmax) still
// train, but badly (the softmax is applied twice and the gradients shrink), silently; so the first
// such input is named, once. Checked until it has warned: one reduction and one read for logits, whose
// minimum is almost always negative.
function checkNotProbabilities(x: Tensor): void {
  if (warned("crossEntropy/probabilities") || x.shape[1] < 2 || x.size === 0) return;
  const probabilities = ds.noGrad(() => x.min().item() >= 0 && x.max().item() <= 1 && x.sum(1).sub(1).abs().max().item() < 1e-3);
  if (probabilities) {
    warnOnce("crossEntropy/probabilities", "crossEntropy takes logits, but every row of its input is already a probability distribution (values in [0, 1] summing to 1), so the softmax is applied twice and training suffers. Remove the final Softmax (crossEntropy applies log-softmax itself), or pass the log of the probabilities to nn.NLLLoss / nn.F.nllLoss.");
  }
}

/** Mean squared error (reduction "mean" by default). Shapes broadcast. */
export function mse(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return frame(() => {
  return reduceLoss("mse", input.sub(target).square(), opts.reduction ?? "mean");
  });
}
export { mse as mseLoss };

/** Mean absolute error. */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return frame(() => {
  return reduceLoss("l1Loss", input.sub(target).abs(), opts.reduction ?? "mean");
  });
}

export interface BceOptions {
  /** Per-element rescaling weight, broadcast to the input. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

function checkSame(op: string, a: Tensor, b: Tensor): void {
  if (fmtShape(a.shape) !== fmtShape(b.shape)) throw new ShapeError(op, `target shape ${fmtShape(b.shape)} must equal input shape ${fmtShape(a.shape)}`);
}

/**
 * Binary cross-entropy of probabilities in [0, 1]; logs are clamped at -100 as in PyTorch. The
 * gradient is PyTorch's too: d/dx = (x - y) / max(x(1 - x), 1e-12) and d/dy = log(1 - x) - log(x)
 * (clamped), which stay finite where x is exactly 0 or 1 (a saturated float32 sigmoid) while the
 * derivative of the clamped expression would be NaN there.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  return frame(() => {
  checkSame("binaryCrossEntropy", input, target);
  const needGrad = ds.isGradEnabled() && (input.requiresGrad || target.requiresGrad);
  const terms = (): Tensor[] => {
    const logp = input.log().clamp(-100);
    const log1mp = ds.sub(1, input).log().clamp(-100);
    const value = target.mul(logp).add(ds.sub(1, target).mul(log1mp)).neg();
    if (!needGrad) return [value];
    return [value, input.sub(target).div(input.mul(ds.sub(1, input)).clamp(1e-12)), log1mp.sub(logp)];
  };
  const [value, gx, gy] = ds.noGrad(terms);
  // value + (x - x̄)·gx + (y - ȳ)·gy: the same value (the differences are 0), PyTorch's gradient.
  let loss = gx ? value.add(input.sub(input.detach()).mul(gx)).add(target.sub(target.detach()).mul(gy)) : value;
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduceLoss("binaryCrossEntropy", loss, opts.reduction ?? "mean");
  });
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/** Sigmoid + binary cross-entropy in one stable expression: max(x,0) - x·y + log(1 + e^-|x|). */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  return frame(() => {
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
  });
}
