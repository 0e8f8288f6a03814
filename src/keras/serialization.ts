// Keras configs in and out: layers.serialize(layer) → { class_name, config }, layers.deserialize
// back, and whole models from Keras 3's config.json, Keras 2's / TensorFlow.js' model.json topology
// (snake_case configs; inbound nodes in either format). The table below names every layer class
// this project can rebuild; any other class_name is refused by name.
import { ArgumentError } from "../core/errors.js";
import { Layer } from "./layer.js";
import { InputLayer, Input } from "./layers/input.js";
import { Activation, Dense, Dropout, ELU, Flatten, LeakyReLU, Permute, ReLU, RepeatVector, Reshape, Softmax } from "./layers/core.js";
import { Conv1D, Conv2D, Conv2DTranspose } from "./layers/conv.js";
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
} from "./layers/pooling.js";
import { BatchNormalization, LayerNormalization } from "./layers/normalization.js";
import { Embedding } from "./layers/embedding.js";
import { Normalization, Rescaling } from "./layers/preprocessing.js";
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "./layers/merge.js";
import { Bidirectional, GRU, LSTM, RNN, SimpleRNN } from "./layers/recurrent.js";
import { MultiHeadAttention } from "./layers/attention.js";
import { Model } from "./model.js";
import { Sequential } from "./sequential.js";
import { SymbolicTensor } from "./symbolic.js";
import { toCamelKey, type Config, type Json, type Serialized } from "./names.js";
import type { Shape } from "./shape.js";

type AnyLayer = Layer<SymbolicTensor | SymbolicTensor[]>;
type Opts = Record<string, unknown>;

/** The serialized form Keras 3 writes for a layer. */
export function serialize(layer: AnyLayer): Serialized {
  return { module: "keras.layers", class_name: layer.className, config: layer.getConfig(), registered_name: null };
}

// Keys Keras or TensorFlow.js write that change nothing here when they hold their default value.
const DEFAULTS: Record<string, (v: unknown) => boolean> = {
  synchronized: (v) => v === false, ragged: (v) => v === false, lora_rank: (v) => v === null, lora_alpha: (v) => v === null,
  renorm: (v) => v === false, renorm_clipping: (v) => v === null, renorm_momentum: () => true, fused: (v) => v === null || v === true || v === false,
  virtual_batch_size: (v) => v === null, adjustment: (v) => v === null, rms_scaling: (v) => v === false, time_major: (v) => v === false,
  zero_output_for_mask: () => true, autocast: (v) => v === true, attention_axes: (v) => v === null, quantization_config: (v) => v === null,
  input_dtype: () => true,
};

/** A config dict as constructor options: camelCase keys, Keras-only defaults dropped, dtype policies read. */
function options(className: string, c: Config): Opts {
  const o: Opts = {};
  for (const [k, v] of Object.entries(c)) {
    if (k in DEFAULTS && DEFAULTS[k](v)) continue;
    if (k === "dtype" && v && typeof v === "object") {
      const name = (v as { config?: { name?: string } }).config?.name;
      if (name !== "float32" && name !== "float64") throw new ArgumentError("deserialize", `${className}: dtype policy ${JSON.stringify(name)} is not supported (float32 or float64)`);
      o.dtype = name;
      continue;
    }
    o[toCamelKey(k)] = v;
  }
  return o;
}

const take = (o: Opts, ...keys: string[]): unknown[] => keys.map((k) => {
  const v = o[k];
  delete o[k];
  return v;
});

