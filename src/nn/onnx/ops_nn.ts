// ONNX's neural-network operators on deepscript's functional layers: convolution and transposed
// convolution (1-d and 2-d), pooling, batch and layer normalisation, Resize. ONNX's padding may
// differ per side; PyTorch-style functions take one value per dim, so uneven pads are applied
// explicitly (or, for ConvTranspose, cropped) around a call without padding.
import { ArgumentError } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { avgPool2d, batchNorm, conv2d, layerNorm, maxPool2d } from "../functional.js";
import { convTranspose2d, interpolate } from "../resample.js";
import { Attrs, hostInts, need, opName, type OpContext, type OpDef } from "./attrs.js";

const CONV_ATTRS = ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"] as const;

/** Checks that only the explicit padding forms are used (auto_pad NOTSET or VALID are common; SAME_* are computed). */
function autoPadCheck(a: Attrs): string | null {
  const p = a.string("auto_pad", "NOTSET");
  return ["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"].includes(p) ? null : `auto_pad "${p}"`;
}

/** Per-side pads [begin..., end...] of the spatial dims, from `pads` or auto_pad. */
function spatialPads(a: Attrs, sizes: number[], kernel: number[], strides: number[], dilations: number[]): number[] {
  const n = sizes.length;
  const mode = a.string("auto_pad", "NOTSET");
  if (mode === "VALID") return new Array(2 * n).fill(0);
  if (mode === "SAME_UPPER" || mode === "SAME_LOWER") {
    const begin: number[] = [], end: number[] = [];
    for (let i = 0; i < n; i++) {
      const out = Math.ceil(sizes[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - sizes[i]);
      const small = Math.floor(total / 2), big = total - small;
      begin.push(mode === "SAME_UPPER" ? small : big);
      end.push(mode === "SAME_UPPER" ? big : small);
    }
    return [...begin, ...end];
  }
  return a.ints("pads") ?? new Array(2 * n).fill(0);
}

/** Pads [begin..., end...] of an n-d spatial tensor [N, C, ...] as a torch-style pad list (last dim first). */
const torchPads = (pads: number[], n: number): number[] => {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(pads[i], pads[i + n]);
  return out;
};
const symmetric = (pads: number[], n: number) => pads.slice(0, n).every((p, i) => p === pads[i + n]);

/** Runs a 2-d function on a 1-d [N, C, L] input as [N, C, 1, L]. */
function as2d(t: Tensor, f: (x: Tensor) => Tensor): Tensor {
  if (t.ndim === 4) return f(t);
  return f(t.unsqueeze(2)).squeeze(2);
}
const pair1d = (v: number[], one: number): [number, number] => (v.length === 1 ? [one, v[0]] : [v[0], v[1]]);

function spatialRank(t: Tensor, c: OpContext): number {
  const n = t.ndim - 2;
  if (n !== 1 && n !== 2) throw new ArgumentError(opName(c), `expected a [N,C,L] or [N,C,H,W] input, got [${t.shape}]`);
  return n;
}

function conv(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c), w = need(x, 1, c), b = x[2] ?? null;
  const n = spatialRank(t, c);
  const k = w.shape.slice(2);
  const strides = a.ints("strides") ?? k.map(() => 1), dil = a.ints("dilations") ?? k.map(() => 1);
  const pads = spatialPads(a, t.shape.slice(2), k, strides, dil);
  const even = symmetric(pads, n);
  const input = even ? t : t.pad(torchPads(pads, n));
  const w2 = n === 1 ? w.unsqueeze(2) : w;
  const y = as2d(input, (xx) => conv2d(xx, w2, b, {
    stride: pair1d(strides, 1), dilation: pair1d(dil, 1), groups: a.int("group", 1),
    padding: even ? pair1d(pads.slice(0, n), 0) : [0, 0],
  }));
  return [y];
}

function convTranspose(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c), w = need(x, 1, c), b = x[2] ?? null;
  const n = spatialRank(t, c);
  const k = w.shape.slice(2);
  const strides = a.ints("strides") ?? k.map(() => 1), dil = a.ints("dilations") ?? k.map(() => 1);
  const outPad = a.ints("output_padding") ?? k.map(() => 0);
  const pads = a.ints("pads") ?? new Array(2 * n).fill(0);
  const even = symmetric(pads, n);
  const w2 = n === 1 ? w.unsqueeze(2) : w;
  let y = as2d(t, (xx) => convTranspose2d(xx, w2, b, {
    stride: pair1d(strides, 1), dilation: pair1d(dil, 1), groups: a.int("group", 1), outputPadding: pair1d(outPad, 0),
    padding: even ? pair1d(pads.slice(0, n), 0) : [0, 0],
  }));
  if (!even) {
    // Uneven pads: the full output, cropped by each side's pad.
    const lo = [0, 0, ...pads.slice(0, n)], hi = y.shape.map((d, i) => (i < 2 ? d : d - pads[i - 2 + n]));
    for (let i = 2; i < y.ndim; i++) y = y.narrow(i, lo[i], hi[i] - lo[i]);
  }
  return [y];
}

