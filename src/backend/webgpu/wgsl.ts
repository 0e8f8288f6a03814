// Renders the kernel IR (ir/expr.ts) to WGSL, the same descriptions the js and wasm backends
// render. Every storage word is 32 bits (float32 as f32, int32 as i32, bool as a 0/1 u32), so
// buffers are declared `array<u32>` and values are bitcast on load and store.
//
// The js backend evaluates in float64 and rounds on store; here float arithmetic is f32 and
// integer arithmetic i32, so each subexpression carries its WGSL type. Where WGSL leaves a case
// to the implementation (NaN through max/min/clamp/sign, pow of a negative base, f32 → i32 of
// NaN or ±∞) the helpers below spell out the js/PyTorch answer with explicit tests, and NaN is
// detected from the bits: a compiler that assumes finite math may fold `x != x` to false.
import type { DType } from "../../core/dtype.js";
import { DTypeError } from "../../core/errors.js";
import type { BinaryOp, Expr, UnaryOp } from "../../ir/expr.js";

/** A WGSL expression and its type. */
export interface Typed { code: string; ty: "f32" | "i32" }

/** Helper functions every kernel's source starts with (unused ones cost nothing once compiled). */
export const PRELUDE = /* wgsl */ `
// NaN and ±∞ as run-time values: WGSL's constant evaluation rejects them.
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
var<private> NINF_BITS: u32 = 0xff800000u;
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
// sin and cos as Cephes' sinf/cosf: WGSL promises only 2^-11 absolute error for the builtins
// (inside [-π, π]); here, three-part Cody-Waite reduction to [-π/4, π/4] and minimax polynomials.
fn trig_(x: f32, cosine: bool) -> f32 {
  if (isnan_(x) || isinf_(x)) { return nan_(); }
  let a = abs(x);
  var j = i32(a * 1.27323954473516);
  var y = f32(j);
  if ((j & 1) == 1) { j += 1; y += 1.0; }
  j = j & 7;
  let r = ((a - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  let z = r * r;
  let sp = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let cp = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  var sgn = 1.0;
  var v: f32;
  if (cosine) {
    if (j > 3) { j -= 4; sgn = -sgn; }
    if (j > 1) { sgn = -sgn; }
    v = select(cp, sp, j == 1 || j == 2);
  } else {
    if (x < 0.0) { sgn = -sgn; }
    if (j > 3) { j -= 4; sgn = -sgn; }
    v = select(sp, cp, j == 1 || j == 2);
  }
  return sgn * v;
}
fn b2i(b: bool) -> i32 { return select(0i, 1i, b); }
fn max_(a: f32, b: f32) -> f32 { if (isnan_(a)) { return a; } if (isnan_(b)) { return b; } return select(b, a, a > b || (a == b && bitcast<u32>(b) == 0x80000000u)); }
fn min_(a: f32, b: f32) -> f32 { if (isnan_(a)) { return a; } if (isnan_(b)) { return b; } return select(b, a, a < b || (a == b && bitcast<u32>(a) == 0x80000000u)); }
// Outside their domains WGSL's log/sqrt/asin/acos are indeterminate; js and PyTorch give NaN (and log(0) = -∞).
fn log_(x: f32) -> f32 { if (x < 0.0) { return nan_(); } if (x == 0.0) { return -inf_(); } return log(x); }
fn sqrt_(x: f32) -> f32 { if (x < 0.0) { return nan_(); } return sqrt(x); }
fn asin_(x: f32) -> f32 { if (abs(x) > 1.0) { return nan_(); } return asin(x); }
fn acos_(x: f32) -> f32 { if (abs(x) > 1.0) { return nan_(); } return acos(x); }
fn sign_(x: f32) -> f32 { return select(select(x, 1.0, x > 0.0), -1.0, x < 0.0); }
fn relu_(x: f32) -> f32 { return select(x, 0.0, x < 0.0); }
fn tanh_(x: f32) -> f32 { if (abs(x) > 15.0) { return sign_(x); } return tanh(x); }
fn sigmoid_(x: f32) -> f32 { if (isnan_(x)) { return x; } return 1.0 / (1.0 + exp(-x)); }
fn log1p_(x: f32) -> f32 { if (x < -1.0) { return nan_(); } if (x == -1.0) { return -inf_(); } let u = 1.0 + x; if (u == 1.0) { return x; } if (isinf_(u)) { return u; } return log(u) * (x / (u - 1.0)); }
fn expm1_(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (x > 88.7) { return exp(x); }
  let u = exp(x); if (u == 1.0) { return x; } let um = u - 1.0; if (um == -1.0) { return -1.0; }
  return um * (x / log(u));
}
fn erf_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    // Maclaurin series: erf x = 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
    let z = x * x;
    return x * 1.1283791671 * (1.0 + z * (-0.3333333333 + z * (0.1 + z * (-0.0238095238 + z * (0.0046296296 - z * 0.0007575758)))));
  }
  if (a > 6.0) { return sign_(x); }
  // erfc by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7.
  let t = 1.0 / (1.0 + 0.5 * a);
  let c = t * exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(c - 1.0, 1.0 - c, x >= 0.0);
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  if (b == 0.5 && a >= 0.0) { return sqrt(a); }
  if (b == -1.0) { return 1.0 / a; }
  let m = abs(a);
  var r: f32;
  if (m == 0.0) { r = select(0.0, inf_(), b < 0.0); }
  else if (isinf_(m)) { r = select(m, 0.0, b < 0.0); }
  else if (m == 1.0 && isinf_(b)) { return nan_(); }
  else { r = exp2(b * log2(m)); }
  if (a < 0.0 || bitcast<u32>(a) == 0x80000000u) {
    if (isinf_(b)) { return r; }
    if (floor(b) != b) { return nan_(); }
    // An odd integer exponent keeps the sign (2^24 and up are all even in f32).
    if (abs(b) < 16777216.0 && (i32(b) & 1) == 1) { return -r; }
  }
  return r;
}
fn hypot_(a: f32, b: f32) -> f32 {
  if (isinf_(a) || isinf_(b)) { return inf_(); }
  let m = max(abs(a), abs(b));
  if (m == 0.0 || isnan_(m)) { return select(m, nan_(), isnan_(a) || isnan_(b)); }
  let x = a / m; let y = b / m;
  return m * sqrt(x * x + y * y);
}
fn toi32(x: f32) -> i32 {
  // ToInt32 as js's Int32Array store: NaN and ±∞ → 0, truncation toward zero, wrap mod 2^32.
  if (isnan_(x) || isinf_(x)) { return 0i; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return i32(t); }
  let m = t - 4294967296.0 * floor(t / 4294967296.0);
  return bitcast<i32>(u32(m));
}
fn ne_f(a: f32, b: f32) -> i32 { return select(b2i(a != b), 1i, isnan_(a) || isnan_(b)); }
fn eq_f(a: f32, b: f32) -> i32 { return select(b2i(a == b), 0i, isnan_(a) || isnan_(b)); }
`;

