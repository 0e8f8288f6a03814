// Model architecture as JSON: for each built-in layer, how to read its configuration from the
// instance's public fields, how to read a saved configuration back (types and values checked),
// which tensors that configuration gives the layer — computed without constructing it, so io.load
// compares a file's architecture with its tensors before allocating anything — and how to
// construct it. Sequential and ModuleList nest.
// A new built-in layer needs an entry here (test/io.test.ts checks that every nn layer has one,
// and test/architecture.test.ts that its tensors match the constructed layer's state dict).
// Classes are matched by identity, not by name, so a user's subclass (or a user class that
// happens to be called "Linear") is never mistaken for a built-in layer.
import { ArgumentError, DeepScriptError } from "../core/errors.js";
import { brief } from "../core/describe.js";
import { checkNumber } from "../core/options.js";
import { Module } from "./module.js";
import { ConfigReader } from "./config_reader.js";
import { checkConv, checkConvTranspose, checkOutputSize, checkPool, checkUpsample } from "./layers/checks.js";
import * as nn from "./index.js";

type AnyModule = Module<never[], unknown>;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Config = Record<string, Json>;

/** One layer of a saved architecture: its class, its constructor configuration, its children. */
export interface LayerSpec {
  class: string;
  config?: Config;
  children?: LayerSpec[];
}

/** Limits on a saved architecture, checked while it is read, before any layer is constructed. */
export interface ArchitectureLimits {
  /** Most layers in all, containers included (default 100,000). */
  maxLayers?: number;
  /** Deepest nesting of containers (default 64). */
  maxDepth?: number;
}

/** The defaults of ArchitectureLimits. */
export const ARCHITECTURE_LIMITS: Required<ArchitectureLimits> = { maxLayers: 100_000, maxDepth: 64 };

/** How tensors are compared between a file and a model: float of any width, int32, bool. */
export type TensorKind = "float" | "int32" | "bool";

/** A state dict's tensors by name: shape and kind (no data). */
export type TensorTable = Map<string, { shape: number[]; kind: TensorKind }>;

/** Collects the tensors a layer will have, under a dotted prefix; stops past a budget (the file's tensor count). */
export class TensorSink {
  constructor(readonly table: TensorTable, private readonly budget: { left: number }, private readonly prefix = "") {}
  param(name: string, shape: number[]): void {
    this.add(name, shape, "float");
  }
  buffer(name: string, shape: number[], kind: TensorKind = "float"): void {
    this.add(name, shape, kind);
  }
  /** The sink for a child module's tensors ("0.", "self_attn.", …). */
  child(name: string | number): TensorSink {
    return new TensorSink(this.table, this.budget, `${this.prefix}${name}.`);
  }
  private add(name: string, shape: number[], kind: TensorKind): void {
    if (--this.budget.left < 0) throw new OverBudget();
    this.table.set(this.prefix + name, { shape, kind });
  }
}
class OverBudget extends Error {}

interface Entry<M = AnyModule, A = unknown> {
  cls: abstract new (...args: never[]) => M;
  /** The configuration, from the instance's public fields. */
  config(m: M): Config;
  /** A saved configuration read back into constructor arguments, every type and value checked (nothing allocated). */
  read(c: ConfigReader): A;
  /** The parameters and buffers those arguments give the layer, in state-dict naming (nothing allocated). */
  tensors(a: A, t: TensorSink, children: Plan[]): void;
  build(a: A, children: AnyModule[]): M;
  /** Children are rebuilt from `children` (containers). */
  container?: boolean;
}

/** A saved architecture, read and checked: what to construct, with which arguments. */
export interface Plan {
  entry: Entry;
  args: unknown;
  children: Plan[];
  /** The layer and its path, for messages: `Linear at "0.1"`. */
  where: string;
}

function entry<M, A>(cls: abstract new (...args: never[]) => M, e: Omit<Entry<M, A>, "cls">): [string, Entry] {
  return [cls.name, { cls, ...e } as unknown as Entry];
}