function pool(kind: "max" | "avg"): OpDef {
  return {
    attrs: [...CONV_ATTRS.filter((s) => s !== "group"), "ceil_mode", ...(kind === "max" ? ["storage_order"] : ["count_include_pad"])],
    check: (a, c) => {
      if (c.node.outputs.length > 1 && c.node.outputs[1]) return "the Indices output";
      if (kind === "max" && a.int("storage_order", 0)) return "storage_order 1";
      return autoPadCheck(a);
    },
    run: (x, a, c) => {
      const t = need(x, 0, c);
      const n = spatialRank(t, c);
      const k = a.ints("kernel_shape");
      if (!k || k.length !== n) throw new ArgumentError(opName(c), `kernel_shape must have ${n} entries, got ${JSON.stringify(k)}`);
      const strides = a.ints("strides") ?? k.map(() => 1), dil = a.ints("dilations") ?? k.map(() => 1);
      const pads = spatialPads(a, t.shape.slice(2), k, strides, dil);
      const even = symmetric(pads, n);
      const ceilMode = a.int("ceil_mode", 0) !== 0;
      if (kind === "max") {
        const input = even ? t : t.pad(torchPads(pads, n), -Infinity);
        return [as2d(input, (xx) => maxPool2d(xx, pair1d(k, 1), {
          stride: pair1d(strides, 1), dilation: pair1d(dil, 1), ceilMode, padding: even ? pair1d(pads.slice(0, n), 0) : [0, 0],
        }))];
      }
      if (dil.some((d) => d !== 1)) throw new ArgumentError(opName(c), `dilations [${dil}] are not supported for AveragePool`);
      const include = a.int("count_include_pad", 0) !== 0;
      if (!even && !include) throw new ArgumentError(opName(c), `uneven pads [${pads}] with count_include_pad 0 are not supported`);
      const input = even ? t : t.pad(torchPads(pads, n), 0);
      return [as2d(input, (xx) => avgPool2d(xx, pair1d(k, 1), {
        stride: pair1d(strides, 1), ceilMode, countIncludePad: include, padding: even ? pair1d(pads.slice(0, n), 0) : [0, 0],
      }))];
    },
  };
}

const spatialDims = (t: Tensor) => t.shape.slice(2).map((_, i) => i + 2);

/** The Resize forms deepscript runs: nearest with floor (asymmetric) or linear (half_pixel or align_corners), on [N,C,H,W]. */
function resizeCheck(a: Attrs): string | null {
  const mode = a.string("mode", "nearest"), ct = a.string("coordinate_transformation_mode", "half_pixel");
  if (a.int("antialias", 0)) return "antialias 1";
  if (a.int("exclude_outside", 0)) return "exclude_outside 1";
  if (a.has("axes")) return "axes";
  if (a.string("keep_aspect_ratio_policy", "stretch") !== "stretch") return `keep_aspect_ratio_policy "${a.string("keep_aspect_ratio_policy", "")}"`;
  if (mode === "nearest") {
    if (ct !== "asymmetric") return `mode "nearest" with coordinate_transformation_mode "${ct}" (only "asymmetric")`;
    if (a.string("nearest_mode", "round_prefer_floor") !== "floor") return `nearest_mode "${a.string("nearest_mode", "round_prefer_floor")}" (only "floor")`;
    return null;
  }
  if (mode === "linear") return ["half_pixel", "pytorch_half_pixel", "align_corners"].includes(ct) ? null : `mode "linear" with coordinate_transformation_mode "${ct}"`;
  return `mode "${mode}"`;
}