/** An f32 literal with exactly `Math.fround(v)`'s bits (also NaN, ±∞, -0, which WGSL has no literals for). */
export function f32Lit(v: number): string {
  if (Number.isNaN(v)) return "nan_()";
  if (v === Infinity || Math.fround(v) === Infinity) return "inf_()";
  if (v === -Infinity || Math.fround(v) === -Infinity) return "(-inf_())";
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0];
  if (Number.isInteger(v) && Math.abs(v) < 1e7 && !Object.is(v, -0)) return `(${v}.0)`;
  return `bitcast<f32>(${bits}u)`;
}

const asF = (t: Typed): string => (t.ty === "f32" ? t.code : `f32(${t.code})`);
const asBool = (t: Typed): string => (t.ty === "f32" ? `!(${t.code} == 0.0)` : `(${t.code} != 0i)`);
const f = (code: string): Typed => ({ code, ty: "f32" });
const i = (code: string): Typed => ({ code, ty: "i32" });

const FLOAT_UNARY: Record<UnaryOp, (a: string) => string> = {
  neg: (a) => `(-(${a}))`, abs: (a) => `abs(${a})`, exp: (a) => `exp(${a})`, log: (a) => `log_(${a})`,
  sqrt: (a) => `sqrt_(${a})`, rsqrt: (a) => `(1.0 / sqrt_(${a}))`, sin: (a) => `trig_(${a}, false)`, cos: (a) => `trig_(${a}, true)`,
  tanh: (a) => `tanh_(${a})`, sigmoid: (a) => `sigmoid_(${a})`, relu: (a) => `relu_(${a})`, sign: (a) => `sign_(${a})`,
  floor: (a) => `floor(${a})`, ceil: (a) => `ceil(${a})`, round: (a) => `round(${a})`, erf: (a) => `erf_(${a})`,
  log1p: (a) => `log1p_(${a})`, expm1: (a) => `expm1_(${a})`, logicalNot: (a) => `f32(b2i(${a} == 0.0))`,
  tan: (a) => `tan(${a})`, atan: (a) => `atan(${a})`, asin: (a) => `asin_(${a})`, acos: (a) => `acos_(${a})`,
  sinh: (a) => `sinh(${a})`, cosh: (a) => `cosh(${a})`,
};

