// Keras' BatchNormalization and LayerNormalization on nn.F.batchNorm and nn.F.layerNorm, with
// Keras' defaults (epsilon 1e-3, momentum 0.99 as the fraction kept) and Keras' moving variance
// (the batch's biased variance, where PyTorch keeps the unbiased one).
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { noGrad } from "../../autograd/mode.js";
import type { Parameter } from "../../nn/parameter.js";
import { batchNorm, layerNorm } from "../../nn/functional.js";
import { Layer, layerOptions, one, oneShape, type Args, type CallOptions, type LayerOptions } from "../layer.js";
import { fmtShape, type Shape } from "../shape.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import * as constraints from "../constraints.js";
import type { Config, Json } from "../names.js";

const orNull = <T, R>(v: T | null, f: (v: T) => R): R | null => (v === null ? null : f(v));

export interface BatchNormalizationOptions extends LayerOptions {
  /** The features axis (default -1: channels_last). */
  axis?: number;
  /** Fraction of the moving statistics kept at each training step (default 0.99). */
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: initializers.InitializerSpec;
  gammaInitializer?: initializers.InitializerSpec;
  movingMeanInitializer?: initializers.InitializerSpec;
  movingVarianceInitializer?: initializers.InitializerSpec;
  betaRegularizer?: regularizers.RegularizerSpec;
  gammaRegularizer?: regularizers.RegularizerSpec;
  betaConstraint?: constraints.ConstraintSpec;
  gammaConstraint?: constraints.ConstraintSpec;
}

/**
 * Normalises each feature with the batch's mean and (biased) variance while training and with the
 * moving averages otherwise, then scales by gamma and shifts by beta. Weights: gamma, beta,
 * moving_mean, moving_variance. A non-trainable BatchNormalization runs in inference mode, as Keras 3.
 */
export class BatchNormalization extends Layer {
  static override className = "BatchNormalization";
  declare gamma?: Parameter;
  declare beta?: Parameter;
  declare movingMean: Tensor;
  declare movingVariance: Tensor;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<"beta" | "gamma" | "movingMean" | "movingVariance", initializers.Initializer>;
  private readonly regs: Record<"beta" | "gamma", regularizers.Regularizer | null>;
  private readonly cons: Record<"beta" | "gamma", constraints.Constraint | null>;

  constructor(opts: BatchNormalizationOptions = {}) {
    layerOptions("BatchNormalization", opts, [
      "axis", "momentum", "epsilon", "center", "scale", "betaInitializer", "gammaInitializer", "movingMeanInitializer",
      "movingVarianceInitializer", "betaRegularizer", "gammaRegularizer", "betaConstraint", "gammaConstraint",
    ]);
    super(opts);
    this.axis = opts.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ArgumentError(this.op, `axis must be an integer, got ${JSON.stringify(opts.axis)}`);
    this.momentum = checkNumber(this.op, "momentum", opts.momentum ?? 0.99, { min: 0 });
    this.epsilon = checkNumber(this.op, "epsilon", opts.epsilon ?? 1e-3, { above: 0 });
    this.center = opts.center ?? true;
    this.scale = opts.scale ?? true;
    this.inits = {
      beta: initializers.get(opts.betaInitializer ?? "zeros", this.op),
      gamma: initializers.get(opts.gammaInitializer ?? "ones", this.op),
      movingMean: initializers.get(opts.movingMeanInitializer ?? "zeros", this.op),
      movingVariance: initializers.get(opts.movingVarianceInitializer ?? "ones", this.op),
    };
    this.regs = { beta: regularizers.get(opts.betaRegularizer, this.op), gamma: regularizers.get(opts.gammaRegularizer, this.op) };
    this.cons = { beta: constraints.get(opts.betaConstraint, this.op), gamma: constraints.get(opts.gammaConstraint, this.op) };
  }

  private axisOf(ndim: number): number {
    const a = this.axis < 0 ? ndim + this.axis : this.axis;
    if (a < 1 || a >= ndim) throw new ShapeError(this.op, `axis ${this.axis} is not a feature axis of a rank-${ndim} input`);
    return a;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    const a = this.axisOf(s.length);
    const c = s[a];
    if (c === null) throw new ShapeError(this.op, `the features axis must have a known size, got ${fmtShape(s)}`);
    if (this.scale) this.addWeight("gamma", [c], { initializer: this.inits.gamma, regularizer: this.regs.gamma, constraint: this.cons.gamma });
    if (this.center) this.addWeight("beta", [c], { initializer: this.inits.beta, regularizer: this.regs.beta, constraint: this.cons.beta });
    this.addWeight("moving_mean", [c], { initializer: this.inits.movingMean, trainable: false });
    this.addWeight("moving_variance", [c], { initializer: this.inits.movingVariance, trainable: false });
    this.inputSpec = [{ ndim: s.length, axes: { [this.axis]: c } }];
  }

