// Elementwise primitives — unary, binary, where, cast — with their vjps beside them.
import { type DType, isFloat, promote, promoteScalar, checkDType } from "../core/dtype.js";
import { DTypeError, ArgumentError } from "../core/errors.js";
import { roundHalf } from "../core/half.js";
import { broadcastShapes } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import type { BinaryOp, UnaryOp, Expr } from "../ir/expr.js";
import { record } from "../autograd/node.js";
import { Tensor } from "../tensor/tensor.js";
import { runKernel, backendOf, filled } from "./kernel.js";

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;

// Unary ops whose result is floating point even for integer input.
const FLOAT_UNARY: ReadonlySet<UnaryOp> = new Set(["exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "erf", "log1p", "expm1", "tan", "atan", "asin", "acos", "sinh", "cosh"]);

function unaryDType(op: UnaryOp, d: DType): DType {
  if (op === "logicalNot") return "bool";
  if (FLOAT_UNARY.has(op)) return isFloat(d) ? d : "float32";
  if (d === "bool" && op !== "abs" && op !== "relu" && op !== "floor" && op !== "ceil" && op !== "round") {
    throw new DTypeError(op, `not defined for bool tensors; cast first with .int() or .float()`);
  }
  return d;
}

const zerosLike = (x: Tensor): Tensor => filled(backendOf("zerosLike", [x]), x.shape, x.dtype, 0);

/** Gradient rules of the unary primitives: (upstream g, input x, output y) → dx. */
const UNARY_VJP: Record<UnaryOp, ((g: Tensor, x: Tensor, y: Tensor) => Tensor) | null> = {
  neg: (g) => neg(g),
  abs: (g, x) => mul(g, unary("sign", x)),
  exp: (g, _x, y) => mul(g, y),
  log: (g, x) => div(g, x),
  sqrt: (g, _x, y) => div(mul(g, 0.5), y),
  rsqrt: (g, _x, y) => mul(g, mul(mul(mul(y, y), y), -0.5)),
  sin: (g, x) => mul(g, unary("cos", x)),
  cos: (g, x) => mul(g, neg(unary("sin", x))),
  tanh: (g, _x, y) => mul(g, sub(1, mul(y, y))),
  sigmoid: (g, _x, y) => mul(g, mul(y, sub(1, y))),
  // One kernel, g where y > 0 else 0 (PyTorch's threshold_backward on the output): no mask tensor
  // is made. y > 0 exactly where x > 0; reading y rather than x leaves the pre-activation to relu
  // alone, so ds.compile can fold relu into the product that makes it (a matmul epilogue).
  relu: (g, _x, y) => runKernel("relu", { expr: ir.where(ir.binary("gt", ir.input(1), ir.constant(0)), ir.input(0), ir.constant(0)), dtype: g.dtype }, [g, y], g.shape),
  sign: (g) => zerosLike(g),
  floor: (g) => zerosLike(g),
  ceil: (g) => zerosLike(g),
  round: (g) => zerosLike(g),
  erf: (g, x) => mul(g, mul(unary("exp", neg(mul(x, x))), 2 / Math.sqrt(Math.PI))),
  log1p: (g, x) => div(g, add(x, 1)),
  expm1: (g, _x, y) => mul(g, add(y, 1)),
  logicalNot: null,
  tan: (g, _x, y) => mul(g, add(mul(y, y), 1)),
  atan: (g, x) => div(g, add(mul(x, x), 1)),
  asin: (g, x) => div(g, unary("sqrt", sub(1, mul(x, x)))),
  acos: (g, x) => neg(div(g, unary("sqrt", sub(1, mul(x, x))))),
  sinh: (g, x) => mul(g, unary("cosh", x)),
  cosh: (g, x) => mul(g, unary("sinh", x)),
};

// One expression object per unary op: backends cache what they derive from an expression by identity.
const UNARY_EXPR: Partial<Record<UnaryOp, ir.Expr>> = {};

/** Applies a unary primitive. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  const dtype = unaryDType(op, x.dtype);
  const y = runKernel(op, { expr: (UNARY_EXPR[op] ??= ir.unary(op, ir.input(0))), dtype }, [x], x.shape);
  const rule = UNARY_VJP[op];
  return rule ? record(y, op, [x], (g) => [rule(g, x, y)]) : y;
}

export const neg = (x: Tensor): Tensor => unary("neg", x);

function binaryDType(op: BinaryOp, a: DType): DType {
  if (ir.COMPARISON_OPS.has(op)) return "bool";
  if ((op === "div" || op === "atan2" || op === "hypot") && !isFloat(a)) return "float32";
  return a;
}

/** Gradient rules of the binary primitives: (g, a, b, y) → [da, db] (b may be a scalar). */
type BinaryVjp = (g: Tensor, a: Tensor, b: TensorLike, y: Tensor) => [Tensor | null, Tensor | null];
const BINARY_VJP: Record<BinaryOp, BinaryVjp | null> = {
  add: (g) => [g, g],
  sub: (g) => [g, neg(g)],
  mul: (g, a, b) => [a.requiresGrad ? mul(g, b) : null, needsGrad(b) ? mul(g, a) : null],
  div: (g, a, b, y) => [a.requiresGrad ? div(g, b) : null, needsGrad(b) ? neg(div(mul(g, y), b)) : null],
  pow: (g, a, b, y) => {
    // d/da a^b = b a^(b-1), defined as 0 where b == 0 (0 * 0^-1 would be NaN at a == 0), as PyTorch does.
    const da = typeof b === "number"
      ? (b === 0 ? zerosLike(g) : mul(g, mul(b, pow(a, b - 1))))
      : where(binary("eq", b, 0), 0, mul(g, mul(b, pow(a, sub(b, 1)))));
    // d/db a^b = a^b log a, defined as 0 where a == 0 and b >= 0 (as PyTorch does).
    const zeroBase = binary("logicalAnd", binary("eq", a, 0), binary("ge", b, 0));
    const db = where(zeroBase, 0, mul(g, mul(y, unary("log", a))));
    return [da, db];
  },
  maximum: (g, a, b) => minMaxVjp(g, a, b, "gt"),
  minimum: (g, a, b) => minMaxVjp(g, a, b, "lt"),
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null, logicalAnd: null, logicalOr: null,
  // d atan2(a, b) = (b da - a db) / (a² + b²)
  atan2: (g, a, b) => {
    const r2 = add(mul(a, a), mul(b, b));
    return [a.requiresGrad ? div(mul(g, b), r2) : null, needsGrad(b) ? neg(div(mul(g, a), r2)) : null];
  },
  hypot: (g, a, b, y) => [a.requiresGrad ? div(mul(g, a), y) : null, needsGrad(b) ? div(mul(g, b), y) : null],
};

// Whether an operand receives a gradient (rules skip the work for those that do not).
const needsGrad = (v: TensorLike): boolean => v instanceof Tensor && v.requiresGrad;

// Ties split the gradient evenly between both inputs, as PyTorch does.
function minMaxVjp(g: Tensor, a: Tensor, b: TensorLike, wins: "gt" | "lt"): [Tensor, Tensor] {
  const share = add(cast(binary(wins, a, b), g.dtype), mul(cast(binary("eq", a, b), g.dtype), 0.5));
  return [mul(g, share), mul(g, sub(1, share))];
}

function checkScalar(op: string, v: unknown): void {
  if (typeof v !== "number" && typeof v !== "boolean" && !(v instanceof Tensor)) {
    throw new ArgumentError(op, `expected a Tensor or a number, got ${v === null ? "null" : typeof v}`);
  }
}

function scalarExpr(v: Scalar, dtype?: DType): Expr {
  // A number meeting a float32 computation is a float32 value, as in PyTorch (x.eq(0.1) on float32
  // x); meeting a float16 one, a float16 value (PyTorch casts the wrapped scalar to half: h * 0.1
  // multiplies by 0.0999755859375).
  if (typeof v === "boolean") return ir.constant(v ? 1 : 0);
  return ir.constant(dtype === "float32" ? Math.fround(v) : dtype === "float16" ? roundHalf(v) : v);
}

/**
 * The dtype two tensors compute in. As in PyTorch, a 0-d tensor does not widen a dimensioned
 * tensor of its own category (float32 [n] with a float64 0-d tensor computes in float32).
 */
function promoteOperands(a: Tensor, b: Tensor): DType {
  if ((a.ndim === 0) !== (b.ndim === 0) && isFloat(a.dtype) && isFloat(b.dtype)) return a.ndim === 0 ? b.dtype : a.dtype;
  return promote(a.dtype, b.dtype);
}

// Input i, narrowed to the computation's float dtype when it is wider (a float64 or float32 0-d
// operand of a float32 or float16 computation), as PyTorch casts operands to the common dtype.
const operandExpr = (t: Tensor, i: number, common: DType): Expr =>
  (t.dtype !== common && isFloat(t.dtype) && isFloat(common) && promote(t.dtype, common) === t.dtype ? ir.cast(common, ir.input(i)) : ir.input(i));

/** Applies a binary primitive with NumPy broadcasting and PyTorch type promotion. */
export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  checkScalar(op, a);
  checkScalar(op, b);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    a = filled(backendOf(op, []), [], typeof a === "number" && !Number.isInteger(a) ? "float32" : typeof a === "boolean" ? "bool" : "float32", Number(a));
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    const shape = broadcastShapes(op, a.shape, b.shape);
    const common = promoteOperands(a, b);
    const dtype = binaryDType(op, common);
    const expr = wrapBool(op, dtype, ir.binary(op, operandExpr(a, 0, common), operandExpr(b, 1, common)));
    const y = runKernel(op, { expr, dtype }, [a, b], shape);
    const rule = BINARY_VJP[op];
    const ta = a, tb = b;
    return rule ? record(y, op, [a, b], (g) => rule(g, ta, tb, y)) : y;
  }
  // One side is a scalar: it becomes a constant in the kernel, no tensor is made for it.
  const t = (a instanceof Tensor ? a : b) as Tensor;
  const s = (a instanceof Tensor ? b : a) as Scalar;
  const common = promoteScalar(t.dtype, s);
  const dtype = binaryDType(op, common);
  const body = a instanceof Tensor ? ir.binary(op, ir.input(0), scalarExpr(s, common)) : ir.binary(op, scalarExpr(s, common), ir.input(0));
  const y = runKernel(op, { expr: wrapBool(op, dtype, body), dtype }, [t], t.shape);
  const rule = BINARY_VJP[op];
  if (!rule) return y;
  if (a instanceof Tensor) return record(y, op, [t], (g) => [rule(g, t, s as number, y)[0]]);
  // scalar ∘ tensor: use the rule with the scalar broadcast as a tensor-free constant where possible.
  return record(y, op, [t], (g) => [scalarLeftVjp(op, g, s as number, t, y)]);
}

