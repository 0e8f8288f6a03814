// keras.layers.Layer: the base of every Keras layer and model. A Keras layer is an nn.Module (its
// weights are Parameters, its state dict uses Keras' weight names), built at its first call from
// the input shape, callable on tensors (computes) or on symbolic tensors (records a graph node).
import { ArgumentError, ShapeError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import type { DType } from "../core/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { frame, keep } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { Module } from "../nn/module.js";
import { Parameter } from "../nn/parameter.js";
import { Node, SymbolicTensor, type Arg } from "./symbolic.js";
import { checkShape, fmtShape, type Shape } from "./shape.js";
import { kerasSnake, reserveName, toCamelKey, uniqueName, type Config, type Json } from "./names.js";
import * as initializers from "./initializers.js";
import * as regularizers from "./regularizers.js";
import * as constraints from "./constraints.js";

export type Args = Arg | readonly Arg[];
/** What `call` gives for symbolic inputs, made concrete (a Tensor for one output, Tensor[] for several). */
export type Concrete<S> = S extends readonly SymbolicTensor[] ? Tensor[] : Tensor;
export type LayerOutput = Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];

/** Options every call takes: `training` overrides the layer's mode (dropout, batch statistics). */
export interface CallOptions {
  training?: boolean;
  [k: string]: unknown;
}

/** Options every layer constructor takes (Keras' base Layer kwargs, in camelCase). */
export interface LayerOptions {
  name?: string;
  trainable?: boolean;
  dtype?: "float32" | "float64";
  /** Shape of one sample (no batch dim): lets a Sequential build at once, as Keras 2 and TensorFlow.js. */
  inputShape?: Shape;
  /** Shape with the batch dim (null for any batch size). */
  batchInputShape?: Shape;
  /** Fixed batch size, with inputShape. */
  batchSize?: number;
  /** TensorFlow.js' shorthand for inputShape [inputDim]. */
  inputDim?: number;
}
export const LAYER_OPTIONS = ["name", "trainable", "dtype", "inputShape", "batchInputShape", "batchSize", "inputDim"] as const;

/** Keras' InputSpec: the rank and the fixed dims a built layer accepts. */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  /** axis (negative from the end) → required size. */
  axes?: Record<number, number>;
}

/** One weight, in Keras' order, with its Keras name ("kernel", "moving_mean"). */
export interface WeightEntry {
  name: string;
  tensor: Tensor;
  trainable: boolean;
  regularizer: regularizers.Regularizer | null;
  constraint: constraints.Constraint | null;
}

export interface AddWeightOptions {
  initializer?: initializers.InitializerSpec;
  trainable?: boolean;
  regularizer?: regularizers.RegularizerSpec;
  constraint?: constraints.ConstraintSpec;
}

/** A cap on the weights layers may create (see withWeightBudget), or null for none. */
let weightBudget: { take(op: string, name: string, shape: readonly number[]): void } | null = null;

/**
 * Runs `fn` (typically building a model from a file's config) with a cap on the weights its layers
 * create: `take` is called with each weight's shape before anything is allocated for it and throws
 * to refuse it. A model loader passes the file's own weight count, so a config declaring a layer
 * far larger than the file is refused before its weights are allocated.
 */
export function withWeightBudget<T>(budget: { take(op: string, name: string, shape: readonly number[]): void }, fn: () => T): T {
  const outer = weightBudget;
  weightBudget = budget;
  try {
    return fn();
  } finally {
    weightBudget = outer;
  }
}

const shapeList = (s: Shape | Shape[]): Shape[] => (s.length > 0 && Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape]);

/**
 * Base class of Keras layers. Subclasses implement `forward` (on concrete tensors), and as needed
 * `build` (creates weights with addWeight), `computeOutputShape` and `getConfig`.
 */