/** Unary ops that stay integer on an integer operand (the rest compute in f32). */
const INT_UNARY: Partial<Record<UnaryOp, (a: string) => string>> = {
  neg: (a) => `(-(${a}))`, abs: (a) => `abs(${a})`, sign: (a) => `sign(${a})`, relu: (a) => `max(${a}, 0i)`,
  floor: (a) => a, ceil: (a) => a, round: (a) => a, logicalNot: (a) => `b2i(${a} == 0i)`,
};

const FLOAT_BINARY: Record<BinaryOp, (a: string, b: string) => Typed> = {
  add: (a, b) => f(`(${a} + ${b})`), sub: (a, b) => f(`(${a} - ${b})`), mul: (a, b) => f(`(${a} * ${b})`),
  div: (a, b) => f(`(${a} / ${b})`), pow: (a, b) => f(`pow_(${a}, ${b})`),
  maximum: (a, b) => f(`max_(${a}, ${b})`), minimum: (a, b) => f(`min_(${a}, ${b})`),
  eq: (a, b) => i(`eq_f(${a}, ${b})`), ne: (a, b) => i(`ne_f(${a}, ${b})`),
  lt: (a, b) => i(`b2i(${a} < ${b})`), le: (a, b) => i(`b2i(${a} <= ${b})`),
  gt: (a, b) => i(`b2i(${a} > ${b})`), ge: (a, b) => i(`b2i(${a} >= ${b})`),
  logicalAnd: (a, b) => i(`b2i(!(${a} == 0.0) && !(${b} == 0.0))`), logicalOr: (a, b) => i(`b2i(!(${a} == 0.0) || !(${b} == 0.0))`),
  atan2: (a, b) => f(`atan2(${a}, ${b})`), hypot: (a, b) => f(`hypot_(${a}, ${b})`),
};

/** Binary ops that stay integer when both operands are (wrapping like Int32Array stores). */
const INT_BINARY: Partial<Record<BinaryOp, (a: string, b: string) => string>> = {
  add: (a, b) => `(${a} + ${b})`, sub: (a, b) => `(${a} - ${b})`, mul: (a, b) => `(${a} * ${b})`,
  maximum: (a, b) => `max(${a}, ${b})`, minimum: (a, b) => `min(${a}, ${b})`,
  eq: (a, b) => `b2i(${a} == ${b})`, ne: (a, b) => `b2i(${a} != ${b})`, lt: (a, b) => `b2i(${a} < ${b})`,
  le: (a, b) => `b2i(${a} <= ${b})`, gt: (a, b) => `b2i(${a} > ${b})`, ge: (a, b) => `b2i(${a} >= ${b})`,
  logicalAnd: (a, b) => `b2i(${a} != 0i && ${b} != 0i)`, logicalOr: (a, b) => `b2i(${a} != 0i || ${b} != 0i)`,
};

/** The dtypes the webgpu backend stores (one 4-byte word per element). */
export const onGpu = (dtype: DType): boolean => dtype === "float32" || dtype === "int32" || dtype === "bool";