// A JSON copy (drops undefined fields), so the saved config never aliases the layer's objects.
const json = (v: unknown): Json => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json));
const plain = (o: object): Config => json(o) as Config;
// Options objects for constructors: only the fields that were given.
const given = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const pairOf = (v: number | [number, number]): [number, number] => (typeof v === "number" ? [v, v] : v);

const noTensors = () => {};
const stateless = <M>(cls: abstract new (...args: never[]) => M, make: () => M) =>
  entry(cls, { config: () => ({}), read: () => null, tensors: noTensors, build: make });

function linearTensors(t: TensorSink, inF: number, outF: number, bias = true): void {
  t.param("weight", [outF, inF]);
  if (bias) t.param("bias", [outF]);
}

// ---- convolutions and pooling -----------------------------------------------------------------

interface ConvArgs { inC: number; outC: number; k: number | [number, number]; opts: nn.ConvOptions<number | [number, number]> }
function readConv(c: ConfigReader, layer: "Conv1d" | "Conv2d"): ConvArgs {
  const inC = c.int("inChannels", 1), outC = c.int("outChannels", 1), k = layer === "Conv1d" ? c.int("kernelSize", 1) : pairOf(c.pair("kernelSize", 1));
  const o = c.sub("opts");
  const opts = given({ stride: o.raw("stride"), padding: o.raw("padding"), dilation: o.raw("dilation"), groups: o.raw("groups"), bias: o.optBool("bias") });
  o.end();
  checkConv(layer, layer === "Conv1d" ? 1 : 2, inC, outC, k, opts);
  return { inC, outC, k, opts: opts as ConvArgs["opts"] };
}
function convTensors(a: ConvArgs, t: TensorSink): void {
  const k = typeof a.k === "number" ? [a.k] : a.k;
  t.param("weight", [a.outC, a.inC / (a.opts.groups ?? 1), ...k]);
  if (a.opts.bias ?? true) t.param("bias", [a.outC]);
}
const convConfig = (m: { inChannels: number; outChannels: number; kernelSize: number | [number, number]; opts: object }): Config =>
  ({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, opts: plain(m.opts) });

function readPool(c: ConfigReader, layer: "MaxPool2d" | "AvgPool2d") {
  const kernelSize = c.pair("kernelSize", 1);
  const o = c.sub("opts");
  const opts = layer === "MaxPool2d"
    ? given({ stride: o.raw("stride"), padding: o.raw("padding"), dilation: o.raw("dilation"), ceilMode: o.optBool("ceilMode") })
    : given({ stride: o.raw("stride"), padding: o.raw("padding"), ceilMode: o.optBool("ceilMode"), countIncludePad: o.optBool("countIncludePad") });
  o.end();
  checkPool(layer, kernelSize, opts);
  return { kernelSize, opts: opts as nn.functional.AvgPool2dOptions & nn.functional.Pool2dOptions };
}

// ---- normalisation ---------------------------------------------------------------------------

function readBatchNorm(c: ConfigReader) {
  return {
    n: c.int("numFeatures", 0),
    opts: { eps: c.num("eps"), momentum: c.numOrNull("momentum"), affine: c.bool("affine"), trackRunningStats: c.bool("trackRunningStats") },
  };
}
function batchNormTensors(a: ReturnType<typeof readBatchNorm>, t: TensorSink): void {
  if (a.opts.affine) {
    t.param("weight", [a.n]);
    t.param("bias", [a.n]);
  }
  if (a.opts.trackRunningStats) {
    t.buffer("running_mean", [a.n]);
    t.buffer("running_var", [a.n]);
    t.buffer("num_batches_tracked", [], "int32");
  }
}
function batchNormConfig(m: nn.BatchNorm1d | nn.BatchNorm2d): Config {
  return { numFeatures: m.numFeatures, eps: m.eps, momentum: m.momentum, affine: m.weight !== null, trackRunningStats: m.runningMean !== null };
}

