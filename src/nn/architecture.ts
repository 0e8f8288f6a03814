// Model architecture as JSON: for each built-in layer, how to read its configuration from the
// instance's public fields and how to construct it again. Sequential and ModuleList nest.
// A new built-in layer needs an entry here (test/io.test.ts checks that every nn layer has one).
// Used by nn/persist.ts (io.save / io.load).
// Classes are matched by identity, not by name, so a user's subclass (or a user class that
// happens to be called "Linear") is never mistaken for a built-in layer.
import { ArgumentError } from "../core/errors.js";
import { Module } from "./module.js";
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

interface Entry {
  cls: abstract new (...args: never[]) => AnyModule;
  config(m: AnyModule): Config;
  build(c: ConfigReader, children: AnyModule[]): AnyModule;
  /** Children are rebuilt from `children` (containers). */
  container?: boolean;
}

// Typed entry: `config` and `build` see the concrete layer class.
function entry<M>(cls: abstract new (...args: never[]) => M, config: (m: M) => Config, build: (c: ConfigReader, children: AnyModule[]) => M, container = false): [string, Entry] {
  return [cls.name, { cls: cls as never, config: config as never, build: build as never, container }];
}

/** Reads a JSON config with checked types; wrong types become an ArgumentError naming the field. */
export class ConfigReader {
  constructor(readonly layer: string, readonly c: Config) {}
  private bad(key: string, what: string): never {
    throw new ArgumentError("io.load", `${this.layer}: config field "${key}" must be ${what}, got ${JSON.stringify(this.c[key])}`);
  }
  int(key: string): number {
    const v = this.c[key];
    return typeof v === "number" && Number.isInteger(v) ? v : this.bad(key, "an integer");
  }
  num(key: string): number {
    const v = this.c[key];
    return typeof v === "number" ? v : this.bad(key, "a number");
  }
  bool(key: string): boolean {
    const v = this.c[key];
    return typeof v === "boolean" ? v : this.bad(key, "true or false");
  }
  /** An integer, or a pair of integers (kernel sizes). */
  pair(key: string): number | [number, number] {
    const v = this.c[key];
    if (typeof v === "number" && Number.isInteger(v)) return v;
    if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === "number" && Number.isInteger(d))) return [v[0] as number, v[1] as number];
    return this.bad(key, "an integer or a pair of integers");
  }
  intOrNull(key: string): number | null {
    return this.c[key] === null || this.c[key] === undefined ? null : this.int(key);
  }
  numOrNull(key: string): number | null {
    return this.c[key] === null ? null : this.num(key);
  }
  /** An options object passed to the layer as saved (the layer validates its fields). */
  opts<T>(key: string): T {
    const v = this.c[key];
    if (v === undefined) return {} as T;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as T) : this.bad(key, "an object");
  }
  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.c[key];
    return values.includes(v as T) ? (v as T) : this.bad(key, `one of ${values.join(", ")}`);
  }
}

// A JSON copy (drops undefined fields), so the saved config never aliases the layer's objects.
const json = (v: unknown): Json => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as Json));
const plain = (o: object): Config => json(o) as Config;

