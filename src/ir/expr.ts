// The kernel description every backend renders: an elementwise expression over strided inputs,
// optionally followed by one reduction. Eager ops produce one-node expressions; a later
// compiler can fuse chains into one tree without touching the backends.
import type { DType } from "../core/dtype.js";

export type UnaryOp =
  | "neg" | "abs" | "exp" | "log" | "sqrt" | "rsqrt" | "sin" | "cos" | "tanh" | "sigmoid"
  | "relu" | "sign" | "floor" | "ceil" | "round" | "erf" | "log1p" | "expm1" | "logicalNot"
  | "tan" | "atan" | "asin" | "acos" | "sinh" | "cosh";

export type BinaryOp =
  | "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum"
  | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "logicalAnd" | "logicalOr" | "atan2" | "hypot";

export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

export const UNARY_OPS: readonly UnaryOp[] = [
  "neg", "abs", "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid",
  "relu", "sign", "floor", "ceil", "round", "erf", "log1p", "expm1", "logicalNot",
  "tan", "atan", "asin", "acos", "sinh", "cosh",
];
export const BINARY_OPS: readonly BinaryOp[] = [
  "add", "sub", "mul", "div", "pow", "maximum", "minimum",
  "eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "atan2", "hypot",
];
export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr"]);

/** An expression tree. `input` i reads input view i at the current element. */
export type Expr =
  | { readonly kind: "input"; readonly index: number }
  | { readonly kind: "const"; readonly value: number }
  | { readonly kind: "unary"; readonly op: UnaryOp; readonly a: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly kind: "where"; readonly cond: Expr; readonly a: Expr; readonly b: Expr }
  | { readonly kind: "cast"; readonly to: DType; readonly a: Expr };

/** A kernel: `expr` evaluated per element of the iteration shape, stored as `dtype`, optionally reduced over `axes`. */
export interface Kernel {
  readonly expr: Expr;
  readonly dtype: DType;
  readonly reduce?: { readonly op: ReduceOp; readonly axes: readonly number[] };
}

export const input = (index: number): Expr => ({ kind: "input", index });
export const constant = (value: number): Expr => ({ kind: "const", value });
export const unary = (op: UnaryOp, a: Expr): Expr => ({ kind: "unary", op, a });
export const binary = (op: BinaryOp, a: Expr, b: Expr): Expr => ({ kind: "binary", op, a, b });
export const where = (cond: Expr, a: Expr, b: Expr): Expr => ({ kind: "where", cond, a, b });
export const cast = (to: DType, a: Expr): Expr => ({ kind: "cast", to, a });

// JSON writes NaN, ±Infinity as null and -0 as 0: keys must keep such constants apart.
const keyReplacer = (_k: string, v: unknown): unknown =>
  typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? (Object.is(v, -0) ? "-0" : String(v)) : v;

/** A stable key for an expression (distinct for NaN, Infinity, -Infinity and -0 constants). */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, keyReplacer);
}

/** A stable key for caching rendered kernels. */
export function kernelKey(k: Kernel, nInputs: number): string {
  return `${JSON.stringify(k, keyReplacer)}|${nInputs}`;
}
