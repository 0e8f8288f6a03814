// Symbolic tensors of the functional API: keras.Input(...) and every layer called on one return a
// SymbolicTensor (Keras' KerasTensor) — a shape, a dtype and the node that made it — from which
// keras.Model({ inputs, outputs }) reads the graph.
import type { DType } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { fmtShape, type Shape } from "./shape.js";

/** What a node needs of its layer (the Layer class lives in layer.ts, which imports this file). */
export interface NodeLayer {
  readonly name: string;
  readonly className: string;
}

/** One call of a layer on symbolic inputs: the graph's edge list is the nodes' inputs. */
export class Node {
  readonly outputs: SymbolicTensor[] = [];
  /**
   * @param inputs the symbolic inputs, flattened
   * @param listInput whether the layer was called on a list (Concatenate, Add) rather than one tensor
   * @param kwargs the call's other (non-tensor) options, replayed when the graph runs
   */
  constructor(readonly layer: NodeLayer, readonly inputs: readonly SymbolicTensor[], readonly listInput: boolean, readonly kwargs: Readonly<Record<string, unknown>>) {}

  /** Index of this node among its layer's calls (Keras' node index, written in configs). */
  index = 0;
}

let counter = 0;

/**
 * A placeholder for a tensor in a functional model: shape (batch dim null), dtype, and the layer
 * call that produced it. Calling a layer on it records a node instead of computing.
 */
export class SymbolicTensor {
  /** Keras' automatic name (keras_tensor, keras_tensor_1, …). */
  readonly name: string;
  constructor(readonly shape: Shape, readonly dtype: DType, readonly node: Node, readonly index: number) {
    this.name = counter === 0 ? "keras_tensor" : `keras_tensor_${counter}`;
    counter++;
  }
  get rank(): number {
    return this.shape.length;
  }
  /** The layer, node index and output index that made this tensor (Keras' keras_history). */
  get kerasHistory(): [string, number, number] {
    return [this.node.layer.name, this.node.index, this.index];
  }
  toString(): string {
    return `<SymbolicTensor shape=${fmtShape(this.shape)}, dtype=${this.dtype}, name=${this.name}>`;
  }
}

export const isSymbolic = (x: unknown): x is SymbolicTensor => x instanceof SymbolicTensor;

/** Symbolic or concrete: what a layer can be called on. */
export type Arg = Tensor | SymbolicTensor;