function scalarLeftVjp(op: BinaryOp, g: Tensor, s: number, t: Tensor, y: Tensor): Tensor | null {
  switch (op) {
    case "add": return g;
    case "sub": return neg(g);
    case "mul": return mul(g, s);
    case "div": return neg(div(mul(g, y), t));
    case "pow": return s === 0 ? zerosLike(g) : mul(g, mul(y, Math.log(s)));
    case "maximum": return minMaxVjp(g, t, s, "gt")[0];
    case "minimum": return minMaxVjp(g, t, s, "lt")[0];
    case "atan2": return neg(div(mul(g, s), add(mul(t, t), s * s)));
    case "hypot": return div(mul(g, t), y);
    default: return null;
  }
}

// Arithmetic on bool tensors stays 0/1.
function wrapBool(op: BinaryOp, dtype: DType, e: Expr): Expr {
  return dtype === "bool" && !ir.COMPARISON_OPS.has(op) ? ir.cast("bool", e) : e;
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binary("add", a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("mul", a, b);
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("div", a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("pow", a, b);

/** Elementwise choice: `a` where `cond` is true, else `b`. cond must be bool. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor)) throw new ArgumentError("where", `cond must be a bool Tensor, got ${typeof cond}`);
  if (cond.dtype !== "bool") throw new DTypeError("where", `cond must be bool, got ${cond.dtype}; compare first (e.g. x.gt(0))`);
  checkScalar("where", a);
  checkScalar("where", b);
  const ts: Tensor[] = [cond];
  const operand = (v: TensorLike): Expr => (v instanceof Tensor ? (ts.push(v), ir.input(ts.length - 1)) : scalarExpr(v));
  const ea = operand(a), eb = operand(b);
  const ta = a instanceof Tensor ? a : undefined, tb = b instanceof Tensor ? b : undefined;
  const dtype = ta && tb ? promoteOperands(ta, tb) : ta ? promoteScalar(ta.dtype, b as Scalar) : tb ? promoteScalar(tb.dtype, a as Scalar) : typeof a === "number" && !Number.isInteger(a) || typeof b === "number" && !Number.isInteger(b) ? "float32" : "int32";
  const shape = broadcastShapes("where", ...ts.map((t) => t.shape));
  const y = runKernel("where", { expr: ir.where(ir.input(0), ea, eb), dtype }, ts, shape);
  const inputs = [ta, tb].filter((t): t is Tensor => t !== undefined);
  return record(y, "where", inputs, (g) => {
    const out: (Tensor | null)[] = [];
    if (ta) out.push(ta.requiresGrad ? where(cond, g, 0) : null);
    if (tb) out.push(tb.requiresGrad ? where(cond, 0, g) : null);
    return out;
  }, [cond]);
}

/** Converts to another dtype (float → int truncates toward zero; nonzero → true). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType("to", dtype);
  const y = runKernel("to", { expr: ir.cast(dtype, ir.input(0)), dtype }, [x], x.shape);
  if (!isFloat(dtype) || !isFloat(x.dtype)) return y;
  return record(y, "cast", [x], (g) => [cast(g, x.dtype)]);
}
