// Emits an ir expression as wasm instructions. The scalar form computes in float64, exactly as the
// js backend does (so results agree bit for bit, rounded once on store); the f32x4 form covers the
// float32 kernels whose every op is a single correctly rounded SIMD instruction.
import type { DType } from "../../core/dtype.js";
import type { Expr, UnaryOp, BinaryOp } from "../../ir/expr.js";
import { erf } from "../js/math.js";
import { roundHalf } from "../../core/half.js";
import { F64, Fn, V128, op, simd, type ValType } from "./asm.js";

/** The JS math every kernel module imports (same order everywhere, so the indices are fixed). */
const MATH: { name: string; fn: (...a: number[]) => number; arity: number }[] = [
  { name: "exp", fn: Math.exp, arity: 1 }, { name: "log", fn: Math.log, arity: 1 },
  { name: "sin", fn: Math.sin, arity: 1 }, { name: "cos", fn: Math.cos, arity: 1 },
  { name: "tanh", fn: Math.tanh, arity: 1 }, { name: "log1p", fn: Math.log1p, arity: 1 },
  { name: "expm1", fn: Math.expm1, arity: 1 }, { name: "sign", fn: Math.sign, arity: 1 },
  { name: "erf", fn: erf, arity: 1 }, { name: "pow", fn: Math.pow, arity: 2 },
  // Appended (the indices above stay fixed): the transcendental ops wasm has no instruction for.
  { name: "tan", fn: Math.tan, arity: 1 }, { name: "atan", fn: Math.atan, arity: 1 },
  { name: "asin", fn: Math.asin, arity: 1 }, { name: "acos", fn: Math.acos, arity: 1 },
  { name: "sinh", fn: Math.sinh, arity: 1 }, { name: "cosh", fn: Math.cosh, arity: 1 },
  { name: "atan2", fn: Math.atan2, arity: 2 }, { name: "hypot", fn: Math.hypot, arity: 2 },
  // Rounding to float16 (core/half.ts), for stores into float16 storage and casts to float16.
  { name: "f16", fn: roundHalf, arity: 1 },
];
const MATH_INDEX = new Map(MATH.map((m, i) => [m.name, i]));

export const mathImports = MATH.map((m) => ({ name: m.name, params: Array<ValType>(m.arity).fill(F64), results: [F64] as ValType[] }));
export const mathFunctions: Record<string, (...a: number[]) => number> = Object.fromEntries(MATH.map((m) => [m.name, m.fn]));

const callMath = (f: Fn, name: string) => f.call(MATH_INDEX.get(name)!);
const TRUNC_SAT_I64_F64 = [0xfc, 0x06];

/**
 * Leaves ToInt32(top of stack) (JavaScript's `x | 0`: truncate, wrap mod 2^32) as an i32. Values
 * inside the int32 range (all an index computation makes) take one plain truncation; the rest
 * go through i64: ±Infinity and NaN give 0 (x·(x − x == 0) is NaN for them, and a saturating
 * truncation takes NaN to 0); finite values past ±2^63 saturate instead of wrapping (JS wraps
 * them; nothing here makes them). The in-range branch is not only shorter: V8 ran the i64
 * saturating truncation at about 40 ns per element (an int32 add of 400k elements, under load: 12-26 ms, 2.7-5 ms with the branch).
 */
function toInt32(f: Fn): void {
  const x = f.local(F64);
  f.tee(x).emit(op.f64Abs).f64(2147483648).emit(op.f64Lt, op.if, 0x7f);
  f.get(x).emit(op.i32TruncF64S);
  f.emit(op.else);
  f.get(x).get(x).get(x).emit(op.f64Sub).f64(0).emit(op.f64Eq, op.f64ConvertI32U, op.f64Mul);
  f.emit(...TRUNC_SAT_I64_F64, op.i32WrapI64);
  f.emit(op.end);
}

/** Pushes the f64 value of element `ptr` of a storage of `dtype`. */
export function loadScalar(f: Fn, dtype: DType, ptr: number, offset = 0): void {
  f.get(ptr);
  switch (dtype) {
    case "float32": case "float16": f.mem(op.f32Load, 2, offset).emit(op.f64PromoteF32); break;
    case "float64": f.mem(op.f64Load, 3, offset); break;
    case "int32": f.mem(op.i32Load, 2, offset).emit(op.f64ConvertI32S); break;
    case "bool": case "uint8": f.mem(op.i32Load8u, 0, offset).emit(op.f64ConvertI32U); break;
  }
}

