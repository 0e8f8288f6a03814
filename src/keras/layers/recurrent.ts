// Keras' recurrent layers SimpleRNN, LSTM, GRU and the Bidirectional wrapper, with Keras' weights:
// kernel [in, G·units], recurrent_kernel [units, G·units], bias (gate order i, f, c, o for LSTM;
// z, r, h for GRU, whose bias is [2, 3·units] with reset_after). With Keras' default activations
// the sequence runs as nn's fused recurrence (nn.rnn.recurrentSequence: one graph node, BPTT by
// hand); other activations, GRU's reset_after=false and recurrent dropout run the cells step by step.
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkNumber } from "../../core/options.js";
import { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import type { Parameter } from "../../nn/parameter.js";
import { dropout as dropoutFn, linear } from "../../nn/functional.js";
import { recurrentSequence, type RnnMode } from "../../nn/rnn.js";
import * as activations from "../activations.js";
import * as initializers from "../initializers.js";
import * as regularizers from "../regularizers.js";
import * as constraints from "../constraints.js";
import { Layer, layerOptions, type Args, type CallOptions, type Concrete, type LayerOptions, type LayerOutput } from "../layer.js";
import type { SymbolicTensor } from "../symbolic.js";
import { fmtShape, type Shape } from "../shape.js";
import type { Config, Json } from "../names.js";

export interface RNNOptions extends LayerOptions {
  /** TensorFlow.js' factories pass units here. */
  units?: number;
  activation?: activations.ActivationSpec;
  /** LSTM and GRU gates (Keras' default "sigmoid"; TensorFlow.js' was "hardSigmoid"). */
  recurrentActivation?: activations.ActivationSpec;
  useBias?: boolean;
  kernelInitializer?: initializers.InitializerSpec;
  recurrentInitializer?: initializers.InitializerSpec;
  biasInitializer?: initializers.InitializerSpec;
  /** LSTM: the forget gate's bias starts at 1 (default true). */
  unitForgetBias?: boolean;
  /** GRU: apply the reset gate after the recurrent product (default true, Keras 3 and cuDNN; TensorFlow.js supports only false). */
  resetAfter?: boolean;
  kernelRegularizer?: regularizers.RegularizerSpec;
  recurrentRegularizer?: regularizers.RegularizerSpec;
  biasRegularizer?: regularizers.RegularizerSpec;
  activityRegularizer?: null;
  kernelConstraint?: constraints.ConstraintSpec;
  recurrentConstraint?: constraints.ConstraintSpec;
  biasConstraint?: constraints.ConstraintSpec;
  /** Dropout on the inputs (one mask for all steps), while training. */
  dropout?: number;
  /** Dropout on the recurrent state (one mask for all steps), while training. */
  recurrentDropout?: number;
  /** Return the output of every step [batch, steps, units] instead of the last [batch, units]. */
  returnSequences?: boolean;
  /** Also return the final states: [output, h] (LSTM: [output, h, c]). */
  returnState?: boolean;
  /** Process the sequence from its end; returned sequences are then in that (reversed) order, as Keras. */
  goBackwards?: boolean;
  /** Only false: state carried between batches is not supported. */
  stateful?: boolean;
  /** Accepted for Keras/TensorFlow.js configs; unrolling is an execution detail that changes no value. */
  unroll?: boolean;
  /** Accepted for Keras 2/TensorFlow.js configs (an execution detail that changes no value). */
  implementation?: number;
}
const RNN_OPTIONS = [
  "units", "activation", "recurrentActivation", "useBias", "kernelInitializer", "recurrentInitializer", "biasInitializer", "unitForgetBias",
  "resetAfter", "kernelRegularizer", "recurrentRegularizer", "biasRegularizer", "activityRegularizer", "kernelConstraint", "recurrentConstraint",
  "biasConstraint", "dropout", "recurrentDropout", "returnSequences", "returnState", "goBackwards", "stateful", "unroll", "implementation",
] as const;

type Kind = "rnn" | "lstm" | "gru";
const GATES: Record<Kind, number> = { rnn: 1, lstm: 4, gru: 3 };

/** One pass over a sequence: outputs in input time order [N, T, units], and the final states. */
export interface SequenceResult {
  outputs: Tensor;
  states: Tensor[];
}

/** What a recurrent layer returns on symbolic inputs: a list with returnState, else one tensor. */
export type RnnOutput<R extends boolean> = R extends true ? SymbolicTensor[] : SymbolicTensor;
type StateKw = CallOptions & { initialState?: readonly (Tensor | SymbolicTensor)[] };

/**
 * Shared by SimpleRNN, LSTM and GRU. `R` is whether returnState is set, so TypeScript knows
 * `new LSTM(8).call(x)` is one tensor and `new LSTM(8, { returnState: true }).call(x)` a list.
 */
export abstract class RNN<R extends boolean = boolean> extends Layer<RnnOutput<R>> {
  declare kernel: Parameter;
  declare recurrentKernel: Parameter;
  declare bias?: Parameter;
  readonly units: number;
  readonly activation: activations.Activation;
  readonly recurrentActivation: activations.Activation;
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly unroll: boolean;
  protected readonly inits: { kernel: initializers.Initializer; recurrent: initializers.Initializer; bias: initializers.Initializer };
  protected readonly regs: { kernel: regularizers.Regularizer | null; recurrent: regularizers.Regularizer | null; bias: regularizers.Regularizer | null };
  protected readonly cons: { kernel: constraints.Constraint | null; recurrent: constraints.Constraint | null; bias: constraints.Constraint | null };
  /** The options this layer was made with (Bidirectional makes its two directions from them). */
  readonly options: RNNOptions;

  constructor(readonly kind: Kind, units: number | undefined, opts: RNNOptions) {
    const { units: _u, activation: _a, recurrentActivation: _ra, useBias: _ub, kernelInitializer: _ki, recurrentInitializer: _ri, biasInitializer: _bi,
      unitForgetBias: _ufb, resetAfter: _rsa, kernelRegularizer: _kr, recurrentRegularizer: _rr, biasRegularizer: _br, activityRegularizer, kernelConstraint: _kc,
      recurrentConstraint: _rc, biasConstraint: _bc, dropout: _d, recurrentDropout: _rd, returnSequences: _rs, returnState: _rst, goBackwards: _gb, stateful,
      unroll: _un, implementation: _im, ...base } = opts;
    super(base);
    this.options = opts;
    this.units = checkNumber(this.op, "units", units ?? opts.units, { min: 1, integer: true });
    if (stateful) throw new ArgumentError(this.op, "stateful RNNs are not supported (pass the states with initialState instead)");
    if (activityRegularizer !== undefined && activityRegularizer !== null) throw new ArgumentError(this.op, "activityRegularizer is not supported");
    this.activation = activations.get(opts.activation === undefined ? "tanh" : opts.activation, this.op);
    this.recurrentActivation = activations.get(opts.recurrentActivation ?? "sigmoid", this.op);
    this.useBias = opts.useBias ?? true;
    this.returnSequences = opts.returnSequences ?? false;
    this.returnState = opts.returnState ?? false;
    this.goBackwards = opts.goBackwards ?? false;
    this.unroll = opts.unroll ?? false;
    this.dropout = checkNumber(this.op, "dropout", opts.dropout ?? 0, { min: 0 });
    this.recurrentDropout = checkNumber(this.op, "recurrentDropout", opts.recurrentDropout ?? 0, { min: 0 });
    if (this.dropout >= 1 || this.recurrentDropout >= 1) throw new ArgumentError(this.op, "dropout and recurrentDropout must be in [0, 1)");
    this.inits = {
      kernel: initializers.get(opts.kernelInitializer ?? "glorot_uniform", this.op),
      recurrent: initializers.get(opts.recurrentInitializer ?? "orthogonal", this.op),
      bias: initializers.get(opts.biasInitializer ?? "zeros", this.op),
    };
    this.regs = { kernel: regularizers.get(opts.kernelRegularizer, this.op), recurrent: regularizers.get(opts.recurrentRegularizer, this.op), bias: regularizers.get(opts.biasRegularizer, this.op) };
    this.cons = { kernel: constraints.get(opts.kernelConstraint, this.op), recurrent: constraints.get(opts.recurrentConstraint, this.op), bias: constraints.get(opts.biasConstraint, this.op) };
  }

  /** Number of state tensors (LSTM: h and c). */
  get stateCount(): number {
    return this.kind === "lstm" ? 2 : 1;
  }

  /** The bias's shape and initial value (LSTM's unit forget bias, GRU's two rows). */
  protected biasSpec(): { shape: number[]; init: initializers.Initializer } {
    return { shape: [GATES[this.kind] * this.units], init: this.inits.bias };
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : (inputShape as Shape);
    if (s.length !== 3) throw new ShapeError(this.op, `expected input [batch, steps, features], got shape ${fmtShape(s)}`);
    const f = s[2];
    if (f === null) throw new ShapeError(this.op, `the features dim must be known, got ${fmtShape(s)}`);
    const G = GATES[this.kind], u = this.units;
    this.addWeight("kernel", [f, G * u], { initializer: this.inits.kernel, regularizer: this.regs.kernel, constraint: this.cons.kernel });
    this.addWeight("recurrent_kernel", [u, G * u], { initializer: this.inits.recurrent, regularizer: this.regs.recurrent, constraint: this.cons.recurrent });
    if (this.useBias) {
      const b = this.biasSpec();
      this.addWeight("bias", b.shape, { initializer: b.init, regularizer: this.regs.bias, constraint: this.cons.bias });
    }
    this.inputSpec = [{ ndim: 3, axes: { [-1]: f } }, { ndim: 2, axes: { [-1]: u } }];
  }

  /** Keras' `layer(x, { initialState })`: the states become extra inputs, so functional graphs trace them. */
  override call(inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs?: StateKw): RnnOutput<R>;
  override call(inputs: Tensor | readonly Tensor[], kwargs?: StateKw): Concrete<RnnOutput<R>>;
  override call(inputs: Args, kwargs?: StateKw): LayerOutput;
  override call(inputs: Args, kwargs: StateKw = {}): LayerOutput {
    const { initialState, ...rest } = kwargs;
    if (initialState) {
      if (Array.isArray(inputs)) throw new ArgumentError(this.op, "give initial states either in the input list or as initialState, not both");
      return super.call([inputs as Tensor, ...(initialState as Tensor[])], rest);
    }
    return super.call(inputs, rest);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const s = Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : (inputShape as Shape);
    const out: Shape = this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    if (!this.returnState) return out;
    return [out, ...Array.from({ length: this.stateCount }, () => [s[0], this.units])];
  }

  forward(inputs: Args, kwargs?: CallOptions): Tensor | Tensor[] {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as Tensor[];
    const [x, ...given] = list;
    if (given.length !== 0 && given.length !== this.stateCount) throw new ArgumentError(this.op, `expected ${this.stateCount} initial state${this.stateCount > 1 ? "s" : ""}, got ${given.length}`);
    const { outputs, states } = this.runSequence(x, given.length ? given : null, this.isTraining(kwargs), this.goBackwards);
    // Keras returns a backwards pass's sequence in processing order.
    const seq = this.goBackwards ? outputs.flip(1) : outputs;
    const out = this.returnSequences ? seq : states[0];
    return this.returnState ? [out, ...states] : out;
  }

  /**
   * Runs the layer over x [N, T, F] from `states` (zeros when null); `reverse` processes the last
   * step first. Outputs stay in input time order (Bidirectional relies on that).
   */
  runSequence(x: Tensor, states: Tensor[] | null, training: boolean, reverse: boolean): SequenceResult {
    if (x.ndim !== 3) throw new ShapeError(this.op, `expected input [batch, steps, features], got [${x.shape}]`);
    const [N, T] = x.shape, u = this.units, dtype = this.kernel.dtype;
    if (T === 0) throw new ShapeError(this.op, "the input has no time steps");
    const init = states ?? Array.from({ length: this.stateCount }, () => ds.zeros([N, u], { dtype }));
    init.forEach((s, i) => {
      if (s.ndim !== 2 || s.shape[0] !== N || s.shape[1] !== u) throw new ShapeError(this.op, `initial state ${i} must be [${N}, ${u}], got [${s.shape}]`);
    });
    let xin = x.dtype === dtype ? x : x.to(dtype);
    if (training && this.dropout > 0) xin = xin.mul(dropoutFn(ds.ones([N, 1, x.shape[2]], { dtype }), this.dropout, true));
    const recMask = training && this.recurrentDropout > 0 ? dropoutFn(ds.ones([N, u], { dtype }), this.recurrentDropout, true) : null;
    const fused = this.fusedMode();
    if (fused && !recMask) return this.runFused(fused, xin, init, reverse);
    return this.runSteps(xin, init, reverse, recMask);
  }

  /** nn's fused recurrence for this layer's settings, or null when only the step-by-step cells apply. */
  protected abstract fusedMode(): RnnMode | null;
  /** The fused run: projections of all steps in one product, then nn.rnn.recurrentSequence. */
  protected abstract runFused(mode: RnnMode, x: Tensor, states: Tensor[], reverse: boolean): SequenceResult;
  /** One step of the cell (Keras' cell.call): new states from the input projection and the states. */
  protected abstract step(xp: Tensor, states: Tensor[], recMask: Tensor | null): Tensor[];

  /** The cells step by step: the reference definition, used for non-default activations. */
  private runSteps(x: Tensor, states: Tensor[], reverse: boolean, recMask: Tensor | null): SequenceResult {
    const T = x.shape[1];
    const xp = this.inputProjection(x);
    const outs: Tensor[] = new Array(T);
    let s = states;
    for (let k = 0; k < T; k++) {
      const t = reverse ? T - 1 - k : k;
      s = this.step(xp.index(":", t), s, recMask);
      outs[t] = s[0];
    }
    return { outputs: ds.stack(outs, 1), states: s };
  }

  /** x·kernel (+ the input bias) for every step: [N, T, G·units]. */
  protected inputProjection(x: Tensor): Tensor {
    return linear(x, this.kernel.transpose(0, 1), this.bias);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activations.serialize(this.activation),
      use_bias: this.useBias,
      kernel_initializer: initializers.serialize(this.inits.kernel),
      recurrent_initializer: initializers.serialize(this.inits.recurrent),
      bias_initializer: initializers.serialize(this.inits.bias),
      kernel_regularizer: this.regs.kernel ? regularizers.serialize(this.regs.kernel) : null,
      recurrent_regularizer: this.regs.recurrent ? regularizers.serialize(this.regs.recurrent) : null,
      bias_regularizer: this.regs.bias ? regularizers.serialize(this.regs.bias) : null,
      activity_regularizer: null,
      kernel_constraint: this.cons.kernel ? constraints.serialize(this.cons.kernel) : null,
      recurrent_constraint: this.cons.recurrent ? constraints.serialize(this.cons.recurrent) : null,
      bias_constraint: this.cons.bias ? constraints.serialize(this.cons.bias) : null,
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
    };
  }

  /** A new layer of the same class and options, with some changed (Bidirectional's directions). */
  abstract cloneWith(overrides: RNNOptions): RNN<R>;
}

