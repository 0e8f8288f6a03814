// nn.RNN, nn.LSTM, nn.GRU and the cells nn.RNNCell, nn.LSTMCell, nn.GRUCell with PyTorch's
// parameters (weight_ih_l{k}[_reverse], weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}), gate order,
// initialisation U(±1/√hidden), options and shapes; variable-length batches through `lengths`.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../../core/errors.js";
import { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { uniform_ } from "../init.js";
import { dropout as dropoutFn, linear } from "../functional.js";
import { GATES, gruCell, lstmCell, recurrentSequence, rnnCell, type RnnMode } from "../rnn.js";
import { empty } from "./util.js";
import { checkBoolean, checkNumber, checkOptions, optionNames } from "../../core/options.js";

export interface RNNOptions {
  /** Stacked layers (default 1); layer k > 0 reads the outputs of layer k - 1. */
  numLayers?: number;
  /** RNN only: "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
  /** Biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [batch, time, features] instead of [time, batch, features]. */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training (default 0). */
  dropout?: number;
  /** A second set of layers reads the sequence backwards; outputs are concatenated (default false). */
  bidirectional?: boolean;
}

/** Options of nn.LSTM and nn.GRU: RNN's, without nonlinearity. */
export type GatedRNNOptions = Omit<RNNOptions, "nonlinearity">;
const RNN_OPTIONS = optionNames<RNNOptions>({ numLayers: true, nonlinearity: true, bias: true, batchFirst: true, dropout: true, bidirectional: true });
const GATED_RNN_OPTIONS = optionNames<GatedRNNOptions>({ numLayers: true, bias: true, batchFirst: true, dropout: true, bidirectional: true });

/** Options of nn.RNNCell (nn.LSTMCell and nn.GRUCell take only bias). */
export interface RNNCellOptions {
  /** Biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}
const RNN_CELL_OPTIONS = optionNames<RNNCellOptions>({ bias: true, nonlinearity: true });
const GATED_CELL_OPTIONS = optionNames<{ bias?: boolean }>({ bias: true });

/** Input and hidden sizes of a recurrent layer or cell: positive integers, named in the error. */
function checkSizes(op: string, inputSize: number, hiddenSize: number): void {
  checkNumber(op, "inputSize", inputSize, { min: 1, integer: true });
  checkNumber(op, "hiddenSize", hiddenSize, { min: 1, integer: true });
}

export interface RecurrentForwardOptions {
  /**
   * Valid length of each sequence of the batch (numbers or an int32 tensor [batch]), each in
   * 1..time: PyTorch's packed sequences. Outputs past a sequence's end are zero and its final
   * state is that of its last step, as if it were run alone.
   */
  lengths?: readonly number[] | Tensor | null;
}
const RECURRENT_FORWARD_OPTIONS = optionNames<RecurrentForwardOptions>({ lengths: true });

/** A per-layer, per-direction parameter name suffix: "l0", "l1_reverse", … (camelCase: L0, L1Reverse). */
const suffix = (layer: number, dir: number) => `L${layer}${dir ? "Reverse" : ""}`;

abstract class RNNBase<Hx, HOut> extends Module<[Tensor, (Hx | null)?, RecurrentForwardOptions?], [Tensor, HOut]> {
  /** PyTorch's weight_ih_l0, weight_hh_l1_reverse, …: weightIhL0, weightHhL1Reverse, … */
  [weight: `weight${"Ih" | "Hh"}L${number}${"" | "Reverse"}`]: Parameter;
  /** PyTorch's bias_ih_l0, …: biasIhL0, … (absent with bias: false). */
  [bias: `bias${"Ih" | "Hh"}L${number}${"" | "Reverse"}`]: Parameter | undefined;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;

  constructor(readonly mode: RnnMode, readonly inputSize: number, readonly hiddenSize: number, opts: RNNOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, opts, mode === "lstm" || mode === "gru" ? GATED_RNN_OPTIONS : RNN_OPTIONS);
    checkSizes(op, inputSize, hiddenSize);
    this.numLayers = opts.numLayers ?? 1;
    this.bias = checkBoolean(op, "bias", opts.bias ?? true);
    this.batchFirst = checkBoolean(op, "batchFirst", opts.batchFirst ?? false);
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = checkBoolean(op, "bidirectional", opts.bidirectional ?? false);
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) throw new ArgumentError(op, `numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new ArgumentError(op, `dropout must be in [0, 1], got ${this.dropout}`);
    const G = GATES[mode], H = hiddenSize, D = this.numDirections;
    const k = 1 / Math.sqrt(hiddenSize);
    const rec = this as unknown as Record<string, Parameter>;
    // Registration order is PyTorch's: per layer, per direction, w_ih, w_hh, b_ih, b_hh.
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const s = suffix(l, d);
        const inp = l === 0 ? inputSize : H * D;
        rec[`weightIh${s}`] = new Parameter(empty(op, [G * H, inp]));
        rec[`weightHh${s}`] = new Parameter(empty(op, [G * H, H]));
        if (this.bias) {
          rec[`biasIh${s}`] = new Parameter(empty(op, [G * H]));
          rec[`biasHh${s}`] = new Parameter(empty(op, [G * H]));
        }
      }
    }
    for (const p of this.parameters()) uniform_(p, -k, k);
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters of one layer and direction: [weight_ih, weight_hh, bias_ih | null, bias_hh | null]. */
  layerWeights(layer: number, direction = 0): [Parameter, Parameter, Parameter | null, Parameter | null] {
    const rec = this as unknown as Record<string, Parameter | undefined>;
    const s = suffix(layer, direction);
    return [rec[`weightIh${s}`]!, rec[`weightHh${s}`]!, rec[`biasIh${s}`] ?? null, rec[`biasHh${s}`] ?? null];
  }

  /** Runs the stack over x [T, B, I] (time-major, batched); states [L·D, B, H]. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null, opts: RecurrentForwardOptions): { output: Tensor; h: Tensor; c: Tensor | null } {
    const op = this.constructor.name;
    checkOptions(`${op}.forward`, opts, RECURRENT_FORWARD_OPTIONS);
    if (input.dtype !== "float32" && input.dtype !== "float64") throw new DTypeError(op, `input must be float32 or float64, got ${input.dtype}`);
    const batched = input.ndim === 3;
    let x = !batched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const [T, B] = x.shape;
    const H = this.hiddenSize, D = this.numDirections, L = this.numLayers;
    const dtype = this.layerWeights(0)[0].dtype as "float32" | "float64";
    if (x.dtype !== dtype) throw new DTypeError(op, `input is ${x.dtype} but the parameters are ${dtype}; cast one with .to()`);
    const mask = this.lengthMask(opts.lengths ?? null, T, B, batched, dtype);
    const zeros = () => ds.zeros([L * D, B, H], { dtype });
    const h0b = h0 ? (batched ? h0 : h0.unsqueeze(1)) : zeros();
    const c0b = this.mode === "lstm" ? (c0 ? (batched ? c0 : c0.unsqueeze(1)) : zeros()) : null;
    const hs: Tensor[] = [], cs: Tensor[] = [];
    for (let l = 0; l < L; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const [wIh, wHh, bIh, bHh] = this.layerWeights(l, d);
        const gru = this.mode === "gru";
        let xp = linear(x, wIh, bIh);
        if (bHh && !gru) xp = xp.add(bHh);
        const idx = l * D + d;
        const r = recurrentSequence({
          mode: this.mode, xp, h0: h0b.index(idx), c0: c0b ? c0b.index(idx) : null, wHh, bHh: gru ? bHh : null, mask, reverse: d === 1,
        });
        outs.push(r.output);
        hs.push(r.h);
        if (r.c) cs.push(r.c);
      }
      x = D === 1 ? outs[0] : ds.concat(outs, 2);
      if (l < L - 1 && this.dropout > 0) x = dropoutFn(x, this.dropout, this.training);
    }
    let output = x, h = ds.stack(hs, 0), c = cs.length ? ds.stack(cs, 0) : null;
    if (!batched) {
      output = output.squeeze(1);
      h = h.squeeze(1);
      c = c ? c.squeeze(1) : null;
    } else if (this.batchFirst) output = output.transpose(0, 1);
    return { output, h, c };
  }

  /** Checks input and state shapes up front (PyTorch's check_forward_args), with clear messages. */
  protected checkShapes(input: Tensor, states: [string, Tensor | null][]): void {
    const op = this.constructor.name;
    if (!(input instanceof Tensor)) throw new ArgumentError(op, `input must be a Tensor, got ${typeof input}`);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(op, `expected input of 2 (unbatched [time, features]) or 3 dims (${this.batchFirst ? "[batch, time, features]" : "[time, batch, features]"}), got ${fmtShape(input.shape)}`);
    }
    if (input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(op, `input.size(-1) must be equal to inputSize: expected ${this.inputSize}, got ${input.shape[input.ndim - 1]} (input ${fmtShape(input.shape)})`);
    }
    const batched = input.ndim === 3;
    const B = batched ? input.shape[this.batchFirst ? 0 : 1] : 0;
    if (batched && (B === 0 || input.shape[this.batchFirst ? 1 : 0] === 0)) throw new ShapeError(op, `input has an empty batch or time dim: ${fmtShape(input.shape)}`);
    if (!batched && input.shape[0] === 0) throw new ShapeError(op, `input has no time steps: ${fmtShape(input.shape)}`);
    const LD = this.numLayers * this.numDirections;
    const want = batched ? [LD, B, this.hiddenSize] : [LD, this.hiddenSize];
    for (const [name, s] of states) {
      if (s === null) continue;
      if (!(s instanceof Tensor)) throw new ArgumentError(op, `${name} must be a Tensor, got ${typeof s}`);
      if (fmtShape(s.shape) !== fmtShape(want)) {
        throw new ShapeError(op, `expected ${name} of shape ${fmtShape(want)} ([numLayers·numDirections, ${batched ? "batch, " : ""}hiddenSize]), got ${fmtShape(s.shape)}`);
      }
      if (s.dtype !== input.dtype) throw new DTypeError(op, `${name} is ${s.dtype} but the input is ${input.dtype}`);
    }
  }

  /** [T, B, 1] of 0/1, or null when every sequence fills all T steps. */
  private lengthMask(lengths: readonly number[] | Tensor | null, T: number, B: number, batched: boolean, dtype: "float32" | "float64"): Tensor | null {
    if (lengths === null) return null;
    const op = this.constructor.name;
    const lens = lengths instanceof Tensor ? Array.from(lengths.dataSync()) : [...lengths];
    if (lengths instanceof Tensor && (lengths.ndim !== 1 || lengths.dtype === "bool")) throw new ShapeError(op, `lengths must be a 1-d integer tensor, got ${lengths.dtype} ${fmtShape(lengths.shape)}`);
    if (lens.length !== B) throw new ShapeError(op, `lengths has ${lens.length} entries but the batch has ${B} sequence${B === 1 ? "" : "s"}${batched ? "" : " (unbatched input)"}`);
    for (const [b, n] of lens.entries()) {
      if (!Number.isInteger(n) || n < 1) throw new ArgumentError(op, `lengths[${b}] = ${n}: every length must be an integer ≥ 1`);
      if (n > T) throw new ArgumentError(op, `lengths[${b}] = ${n} is longer than the sequence (${T} steps)`);
    }
    if (lens.every((n) => n === T)) return null;
    const m = new Float64Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = t < lens[b] ? 1 : 0;
    return ds.tensor(m, { dtype }).reshape([T, B, 1]);
  }

  protected override extraRepr(): string {
    const extra = [
      this.numLayers !== 1 && `numLayers=${this.numLayers}`, !this.bias && "bias=false", this.batchFirst && "batchFirst=true",
      this.dropout && `dropout=${this.dropout}`, this.bidirectional && "bidirectional=true",
    ].filter(Boolean);
    return [`${this.inputSize}, ${this.hiddenSize}`, ...extra].join(", ");
  }
}

/**
 * Elman RNN, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh) (or relu), PyTorch's nn.RNN.
 * forward(input, h0?, { lengths }) → [output, hN]: output [T, B, D·H] (batchFirst: [B, T, D·H]),
 * hN [numLayers·D, B, H].
 * @example
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.call(ds.randn([5, 3, 10]));
 */
export class RNN extends RNNBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ArgumentError("RNN", `nonlinearity must be "tanh" or "relu", got ${JSON.stringify(nl)}`);
    super(nl === "tanh" ? "rnn_tanh" : "rnn_relu", inputSize, hiddenSize, opts);
    this.nonlinearity = nl;
  }
  forward(input: Tensor, h0: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    this.checkShapes(input, [["h0", h0]]);
    const r = this.run(input, h0, null, opts);
    return [r.output, r.h];
  }
  protected override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }
}

/**
 * Long short-term memory (gate order i, f, g, o), PyTorch's nn.LSTM.
 * forward(input, [h0, c0]?, { lengths }) → [output, [hN, cN]].
 * @example
 * const lstm = new nn.LSTM(8, 32, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.call(x);            // x [batch, time, 8]
 * const [out2, state] = lstm.call(x2, [hN.detach(), cN.detach()]); // truncated BPTT
 */
export class LSTM extends RNNBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: GatedRNNOptions = {}) {
    super("lstm", inputSize, hiddenSize, opts);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null, opts: RecurrentForwardOptions = {}): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError("LSTM", "the initial state must be a pair [h0, c0]");
    this.checkShapes(input, [["h0", hx?.[0] ?? null], ["c0", hx?.[1] ?? null]]);
    const r = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null, opts);
    return [r.output, [r.h, r.c!]];
  }
}

/**
 * Gated recurrent unit (gate order r, z, n), PyTorch's nn.GRU.
 * forward(input, h0?, { lengths }) → [output, hN].
 */
export class GRU extends RNNBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: GatedRNNOptions = {}) {
    super("gru", inputSize, hiddenSize, opts);
  }
  forward(input: Tensor, h0: Tensor | null = null, opts: RecurrentForwardOptions = {}): [Tensor, Tensor] {
    this.checkShapes(input, [["h0", h0]]);
    const r = this.run(input, h0, null, opts);
    return [r.output, r.h];
  }
}

// ---- cells ------------------------------------------------------------------------------------

abstract class CellBase<Hx, HOut> extends Module<[Tensor, (Hx | null)?], HOut> {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null = null;
  biasHh: Parameter | null = null;
  readonly bias: boolean;
  constructor(gates: number, readonly inputSize: number, readonly hiddenSize: number, opts: { bias?: boolean }, allowed: readonly string[]) {
    super();
    const op = this.constructor.name;
    checkOptions(op, opts, allowed);
    checkSizes(op, inputSize, hiddenSize);
    this.bias = checkBoolean(op, "bias", opts.bias ?? true);
    this.weightIh = new Parameter(empty(op, [gates * hiddenSize, inputSize]));
    this.weightHh = new Parameter(empty(op, [gates * hiddenSize, hiddenSize]));
    if (this.bias) {
      this.biasIh = new Parameter(empty(op, [gates * hiddenSize]));
      this.biasHh = new Parameter(empty(op, [gates * hiddenSize]));
    }
    const k = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -k, k);
  }

  /** Checks x [B, I] or [I] and states [B, H] or [H]; returns whether x is batched. */
  protected check(x: Tensor, states: [string, Tensor | null][]): boolean {
    const op = this.constructor.name;
    if (x.ndim !== 1 && x.ndim !== 2) throw new ShapeError(op, `expected input [batch, inputSize] or [inputSize], got ${fmtShape(x.shape)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize) throw new ShapeError(op, `input has ${x.shape[x.ndim - 1]} features, expected inputSize ${this.inputSize} (input ${fmtShape(x.shape)})`);
    const want = x.ndim === 2 ? [x.shape[0], this.hiddenSize] : [this.hiddenSize];
    for (const [name, s] of states) {
      if (s && fmtShape(s.shape) !== fmtShape(want)) throw new ShapeError(op, `expected ${name} of shape ${fmtShape(want)}, got ${fmtShape(s.shape)}`);
    }
    return x.ndim === 2;
  }

  protected zeroState(x: Tensor): Tensor {
    return ds.zeros(x.ndim === 2 ? [x.shape[0], this.hiddenSize] : [this.hiddenSize], { dtype: x.dtype });
  }

  protected override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=false"}`;
  }
}

