// A node of the define-by-run graph: the op that made a tensor, its inputs, and its vjp.
import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled } from "./mode.js";

/** Maps the gradient of an op's output to the gradients of its inputs (null: no gradient). */
export type Vjp = (g: Tensor) => readonly (Tensor | null)[];

export interface GradNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Null once backward has run without retainGraph. */
  vjp: Vjp | null;
}

/**
 * Records `out` as the result of op `name` on `inputs` when recording is on and any input needs
 * a gradient. The vjp may return gradients in a broadcast shape; the backward driver reduces them.
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], vjp: Vjp): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    out._node = { name, inputs, vjp };
    out._requiresGrad = true;
  }
  return out;
}
