// Keras' MultiHeadAttention with Keras' weights (query/key/value kernels [dim, heads, keyDim],
// biases [heads, keyDim], output kernel [heads, valueDim, outDim]); the attention itself is nn's
// scaled dot-product attention (softmax(q·kᵀ/√keyDim + mask)·v, dropout on the weights).
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import type { Parameter } from "../../nn/parameter.js";
import { linear } from "../../nn/functional.js";
import { attention } from "../../nn/attention.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import * as constraints from "../constraints.js";
import { Layer, layerOptions, type Args, type CallOptions, type LayerOptions, type LayerOutput } from "../layer.js";
import { SymbolicTensor } from "../symbolic.js";
import type { KernelOptions } from "./common.js";
import { fmtShape, type Shape } from "../shape.js";
import type { Config } from "../names.js";

/** One of MultiHeadAttention's projections (Keras' EinsumDense named query, key, value, attention_output). */
class Projection extends Layer {
  static override className = "EinsumDense";
  declare kernel: Parameter;
  declare bias?: Parameter;
  // The owner's settings, not the owner: a Module-valued property would count as a child.
  constructor(name: string, readonly inDims: number, readonly kernelShape: number[], readonly biasShape: number[] | null, private readonly settings: MultiHeadAttention["settings"]) {
    super({ name });
  }
  override build(): void {
    const o = this.settings;
    this.addWeight("kernel", this.kernelShape, { initializer: o.kernelInitializer, regularizer: o.kernelRegularizer, constraint: o.kernelConstraint });
    if (this.biasShape) this.addWeight("bias", this.biasShape, { initializer: o.biasInitializer, regularizer: o.biasRegularizer, constraint: o.biasConstraint });
  }
  /** x [..., in] times the kernel flattened to [in, out…] (nn.F.linear), reshaped to [..., ...out]. */
  forward(x: Args): Tensor {
    const t = x as Tensor;
    const inDims = this.inDims;
    const inSize = this.kernelShape.slice(0, inDims).reduce((a, b) => a * b, 1);
    const outShape = this.kernelShape.slice(inDims);
    const outSize = outShape.reduce((a, b) => a * b, 1);
    const xin = t.reshape([...t.shape.slice(0, t.ndim - inDims), inSize]);
    const y = linear(xin, this.kernel.reshape([inSize, outSize]).transpose(0, 1), this.bias ? this.bias.reshape([outSize]) : null);
    return y.reshape([...t.shape.slice(0, t.ndim - inDims), ...outShape]);
  }
}

export interface MultiHeadAttentionOptions extends LayerOptions, Omit<KernelOptions, "activation"> {
  /** TensorFlow.js' factory passes the sizes here. */
  numHeads?: number;
  keyDim?: number;
  /** Default: keyDim. */
  valueDim?: number | null;
  /** Dropout on the attention weights while training. */
  dropout?: number;
  /** Last dim of the output (default: the query's). */
  outputShape?: number | null;
}

export interface MultiHeadAttentionCallOptions extends CallOptions {
  /** Default: value. */
  key?: Tensor | SymbolicTensor;
  /** Bool (or 0/1) [batch, T, S]: true where query t may attend to key s (Keras' convention). */
  attentionMask?: Tensor | null;
  /** Lets query t attend only to keys s <= t. */
  useCausalMask?: boolean;
  /** Also return the attention weights [batch, heads, T, S]. */
  returnAttentionScores?: boolean;
}

/**
 * Keras' multi-head attention over [batch, T, dim] queries and [batch, S, dim] keys/values.
 * `call(query, value, { key, attentionMask, useCausalMask, returnAttentionScores })`.
 * @example const mha = new keras.layers.MultiHeadAttention(4, 16); const y = mha.call(x, x);
 */
export class MultiHeadAttention extends Layer<SymbolicTensor | SymbolicTensor[]> {
  static override className = "MultiHeadAttention";
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: number | null;
  readonly settings: {
    kernelInitializer: initializers.Initializer; biasInitializer: initializers.Initializer;
    kernelRegularizer: regularizers.Regularizer | null; biasRegularizer: regularizers.Regularizer | null;
    kernelConstraint: constraints.Constraint | null; biasConstraint: constraints.Constraint | null;
  };
  queryDense: Projection | null = null;
  keyDense: Projection | null = null;
  valueDense: Projection | null = null;
  outputDense: Projection | null = null;

