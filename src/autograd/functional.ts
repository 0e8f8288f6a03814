// Functional differentiation: ds.grad(fn) and ds.valueAndGrad(fn), as in JAX.
import { ArgumentError, GradError } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { backward } from "./backward.js";
import { filled, backendOf } from "../prims/kernel.js";

export interface GradOptions {
  /** Which arguments to differentiate with respect to: one index (→ one gradient) or several (→ an array). Default 0. */
  argnums?: number | number[];
}

type GradOf<O extends GradOptions | undefined> = O extends { argnums: number[] } ? Tensor[] : Tensor;

/**
 * Returns a function computing `[fn(...args), gradients]`. `fn` must return a one-element tensor.
 * The inputs are not modified (their `.grad` is untouched).
 * @example const [loss, g] = ds.valueAndGrad((w) => w.mul(w).sum())(ds.tensor([1, 2]));
 */
export function valueAndGrad<A extends Tensor[], O extends GradOptions | undefined = undefined>(
  fn: (...args: A) => Tensor, opts?: O,
): (...args: A) => [Tensor, GradOf<O>] {
  const argnums = opts?.argnums ?? 0;
  const list = typeof argnums === "number" ? [argnums] : argnums;
  return (...args: A) => {
    for (const i of list) {
      if (!(args[i] instanceof Tensor)) throw new ArgumentError("grad", `argument ${i} must be a Tensor to differentiate with respect to it`);
    }
    // Fresh leaves that share storage with the caller's tensors, so the caller's .grad stays untouched.
    const leaves = args.map((a, i) => (list.includes(i) ? (a as Tensor).detach().requiresGrad_(true) : a)) as A;
    const out = fn(...leaves);
    if (!(out instanceof Tensor)) throw new GradError("grad", `fn must return a Tensor, got ${typeof out}`);
    if (out.size !== 1) throw new GradError("grad", `fn must return a one-element tensor, got shape [${out.shape.join(",")}]`);
    const grads = list.map((i) => {
      const leaf = leaves[i] as Tensor;
      if (!out.requiresGrad) return filled(backendOf("grad", [leaf]), leaf.shape, leaf.dtype, 0);
      return leaf;
    });
    // Only the differentiated leaves receive gradients: tensors fn closes over keep their .grad.
    if (out.requiresGrad) backward(out, undefined, { inputs: list.map((i) => leaves[i] as Tensor) });
    const result = grads.map((g, k) => {
      if (g !== leaves[list[k]]) return g;
      const leaf = leaves[list[k]] as Tensor;
      return leaf.grad ?? filled(backendOf("grad", [leaf]), leaf.shape, leaf.dtype, 0);
    });
    const value = out.detach();
    return [value, (typeof argnums === "number" ? result[0] : result) as GradOf<O>];
  };
}

/**
 * Returns a function computing the gradient of `fn` (which returns a one-element tensor) with
 * respect to argument 0, or to the arguments listed in `argnums`.
 * @example const dx = ds.grad((x) => x.pow(3).sum())(ds.tensor([2])); // [12]
 */
export function grad<A extends Tensor[], O extends GradOptions | undefined = undefined>(
  fn: (...args: A) => Tensor, opts?: O,
): (...args: A) => GradOf<O> {
  const vg = valueAndGrad(fn, opts);
  return (...args: A) => vg(...args)[1];
}
