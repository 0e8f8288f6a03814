// The batched matrix-product primitive on [B,M,K] @ [B,K,N] and its vjp.
import { promote } from "../core/dtype.js";
import { frame } from "../tensor/memory.js";
import { DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { record } from "../autograd/node.js";
import { Tensor } from "../tensor/tensor.js";
import { backendOf, viewOf, wrap } from "./kernel.js";
import { cast } from "./elementwise.js";
import { permute } from "./movement.js";

/**
 * a [B,M,K] @ b [B,K,N] → [B,M,N]; inputs may be strided (transposed views need no copy). With
 * `bias` ([N]), adds it to every row in the same pass: nn.Linear's x·Wᵀ + b, equal bit for bit to
 * `add(bmm(a, b), bias)` (test/optim-fused.test.ts checks it).
 */
export function bmm(a: Tensor, b: Tensor, bias?: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError("matmul", `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not align`);
  }
  if (a.dtype === "bool" || b.dtype === "bool") throw new DTypeError("matmul", `bool tensors cannot be multiplied; cast with .float()`);
  if (a.dtype === "uint8" || b.dtype === "uint8") throw new DTypeError("matmul", `uint8 is a storage dtype here (images, files): cast with .float() or .int() before matmul, got ${a.dtype} @ ${b.dtype}`);
  const dtype = promote(a.dtype, b.dtype);
  // float16 multiplies in float32 and rounds the result once (PyTorch's half matmul accumulates in float32).
  if (dtype === "float16") {
    const [ha, hb] = [a, b];
    return frame(() => cast(bmm(cast(ha, "float32"), cast(hb, "float32"), bias ? cast(bias, "float32") : undefined), "float16"));
  }
  if (a.dtype !== dtype) a = cast(a, dtype);
  if (b.dtype !== dtype) b = cast(b, dtype);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== b.shape[2] || bias.dtype !== dtype)) {
    throw new ShapeError("linear", `bias must be [${b.shape[2]}] of ${dtype}, got ${fmtShape(bias.shape)} of ${bias.dtype}`);
  }
  const be = backendOf("matmul", bias ? [a, b, bias] : [a, b]);
  const y = wrap(be, be.matmul(viewOf(a), viewOf(b), dtype, bias ? viewOf(bias) : undefined), [a.shape[0], a.shape[1], b.shape[2]]);
  const ta = a, tb = b;
  // Only the gradients that flow somewhere are computed (x @ W with a data x needs no dx); the
  // bias's gradient is g itself, which the backward driver sums down to [N].
  return record(y, "matmul", bias ? [a, b, bias] : [a, b], (g) => [
    ta.requiresGrad ? bmm(g, permute(tb, [0, 2, 1])) : null,
    tb.requiresGrad ? bmm(permute(ta, [0, 2, 1]), g) : null,
    g,
  ]);
}