/** The refusal every request for another dtype gets: `op` is the kernel or call that asked. */
export function unsupportedDType(op: string, dtype: DType = "float64"): DTypeError {
  if (dtype === "float64") return new DTypeError(op, "float64 is not supported on the webgpu backend (WebGPU has no 64-bit floats); use float32, or ds.setBackend(\"js\") or \"wasm\" for float64");
  return new DTypeError(op, `${dtype} is not supported on the webgpu backend yet; cast to float32 or int32 first (t.float(), t.int()), or use ds.setBackend("js") or "wasm"`);
}

/** The op a kernel description stands for, for error messages. */
export function exprOp(e: Expr): string {
  switch (e.kind) {
    case "unary": case "binary": return e.op;
    case "where": return "where";
    case "cast": return "to";
    default: return "copy";
  }
}

const isIntConst = (v: number) => Number.isInteger(v) && Math.abs(v) < 2 ** 31 && !Object.is(v, -0);

/**
 * WGSL for `e`; input k is read from the local `v{k}`, whose type follows `inputTypes[k]`
 * (float32 → f32; int32 and bool → i32).
 */
export function render(e: Expr, inputTypes: readonly DType[], op = exprOp(e)): Typed {
  const r = (x: Expr) => render(x, inputTypes, op);
  switch (e.kind) {
    case "input": {
      const dt = inputTypes[e.index];
      if (!onGpu(dt)) throw unsupportedDType(op, dt);
      return dt === "float32" ? f(`v${e.index}`) : i(`v${e.index}`);
    }
    case "const": return isIntConst(e.value) ? i(`(${e.value}i)`) : f(f32Lit(e.value));
    case "unary": {
      const a = r(e.a);
      const intOp = INT_UNARY[e.op];
      if (a.ty === "i32" && intOp) return i(intOp(a.code));
      const fa = constAsF(e.a, a);
      return e.op === "logicalNot" ? i(`b2i(${fa} == 0.0)`) : f(FLOAT_UNARY[e.op](fa));
    }
    case "binary": {
      const a = r(e.a), b = r(e.b);
      const intOp = INT_BINARY[e.op];
      if (a.ty === "i32" && b.ty === "i32" && intOp) return i(intOp(a.code, b.code));
      return FLOAT_BINARY[e.op](constAsF(e.a, a), constAsF(e.b, b));
    }
    case "where": {
      const c = r(e.cond), a = r(e.a), b = r(e.b);
      if (a.ty === "i32" && b.ty === "i32") return i(`select(${b.code}, ${a.code}, ${asBool(c)})`);
      return f(`select(${constAsF(e.b, b)}, ${constAsF(e.a, a)}, ${asBool(c)})`);
    }
    case "cast": {
      const a = r(e.a);
      switch (e.to) {
        case "float32": return f(constAsF(e.a, a));
        case "int32": return a.ty === "i32" ? a : i(`toi32(${a.code})`);
        case "bool": return i(`b2i(${asBool(a)})`);
        default: throw unsupportedDType(op, e.to);
      }
    }
  }
}

// An integer constant in float context as an f32 literal (no conversion at run time).
function constAsF(e: Expr, t: Typed): string {
  return e.kind === "const" ? f32Lit(e.value) : asF(t);
}

/** WGSL that loads element `idx` of buffer `buf` (u32 words) as the type `dtype` computes in. */
export function load(buf: string, idx: string, dtype: DType): string {
  switch (dtype) {
    case "float32": return `bitcast<f32>(${buf}[${idx}])`;
    case "int32": return `bitcast<i32>(${buf}[${idx}])`;
    case "bool": return `i32(${buf}[${idx}])`;
    default: throw unsupportedDType("load", dtype);
  }
}

/** WGSL for the u32 word that stores `t` as `dtype` (rounding/wrapping as a typed-array store would). */
export function store(t: Typed, dtype: DType): string {
  switch (dtype) {
    case "float32": return `bitcast<u32>(${asF(t)})`;
    case "int32": return `bitcast<u32>(${t.ty === "i32" ? t.code : `toi32(${t.code})`})`;
    // A Uint8Array store: ToUint8 (wraps; NaN → 0).
    case "bool": return `(bitcast<u32>(${t.ty === "i32" ? t.code : `toi32(${t.code})`}) & 255u)`;
    default: throw unsupportedDType("store", dtype);
  }
}
