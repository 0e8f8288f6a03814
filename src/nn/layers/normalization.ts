// BatchNorm1d, BatchNorm2d and LayerNorm with PyTorch's parameters, buffers and defaults.
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import { checkBoolean, checkNumber, checkOptions, optionNames } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { ones, zeros } from "../../ops/creation.js";
import { noGrad } from "../../autograd/mode.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { batchNorm, layerNorm } from "../functional.js";

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch statistic in the running average; null = cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}
const BATCH_NORM_OPTIONS = optionNames<BatchNormOptions>({ eps: true, momentum: true, affine: true, trackRunningStats: true });

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(readonly numFeatures: number, opts: BatchNormOptions, private readonly ranks: number[]) {
    super();
    const name = new.target.name;
    checkOptions(name, opts, BATCH_NORM_OPTIONS);
    checkNumber(name, "numFeatures", numFeatures, { min: 1, integer: true });
    this.eps = checkNumber(name, "eps", opts.eps ?? 1e-5, { min: 0 });
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (this.momentum !== null && !(typeof this.momentum === "number" && this.momentum >= 0 && this.momentum <= 1)) {
      throw new ArgumentError(name, `momentum must be in [0, 1] or null (a cumulative average), got ${String(this.momentum)}`);
    }
    const affine = checkBoolean(name, "affine", opts.affine ?? true);
    checkBoolean(name, "trackRunningStats", opts.trackRunningStats ?? true);
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    if (opts.trackRunningStats ?? true) {
      this.registerBuffer("runningMean", zeros([numFeatures]));
      this.registerBuffer("runningVar", ones([numFeatures]));
      this.registerBuffer("numBatchesTracked", zeros([], { dtype: "int32" }));
    } else {
      this.runningMean = this.runningVar = this.numBatchesTracked = null;
    }
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.ndim)) throw new ShapeError(name, `expected a ${this.ranks.join("-d or ")}-d input, got ${fmtShape(x.shape)}`);
    if (x.shape[1] !== this.numFeatures) throw new ShapeError(name, `expected ${this.numFeatures} channels (dim 1), got ${fmtShape(x.shape)}`);
    const useBatch = this.training || this.runningMean === null;
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const n = this.numBatchesTracked;
      noGrad(() => n.copy_(n.add(1)));
      if (this.momentum === null) momentum = 1 / n.item();
    }
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum, eps: this.eps,
    });
  }
  protected override extraRepr(): string {
    const flags = [this.weight ? "" : ", affine=false", this.runningMean ? "" : ", trackRunningStats=false"].join("");
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}${flags}`;
  }
}

/** Batch normalisation over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, [2, 3]);
  }
}

/** Batch normalisation over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super(numFeatures, opts, [4]);
  }
}

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale and shift (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, learn the shift too (default true). */
  bias?: boolean;
}
const LAYER_NORM_OPTIONS = optionNames<LayerNormOptions>({ eps: true, elementwiseAffine: true, bias: true });

/** Layer normalisation over the trailing normalizedShape dims. */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | readonly number[], readonly opts: LayerNormOptions = {}) {
    super();
    checkOptions("LayerNorm", opts, LAYER_NORM_OPTIONS);
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : Array.isArray(normalizedShape) ? [...normalizedShape] : [];
    if (this.normalizedShape.length === 0 || !this.normalizedShape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ArgumentError("LayerNorm", `normalizedShape must be a positive integer or a non-empty list of them, got ${String(JSON.stringify(normalizedShape)).slice(0, 80)}`);
    }
    checkNumber("LayerNorm", "eps", opts.eps ?? 1e-5, { min: 0 });
    const affine = checkBoolean("LayerNorm", "elementwiseAffine", opts.elementwiseAffine ?? true);
    const bias = checkBoolean("LayerNorm", "bias", opts.bias ?? true);
    this.weight = affine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine && bias ? new Parameter(zeros(this.normalizedShape)) : null;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.opts.eps ?? 1e-5);
  }
  protected override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.opts.eps ?? 1e-5}${this.weight ? "" : ", elementwiseAffine=false"}`;
  }
}
