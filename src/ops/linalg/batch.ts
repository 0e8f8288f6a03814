// Moving batches of matrices between tensors and the float64 numerics of dense.ts: reads a
// [..., m, n] tensor as a list of matrices, writes results back in the input's float dtype.
import { isFloat, type DType } from "../../core/dtype.js";
import { DTypeError, ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { backendOf, wrap } from "../../prims/kernel.js";
import { mat, type Mat } from "./dense.js";

/** The float dtype results come in: float32 and float64 stay, anything else is refused (as torch.linalg). */
export function floatDType(op: string, x: Tensor): DType {
  if (!isFloat(x.dtype)) throw new DTypeError(`linalg.${op}`, `expects a float32 or float64 tensor, got ${x.dtype}; cast first with .float() or .double()`);
  return x.dtype;
}

/** Refuses anything but a (batch of) matrices [..., m, n]; with `square`, m must equal n. */
export function checkMatrix(op: string, x: Tensor, square = false): void {
  if (x.ndim < 2) throw new ShapeError(`linalg.${op}`, `expects a matrix or a batch of matrices [..., m, n], got shape ${fmtShape(x.shape)}`);
  const [m, n] = x.shape.slice(-2);
  if (square && m !== n) throw new ShapeError(`linalg.${op}`, `expects square matrices [..., n, n], got shape ${fmtShape(x.shape)}`);
  floatDType(op, x);
}

/** The matrices of x [..., m, n], each copied to float64. */
export function readMats(x: Tensor): Mat[] {
  const [m, n] = x.shape.slice(-2);
  const data = x.dataSync();
  const count = m * n === 0 ? x.shape.slice(0, -2).reduce((a, b) => a * b, 1) : data.length / (m * n);
  const out: Mat[] = [];
  for (let b = 0; b < count; b++) out.push(mat(m, n, Float64Array.from(data.subarray(b * m * n, (b + 1) * m * n))));
  return out;
}

/** A tensor of `shape` and `dtype` on x's backend from float64 values. */
export function fromValues(like: Tensor, values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const be = backendOf("linalg", [like]);
  return wrap(be, be.fromArray(dtype, values), shape);
}

/** Stacks per-matrix results (each `inner` shaped) into [...batch, ...inner]. */
export function stackMats(like: Tensor, batch: readonly number[], parts: readonly ArrayLike<number>[], inner: readonly number[], dtype: DType): Tensor {
  const per = inner.reduce((a, b) => a * b, 1);
  const all = new Float64Array(parts.length * per);
  parts.forEach((p, i) => all.set(p as ArrayLike<number>, i * per));
  return fromValues(like, all, [...batch, ...inner], dtype);
}
