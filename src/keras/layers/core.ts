// Core Keras layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector and the
// activation layers (ReLU, LeakyReLU, ELU, Softmax). Dense computes with nn.F.linear on Keras'
// [in, out] kernel (its transpose is a view, so the product reads the kernel as stored).
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import type { DType } from "../../core/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import type { Parameter } from "../../nn/parameter.js";
import { linear, dropout } from "../../nn/functional.js";
import * as activations from "../activations.js";
import { Layer, layerOptions, one, oneShape, type Args, type CallOptions, type LayerOptions } from "../layer.js";
import { checkDataFormat, fmtShape, knownSize, type DataFormat, type Shape } from "../shape.js";
import type { Config, Json } from "../names.js";
import { KERNEL_OPTIONS, kernelConfig, kernelSettings, type KernelOptions, type KernelSettings } from "./common.js";

export interface DenseOptions extends LayerOptions, KernelOptions {}

/**
 * Keras' Dense: activation(x·kernel + bias) over the last axis; kernel [in, units] (Keras' layout),
 * in inferred at the first call.
 * @example new keras.layers.Dense(64, { activation: "relu" })
 */
export class Dense extends Layer {
  static override className = "Dense";
  declare kernel: Parameter;
  declare bias?: Parameter;
  readonly units: number;
  readonly settings: KernelSettings;
  constructor(units: number, opts: DenseOptions = {}) {
    layerOptions("Dense", opts, KERNEL_OPTIONS);
    super(opts);
    this.units = checkNumber(this.op, "units", units, { min: 1, integer: true });
    this.settings = kernelSettings(this.op, opts);
  }
  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    const inDim = s[s.length - 1];
    if (s.length < 2 || inDim === null) throw new ShapeError(this.op, `needs inputs of rank >= 2 with a known last dim, got ${fmtShape(s)}`);
    const k = this.settings;
    this.addWeight("kernel", [inDim, this.units], { initializer: k.kernelInitializer, regularizer: k.kernelRegularizer, constraint: k.kernelConstraint });
    if (k.useBias) this.addWeight("bias", [this.units], { initializer: k.biasInitializer, regularizer: k.biasRegularizer, constraint: k.biasConstraint });
    this.inputSpec = [{ minNdim: 2, axes: { [-1]: inDim } }];
  }
  forward(x: Args): Tensor {
    return this.settings.activation(linear(one(this.op, x), this.kernel.transpose(0, 1), this.bias));
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return [...oneShape(this.op, s).slice(0, -1), this.units];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), units: this.units, ...kernelConfig(this.settings) };
  }
}

/** Applies an activation by name or function. */
export class Activation extends Layer {
  static override className = "Activation";
  readonly activation: activations.Activation;
  constructor(activation: activations.ActivationSpec, opts: LayerOptions = {}) {
    layerOptions("Activation", opts, []);
    super(opts);
    if (activation === undefined) throw new ArgumentError(this.op, "an activation is required, e.g. \"relu\"");
    this.activation = activations.get(activation, this.op);
  }
  forward(x: Args): Tensor {
    return this.activation(one(this.op, x));
  }
  override getConfig(): Config {
    return { ...super.getConfig(), activation: activations.serialize(this.activation) };
  }
}

export interface DropoutOptions extends LayerOptions {
  /** Shape of the binary mask, broadcast over the input (null dims take the input's size). */
  noiseShape?: Shape | null;
  /**
   * Recorded in the config for Keras; masks come from deepscript's generator (seeded by ds.seed),
   * so runs are reproducible either way but differ from Keras' streams.
   */
  seed?: number | null;
}

/** Zeroes inputs with probability `rate` in training and scales the rest by 1/(1 - rate) (nn.F.dropout). */
export class Dropout extends Layer {
  static override className = "Dropout";
  readonly rate: number;
  readonly noiseShape: Shape | null;
  readonly seed: number | null;
  constructor(rate: number, opts: DropoutOptions = {}) {
    layerOptions("Dropout", opts, ["noiseShape", "seed"]);
    super(opts);
    this.rate = checkNumber(this.op, "rate", rate, { min: 0 });
    if (this.rate >= 1) throw new ArgumentError(this.op, `rate must be in [0, 1), got ${rate}`);
    this.noiseShape = opts.noiseShape ?? null;
    this.seed = opts.seed ?? null;
  }
  forward(x: Args, kwargs?: CallOptions): Tensor {
    const t = one(this.op, x);
    if (!this.isTraining(kwargs) || this.rate === 0) return t;
    if (!this.noiseShape) return dropout(t, this.rate, true);
    const shape = this.noiseShape.map((d, i) => d ?? t.shape[i]);
    if (shape.length !== t.ndim || shape.some((d, i) => d !== 1 && d !== t.shape[i])) throw new ShapeError(this.op, `noiseShape ${fmtShape(this.noiseShape)} does not broadcast to the input [${t.shape}]`);
    return t.mul(dropout(ds.ones(shape, { dtype: t.dtype }), this.rate, true));
  }
  protected override get autocast(): boolean {
    return false;
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape as Json };
  }
}