/** Stores the f64 `value` local at address local `ptr`, rounded/converted to `dtype` as typed arrays do. */
export function storeScalar(f: Fn, dtype: DType, ptr: number, value: number): void {
  f.get(ptr).get(value);
  switch (dtype) {
    case "float32": f.emit(op.f32DemoteF64).mem(op.f32Store, 2); break;
    case "float16": callMath(f, "f16"); f.emit(op.f32DemoteF64).mem(op.f32Store, 2); break;
    case "float64": f.mem(op.f64Store, 3); break;
    case "int32": toInt32(f); f.mem(op.i32Store, 2); break;
    // store8 keeps the low byte: ToUint8, as a Uint8Array store.
    case "bool": case "uint8": toInt32(f); f.mem(op.i32Store8, 0); break;
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
  tan: (f, a) => { a(); callMath(f, "tan"); },
  atan: (f, a) => { a(); callMath(f, "atan"); },
  asin: (f, a) => { a(); callMath(f, "asin"); },
  acos: (f, a) => { a(); callMath(f, "acos"); },
  sinh: (f, a) => { a(); callMath(f, "sinh"); },
  cosh: (f, a) => { a(); callMath(f, "cosh"); },
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
  atan2: (f, a, b) => { a(); b(); callMath(f, "atan2"); },
  hypot: (f, a, b) => { a(); b(); callMath(f, "hypot"); },
};

/**
 * The structure of `e` as a cache key, with its constants appended to `consts` in walk order:
 * kernels take constants as parameters, so `x.mul(lr)` compiles once for every value of lr.
 */
export function signature(e: Expr, consts: number[]): string {
  switch (e.kind) {
    case "input": return `i${e.index}`;
    case "const": consts.push(e.value); return "c";
    case "unary": return `${e.op}(${signature(e.a, consts)})`;
    case "binary": {
      const a = signature(e.a, consts);
      return `${e.op}(${a},${signature(e.b, consts)})`;
    }
    case "where": {
      const c = signature(e.cond, consts), a = signature(e.a, consts);
      return `?(${c},${a},${signature(e.b, consts)})`;
    }
    case "cast": return `${e.to}(${signature(e.a, consts)})`;
  }
}

/** The constant nodes of `e` in `signature`'s walk order (parameter j holds the j-th one's value). */
export function constNodes(e: Expr, out: Expr[] = []): Expr[] {
  switch (e.kind) {
    case "input": break;
    case "const": out.push(e); break;
    case "unary": case "cast": constNodes(e.a, out); break;
    case "binary": constNodes(e.a, out); constNodes(e.b, out); break;
    case "where": constNodes(e.cond, out); constNodes(e.a, out); constNodes(e.b, out); break;
  }
  return out;
}

/** Where an emitted expression finds its operands: input i in local `vals[i]`, constants by node. */
export interface Operands {
  readonly vals: readonly number[];
  readonly consts: ReadonlyMap<Expr, number>;
}

/** Pushes the f64 value of `e`, reading input i from f64 local `vals[i]` and constants from their f64 locals. */
export function emitScalar(f: Fn, e: Expr, ops: Operands): void {
  const sub = (x: Expr) => () => emitScalar(f, x, ops);
  switch (e.kind) {
    case "input": f.get(ops.vals[e.index]); return;
    case "const": f.get(ops.consts.get(e)!); return;
    case "unary": UNARY[e.op](f, sub(e.a)); return;
    case "binary": BINARY[e.op](f, sub(e.a), sub(e.b)); return;
    case "where": emitScalar(f, e.a, ops); emitScalar(f, e.b, ops); nonZero(f, sub(e.cond)); f.emit(op.select); return;
    case "cast":
      emitScalar(f, e.a, ops);
      if (e.to === "float32") f.emit(op.f32DemoteF64, op.f64PromoteF32);
      else if (e.to === "float16") callMath(f, "f16");
      else if (e.to === "int32") { toInt32(f); f.emit(op.f64ConvertI32S); }
      else if (e.to === "uint8") { toInt32(f); f.i32(255).emit(op.i32And, op.f64ConvertI32U); }
      else if (e.to === "bool") { f.f64(0); cmp(f, op.f64Ne); }
      return;
  }
}

// ---- exp, tanh and sigmoid on f32x4 --------------------------------------------------------------
// Cephes' single-precision routines (range reduction by ln 2, a degree-5 polynomial; tanh's odd
// series near 0): results within 2 ulp of the js backend's (JS Math in float64, rounded once) —
// measured on 10^6 random inputs and the special values (test/wasm.test.ts) — at about 4× the
// speed of calling JS Math from wasm element by element. Overflow gives inf and underflow goes
// through the subnormals to 0, as in float64 then rounded.

const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];
const TANH_P = [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1];
const LN2_HI = 0.693359375, LN2_LO = -2.12194440e-4;

