// Neural-network functions (torch.nn.functional): compositions of tensor ops, so each has its
// gradient for free. NCHW layout, as PyTorch.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { isFloat } from "../core/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { windows } from "../prims/movement.js";
import { bmm } from "../prims/matmul.js";
import { viewTensor } from "../prims/kernel.js";
import { isGradEnabled } from "../autograd/mode.js";
import { argmaxLast } from "../prims/reduce.js";
import { frame } from "../tensor/memory.js";
import type { PCG32 } from "../core/rng.js";

export { softmax, logSoftmax, relu, gelu, sigmoid, tanh, leakyRelu, elu, softplus } from "../tensor/index.js";

type Pair = number | readonly [number, number];
const pair = (op: string, name: string, v: Pair): [number, number] => {
  const p = typeof v === "number" ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 0)) throw new ArgumentError(op, `${name} must be a non-negative integer or a pair of them, got ${JSON.stringify(v)}`);
  return [p[0], p[1]];
};

/**
 * y = x Wᵀ + b, with W of shape [out, in] as nn.Linear stores it. For x of 2 or more dims and W of
 * 2, one fused product-plus-bias (`bmm` with a bias) over the rows; else `linearComposed`.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return frame(() => {
  const K = x.shape[x.ndim - 1];
  const fusable = x.ndim >= 2 && weight.ndim === 2 && weight.shape[1] === K && x.dtype === weight.dtype && isFloat(x.dtype) &&
    (!bias || (bias.ndim === 1 && bias.shape[0] === weight.shape[0] && bias.dtype === x.dtype));
  if (!fusable) return linearComposed(x, weight, bias);
  const lead = x.shape.slice(0, -1), N = weight.shape[0];
  if (x.ndim === 2 && !(isGradEnabled() && (x.requiresGrad || weight.requiresGrad || bias?.requiresGrad))) {
    // No graph to record (inference): the [1, M, K] and [1, K, N] views are made directly, as a
    // batch-1 inference spends more on op overhead than on arithmetic.
    const M = x.shape[0];
    const rows = viewTensor(x, [1, M, K], [0, x.strides[0], x.strides[1]], x.offset);
    const wT = viewTensor(weight, [1, K, N], [0, weight.strides[1], weight.strides[0]], weight.offset);
    return viewTensor(bmm(rows, wT, bias ?? undefined), [M, N], [N, 1], 0);
  }
  const y = bmm(x.reshape([1, -1, K]), weight.transpose(0, 1).unsqueeze(0), bias ?? undefined);
  return y.reshape([...lead, N]);
  });
}

/** The composed definition of `linear` (matmul, then add): its reference and fallback. */
export function linearComposed(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return frame(() => {
  const y = x.matmul(weight.transpose(0, 1));
  return bias ? y.add(bias) : y;
  });
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
 * Lowered to sliding windows + one batched matrix product per group: W [O, C·KH·KW] times the
 * columns [C·KH·KW, N·OH·OW] gives [O, N, OH, OW], an NCHW tensor up to a free permutation, and the
 * columns are copied in runs along OW (contiguous for stride 1).
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  return frame(() => {
  const op = "conv2d";
  // An unbatched [C,H,W] input runs as a batch of one, as PyTorch.
  if (x.ndim === 3 && weight.ndim === 4) return conv2d(x.unsqueeze(0), weight, bias, opts).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
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
  const cols = win.reshape([N, G, Cg, OH, OW, KH, KW]).permute([1, 2, 5, 6, 0, 3, 4]).reshape([G, Cg * KH * KW, N * OH * OW]);
  const w = weight.reshape([G, Og, Cg * KH * KW]);
  const out = bmm(w, cols).reshape([G, Og, N, OH, OW]).permute([2, 0, 1, 3, 4]).reshape([N, O, OH, OW]);
  return bias ? out.add(bias.reshape([1, O, 1, 1])) : out;
  });
}

export interface Conv1dOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
}

/** 1-d convolution: x [N,C,L], weight [O, C/groups, K]. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv1dOptions = {}): Tensor {
  return frame(() => {
  if (x.ndim === 2 && weight.ndim === 3) return conv1d(x.unsqueeze(0), weight, bias, opts).squeeze(0);
  if (x.ndim !== 3) throw new ShapeError("conv1d", `expected input [N,C,L] or [C,L], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 3) throw new ShapeError("conv1d", `expected weight [O,C/groups,K], got ${fmtShape(weight.shape)}`);
  const p = opts.padding;
  const y = conv2d(x.unsqueeze(2), weight.unsqueeze(2), bias, {
    stride: [1, opts.stride ?? 1],
    dilation: [1, opts.dilation ?? 1],
    padding: p === "same" || p === "valid" ? p : [0, p ?? 0],
    groups: opts.groups,
  });
  return y.squeeze(2);
  });
}

export interface Pool2dOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  /** Output size rounds up (a last, partial window) instead of down, as PyTorch's ceil_mode. */
  ceilMode?: boolean;
}