export abstract class Layer<S extends SymbolicTensor | SymbolicTensor[] = SymbolicTensor> extends Module<[Args, CallOptions?], LayerOutput> {
  /** Keras' class name (class_name in configs); subclasses set it, as minifiers rename classes. */
  static className = "Layer";
  readonly name: string;
  readonly dtype: "float32" | "float64";
  built = false;
  /** The input shape the layer was built for (batch dim null). */
  buildShape: Shape | Shape[] | null = null;
  /** Declared by inputShape/batchInputShape: the shape a Sequential starts from. */
  batchInputShape: Shape | null = null;
  /** What a built layer accepts; checked at every call. */
  protected inputSpec: InputSpec[] | null = null;
  /** Symbolic calls of this layer (several when it is shared). */
  readonly inboundNodes: Node[] = [];
  private weightList: WeightEntry[] = [];
  private trainableFlag = true;

  constructor(opts: LayerOptions = {}) {
    super();
    const cls = new.target as unknown as typeof Layer;
    if (opts.name !== undefined && (typeof opts.name !== "string" || opts.name === "")) throw new ArgumentError(cls.className, `name must be a non-empty string, got ${JSON.stringify(opts.name)}`);
    if (opts.name) reserveName(opts.name);
    this.name = opts.name ?? uniqueName(kerasSnake(cls.className));
    this.dtype = opts.dtype ?? "float32";
    if (this.dtype !== "float32" && this.dtype !== "float64") throw new ArgumentError(this.op, `dtype must be "float32" or "float64", got ${JSON.stringify(opts.dtype)}`);
    if (opts.batchInputShape !== undefined) this.batchInputShape = checkShape(this.op, "batchInputShape", opts.batchInputShape);
    else if (opts.inputShape !== undefined) this.batchInputShape = [opts.batchSize ?? null, ...checkShape(this.op, "inputShape", opts.inputShape)];
    else if (opts.inputDim !== undefined) this.batchInputShape = [opts.batchSize ?? null, opts.inputDim];
    // Keras' layers run in inference mode unless fit() (or `training: true`) says otherwise.
    this.training = false;
    if (opts.trainable === false) this.trainableFlag = false;
  }

  /** The Keras class name of this layer. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** The name used in errors: Dense "dense_1". */
  get op(): string {
    return `${this.className} "${this.name}"`;
  }

  /** Whether fit updates this layer's weights (setting it on a model sets it on every layer inside). */
  get trainable(): boolean {
    return this.trainableFlag;
  }
  set trainable(v: boolean) {
    this.trainableFlag = v;
    for (const w of this.weightList) if (w.tensor instanceof Parameter) w.tensor.requiresGrad_(v && w.trainable);
    for (const l of this.sublayers()) l.trainable = v;
  }

  /** Layers inside this one (Bidirectional's two directions, a model's layers). */
  sublayers(): Layer<SymbolicTensor | SymbolicTensor[]>[] {
    return this.namedChildren().map(([, m]) => m).filter((m): m is Layer<SymbolicTensor | SymbolicTensor[]> => m instanceof Layer);
  }

  // ---- weights ------------------------------------------------------------------------------

  /**
   * Creates a weight (Keras' add_weight): a Parameter (trainable) or a buffer, stored on the
   * property `camelCase(name)` so the state dict shows Keras' name (kernel, moving_mean).
   */
  protected addWeight(name: string, shape: readonly number[], opts: AddWeightOptions = {}): Tensor {
    for (const d of shape) if (!Number.isInteger(d) || d <= 0) throw new ShapeError(this.op, `weight "${name}" needs positive integer dims, got [${shape.join(",")}]`);
    if (weightBudget) weightBudget.take(this.op, name, shape);
    const init = initializers.get(opts.initializer ?? "glorot_uniform", this.op);
    const trainable = opts.trainable ?? true;
    const value = noGrad(() => frame(() => init.make(shape, this.dtype)));
    const prop = toCamelKey(name);
    let tensor: Tensor;
    if (trainable) {
      tensor = new Parameter(value, this.trainableFlag);
      (this as unknown as Record<string, Tensor>)[prop] = tensor;
    } else {
      tensor = keep(value);
      this.registerBuffer(prop, tensor);
    }
    this.weightList.push({ name, tensor, trainable, regularizer: regularizers.get(opts.regularizer ?? null, this.op), constraint: constraints.get(opts.constraint ?? null, this.op) });
    return tensor;
  }

