// Neural-network functions (torch.nn.functional): compositions of tensor ops, so each has its
// gradient for free. NCHW layout, as PyTorch.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { windows } from "../prims/movement.js";
import { bmm } from "../prims/matmul.js";

export { softmax, logSoftmax, relu, gelu, sigmoid, tanh, leakyRelu, elu, softplus } from "../tensor/index.js";

type Pair = number | readonly [number, number];
const pair = (op: string, name: string, v: Pair): [number, number] => {
  const p = typeof v === "number" ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 0)) throw new ArgumentError(op, `${name} must be a non-negative integer or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0], p[1]];
};

/** y = x Wᵀ + b, with W of shape [out, in] as nn.Linear stores it. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const y = x.matmul(weight.transpose(0, 1));
  return bias ? y.add(bias) : y;
}

export interface Conv2dOptions {
  stride?: Pair;
  /** Zero padding per side, or "valid" (none) or "same" (output size = input size; stride 1 only). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  groups?: number;
}

// "same" pads dilation*(k-1) in total, the extra element on the right/bottom, as PyTorch does.
function paddingFor(op: string, padding: Conv2dOptions["padding"], kernel: [number, number], dilation: [number, number], stride: [number, number]): [number, number, number, number] {
  if (padding === "valid" || padding === undefined) return [0, 0, 0, 0];
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ArgumentError(op, `padding "same" needs stride 1, got ${fmtShape(stride)}`);
    const th = dilation[0] * (kernel[0] - 1), tw = dilation[1] * (kernel[1] - 1);
    return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  }
  const [ph, pw] = pair(op, "padding", padding);
  return [ph, ph, pw, pw];
}

/**
 * 2-d convolution (cross-correlation, as PyTorch): x [N,C,H,W], weight [O, C/groups, KH, KW].
 * Lowered to sliding windows + one batched matrix product per group.
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const op = "conv2d";
  if (x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(op, `expected weight [O,C/groups,KH,KW], got ${fmtShape(weight.shape)}`);
  const groups = opts.groups ?? 1;
  const [N, C] = x.shape;
  const [O, Cg, KH, KW] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0 || O % groups !== 0) {
    throw new ArgumentError(op, `groups=${groups} must divide both in-channels ${C} and out-channels ${O}`);
  }
  if (Cg !== C / groups) throw new ShapeError(op, `weight ${fmtShape(weight.shape)} expects ${Cg * groups} input channels, input ${fmtShape(x.shape)} has ${C}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new ShapeError(op, `bias must have shape [${O}], got ${fmtShape(bias.shape)}`);
  const stride = pair(op, "stride", opts.stride ?? 1), dilation = pair(op, "dilation", opts.dilation ?? 1);
  if (stride.includes(0) || dilation.includes(0)) throw new ArgumentError(op, "stride and dilation must be positive");
  const [pt, pb, pl, pr] = paddingFor(op, opts.padding, [KH, KW], dilation, stride);
  const xp = pt || pb || pl || pr ? x.pad([pl, pr, pt, pb]) : x;
  const win = windows(xp, [KH, KW], stride, dilation); // [N, C, OH, OW, KH, KW]
  const [OH, OW] = win.shape.slice(2, 4);
  const G = groups, Og = O / G;
  const cols = win.reshape([N, G, Cg, OH, OW, KH, KW]).permute([1, 0, 3, 4, 2, 5, 6]).reshape([G, N * OH * OW, Cg * KH * KW]);
  const w = weight.reshape([G, Og, Cg * KH * KW]).transpose(1, 2);
  const out = bmm(cols, w).reshape([G, N, OH, OW, Og]).permute([1, 0, 4, 2, 3]).reshape([N, O, OH, OW]);
  return bias ? out.add(bias.reshape([1, O, 1, 1])) : out;
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
}

/** 1-d convolution: x [N,C,L], weight [O, C/groups, K]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  if (x.ndim !== 3) throw new ShapeError("conv1d", `expected input [N,C,L], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError("conv1d", `expected weight [O,C/groups,K], got ${fmtShape(weight.shape)}`);
  const p = opts.padding;
  const y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, opts.stride ?? 1],
    dilation: [1, opts.dilation ?? 1],
    padding: p === "same" || p === "valid" ? p : [0, p ?? 0],
    groups: opts.groups,
  });
  return y.squeeze(2);
}

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

function poolWindows(op: string, x: Tensor, kernelSize: Pair, opts: Pool2dOptions, padValue: number): { win: Tensor; k: [number, number]; pads: [number, number] } {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  const k = pair(op, "kernelSize", kernelSize);
  const stride = pair(op, "stride", opts.stride ?? k), dilation = pair(op, "dilation", opts.dilation ?? 1);
  const [ph, pw] = pair(op, "padding", opts.padding ?? 0);
  if (ph > k[0] / 2 || pw > k[1] / 2) throw new ArgumentError(op, `padding ${fmtShape([ph, pw])} must be at most half the kernel size ${fmtShape(k)}`);
  if (k.includes(0) || stride.includes(0) || dilation.includes(0)) throw new ArgumentError(op, "kernelSize, stride and dilation must be positive");
  const xp = ph || pw ? x.pad([pw, pw, ph, ph], padValue) : x;
  return { win: windows(xp, k, stride, dilation), k, pads: [ph, pw] };
}

/** Max over k×k windows (padding counts as -inf). */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: Pool2dOptions = {}): Tensor {
  const { win, k } = poolWindows("maxPool2d", x, kernelSize, opts, -Infinity);
  const flat = win.reshape([...win.shape.slice(0, -2), k[0] * k[1]]);
  // Picked at the first maximum, so the gradient goes there alone, as PyTorch's max_pool2d does
  // (max() would share it among tied maxima).
  return flat.gather(-1, flat.argmax(-1, true)).squeeze(-1);
}