interface PoolGeometry { win: Tensor; xp: Tensor; k: [number, number]; stride: [number, number]; dilation: [number, number]; pads: [number, number]; extra: [number, number] }

// Pads (padValue; `extra` more at the bottom/right in ceil mode) and cuts [..., OH, OW, KH, KW] windows.
function poolWindows(op: string, x: Tensor, kernelSize: Pair, opts: Pool2dOptions, padValue: number): PoolGeometry {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  const k = pair(op, "kernelSize", kernelSize);
  const stride = pair(op, "stride", opts.stride ?? k), dilation = pair(op, "dilation", opts.dilation ?? 1);
  const pads = pair(op, "padding", opts.padding ?? 0);
  if (pads[0] > k[0] / 2 || pads[1] > k[1] / 2) throw new ArgumentError(op, `padding ${fmtShape(pads)} must be at most half the kernel size ${fmtShape(k)}`);
  if (k.includes(0) || stride.includes(0) || dilation.includes(0)) throw new ArgumentError(op, "kernelSize, stride and dilation must be positive");
  const extra: [number, number] = [0, 0];
  for (const d of [0, 1]) {
    const size = x.shape[x.ndim - 2 + d], span = dilation[d] * (k[d] - 1) + 1;
    const room = size + 2 * pads[d] - span;
    if (room < 0) throw new ShapeError(op, `input ${fmtShape(x.shape)} is smaller than the kernel ${fmtShape(k)} (dilation ${fmtShape(dilation)}, padding ${fmtShape(pads)})`);
    if (!opts.ceilMode) continue;
    // PyTorch: round up, but the last window must start inside the input or the left padding.
    let out = Math.ceil(room / stride[d]) + 1;
    if ((out - 1) * stride[d] >= size + pads[d]) out--;
    extra[d] = Math.max(0, (out - 1) * stride[d] + span - (size + 2 * pads[d]));
  }
  const [ph, pw] = pads;
  const xp = ph || pw || extra[0] || extra[1] ? x.pad([pw, pw + extra[1], ph, ph + extra[0]], padValue) : x;
  return { win: windows(xp, k, stride, dilation), xp, k, stride, dilation, pads, extra };
}

/** Max over k×k windows (padding counts as -inf). */
export function maxPool2d(x: Tensor, kernelSize: Pair, opts: Pool2dOptions = {}): Tensor {
  return frame(() => {
  const { win, xp, k, stride, dilation } = poolWindows("maxPool2d", x, kernelSize, opts, -Infinity);
  // The first maximum of each window (so the gradient goes there alone, as PyTorch's max_pool2d
  // does; max() would share it among ties), as a flat index into the padded plane, then one
  // gather: [..., OH, OW] windows of [..., Hp, Wp] inputs.
  const lead = win.shape.slice(0, -4), [OH, OW] = win.shape.slice(-4, -2), [Hp, Wp] = xp.shape.slice(-2);
  const int = { dtype: "int32" as const };
  const at = ds.arange(0, k[0], 1, int).mul(dilation[0] * Wp).reshape([k[0], 1]).add(ds.arange(0, k[1], 1, int).mul(dilation[1])).reshape([k[0] * k[1]]);
  const origin = ds.arange(0, OH, 1, int).mul(stride[0] * Wp).reshape([OH, 1]).add(ds.arange(0, OW, 1, int).mul(stride[1]));
  const r = argmaxLast(win, 2);
  const idx = ds.indexSelect(at, 0, r.reshape([r.size])).reshape(r.shape).add(origin);
  return xp.reshape([...lead, Hp * Wp]).gather(-1, idx.reshape([...lead, OH * OW])).reshape([...lead, OH, OW]);
  });
}

export interface AvgPool2dOptions extends Omit<Pool2dOptions, "dilation"> {
  /** Whether zero padding counts in the divisor (PyTorch's default: true). */
  countIncludePad?: boolean;
}

/**
 * Mean over k×k windows. The divisor is the window's overlap with the padded input
 * (countIncludePad, the default) or with the input alone; the ceil-mode tail never counts.
 */
