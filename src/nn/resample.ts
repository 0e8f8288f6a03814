// Transposed convolution and interpolation (torch.nn.functional's conv_transpose2d and interpolate),
// composed from conv2d, pad, indexSelect and matmul, so their gradients come for free.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { conv2d } from "./functional.js";
import { frame } from "../tensor/memory.js";

type Pair = number | readonly [number, number];
const pair = (op: string, name: string, v: Pair, min = 0): [number, number] => {
  const p = typeof v === "number" ? [v, v] : v;
  if (p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ArgumentError(op, `${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
};

export interface ConvTranspose2dOptions {
  stride?: Pair;
  /** Implicit padding removed from each side of the output: dilation·(k-1) - padding zeros pad the input. */
  padding?: Pair;
  /** Extra rows/columns added to the bottom/right of the output (to pick among the sizes a strided conv maps to one size). */
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
}

/** Output size of a transposed convolution along one dim. */
export function convTransposeSize(n: number, k: number, stride: number, padding: number, outputPadding: number, dilation: number): number {
  return frame(() => {
  return (n - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1;
  });
}

/**
 * 2-d transposed convolution ("deconvolution", the gradient of conv2d with respect to its input):
 * x [N, inC, H, W] (or [inC, H, W]), weight [inC, outC/groups, kH, kW] as PyTorch stores it.
 * Output size (H-1)·stride - 2·padding + dilation·(kH-1) + outputPadding + 1.
 * Computed as PyTorch's definition reads: zeros inserted between input pixels (stride - 1 of them),
 * the border padded by dilation·(k-1) - padding, then a stride-1 conv2d with the kernel flipped
 * and its in/out channels swapped.
 * @example F.convTranspose2d(z, w, b, { stride: 2, padding: 1, outputPadding: 1 }) // [N,C,7,7] → [N,O,14,14] for k=3
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvTranspose2dOptions = {}): Tensor {
  return frame(() => {
  const op = "convTranspose2d";
  if (x.ndim === 3 && weight.ndim === 4) return convTranspose2d(x.unsqueeze(0), weight, bias, opts).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 4) throw new ShapeError(op, `expected weight [inC, outC/groups, kH, kW], got ${fmtShape(weight.shape)}`);
  const groups = opts.groups ?? 1;
  const [N, C, H, W] = x.shape;
  const [Cw, Og, KH, KW] = weight.shape;
  if (!Number.isInteger(groups) || groups < 1 || C % groups !== 0) throw new ArgumentError(op, `groups=${groups} must divide the in-channels ${C}`);
  if (Cw !== C) throw new ShapeError(op, `weight ${fmtShape(weight.shape)} expects ${Cw} input channels, input ${fmtShape(x.shape)} has ${C}`);
  const O = Og * groups, Cg = C / groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) throw new ShapeError(op, `bias must have shape [${O}], got ${fmtShape(bias.shape)}`);
  const stride = pair(op, "stride", opts.stride ?? 1, 1), dilation = pair(op, "dilation", opts.dilation ?? 1, 1);
  const padding = pair(op, "padding", opts.padding ?? 0), outPad = pair(op, "outputPadding", opts.outputPadding ?? 0);
  for (const d of [0, 1]) {
    if (outPad[d] >= stride[d] && outPad[d] >= dilation[d]) {
      throw new ArgumentError(op, `outputPadding ${fmtShape(outPad)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`);
    }
  }
  const size = [H, W].map((n, d) => convTransposeSize(n, [KH, KW][d], stride[d], padding[d], outPad[d], dilation[d]));
  if (size.some((s) => s <= 0)) throw new ShapeError(op, `input ${fmtShape(x.shape)} gives an empty output ${fmtShape(size)} (padding ${fmtShape(padding)})`);

  // Zero insertion: [N,C,H,1,W,1] padded to [N,C,H,sH,W,sW], then the trailing zeros cut off.
  let z = x;
  const [sh, sw] = stride;
  if (sh > 1 || sw > 1) {
    z = x.reshape([N, C, H, 1, W, 1]).pad([0, sw - 1, 0, 0, 0, sh - 1]).reshape([N, C, H * sh, W * sw]);
    z = z.narrow(2, 0, (H - 1) * sh + 1).narrow(3, 0, (W - 1) * sw + 1);
  }
  // Border: dilation·(k-1) - padding on each side, outputPadding more at the bottom/right; a
  // negative amount crops instead.
  const before = [dilation[0] * (KH - 1) - padding[0], dilation[1] * (KW - 1) - padding[1]];
  const after = [before[0] + outPad[0], before[1] + outPad[1]];
  const grow = (v: number) => Math.max(0, v);
  if ([...before, ...after].some((v) => v > 0)) z = z.pad([grow(before[1]), grow(after[1]), grow(before[0]), grow(after[0])]);
  for (const d of [0, 1]) {
    const cutBefore = grow(-before[d]), cutAfter = grow(-after[d]);
    if (cutBefore || cutAfter) z = z.narrow(2 + d, cutBefore, z.shape[2 + d] - cutBefore - cutAfter);
  }
  // weight [G·Cg, Og, kH, kW] → [G·Og, Cg, kH, kW], flipped in space.
  const w = weight.reshape([groups, Cg, Og, KH, KW]).permute([0, 2, 1, 3, 4]).reshape([O, Cg, KH, KW]).flip([2, 3]);
  return conv2d(z, w, bias, { dilation, groups });
  });
}

export type InterpolateMode = "nearest" | "bilinear";

export interface InterpolateOptions {
  /** Output size [H, W] (or one number for both). Give this or scaleFactor. */
  size?: Pair;
  /** Multiplier of the input size (output = floor(input · factor)). */
  scaleFactor?: number | readonly [number, number];
  /** "nearest" (default) or "bilinear". */
  mode?: InterpolateMode;
  /** Bilinear only: corner pixels' centres align (source = dst·(in-1)/(out-1)); default false (half-pixel centres). */
  alignCorners?: boolean;
}

// Scale used to map output to input coordinates, as PyTorch's compute_scales_value: 1/scaleFactor
// when a factor was given, else in/out.
const coordScale = (inSize: number, outSize: number, factor: number | null): number => (factor !== null && factor > 0 ? 1 / factor : inSize / outSize);

/** Source row of each output row for nearest: floor(dst · scale) in float32, as PyTorch (exact for ×1 and ×2). */
function nearestIndex(inSize: number, outSize: number, factor: number | null): Int32Array {
  const idx = new Int32Array(outSize);
  const scale = Math.fround(coordScale(inSize, outSize, factor));
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) idx[i] = i;
    else if (outSize === 2 * inSize) idx[i] = i >> 1;
    else idx[i] = Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
  }
  return idx;
}

/** Bilinear interpolation weights as a dense [out, in] matrix (two non-zeros per row). */
function linearMatrix(inSize: number, outSize: number, factor: number | null, alignCorners: boolean): Float64Array {
  const m = new Float64Array(outSize * inSize);
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : coordScale(inSize, outSize, factor);
  for (let i = 0; i < outSize; i++) {
    let src = alignCorners ? scale * i : scale * (i + 0.5) - 0.5;
    if (!alignCorners && src < 0) src = 0;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
    const l1 = src - i0, l0 = 1 - l1;
    m[i * inSize + i0] += l0;
    m[i * inSize + i1] += l1;
  }
  return m;
}

/**
 * Resizes the spatial dims of x [N, C, H, W] (or [C, H, W]) as torch.nn.functional.interpolate:
 * mode "nearest" (each output pixel copies the input pixel at floor(dst · in/out)) or "bilinear"
 * (`alignCorners` as PyTorch). Nearest is an indexSelect per dim; bilinear a product with a sparse
 * interpolation matrix per dim, so both have exact gradients.
 * @example F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }) // [N,C,14,14] → [N,C,28,28]
 */
export function interpolate(x: Tensor, opts: InterpolateOptions): Tensor {
  return frame(() => {
  const op = "interpolate";
  if (x.ndim === 3) return interpolate(x.unsqueeze(0), opts).squeeze(0);
  if (x.ndim !== 4) throw new ShapeError(op, `expected input [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  const mode = opts.mode ?? "nearest";
  if (mode !== "nearest" && mode !== "bilinear") throw new ArgumentError(op, `mode must be "nearest" or "bilinear", got ${JSON.stringify(mode)}`);
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new ArgumentError(op, "give exactly one of size and scaleFactor");
  if (opts.alignCorners !== undefined && mode === "nearest") throw new ArgumentError(op, "alignCorners applies to bilinear mode only");
  if (!x.dtype.startsWith("float")) throw new ArgumentError(op, `expected a floating-point input, got ${x.dtype}`);
  const [H, W] = x.shape.slice(2);
  let factors: [number | null, number | null] = [null, null];
  let out: [number, number];
  if (opts.size !== undefined) {
    out = pair(op, "size", opts.size, 1);
  } else {
    const f = typeof opts.scaleFactor === "number" ? [opts.scaleFactor, opts.scaleFactor] : opts.scaleFactor!;
    if (f.length !== 2 || !f.every((v) => Number.isFinite(v) && v > 0)) throw new ArgumentError(op, `scaleFactor must be positive, got ${JSON.stringify(opts.scaleFactor)}`);
    factors = [f[0], f[1]];
    out = [Math.floor(H * f[0]), Math.floor(W * f[1])];
    if (out[0] < 1 || out[1] < 1) throw new ShapeError(op, `scaleFactor ${JSON.stringify(opts.scaleFactor)} makes input ${fmtShape(x.shape)} empty`);
  }
  const [OH, OW] = out;
  if (mode === "nearest") {
    let y = x;
    if (OH !== H) y = ds.indexSelect(y, 2, ds.tensor(nearestIndex(H, OH, factors[0]), { dtype: "int32" }));
    if (OW !== W) y = ds.indexSelect(y, 3, ds.tensor(nearestIndex(W, OW, factors[1]), { dtype: "int32" }));
    return y === x ? x.clone() : y;
  }
  const align = opts.alignCorners ?? false;
  const mh = ds.tensor(linearMatrix(H, OH, factors[0], align), { dtype: x.dtype }).reshape([OH, H]);
  const mw = ds.tensor(linearMatrix(W, OW, factors[1], align), { dtype: x.dtype }).reshape([OW, W]);
  return mh.matmul(x).matmul(mw.transpose(0, 1));
  });
}