const TABLE = new Map<string, Entry>([
  entry(nn.Linear, (m) => ({ inFeatures: m.inFeatures, outFeatures: m.outFeatures, bias: m.bias !== null }),
    (c) => new nn.Linear(c.int("inFeatures"), c.int("outFeatures"), { bias: c.bool("bias") })),
  entry(nn.Identity, () => ({}), () => new nn.Identity()),
  entry(nn.Conv1d, (m) => ({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, opts: plain(m.opts) }),
    (c) => new nn.Conv1d(c.int("inChannels"), c.int("outChannels"), c.int("kernelSize"), c.opts("opts"))),
  entry(nn.Conv2d, (m) => ({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, opts: plain(m.opts) }),
    (c) => new nn.Conv2d(c.int("inChannels"), c.int("outChannels"), c.pair("kernelSize"), c.opts("opts"))),
  entry(nn.ConvTranspose2d, (m) => ({ inChannels: m.inChannels, outChannels: m.outChannels, kernelSize: m.kernelSize, opts: plain(m.opts) }),
    (c) => new nn.ConvTranspose2d(c.int("inChannels"), c.int("outChannels"), c.pair("kernelSize"), c.opts("opts"))),
  entry(nn.Upsample, (m) => ({ opts: plain(m.opts) }), (c) => new nn.Upsample(c.opts("opts"))),
  entry(nn.Unflatten, (m) => ({ dim: m.dim, sizes: [...m.sizes] }), (c) => new nn.Unflatten(c.int("dim"), intList(c, "sizes"))),
  entry(nn.MaxPool2d, (m) => ({ kernelSize: json(m.kernelSize), opts: plain(m.opts) }),
    (c) => new nn.MaxPool2d(c.pair("kernelSize"), c.opts("opts"))),
  entry(nn.AvgPool2d, (m) => ({ kernelSize: json(m.kernelSize), opts: plain(m.opts) }),
    (c) => new nn.AvgPool2d(c.pair("kernelSize"), c.opts("opts"))),
  entry(nn.AdaptiveAvgPool2d, (m) => ({ outputSize: json(m.outputSize) }),
    (c) => new nn.AdaptiveAvgPool2d(adaptiveSize(c))),
  entry(nn.BatchNorm1d, (m) => batchNormConfig(m), (c) => new nn.BatchNorm1d(c.int("numFeatures"), batchNormOpts(c))),
  entry(nn.BatchNorm2d, (m) => batchNormConfig(m), (c) => new nn.BatchNorm2d(c.int("numFeatures"), batchNormOpts(c))),
  entry(nn.LayerNorm, (m) => ({ normalizedShape: [...m.normalizedShape], opts: plain(m.opts) }),
    (c) => new nn.LayerNorm(intList(c, "normalizedShape"), c.opts("opts"))),
  entry(nn.ReLU, () => ({}), () => new nn.ReLU()),
  entry(nn.LeakyReLU, (m) => ({ negativeSlope: m.negativeSlope }), (c) => new nn.LeakyReLU(c.num("negativeSlope"))),
  entry(nn.GELU, (m) => ({ approximate: m.approximate }), (c) => new nn.GELU(c.oneOf("approximate", ["none", "tanh"] as const))),
  entry(nn.ELU, (m) => ({ alpha: m.alpha }), (c) => new nn.ELU(c.num("alpha"))),
  entry(nn.Softplus, (m) => ({ beta: m.beta, threshold: m.threshold }), (c) => new nn.Softplus(c.num("beta"), c.num("threshold"))),
  entry(nn.Tanh, () => ({}), () => new nn.Tanh()),
  entry(nn.Sigmoid, () => ({}), () => new nn.Sigmoid()),
  entry(nn.Softmax, (m) => ({ dim: m.dim }), (c) => new nn.Softmax(c.int("dim"))),
  entry(nn.LogSoftmax, (m) => ({ dim: m.dim }), (c) => new nn.LogSoftmax(c.int("dim"))),
  entry(nn.Dropout, (m) => ({ p: m.p }), (c) => new nn.Dropout(c.num("p"))),
  entry(nn.Embedding, (m) => ({ numEmbeddings: m.numEmbeddings, embeddingDim: m.embeddingDim, paddingIdx: m.paddingIdx }),
    (c) => new nn.Embedding(c.int("numEmbeddings"), c.int("embeddingDim"), { paddingIdx: c.intOrNull("paddingIdx") })),
  entry(nn.Flatten, (m) => ({ startDim: m.startDim, endDim: m.endDim }), (c) => new nn.Flatten(c.int("startDim"), c.int("endDim"))),
  entry(nn.MultiheadAttention, (m) => ({
    embedDim: m.embedDim, numHeads: m.numHeads, dropout: m.dropout, bias: m.outProj.bias !== null, addBiasKv: m.biasK !== null,
    addZeroAttn: m.addZeroAttn, kdim: m.kdim, vdim: m.vdim, batchFirst: m.batchFirst,
  }), (c) => new nn.MultiheadAttention(c.int("embedDim"), c.int("numHeads"), {
    dropout: c.num("dropout"), bias: c.bool("bias"), addBiasKv: c.bool("addBiasKv"), addZeroAttn: c.bool("addZeroAttn"),
    kdim: c.int("kdim"), vdim: c.int("vdim"), batchFirst: c.bool("batchFirst"),
  })),
  ...(["RNN", "LSTM", "GRU"] as const).map((name) => entry(nn[name] as typeof nn.RNN, (m) => ({
    inputSize: m.inputSize, hiddenSize: m.hiddenSize, numLayers: m.numLayers, bias: m.bias, batchFirst: m.batchFirst,
    dropout: m.dropout, bidirectional: m.bidirectional, ...(m instanceof nn.RNN ? { nonlinearity: m.nonlinearity } : {}),
  }), (c) => new nn[name](c.int("inputSize"), c.int("hiddenSize"), {
    numLayers: c.int("numLayers"), bias: c.bool("bias"), batchFirst: c.bool("batchFirst"), dropout: c.num("dropout"), bidirectional: c.bool("bidirectional"),
    ...(name === "RNN" ? { nonlinearity: c.oneOf("nonlinearity", ["tanh", "relu"] as const) } : {}),
  }) as nn.RNN)),
  entry(nn.RNNCell, (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias, nonlinearity: m.nonlinearity }),
    (c) => new nn.RNNCell(c.int("inputSize"), c.int("hiddenSize"), { bias: c.bool("bias"), nonlinearity: c.oneOf("nonlinearity", ["tanh", "relu"] as const) })),
  entry(nn.LSTMCell, (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias }),
    (c) => new nn.LSTMCell(c.int("inputSize"), c.int("hiddenSize"), { bias: c.bool("bias") })),
  entry(nn.GRUCell, (m) => ({ inputSize: m.inputSize, hiddenSize: m.hiddenSize, bias: m.bias }),
    (c) => new nn.GRUCell(c.int("inputSize"), c.int("hiddenSize"), { bias: c.bool("bias") })),
  entry(nn.TransformerEncoderLayer, (m) => encoderLayerConfig(m), (c) => encoderLayer(c)),
  entry(nn.TransformerEncoder, (m) => ({
    layer: encoderLayerConfig(m.layers.items[0]), numLayers: m.numLayers,
    norm: m.norm ? { normalizedShape: [...m.norm.normalizedShape], opts: plain(m.norm.opts) } : null,
  }), (c) => {
    const norm = c.c.norm === null || c.c.norm === undefined ? null : new ConfigReader(`${c.layer} norm`, c.opts<Config>("norm"));
    return new nn.TransformerEncoder(encoderLayer(new ConfigReader(`${c.layer} layer`, c.opts<Config>("layer"))), c.int("numLayers"),
      norm ? new nn.LayerNorm(intList(norm, "normalizedShape"), norm.opts("opts")) : null);
  }),
  entry(nn.PositionalEncoding, (m) => ({ dModel: m.dModel, dropout: m.dropout.p, maxLen: m.maxLen, batchFirst: m.batchFirst }),
    (c) => new nn.PositionalEncoding(c.int("dModel"), { dropout: c.num("dropout"), maxLen: c.int("maxLen"), batchFirst: c.bool("batchFirst") })),
  entry(nn.Sequential, () => ({}), (_c, children) => new nn.Sequential(...(children as unknown as Module[])), true),
  entry(nn.ModuleList, () => ({}), (_c, children) => new nn.ModuleList(children), true),
]);