type LayerNormArgs = { shape: number[]; opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean } };
function readLayerNorm(c: ConfigReader): LayerNormArgs {
  const shape = c.intList("normalizedShape", 0);
  const o = c.sub("opts");
  const eps = o.raw("eps") === undefined ? undefined : o.num("eps");
  const opts = given({ eps, elementwiseAffine: o.optBool("elementwiseAffine"), bias: o.optBool("bias") });
  o.end();
  return { shape, opts };
}
function layerNormTensors(a: LayerNormArgs, t: TensorSink): void {
  if (!(a.opts.elementwiseAffine ?? true)) return;
  t.param("weight", a.shape);
  if (a.opts.bias ?? true) t.param("bias", a.shape);
}
const layerNormConfig = (m: nn.LayerNorm): Config => ({ normalizedShape: [...m.normalizedShape], opts: plain(m.opts) });

// ---- attention and transformers ----------------------------------------------------------------

type MhaArgs = { E: number; H: number; opts: Required<Omit<nn.MultiheadAttentionOptions, "kdim" | "vdim">> & { kdim: number; vdim: number } };
function mhaTensors(a: MhaArgs, t: TensorSink): void {
  const { E, opts } = a;
  if (opts.kdim === E && opts.vdim === E) t.param("in_proj_weight", [3 * E, E]);
  else {
    t.param("q_proj_weight", [E, E]);
    t.param("k_proj_weight", [E, opts.kdim]);
    t.param("v_proj_weight", [E, opts.vdim]);
  }
  if (opts.bias) t.param("in_proj_bias", [3 * E]);
  if (opts.addBiasKv) {
    t.param("bias_k", [1, 1, E]);
    t.param("bias_v", [1, 1, E]);
  }
  linearTensors(t.child("out_proj"), E, E, opts.bias);
}

type EncoderLayerArgs = { d: number; nhead: number; opts: Required<nn.TransformerEncoderLayerOptions> };
function readEncoderLayer(c: ConfigReader): EncoderLayerArgs {
  const d = c.int("dModel", 1), nhead = c.int("nhead", 1);
  const o = c.sub("opts");
  const opts = {
    dimFeedforward: o.int("dimFeedforward", 1), dropout: o.num("dropout"), activation: o.oneOf("activation", ["relu", "gelu"] as const),
    layerNormEps: o.num("layerNormEps"), batchFirst: o.bool("batchFirst"), normFirst: o.bool("normFirst"),
  };
  o.end();
  return { d, nhead, opts };
}
function encoderLayerTensors(a: EncoderLayerArgs, t: TensorSink): void {
  const { d } = a, ff = a.opts.dimFeedforward;
  mhaTensors({ E: d, H: a.nhead, opts: { dropout: 0, bias: true, addBiasKv: false, addZeroAttn: false, batchFirst: false, kdim: d, vdim: d } }, t.child("self_attn"));
  linearTensors(t.child("linear1"), d, ff);
  linearTensors(t.child("linear2"), ff, d);
  for (const norm of ["norm1", "norm2"]) layerNormTensors({ shape: [d], opts: {} }, t.child(norm));
}
const encoderLayerConfig = (m: nn.TransformerEncoderLayer): Config => ({ dModel: m.dModel, nhead: m.nhead, opts: plain(m.opts) });
const encoderLayer = (a: EncoderLayerArgs) => new nn.TransformerEncoderLayer(a.d, a.nhead, a.opts);

// ---- recurrent ---------------------------------------------------------------------------------