const splat32 = (f: Fn, v: number) => f.splat(v, "f32x4");

/** Horner's rule on the f32x4 in local `z`: ((c0·z + c1)·z + …) + c_last. */
function hornerF32(f: Fn, z: number, c: readonly number[]): void {
  splat32(f, c[0]);
  for (let k = 1; k < c.length; k++) { f.get(z).v(simd.f32x4Mul); splat32(f, c[k]); f.v(simd.f32x4Add); }
}

/** Pushes exp of the f32x4 in local `x` (overwritten). */
function expF32x4(f: Fn, x: number): void {
  const n = f.local(V128), r = f.local(V128), ni = f.local(V128);
  f.get(x); splat32(f, -104); f.v(simd.f32x4Max); splat32(f, 89); f.v(simd.f32x4Min).set(x);
  f.get(x); splat32(f, Math.LOG2E); f.v(simd.f32x4Mul).v(simd.f32x4Nearest).set(n);
  f.get(x).get(n); splat32(f, LN2_HI); f.v(simd.f32x4Mul).v(simd.f32x4Sub).get(n); splat32(f, LN2_LO); f.v(simd.f32x4Mul).v(simd.f32x4Sub).set(r);
  // 1 + r + r²·P(r)
  hornerF32(f, r, EXP_P);
  f.get(r).get(r).v(simd.f32x4Mul).v(simd.f32x4Mul).get(r).v(simd.f32x4Add); splat32(f, 1); f.v(simd.f32x4Add);
  // · 2^(n>>1) · 2^(n - (n>>1)), each factor a normal float for n in [-150, 128].
  f.get(n).v(simd.i32x4TruncSatF32x4S).set(ni);
  const pow2 = () => f.i32(127).v(simd.i32x4Splat).v(simd.i32x4Add).i32(23).v(simd.i32x4Shl);
  f.get(ni).i32(1).v(simd.i32x4ShrS); pow2(); f.v(simd.f32x4Mul);
  f.get(ni).get(ni).i32(1).v(simd.i32x4ShrS).v(simd.i32x4Sub); pow2(); f.v(simd.f32x4Mul);
}

/** Pushes tanh of the f32x4 in local `x`. */
function tanhF32x4(f: Fn, x: number): void {
  const e = f.local(V128), z = f.local(V128), t = f.local(V128);
  // |x| ≥ 0.625: 1 - 2/(exp(2|x|) + 1), with x's sign.
  f.get(x).v(simd.f32x4Abs); splat32(f, 2); f.v(simd.f32x4Mul).set(e);
  expF32x4(f, e);
  splat32(f, 1); f.v(simd.f32x4Add).set(e);
  splat32(f, 1); splat32(f, 2); f.get(e).v(simd.f32x4Div).v(simd.f32x4Sub);
  f.get(x); splat32(f, -0); f.v(simd.v128And).v(simd.v128Or).set(t);
  // |x| < 0.625: x + x·z·P(z), z = x².
  f.get(x).get(x).v(simd.f32x4Mul).set(z);
  hornerF32(f, z, TANH_P);
  f.get(z).v(simd.f32x4Mul).get(x).v(simd.f32x4Mul).get(x).v(simd.f32x4Add);
  f.get(t);
  f.get(x).v(simd.f32x4Abs); splat32(f, 0.625); f.v(simd.f32x4Lt);
  f.v(simd.v128Bitselect);
}

/**
 * Pushes 1 / (1 + exp(-x)) of the f32x4 in local `x`, as 1/(1 + e) for x ≥ 0 and e·(1/(1 + e)) below,
 * with e = exp(-|x|) ≤ 1: no overflow, so sigmoid(-100) is the subnormal it is, not 0.
 */
