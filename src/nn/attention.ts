// Attention functions: scaled dot-product attention (PyTorch 2's F.scaled_dot_product_attention)
// and the mask helpers nn.MultiheadAttention shares. Compositions of tensor ops, so gradients are free.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { frame } from "../tensor/memory.js";

/** A bool [L, S] mask that is true above the diagonal: position i may not look at j > i. */
export function causalMask(L: number, S: number = L): Tensor {
  return frame(() => {
  return ds.arange(S).unsqueeze(0).gt(ds.arange(L).unsqueeze(1));
  });
}

/**
 * An additive float mask from a bool mask (true → -inf, false → 0) or a float mask (as given),
 * in `dtype`. `trueMeans` says what a true entry means: "masked" (nn.MultiheadAttention) or
 * "attend" (scaledDotProductAttention, as PyTorch 2).
 */
export function additiveMask(op: string, mask: Tensor, dtype: "float32" | "float64", trueMeans: "masked" | "attend"): Tensor {
  return frame(() => {
  if (mask.dtype === "bool") {
    const blocked = trueMeans === "masked" ? mask : mask.logicalNot();
    return ds.zeros(mask.shape, { dtype }).maskedFill(blocked, -Infinity);
  }
  if (mask.dtype !== "float32" && mask.dtype !== "float64") throw new DTypeError(op, `masks must be bool or float, got ${mask.dtype}`);
  return mask.to(dtype);
  });
}

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. Bool: **true = may attend** (PyTorch 2's convention, the opposite
   * of nn.MultiheadAttention's masks); float: added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (applied whenever > 0, as PyTorch's function). */
  dropoutP?: number;
  /** Lets position i attend only to j <= i (the top-left causal mask); not combined with attnMask. */
  isCausal?: boolean;
  /** Score scale; default 1/sqrt(E). */
  scale?: number | null;
}

/**
 * softmax(q kᵀ · scale + mask) v for q [..., L, E], k [..., S, E], v [..., S, Ev] → [..., L, Ev].
 * @example const y = F.scaledDotProductAttention(q, k, v, { isCausal: true });
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductAttentionOptions = {}): Tensor {
  return frame(() => {
  return attention("scaledDotProductAttention", q, k, v, opts).output;
  });
}

/** @internal scaledDotProductAttention that also returns the attention weights (for MultiheadAttention). */
export function attention(op: string, q: Tensor, k: Tensor, v: Tensor, opts: ScaledDotProductAttentionOptions & { trueMeans?: "masked" | "attend" }): { output: Tensor; weights: Tensor } {
  return frame(() => {
  if (q.ndim < 2 || k.ndim < 2 || v.ndim < 2) throw new ShapeError(op, `q, k and v need at least 2 dims, got ${fmtShape(q.shape)}, ${fmtShape(k.shape)}, ${fmtShape(v.shape)}`);
  const [L, E] = q.shape.slice(-2), [S, Ek] = k.shape.slice(-2);
  if (Ek !== E) throw new ShapeError(op, `q ${fmtShape(q.shape)} and k ${fmtShape(k.shape)} must share the last dim`);
  if (v.shape[v.ndim - 2] !== S) throw new ShapeError(op, `k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} must have the same sequence length (dim -2)`);
  if (q.dtype !== "float32" && q.dtype !== "float64") throw new DTypeError(op, `q must be float, got ${q.dtype}`);
  if (opts.isCausal && opts.attnMask) throw new ArgumentError(op, "give either isCausal or attnMask, not both");
  const p = opts.dropoutP ?? 0;
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(op, `dropoutP must be in [0, 1], got ${p}`);
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  // q is scaled before the product, as PyTorch's attention does.
  let scores = q.mul(scale).matmul(k.transpose(-2, -1));
  if (opts.isCausal) scores = scores.maskedFill(causalMask(L, S), -Infinity);
  if (opts.attnMask) scores = scores.add(additiveMask(op, opts.attnMask, q.dtype, opts.trueMeans ?? "attend"));
  let weights = scores.softmax(-1);
  // Dropout written out here (not functional.dropout) so functional.ts can re-export this file acyclically.
  if (p > 0) weights = p === 1 ? weights.mul(0) : weights.mul(ds.rand(weights.shape).ge(p)).mul(1 / (1 - p));
  return { output: weights.matmul(v), weights };
  });
}