const GATES = { RNN: 1, LSTM: 4, GRU: 3, RNNCell: 1, LSTMCell: 4, GRUCell: 3 } as const;
type RecurrentArgs = { I: number; H: number; opts: Required<Omit<nn.RNNOptions, "nonlinearity">> & Pick<nn.RNNOptions, "nonlinearity"> };
function recurrentTensors(G: number, a: RecurrentArgs, t: TensorSink): void {
  const { I, H } = a, D = a.opts.bidirectional ? 2 : 1;
  // Each pass emits at least two tensors, so a huge numLayers runs into the sink's budget.
  for (let l = 0; l < a.opts.numLayers; l++) {
    for (let d = 0; d < D; d++) {
      const s = `_l${l}${d ? "_reverse" : ""}`;
      t.param(`weight_ih${s}`, [G * H, l === 0 ? I : H * D]);
      t.param(`weight_hh${s}`, [G * H, H]);
      if (a.opts.bias) {
        t.param(`bias_ih${s}`, [G * H]);
        t.param(`bias_hh${s}`, [G * H]);
      }
    }
  }
}
function cellTensors(G: number, a: { I: number; H: number; bias: boolean }, t: TensorSink): void {
  t.param("weight_ih", [G * a.H, a.I]);
  t.param("weight_hh", [G * a.H, a.H]);
  if (a.bias) {
    t.param("bias_ih", [G * a.H]);
    t.param("bias_hh", [G * a.H]);
  }
}