function sigmoidF32x4(f: Fn, x: number): void {
  const e = f.local(V128), d = f.local(V128);
  f.get(x).v(simd.f32x4Abs).v(simd.f32x4Neg).set(e);
  expF32x4(f, e);
  f.set(e);
  splat32(f, 1); splat32(f, 1); f.get(e).v(simd.f32x4Add).v(simd.f32x4Div).set(d);
  f.get(d);
  f.get(e).get(d).v(simd.f32x4Mul);
  f.get(x); splat32(f, 0); f.v(simd.f32x4Ge);
  f.v(simd.v128Bitselect);
}

/** An f32x4 op whose `body` reads its operand from a local. */
function inLocal(body: (f: Fn, x: number) => void): (f: Fn, a: () => void) => void {
  return (f, a) => {
    const x = f.local(V128);
    a();
    f.set(x);
    body(f, x);
  };
}

const VEC_UNARY: Partial<Record<UnaryOp, (f: Fn, a: () => void) => void>> = {
  exp: inLocal(expF32x4),
  tanh: inLocal(tanhF32x4),
  sigmoid: inLocal(sigmoidF32x4),
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

// Comparisons as f32x4 lane masks (all ones where true), as where's condition or (cast) as 1.0 / 0.0.
const VEC_COMPARE: Partial<Record<BinaryOp, number>> = {
  eq: simd.f32x4Eq, ne: simd.f32x4Ne, lt: simd.f32x4Lt, le: simd.f32x4Le, gt: simd.f32x4Gt, ge: simd.f32x4Ge,
};
const isVecCompare = (e: Expr, inputs: readonly DType[]): boolean =>
  e.kind === "binary" && e.op in VEC_COMPARE && vectorizable(e.a, inputs) && vectorizable(e.b, inputs);

/** Whether `e` over float32 inputs has an f32x4 form (single correctly rounded SIMD ops only). */
export function vectorizable(e: Expr, inputs: readonly DType[]): boolean {
  switch (e.kind) {
    case "input": return inputs[e.index] === "float32";
    case "const": return Number.isNaN(e.value) || Math.fround(e.value) === e.value;
    case "unary": return e.op in VEC_UNARY && vectorizable(e.a, inputs);
    case "binary": return e.op in VEC_BINARY && vectorizable(e.a, inputs) && vectorizable(e.b, inputs);
    case "where": return (isVecCompare(e.cond, inputs) || vectorizable(e.cond, inputs)) && vectorizable(e.a, inputs) && vectorizable(e.b, inputs);
    case "cast": return e.to === "float32" && (vectorizable(e.a, inputs) || isVecCompare(e.a, inputs));
  }
}

/** Pushes the lane mask of a condition: a comparison's, or (any other value) where it is nonzero. */
function emitMask(f: Fn, e: Expr, ops: Operands): void {
  if (e.kind === "binary" && e.op in VEC_COMPARE) {
    emitVector(f, e.a, ops);
    emitVector(f, e.b, ops);
    f.v(VEC_COMPARE[e.op]!);
    return;
  }
  emitVector(f, e, ops);
  f.f32(0).v(simd.f32x4Splat).v(simd.f32x4Ne);
}

/** Pushes the f32x4 value of `e`, reading input i from v128 local `vals[i]` and constants from splatted v128 locals. */
export function emitVector(f: Fn, e: Expr, ops: Operands): void {
  const sub = (x: Expr) => () => emitVector(f, x, ops);
  switch (e.kind) {
    case "input": f.get(ops.vals[e.index]); return;
    case "const": f.get(ops.consts.get(e)!); return;
    case "unary": VEC_UNARY[e.op]!(f, sub(e.a)); return;
    case "binary": emitVector(f, e.a, ops); emitVector(f, e.b, ops); f.v(VEC_BINARY[e.op]!); return;
    case "where": emitVector(f, e.a, ops); emitVector(f, e.b, ops); emitMask(f, e.cond, ops); f.v(simd.v128Bitselect); return;
    case "cast":
      if (e.a.kind === "binary" && e.a.op in VEC_COMPARE) { emitMask(f, e.a, ops); f.f32(1).v(simd.f32x4Splat).v(simd.v128And); return; }
      emitVector(f, e.a, ops);
      return;
  }
}
