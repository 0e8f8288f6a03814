// Keras convolutions: Conv1D, Conv2D, Conv2DTranspose. Kernels in Keras' layout ([k, in, out],
// [kh, kw, in, out], [kh, kw, out, in] for the transpose); the computation is nn.F's conv1d,
// conv2d and convTranspose2d on permuted views, so channels_last costs no copy of the kernel
// and chained layers hand each other NCHW-contiguous data. TensorFlow's "same" padding (the
// extra element after) is padded explicitly when it is uneven.
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Parameter } from "../../nn/parameter.js";
import { conv1d, conv2d, convTranspose2d } from "../../nn/functional.js";
import { Layer, layerOptions, one, oneShape, type Args, type LayerOptions } from "../layer.js";
import {
  checkDataFormat, checkPadding, convLength, deconvLength, fmtShape, samePads, tuple, type DataFormat, type Padding, type Shape,
} from "../shape.js";
import type { Config } from "../names.js";
import { KERNEL_OPTIONS, kernelConfig, kernelSettings, type KernelOptions, type KernelSettings } from "./common.js";

export interface ConvOptions extends LayerOptions, KernelOptions {
  strides?: number | number[];
  padding?: Padding;
  dataFormat?: DataFormat | "channelsLast" | "channelsFirst";
  dilationRate?: number | number[];
  groups?: number;
}
const CONV_OPTIONS = [...KERNEL_OPTIONS, "strides", "padding", "dataFormat", "dilationRate", "groups"];

/** Shared by Conv1D and Conv2D: rank-generic settings, shapes and config. */
abstract class Conv extends Layer {
  declare kernel: Parameter;
  declare bias?: Parameter;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly groups: number;
  readonly settings: KernelSettings;

  constructor(readonly rank: 1 | 2, filters: number, kernelSize: number | number[], opts: ConvOptions, paddings: Padding[]) {
    super(opts);
    this.filters = checkNumber(this.op, "filters", filters, { min: 1, integer: true });
    this.kernelSize = tuple(this.op, "kernelSize", kernelSize, rank);
    this.strides = tuple(this.op, "strides", opts.strides ?? 1, rank);
    this.padding = checkPadding(this.op, opts.padding ?? "valid", paddings);
    this.dataFormat = checkDataFormat(this.op, opts.dataFormat);
    this.dilationRate = tuple(this.op, "dilationRate", opts.dilationRate ?? 1, rank);
    this.groups = checkNumber(this.op, "groups", opts.groups ?? 1, { min: 1, integer: true });
    if (this.filters % this.groups) throw new ArgumentError(this.op, `groups=${this.groups} must divide filters=${this.filters}`);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) throw new ArgumentError(this.op, "strides > 1 cannot be combined with dilationRate > 1 (as in Keras)");
    this.settings = kernelSettings(this.op, opts);
  }

  protected get channelAxis(): number {
    return this.dataFormat === "channels_last" ? -1 : 1;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    if (s.length !== this.rank + 2) throw new ShapeError(this.op, `expected input of rank ${this.rank + 2} (batch included), got shape ${fmtShape(s)}`);
    const axis = this.channelAxis < 0 ? s.length - 1 : 1;
    const c = s[axis];
    if (c === null) throw new ShapeError(this.op, `the channel dim must be known, got ${fmtShape(s)}`);
    if (c % this.groups) throw new ShapeError(this.op, `groups=${this.groups} must divide the ${c} input channels`);
    const k = this.settings;
    this.addWeight("kernel", [...this.kernelSize, c / this.groups, this.filters], { initializer: k.kernelInitializer, regularizer: k.kernelRegularizer, constraint: k.kernelConstraint });
    if (k.useBias) this.addWeight("bias", [this.filters], { initializer: k.biasInitializer, regularizer: k.biasRegularizer, constraint: k.biasConstraint });
    this.inputSpec = [{ ndim: this.rank + 2, axes: { [this.channelAxis]: c } }];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(this.op, inputShape);
    const last = this.dataFormat === "channels_last";
    const space = last ? s.slice(1, -1) : s.slice(2);
    const out = space.map((n, i) => convLength(n, this.kernelSize[i], this.strides[i], this.padding, this.dilationRate[i]));
    if (out.some((n) => n !== null && n <= 0)) throw new ShapeError(this.op, `input ${fmtShape(s)} is smaller than the kernel ${fmtShape(this.kernelSize)}`);
    return last ? [s[0], ...out, this.filters] : [s[0], this.filters, ...out];
  }

  /** [before, after] zero padding per spatial dim of a channels-first input. */
  protected pads(space: readonly number[]): [number, number][] {
    return space.map((n, i) => {
      const k = this.kernelSize[i], d = this.dilationRate[i];
      if (this.padding === "valid") return [0, 0];
      if (this.padding === "causal") return [d * (k - 1), 0];
      return samePads(n, k, this.strides[i], d);
    });
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: this.dilationRate,
      groups: this.groups,
      ...kernelConfig(this.settings),
    };
  }
}

/**
 * 2-d convolution over [batch, rows, cols, channels] (channels_last, Keras' default) or
 * [batch, channels, rows, cols]; kernel [kh, kw, in/groups, filters].
 * @example new keras.layers.Conv2D(32, 3, { activation: "relu" })
 */