/** h' = activation(x·kernel + h·recurrent_kernel + bias) (default tanh). */
export class SimpleRNN<R extends boolean = false> extends RNN<R> {
  static override className = "SimpleRNN";
  constructor(units: number, opts: RNNOptions & { returnState?: R } = {}) {
    layerOptions("SimpleRNN", opts, RNN_OPTIONS.filter((k) => k !== "recurrentActivation" && k !== "unitForgetBias" && k !== "resetAfter"));
    super("rnn", units, opts);
  }
  protected fusedMode(): RnnMode | null {
    return this.activation === activations.ACTIVATIONS.tanh ? "rnn_tanh" : this.activation === activations.ACTIVATIONS.relu ? "rnn_relu" : null;
  }
  protected runFused(mode: RnnMode, x: Tensor, states: Tensor[], reverse: boolean): SequenceResult {
    const r = recurrentSequence({ mode, xp: this.inputProjection(x).transpose(0, 1), h0: states[0], wHh: this.recurrentKernel.transpose(0, 1), reverse });
    return { outputs: r.output.transpose(0, 1), states: [r.h] };
  }
  protected step(xp: Tensor, [h]: Tensor[], recMask: Tensor | null): Tensor[] {
    const hm = recMask ? h.mul(recMask) : h;
    return [this.activation(xp.add(hm.matmul(this.recurrentKernel)))];
  }
  override getConfig(): Config {
    return super.getConfig();
  }
  cloneWith(overrides: RNNOptions): SimpleRNN<R> {
    return new SimpleRNN<R>(this.units, { ...this.options, units: undefined, ...overrides } as RNNOptions & { returnState?: R });
  }
}

