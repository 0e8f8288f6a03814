// Reduction primitives (sum, prod, max, min, argmax, argmin over any set of dims) and their vjps.
import { type DType, isFloat } from "../core/dtype.js";
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { normDims, sizeOf } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import type { ReduceOp } from "../ir/expr.js";
import { record } from "../autograd/node.js";
import { Tensor } from "../tensor/tensor.js";
import { runKernel } from "./kernel.js";
import { binary, cast, div, mul, where } from "./elementwise.js";
import { expand, reshape } from "./movement.js";

export type Dims = number | readonly number[] | null | undefined;

function reduceDType(op: ReduceOp, d: DType): DType {
  if (op === "argmax" || op === "argmin") return "int32";
  // bool and uint8 sums widen to int32 (PyTorch: int64; deepscript's widest integer is int32).
  if (op === "sum" || op === "prod") return d === "bool" || d === "uint8" ? "int32" : d;
  return d;
}

/** The kept shape after reducing `axes` (with keepdim, size 1 there; without, removed). */
function reducedShape(shape: readonly number[], axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Applies a reduction primitive over `dim` (all dims when omitted). */
export function reduce(op: ReduceOp, x: Tensor, dim: Dims, keepdim = false): Tensor {
  if ((op === "argmax" || op === "argmin") && (dim === undefined || dim === null) && x.ndim > 1) {
    // Over all elements: index into the flattened tensor, as PyTorch does (keepdim: all dims size 1).
    const flat = reduce(op, reshape(x, [x.size]), 0, false);
    return keepdim ? reshape(flat, x.shape.map(() => 1)) : flat;
  }
  const axes = normDims(op, dim, x.ndim);
  if ((op === "argmax" || op === "argmin") && axes.length > 1) {
    throw new ArgumentError(op, `takes one dim or none, got ${JSON.stringify(dim)}`);
  }
  if ((op !== "sum" && op !== "prod") && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(op, `cannot reduce an empty dimension of a tensor of shape ${fmtShape(x.shape)} (no identity for ${op})`);
  }
  const dtype = reduceDType(op, x.dtype);
  const keep = runKernel(op, { expr: ir.input(0), dtype, reduce: { op, axes } }, [x], x.shape);
  const y = keepdim ? keep : reshape(keep, reducedShape(x.shape, axes, false));
  if (!isFloat(dtype)) return y;
  const keptShape = keep.shape;
  return record(y, op, [x], (g) => {
    const gk = expand(reshape(g, keptShape), x.shape);
    switch (op) {
      case "sum": return [gk];
      case "prod": return [mul(gk, prodGradFactor(x, reshape(y, keptShape), axes))];
      default: {
        // max/min: the gradient is shared evenly among the elements that attain the extreme.
        const hit = cast(binary("eq", x, expand(reshape(y, keptShape), x.shape)), x.dtype);
        const count = runKernel("sum", { expr: ir.input(0), dtype: x.dtype, reduce: { op: "sum", axes } }, [hit], x.shape);
        return [div(mul(gk, hit), count)];
      }
    }
  });
}

// d prod / d x_i = prod of the others; exact also when the line holds zeros.
function prodGradFactor(x: Tensor, yKeep: Tensor, axes: number[]): Tensor {
  const isZero = binary("eq", x, 0);
  const zeros = runKernel("prod", { expr: ir.cast("int32", ir.input(0)), dtype: "int32", reduce: { op: "sum", axes } }, [isZero], x.shape);
  const nonZeroProd = runKernel("prod", { expr: ir.where(ir.input(0), ir.constant(1), ir.input(1)), dtype: x.dtype, reduce: { op: "prod", axes } }, [isZero, x], x.shape);
  const noZero = div(yKeep, x);
  const oneZero = where(isZero, nonZeroProd, 0);
  return where(binary("eq", zeros, 0), noZero, where(binary("eq", zeros, 1), oneZero, 0));
}

export const sum = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce("sum", x, dim, keepdim);

/**
 * Position of the first maximum over the last `n` dims taken together, as a row-major flat index
 * into them (int32, no gradient): what max pooling needs to pick one element per window.
 */
export function argmaxLast(x: Tensor, n: number): Tensor {
  const axes = Array.from({ length: n }, (_, i) => x.ndim - n + i);
  if (axes.some((a) => x.shape[a] === 0)) throw new ShapeError("argmax", `cannot reduce an empty dimension of a tensor of shape ${fmtShape(x.shape)}`);
  const keep = runKernel("argmax", { expr: ir.input(0), dtype: "int32", reduce: { op: "argmax", axes } }, [x], x.shape);
  return reshape(keep, x.shape.slice(0, x.ndim - n));
}

/** Number of elements reduced over `dim`. */
export function countOver(x: Tensor, dim: Dims): number {
  return sizeOf(normDims("mean", dim, x.ndim).map((a) => x.shape[a]));
}
