// matmul with NumPy's rules (1-d promotion, batch broadcasting), dot and outer, over the bmm primitive.
import { ShapeError, fmtShape } from "../core/errors.js";
import { broadcastShapes } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { bmm } from "../prims/matmul.js";
import { expand, reshape } from "../prims/movement.js";
import { mul } from "../prims/elementwise.js";
import { reduce } from "../prims/reduce.js";
import { frame } from "../tensor/memory.js";

/**
 * Matrix product as numpy.matmul: 1-d operands gain (and then lose) a dim; leading batch dims
 * broadcast. @example ds.randn([8, 2, 3]).matmul(ds.randn([3, 4])) // [8, 2, 4]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return frame(() => {
  if (a.ndim === 0 || b.ndim === 0) throw new ShapeError("matmul", `both operands need at least 1 dim, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const [M, K] = a2.shape.slice(-2), [K2, N] = b2.shape.slice(-2);
  if (K !== K2) throw new ShapeError("matmul", `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not align: ${K} != ${K2}`);
  const batch = broadcastShapes("matmul", a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const B = batch.reduce((p, d) => p * d, 1);
  const a3 = reshape(expand(a2, [...batch, M, K]), [B, M, K]);
  const b3 = reshape(expand(b2, [...batch, K, N]), [B, K, N]);
  const out = [...batch, M, N];
  if (a.ndim === 1) out.splice(out.length - 2, 1);
  if (b.ndim === 1) out.splice(out.length - 1, 1);
  return reshape(bmm(a3, b3), out);
  });
}

/** Inner product of two 1-d tensors. */
export function dot(a: Tensor, b: Tensor): Tensor {
  return frame(() => {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0]) {
    throw new ShapeError("dot", `expects two 1-d tensors of equal length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return reduce("sum", mul(a, b), 0);
  });
}

/** Outer product of two 1-d tensors: [n] ⊗ [m] → [n, m]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  return frame(() => {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError("outer", `expects two 1-d tensors, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return mul(reshape(a, [a.shape[0], 1]), reshape(b, [1, b.shape[0]]));
  });
}