function encoderLayerConfig(m: nn.TransformerEncoderLayer): Config {
  return { dModel: m.dModel, nhead: m.nhead, opts: plain(m.opts) };
}
function encoderLayer(c: ConfigReader): nn.TransformerEncoderLayer {
  return new nn.TransformerEncoderLayer(c.int("dModel"), c.int("nhead"), c.opts("opts"));
}
function batchNormConfig(m: nn.BatchNorm1d | nn.BatchNorm2d): Config {
  return { numFeatures: m.numFeatures, eps: m.eps, momentum: m.momentum, affine: m.weight !== null, trackRunningStats: m.runningMean !== null };
}
function batchNormOpts(c: ConfigReader): nn.BatchNormOptions {
  return { eps: c.num("eps"), momentum: c.numOrNull("momentum"), affine: c.bool("affine"), trackRunningStats: c.bool("trackRunningStats") };
}
function intList(c: ConfigReader, key: string): number[] {
  const v = c.c[key];
  if (Array.isArray(v) && v.every((d) => typeof d === "number" && Number.isInteger(d))) return v as number[];
  throw new ArgumentError("io.load", `${c.layer}: config field "${key}" must be a list of integers, got ${JSON.stringify(v)}`);
}
function adaptiveSize(c: ConfigReader): number | [number | null, number | null] {
  const v = c.c.outputSize;
  const ok = (d: Json) => d === null || (typeof d === "number" && Number.isInteger(d));
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.length === 2 && v.every(ok)) return [v[0] as number | null, v[1] as number | null];
  throw new ArgumentError("io.load", `${c.layer}: config field "outputSize" must be an integer or a pair, got ${JSON.stringify(v)}`);
}

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

/** Constructs the model a LayerSpec describes (fresh initialisation; load weights afterwards). */
export function buildModel(spec: unknown, path = ""): AnyModule {
  const where = path ? ` at "${path}"` : "";
  if (typeof spec !== "object" || spec === null || Array.isArray(spec) || typeof (spec as LayerSpec).class !== "string") {
    throw new ArgumentError("io.load", `layer${where}: expected {"class": …}, got ${JSON.stringify(spec)}`);
  }
  const s = spec as LayerSpec;
  const e = TABLE.get(s.class);
  if (!e) throw new ArgumentError("io.load", `layer${where}: unknown layer class "${s.class}"`);
  const config = s.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new ArgumentError("io.load", `${s.class}${where}: config must be an object`);
  if (s.children !== undefined && !Array.isArray(s.children)) throw new ArgumentError("io.load", `${s.class}${where}: children must be a list`);
  if (!e.container && s.children?.length) throw new ArgumentError("io.load", `${s.class}${where}: this layer has no children`);
  const children = e.container ? (s.children ?? []).map((c, i) => buildModel(c, path ? `${path}.${i}` : String(i))) : [];
  return e.build(new ConfigReader(`${s.class}${where}`, config), children);
}

/** Names of the layer classes that io.save can describe and io.load can rebuild. */
export function rebuildableLayers(): string[] {
  return [...TABLE.keys()];
}