const TABLE = new Map<string, Entry>([
  entry(nn.Linear, {
    config: (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null }),
    read: (c) => ({ inF: c.int("inFeatures", 1), outF: c.int("outFeatures", 1), bias: c.bool("bias") }),
    tensors: (a, t) => linearTensors(t, a.inF, a.outF, a.bias),
    build: (a) => new nn.Linear(a.inF, a.outF, { bias: a.bias }),
  }),
  stateless(nn.Identity, () => new nn.Identity()),
  entry(nn.Conv1d, { config: convConfig, read: (c) => readConv(c, "Conv1d"), tensors: convTensors, build: (a) => new nn.Conv1d(a.inC, a.outC, a.k as number, a.opts as nn.ConvOptions<number>) }),
  entry(nn.Conv2d, { config: convConfig, read: (c) => readConv(c, "Conv2d"), tensors: convTensors, build: (a) => new nn.Conv2d(a.inC, a.outC, a.k, a.opts) }),
  entry(nn.ConvTranspose2d, {
    config: convConfig,
    read: (c) => {
      const inC = c.int("inChannels", 1), outC = c.int("outChannels", 1), k = c.pair("kernelSize", 1);
      const o = c.sub("opts");
      const opts = given({
        stride: o.raw("stride"), padding: o.raw("padding"), outputPadding: o.raw("outputPadding"), groups: o.raw("groups"),
        bias: o.optBool("bias"), dilation: o.raw("dilation"),
      });
      o.end();
      checkConvTranspose("ConvTranspose2d", inC, outC, k, opts);
      return { inC, outC, k, opts: opts as nn.ConvTranspose2dLayerOptions };
    },
    tensors: (a, t) => {
      t.param("weight", [a.inC, a.outC / (a.opts.groups ?? 1), ...pairOf(a.k)]);
      if (a.opts.bias ?? true) t.param("bias", [a.outC]);
    },
    build: (a) => new nn.ConvTranspose2d(a.inC, a.outC, a.k, a.opts),
  }),
  entry(nn.Upsample, {
    config: (m) => ({ opts: plain(m.opts) }),
    read: (c) => {
      const o = c.sub("opts");
      const opts = given({ size: o.raw("size"), scaleFactor: o.raw("scaleFactor"), mode: o.raw("mode"), alignCorners: o.raw("alignCorners") });
      o.end();
      checkUpsample("Upsample", opts);
      return opts as nn.UpsampleOptions;
    },
    tensors: noTensors,
    build: (a) => new nn.Upsample(a),
  }),
  entry(nn.Unflatten, {
    config: (m) => ({ dim: m.dim, sizes: [...m.sizes] }),
    read: (c) => ({ dim: c.int("dim"), sizes: c.intList("sizes", -1) }),
    tensors: noTensors,
    build: (a) => new nn.Unflatten(a.dim, a.sizes),
  }),
  entry(nn.MaxPool2d, {
    config: (m) => ({ kernelSize: json(m.kernelSize), opts: plain(m.opts) }),
    read: (c) => readPool(c, "MaxPool2d"), tensors: noTensors, build: (a) => new nn.MaxPool2d(a.kernelSize, a.opts),
  }),
  entry(nn.AvgPool2d, {
    config: (m) => ({ kernelSize: json(m.kernelSize), opts: plain(m.opts) }),
    read: (c) => readPool(c, "AvgPool2d"), tensors: noTensors, build: (a) => new nn.AvgPool2d(a.kernelSize, a.opts),
  }),
  entry(nn.AdaptiveAvgPool2d, {
    config: (m) => ({ outputSize: json(m.outputSize) }),
    read: (c) => {
      const size = c.raw("outputSize");
      checkOutputSize("AdaptiveAvgPool2d", size);
      return size as number | [number | null, number | null];
    },
    tensors: noTensors,
    build: (a) => new nn.AdaptiveAvgPool2d(a),
  }),
  entry(nn.BatchNorm1d, { config: batchNormConfig, read: readBatchNorm, tensors: batchNormTensors, build: (a) => new nn.BatchNorm1d(a.n, a.opts) }),
  entry(nn.BatchNorm2d, { config: batchNormConfig, read: readBatchNorm, tensors: batchNormTensors, build: (a) => new nn.BatchNorm2d(a.n, a.opts) }),
  entry(nn.LayerNorm, { config: layerNormConfig, read: readLayerNorm, tensors: layerNormTensors, build: (a) => new nn.LayerNorm(a.shape, a.opts) }),
  stateless(nn.ReLU, () => new nn.ReLU()),
  entry(nn.LeakyReLU, { config: (m) => ({ negativeSlope: m.negativeSlope }), read: (c) => c.num("negativeSlope"), tensors: noTensors, build: (a) => new nn.LeakyReLU(a) }),
  entry(nn.GELU, { config: (m) => ({ approximate: m.approximate }), read: (c) => c.oneOf("approximate", ["none", "tanh"] as const), tensors: noTensors, build: (a) => new nn.GELU(a) }),
  entry(nn.ELU, { config: (m) => ({ alpha: m.alpha }), read: (c) => c.num("alpha"), tensors: noTensors, build: (a) => new nn.ELU(a) }),
  entry(nn.Softplus, {
    config: (m) => ({ beta: m.beta, threshold: m.threshold }), read: (c) => [c.num("beta"), c.num("threshold")] as const,
    tensors: noTensors, build: ([beta, threshold]) => new nn.Softplus(beta, threshold),
  }),
  stateless(nn.Tanh, () => new nn.Tanh()),
  stateless(nn.Sigmoid, () => new nn.Sigmoid()),
  entry(nn.Softmax, { config: (m) => ({ dim: m.dim }), read: (c) => c.int("dim"), tensors: noTensors, build: (a) => new nn.Softmax(a) }),
  entry(nn.LogSoftmax, { config: (m) => ({ dim: m.dim }), read: (c) => c.int("dim"), tensors: noTensors, build: (a) => new nn.LogSoftmax(a) }),
  entry(nn.Dropout, { config: (m) => ({ p: m.p }), read: (c) => c.num("p"), tensors: noTensors, build: (a) => new nn.Dropout(a) }),
  entry(nn.Embedding, {
    config: (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx }),
    read: (c) => ({ n: c.int("numEmbeddings", 0), d: c.int("embeddingDim", 0), paddingIdx: c.intOrNull("paddingIdx") }),
    tensors: (a, t) => t.param("weight", [a.n, a.d]),
    build: (a) => new nn.Embedding(a.n, a.d, { paddingIdx: a.paddingIdx }),
  }),
  entry(nn.Flatten, {
    config: (m) => ({ startDim: m.startDim, endDim: m.endDim }), read: (c) => [c.int("startDim"), c.int("endDim")] as const,
    tensors: noTensors, build: ([s, e]) => new nn.Flatten(s, e),
  }),
  entry(nn.MultiheadAttention, {
    config: (m) => ({
      embedDim: m.embedDim, numHeads: m.numHeads, dropout: m.dropout, bias: m.outProj.bias !== null, addBiasKv: m.biasK !== null,
      addZeroAttn: m.addZeroAttn, kdim: m.kdim, vdim: m.vdim, batchFirst: m.batchFirst,
    }),
    read: (c): MhaArgs => ({
      E: c.int("embedDim", 1), H: c.int("numHeads", 1),
      opts: {
        dropout: c.num("dropout"), bias: c.bool("bias"), addBiasKv: c.bool("addBiasKv"), addZeroAttn: c.bool("addZeroAttn"),
        kdim: c.int("kdim", 1), vdim: c.int("vdim", 1), batchFirst: c.bool("batchFirst"),
      },
    }),
    tensors: mhaTensors,
    build: (a) => new nn.MultiheadAttention(a.E, a.H, a.opts),
  }),
  ...(["RNN", "LSTM", "GRU"] as const).map((name) => entry(nn[name] as typeof nn.RNN, {
    config: (m) => ({
      inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, bias: m.bias, batchFirst: m.batchFirst,
      dropout: m.dropout, bidirectional: m.bidirectional, ...(m instanceof nn.RNN ? { nonlinearity: m.nonlinearity } : {}),
    }),
    read: (c): RecurrentArgs => ({
      I: c.int("inputSize", 1), H: c.int("hiddenSize", 1),
      opts: {
        numLayers: c.int("numLayers", 1), bias: c.bool("bias"), batchFirst: c.bool("batchFirst"), dropout: c.num("dropout"), bidirectional: c.bool("bidirectional"),
        ...(name === "RNN" ? { nonlinearity: c.oneOf("nonlinearity", ["tanh", "relu"] as const) } : {}),
      },
    }),
    tensors: (a, t) => recurrentTensors(GATES[name], a, t),
    build: (a) => new nn[name](a.I, a.H, a.opts) as nn.RNN,
  })),
  entry(nn.RNNCell, {
    config: (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias, nonlinearity: m.nonlinearity }),
    read: (c) => ({ I: c.int("inputSize", 1), H: c.int("hiddenSize", 1), bias: c.bool("bias"), nonlinearity: c.oneOf("nonlinearity", ["tanh", "relu"] as const) }),
    tensors: (a, t) => cellTensors(GATES.RNNCell, a, t),
    build: (a) => new nn.RNNCell(a.I, a.H, { bias: a.bias, nonlinearity: a.nonlinearity }),
  }),
  ...(["LSTMCell", "GRUCell"] as const).map((name) => entry(nn[name] as typeof nn.LSTMCell, {
    config: (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias }),
    read: (c) => ({ I: c.int("inputSize", 1), H: c.int("hiddenSize", 1), bias: c.bool("bias") }),
    tensors: (a, t) => cellTensors(GATES[name], a, t),
    build: (a) => new nn[name](a.I, a.H, { bias: a.bias }) as nn.LSTMCell,
  })),
  entry(nn.TransformerEncoderLayer, { config: encoderLayerConfig, read: readEncoderLayer, tensors: encoderLayerTensors, build: encoderLayer }),
  entry(nn.TransformerEncoder, {
    config: (m) => ({ layer: encoderLayerConfig(m.layers.items[0]), numLayers: m.numLayers, norm: m.norm ? layerNormConfig(m.norm) : null }),
    read: (c) => {
      const layer = c.sub("layer"), normValue = c.raw("norm");
      const args = { layer: readEncoderLayer(layer), numLayers: c.int("numLayers", 1), norm: null as LayerNormArgs | null };
      layer.end();
      if (normValue !== null && normValue !== undefined) {
        const norm = c.sub("norm");
        args.norm = readLayerNorm(norm);
        norm.end();
      }
      return args;
    },
    tensors: (a, t) => {
      // Each layer emits at least twelve tensors, so a huge numLayers runs into the sink's budget.
      for (let i = 0; i < a.numLayers; i++) encoderLayerTensors(a.layer, t.child("layers").child(i));
      if (a.norm) layerNormTensors(a.norm, t.child("norm"));
    },
    build: (a) => new nn.TransformerEncoder(encoderLayer(a.layer), a.numLayers, a.norm ? new nn.LayerNorm(a.norm.shape, a.norm.opts) : null),
  }),
  entry(nn.PositionalEncoding, {
    config: (m) => ({ dModel: m.dModel, dropout: m.dropout.p, maxLen: m.maxLen, batchFirst: m.batchFirst }),
    read: (c) => ({ d: c.int("dModel", 1), opts: { dropout: c.num("dropout"), maxLen: c.int("maxLen", 1), batchFirst: c.bool("batchFirst") } }),
    tensors: noTensors,
    build: (a) => new nn.PositionalEncoding(a.d, a.opts),
  }),
  entry(nn.Sequential, {
    config: () => ({}), read: () => null, container: true,
    tensors: (_a, t, children) => children.forEach((c, i) => tensorsOf(c, t.child(i))),
    // Appended one by one: a spread of 100,000 children would overflow the call stack.
    build: (_a, children) => {
      const s = new nn.Sequential();
      for (const c of children) s.layers.push(c as unknown as Module);
      return s;
    },
  }),
  entry(nn.ModuleList, {
    config: () => ({}), read: () => null, container: true,
    tensors: (_a, t, children) => children.forEach((c, i) => tensorsOf(c, t.child(i))),
    build: (_a, children) => new nn.ModuleList(children),
  }),
]);