  /** This layer's weights and its sublayers', in Keras' order, with their names. */
  weightEntries(): WeightEntry[] {
    const own = this.weightList.map((w) => ({ ...w, trainable: w.trainable && this.trainableFlag }));
    return [...own, ...this.sublayers().flatMap((l) => l.weightEntries())];
  }

  /** All weights (trainable first within each layer, as Keras creates them). */
  get weights(): Tensor[] {
    return this.weightEntries().map((w) => w.tensor);
  }
  get trainableWeights(): Tensor[] {
    return this.weightEntries().filter((w) => w.trainable).map((w) => w.tensor);
  }
  get nonTrainableWeights(): Tensor[] {
    return this.weightEntries().filter((w) => !w.trainable).map((w) => w.tensor);
  }

  /** Copies of the weights' values (Keras' get_weights). */
  getWeights(): Tensor[] {
    return noGrad(() => this.weights.map((w) => keep(w.clone())));
  }

  /** Writes values into the weights, in `weights` order; every shape is checked before any write. */
  setWeights(values: readonly (Tensor | ds.NestedInput)[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) throw new ArgumentError(`${this.op}.setWeights`, `expected ${ws.length} arrays (${this.weightEntries().map((w) => w.name).join(", ")}), got ${values.length}`);
    const ts = values.map((v) => (v instanceof Tensor ? v : ds.tensor(v as ds.NestedInput)));
    ts.forEach((t, i) => {
      if (t.shape.join(",") !== ws[i].shape.join(",")) {
        throw new ShapeError(`${this.op}.setWeights`, `weight ${i} (${this.weightEntries()[i].name}) has shape [${ws[i].shape}], got [${t.shape}]`);
      }
    });
    noGrad(() => ts.forEach((t, i) => ws[i].copy_(t)));
  }