function resize(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c);
  if (t.ndim !== 4) throw new ArgumentError(opName(c), `expected a [N,C,H,W] input, got [${t.shape}]`);
  const scales = x[2] && x[2].size ? Array.from(x[2].dataSync() as ArrayLike<number>, Number) : null;
  const sizes = x[3] && x[3].size ? hostInts(x[3]) : null;
  if (scales && (scales[0] !== 1 || scales[1] !== 1)) throw new ArgumentError(opName(c), `only the spatial dims can be resized, got scales [${scales}]`);
  if (sizes && (sizes[0] !== t.shape[0] || sizes[1] !== t.shape[1])) throw new ArgumentError(opName(c), `only the spatial dims can be resized, got sizes [${sizes}]`);
  if (!scales && !sizes) throw new ArgumentError(opName(c), "needs scales or sizes");
  const [N, C, H, W] = t.shape;
  const out = sizes ? [sizes[2], sizes[3]] : [Math.floor(H * scales![2]), Math.floor(W * scales![3])];
  // Bilinear resizing multiplies by [out, in] matrices per dim: both they and the output must fit.
  if (!out.every((d) => Number.isSafeInteger(d) && d >= 1) || N * C * out[0] * out[1] > 2 ** 31 - 1 || out[0] * H > 2 ** 28 || out[1] * W > 2 ** 28) {
    throw new ArgumentError(opName(c), `cannot resize [${t.shape}] to ${out[0]}×${out[1]}`);
  }
  const mode = a.string("mode", "nearest") === "nearest" ? "nearest" : "bilinear";
  const align = a.string("coordinate_transformation_mode", "half_pixel") === "align_corners";
  const opts = scales ? { scaleFactor: [scales[2], scales[3]] as [number, number] } : { size: [sizes![2], sizes![3]] as [number, number] };
  return [interpolate(t, { ...opts, mode, ...(mode === "bilinear" ? { alignCorners: align } : {}) })];
}

/** The operators of this file by ONNX op type. */
export const NN_OPS: Record<string, OpDef> = {
  Conv: { attrs: CONV_ATTRS, check: autoPadCheck, run: conv },
  ConvTranspose: {
    attrs: [...CONV_ATTRS, "output_padding", "output_shape"],
    check: (a) => (a.has("output_shape") ? "output_shape" : a.string("auto_pad", "NOTSET") !== "NOTSET" ? `auto_pad "${a.string("auto_pad", "")}"` : null),
    run: convTranspose,
  },
  MaxPool: pool("max"),
  AveragePool: pool("avg"),
  GlobalAveragePool: { attrs: [], run: (x, _a, c) => [need(x, 0, c).mean(spatialDims(need(x, 0, c)), true)] },
  GlobalMaxPool: { attrs: [], run: (x, _a, c) => [need(x, 0, c).max(spatialDims(need(x, 0, c)), true)] },
  BatchNormalization: {
    attrs: ["epsilon", "momentum", "training_mode"],
    check: (a, c) => (a.int("training_mode", 0) || c.node.outputs.filter(Boolean).length > 1 ? "training_mode 1 (deepscript runs BatchNormalization with its running statistics)" : null),
    run: (x, a, c) => [batchNorm(need(x, 0, c), need(x, 3, c), need(x, 4, c), { weight: need(x, 1, c), bias: need(x, 2, c), eps: a.float("epsilon", 1e-5), training: false })],
  },
  InstanceNormalization: {
    attrs: ["epsilon"],
    run: (x, a, c) => {
      const t = need(x, 0, c);
      if (t.ndim < 3) throw new ArgumentError(opName(c), `expected an [N,C,...] input, got [${t.shape}]`);
      const dims = spatialDims(t), shape = t.shape.map((d, i) => (i === 1 ? d : 1));
      const mean = t.mean(dims, true), centred = t.sub(mean);
      const y = centred.mul(centred.square().mean(dims, true).add(a.float("epsilon", 1e-5)).rsqrt());
      return [y.mul(need(x, 1, c).reshape(shape)).add(need(x, 2, c).reshape(shape))];
    },
  },
  LayerNormalization: {
    attrs: ["axis", "epsilon", "stash_type"],
    check: (_a, c) => (c.node.outputs.filter(Boolean).length > 1 ? "the Mean and InvStdDev outputs" : null),
    run: (x, a, c) => {
      const t = need(x, 0, c);
      const axis = a.int("axis", -1) < 0 ? a.int("axis", -1) + t.ndim : a.int("axis", -1);
      if (axis < 0 || axis >= t.ndim) throw new ArgumentError(opName(c), `axis ${a.int("axis", -1)} is out of range for rank ${t.ndim}`);
      const shape = t.shape.slice(axis);
      const scale = need(x, 1, c), bias = x[2];
      // Scale and bias broadcast against the normalised dims.
      return [layerNorm(t, shape, scale, bias ?? null, a.float("epsilon", 1e-5))];
    },
  },
  Resize: {
    attrs: ["mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias", "axes", "keep_aspect_ratio_policy"],
    check: resizeCheck,
    run: resize,
  },
};
