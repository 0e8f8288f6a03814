// Reductions users call: primitives (sum, prod, max, min, argmax, argmin) and compositions
// (mean, var, std, logsumexp, all, any, softmax, logSoftmax).
import { isFloat } from "../core/dtype.js";
import { ArgumentError, ShapeError } from "../core/errors.js";
import { normDim, normDims } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { reduce, countOver, type Dims } from "../prims/reduce.js";
import { binary, cast, unary, where } from "../prims/elementwise.js";
import { reshape } from "../prims/movement.js";
import { frame } from "../tensor/memory.js";

export { cumsum } from "../prims/indexing.js";

const floaty = (x: Tensor): Tensor => (isFloat(x.dtype) ? x : cast(x, "float32"));

export const sum = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce("sum", x, dim, keepdim);
export const prod = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce("prod", x, dim, keepdim);
/** Largest values over dim (values only; use argmax for positions). NaN propagates. */
export const max = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce("max", x, dim, keepdim);
export const min = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduce("min", x, dim, keepdim);
/** Index of the first largest value (over the flattened tensor when dim is omitted). int32. */
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => reduce("argmax", x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => reduce("argmin", x, dim, keepdim);

/** Arithmetic mean (integer input gives float32). */
export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return frame(() => {
  const n = countOver(x, dim);
  return binary("div", reduce("sum", floaty(x), dim, keepdim), n);
  });
}

export interface VarOptions {
  /** Subtracted from the count in the denominator: 1 (default) is Bessel's correction, 0 the population variance. */
  correction?: number;
  /** PyTorch's older spelling: true = correction 1, false = correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

function varOpts(opts: VarOptions | boolean | undefined): { correction: number; keepdim: boolean } {
  if (typeof opts === "boolean") return { correction: 1, keepdim: opts };
  const o = opts ?? {};
  if (o.correction !== undefined && o.unbiased !== undefined) throw new ArgumentError("var", "give correction or unbiased, not both");
  return { correction: o.correction ?? (o.unbiased === false ? 0 : 1), keepdim: o.keepdim ?? false };
}

/** Variance with Bessel's correction by default (as torch.var); `opts` true means keepdim. */
export function variance(x: Tensor, dim?: Dims, opts?: VarOptions | boolean): Tensor {
  return frame(() => {
  const { correction, keepdim } = varOpts(opts);
  const xf = floaty(x);
  const n = countOver(x, dim);
  const mu = mean(xf, dim, true);
  const d = binary("sub", xf, mu);
  return binary("div", reduce("sum", binary("mul", d, d), dim, keepdim), Math.max(n - correction, 0));
  });
}

/** Standard deviation: sqrt(var). */
export function std(x: Tensor, dim?: Dims, opts?: VarOptions | boolean): Tensor {
  return frame(() => {
  return unary("sqrt", variance(x, dim, opts));
  });
}

// The per-line maximum as a constant shift; infinite maxima shift by 0 so inf/-inf lines stay exact.
function stableShift(x: Tensor, dim: Dims): Tensor {
  if (x.size === 0) return reduce("sum", x, dim, true).detach(); // no elements, nothing to shift (max has no identity)
  const m = reduce("max", x, dim, true).detach();
  return where(binary("lt", unary("abs", m), Infinity), m, 0);
}

/** log(sum(exp(x))) over dim, without overflow. */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return frame(() => {
  const xf = floaty(x);
  // Over an empty dim the sum of exps is 0 and its log -inf, as PyTorch (other dims may be empty).
  if (normDims("logsumexp", dim, xf.ndim).some((a) => xf.shape[a] === 0)) return binary("add", reduce("sum", xf, dim, keepdim), -Infinity);
  const m = stableShift(xf, dim);
  const s = unary("log", reduce("sum", unary("exp", binary("sub", xf, m)), dim, true));
  const out = binary("add", s, m);
  if (keepdim) return out;
  const axes = normDims("logsumexp", dim, xf.ndim);
  return reshape(out, out.shape.filter((_, i) => !axes.includes(i)));
  });
}

/** exp(x) / sum(exp(x)) along dim, computed stably. */
export function softmax(x: Tensor, dim: number): Tensor {
  return frame(() => {
  const xf = floaty(x);
  const d = normDim("softmax", dim, xf.ndim);
  const e = unary("exp", binary("sub", xf, stableShift(xf, d)));
  return binary("div", e, reduce("sum", e, d, true));
  });
}

/** x - logsumexp(x) along dim. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return frame(() => {
  const xf = floaty(x);
  const d = normDim("logSoftmax", dim, xf.ndim);
  return binary("sub", xf, logsumexp(xf, d, true));
  });
}

/** True where every element over dim is nonzero (true for an empty reduction). */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return frame(() => {
  return binary("eq", reduce("sum", binary("eq", x, 0), dim, keepdim), 0);
  });
}

/** True where any element over dim is nonzero. */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return frame(() => {
  return binary("gt", reduce("sum", binary("ne", x, 0), dim, keepdim), 0);
  });
}
