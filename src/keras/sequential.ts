// keras.Sequential: a stack of layers, each fed the previous one's output. Built as soon as its
// input shape is known (a keras.Input first, or inputShape on the first layer), else at its
// first call; each layer's output shape is recorded for summary().
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { Layer, type Args, type CallOptions } from "./layer.js";
import { Input, InputLayer } from "./layers/input.js";
import { Model } from "./model.js";
import { SymbolicTensor } from "./symbolic.js";
import type { Shape } from "./shape.js";
import type { Config, Json } from "./names.js";

type AnyLayer = Layer<SymbolicTensor | SymbolicTensor[]>;
export interface SequentialOptions {
  name?: string;
  trainable?: boolean;
  /** TensorFlow.js' tf.sequential({ layers }). */
  layers?: (AnyLayer | SymbolicTensor)[];
}

/**
 * Layers applied one after another.
 * @example
 * const model = new keras.Sequential([
 *   keras.Input({ shape: [784] }),
 *   new keras.layers.Dense(64, { activation: "relu" }),
 *   new keras.layers.Dense(10, { activation: "softmax" }),
 * ]);
 */
export class Sequential extends Model {
  static override className = "Sequential";
  private stack: AnyLayer[] = [];
  private inputLayer: InputLayer | null = null;
  private shapes = new Map<AnyLayer, Shape>();

  constructor(layers?: (AnyLayer | SymbolicTensor)[] | SequentialOptions, opts: SequentialOptions = {}) {
    const o = Array.isArray(layers) ? { ...opts, layers } : { ...(layers ?? {}), ...opts };
    super({ name: o.name, trainable: o.trainable });
    for (const l of o.layers ?? []) this.add(l);
  }

  /** The layers (no InputLayer), in order. */
  override get layers(): AnyLayer[] {
    return this.stack.slice();
  }

  override get isFunctional(): boolean {
    return false;
  }

  /** Appends a layer (or, first, a keras.Input that fixes the input shape). */
  add(layer: AnyLayer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (this.stack.length || this.inputLayer) throw new ArgumentError(`${this.op}.add`, "a keras.Input can only come first");
      if (!(layer.node.layer instanceof InputLayer)) throw new ArgumentError(`${this.op}.add`, "only a keras.Input tensor can start a Sequential; add layers, not their outputs");
      this.inputLayer = layer.node.layer;
      this.batchInputShape = this.inputLayer.batchShape;
      this.built = false;
      this.maybeBuild(this.batchInputShape);
      return;
    }
    if (!(layer instanceof Layer)) throw new ArgumentError(`${this.op}.add`, `expected a keras layer, got ${typeof layer}`);
    if (layer instanceof InputLayer) {
      this.add(layer.output);
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) throw new ArgumentError(`${this.op}.add`, `a layer named "${layer.name}" is already in the model`);
    this.stack.push(layer);
    if (this.stack.length === 1 && !this.inputLayer && layer.batchInputShape) this.batchInputShape = layer.batchInputShape;
    if (this.built) {
      this.buildLayer(layer, this.outputs[0]);
    } else if (this.batchInputShape) {
      this.maybeBuild(this.batchInputShape);
    }
  }

  /** Removes the last layer. */
  pop(): AnyLayer {
    const l = this.stack.pop();
    if (!l) throw new ArgumentError(`${this.op}.pop`, "the model has no layers");
    this.shapes.delete(l);
    if (this.built) {
      const last = this.stack[this.stack.length - 1];
      this.outputs.splice(0, this.outputs.length, last ? (last.inboundNodes[last.inboundNodes.length - 1].outputs[0]) : this.inputs[0]);
    }
    return l;
  }

  // Calls the layer on the symbolic output so far (building it), as Keras 3 does: layers then have
  // `output`, and the model `inputs`/`outputs`, for cutting out sub-models.
  private buildLayer(layer: AnyLayer, x: SymbolicTensor): SymbolicTensor {
    const out = layer.call(x);
    if (Array.isArray(out)) throw new ArgumentError(this.op, `layer "${layer.name}" has several outputs; a Sequential needs one per layer (use a functional keras.Model)`);
    this.shapes.set(layer, out.shape);
    this.outputs.splice(0, this.outputs.length, out);
    return out;
  }

  override build(inputShape: Shape | Shape[]): void {
    if (Array.isArray(inputShape[0])) throw new ArgumentError(this.op, "a Sequential takes one input");
    const input = this.inputLayer ? (this.inputLayer.output as SymbolicTensor) : Input({ batchShape: inputShape as Shape });
    this.inputs.splice(0, this.inputs.length, input);
    this.outputs.splice(0, this.outputs.length, input);
    let x = input;
    for (const l of this.stack) x = this.buildLayer(l, x);
  }

  /** The output shape recorded for a layer when the model was built (for summary). */
  layerOutputShape(layer: AnyLayer): Shape | null {
    return this.shapes.get(layer) ?? null;
  }

  override namedChildren(): [string, Module<never[], unknown>][] {
    return this.stack.map((l) => [l.name, l as unknown as Module<never[], unknown>]);
  }

  override get outputNames(): string[] {
    return [this.stack[this.stack.length - 1]?.name ?? "output"];
  }

  override forward(inputs: Args, kwargs?: CallOptions): Tensor {
    if (!this.stack.length) throw new ArgumentError(this.op, "the model has no layers");
    let x = inputs as Tensor;
    if (this.inputLayer && x.dtype !== this.inputLayer.inputDtype) x = x.to(this.inputLayer.inputDtype);
    const training = kwargs?.training;
    for (const l of this.stack) x = l.call(x, training === undefined ? {} : { training }) as Tensor;
    return x;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    let s = inputShape as Shape;
    for (const l of this.stack) s = l.computeOutputShape(s) as Shape;
    return s;
  }

  override getConfig(): Config {
    const layers: Json[] = [];
    const shape = this.buildShape as Shape | null;
    if (shape) {
      const input = this.inputLayer ?? null;
      layers.push({
        module: "keras.layers", class_name: "InputLayer", registered_name: null,
        config: { batch_shape: shape as Json, dtype: input?.inputDtype ?? "float32", sparse: false, name: input?.name ?? "input_layer" },
      });
    }
    let s = shape;
    for (const l of this.stack) {
      layers.push({ module: "keras.layers", class_name: l.className, config: l.getConfig(), registered_name: null, ...(s ? { build_config: { input_shape: s as Json } } : {}) });
      s = s ? (this.shapes.get(l) ?? null) : null;
    }
    return { name: this.name, trainable: this.trainable, dtype: this.dtype, layers, ...(shape ? { build_input_shape: shape as Json } : {}) };
  }
}

/** TensorFlow.js' tf.sequential({ layers, name }). */
export function sequential(opts: SequentialOptions = {}): Sequential {
  return new Sequential(opts);
}