/** Whether an architecture entry exists for the module's exact class. */
function entryOf(m: AnyModule): Entry | undefined {
  const e = TABLE.get(m.constructor.name);
  return e && e.cls === m.constructor ? e : undefined;
}

/**
 * The architecture of a model as JSON-ready data, or, when some module in it is not a built-in
 * layer, `{ custom }` naming the first such module (its class and dotted path).
 */
export function describeModel(model: AnyModule): { spec: LayerSpec } | { custom: string } {
  const walk = (m: AnyModule, path: string): LayerSpec | string => {
    const e = entryOf(m);
    const where = path ? `${m.constructor.name} at "${path}"` : m.constructor.name;
    if (!e) return where;
    const spec: LayerSpec = { class: m.constructor.name };
    const config = e.config(m);
    if (Object.keys(config).length) spec.config = config;
    if (e.container) {
      const specs: LayerSpec[] = [];
      for (const [name, c] of m.namedChildren()) {
        const s = walk(c, path ? `${path}.${name}` : name);
        if (typeof s === "string") return s;
        specs.push(s);
      }
      spec.children = specs;
    }
    // Other layers' children (MultiheadAttention's outProj) are made by their constructors.
    return spec;
  };
  const r = walk(model, "");
  return typeof r === "string" ? { custom: r } : { spec: r };
}

