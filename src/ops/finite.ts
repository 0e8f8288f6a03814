// Finiteness checks: ds.checkFinite for hand-written loops (fit checks its loss itself), and the
// test that optimizers built with { checkFinite: true } run on every gradient before a step.
import { ArgumentError, NonFiniteError, fmtShape } from "../core/errors.js";
import { isFloat } from "../core/dtype.js";
import * as ir from "../ir/expr.js";
import { Tensor } from "../tensor/tensor.js";
import { frame } from "../tensor/memory.js";
import { runKernel } from "../prims/kernel.js";

// Σ x·0 over every element, as one fused kernel: 0 exactly when every x is finite, NaN otherwise.
const ZERO_SUM = ir.binary("mul", ir.input(0), ir.constant(0));

/** Whether every element is finite (no NaN, no ±Infinity): one kernel on the tensor's device and one number read. */
export function allFinite(t: Tensor): boolean {
  if (!isFloat(t.dtype) || t.size === 0) return true;
  if (t.size === 1) return Number.isFinite(t.item());
  const axes = t.shape.map((_, i) => i);
  return frame(() => Number.isFinite(runKernel("checkFinite", { expr: ZERO_SUM, dtype: t.dtype, reduce: { op: "sum", axes } }, [t], t.shape).item()));
}

/**
 * Where a tensor is not finite, for an error message: `loss is NaN`, or
 * `w has Infinity at [2,0] (shape [4,3]; 3 of 12 values are NaN or infinite)`. Reads the data.
 */
export function describeNonFinite(t: Tensor, name: string): string {
  const data = t.dataSync();
  let first = -1, count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return `${name} is finite`;
  const v = data[first];
  const what = v !== v ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (t.ndim === 0) return `${name} is ${what}`;
  const at: number[] = [];
  for (let d = t.ndim - 1, rest = first; d >= 0; d--) {
    at.unshift(rest % t.shape[d]);
    rest = Math.floor(rest / t.shape[d]);
  }
  return `${name} has ${what} at ${fmtShape(at)} (shape ${fmtShape(t.shape)}; ${count} of ${t.size} values are NaN or infinite)`;
}

/**
 * Throws NonFiniteError when `t` holds a NaN or an infinity, naming it and where the first one is;
 * returns `t` otherwise, so it chains. The protection `fit` gives its loss, for hand-written loops.
 * Integer and bool tensors are always finite.
 * @example
 * const loss = ds.checkFinite(nn.F.crossEntropy(model.call(x), y), "loss"); // checkFinite: loss is NaN
 * loss.backward();
 */
export function checkFinite<T extends Tensor>(t: T, name = "tensor"): T {
  if (!(t instanceof Tensor)) throw new ArgumentError("checkFinite", `expected a tensor, got ${t === null ? "null" : typeof t}`);
  if (typeof name !== "string") throw new ArgumentError("checkFinite", `name must be a string, got ${typeof name}`);
  if (!allFinite(t)) throw new NonFiniteError("checkFinite", describeNonFinite(t, name));
  return t;
}
