// keras.Model: a functional model (a graph of layer calls between keras.Input tensors and outputs),
// or — constructed without arguments and subclassed — a model whose forward the user writes. Also
// the base of keras.Sequential. compile/fit/evaluate/predict live in training.ts, summary() in
// summary.ts; this file holds the graph.
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import type { DType } from "../core/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { Layer, type Args, type CallOptions, type Concrete } from "./layer.js";
import { InputLayer } from "./layers/input.js";
import { SymbolicTensor, type Node } from "./symbolic.js";
import type { Shape } from "./shape.js";
import type { Config, Json } from "./names.js";
import * as training from "./training.js";
import { summary, type SummaryOptions } from "./summary.js";

export interface ModelArgs<S> {
  inputs: SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>;
  outputs: S;
  name?: string;
  trainable?: boolean;
}

const asList = (v: SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>): SymbolicTensor[] =>
  v instanceof SymbolicTensor ? [v] : Array.isArray(v) ? v : Object.values(v);

/**
 * A Keras model. Functional: `new keras.Model({ inputs, outputs })` (several of each, shared
 * layers, nested models); subclassed: `class M extends keras.Model { forward(x) {…} }`.
 * It is an nn.Module: `stateDict()` keys are layer names and Keras weight names ("dense.kernel").
 */
export class Model<S extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor> extends Layer<S> {
  static override className = "Functional";
  /** The graph's inputs and outputs (empty for subclassed models). */
  readonly inputs: SymbolicTensor[] = [];
  readonly outputs: SymbolicTensor[] = [];
  /** The nodes to run, inputs first (functional models). */
  protected nodes: Node[] = [];
  private layerList: Layer<SymbolicTensor | SymbolicTensor[]>[] = [];
  private singleOutput = true;
  /** Set by a callback to stop fit after the current epoch (Keras' model.stop_training). */
  stopTraining = false;
  /** @internal training state (compile settings, the optimizer) */
  compiled: training.Compiled | null = null;

  /** `{ inputs, outputs, name? }` makes a functional model; no arguments (or only a name) a subclassed one. */
  constructor(args?: ModelArgs<S> | { name?: string; trainable?: boolean }) {
    if (args !== undefined) checkOptions("Model", args, ["inputs", "outputs", "name", "trainable"]);
    const graph = args && ("inputs" in args || "outputs" in args) ? (args as ModelArgs<S>) : null;
    if (graph && (graph.inputs === undefined || graph.outputs === undefined)) throw new ArgumentError("Model", "a functional model needs both inputs and outputs");
    super({ name: args?.name, trainable: args?.trainable });
    if (graph) this.buildGraph(asList(graph.inputs), graph.outputs);
  }

  /** True for a graph of layers (keras.Model({ inputs, outputs }), keras.Sequential). */
  get isFunctional(): boolean {
    return this.inputs.length > 0;
  }