export function avgPool2d(x: Tensor, kernelSize: Pair, opts: AvgPool2dOptions = {}): Tensor {
  return frame(() => {
  const op = "avgPool2d";
  const { win, k, pads, extra } = poolWindows(op, x, kernelSize, { ...opts, dilation: 1 }, 0);
  const sums = win.reshape([...win.shape.slice(0, -2), k[0] * k[1]]).sum(-1);
  const includePad = opts.countIncludePad ?? true;
  if (!extra[0] && !extra[1] && (includePad || (pads[0] === 0 && pads[1] === 0))) return sums.div(k[0] * k[1]);
  // Divisors: the same windows over ones where elements count and zeros where they do not.
  const [H, W] = x.shape.slice(-2), [ph, pw] = pads;
  const counted = includePad ? ds.ones([1, H + 2 * ph, W + 2 * pw], { dtype: x.dtype }).pad([0, extra[1], 0, extra[0]]) : ds.ones([1, H, W], { dtype: x.dtype }).pad([pw, pw + extra[1], ph, ph + extra[0]]);
  const stride = pair(op, "stride", opts.stride ?? k);
  const cw = windows(counted, k, stride, [1, 1]);
  return sums.div(cw.reshape([...cw.shape.slice(1, -2), k[0] * k[1]]).sum(-1));
  });
}

/**
 * Average pooling to a fixed output size: output cell i covers input rows
 * floor(i·H/out) .. ceil((i+1)·H/out), as PyTorch. `null` keeps that dim's size.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  return frame(() => {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError("adaptiveAvgPool2d", `expected [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  const [H, W] = x.shape.slice(-2);
  const os = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const oh = os[0] ?? H, ow = os[1] ?? W;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh <= 0 || ow <= 0) throw new ArgumentError("adaptiveAvgPool2d", `output size must be positive integers, got ${JSON.stringify(outputSize)}`);
  // Uniform windows reduce to a plain average pool (the common cases: global pooling, exact divisors).
  if (H % oh === 0 && W % ow === 0) return avgPool2d(x, [H / oh, W / ow]);
  const h = x.ndim - 2, w = x.ndim - 1;
  const rows = Array.from({ length: oh }, (_, i) => {
    const r0 = Math.floor((i * H) / oh), r1 = Math.ceil(((i + 1) * H) / oh);
    const band = x.narrow(h, r0, r1 - r0);
    const cells = Array.from({ length: ow }, (_, j) => {
      const c0 = Math.floor((j * W) / ow), c1 = Math.ceil(((j + 1) * W) / ow);
      return band.narrow(w, c0, c1 - c0).mean([h, w]);
    });
    return ds.stack(cells, -1);
  });
  return ds.concat(rows.map((r) => r.unsqueeze(-2)), -2);
  });
}

/**
 * Zeroes elements with probability p while training and scales the rest by 1/(1-p). The mask is
 * drawn from `generator` when given, else from the running module's generator or the global one.
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: PCG32): Tensor {
  return frame(() => {
  if (typeof p !== "number" || p < 0 || p > 1) throw new ArgumentError("dropout", `p must be in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = ds.rand(x.shape, { generator }).ge(p);
  return x.mul(keep).mul(1 / (1 - p));
  });
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
  return frame(() => {
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
  });
}

/** Normalises over the last dims given by normalizedShape (biased variance), then scales and shifts. */
export function layerNorm(x: Tensor, normalizedShape: readonly number[] | number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  return frame(() => {
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
  });
}

/** Rows of `weight` picked by int32 indices; rows at paddingIdx get no gradient. */
export function embedding(indices: Tensor, weight: Tensor, paddingIdx?: number | null): Tensor {
  return frame(() => {
  if (indices.dtype !== "int32") throw new DTypeError("embedding", `indices must be int32, got ${indices.dtype}`);
  if (weight.ndim !== 2) throw new ShapeError("embedding", `weight must be [numEmbeddings, dim], got ${fmtShape(weight.shape)}`);
  const rows = ds.indexSelect(weight, 0, indices.reshape([indices.size]));
  const out = rows.reshape([...indices.shape, weight.shape[1]]);
  if (paddingIdx === undefined || paddingIdx === null) return out;
  const pad = paddingIdx < 0 ? paddingIdx + weight.shape[0] : paddingIdx;
  const live = indices.ne(pad).unsqueeze(-1);
  return ds.where(live, out, out.detach());
  });
}

export { scaledDotProductAttention, type ScaledDotProductAttentionOptions } from "./attention.js";

// Losses live in losses.ts; these are their torch.nn.functional names.
export {
  crossEntropy, nllLoss, mse, mseLoss, l1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  type Reduction, type CrossEntropyOptions, type NllOptions, type BceOptions, type BceWithLogitsOptions,
} from "./losses.js";

export { convTranspose2d, interpolate, type ConvTranspose2dOptions, type InterpolateOptions, type InterpolateMode } from "./resample.js";
export { cosineSimilarity, pairwiseDistance, normalize, ntXent, gaussianKl, vaeLoss, type VaeLossOptions } from "./embedding_fns.js";
