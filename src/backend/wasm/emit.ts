// Emits an ir expression as wasm instructions. The scalar form computes in float64, exactly as the
// js backend does (so results agree bit for bit, rounded once on store); the f32x4 form covers the
// float32 kernels whose every op is a single correctly rounded SIMD instruction.
import type { DType } from "../../core/dtype.js";
import type { Expr, UnaryOp, BinaryOp } from "../../ir/expr.js";
import { erf } from "../js/math.js";
import { F64, Fn, op, simd, type ValType } from "./asm.js";

/** The JS math every kernel module imports (same order everywhere, so the indices are fixed). */
const MATH: { name: string; fn: (...a: number[]) => number; arity: number }[] = [
  { name: "exp", fn: Math.exp, arity: 1 }, { name: "log", fn: Math.log, arity: 1 },
  { name: "sin", fn: Math.sin, arity: 1 }, { name: "cos", fn: Math.cos, arity: 1 },
  { name: "tanh", fn: Math.tanh, arity: 1 }, { name: "log1p", fn: Math.log1p, arity: 1 },
  { name: "expm1", fn: Math.expm1, arity: 1 }, { name: "sign", fn: Math.sign, arity: 1 },
  { name: "erf", fn: erf, arity: 1 }, { name: "pow", fn: Math.pow, arity: 2 },
];
const MATH_INDEX = new Map(MATH.map((m, i) => [m.name, i]));

export const mathImports = MATH.map((m) => ({ name: m.name, params: Array<ValType>(m.arity).fill(F64), results: [F64] as ValType[] }));
export const mathFunctions: Record<string, (...a: number[]) => number> = Object.fromEntries(MATH.map((m) => [m.name, m.fn]));

const callMath = (f: Fn, name: string) => f.call(MATH_INDEX.get(name)!);
const TRUNC_SAT_I64_F64 = [0xfc, 0x06];

/** Leaves ToInt32(top of stack) (JavaScript's `x | 0`: truncate, wrap mod 2^32) as an i32. */
function toInt32(f: Fn): void {
  f.emit(...TRUNC_SAT_I64_F64, op.i32WrapI64);
}

/** Pushes the f64 value of element `ptr` of a storage of `dtype`. */
export function loadScalar(f: Fn, dtype: DType, ptr: number, offset = 0): void {
  f.get(ptr);
  switch (dtype) {
    case "float32": f.mem(op.f32Load, 2, offset).emit(op.f64PromoteF32); break;
    case "float64": f.mem(op.f64Load, 3, offset); break;
    case "int32": f.mem(op.i32Load, 2, offset).emit(op.f64ConvertI32S); break;
    case "bool": f.mem(op.i32Load8u, 0, offset).emit(op.f64ConvertI32U); break;
  }
}

/** Stores the f64 `value` local at address local `ptr`, rounded/converted to `dtype` as typed arrays do. */
export function storeScalar(f: Fn, dtype: DType, ptr: number, value: number): void {
  f.get(ptr).get(value);
  switch (dtype) {
    case "float32": f.emit(op.f32DemoteF64).mem(op.f32Store, 2); break;
    case "float64": f.mem(op.f64Store, 3); break;
    case "int32": toInt32(f); f.mem(op.i32Store, 2); break;
    case "bool": toInt32(f); f.mem(op.i32Store8, 0); break;
  }
}

const cmp = (f: Fn, opcode: number) => f.emit(opcode, op.f64ConvertI32U);
const nonZero = (f: Fn, a: () => void) => { a(); f.f64(0).emit(op.f64Ne); };

const UNARY: Record<UnaryOp, (f: Fn, a: () => void) => void> = {
  neg: (f, a) => { a(); f.emit(op.f64Neg); },
  abs: (f, a) => { a(); f.emit(op.f64Abs); },
  exp: (f, a) => { a(); callMath(f, "exp"); },
  log: (f, a) => { a(); callMath(f, "log"); },
  sqrt: (f, a) => { a(); f.emit(op.f64Sqrt); },
  rsqrt: (f, a) => { f.f64(1); a(); f.emit(op.f64Sqrt, op.f64Div); },
  sin: (f, a) => { a(); callMath(f, "sin"); },
  cos: (f, a) => { a(); callMath(f, "cos"); },
  tanh: (f, a) => { a(); callMath(f, "tanh"); },
  sigmoid: (f, a) => { f.f64(1).f64(1); a(); f.emit(op.f64Neg); callMath(f, "exp"); f.emit(op.f64Add, op.f64Div); },
  relu: (f, a) => { a(); f.f64(0).emit(op.f64Max); },
  sign: (f, a) => { a(); callMath(f, "sign"); },
  floor: (f, a) => { a(); f.emit(op.f64Floor); },
  ceil: (f, a) => { a(); f.emit(op.f64Ceil); },
  round: (f, a) => { a(); f.emit(op.f64Nearest); },
  erf: (f, a) => { a(); callMath(f, "erf"); },
  log1p: (f, a) => { a(); callMath(f, "log1p"); },
  expm1: (f, a) => { a(); callMath(f, "expm1"); },
  logicalNot: (f, a) => { a(); f.f64(0); cmp(f, op.f64Eq); },
};