// class_name → constructor from options (positional arguments taken out of the options).
const FROM_CONFIG: Record<string, (o: Opts) => AnyLayer> = {
  InputLayer: (o) => {
    const [batchShape, batchInputShape] = take(o, "batchShape", "batchInputShape");
    return new InputLayer({ ...o, batchShape: (batchShape ?? batchInputShape) as Shape });
  },
  Dense: (o) => new Dense(take(o, "units")[0] as number, o),
  Activation: (o) => new Activation(take(o, "activation")[0] as string, o),
  Dropout: (o) => new Dropout(take(o, "rate")[0] as number, o),
  Flatten: (o) => new Flatten(o),
  Reshape: (o) => new Reshape(take(o, "targetShape")[0] as number[], o),
  Permute: (o) => new Permute(take(o, "dims")[0] as number[], o),
  RepeatVector: (o) => new RepeatVector(take(o, "n")[0] as number, o),
  ReLU: (o) => new ReLU(o),
  LeakyReLU: (o) => new LeakyReLU(o),
  ELU: (o) => new ELU(o),
  Softmax: (o) => new Softmax(o),
  Conv1D: (o) => { const [f, k] = take(o, "filters", "kernelSize"); return new Conv1D(f as number, k as number[], o); },
  Conv2D: (o) => { const [f, k] = take(o, "filters", "kernelSize"); return new Conv2D(f as number, k as number[], o); },
  Conv2DTranspose: (o) => { const [f, k] = take(o, "filters", "kernelSize"); return new Conv2DTranspose(f as number, k as number[], o); },
  MaxPooling1D: (o) => new MaxPooling1D(o),
  MaxPooling2D: (o) => new MaxPooling2D(o),
  AveragePooling1D: (o) => new AveragePooling1D(o),
  AveragePooling2D: (o) => new AveragePooling2D(o),
  GlobalAveragePooling1D: (o) => new GlobalAveragePooling1D(o),
  GlobalAveragePooling2D: (o) => new GlobalAveragePooling2D(o),
  GlobalMaxPooling1D: (o) => new GlobalMaxPooling1D(o),
  GlobalMaxPooling2D: (o) => new GlobalMaxPooling2D(o),
  BatchNormalization: (o) => new BatchNormalization(o),
  LayerNormalization: (o) => new LayerNormalization(o),
  Embedding: (o) => { const [i, d] = take(o, "inputDim", "outputDim"); return new Embedding(i as number, d as number, o); },
  Rescaling: (o) => new Rescaling(take(o, "scale")[0] as number, o),
  Normalization: (o) => new Normalization(o),
  Add: (o) => new Add(o),
  Subtract: (o) => new Subtract(o),
  Multiply: (o) => new Multiply(o),
  Average: (o) => new Average(o),
  Maximum: (o) => new Maximum(o),
  Minimum: (o) => new Minimum(o),
  Concatenate: (o) => new Concatenate(o),
  SimpleRNN: (o) => new SimpleRNN(take(o, "units")[0] as number, o),
  LSTM: (o) => new LSTM(take(o, "units")[0] as number, o),
  GRU: (o) => new GRU(take(o, "units")[0] as number, o),
  MultiHeadAttention: (o) => { const [h, k] = take(o, "numHeads", "keyDim"); return new MultiHeadAttention(h as number, k as number, o); },
  Bidirectional: (o) => {
    const [inner] = take(o, "layer");
    take(o, "backwardLayer");
    const layer = deserialize(inner as Serialized);
    if (!(layer instanceof RNN)) throw new ArgumentError("deserialize", `Bidirectional wraps ${layer.className}; only SimpleRNN, LSTM and GRU are supported`);
    return new Bidirectional(layer, o);
  },
  Sequential: (o) => sequentialFromConfig(o),
  Functional: (o) => functionalFromConfig(o),
  Model: (o) => functionalFromConfig(o),
};

/** Names of the classes deserialize can build. */
export const SUPPORTED_CLASSES: readonly string[] = Object.keys(FROM_CONFIG);

/**
 * A layer (or model) from `{ class_name, config }` as Keras or TensorFlow.js write it.
 * @example keras.layers.deserialize({ class_name: "Dense", config: { units: 4, activation: "relu" } })
 */