/**
 * Long short-term memory (Hochreiter 1997), Keras' gate order i, f, c, o: c' = f∘c + i∘a(c̃),
 * h' = o∘a(c'), gates through recurrentActivation (default sigmoid), a = activation (default tanh).
 * @example new keras.layers.LSTM(64, { returnSequences: true })
 */
export class LSTM<R extends boolean = false> extends RNN<R> {
  static override className = "LSTM";
  readonly unitForgetBias: boolean;
  constructor(units: number, opts: RNNOptions & { returnState?: R } = {}) {
    layerOptions("LSTM", opts, RNN_OPTIONS.filter((k) => k !== "resetAfter"));
    super("lstm", units, opts);
    this.unitForgetBias = opts.unitForgetBias ?? true;
  }
  protected override biasSpec(): { shape: number[]; init: initializers.Initializer } {
    const u = this.units, base = this.inits.bias;
    if (!this.unitForgetBias) return { shape: [4 * u], init: base };
    // Keras: the bias initializer for i, c, o and ones for the forget gate.
    const init = new (class extends initializers.Initializer {
      static override className = base.className;
      make(shape: readonly number[], dtype: "float32" | "float64" = "float32"): Tensor {
        return ds.concat([base.make([u], dtype), ds.ones([u], { dtype }), base.make([2 * u], dtype)]).reshape([...shape]);
      }
      override getConfig(): Config {
        return base.getConfig();
      }
    })();
    return { shape: [4 * u], init };
  }
  protected fusedMode(): RnnMode | null {
    return this.activation === activations.ACTIVATIONS.tanh && this.recurrentActivation === activations.ACTIVATIONS.sigmoid ? "lstm" : null;
  }
  protected runFused(mode: RnnMode, x: Tensor, states: Tensor[], reverse: boolean): SequenceResult {
    // PyTorch's gate order i, f, g, o is Keras' i, f, c, o: the weights need no reordering.
    const r = recurrentSequence({ mode, xp: this.inputProjection(x).transpose(0, 1), h0: states[0], c0: states[1], wHh: this.recurrentKernel.transpose(0, 1), reverse });
    return { outputs: r.output.transpose(0, 1), states: [r.h, r.c!] };
  }
  protected step(xp: Tensor, [h, c]: Tensor[], recMask: Tensor | null): Tensor[] {
    const hm = recMask ? h.mul(recMask) : h;
    const [zi, zf, zc, zo] = xp.add(hm.matmul(this.recurrentKernel)).chunk(4, -1);
    const ra = this.recurrentActivation;
    const c1 = ra(zf).mul(c).add(ra(zi).mul(this.activation(zc)));
    return [ra(zo).mul(this.activation(c1)), c1];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), recurrent_activation: activations.serialize(this.recurrentActivation), unit_forget_bias: this.unitForgetBias };
  }
  cloneWith(overrides: RNNOptions): LSTM<R> {
    return new LSTM<R>(this.units, { ...this.options, units: undefined, ...overrides } as RNNOptions & { returnState?: R });
  }
}

