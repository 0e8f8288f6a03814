// Renders a kernel description to JavaScript: source text for `new Function` (fast, one tight loop
// per kernel), or a closure tree where code generation is forbidden (strict Content-Security-Policy).
import type { Expr, UnaryOp, BinaryOp } from "../../ir/expr.js";
import type { DType } from "../../core/dtype.js";
import { erf, rint } from "./math.js";
import { roundHalf } from "../../core/half.js";

const UNARY_SRC: Record<UnaryOp, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  abs: (a) => `Math.abs(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  rsqrt: (a) => `(1 / Math.sqrt(${a}))`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sigmoid: (a) => `(1 / (1 + Math.exp(-${a})))`,
  relu: (a) => `Math.max(${a}, 0)`,
  sign: (a) => `Math.sign(${a})`,
  floor: (a) => `Math.floor(${a})`,
  ceil: (a) => `Math.ceil(${a})`,
  round: (a) => `rint(${a})`,
  erf: (a) => `erf(${a})`,
  log1p: (a) => `Math.log1p(${a})`,
  expm1: (a) => `Math.expm1(${a})`,
  logicalNot: (a) => `(${a} === 0 ? 1 : 0)`,
  tan: (a) => `Math.tan(${a})`,
  atan: (a) => `Math.atan(${a})`,
  asin: (a) => `Math.asin(${a})`,
  acos: (a) => `Math.acos(${a})`,
  sinh: (a) => `Math.sinh(${a})`,
  cosh: (a) => `Math.cosh(${a})`,
};

const BINARY_SRC: Record<BinaryOp, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  maximum: (a, b) => `Math.max(${a}, ${b})`,
  minimum: (a, b) => `Math.min(${a}, ${b})`,
  eq: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  ne: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  lt: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  le: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  gt: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  ge: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  logicalAnd: (a, b) => `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`,
  logicalOr: (a, b) => `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`,
  atan2: (a, b) => `Math.atan2(${a}, ${b})`,
  hypot: (a, b) => `Math.hypot(${a}, ${b})`,
};

const CAST_SRC: Record<DType, (a: string) => string> = {
  float32: (a) => `Math.fround(${a})`,
  float64: (a) => a,
  float16: (a) => `f16(${a})`,
  int32: (a) => `(${a} | 0)`,
  // ToUint8: truncate toward zero, wrap mod 256, NaN and ±Infinity → 0 (PyTorch's float → uint8 on x86).
  uint8: (a) => `((${a} | 0) & 255)`,
  bool: (a) => `(${a} !== 0 ? 1 : 0)`,
};

/** JavaScript source for `e`, reading input i from the local `v{i}`. */
export function exprSource(e: Expr): string {
  switch (e.kind) {
    case "input": return `v${e.index}`;
    case "const": return Number.isNaN(e.value) ? "NaN" : e.value === Infinity ? "Infinity" : e.value === -Infinity ? "-Infinity" : Object.is(e.value, -0) ? "(-0)" : `(${e.value})`;
    case "unary": return UNARY_SRC[e.op](exprSource(e.a));
    case "binary": return BINARY_SRC[e.op](exprSource(e.a), exprSource(e.b));
    case "where": return `(${exprSource(e.cond)} !== 0 ? ${exprSource(e.a)} : ${exprSource(e.b)})`;
    case "cast": return CAST_SRC[e.to](exprSource(e.a));
  }
}

type Fn = (v: ArrayLike<number>) => number;

const UNARY_FN: Record<UnaryOp, (a: number) => number> = {
  neg: (a) => -a, abs: Math.abs, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
  rsqrt: (a) => 1 / Math.sqrt(a), sin: Math.sin, cos: Math.cos, tanh: Math.tanh,
  sigmoid: (a) => 1 / (1 + Math.exp(-a)), relu: (a) => Math.max(a, 0), sign: Math.sign,
  floor: Math.floor, ceil: Math.ceil, round: rint, erf, log1p: Math.log1p, expm1: Math.expm1,
  logicalNot: (a) => (a === 0 ? 1 : 0),
  tan: Math.tan, atan: Math.atan, asin: Math.asin, acos: Math.acos, sinh: Math.sinh, cosh: Math.cosh,
};

const BINARY_FN: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  pow: Math.pow, maximum: Math.max, minimum: Math.min,
  eq: (a, b) => (a === b ? 1 : 0), ne: (a, b) => (a !== b ? 1 : 0), lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0), gt: (a, b) => (a > b ? 1 : 0), ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0), logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  atan2: Math.atan2, hypot: Math.hypot,
};

const CAST_FN: Record<DType, (a: number) => number> = {
  float32: Math.fround, float64: (a) => a, float16: roundHalf, int32: (a) => a | 0, uint8: (a) => (a | 0) & 255,
  bool: (a) => (a !== 0 ? 1 : 0),
};

/** A closure that evaluates `e` given the input values of one element. */
export function exprClosure(e: Expr): Fn {
  switch (e.kind) {
    case "input": { const i = e.index; return (v) => v[i]; }
    case "const": { const c = e.value; return () => c; }
    case "unary": { const f = UNARY_FN[e.op], a = exprClosure(e.a); return (v) => f(a(v)); }
    case "binary": { const f = BINARY_FN[e.op], a = exprClosure(e.a), b = exprClosure(e.b); return (v) => f(a(v), b(v)); }
    case "where": { const c = exprClosure(e.cond), a = exprClosure(e.a), b = exprClosure(e.b); return (v) => (c(v) !== 0 ? a(v) : b(v)); }
    case "cast": { const f = CAST_FN[e.to], a = exprClosure(e.a); return (v) => f(a(v)); }
  }
}

let codegenAllowed: boolean | undefined;
/** Whether `new Function` works here (it does not under a strict Content-Security-Policy). */
export function canGenerateCode(): boolean {
  if (codegenAllowed === undefined) {
    try {
      codegenAllowed = new Function("return 1")() === 1;
    } catch {
      codegenAllowed = false;
    }
  }
  return codegenAllowed;
}
