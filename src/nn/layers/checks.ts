// Value checks of layer configurations that would otherwise fail only at the first forward
// (a stride of 0, a padding of -3). One home, used by the layer constructors and by io.load, which
// runs them on a saved configuration before it constructs anything.
import { ArgumentError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";

const isInt = (v: unknown, min: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= min;

/** An integer ≥ min. */
export function checkInt(layer: string, field: string, v: unknown, min: number): number {
  if (!isInt(v, min)) throw new ArgumentError(layer, `${field} must be an integer >= ${min}, got ${brief(v)}`);
  return v;
}

/** An integer ≥ min, or a pair of them (kernel sizes, strides, paddings of 2-d layers). */
export function checkPair(layer: string, field: string, v: unknown, min: number): [number, number] {
  const p = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !isInt(p[0], min) || !isInt(p[1], min)) {
    throw new ArgumentError(layer, `${field} must be an integer >= ${min} or a pair of them, got ${brief(v)}`);
  }
  return [p[0], p[1]];
}

/** groups ≥ 1 dividing both channel counts (convolutions). */
export function checkGroups(layer: string, inChannels: number, outChannels: number, groups: unknown): number {
  if (!isInt(groups, 1) || inChannels % groups || outChannels % groups) {
    throw new ArgumentError(layer, `groups=${brief(groups)} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
  }
  return groups;
}

interface ConvValues { stride?: unknown; padding?: unknown; dilation?: unknown; groups?: unknown }

/**
 * Conv1d (dims 1: plain integers) and Conv2d (dims 2: integers or pairs): kernel, stride and
 * dilation ≥ 1, padding ≥ 0 or "valid", or "same" with stride 1 (PyTorch refuses "same" for
 * strided convolutions); groups dividing both channel counts.
 */
export function checkConv(layer: string, dims: 1 | 2, inChannels: number, outChannels: number, kernelSize: unknown, opts: ConvValues): void {
  const one = dims === 1 ? (f: string, v: unknown, min: number) => { const n = checkInt(layer, f, v, min); return [n, n]; } : (f: string, v: unknown, min: number) => checkPair(layer, f, v, min);
  checkGroups(layer, inChannels, outChannels, opts.groups ?? 1);
  one("kernelSize", kernelSize, 1);
  const stride = one("stride", opts.stride ?? 1, 1);
  one("dilation", opts.dilation ?? 1, 1);
  const p = opts.padding ?? 0;
  if (p === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ArgumentError(layer, `padding "same" needs stride 1, got stride ${brief(opts.stride)}`);
  } else if (p !== "valid") {
    try {
      one("padding", p, 0);
    } catch {
      throw new ArgumentError(layer, `padding must be an integer >= 0${dims === 2 ? " or a pair of them" : ""}, "same" or "valid", got ${brief(p)}`);
    }
  }
}

/** ConvTranspose2d: kernel, stride and dilation ≥ 1, padding ≥ 0, outputPadding smaller than the stride or the dilation (PyTorch's rule). */
export function checkConvTranspose(layer: string, inChannels: number, outChannels: number, kernelSize: unknown, opts: ConvValues & { outputPadding?: unknown }): void {
  checkGroups(layer, inChannels, outChannels, opts.groups ?? 1);
  checkPair(layer, "kernelSize", kernelSize, 1);
  const stride = checkPair(layer, "stride", opts.stride ?? 1, 1), dilation = checkPair(layer, "dilation", opts.dilation ?? 1, 1);
  checkPair(layer, "padding", opts.padding ?? 0, 0);
  const out = checkPair(layer, "outputPadding", opts.outputPadding ?? 0, 0);
  for (const d of [0, 1]) {
    if (out[d] >= stride[d] && out[d] >= dilation[d]) {
      throw new ArgumentError(layer, `outputPadding ${brief(opts.outputPadding)} must be smaller than either stride ${brief(opts.stride ?? 1)} or dilation ${brief(opts.dilation ?? 1)}`);
    }
  }
}

/** MaxPool2d / AvgPool2d: kernel, stride (default: the kernel) and dilation ≥ 1, padding ≥ 0 and at most half the kernel. */
export function checkPool(layer: string, kernelSize: unknown, opts: { stride?: unknown; padding?: unknown; dilation?: unknown }): void {
  const k = checkPair(layer, "kernelSize", kernelSize, 1);
  if (opts.stride !== undefined && opts.stride !== null) checkPair(layer, "stride", opts.stride, 1);
  checkPair(layer, "dilation", opts.dilation ?? 1, 1);
  const p = checkPair(layer, "padding", opts.padding ?? 0, 0);
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2) throw new ArgumentError(layer, `padding ${brief(opts.padding)} must be at most half the kernel size ${brief(kernelSize)}`);
}

/** AdaptiveAvgPool2d: an output size ≥ 1, or a pair of them where null keeps the input's size. */
export function checkOutputSize(layer: string, outputSize: unknown): void {
  const ok = (d: unknown) => d === null || isInt(d, 1);
  if (!(isInt(outputSize, 1) || (Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every(ok)))) {
    throw new ArgumentError(layer, `outputSize must be an integer >= 1 or a pair of them (null keeps a size), got ${brief(outputSize)}`);
  }
}

/** Upsample: exactly one of size (≥ 1) and scaleFactor (finite, > 0); mode "nearest" or "bilinear"; alignCorners with bilinear only. */
export function checkUpsample(layer: string, opts: { size?: unknown; scaleFactor?: unknown; mode?: unknown; alignCorners?: unknown }): void {
  if ((opts.size === undefined) === (opts.scaleFactor === undefined)) throw new ArgumentError(layer, "give exactly one of size and scaleFactor");
  if (opts.size !== undefined) checkPair(layer, "size", opts.size, 1);
  if (opts.scaleFactor !== undefined) {
    const f = typeof opts.scaleFactor === "number" ? [opts.scaleFactor, opts.scaleFactor] : opts.scaleFactor;
    const pos = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
    if (!Array.isArray(f) || f.length !== 2 || !f.every(pos)) throw new ArgumentError(layer, `scaleFactor must be a positive number or a pair of them, got ${brief(opts.scaleFactor)}`);
  }
  const mode = opts.mode ?? "nearest";
  if (mode !== "nearest" && mode !== "bilinear") throw new ArgumentError(layer, `mode must be "nearest" or "bilinear", got ${brief(mode)}`);
  if (opts.alignCorners !== undefined && typeof opts.alignCorners !== "boolean") throw new ArgumentError(layer, `alignCorners must be true or false, got ${brief(opts.alignCorners)}`);
  if (opts.alignCorners !== undefined && mode === "nearest") throw new ArgumentError(layer, "alignCorners applies to bilinear mode only");
}