/**
 * Gated recurrent unit (Cho 2014), Keras' gate order z, r, h: h' = z∘h + (1 - z)∘a(h̃). With
 * resetAfter (Keras' default) h̃ = x·W_h + b_h + r∘(h·U_h + b'_h) and the bias is [2, 3·units]
 * (input and recurrent rows), as PyTorch's GRU; without, h̃ = x·W_h + (r∘h)·U_h + b_h.
 */
export class GRU<R extends boolean = false> extends RNN<R> {
  static override className = "GRU";
  readonly resetAfter: boolean;
  constructor(units: number, opts: RNNOptions & { returnState?: R } = {}) {
    layerOptions("GRU", opts, RNN_OPTIONS.filter((k) => k !== "unitForgetBias"));
    super("gru", units, opts);
    this.resetAfter = opts.resetAfter ?? true;
  }
  protected override biasSpec(): { shape: number[]; init: initializers.Initializer } {
    return { shape: this.resetAfter ? [2, 3 * this.units] : [3 * this.units], init: this.inits.bias };
  }
  protected override inputProjection(x: Tensor): Tensor {
    const b = this.bias && this.resetAfter ? this.bias.index(0) : this.bias;
    return linear(x, this.kernel.transpose(0, 1), b);
  }
  protected fusedMode(): RnnMode | null {
    const std = this.activation === activations.ACTIVATIONS.tanh && this.recurrentActivation === activations.ACTIVATIONS.sigmoid;
    return std && this.resetAfter ? "gru" : null;
  }
  protected runFused(mode: RnnMode, x: Tensor, states: Tensor[], reverse: boolean): SequenceResult {
    // nn's GRU takes PyTorch's block order r, z, n; Keras stores z, r, h.
    const u = this.units;
    const rz = (t: Tensor) => ds.concat([t.narrow(-1, u, u), t.narrow(-1, 0, u), t.narrow(-1, 2 * u, u)], -1);
    const xp = rz(this.inputProjection(x)).transpose(0, 1);
    const r = recurrentSequence({ mode, xp, h0: states[0], wHh: rz(this.recurrentKernel).transpose(0, 1), bHh: this.bias ? rz(this.bias.index(1)) : null, reverse });
    return { outputs: r.output.transpose(0, 1), states: [r.h] };
  }
  protected step(xp: Tensor, [h]: Tensor[], recMask: Tensor | null): Tensor[] {
    const u = this.units, ra = this.recurrentActivation;
    const hm = recMask ? h.mul(recMask) : h;
    const [xz, xr, xh] = xp.chunk(3, -1);
    let hh: Tensor, z: Tensor;
    if (this.resetAfter) {
      let rec = hm.matmul(this.recurrentKernel);
      if (this.bias) rec = rec.add(this.bias.index(1));
      const [rz_, rr, rh] = rec.chunk(3, -1);
      z = ra(xz.add(rz_));
      const r = ra(xr.add(rr));
      hh = this.activation(xh.add(r.mul(rh)));
    } else {
      const rk = this.recurrentKernel;
      const rec = hm.matmul(rk.narrow(1, 0, 2 * u));
      const [rz_, rr] = rec.chunk(2, -1);
      z = ra(xz.add(rz_));
      const r = ra(xr.add(rr));
      hh = this.activation(xh.add(r.mul(hm).matmul(rk.narrow(1, 2 * u, u))));
    }
    // Keras 3 uses the (recurrent-dropped) previous state here too.
    return [z.mul(hm).add(ds.sub(1, z).mul(hh))];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), recurrent_activation: activations.serialize(this.recurrentActivation), reset_after: this.resetAfter };
  }
  cloneWith(overrides: RNNOptions): GRU<R> {
    return new GRU<R>(this.units, { ...this.options, units: undefined, ...overrides } as RNNOptions & { returnState?: R });
  }
}