/** One Elman RNN step, PyTorch's nn.RNNCell: forward(x [B, I], h? [B, H]) → h' [B, H]. */
export class RNNCell extends CellBase<Tensor, Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(1, inputSize, hiddenSize, opts, RNN_CELL_OPTIONS);
    const nl = opts.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new ArgumentError("RNNCell", `nonlinearity must be "tanh" or "relu", got ${JSON.stringify(nl)}`);
    this.nonlinearity = nl;
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor {
    this.check(x, [["hx", h]]);
    return rnnCell(x, h ?? this.zeroState(x), this.weightIh, this.weightHh, this.biasIh, this.biasHh, this.nonlinearity);
  }
  protected override extraRepr(): string {
    return super.extraRepr() + (this.nonlinearity === "relu" ? ", nonlinearity=relu" : "");
  }
}

/** One LSTM step, PyTorch's nn.LSTMCell: forward(x, [h, c]?) → [h', c']. */
export class LSTMCell extends CellBase<[Tensor, Tensor], [Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean } = {}) {
    super(4, inputSize, hiddenSize, opts, GATED_CELL_OPTIONS);
  }
  forward(x: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    if (hx !== null && (!Array.isArray(hx) || hx.length !== 2)) throw new ArgumentError("LSTMCell", "the state must be a pair [h, c]");
    this.check(x, [["h", hx?.[0] ?? null], ["c", hx?.[1] ?? null]]);
    return lstmCell(x, hx?.[0] ?? this.zeroState(x), hx?.[1] ?? this.zeroState(x), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}

/** One GRU step, PyTorch's nn.GRUCell: forward(x, h?) → h'. */
export class GRUCell extends CellBase<Tensor, Tensor> {
  constructor(inputSize: number, hiddenSize: number, opts: { bias?: boolean } = {}) {
    super(3, inputSize, hiddenSize, opts, GATED_CELL_OPTIONS);
  }
  forward(x: Tensor, h: Tensor | null = null): Tensor {
    this.check(x, [["hx", h]]);
    return gruCell(x, h ?? this.zeroState(x), this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}
