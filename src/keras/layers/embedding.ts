// Keras' Embedding on nn.F.embedding: integer indices [..] → vectors [.., outputDim].
import { ArgumentError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import type { DType } from "../../core/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Parameter } from "../../nn/parameter.js";
import { embedding } from "../../nn/functional.js";
import { Layer, layerOptions, one, oneShape, type Args, type LayerOptions } from "../layer.js";
import type { Shape } from "../shape.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import * as constraints from "../constraints.js";
import type { Config } from "../names.js";

export interface EmbeddingOptions extends LayerOptions {
  embeddingsInitializer?: initializers.InitializerSpec;
  embeddingsRegularizer?: regularizers.RegularizerSpec;
  embeddingsConstraint?: constraints.ConstraintSpec;
  /** Only null: activity regularizers are not supported. */
  activityRegularizer?: null;
  /** Only false: masking is not supported (pad sequences and let the model learn the pad token). */
  maskZero?: boolean;
  /** Keras 2 / TensorFlow.js: the sequence length, i.e. inputShape [inputLength]. */
  inputLength?: number | null;
  /** TensorFlow.js' factory passes the sizes in the options. */
  inputDim?: number;
  outputDim?: number;
}

/**
 * Rows of `embeddings [inputDim, outputDim]` picked by integer indices (float inputs are cast to
 * int32, as Keras does); initialised uniform on ±0.05.
 * @example new keras.layers.Embedding(10000, 64)
 */
export class Embedding extends Layer {
  static override className = "Embedding";
  declare embeddings: Parameter;
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly init: initializers.Initializer;
  private readonly reg: regularizers.Regularizer | null;
  private readonly con: constraints.Constraint | null;
  constructor(inputDim: number, outputDim: number, opts: EmbeddingOptions = {}) {
    layerOptions("Embedding", opts, ["embeddingsInitializer", "embeddingsRegularizer", "embeddingsConstraint", "activityRegularizer", "maskZero", "inputLength", "outputDim"]);
    const { inputDim: _i, outputDim: _o, inputLength, embeddingsInitializer: _e, embeddingsRegularizer: _r, embeddingsConstraint: _c, activityRegularizer, maskZero: _m, ...base } = opts;
    super(inputLength !== undefined && inputLength !== null && base.inputShape === undefined ? { ...base, inputShape: [inputLength] } : base);
    if (activityRegularizer !== undefined && activityRegularizer !== null) throw new ArgumentError(this.op, "activityRegularizer is not supported");
    if (opts.maskZero) throw new ArgumentError(this.op, "maskZero is not supported: masks are not propagated between layers");
    this.inputDim = checkNumber(this.op, "inputDim", inputDim, { min: 1, integer: true });
    this.outputDim = checkNumber(this.op, "outputDim", outputDim, { min: 1, integer: true });
    this.init = initializers.get(opts.embeddingsInitializer ?? "uniform", this.op);
    this.reg = regularizers.get(opts.embeddingsRegularizer, this.op);
    this.con = constraints.get(opts.embeddingsConstraint, this.op);
  }
  override build(): void {
    this.addWeight("embeddings", [this.inputDim, this.outputDim], { initializer: this.init, regularizer: this.reg, constraint: this.con });
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    return embedding(t.dtype === "int32" ? t : t.int(), this.embeddings);
  }
  protected override get autocast(): boolean {
    return false;
  }
  protected override computeOutputDtype(): DType {
    return this.dtype;
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return [...oneShape(this.op, s), this.outputDim];
  }
  override getConfig(): Config {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: initializers.serialize(this.init),
      embeddings_regularizer: this.reg ? regularizers.serialize(this.reg) : null,
      activity_regularizer: null,
      embeddings_constraint: this.con ? constraints.serialize(this.con) : null,
      mask_zero: false,
    };
  }
}
