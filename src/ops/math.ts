// Elementwise operations users call: primitives re-exported, and activations composed from them.
import type { DType } from "../core/dtype.js";
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { binary, cast, unary, where as whereP, type TensorLike } from "../prims/elementwise.js";
import { frame } from "../tensor/memory.js";

export { add, sub, mul, div, pow, neg, where, cast } from "../prims/elementwise.js";

/** Converts to `dtype` (a copy; the same tensor when the dtype already matches). */
export const to = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : cast(x, dtype));

export const abs = (x: Tensor): Tensor => unary("abs", x);
export const exp = (x: Tensor): Tensor => unary("exp", x);
export const log = (x: Tensor): Tensor => unary("log", x);
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
export const rsqrt = (x: Tensor): Tensor => unary("rsqrt", x);
export const sin = (x: Tensor): Tensor => unary("sin", x);
export const cos = (x: Tensor): Tensor => unary("cos", x);
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const relu = (x: Tensor): Tensor => unary("relu", x);
export const sign = (x: Tensor): Tensor => unary("sign", x);
export const floor = (x: Tensor): Tensor => unary("floor", x);
export const ceil = (x: Tensor): Tensor => unary("ceil", x);
/** Rounds half to even, as PyTorch and NumPy do. */
export const round = (x: Tensor): Tensor => unary("round", x);
export const erf = (x: Tensor): Tensor => unary("erf", x);
export const log1p = (x: Tensor): Tensor => unary("log1p", x);
export const expm1 = (x: Tensor): Tensor => unary("expm1", x);
export const tan = (x: Tensor): Tensor => unary("tan", x);
export const atan = (x: Tensor): Tensor => unary("atan", x);
/** Inverse sine; NaN outside [-1, 1], as torch.asin. */
export const asin = (x: Tensor): Tensor => unary("asin", x);
/** Inverse cosine; NaN outside [-1, 1], as torch.acos. */
export const acos = (x: Tensor): Tensor => unary("acos", x);
export const sinh = (x: Tensor): Tensor => unary("sinh", x);
export const cosh = (x: Tensor): Tensor => unary("cosh", x);
/** The angle of the point (x, y) = (b, a) in (-π, π], elementwise with broadcasting, as torch.atan2(a, b). */
export const atan2 = (a: TensorLike, b: TensorLike): Tensor => binary("atan2", a, b);
/** sqrt(a² + b²) without overflow or underflow, as torch.hypot. */
export const hypot = (a: TensorLike, b: TensorLike): Tensor => binary("hypot", a, b);
export const square = (x: Tensor): Tensor => binary("mul", x, x);
export const reciprocal = (x: Tensor): Tensor => binary("div", 1, x);

export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary("minimum", a, b);
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary("maximum", a, b);
export const eq = (a: TensorLike, b: TensorLike): Tensor => binary("eq", a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor => binary("ne", a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor => binary("lt", a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor => binary("le", a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor => binary("gt", a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor => binary("ge", a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary("logicalAnd", a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary("logicalOr", a, b);
export const logicalNot = (x: Tensor): Tensor => unary("logicalNot", x);
/** True where x is NaN. */
export const isnan = (x: Tensor): Tensor => binary("ne", x, x);
/** True where x is +Infinity or -Infinity (never for integer or bool tensors). */
export const isinf = (x: Tensor): Tensor => binary("eq", unary("abs", x), Infinity);
/** True where x is neither NaN nor infinite: x - x is 0 exactly for finite x (NaN otherwise). */
export const isfinite = (x: Tensor): Tensor => (x.dtype === "bool" ? binary("eq", x, x) : binary("eq", binary("sub", x, x), 0));

/** max(x, 0) + negativeSlope * min(x, 0). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return frame(() => {
  return whereP(binary("gt", x, 0), x, binary("mul", x, negativeSlope));
  });
}

/** x * Φ(x) (exact, with erf) or the tanh approximation, as torch.nn.functional.gelu. */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  return frame(() => {
  if (approximate === "tanh") {
    const inner = binary("mul", binary("add", x, binary("mul", binary("mul", binary("mul", x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return binary("mul", binary("mul", x, 0.5), binary("add", unary("tanh", inner), 1));
  }
  if (approximate !== "none") throw new ArgumentError("gelu", `approximate must be "none" or "tanh", got ${String(approximate)}`);
  return binary("mul", binary("mul", x, 0.5), binary("add", unary("erf", binary("mul", x, Math.SQRT1_2)), 1));
  });
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return frame(() => {
  return whereP(binary("gt", x, 0), x, binary("mul", unary("expm1", x), alpha));
  });
}

/** log(1 + exp(beta x)) / beta, linear above `threshold` (as PyTorch), computed stably. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return frame(() => {
  const bx = binary("mul", x, beta);
  // log1p(exp(-|bx|)) + max(bx, 0) never overflows. maximum (not relu) splits the gradient at
  // bx = 0 evenly, which gives the exact derivative sigmoid(0) = 1/2 there (abs contributes 0).
  const soft = binary("div", binary("add", unary("log1p", unary("exp", unary("neg", unary("abs", bx)))), binary("maximum", bx, 0)), beta);
  return whereP(binary("gt", bx, threshold), x, soft);
  });
}

/** NumPy's and PyTorch's other name for clamp. */
export const clip = (x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor => clamp(x, min, max);

/** Limits values to [min, max]; either bound may be omitted (null/undefined). */
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  return frame(() => {
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new ArgumentError("clamp", "at least one of min and max must be given");
  }
  // where() rather than maximum/minimum: the gradient is 1 on the closed interval, as in PyTorch.
  let y = x;
  if (min !== undefined && min !== null) y = whereP(binary("lt", y, min), min, y);
  if (max !== undefined && max !== null) y = whereP(binary("gt", y, max), max, y);
  return y;
  });
}