  /** Number of scalars in the weights. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Sum of the weight regularizers' penalties (Keras' layer.losses), or null when there are none. */
  regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const w of this.weightEntries()) {
      if (!w.regularizer) continue;
      const p = w.regularizer.penalty(w.tensor);
      total = total ? total.add(p) : p;
    }
    return total;
  }

  /** Projects the constrained weights (called after each optimizer step). */
  applyConstraints(): void {
    noGrad(() => {
      for (const w of this.weightEntries()) if (w.constraint) w.tensor.copy_(w.constraint.apply(w.tensor));
    });
  }

  // ---- building and calling -------------------------------------------------------------------

  /** Creates the weights for an input shape (batch dim null). Layers without weights need not override. */
  build(_inputShape: Shape | Shape[]): void {}

  /** The output shape for an input shape and call options (Keras' compute_output_shape); default: unchanged. */
  computeOutputShape(inputShape: Shape | Shape[], _kwargs?: CallOptions): Shape | Shape[] {
    return inputShape;
  }

  /** The output dtype(s) for the input dtypes; default: the layer's dtype. */
  protected computeOutputDtype(_inputDtypes: DType[]): DType {
    return this.dtype;
  }

  /** Builds once, from the first input shape (what a call does; also callable by hand, as Keras' build). */
  maybeBuild(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    if (this.batchInputShape && !Array.isArray(inputShape[0])) {
      const s = inputShape as Shape;
      const want = this.batchInputShape;
      const ok = s.length === want.length && want.every((d, i) => d === null || s[i] === null || s[i] === d);
      if (!ok) throw new ShapeError(this.op, `declared input shape ${fmtShape(want)} does not match the input ${fmtShape(s)}`);
    }
    noGrad(() => frame(() => this.build(inputShape)));
    this.buildShape = inputShape;
    this.built = true;
  }

  /** Checks inputs against the layer's InputSpec (rank, fixed dims) and says what it expected. */
  protected checkInputs(shapes: Shape[]): void {
    if (!this.inputSpec) return;
    shapes.forEach((s, k) => {
      const spec = this.inputSpec![Math.min(k, this.inputSpec!.length - 1)];
      const which = shapes.length > 1 ? `input ${k} ` : "input ";
      if (spec.ndim !== undefined && s.length !== spec.ndim) throw new ShapeError(this.op, `expected ${which}of rank ${spec.ndim} (batch included), got shape ${fmtShape(s)}`);
      if (spec.minNdim !== undefined && s.length < spec.minNdim) throw new ShapeError(this.op, `expected ${which}of rank at least ${spec.minNdim}, got shape ${fmtShape(s)}`);
      for (const [a, size] of Object.entries(spec.axes ?? {})) {
        const axis = Number(a) < 0 ? s.length + Number(a) : Number(a);
        if (s[axis] !== null && s[axis] !== size) {
          throw new ShapeError(this.op, `expected ${which}with ${size} at axis ${a} (the layer was built for that), got shape ${fmtShape(s)}`);
        }
      }
    });
  }

  /**
   * Keras' `layer(x)`: on tensors, builds if needed and computes; on symbolic tensors (keras.Input
   * and what layers return from it), records a node and returns symbolic outputs.
   */
  override call(inputs: SymbolicTensor | readonly SymbolicTensor[], kwargs?: CallOptions): S;
  override call(inputs: Tensor | readonly Tensor[], kwargs?: CallOptions): Concrete<S>;
  override call(inputs: Args, kwargs?: CallOptions): LayerOutput;
  override call(inputs: Args, kwargs: CallOptions = {}): LayerOutput {
    const list: readonly Arg[] = Array.isArray(inputs) ? inputs : [inputs as Arg];
    const isList = Array.isArray(inputs);
    if (list.length === 0) throw new ArgumentError(this.op, "called on an empty list of inputs");
    const symbolic = list.filter((x) => x instanceof SymbolicTensor).length;
    if (symbolic > 0 && symbolic < list.length) throw new ArgumentError(this.op, "inputs mix symbolic tensors (keras.Input) and concrete tensors; make the constants inputs too");
    if (!symbolic && !list.every((x) => x instanceof Tensor)) throw new ArgumentError(this.op, `expected tensors or symbolic tensors, got ${list.map((x) => (x === null ? "null" : typeof x)).join(", ")}`);
    const shapes: Shape[] = list.map((x) => (x instanceof SymbolicTensor ? x.shape : [null, ...(x as Tensor).shape.slice(1)]));
    const shapeArg: Shape | Shape[] = isList ? shapes : shapes[0];
    this.maybeBuild(shapeArg);
    this.checkInputs(shapes);
    if (symbolic) return this.callSymbolic(list as SymbolicTensor[], isList, shapeArg, kwargs);
    let xs = list as Tensor[];
    // Keras' autocast: floating inputs take the layer's float dtype.
    if (this.autocast) xs = xs.map((x) => ((x.dtype === "float32" || x.dtype === "float64") && x.dtype !== this.dtype ? x.to(this.dtype) : x));
    return super.call(isList ? xs : xs[0], kwargs);
  }

  /** Whether floating inputs are cast to the layer's dtype (off for layers that pass data through untouched). */
  protected get autocast(): boolean {
    return true;
  }

  private callSymbolic(inputs: SymbolicTensor[], isList: boolean, shapes: Shape | Shape[], kwargs: CallOptions): LayerOutput {
    const out = this.computeOutputShape(shapes, kwargs);
    const outShapes = shapeList(out);
    const multi = out.length > 0 && Array.isArray(out[0]);
    const node = new Node(this, inputs, isList, kwargs);
    node.index = this.inboundNodes.length;
    this.inboundNodes.push(node);
    const dtype = this.computeOutputDtype(inputs.map((x) => x.dtype));
    outShapes.forEach((s, i) => node.outputs.push(new SymbolicTensor(s, dtype, node, i)));
    return multi ? node.outputs.slice() : node.outputs[0];
  }

  /**
   * The symbolic output of the layer's one call in a graph (Keras' layer.output), e.g. to cut a
   * feature extractor out of a model: `new keras.Model({ inputs: model.inputs, outputs: model.getLayer("conv").output })`.
   */
  get output(): S {
    const node = this.onlyNode("output");
    return (node.outputs.length === 1 ? node.outputs[0] : node.outputs.slice()) as S;
  }
  /** The symbolic input(s) of the layer's one call in a graph (Keras' layer.input). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.onlyNode("input");
    return node.inputs.length === 1 && !node.listInput ? node.inputs[0] : node.inputs.slice();
  }
  private onlyNode(what: string): Node {
    if (this.inboundNodes.length === 0) throw new ArgumentError(`${this.op}.${what}`, "the layer has not been called on symbolic tensors (keras.Input) yet");
    if (this.inboundNodes.length > 1) throw new ArgumentError(`${this.op}.${what}`, `the layer was called ${this.inboundNodes.length} times (shared); take the tensors its calls returned instead`);
    return this.inboundNodes[0];
  }

  /** TensorFlow.js' `layer.apply(x)` (the same as call); with a function, nn.Module's apply(fn). */
  override apply(fn: (m: Module<never[], unknown>) => void): this;
  override apply(inputs: Args, kwargs?: CallOptions): LayerOutput;
  override apply(a: ((m: Module<never[], unknown>) => void) | Args, kwargs?: CallOptions): this | LayerOutput {
    if (typeof a === "function") return super.apply(a);
    return this.call(a, kwargs);
  }

  /** Whether this call runs in training mode: the `training` option, else the layer's mode. */
  protected isTraining(kwargs: CallOptions | undefined): boolean {
    return kwargs?.training ?? this.training;
  }

  // ---- configuration ------------------------------------------------------------------------

  /** Keras' get_config: the constructor arguments as a snake_case dict (name, trainable, dtype, …). */
  getConfig(): Config {
    const c: Config = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) c.batch_input_shape = this.batchInputShape as Json;
    return c;
  }

  protected override extraRepr(): string {
    return `name=${this.name}`;
  }
}

