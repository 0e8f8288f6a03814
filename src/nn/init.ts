// nn.init: in-place initialisers with PyTorch's formulas (distributions equal; streams are ours).
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/mode.js";
import { scope } from "../tensor/memory.js";
import { rand, randn } from "../ops/creation.js";

type Nonlinearity = "linear" | "conv1d" | "conv2d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "sigmoid": return 1;
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": { const a = param ?? 0.01; return Math.sqrt(2 / (1 + a * a)); }
    case "selu": return 3 / 4;
    default: throw new ArgumentError("calculateGain", `unknown nonlinearity ${String(nonlinearity)}`);
  }
}

/** fan_in and fan_out of a weight: [out, in, ...receptive field]. */
export function fans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ArgumentError("init", `fan in/out needs a tensor with at least 2 dims, got ${t.ndim}`);
  const rf = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * rf, fanOut: t.shape[0] * rf };
}

function fill(t: Tensor, make: () => Tensor): Tensor {
  scope(() => noGrad(() => t.copy_(make())));
  return t;
}

/** Uniform on [a, b). */
export const uniform_ = (t: Tensor, a = 0, b = 1): Tensor => fill(t, () => rand(t.shape, { dtype: t.dtype === "float64" ? "float64" : "float32" }).mul(b - a).add(a));
/** Normal with mean and std. */
export const normal_ = (t: Tensor, mean = 0, std = 1): Tensor => fill(t, () => randn(t.shape, { dtype: t.dtype === "float64" ? "float64" : "float32" }).mul(std).add(mean));
export const constant_ = (t: Tensor, value: number): Tensor => fill(t, () => t.mul(0).add(value));
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Glorot uniform: U(-a, a), a = gain·sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** Glorot normal: N(0, gain²·2/(fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = fans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu). */
  a?: number;
  mode?: "fanIn" | "fanOut";
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const { fanIn, fanOut } = fans(t);
  const fan = (opts.mode ?? "fanIn") === "fanIn" ? fanIn : fanOut;
  return calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b), b = gain·sqrt(3 / fan). PyTorch's Linear/Conv default uses a = sqrt(5). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound);
}

/** He normal: N(0, gain²/fan). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts));
}