  constructor(numHeads?: number, keyDim?: number, opts: MultiHeadAttentionOptions = {}) {
    layerOptions("MultiHeadAttention", opts, [
      "numHeads", "keyDim", "valueDim", "dropout", "useBias", "outputShape", "kernelInitializer", "biasInitializer",
      "kernelRegularizer", "biasRegularizer", "activityRegularizer", "kernelConstraint", "biasConstraint",
    ]);
    const { numHeads: _h, keyDim: _k, valueDim: _v, dropout: _d, useBias: _b, outputShape: _o, kernelInitializer: _ki, biasInitializer: _bi,
      kernelRegularizer: _kr, biasRegularizer: _br, activityRegularizer, kernelConstraint: _kc, biasConstraint: _bc, ...base } = opts;
    super(base);
    if (activityRegularizer !== undefined && activityRegularizer !== null) throw new ArgumentError(this.op, "activityRegularizer is not supported");
    this.numHeads = checkNumber(this.op, "numHeads", numHeads ?? opts.numHeads, { min: 1, integer: true });
    this.keyDim = checkNumber(this.op, "keyDim", keyDim ?? opts.keyDim, { min: 1, integer: true });
    this.valueDim = checkNumber(this.op, "valueDim", opts.valueDim ?? this.keyDim, { min: 1, integer: true });
    this.dropout = checkNumber(this.op, "dropout", opts.dropout ?? 0, { min: 0 });
    this.useBias = opts.useBias ?? true;
    this.outputShape = opts.outputShape ?? null;
    this.settings = {
      kernelInitializer: initializers.get(opts.kernelInitializer ?? "glorot_uniform", this.op),
      biasInitializer: initializers.get(opts.biasInitializer ?? "zeros", this.op),
      kernelRegularizer: regularizers.get(opts.kernelRegularizer, this.op),
      biasRegularizer: regularizers.get(opts.biasRegularizer, this.op),
      kernelConstraint: constraints.get(opts.kernelConstraint, this.op),
      biasConstraint: constraints.get(opts.biasConstraint, this.op),
    };
  }

  /** call(query, value, { key, attentionMask, useCausalMask, returnAttentionScores, training }). */
  override call(query: SymbolicTensor, value: SymbolicTensor, kwargs: MultiHeadAttentionCallOptions & { returnAttentionScores: true }): SymbolicTensor[];
  override call(query: SymbolicTensor, value: SymbolicTensor | MultiHeadAttentionCallOptions, kwargs?: MultiHeadAttentionCallOptions & { returnAttentionScores?: false }): SymbolicTensor;
  override call(query: Tensor, value: Tensor, kwargs: MultiHeadAttentionCallOptions & { returnAttentionScores: true }): Tensor[];
  override call(query: Tensor, value: Tensor | MultiHeadAttentionCallOptions, kwargs?: MultiHeadAttentionCallOptions & { returnAttentionScores?: false }): Tensor;
  override call(query: SymbolicTensor | readonly SymbolicTensor[], value?: SymbolicTensor | MultiHeadAttentionCallOptions, kwargs?: MultiHeadAttentionCallOptions): SymbolicTensor | SymbolicTensor[];
  override call(query: Tensor | readonly Tensor[], value?: Tensor | MultiHeadAttentionCallOptions, kwargs?: MultiHeadAttentionCallOptions): Tensor | Tensor[];
  override call(query: Args, value?: Tensor | SymbolicTensor | MultiHeadAttentionCallOptions, kwargs?: MultiHeadAttentionCallOptions): LayerOutput;
  override call(query: Args, value?: Tensor | SymbolicTensor | MultiHeadAttentionCallOptions, kwargs: MultiHeadAttentionCallOptions = {}): LayerOutput {
    if (Array.isArray(query)) return super.call(query, (value ?? {}) as CallOptions);
    // TensorFlow.js' apply(query, { value, key, … }) or Keras' (query, value, { key, … }).
    const isTensor = value instanceof Tensor || value instanceof SymbolicTensor;
    const opts = (isTensor ? kwargs : value ?? {}) as MultiHeadAttentionCallOptions & { value?: Tensor | SymbolicTensor };
    const v = isTensor ? (value as Tensor | SymbolicTensor) : opts.value;
    if (!v) throw new ArgumentError(this.op, "needs a value: call(query, value, { key })");
    const { key, attentionMask, value: _v, ...rest } = opts;
    const inputs = [query as Tensor, v as Tensor, (key ?? v) as Tensor];
    if (attentionMask) inputs.push(attentionMask as Tensor);
    return super.call(inputs, rest);
  }