export interface AvgPool2dOptions extends Omit<Pool2dOptions, "dilation"> {
  /** Whether zero padding counts in the divisor (PyTorch's default: true). */
  countIncludePad?: boolean;
}

/** Mean over k×k windows. */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  const { win, k, pads } = poolWindows("avgPool2d", x, kernelSize, opts, 0);
  const sums = win.reshape([...win.shape.slice(0, -2), k[0] * k[1]]).sum(-1);
  if ((opts.countIncludePad ?? true) || (pads[0] === 0 && pads[1] === 0)) return sums.div(k[0] * k[1]);
  const ones = ds.ones(x.shape.slice(-2), { dtype: x.dtype });
  const counts = poolWindows("avgPool2d", ones.reshape([1, ...ones.shape]), kernelSize, opts, 0).win;
  return sums.div(counts.reshape([...counts.shape.slice(0, -2), k[0] * k[1]]).sum(-1).reshape(sums.shape.slice(-2)));
}

/** Zeroes elements with probability p while training and scales the rest by 1/(1-p). */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (typeof p !== "number" || p < 0 || p > 1) throw new ArgumentError("dropout", `p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = ds.rand(x.shape).ge(p);
  return x.mul(keep).mul(1 / (1 - p));
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/**
 * Batch normalisation over all dims but 1 (channels). Training uses the batch statistics and
 * updates runningMean/runningVar in place (unbiased variance), as torch.nn.functional.batch_norm.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, opts: BatchNormOptions = {}): Tensor {
  if (x.ndim < 2) throw new ShapeError("batchNorm", `expected input [N,C,...], got ${fmtShape(x.shape)}`);
  const C = x.shape[1];
  const eps = opts.eps ?? 1e-5, momentum = opts.momentum ?? 0.1;
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const bshape = x.shape.map((d, i) => (i === 1 ? C : 1));
  for (const [name, t] of [["runningMean", runningMean], ["runningVar", runningVar], ["weight", opts.weight], ["bias", opts.bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== C)) throw new ShapeError("batchNorm", `${name} must have shape [${C}], got ${fmtShape(t.shape)}`);
  }
  let mean: Tensor, varc: Tensor;
  if (opts.training ?? false) {
    const n = x.size / C;
    if (n <= 1) throw new ShapeError("batchNorm", `expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    mean = x.mean(dims, true);
    varc = x.sub(mean).square().mean(dims, true);
    if (runningMean && runningVar) {
      ds.noGrad(() => {
        runningMean.copy_(runningMean.mul(1 - momentum).add(mean.reshape([C]).mul(momentum)));
        runningVar.copy_(runningVar.mul(1 - momentum).add(varc.reshape([C]).mul((momentum * n) / (n - 1))));
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new ArgumentError("batchNorm", "running statistics are required when not training");
    mean = runningMean.reshape(bshape);
    varc = runningVar.reshape(bshape);
  }
  let y = x.sub(mean).mul(varc.add(eps).rsqrt());
  if (opts.weight) y = y.mul(opts.weight.reshape(bshape));
  if (opts.bias) y = y.add(opts.bias.reshape(bshape));
  return y;
}

/** Normalises over the last dims given by normalizedShape (biased variance), then scales and shifts. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[] | number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const ns = typeof normalizedShape === "number" ? [normalizedShape] : normalizedShape;
  const tail = x.shape.slice(x.ndim - ns.length);
  if (ns.length > x.ndim || fmtShape(tail) !== fmtShape(ns)) throw new ShapeError("layerNorm", `normalizedShape ${fmtShape(ns)} does not match the input's trailing dims ${fmtShape(x.shape)}`);
  const dims = ns.map((_, i) => x.ndim - ns.length + i);
  const mean = x.mean(dims, true);
  const varc = x.sub(mean).square().mean(dims, true);
  let y = x.sub(mean).mul(varc.add(eps).rsqrt());
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/** Rows of `weight` picked by int32 indices; rows at paddingIdx get no gradient. */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  if (indices.dtype !== "int32") throw new DTypeError("embedding", `indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError("embedding", `weight must be [numEmbeddings, dim], got ${fmtShape(weight.shape)}`);
  const rows = ds.indexSelect(weight, 0, indices.reshape([indices.size]));
  const out = rows.reshape([...indices.shape, weight.shape[1]]);
  if (paddingIdx === undefined || paddingIdx === null) return out;
  const pad = paddingIdx < 0 ? paddingIdx + weight.shape[0] : paddingIdx;
  const live = indices.ne(pad).unsqueeze(-1);
  return ds.where(live, out, out.detach());
}

export type Reduction = "mean" | "sum" | "none";

export interface CrossEntropyOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Class-index targets equal to this are skipped (default -100, as PyTorch). */
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

function reduceLoss(op: string, loss: Tensor, reduction: Reduction, denom?: Tensor): Tensor {
  if (reduction === "none") return loss;
  if (reduction === "sum") return loss.sum();
  if (reduction === "mean") return denom ? loss.sum().div(denom) : loss.mean();
  throw new ArgumentError(op, `reduction must be "mean", "sum" or "none", got ${JSON.stringify(reduction)}`);
}

/**
 * Cross-entropy of logits [N,C,...] against class indices [N,...] (int32) or class
 * probabilities [N,C,...] (float), with optional class weights, ignoreIndex and label smoothing.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  return classLoss(input, target, opts, true);
}

// Cross-entropy from logits (fromLogits) or from log-probabilities as given (nllLoss).
function classLoss(input: Tensor, target: Tensor, opts: CrossEntropyOptions, fromLogits: boolean): Tensor {
  const op = fromLogits ? "crossEntropy" : "nllLoss";
  const reduction = opts.reduction ?? "mean";
  const eps = opts.labelSmoothing ?? 0;
  if (eps < 0 || eps > 1) throw new ArgumentError(op, `labelSmoothing must be in [0, 1], got ${eps}`);
  if (input.ndim < 1) throw new ShapeError(op, `input must have a class dim, got ${fmtShape(input.shape)}`);
  const x = input.ndim === 1 ? input.unsqueeze(0) : input;
  const C = x.shape[1];
  const logp = fromLogits ? x.logSoftmax(1) : x;
  const wshape = x.shape.map((d, i) => (i === 1 ? C : 1));
  const w = opts.weight ?? null;
  if (w && (w.ndim !== 1 || w.shape[0] !== C)) throw new ShapeError(op, `weight must have shape [${C}], got ${fmtShape(w.shape)}`);
  if (target.dtype === "int32") {
    const t = input.ndim === 1 ? target.reshape([1]) : target;
    const expected = [x.shape[0], ...x.shape.slice(2)];
    if (fmtShape(t.shape) !== fmtShape(expected)) throw new ShapeError(op, `target shape ${fmtShape(target.shape)} does not match input ${fmtShape(input.shape)}; expected ${fmtShape(expected)}`);
    const ignore = opts.ignoreIndex ?? -100;
    const valid = t.ne(ignore);
    const safe = ds.where(valid, t, 0);
    const bad = ds.logicalAnd(valid, ds.logicalOr(safe.lt(0), safe.ge(C)));
    if (bad.any().item()) throw new ArgumentError(op, `target holds class indices outside [0, ${C})`);
    const picked = logp.gather(1, safe.unsqueeze(1)).squeeze(1);
    const wt = w ? ds.indexSelect(w, 0, safe.reshape([safe.size])).reshape(safe.shape).mul(valid) : valid.to(logp.dtype);
    let loss = picked.mul(wt).neg();
    const denom = wt.sum();
    if (eps > 0) {
      const smooth = (w ? logp.mul(w.reshape(wshape)) : logp).sum(1).neg().mul(valid);
      loss = loss.mul(1 - eps).add(smooth.mul(eps / C));
    }
    const out = reduceLoss(op, loss, reduction, denom);
    return input.ndim === 1 && reduction === "none" ? out.squeeze(0) : out;
  }
  if (target.dtype !== "float32" && target.dtype !== "float64") throw new DTypeError(op, `target must be int32 class indices or float probabilities, got ${target.dtype}`);
  if (fmtShape(target.shape) !== fmtShape(input.shape)) throw new ShapeError(op, `probability target shape ${fmtShape(target.shape)} must equal input shape ${fmtShape(input.shape)}`);
  let p = input.ndim === 1 ? target.unsqueeze(0) : target;
  if (eps > 0) p = p.mul(1 - eps).add(eps / C);
  const terms = w ? logp.mul(p).mul(w.reshape(wshape)) : logp.mul(p);
  const loss = terms.sum(1).neg();
  const out = reduceLoss(op, loss, reduction);
  return input.ndim === 1 && reduction === "none" ? out.squeeze(0) : out;
}

/** Mean squared error (reduction "mean" by default). Shapes broadcast. */
export function mse(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return reduceLoss("mse", input.sub(target).square(), opts.reduction ?? "mean");
}
export { mse as mseLoss };

/** Negative log-likelihood of log-probabilities [N,C,...] at int32 class indices. */
export function nllLoss(input: Tensor, target: Tensor, opts: Omit<CrossEntropyOptions, "labelSmoothing"> = {}): Tensor {
  // Not crossEntropy: logSoftmax of log-probabilities has the same value but not the same gradient.
  return classLoss(input, target, opts, false);
}