const BINARY: Record<BinaryOp, (f: Fn, a: () => void, b: () => void) => void> = {
  add: (f, a, b) => { a(); b(); f.emit(op.f64Add); },
  sub: (f, a, b) => { a(); b(); f.emit(op.f64Sub); },
  mul: (f, a, b) => { a(); b(); f.emit(op.f64Mul); },
  div: (f, a, b) => { a(); b(); f.emit(op.f64Div); },
  pow: (f, a, b) => { a(); b(); callMath(f, "pow"); },
  maximum: (f, a, b) => { a(); b(); f.emit(op.f64Max); },
  minimum: (f, a, b) => { a(); b(); f.emit(op.f64Min); },
  eq: (f, a, b) => { a(); b(); cmp(f, op.f64Eq); },
  ne: (f, a, b) => { a(); b(); cmp(f, op.f64Ne); },
  lt: (f, a, b) => { a(); b(); cmp(f, op.f64Lt); },
  le: (f, a, b) => { a(); b(); cmp(f, op.f64Le); },
  gt: (f, a, b) => { a(); b(); cmp(f, op.f64Gt); },
  ge: (f, a, b) => { a(); b(); cmp(f, op.f64Ge); },
  logicalAnd: (f, a, b) => { nonZero(f, a); nonZero(f, b); f.emit(op.i32And, op.f64ConvertI32U); },
  logicalOr: (f, a, b) => { nonZero(f, a); nonZero(f, b); f.emit(op.i32Or, op.f64ConvertI32U); },
};

/** Pushes the f64 value of `e`, reading input i from f64 local `vals[i]`. */
export function emitScalar(f: Fn, e: Expr, vals: readonly number[]): void {
  const sub = (x: Expr) => () => emitScalar(f, x, vals);
  switch (e.kind) {
    case "input": f.get(vals[e.index]); return;
    case "const": f.f64(e.value); return;
    case "unary": UNARY[e.op](f, sub(e.a)); return;
    case "binary": BINARY[e.op](f, sub(e.a), sub(e.b)); return;
    case "where": emitScalar(f, e.a, vals); emitScalar(f, e.b, vals); nonZero(f, sub(e.cond)); f.emit(op.select); return;
    case "cast":
      emitScalar(f, e.a, vals);
      if (e.to === "float32") f.emit(op.f32DemoteF64, op.f64PromoteF32);
      else if (e.to === "int32") { toInt32(f); f.emit(op.f64ConvertI32S); }
      else if (e.to === "bool") { f.f64(0); cmp(f, op.f64Ne); }
      return;
  }
}

const VEC_UNARY: Partial<Record<UnaryOp, (f: Fn, a: () => void) => void>> = {
  neg: (f, a) => { a(); f.v(simd.f32x4Neg); },
  abs: (f, a) => { a(); f.v(simd.f32x4Abs); },
  sqrt: (f, a) => { a(); f.v(simd.f32x4Sqrt); },
  rsqrt: (f, a) => { f.f32(1).v(simd.f32x4Splat); a(); f.v(simd.f32x4Sqrt).v(simd.f32x4Div); },
  relu: (f, a) => { a(); f.f32(0).v(simd.f32x4Splat).v(simd.f32x4Max); },
  floor: (f, a) => { a(); f.v(simd.f32x4Floor); },
  ceil: (f, a) => { a(); f.v(simd.f32x4Ceil); },
  round: (f, a) => { a(); f.v(simd.f32x4Nearest); },
};
const VEC_BINARY: Partial<Record<BinaryOp, number>> = {
  add: simd.f32x4Add, sub: simd.f32x4Sub, mul: simd.f32x4Mul, div: simd.f32x4Div,
  maximum: simd.f32x4Max, minimum: simd.f32x4Min,
};

/** Whether `e` over float32 inputs has an f32x4 form (single correctly rounded SIMD ops only). */
export function vectorizable(e: Expr, inputs: readonly DType[]): boolean {
  switch (e.kind) {
    case "input": return inputs[e.index] === "float32";
    case "const": return Number.isNaN(e.value) || Math.fround(e.value) === e.value;
    case "unary": return e.op in VEC_UNARY && vectorizable(e.a, inputs);
    case "binary": return e.op in VEC_BINARY && vectorizable(e.a, inputs) && vectorizable(e.b, inputs);
    case "where": return false;
    case "cast": return e.to === "float32" && vectorizable(e.a, inputs);
  }
}

/** Pushes the f32x4 value of `e`, reading input i from v128 local `vals[i]`. */
export function emitVector(f: Fn, e: Expr, vals: readonly number[]): void {
  const sub = (x: Expr) => () => emitVector(f, x, vals);
  switch (e.kind) {
    case "input": f.get(vals[e.index]); return;
    case "const": f.f32(e.value).v(simd.f32x4Splat); return;
    case "unary": VEC_UNARY[e.op]!(f, sub(e.a)); return;
    case "binary": emitVector(f, e.a, vals); emitVector(f, e.b, vals); f.v(VEC_BINARY[e.op]!); return;
    case "where": throw new Error("unreachable: where is not vectorized");
    case "cast": emitVector(f, e.a, vals); return;
  }
}