export class Conv2D extends Conv {
  static override className = "Conv2D";
  constructor(filters: number, kernelSize: number | number[], opts: ConvOptions = {}) {
    layerOptions("Conv2D", opts, CONV_OPTIONS);
    super(2, filters, kernelSize, opts, ["valid", "same"]);
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    let xc = this.dataFormat === "channels_last" ? t.permute([0, 3, 1, 2]) : t;
    const [[pt, pb], [pl, pr]] = this.pads(xc.shape.slice(2));
    const even = pt === pb && pl === pr;
    if (!even) xc = xc.pad([pl, pr, pt, pb]);
    const y = conv2d(xc, this.kernel.permute([3, 2, 0, 1]), this.bias, {
      stride: [this.strides[0], this.strides[1]], dilation: [this.dilationRate[0], this.dilationRate[1]], groups: this.groups, padding: even ? [pt, pl] : 0,
    });
    const out = this.settings.activation(y);
    return this.dataFormat === "channels_last" ? out.permute([0, 2, 3, 1]) : out;
  }
}

/**
 * 1-d convolution over [batch, steps, channels] (channels_last) or [batch, channels, steps];
 * kernel [k, in/groups, filters]; padding "valid", "same" or "causal" (left padding only).
 */
export class Conv1D extends Conv {
  static override className = "Conv1D";
  constructor(filters: number, kernelSize: number | number[], opts: ConvOptions = {}) {
    layerOptions("Conv1D", opts, CONV_OPTIONS);
    super(1, filters, kernelSize, opts, ["valid", "same", "causal"]);
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    let xc = this.dataFormat === "channels_last" ? t.permute([0, 2, 1]) : t;
    const [[a, b]] = this.pads(xc.shape.slice(2));
    if (a !== b) xc = xc.pad([a, b]);
    const y = conv1d(xc, this.kernel.permute([2, 1, 0]), this.bias, { stride: this.strides[0], dilation: this.dilationRate[0], groups: this.groups, padding: a === b ? a : 0 });
    const out = this.settings.activation(y);
    return this.dataFormat === "channels_last" ? out.permute([0, 2, 1]) : out;
  }
}

export interface Conv2DTransposeOptions extends ConvOptions {
  /** Extra rows/cols at the bottom/right of the output (must be smaller than the stride). */
  outputPadding?: number | number[] | null;
}

/**
 * Transposed 2-d convolution (the gradient of Conv2D with respect to its input); kernel
 * [kh, kw, filters, in] as Keras stores it; output size as Keras' deconv_output_length.
 */
export class Conv2DTranspose extends Conv {
  static override className = "Conv2DTranspose";
  readonly outputPadding: number[] | null;
  constructor(filters: number, kernelSize: number | number[], opts: Conv2DTransposeOptions = {}) {
    layerOptions("Conv2DTranspose", opts, [...CONV_OPTIONS, "outputPadding"]);
    super(2, filters, kernelSize, opts, ["valid", "same"]);
    if (this.groups !== 1) throw new ArgumentError(this.op, "groups must be 1 (as in Keras)");
    const op = opts.outputPadding;
    this.outputPadding = op === undefined || op === null ? null : tuple(this.op, "outputPadding", op === 0 ? [0, 0] : op, 2);
    if (this.outputPadding?.some((p, i) => p >= this.strides[i])) throw new ArgumentError(this.op, `outputPadding ${fmtShape(this.outputPadding)} must be smaller than strides ${fmtShape(this.strides)}`);
  }
  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    if (s.length !== 4) throw new ShapeError(this.op, `expected input of rank 4 (batch included), got shape ${fmtShape(s)}`);
    const c = s[this.dataFormat === "channels_last" ? 3 : 1];
    if (c === null) throw new ShapeError(this.op, `the channel dim must be known, got ${fmtShape(s)}`);
    const k = this.settings;
    this.addWeight("kernel", [...this.kernelSize, this.filters, c], { initializer: k.kernelInitializer, regularizer: k.kernelRegularizer, constraint: k.kernelConstraint });
    if (k.useBias) this.addWeight("bias", [this.filters], { initializer: k.biasInitializer, regularizer: k.biasRegularizer, constraint: k.biasConstraint });
    this.inputSpec = [{ ndim: 4, axes: { [this.channelAxis]: c } }];
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(this.op, inputShape);
    const last = this.dataFormat === "channels_last";
    const space = last ? s.slice(1, 3) : s.slice(2);
    const out = space.map((n, i) => deconvLength(n, this.kernelSize[i], this.strides[i], this.padding, this.outputPadding?.[i] ?? null, this.dilationRate[i]));
    return last ? [s[0], ...out, this.filters] : [s[0], this.filters, ...out];
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    const xc = this.dataFormat === "channels_last" ? t.permute([0, 3, 1, 2]) : t;
    // Per dim: Keras' output length, and how much of the full transposed output it starts after.
    const plan = [0, 1].map((i) => {
      const n = xc.shape[2 + i], s = this.strides[i], span = this.dilationRate[i] * (this.kernelSize[i] - 1) + 1;
      const length = deconvLength(n, this.kernelSize[i], s, this.padding, this.outputPadding?.[i] ?? null, this.dilationRate[i])!;
      let crop = 0;
      if (this.padding === "same") crop = this.outputPadding ? Math.floor(span / 2) : Math.floor(Math.max(span - s, 0) / 2);
      const full = (n - 1) * s + span;
      return { length, crop, extra: Math.max(0, crop + length - full) };
    });
    let y = convTranspose2d(xc, this.kernel.permute([3, 2, 0, 1]), this.bias, {
      stride: [this.strides[0], this.strides[1]], dilation: [this.dilationRate[0], this.dilationRate[1]], outputPadding: [plan[0].extra, plan[1].extra],
    });
    plan.forEach((p, i) => {
      if (p.crop || y.shape[2 + i] !== p.length) y = y.narrow(2 + i, p.crop, p.length);
    });
    const out = this.settings.activation(y);
    return this.dataFormat === "channels_last" ? out.permute([0, 2, 3, 1]) : out;
  }
  override getConfig(): Config {
    return { ...super.getConfig(), output_padding: this.outputPadding };
  }
}