export function deserialize(spec: Serialized | { className: string; config: Config }): AnyLayer {
  const className = "class_name" in spec ? spec.class_name : spec.className;
  const make = FROM_CONFIG[className];
  if (!make) throw new ArgumentError("deserialize", `unsupported layer class "${className}"; supported: ${SUPPORTED_CLASSES.join(", ")}`);
  if (!spec.config || typeof spec.config !== "object") throw new ArgumentError("deserialize", `${className}: config must be an object`);
  return make(options(className, spec.config));
}

function sequentialFromConfig(o: Opts): Sequential {
  const [layers, buildShape] = take(o, "layers", "buildInputShape");
  take(o, "dtype");
  if (!Array.isArray(layers)) throw new ArgumentError("deserialize", "Sequential: config.layers must be a list");
  const model = new Sequential(o as { name?: string; trainable?: boolean });
  for (const l of layers as Serialized[]) {
    if (l.class_name === "InputLayer") {
      // Keras 2 and TensorFlow.js write batch_input_shape, Keras 3 batch_shape.
      const o = options("InputLayer", l.config);
      const [batchShape, batchInputShape] = take(o, "batchShape", "batchInputShape");
      model.add(Input({ ...o, batchShape: (batchShape ?? batchInputShape) as Shape } as never));
      continue;
    }
    model.add(deserialize(l));
  }
  if (!model.built && Array.isArray(buildShape)) model.maybeBuild(buildShape as Shape);
  return model;
}

type History = [string, number, number];

/** Tensors named in inbound nodes: Keras 3's { args, kwargs } or Keras 2's [[name, node, index, kwargs], …]. */
function inboundRefs(node: Json): { refs: (History | History[])[]; kwargs: Opts; list: boolean } {
  const isRef = (v: Json): v is Json[] => Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number";
  const keras3 = (v: Json): History | History[] | null => {
    if (v && typeof v === "object" && !Array.isArray(v) && v.class_name === "__keras_tensor__") {
      const h = (v.config as Config).keras_history as Json[];
      return [h[0] as string, h[1] as number, h[2] as number];
    }
    if (Array.isArray(v)) {
      const hs = v.map(keras3);
      return hs.every((h) => h !== null && !Array.isArray(h[0])) ? (hs as History[]) : null;
    }
    return null;
  };
  if (node && typeof node === "object" && !Array.isArray(node)) {
    const args = (node.args ?? []) as Json[];
    const refs = args.map(keras3).filter((r): r is History | History[] => r !== null);
    const kwargs: Opts = {};
    for (const [k, v] of Object.entries((node.kwargs ?? {}) as Config)) {
      const r = keras3(v);
      if (r === null) kwargs[toCamelKey(k)] = v;
      else refs.push(r as History);
    }
    return { refs, kwargs, list: refs.length === 1 && Array.isArray(refs[0][0]) };
  }
  if (Array.isArray(node)) {
    const refs = node.filter(isRef).map((r) => [r[0], r[1], r[2]] as History);
    const kwargs = Object.fromEntries(Object.entries(((node[0] as Json[])?.[3] ?? {}) as Config).map(([k, v]) => [toCamelKey(k), v]));
    return { refs: refs.length > 1 ? [refs] : refs, kwargs, list: refs.length > 1 };
  }
  throw new ArgumentError("deserialize", `cannot read inbound node ${JSON.stringify(node)}`);
}

