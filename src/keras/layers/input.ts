// keras.Input and InputLayer: the entry points of a functional model.
import { ArgumentError } from "../../core/errors.js";
import { checkOptions } from "../../core/options.js";
import type { DType } from "../../core/dtype.js";
import { Layer, one, type Args } from "../layer.js";
import { Node, SymbolicTensor } from "../symbolic.js";
import { checkShape, type Shape } from "../shape.js";
import type { Config, Json } from "../names.js";
import type { Tensor } from "../../tensor/tensor.js";

export interface InputOptions {
  /** Shape of one sample, without the batch dim (null for a dim of any size, e.g. a sequence length). */
  shape?: Shape;
  /** Shape with the batch dim (Keras' batch_shape). */
  batchShape?: Shape;
  batchSize?: number | null;
  dtype?: DType;
  name?: string;
  /** Keras 3 option; only false is supported (tensors here are dense). */
  sparse?: boolean;
}

/** The layer behind keras.Input: no weights; its node starts the graph. */
export class InputLayer extends Layer {
  static override className = "InputLayer";
  readonly batchShape: Shape;
  readonly inputDtype: DType;

  constructor(opts: InputOptions = {}) {
    checkOptions("InputLayer", opts, ["shape", "batchShape", "batchSize", "dtype", "name", "sparse"]);
    if (opts.sparse) throw new ArgumentError("InputLayer", "sparse inputs are not supported");
    super({ name: opts.name });
    if (opts.batchShape !== undefined) this.batchShape = checkShape(this.op, "batchShape", opts.batchShape);
    else if (opts.shape !== undefined) this.batchShape = [opts.batchSize ?? null, ...checkShape(this.op, "shape", opts.shape)];
    else throw new ArgumentError(this.op, "a shape is required (shape: [28, 28, 1], without the batch dim)");
    this.inputDtype = opts.dtype ?? "float32";
    if (!["float32", "float64", "int32", "bool"].includes(this.inputDtype)) throw new ArgumentError(this.op, `unknown dtype ${JSON.stringify(opts.dtype)}`);
    this.batchInputShape = this.batchShape;
    this.built = true;
    this.buildShape = this.batchShape;
    const node = new Node(this, [], false, {});
    this.inboundNodes.push(node);
    node.outputs.push(new SymbolicTensor(this.batchShape, this.inputDtype, node, 0));
  }

  forward(x: Args): Tensor {
    return one(this.op, x);
  }

  protected override get autocast(): boolean {
    return false;
  }

  override getConfig(): Config {
    return { batch_shape: this.batchShape as Json, dtype: this.inputDtype, sparse: false, name: this.name };
  }
}

/**
 * A symbolic input of a functional model (Keras' keras.Input / TensorFlow.js' tf.input).
 * @example const x = keras.Input({ shape: [28, 28, 1] }); // or keras.Input([28, 28, 1])
 */
export function Input(shapeOrOptions: Shape | InputOptions, opts: Omit<InputOptions, "shape"> = {}): SymbolicTensor {
  const o = Array.isArray(shapeOrOptions) ? { ...opts, shape: shapeOrOptions } : shapeOrOptions;
  return new InputLayer(o).output as SymbolicTensor;
}