/** Flattens every dim but the batch; channels_first inputs are moved to channels_last first, as Keras. */
export class Flatten extends Layer {
  static override className = "Flatten";
  readonly dataFormat: DataFormat;
  constructor(opts: LayerOptions & { dataFormat?: DataFormat | "channelsLast" | "channelsFirst" } = {}) {
    layerOptions("Flatten", opts, ["dataFormat"]);
    super(opts);
    this.dataFormat = checkDataFormat(this.op, opts.dataFormat);
  }
  forward(x: Args): Tensor {
    let t = one(this.op, x);
    if (this.dataFormat === "channels_first" && t.ndim > 2) t = t.permute([0, ...t.shape.map((_, i) => i).slice(2), 1]);
    return t.reshape([t.shape[0], -1]);
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = oneShape(this.op, s);
    return [shape[0], knownSize(shape.slice(1))];
  }
  protected override get autocast(): boolean {
    return false;
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
}

/** Reshapes each sample to `targetShape` (one dim may be -1). */
export class Reshape extends Layer {
  static override className = "Reshape";
  readonly targetShape: number[];
  constructor(targetShape: number[], opts: LayerOptions = {}) {
    layerOptions("Reshape", opts, []);
    super(opts);
    if (!Array.isArray(targetShape) || !targetShape.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) || targetShape.filter((d) => d === -1).length > 1) {
      throw new ArgumentError(this.op, `targetShape must be positive integers with at most one -1, got ${JSON.stringify(targetShape)}`);
    }
    this.targetShape = targetShape;
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    return t.reshape([t.shape[0], ...(this.resolve(t.shape.slice(1)) as number[])]);
  }
  // The target with -1 filled in from a sample's size; checks that sizes agree.
  private resolve(sample: readonly (number | null)[]): Shape {
    const size = knownSize(sample);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (size === null) return this.targetShape.map((d) => (d === -1 ? null : d));
    const fill = size / known;
    if (this.targetShape.includes(-1) ? !Number.isInteger(fill) : size !== known) {
      throw new ShapeError(this.op, `cannot reshape samples of shape ${fmtShape(sample as Shape)} (${size} values) to ${fmtShape(this.targetShape)}`);
    }
    return this.targetShape.map((d) => (d === -1 ? fill : d));
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = oneShape(this.op, s);
    return [shape[0], ...this.resolve(shape.slice(1))];
  }
  protected override get autocast(): boolean {
    return false;
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), target_shape: this.targetShape };
  }
}

/** Permutes the non-batch dims; `dims` count from 1, as Keras. */
export class Permute extends Layer {
  static override className = "Permute";
  readonly dims: number[];
  constructor(dims: number[], opts: LayerOptions = {}) {
    layerOptions("Permute", opts, []);
    super(opts);
    const sorted = [...(dims ?? [])].sort((a, b) => a - b);
    if (!Array.isArray(dims) || !sorted.every((d, i) => d === i + 1)) throw new ArgumentError(this.op, `dims must be a permutation of 1..${dims?.length}, got ${JSON.stringify(dims)}`);
    this.dims = dims;
  }
  forward(x: Args): Tensor {
    return one(this.op, x).permute([0, ...this.dims]);
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = oneShape(this.op, s);
    return [shape[0], ...this.dims.map((d) => shape[d])];
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), dims: this.dims };
  }
}

/** Repeats a [batch, features] input n times: [batch, n, features]. */
export class RepeatVector extends Layer {
  static override className = "RepeatVector";
  readonly n: number;
  constructor(n: number, opts: LayerOptions = {}) {
    layerOptions("RepeatVector", opts, []);
    super(opts);
    this.n = checkNumber(this.op, "n", n, { min: 1, integer: true });
    this.inputSpec = [{ ndim: 2 }];
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    return t.unsqueeze(1).expand([t.shape[0], this.n, t.shape[1]]);
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shape = oneShape(this.op, s);
    return [shape[0], this.n, shape[1]];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), n: this.n };
  }
}

/** ReLU with Keras' options (max_value, negative_slope, threshold). */
export class ReLU extends Layer {
  static override className = "ReLU";
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;
  constructor(opts: LayerOptions & { maxValue?: number | null; negativeSlope?: number; threshold?: number } = {}) {
    layerOptions("ReLU", opts, ["maxValue", "negativeSlope", "threshold"]);
    super(opts);
    this.maxValue = opts.maxValue ?? null;
    this.negativeSlope = opts.negativeSlope ?? 0;
    this.threshold = opts.threshold ?? 0;
  }
  forward(x: Args): Tensor {
    return activations.relu(one(this.op, x), { maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold });
  }
  override getConfig(): Config {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }
}

/** x for x > 0, negativeSlope·x otherwise (Keras' default slope 0.3; TensorFlow.js calls it alpha). */
export class LeakyReLU extends Layer {
  static override className = "LeakyReLU";
  readonly negativeSlope: number;
  constructor(opts: LayerOptions & { negativeSlope?: number; alpha?: number } = {}) {
    layerOptions("LeakyReLU", opts, ["negativeSlope", "alpha"]);
    super(opts);
    this.negativeSlope = opts.negativeSlope ?? opts.alpha ?? 0.3;
  }
  forward(x: Args): Tensor {
    return one(this.op, x).leakyRelu(this.negativeSlope);
  }
  override getConfig(): Config {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }
}

/** ELU with alpha (default 1). */
export class ELU extends Layer {
  static override className = "ELU";
  readonly alpha: number;
  constructor(opts: LayerOptions & { alpha?: number } = {}) {
    layerOptions("ELU", opts, ["alpha"]);
    super(opts);
    this.alpha = opts.alpha ?? 1;
  }
  forward(x: Args): Tensor {
    return one(this.op, x).elu(this.alpha);
  }
  override getConfig(): Config {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/** Softmax over `axis` (default -1). */
export class Softmax extends Layer {
  static override className = "Softmax";
  readonly axis: number;
  constructor(opts: LayerOptions & { axis?: number } = {}) {
    layerOptions("Softmax", opts, ["axis"]);
    super(opts);
    this.axis = opts.axis ?? -1;
  }
  forward(x: Args): Tensor {
    return one(this.op, x).softmax(this.axis);
  }
  override getConfig(): Config {
    return { ...super.getConfig(), axis: this.axis };
  }
}