  private buildGraph(inputs: SymbolicTensor[], outputs: S): void {
    if (!inputs.length || !inputs.every((t) => t instanceof SymbolicTensor)) throw new ArgumentError(this.op, "inputs must be keras.Input tensors");
    const outs = outputs instanceof SymbolicTensor ? [outputs] : Array.isArray(outputs) ? outputs : null;
    if (!outs || !outs.length || !outs.every((t) => t instanceof SymbolicTensor)) throw new ArgumentError(this.op, "outputs must be symbolic tensors returned by layers called on keras.Input tensors");
    for (const x of inputs) {
      if (!(x.node.layer instanceof InputLayer)) throw new ArgumentError(this.op, `input ${x.name} is not a keras.Input (it comes from layer "${x.node.layer.name}")`);
    }
    this.singleOutput = outputs instanceof SymbolicTensor;
    this.inputs.push(...inputs);
    this.outputs.push(...outs);
    // Post-order walk from the outputs: every node after the nodes it reads.
    const order: Node[] = [], seen = new Set<Node>(), onPath = new Set<Node>();
    const inputNodes = new Set(inputs.map((x) => x.node));
    const visit = (node: Node, via: SymbolicTensor) => {
      if (seen.has(node)) return;
      if (onPath.has(node)) throw new ArgumentError(this.op, "the graph has a cycle");
      if (!inputNodes.has(node) && node.layer instanceof InputLayer) {
        throw new ArgumentError(this.op, `graph disconnected: ${via.name} depends on the input "${node.layer.name}", which is not in inputs`);
      }
      onPath.add(node);
      if (!inputNodes.has(node)) for (const t of node.inputs) visit(t.node, t);
      onPath.delete(node);
      seen.add(node);
      order.push(node);
    };
    for (const o of outs) visit(o.node, o);
    this.nodes = order.filter((n) => !inputNodes.has(n));
    const layers: Layer<SymbolicTensor | SymbolicTensor[]>[] = inputs.map((x) => x.node.layer as InputLayer);
    for (const n of this.nodes) if (!layers.includes(n.layer as Layer)) layers.push(n.layer as Layer<SymbolicTensor | SymbolicTensor[]>);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new ArgumentError(this.op, `two layers are named "${l.name}"; layer names must be unique within a model`);
      names.add(l.name);
    }
    this.layerList = layers;
    this.inputSpec = inputs.map((x) => ({ ndim: x.shape.length, axes: Object.fromEntries(x.shape.map((d, i) => [i, d]).filter(([i, d]) => i !== 0 && d !== null)) }));
    this.built = true;
    this.buildShape = inputs.length === 1 ? inputs[0].shape : inputs.map((x) => x.shape);
  }

  /** The model's layers: input layers first, then in the order the graph runs them. */
  get layers(): Layer<SymbolicTensor | SymbolicTensor[]>[] {
    return this.isFunctional ? this.layerList.slice() : this.sublayers();
  }

  /** The layer called `name`, or at position `index` (Keras' get_layer). */
  getLayer(nameOrIndex: string | number): Layer<SymbolicTensor | SymbolicTensor[]> {
    const layers = this.layers;
    const l = typeof nameOrIndex === "number" ? layers[nameOrIndex] : layers.find((x) => x.name === nameOrIndex);
    if (!l) throw new ArgumentError(`${this.op}.getLayer`, `no layer ${JSON.stringify(nameOrIndex)}; layers: ${layers.map((x) => x.name).join(", ")}`);
    return l;
  }

  /** Children for the state dict and train()/eval(): a functional model's layers by name. */
  override namedChildren(): [string, Module<never[], unknown>][] {
    if (!this.isFunctional) return super.namedChildren();
    return this.layerList.filter((l) => !(l instanceof InputLayer)).map((l) => [l.name, l as unknown as Module<never[], unknown>]);
  }

  /** Input names, in order (keys for dict inputs in fit/predict). */
  get inputNames(): string[] {
    return this.inputs.map((x) => x.node.layer.name);
  }
  /** Output names: the layers producing the outputs (keys of per-output losses and metrics). */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.node.layer.name);
  }
  /** Whether the model returns one tensor (not a list). */
  get hasSingleOutput(): boolean {
    return this.isFunctional ? this.singleOutput : true;
  }

  /** Runs the graph on concrete tensors (functional); subclasses override it with their own forward. */
  forward(inputs: Args, kwargs?: CallOptions): Tensor | Tensor[] {
    if (!this.isFunctional) throw new ArgumentError(this.op, "a subclassed keras.Model must implement forward(inputs)");
    const xs = (Array.isArray(inputs) ? inputs : [inputs]) as Tensor[];
    if (xs.length !== this.inputs.length) throw new ArgumentError(this.op, `expected ${this.inputs.length} input${this.inputs.length > 1 ? "s" : ""} (${this.inputNames.join(", ")}), got ${xs.length}`);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((s, i) => values.set(s, castInput(xs[i], s.dtype)));
    const training = kwargs?.training;
    for (const node of this.nodes) {
      const args = node.inputs.map((s) => values.get(s)!);
      const layer = node.layer as Layer<SymbolicTensor | SymbolicTensor[]>;
      const out = layer.call(node.listInput ? args : args[0], training === undefined ? node.kwargs : { ...node.kwargs, training });
      const outs = Array.isArray(out) ? out : [out];
      node.outputs.forEach((o, i) => values.set(o, outs[i] as Tensor));
    }
    const results = this.outputs.map((o) => values.get(o)!);
    return this.singleOutput ? results[0] : results;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    if (!this.isFunctional) throw new ArgumentError(this.op, "a subclassed model cannot be called on symbolic tensors; call it on data");
    const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const batch = shapes[0][0];
    const outs = this.outputs.map((o) => [batch, ...o.shape.slice(1)]);
    return this.singleOutput ? outs[0] : outs;
  }

  protected override computeOutputDtype(): DType {
    return this.outputs[0]?.dtype ?? this.dtype;
  }

  protected override get autocast(): boolean {
    return false;
  }

  // ---- training (training.ts) --------------------------------------------------------------------

  /** Sets the optimizer, loss(es) and metrics for fit/evaluate (Keras' compile). */
  compile(opts: training.CompileOptions): void {
    training.compile(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, opts);
  }
  /** Trains for `epochs` passes over (x, y); returns the History (Keras' fit). */
  fit(x: training.XData, y: training.YData, opts: training.FitOptions = {}): Promise<training.History> {
    return training.fit(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, x, y, opts);
  }
  /** Loss (and metrics) on (x, y): a number, a list [loss, ...metrics], or a dict with returnDict. */
  evaluate(x: training.XData, y: training.YData, opts: training.EvaluateOptions = {}): number | number[] | Record<string, number> {
    return training.evaluate(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, x, y, opts);
  }
  /** Outputs for every sample of x, batched, in inference mode. */
  predict(x: training.XData, opts: training.PredictOptions = {}): Concrete<S> {
    return training.predict(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, x, opts) as Concrete<S>;
  }
  /** One gradient step on one batch; returns the loss (and metrics) as evaluate does. */
  async trainOnBatch(x: training.XData, y: training.YData): Promise<number | number[]> {
    return training.trainOnBatch(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, x, y);
  }
  /** The model's outputs on one batch (predict with the batch as one batch). */
  predictOnBatch(x: training.XData): Concrete<S> {
    return training.predict(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, x, { batchSize: Number.MAX_SAFE_INTEGER, verbose: 0 }) as Concrete<S>;
  }

  /** Keras' table of layers, output shapes and parameter counts: printed (printFn, default console.log) and returned. */
  summary(opts: SummaryOptions = {}): string {
    return summary(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, opts);
  }

  /**
   * Saves the model: a path ending in `.keras` gets a Keras 3 archive (config.json, metadata.json,
   * model.weights.h5); any other path is a folder that gets a TensorFlow.js Layers model
   * (model.json and group1-shard1of1.bin; keras/saving/). `await keras.loadModel(path)` reads either back.
   */
  async save(path: string): Promise<void> {
    // Imported when called: saving/ builds models from configs, which needs this class defined first.
    const { saveModel } = await import("./saving/load.js");
    return saveModel(this as unknown as Model<SymbolicTensor | SymbolicTensor[]>, path);
  }

  // ---- configuration ------------------------------------------------------------------------

  /** Keras' functional config: layers with their inbound nodes, input_layers, output_layers. */
  override getConfig(): Config {
    if (!this.isFunctional) throw new ArgumentError(`${this.op}.getConfig`, "a subclassed model has no layer graph to serialize; give it a getConfig of its own");
    // Node indices count this model's calls of each layer (a shared layer may also serve other graphs).
    const own = (l: Layer<SymbolicTensor | SymbolicTensor[]>) => (l instanceof InputLayer ? l.inboundNodes.slice(0, 1) : l.inboundNodes.filter((n) => this.nodes.includes(n)));
    const history = (t: SymbolicTensor): [string, number, number] => [t.node.layer.name, Math.max(0, own(t.node.layer as Layer<SymbolicTensor | SymbolicTensor[]>).indexOf(t.node)), t.index];
    const ref = (t: SymbolicTensor): Json => ({ class_name: "__keras_tensor__", config: { shape: t.shape as Json, dtype: t.dtype, keras_history: history(t) } });
    const layers = this.layerList.map((l) => {
      const nodes = l instanceof InputLayer ? [] : own(l);
      return {
        module: "keras.layers",
        class_name: l.className,
        config: l.getConfig(),
        registered_name: null,
        name: l.name,
        inbound_nodes: nodes.map((n) => {
          const args = n.inputs.map(ref);
          return { args: n.listInput ? [args] : args, kwargs: plainKwargs(n.kwargs) } as Json;
        }),
      } as Json;
    });
    const io = (ts: SymbolicTensor[]): Json[] => ts.map(history);
    return {
      name: this.name,
      trainable: this.trainable,
      layers,
      input_layers: this.inputs.length === 1 ? io(this.inputs)[0] : io(this.inputs),
      output_layers: this.singleOutput ? io(this.outputs)[0] : io(this.outputs),
    };
  }

  /** The model as Keras' JSON (`{ class_name, config }`), as model.to_json() / model.json's topology. */
  toJSON(): { class_name: string; config: Config; keras_version: string; backend: string } {
    return { class_name: this.className, config: this.getConfig(), keras_version: "3.0.0", backend: "deepscript" };
  }
}

/** Node kwargs that configs can hold (JSON values only). */
function plainKwargs(k: Readonly<Record<string, unknown>>): Json {
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(k)) {
    if (v === undefined || v instanceof Tensor) continue;
    out[key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()] = v as Json;
  }
  return out;
}

/** Keras casts model inputs to the Input's dtype (float data into an int32 Input feeds an Embedding). */
function castInput(x: Tensor, dtype: DType): Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError("Model", `inputs must be tensors, got ${typeof x}`);
  return x.dtype === dtype ? x : x.to(dtype);
}

/** TensorFlow.js' tf.model({ inputs, outputs }). */
export function model<S extends SymbolicTensor | SymbolicTensor[]>(args: ModelArgs<S>): Model<S> {
  return new Model(args);
}