/**
 * Reads a saved architecture (untrusted JSON) into a Plan: every layer's class, configuration
 * types and values are checked, and the limits on layer count and nesting enforced, before
 * anything is constructed. Errors are ArgumentErrors of `op` naming the layer and its path.
 */
export function readArchitecture(spec: unknown, limits: ArchitectureLimits = {}, op = "buildModel"): Plan {
  const maxLayers = checkNumber(op, "maxLayers", limits.maxLayers ?? ARCHITECTURE_LIMITS.maxLayers, { min: 1, integer: true });
  const maxDepth = checkNumber(op, "maxDepth", limits.maxDepth ?? ARCHITECTURE_LIMITS.maxDepth, { min: 0, integer: true });
  let layers = 0;
  const own = (o: object, k: string): unknown => (Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined);
  // Recursion is bounded: it descends only after checking the depth against maxDepth.
  const read = (s: unknown, path: string, depth: number): Plan => {
    const at = path ? ` at "${path}"` : "";
    if (++layers > maxLayers) throw new ArgumentError(op, `more than ${maxLayers} layers (the maxLayers limit)`);
    if (typeof s !== "object" || s === null || Array.isArray(s) || typeof own(s, "class") !== "string") {
      throw new ArgumentError(op, `layer${at}: expected {"class": …}, got ${brief(s)}`);
    }
    const cls = own(s, "class") as string;
    const e = TABLE.get(cls);
    if (!e) throw new ArgumentError(op, `layer${at}: unknown layer class ${brief(cls)}`);
    const where = `${cls}${at}`;
    for (const k of Object.keys(s)) if (k !== "class" && k !== "config" && k !== "children") throw new ArgumentError(op, `${where}: unknown field ${brief(k)}`);
    const children = own(s, "children");
    if (children !== undefined && !Array.isArray(children)) throw new ArgumentError(op, `${where}: children must be a list, got ${brief(children)}`);
    if (!e.container && children?.length) throw new ArgumentError(op, `${where}: this layer has no children`);
    const c = new ConfigReader(op, where, own(s, "config") ?? {});
    let args: unknown;
    try {
      args = e.read(c);
      c.end();
    } catch (err) {
      // The shared value checks name the layer class as their op; add where the layer is.
      if (err instanceof DeepScriptError && err.op !== op) throw new ArgumentError(op, `${where}: ${err.message.slice(err.op.length + 2)}`);
      throw err;
    }
    const kids: Plan[] = [];
    if (e.container && children?.length) {
      if (depth >= maxDepth) throw new ArgumentError(op, `${where}: layers nested more than ${maxDepth} deep (the maxDepth limit)`);
      if (layers + children.length > maxLayers) throw new ArgumentError(op, `${where}: ${children.length} children make more than ${maxLayers} layers (the maxLayers limit)`);
      children.forEach((ch, i) => kids.push(read(ch, path ? `${path}.${i}` : String(i), depth + 1)));
    }
    return { entry: e, args, children: kids, where };
  };
  return read(spec, "", 0);
}

