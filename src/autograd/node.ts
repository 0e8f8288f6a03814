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
  /**
   * The tensors the vjp may read besides its output (inputs, saved extras), each holding one graph
   * reference so that frames and scopes cannot free them before backward; null once released.
   * The output needs none: backward can only reach it through a handle someone still holds.
   */
  held: Tensor[] | null;
}

/**
 * Records `out` as the result of op `name` on `inputs` when recording is on and any input needs
 * a gradient. The vjp may return gradients in a broadcast shape; the backward driver reduces them.
 * `saved` lists any other tensor the vjp reads (an index, a mask, per-step states).
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], vjp: Vjp, saved: readonly Tensor[] = []): Tensor {
  if (isGradEnabled() && inputs.some((t) => t.requiresGrad)) {
    const held = saved.length ? [...inputs, ...saved] : inputs.slice();
    for (const t of held) t._graphRefs++;
    out._node = { name, inputs, vjp, held };
    out._requiresGrad = true;
  }
  return out;
}

/**
 * Drops a node's graph references: tensors disposed meanwhile (by a frame or scope) go now, and
 * with them their own nodes, and so on up the graph (iteratively: graphs can be very deep).
 */
export function releaseNode(node: GradNode): void {
  const work: GradNode[] = [node];
  while (work.length) {
    const held = work.pop()!.held;
    if (!held) continue;
    for (const t of held) {
      if (--t._graphRefs === 0 && t._disposeAsked !== null) {
        const next = t._node;
        t.dispose(t._disposeAsked, true);
        if (next) work.push(next);
      }
    }
    held.length = 0;
  }
  node.held = null;
}