function functionalFromConfig(o: Opts): Model<SymbolicTensor | SymbolicTensor[]> {
  const [layerSpecs, inputSpec, outputSpec, name, trainable] = take(o, "layers", "inputLayers", "outputLayers", "name", "trainable");
  if (!Array.isArray(layerSpecs)) throw new ArgumentError("deserialize", "functional model: config.layers must be a list");
  const specs = layerSpecs as (Serialized & { name?: string; inbound_nodes?: Json[] })[];
  const layers = new Map<string, AnyLayer>();
  for (const s of specs) layers.set(s.name ?? (s.config.name as string), deserialize(s));
  // Outputs by [layer, node index, tensor index], filled as nodes run (a node runs once its inputs exist).
  const made = new Map<string, SymbolicTensor[]>();
  const key = (layer: string, node: number) => `${layer}\u0000${node}`;
  for (const [n, l] of layers) if (l instanceof InputLayer) made.set(key(n, 0), [l.output as SymbolicTensor]);
  const pending = specs.flatMap((s) => (s.inbound_nodes ?? []).map((node, i) => ({ layer: s.name ?? (s.config.name as string), node, i })));
  const tensorOf = ([l, n, t]: History): SymbolicTensor | undefined => made.get(key(l, n))?.[t];
  while (pending.length) {
    const k = pending.findIndex((p) => {
      const { refs } = inboundRefs(p.node);
      return refs.flat().every((r) => (Array.isArray(r) ? tensorOf(r as History) : true));
    });
    if (k < 0) throw new ArgumentError("deserialize", `functional model: layers ${[...new Set(pending.map((p) => p.layer))].join(", ")} read tensors no layer makes`);
    const [p] = pending.splice(k, 1);
    const { refs, kwargs, list } = inboundRefs(p.node);
    const layer = layers.get(p.layer)!;
    const args = refs.map((r) => (Array.isArray(r[0]) ? (r as History[]).map((h) => tensorOf(h)!) : tensorOf(r as History)!));
    // Several arguments (MultiHeadAttention's query and value, an RNN's initial states) become one list.
    const inputs = list ? (args[0] as SymbolicTensor[]) : args.length === 1 ? (args[0] as SymbolicTensor) : (args.flat() as SymbolicTensor[]);
    const out = layer.call(inputs, kwargs);
    made.set(key(p.layer, p.i), Array.isArray(out) ? (out as SymbolicTensor[]) : [out as SymbolicTensor]);
  }
  const pick = (spec: unknown): SymbolicTensor | SymbolicTensor[] => {
    if (Array.isArray(spec) && typeof spec[0] === "string") {
      const t = tensorOf(spec as History);
      if (!t) throw new ArgumentError("deserialize", `functional model: no tensor ${JSON.stringify(spec)}`);
      return t;
    }
    if (Array.isArray(spec)) return spec.map((s) => pick(s) as SymbolicTensor);
    if (spec && typeof spec === "object") return Object.values(spec).map((s) => pick(s) as SymbolicTensor);
    throw new ArgumentError("deserialize", `functional model: cannot read ${JSON.stringify(spec)}`);
  };
  // As Keras 3: a list of one input or output (Keras 2 and TensorFlow.js always write lists) is that tensor.
  const one = (t: SymbolicTensor | SymbolicTensor[]) => (Array.isArray(t) && t.length === 1 ? t[0] : t);
  return new Model({ inputs: one(pick(inputSpec)), outputs: one(pick(outputSpec)), name: name as string, trainable: trainable as boolean | undefined });
}

/**
 * A model from Keras JSON: `{ class_name, config }` (model.to_json(), config.json), a TensorFlow.js
 * model.json (its modelTopology), or their text.
 */
export function modelFromJSON(json: string | Json): Model<SymbolicTensor | SymbolicTensor[]> {
  let spec = typeof json === "string" ? (JSON.parse(json) as Json) : json;
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    if ("modelTopology" in spec) spec = spec.modelTopology;
    if (spec && typeof spec === "object" && !Array.isArray(spec) && "model_config" in spec) spec = spec.model_config;
  }
  const m = deserialize(spec as Serialized);
  if (!(m instanceof Model)) throw new ArgumentError("modelFromJSON", `expected a model (Sequential or Functional), got ${m.className}`);
  return m;
}

/** A new model with the same architecture and fresh weights (Keras' clone_model). */
export function cloneModel<M extends Model<SymbolicTensor | SymbolicTensor[]>>(model: M): M {
  return modelFromJSON(model.toJSON() as unknown as Json) as M;
}
