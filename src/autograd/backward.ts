// The backward driver: topological order, gradient accumulation, unbroadcasting, graph release.
import { GradError, ShapeError, fmtShape } from "../core/errors.js";
import { shapesEqual } from "../core/shape.js";
import { isFloat } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { keep, scope, type Owned } from "../tensor/memory.js";
import { noGrad } from "./mode.js";
import { releaseNode } from "./node.js";
import { assignExpr, contiguous, copy, sumTo } from "../prims/movement.js";
import * as ir from "../ir/expr.js";
import { add, cast } from "../prims/elementwise.js";
import { filled, backendOf } from "../prims/kernel.js";
import { gradAssigned } from "../prims/trace_hook.js";

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (PyTorch's retain_graph). */
  retainGraph?: boolean;
  /** Accumulate into the `.grad` of these leaves only (PyTorch's `inputs`); default: every leaf reached. */
  inputs?: readonly Tensor[];
}

/** Tensors reachable from root through recorded nodes, inputs before outputs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS: deep graphs (long RNN unrolls) would overflow the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t._node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const u = inputs[i];
      if (u.requiresGrad && !seen.has(u)) {
        seen.add(u);
        stack.push([u, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/**
 * Accumulates d(root)/d(leaf) into every leaf's `.grad`. `grad` is the upstream gradient; it may
 * be omitted only for a one-element root.
 */
export function backward(root: Tensor, grad?: Tensor, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new GradError("backward", "the tensor does not require grad and has no graph (did you call requiresGrad_() on the inputs, or run under noGrad?)");
  }
  if (grad === undefined && root.size !== 1) {
    throw new GradError("backward", `grad can be implicitly created only for scalar outputs; this tensor has shape ${fmtShape(root.shape)} — pass a gradient of that shape`);
  }
  if (grad !== undefined && !shapesEqual(grad.shape, root.shape)) {
    throw new ShapeError("backward", `gradient shape ${fmtShape(grad.shape)} does not match the tensor's shape ${fmtShape(root.shape)}`);
  }
  const order = topoOrder(root);
  for (const t of order) {
    if (t._node && t._node.vjp === null) {
      throw new GradError("backward", `trying to backward through the graph a second time (op "${t._node.name}"): its intermediate results were freed after the first backward; pass { retainGraph: true } to the first call`);
    }
  }
  noGrad(() => scope(() => {
    const grads = new Map<Tensor, Tensor>();
    const assigned = new Set<Owned>(grad ? [grad._owned()] : []);
    grads.set(root, grad ?? filled(backendOf("backward", [root]), root.shape, root.dtype, 1));
    const only = opts.inputs ? new Set(opts.inputs) : null;
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (!g) continue;
      const node = t._node;
      if (!node) {
        if (!only || only.has(t)) accumulateLeaf(t, g, assigned);
        continue;
      }
      const gs = node.vjp!(g);
      node.inputs.forEach((u, k) => {
        const gu = gs[k];
        if (!u.requiresGrad || !gu) return;
        let r = sumTo(gu, u.shape);
        if (r.dtype !== u.dtype && isFloat(u.dtype)) r = cast(r, u.dtype);
        const prev = grads.get(u);
        grads.set(u, prev ? add(prev, r) : r);
      });
      grads.delete(t);
    }
  }));
  // Without retainGraph the graph is spent: its saved tensors go now (PyTorch frees them too), so a
  // second backward through it fails with the message above.
  if (!opts.retainGraph) {
    for (const t of order) {
      const node = t._node;
      if (!node) continue;
      node.vjp = null;
      releaseNode(node);
    }
  }
}

function accumulateLeaf(leaf: Tensor, g: Tensor, assigned: Set<Owned>): void {
  const prev = leaf.grad;
  if (prev && !prev.isDisposed && prev.isContiguous() && prev.dtype === g.dtype && !assigned.has(prev._owned())) {
    // Accumulate in place, as PyTorch does: whoever holds `.grad` sees the sum, and nothing is left over.
    assignExpr(prev, ir.binary("add", ir.input(0), ir.input(1)), [prev, g]);
    assigned.add(prev._owned());
    return;
  }
  let next = prev && !prev.isDisposed ? add(prev, g) : contiguous(g);
  // One storage may hold the gradient of two leaves (add's vjp passes g to both, possibly through
  // views such as reshape) or be the caller's own gradient: give each leaf its own copy so
  // disposing or writing to one never touches another. Compared by storage, not by handle.
  if (assigned.has(next._owned())) next = copy(next);
  assigned.add(next._owned());
  // The gradient outlives the backward pass: it belongs to the leaf, not to any scope.
  leaf.grad = keep(next);
  gradAssigned(leaf);
}