  override build(inputShape: Shape | Shape[]): void {
    const [q, v, k] = inputShape as Shape[];
    const dq = q[q.length - 1], dv = v[v.length - 1], dk = (k ?? v)[(k ?? v).length - 1];
    if (dq === null || dv === null || dk === null) throw new ShapeError(this.op, "query, key and value need known feature dims");
    const H = this.numHeads, b = this.useBias;
    this.queryDense = new Projection("query", 1, [dq, H, this.keyDim], b ? [H, this.keyDim] : null, this.settings);
    this.keyDense = new Projection("key", 1, [dk, H, this.keyDim], b ? [H, this.keyDim] : null, this.settings);
    this.valueDense = new Projection("value", 1, [dv, H, this.valueDim], b ? [H, this.valueDim] : null, this.settings);
    this.outputDense = new Projection("attention_output", 2, [H, this.valueDim, this.outputShape ?? dq], b ? [this.outputShape ?? dq] : null, this.settings);
    for (const p of [this.queryDense, this.keyDense, this.valueDense, this.outputDense]) p.maybeBuild([null, null]);
    this.inputSpec = [{ minNdim: 3, axes: { [-1]: dq } }, { minNdim: 3, axes: { [-1]: dv } }, { minNdim: 3, axes: { [-1]: dk } }, { minNdim: 3 }];
  }

  override computeOutputShape(inputShape: Shape | Shape[], kwargs?: CallOptions): Shape | Shape[] {
    const [q, v] = inputShape as Shape[];
    const out: Shape = [...q.slice(0, -1), this.outputShape ?? q[q.length - 1]];
    return kwargs?.returnAttentionScores ? [out, [q[0], this.numHeads, q[q.length - 2], v[v.length - 2]]] : out;
  }

  forward(inputs: Args, kwargs?: CallOptions): Tensor | Tensor[] {
    const [query, value, keyIn, mask] = inputs as Tensor[];
    const key = keyIn ?? value;
    const o = (kwargs ?? {}) as MultiHeadAttentionCallOptions;
    if (query.ndim !== 3 || value.ndim !== 3 || key.ndim !== 3) throw new ShapeError(this.op, `expects [batch, steps, dim] query, value and key, got ${fmtShape(query.shape)}, ${fmtShape(value.shape)}, ${fmtShape(key.shape)}`);
    const [B, T] = query.shape, S = key.shape[1];
    if (value.shape[1] !== S) throw new ShapeError(this.op, `key [${key.shape}] and value [${value.shape}] must have the same number of steps`);
    // [B, T, H, d] → [B, H, T, d]
    const heads = (t: Tensor) => t.permute([0, 2, 1, 3]);
    const q = heads(this.queryDense!.call(query)), k = heads(this.keyDense!.call(key)), v = heads(this.valueDense!.call(value));
    let allowed: Tensor | null = null;
    if (mask) {
      if (mask.ndim !== 3 || mask.shape[0] !== B || mask.shape[1] !== T || mask.shape[2] !== S) throw new ShapeError(this.op, `attentionMask must be [${B}, ${T}, ${S}], got [${mask.shape}]`);
      allowed = (mask.dtype === "bool" ? mask : mask.ne(0)).unsqueeze(1);
    }
    if (o.useCausalMask) {
      const causal = ds.arange(S).unsqueeze(0).le(ds.arange(T).unsqueeze(1));
      allowed = allowed ? allowed.logicalAnd(causal) : causal;
    }
    const training = this.isTraining(kwargs);
    const { output, weights } = attention(this.op, q, k, v, { attnMask: allowed, trueMeans: "attend", dropoutP: training ? this.dropout : 0, scale: 1 / Math.sqrt(this.keyDim) });
    const y = this.outputDense!.call(output.permute([0, 2, 1, 3]));
    return o.returnAttentionScores ? [y, weights] : y;
  }

  override getConfig(): Config {
    const s = this.settings;
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      output_shape: this.outputShape,
      attention_axes: null,
      kernel_initializer: initializers.serialize(s.kernelInitializer),
      bias_initializer: initializers.serialize(s.biasInitializer),
      kernel_regularizer: s.kernelRegularizer ? regularizers.serialize(s.kernelRegularizer) : null,
      bias_regularizer: s.biasRegularizer ? regularizers.serialize(s.biasRegularizer) : null,
      activity_regularizer: null,
      kernel_constraint: s.kernelConstraint ? constraints.serialize(s.kernelConstraint) : null,
      bias_constraint: s.biasConstraint ? constraints.serialize(s.biasConstraint) : null,
    };
  }
}
