// Layers that grow feature maps: ConvTranspose2d (learned) and Upsample (fixed interpolation).
import { checkOptions, optionNames } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { convTranspose2d, interpolate, type InterpolateMode } from "../resample.js";
import { empty, optionsRepr, pairOf, type Pair } from "./util.js";
import { checkConvTranspose, checkUpsample } from "./checks.js";

export interface ConvTranspose2dLayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  bias?: boolean;
  dilation?: Pair;
}
const CONV_TRANSPOSE_OPTIONS = optionNames<ConvTranspose2dLayerOptions>({ stride: true, padding: true, outputPadding: true, groups: true, bias: true, dilation: true });

/**
 * 2-d transposed convolution over [N, C, H, W] (PyTorch's nn.ConvTranspose2d): weight
 * [in, out/groups, kH, kW], bias [out]; initialised as PyTorch (kaiming-uniform a = √5 with
 * fan_in = out/groups · kH · kW, bias U(±1/√fan_in)).
 * @example new nn.ConvTranspose2d(16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 }) // 7×7 → 14×14
 */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly opts: ConvTranspose2dLayerOptions = {}) {
    super();
    checkOptions("ConvTranspose2d", opts, CONV_TRANSPOSE_OPTIONS);
    const groups = opts.groups ?? 1;
    checkConvTranspose("ConvTranspose2d", inChannels, outChannels, kernelSize, opts);
    this.kernelSize = pairOf(kernelSize);
    this.weight = new Parameter(empty("ConvTranspose2d", [inChannels, outChannels / groups, ...this.kernelSize]));
    this.bias = opts.bias ?? true ? new Parameter(empty("ConvTranspose2d", [outChannels])) : null;
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    const fanIn = (outChannels / groups) * this.kernelSize[0] * this.kernelSize[1];
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, outputPadding, groups, dilation } = this.opts;
    return convTranspose2d(x, this.weight, this.bias, { stride, padding, outputPadding, groups, dilation });
  }
  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${optionsRepr(this.opts)}`;
  }
}

export interface UpsampleOptions {
  /** Output size [H, W] (or one number). Give this or scaleFactor. */
  size?: Pair;
  scaleFactor?: number | readonly [number, number];
  /** "nearest" (default) or "bilinear". */
  mode?: InterpolateMode;
  alignCorners?: boolean;
}
const UPSAMPLE_OPTIONS = optionNames<UpsampleOptions>({ size: true, scaleFactor: true, mode: true, alignCorners: true });

/**
 * Resizes [N, C, H, W] feature maps by interpolation (PyTorch's nn.Upsample); no parameters.
 * @example new nn.Upsample({ scaleFactor: 2, mode: "bilinear" })
 */
export class Upsample extends Module {
  constructor(readonly opts: UpsampleOptions) {
    super();
    checkOptions("Upsample", opts, UPSAMPLE_OPTIONS);
    checkUpsample("Upsample", opts);
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }
  protected override extraRepr(): string {
    return optionsRepr(this.opts).slice(2);
  }
}
