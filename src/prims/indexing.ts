// Gather/scatter primitives along one dim, and the inclusive cumulative sum.
import { DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { normDim } from "../core/shape.js";
import { isFloat } from "../core/dtype.js";
import { record } from "../autograd/node.js";
import { Tensor } from "../tensor/tensor.js";
import { backendOf, filled, viewOf, wrap } from "./kernel.js";
import { frame } from "../tensor/memory.js";
import { cast } from "./elementwise.js";
import { expand, flip, pad, reshape } from "./movement.js";

function checkIndex(op: string, x: Tensor, dim: number, index: Tensor, src?: Tensor): number {
  if (!(index instanceof Tensor)) throw new DTypeError(op, `index must be an int32 Tensor`);
  if (index.dtype !== "int32") throw new DTypeError(op, `index must be int32, got ${index.dtype}`);
  const d = normDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim) throw new ShapeError(op, `index has ${index.ndim} dims, input has ${x.ndim}; they must match`);
  for (let i = 0; i < x.ndim; i++) {
    if (i !== d && index.shape[i] > x.shape[i]) throw new ShapeError(op, `index shape ${fmtShape(index.shape)} exceeds input shape ${fmtShape(x.shape)} at dim ${i}`);
    if (src && index.shape[i] > src.shape[i]) throw new ShapeError(op, `index shape ${fmtShape(index.shape)} exceeds src shape ${fmtShape(src.shape)} at dim ${i}`);
  }
  return d;
}

/** out[i][j] = x[index[i][j]][j] (dim 0), as torch.gather. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = checkIndex("gather", x, dim, index);
  const be = backendOf("gather", [x, index]);
  const y = wrap(be, be.gather(viewOf(x), d, viewOf(index)), index.shape);
  // Scatter-added into a broadcast zero: the backend's copy of the base is then a plain fill.
  return record(y, "gather", [x], (g) => [scatter(expand(reshape(filled(be, [], g.dtype, 0), x.shape.map(() => 1)), x.shape), d, index, g, "add")], [index]);
}

/** A copy of x with src written (or added) at index along dim, as torch.scatter / scatter_add. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor, mode: "set" | "add"): Tensor {
  const op = mode === "add" ? "scatterAdd" : "scatter";
  const d = checkIndex(op, x, dim, index, src);
  // float16 adds in float32 and rounds once at the end (PyTorch's opmath for half).
  if (mode === "add" && x.dtype === "float16") return frame(() => cast(scatter(cast(x, "float32"), dim, index, cast(src, "float32"), "add"), "float16"));
  if (src.dtype !== x.dtype) src = cast(src, x.dtype);
  const be = backendOf(op, [x, index, src]);
  const y = wrap(be, be.scatter(viewOf(x), d, viewOf(index), viewOf(src), mode), x.shape);
  const s = src;
  return record(y, op, [x, s], (g) => [
    mode === "add" ? g : scatter(g, d, index, filled(be, index.shape, g.dtype, 0), "set"),
    srcGrad(gather(g, d, index), s.shape),
  ], [index]);
}

// src may be larger than index along any dim; its elements outside index's extent get zero gradient.
function srcGrad(picked: Tensor, srcShape: readonly number[]): Tensor {
  if (picked.shape.every((n, i) => n === srcShape[i])) return picked;
  return pad(picked, srcShape.flatMap((_, i) => [0, srcShape[srcShape.length - 1 - i] - picked.shape[srcShape.length - 1 - i]]));
}

/** Inclusive cumulative sum along dim (bool/uint8/int32 → int32). */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = x.ndim === 0 ? 0 : normDim("cumsum", dim, x.ndim);
  // float16 accumulates in float32, each sum rounded to half (PyTorch's acc_type for half).
  if (x.dtype === "float16") return frame(() => cast(cumsum(cast(x, "float32"), d), "float16"));
  const dtype = isFloat(x.dtype) ? x.dtype : "int32";
  const be = backendOf("cumsum", [x]);
  const y = wrap(be, be.cumsum(viewOf(x), d, dtype), x.shape);
  if (!isFloat(dtype)) return y;
  return record(y, "cumsum", [x], (g) => [x.ndim === 0 ? g : flip(cumsum(flip(g, [d]), d), [d])]);
}