/**
 * The tensors (names, shapes, kinds) that the model of a Plan will have, computed from the
 * configurations alone; null when there are more than `maxTensors` (io.load passes the file's
 * count, so a huge declared layer count is refused without being enumerated).
 */
export function expectedTensors(plan: Plan, maxTensors = Number.MAX_SAFE_INTEGER): TensorTable | null {
  const table: TensorTable = new Map();
  try {
    tensorsOf(plan, new TensorSink(table, { left: maxTensors }));
  } catch (e) {
    if (e instanceof OverBudget) return null;
    throw e;
  }
  return table;
}

function tensorsOf(p: Plan, t: TensorSink): void {
  p.entry.tensors(p.args, t, p.children);
}

/** Constructs the model of a Plan (fresh initialisation; load weights afterwards). Constructor errors name the layer's path. */
export function constructPlan(p: Plan, op = "buildModel"): AnyModule {
  const children = p.children.map((c) => constructPlan(c, op));
  try {
    return p.entry.build(p.args, children);
  } catch (err) {
    if (err instanceof DeepScriptError) throw new ArgumentError(op, `${p.where}: ${err.message.slice(err.op.length + 2)}`);
    throw err;
  }
}

/**
 * Constructs the model a LayerSpec describes (fresh initialisation; load weights afterwards).
 * The spec is read and checked first (see readArchitecture), so a bad one constructs nothing.
 * @example const model = io.buildModel({ class: "Sequential", children: [{ class: "ReLU" }] });
 */
export function buildModel(spec: unknown, limits: ArchitectureLimits = {}): AnyModule {
  return constructPlan(readArchitecture(spec, limits, "buildModel"), "buildModel");
}

/** Names of the layer classes that io.save can describe and io.load can rebuild. */
export function rebuildableLayers(): string[] {
  return [...TABLE.keys()];
}