  forward(x: Args, kwargs?: CallOptions): Tensor {
    const t = one(this.op, x);
    const a = this.axisOf(t.ndim);
    // nn.F.batchNorm normalises dim 1: move the features axis there (a view) and back.
    const order = [0, a, ...t.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a)];
    const back = order.map((_, i) => order.indexOf(i));
    const xc = a === 1 ? t : t.permute(order);
    const training = this.isTraining(kwargs) && this.trainable;
    const y = batchNorm(xc, training ? null : this.movingMean, training ? null : this.movingVariance, { training, weight: this.gamma, bias: this.beta, eps: this.epsilon });
    if (training) {
      noGrad(() => {
        const dims = xc.shape.map((_, i) => i).filter((i) => i !== 1);
        const mean = xc.mean(dims);
        const variance = xc.sub(mean.reshape(xc.shape.map((d, i) => (i === 1 ? d : 1)))).square().mean(dims);
        const m = this.momentum;
        this.movingMean.copy_(this.movingMean.mul(m).add(mean.mul(1 - m)));
        this.movingVariance.copy_(this.movingVariance.mul(m).add(variance.mul(1 - m)));
      });
    }
    return a === 1 ? y : y.permute(back);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializers.serialize(this.inits.beta),
      gamma_initializer: initializers.serialize(this.inits.gamma),
      moving_mean_initializer: initializers.serialize(this.inits.movingMean),
      moving_variance_initializer: initializers.serialize(this.inits.movingVariance),
      beta_regularizer: orNull(this.regs.beta, regularizers.serialize),
      gamma_regularizer: orNull(this.regs.gamma, regularizers.serialize),
      beta_constraint: orNull(this.cons.beta, constraints.serialize),
      gamma_constraint: orNull(this.cons.gamma, constraints.serialize),
    };
  }
}

export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or trailing axes normalised together (default -1). */
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: initializers.InitializerSpec;
  gammaInitializer?: initializers.InitializerSpec;
  betaRegularizer?: regularizers.RegularizerSpec;
  gammaRegularizer?: regularizers.RegularizerSpec;
  betaConstraint?: constraints.ConstraintSpec;
  gammaConstraint?: constraints.ConstraintSpec;
}

/** Normalises each sample over the last axis (or trailing axes), then scales and shifts (epsilon 1e-3). */
export class LayerNormalization extends Layer {
  static override className = "LayerNormalization";
  declare gamma?: Parameter;
  declare beta?: Parameter;
  readonly axis: number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private normalized: number[] = [];
  private readonly inits: Record<"beta" | "gamma", initializers.Initializer>;
  private readonly regs: Record<"beta" | "gamma", regularizers.Regularizer | null>;
  private readonly cons: Record<"beta" | "gamma", constraints.Constraint | null>;

  constructor(opts: LayerNormalizationOptions = {}) {
    layerOptions("LayerNormalization", opts, ["axis", "epsilon", "center", "scale", "betaInitializer", "gammaInitializer", "betaRegularizer", "gammaRegularizer", "betaConstraint", "gammaConstraint"]);
    super(opts);
    this.axis = typeof opts.axis === "number" ? [opts.axis] : opts.axis ?? [-1];
    this.epsilon = checkNumber(this.op, "epsilon", opts.epsilon ?? 1e-3, { above: 0 });
    this.center = opts.center ?? true;
    this.scale = opts.scale ?? true;
    this.inits = { beta: initializers.get(opts.betaInitializer ?? "zeros", this.op), gamma: initializers.get(opts.gammaInitializer ?? "ones", this.op) };
    this.regs = { beta: regularizers.get(opts.betaRegularizer, this.op), gamma: regularizers.get(opts.gammaRegularizer, this.op) };
    this.cons = { beta: constraints.get(opts.betaConstraint, this.op), gamma: constraints.get(opts.gammaConstraint, this.op) };
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = oneShape(this.op, inputShape);
    const axes = this.axis.map((a) => (a < 0 ? s.length + a : a)).sort((a, b) => a - b);
    // nn.F.layerNorm normalises trailing dims; Keras' axis lists are those in practice.
    if (!axes.every((a, i) => a === s.length - axes.length + i) || axes[0] < 1) {
      throw new ArgumentError(this.op, `axis ${JSON.stringify(this.axis)} must name the trailing axes of the rank-${s.length} input`);
    }
    const dims = axes.map((a) => s[a]);
    if (dims.some((d) => d === null)) throw new ShapeError(this.op, `normalised axes must have known sizes, got ${fmtShape(s)}`);
    this.normalized = dims as number[];
    if (this.scale) this.addWeight("gamma", this.normalized, { initializer: this.inits.gamma, regularizer: this.regs.gamma, constraint: this.cons.gamma });
    if (this.center) this.addWeight("beta", this.normalized, { initializer: this.inits.beta, regularizer: this.regs.beta, constraint: this.cons.beta });
    this.inputSpec = [{ ndim: s.length, axes: Object.fromEntries(this.normalized.map((d, i) => [i - this.normalized.length, d])) }];
  }

  forward(x: Args): Tensor {
    return layerNorm(one(this.op, x), this.normalized, this.gamma, this.beta, this.epsilon);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      axis: (this.axis.length === 1 ? this.axis[0] : this.axis) as Json,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: initializers.serialize(this.inits.beta),
      gamma_initializer: initializers.serialize(this.inits.gamma),
      beta_regularizer: orNull(this.regs.beta, regularizers.serialize),
      gamma_regularizer: orNull(this.regs.gamma, regularizers.serialize),
      beta_constraint: orNull(this.cons.beta, constraints.serialize),
      gamma_constraint: orNull(this.cons.gamma, constraints.serialize),
    };
  }
}