/** Checks a layer's options object: its own keys plus the base Layer's. */
export function layerOptions<T extends object>(op: string, opts: T | undefined, own: readonly string[]): T {
  return checkOptions(op, opts ?? {}, [...own, ...LAYER_OPTIONS]) as T;
}

/** The single tensor of a one-input layer's call (a list of one is accepted, as Keras does). */
export function one(op: string, x: Args): Tensor {
  const t = Array.isArray(x) ? (x.length === 1 ? x[0] : null) : x;
  if (!(t instanceof Tensor)) throw new ArgumentError(op, `expected one tensor, got ${Array.isArray(x) ? `a list of ${x.length}` : typeof x}`);
  return t;
}

/** The tensors of a list-input layer's call. */
export function many(op: string, x: Args, min = 2): Tensor[] {
  if (!Array.isArray(x) || x.length < min || !x.every((t) => t instanceof Tensor)) throw new ArgumentError(op, `expected a list of at least ${min} tensors`);
  return x as Tensor[];
}

/** The one shape of a one-input layer. */
export function oneShape(op: string, s: Shape | Shape[]): Shape {
  if (s.length > 0 && Array.isArray(s[0])) {
    if (s.length !== 1) throw new ArgumentError(op, `expected one input, got ${s.length}`);
    return (s as Shape[])[0];
  }
  return s as Shape;
}
