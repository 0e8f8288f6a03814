// cumprod and diff along a dim, composed from masks, products, slices and subtraction, so their
// gradients come from the composition (cumprod's stays exact where the input holds zeros).
import { ArgumentError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import { normDim } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { frame } from "../tensor/memory.js";
import { backendOf, wrap } from "../prims/kernel.js";
import { binary, where } from "../prims/elementwise.js";
import { reduce } from "../prims/reduce.js";
import * as mv from "../prims/movement.js";
import { concat, narrow } from "./shape.js";

/**
 * Inclusive cumulative product along dim, as torch.cumprod (bool/int → int32). Computed as the
 * product over a lower-triangular mask (n² work per line of n), whose gradient is exact with zeros.
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  return frame(() => {
  if (x.ndim === 0) return reduce("prod", mv.reshape(x, [1]), 0);
  const d = normDim("cumprod", dim, x.ndim), n = x.shape[d];
  const order = x.shape.map((_, i) => i).filter((i) => i !== d).concat([d]);
  const moved = mv.permute(x, order); // [..., n]
  const v = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) v[i * n + j] = 1;
  const be = backendOf("cumprod", [x]);
  const mask = wrap(be, be.fromArray("bool", v), [n, n]);
  const lines = where(mask, mv.reshape(moved, [...moved.shape.slice(0, -1), 1, n]), 1); // [..., n (i), n (j)]
  const y = reduce("prod", lines, -1);
  return mv.permute(y, order.map((_, i) => order.indexOf(i)));
  });
}

export interface DiffOptions {
  /** How many times to difference (default 1). */
  n?: number;
  /** The dim (default -1). */
  dim?: number;
  /** Values put before x along dim first (as torch.diff's prepend). */
  prepend?: Tensor;
  /** Values put after x along dim first. */
  append?: Tensor;
}

/** The n-th forward difference along dim, out[i] = x[i+1] - x[i] (logical xor for bool), as torch.diff. */
export function diff(x: Tensor, opts: DiffOptions = {}): Tensor {
  return frame(() => {
  checkOptions("diff", opts, ["n", "dim", "prepend", "append"]);
  if (x.ndim === 0) throw new ArgumentError("diff", "expects at least 1 dim, got a 0-d tensor");
  const n = opts.n === undefined ? 1 : checkNumber("diff", "n", opts.n, { min: 0, integer: true });
  const d = normDim("diff", opts.dim ?? -1, x.ndim);
  const parts = [opts.prepend, x, opts.append].filter((t): t is Tensor => t !== undefined);
  let y = parts.length > 1 ? concat(parts, d) : x;
  for (let k = 0; k < n && y.shape[d] > 0; k++) {
    const len = y.shape[d] - 1;
    const hi = narrow(y, d, 1, len), lo = narrow(y, d, 0, len);
    y = y.dtype === "bool" ? binary("ne", hi, lo) : binary("sub", hi, lo);
  }
  return y;
  });
}