export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

export interface BidirectionalOptions<M extends MergeMode = MergeMode> extends LayerOptions {
  /** How the two directions' outputs combine (default "concat"; null returns both). */
  mergeMode?: M;
}
/** A list when the wrapped layer returns states or mergeMode is null, else one tensor. */
export type BidirectionalOutput<R extends boolean, M extends MergeMode> = R extends true ? SymbolicTensor[] : null extends M ? SymbolicTensor[] : SymbolicTensor;

/**
 * Runs a recurrent layer forwards and a copy backwards over the sequence and merges the outputs
 * (aligned in time). Weights: the forward layer's, then the backward layer's.
 * @example new keras.layers.Bidirectional(new keras.layers.LSTM(32, { returnSequences: true }))
 */
export class Bidirectional<R extends boolean = boolean, M extends MergeMode = "concat"> extends Layer<BidirectionalOutput<R, M>> {
  static override className = "Bidirectional";
  readonly forwardLayer: RNN<R>;
  readonly backwardLayer: RNN<R>;
  readonly mergeMode: MergeMode;
  constructor(layer: RNN<R>, opts: BidirectionalOptions<M> = {}) {
    layerOptions("Bidirectional", opts, ["mergeMode"]);
    const { mergeMode, ...base } = opts;
    super(base);
    if (!(layer instanceof RNN)) throw new ArgumentError(this.op, "wraps a recurrent layer (SimpleRNN, LSTM or GRU)");
    this.mergeMode = mergeMode === undefined ? "concat" : mergeMode;
    if (!["concat", "sum", "mul", "ave", null].includes(this.mergeMode)) throw new ArgumentError(this.op, `mergeMode must be "concat", "sum", "mul", "ave" or null, got ${JSON.stringify(mergeMode)}`);
    // As Keras: two fresh layers from the wrapped one's configuration.
    this.forwardLayer = layer.cloneWith({ name: `forward_${layer.name}` });
    this.backwardLayer = layer.cloneWith({ name: `backward_${layer.name}`, goBackwards: !layer.goBackwards });
    if (layer.batchInputShape && !this.batchInputShape) this.batchInputShape = layer.batchInputShape;
  }
  override build(inputShape: Shape | Shape[]): void {
    this.forwardLayer.maybeBuild(inputShape);
    this.backwardLayer.maybeBuild(inputShape);
  }
  private merge(a: Tensor, b: Tensor): Tensor | Tensor[] {
    switch (this.mergeMode) {
      case "concat": return ds.concat([a, b], -1);
      case "sum": return a.add(b);
      case "mul": return a.mul(b);
      case "ave": return a.add(b).div(2);
      default: return [a, b];
    }
  }
  forward(inputs: Args, kwargs?: CallOptions): Tensor | Tensor[] {
    if (Array.isArray(inputs)) throw new ArgumentError(this.op, "initial states are not supported for Bidirectional");
    const x = inputs as Tensor, training = this.isTraining(kwargs);
    const f = this.forwardLayer, b = this.backwardLayer;
    const fw = f.runSequence(x, null, training, f.goBackwards);
    const bw = b.runSequence(x, null, training, b.goBackwards);
    const pick = (r: SequenceResult) => (f.returnSequences ? r.outputs : r.states[0]);
    const merged = this.merge(pick(fw), pick(bw));
    const out = Array.isArray(merged) ? merged : [merged];
    if (!f.returnState) return out.length === 1 ? out[0] : out;
    return [...out, ...fw.states, ...bw.states];
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const one = this.forwardLayer.computeOutputShape(inputShape);
    const outShape = (this.forwardLayer.returnState ? (one as Shape[])[0] : one) as Shape;
    const merged: Shape[] = this.mergeMode === "concat"
      ? [[...outShape.slice(0, -1), outShape[outShape.length - 1] === null ? null : 2 * (outShape[outShape.length - 1] as number)]]
      : this.mergeMode === null ? [outShape, outShape] : [outShape];
    if (!this.forwardLayer.returnState) return merged.length === 1 ? merged[0] : merged;
    const states = (one as Shape[]).slice(1);
    return [...merged, ...states, ...states];
  }
  override getConfig(): Config {
    const { name: _n, ...inner } = this.forwardLayer.getConfig();
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: { module: "keras.layers", class_name: this.forwardLayer.className, config: { ...inner, name: this.forwardLayer.name.replace(/^forward_/, "") } as Json, registered_name: null },
    };
  }
}
