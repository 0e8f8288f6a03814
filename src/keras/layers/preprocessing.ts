// Keras' preprocessing layers Rescaling and Normalization (with adapt): part of the model, so a
// saved model carries its input scaling.
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { noGrad } from "../../autograd/mode.js";
import { Layer, layerOptions, one, oneShape, type Args, type LayerOptions } from "../layer.js";
import { fmtShape, type Shape } from "../shape.js";
import type { Config, Json } from "../names.js";

/** x·scale + offset (e.g. scale 1/255 for pixels). */
export class Rescaling extends Layer {
  static override className = "Rescaling";
  readonly scale: number;
  readonly offset: number;
  constructor(scale: number, opts: LayerOptions & { offset?: number } = {}) {
    layerOptions("Rescaling", opts, ["offset"]);
    super(opts);
    this.scale = checkNumber(this.op, "scale", scale);
    this.offset = checkNumber(this.op, "offset", opts.offset ?? 0);
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    const f = t.dtype === "float32" || t.dtype === "float64" ? t : t.to(this.dtype);
    return this.offset === 0 ? f.mul(this.scale) : f.mul(this.scale).add(this.offset);
  }
  override getConfig(): Config {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}

export interface NormalizationOptions extends LayerOptions {
  /** The axis (or axes) that keep separate statistics (default -1: one mean and variance per feature). */
  axis?: number | number[] | null;
  /** Fixed statistics instead of adapt(). */
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  /** Undo the normalisation instead (x·std + mean). */
  invert?: boolean;
}

const EPSILON = 1e-7;

/**
 * (x - mean) / max(√variance, 1e-7) per feature, with mean and variance from `adapt(data)` (or
 * given; before either, mean 0 and variance 1). Weights (non-trainable): mean, variance, count.
 * @example const norm = new keras.layers.Normalization(); norm.adapt(xTrain);
 */
export class Normalization extends Layer {
  static override className = "Normalization";
  declare mean: Tensor;
  declare variance: Tensor;
  declare count: Tensor;
  readonly axis: number[];
  readonly invert: boolean;
  private readonly given: { mean: number | number[]; variance: number | number[] } | null;
  private keep: number[] = [];

  constructor(opts: NormalizationOptions = {}) {
    layerOptions("Normalization", opts, ["axis", "mean", "variance", "invert"]);
    super(opts);
    this.axis = opts.axis === null ? [] : typeof opts.axis === "number" ? [opts.axis] : opts.axis ?? [-1];
    this.invert = opts.invert ?? false;
    const hasMean = opts.mean !== undefined && opts.mean !== null, hasVar = opts.variance !== undefined && opts.variance !== null;
    if (hasMean !== hasVar) throw new ArgumentError(this.op, "give both mean and variance, or neither (then call adapt)");
    this.given = hasMean ? { mean: opts.mean!, variance: opts.variance! } : null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    this.keep = this.axis.map((a) => (a < 0 ? s.length + a : a));
    if (this.keep.some((a) => a < 1 || a >= s.length)) throw new ShapeError(this.op, `axis ${JSON.stringify(this.axis)} is out of range for input ${fmtShape(s)}`);
    const dims = this.keep.map((a) => s[a]);
    if (dims.some((d) => d === null)) throw new ShapeError(this.op, `the kept axes need known sizes, got ${fmtShape(s)}`);
    this.addWeight("mean", dims as number[], { initializer: "zeros", trainable: false });
    this.addWeight("variance", dims as number[], { initializer: "ones", trainable: false });
    this.addWeight("count", [], { initializer: "zeros", trainable: false });
    if (this.given) {
      const { mean, variance } = this.given;
      noGrad(() => {
        this.mean.copy_(ds.tensor(mean).to(this.dtype));
        this.variance.copy_(ds.tensor(variance).to(this.dtype));
      });
    }
  }

  /**
   * Computes each kept feature's mean and variance over all of `data` (Keras' adapt), building the
   * layer from the data's shape if needed.
   */
  adapt(data: Tensor | ds.NestedInput): void {
    const x = data instanceof Tensor ? data : ds.tensor(data as ds.NestedInput);
    this.maybeBuild([null, ...x.shape.slice(1)]);
    this.checkInputs([[null, ...x.shape.slice(1)]]);
    noGrad(() => ds.scope(() => {
      const xf = x.to(this.dtype);
      const dims = xf.shape.map((_, i) => i).filter((i) => !this.keep.includes(i));
      const mean = dims.length ? xf.mean(dims, true) : xf;
      const variance = dims.length ? xf.sub(mean).square().mean(dims) : ds.zerosLike(xf);
      this.mean.copy_(dims.length ? mean.reshape(this.mean.shape) : mean);
      this.variance.copy_(variance);
      this.count.copy_(x.size / Math.max(1, this.mean.size));
    }));
  }

  // The statistics shaped to broadcast against an input of rank `ndim`.
  private broadcast(t: Tensor, shape: readonly number[]): Tensor {
    return t.reshape(shape.map((d, i) => (this.keep.includes(i) ? d : 1)));
  }

  forward(x: Args): Tensor {
    const t = one(this.op, x);
    const f = t.dtype === this.dtype ? t : t.to(this.dtype);
    const mean = this.broadcast(this.mean, f.shape), std = this.broadcast(this.variance, f.shape).sqrt().clamp(EPSILON);
    return this.invert ? f.mul(std).add(mean) : f.sub(mean).div(std);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      axis: this.axis as Json,
      invert: this.invert,
      mean: (this.given?.mean ?? null) as Json,
      variance: (this.given?.variance ?? null) as Json,
    };
  }
}
