// BatchNorm1d, BatchNorm2d and LayerNorm with PyTorch's parameters, buffers and defaults.
import { ShapeError, fmtShape } from "../../core/errors.js";
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
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    const affine = opts.affine ?? true;
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

/** Layer normalisation over the trailing normalizedShape dims. */
export class LayerNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  readonly normalizedShape: number[];
  constructor(normalizedShape: number | readonly number[], readonly opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = affine && (opts.bias ?? true) ? new Parameter(zeros(this.normalizedShape)) : null;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.opts.eps ?? 1e-5);
  }
  protected override extraRepr(): string {
    return `[${this.normalizedShape}], eps=${this.opts.eps ?? 1e-5}${this.weight ? "" : ", elementwiseAffine=false"}`;
  }
}
