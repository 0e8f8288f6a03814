// Elementwise Series kernels on columns: arithmetic, comparisons, abs/round/clip, with pandas'
// missing-value rules (NaN propagates through arithmetic; a comparison with a missing value is false,
// except ne, which is true).
import { ArgumentError, ShapeError } from "../core/errors.js";
import { type Column, asNumbers, dtypeOf, isMissing, isNumericArray } from "./column.js";
import { compareCells } from "./aggregate.js";
import { Timedelta } from "./timedelta.js";

export type ArithOp = "add" | "sub" | "mul" | "div" | "pow" | "mod";
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

/** The other operand: a whole column (same length, matched by position) or one value for every row. */
export type Operand = { column: Column } | { scalar: unknown };

function checkLength(op: string, a: Column, b: Operand): void {
  if ("column" in b && b.column.length !== a.length) {
    throw new ShapeError(op, `the other Series has ${b.column.length} values for ${a.length}; Series are matched by position (there is no index yet), so lengths must agree`);
  }
}

function isIntColumn(c: Column): boolean {
  return c instanceof Int32Array;
}

/** Python's modulo (the result takes the divisor's sign), as NumPy's remainder; x % 0 is NaN. */
function pyMod(x: number, y: number): number {
  if (y === 0) return NaN;
  let r = x % y;
  if (r !== 0 && r < 0 !== y < 0) r += y;
  return r;
}

/** NumPy's power: 1 ** anything and anything ** 0 are 1, where JavaScript's Math.pow(1, NaN) is NaN. */
function npPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

const KERNELS: Record<ArithOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: npPow,
  mod: pyMod,
};

/** Int32 when every value is a whole number in range (int ⊕ int stays int, as pandas' int64), else the floats. */
export function narrowInt(out: Float64Array): Column {
  for (let i = 0; i < out.length; i++) if (!Number.isInteger(out[i]) || Math.abs(out[i]) >= 2 ** 31) return out;
  return Int32Array.from(out);
}

/**
 * a ⊕ b elementwise. Numbers (bool as 0/1, dates as ms) give float64; int32 with int32 (or a whole
 * number) stays int32 unless the op is div or a result is not a whole number in range. `add` of
 * two text columns (or text and a string) concatenates, as pandas' `+` on strings.
 */
export function arith(op: ArithOp, name: string, a: Column, b: Operand): Column {
  checkLength(op, a, b);
  const n = a.length;
  const time = timeArith(op, name, a, b);
  if (time !== null) return time;
  const bText = "column" in b ? dtypeOf(b.column) === "string" : typeof b.scalar === "string";
  if (op === "add" && (dtypeOf(a) === "string" || bText) && (n === 0 || !isNumericArray(a))) {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const x = a[i], y = "column" in b ? b.column[i] : b.scalar;
      if (isMissing(x) || isMissing(y)) out[i] = null;
      else if (typeof x !== "string" || typeof y !== "string") throw new ArgumentError(op, `cannot add ${typeof x} to ${typeof y} in row ${i} of "${name}"; expected two strings or two numbers`);
      else out[i] = x + y;
    }
    return out;
  }
  const x = asNumbers(op, name, a);
  const f = KERNELS[op];
  const out = new Float64Array(n);
  let bothInt = isIntColumn(a);
  if ("column" in b) {
    const y = asNumbers(op, `${name} (the other Series)`, b.column);
    bothInt &&= isIntColumn(b.column);
    for (let i = 0; i < n; i++) out[i] = f(x[i], y[i]);
  } else {
    const s = b.scalar;
    let y: number;
    if (typeof s === "number") y = s;
    else if (typeof s === "boolean") y = s ? 1 : 0;
    else if (isMissing(s)) y = NaN;
    else throw new ArgumentError(op, `expected a number or a Series, got ${s instanceof Date ? "a Date" : typeof s}`);
    bothInt &&= Number.isInteger(y);
    for (let i = 0; i < n; i++) out[i] = f(x[i], y);
  }
  return bothInt && op !== "div" ? narrowInt(out) : out;
}

type TimeKind = "datetime" | "timedelta" | null;
const timeKindOf = (v: unknown): TimeKind => (v instanceof Date ? "datetime" : v instanceof Timedelta ? "timedelta" : null);
function timeKind(c: Column): TimeKind {
  if (isNumericArray(c)) return null;
  for (const v of c) if (!isMissing(v)) return timeKindOf(v);
  return null;
}

/**
 * Date and timedelta arithmetic, as pandas': date ± timedelta → date, date − date → timedelta,
 * timedelta ± timedelta → timedelta, timedelta × or ÷ a number → timedelta, timedelta ÷ timedelta
 * → a number. Null when neither side holds dates or timedeltas (plain arithmetic applies).
 */
function timeArith(op: ArithOp, name: string, a: Column, b: Operand): Column | null {
  const ka = timeKind(a), kb = "column" in b ? timeKind(b.column) : timeKindOf(b.scalar);
  if (ka === null && kb === null) return null;
  const n = a.length, out = new Array<unknown>(n);
  const other = (i: number): unknown => ("column" in b ? b.column[i] : b.scalar);
  const fail = (x: unknown, y: unknown): never => {
    const what = (v: unknown) => (v instanceof Date ? "a date" : v instanceof Timedelta ? "a timedelta" : typeof v === "string" ? "text" : typeof v);
    throw new ArgumentError(op, `cannot ${op} ${what(y)} ${op === "sub" ? "from" : "and"} ${what(x)} in "${name}"; dates take add/sub of a frame.Timedelta, or sub of dates`);
  };
  for (let i = 0; i < n; i++) {
    const x = a[i], y = other(i);
    if (isMissing(x) || isMissing(y)) { out[i] = null; continue; }
    if (x instanceof Date && y instanceof Timedelta && (op === "add" || op === "sub")) out[i] = new Date(x.getTime() + (op === "add" ? y.ms : -y.ms));
    else if (x instanceof Date && y instanceof Date && op === "sub") out[i] = Timedelta.fromMs(x.getTime() - y.getTime());
    else if (x instanceof Timedelta && y instanceof Timedelta && (op === "add" || op === "sub")) out[i] = Timedelta.fromMs(op === "add" ? x.ms + y.ms : x.ms - y.ms);
    else if (x instanceof Timedelta && y instanceof Date && op === "add") out[i] = new Date(y.getTime() + x.ms);
    else if (x instanceof Timedelta && typeof y === "number" && (op === "mul" || op === "div")) out[i] = Timedelta.fromMs(op === "mul" ? x.ms * y : x.ms / y);
    else if (typeof x === "number" && y instanceof Timedelta && op === "mul") out[i] = Timedelta.fromMs(x * y.ms);
    else if (x instanceof Timedelta && y instanceof Timedelta && op === "div") out[i] = x.ms / y.ms;
    else fail(x, y);
  }
  return out.every((v) => typeof v === "number" || v === null) && out.some((v) => typeof v === "number") ? Float64Array.from(out, (v) => (v === null ? NaN : (v as number))) : out;
}

/** a ⋚ b elementwise → booleans. Missing on either side is false (ne: true), as pandas. */
export function compare(op: CompareOp, name: string, a: Column, b: Operand): boolean[] {
  checkLength(op, a, b);
  if (isNumericArray(a) && ("column" in b ? isNumericArray(b.column) : typeof b.scalar === "number")) return compareNumbers(op, a, b);
  return compareCellsOf(op, name, a, b);
}

/**
 * The fast path of compare for two numeric columns or a column and a number: IEEE comparisons
 * already give pandas' rule (NaN compares false, and NaN !== x is true). compareCellsOf is its
 * reference (test/frame-series.test.ts checks they agree).
 */
function compareNumbers(op: CompareOp, x: Float64Array | Float32Array | Int32Array, b: Operand): boolean[] {
  const n = x.length, out = new Array<boolean>(n);
  const col = "column" in b ? (b.column as Float64Array) : null, s = col ? 0 : (b as { scalar: number }).scalar;
  switch (op) {
    case "eq": for (let i = 0; i < n; i++) out[i] = x[i] === (col ? col[i] : s); break;
    case "ne": for (let i = 0; i < n; i++) out[i] = x[i] !== (col ? col[i] : s); break;
    case "lt": for (let i = 0; i < n; i++) out[i] = x[i] < (col ? col[i] : s); break;
    case "le": for (let i = 0; i < n; i++) out[i] = x[i] <= (col ? col[i] : s); break;
    case "gt": for (let i = 0; i < n; i++) out[i] = x[i] > (col ? col[i] : s); break;
    case "ge": for (let i = 0; i < n; i++) out[i] = x[i] >= (col ? col[i] : s); break;
  }
  return out;
}

/** compare for any cells (text, dates, bools, mixed): the general path and the fast path's reference. */
export function compareCellsOf(op: CompareOp, name: string, a: Column, b: Operand): boolean[] {
  const n = a.length, out = new Array<boolean>(n);
  const test = (c: number) => (op === "eq" ? c === 0 : op === "ne" ? c !== 0 : op === "lt" ? c < 0 : op === "le" ? c <= 0 : op === "gt" ? c > 0 : c >= 0);
  for (let i = 0; i < n; i++) {
    let x = a[i], y = "column" in b ? b.column[i] : b.scalar;
    if (isMissing(x) || isMissing(y)) { out[i] = op === "ne"; continue; }
    // bool meets number as 0/1 (True == 1 in pandas)
    if (typeof x === "boolean" && typeof y === "number") x = x ? 1 : 0;
    else if (typeof y === "boolean" && typeof x === "number") y = y ? 1 : 0;
    const sameKind = typeof x === typeof y && (x instanceof Date) === (y instanceof Date);
    if (!sameKind) {
      if (op === "eq" || op === "ne") { out[i] = op === "ne"; continue; }
      throw new ArgumentError(op, `cannot order ${describe(x)} against ${describe(y)} (row ${i} of "${name}")`);
    }
    out[i] = test(compareCells(x, y));
  }
  return out;
}

function describe(v: unknown): string {
  return v instanceof Date ? "a date" : typeof v === "string" ? `text ("${v.slice(0, 20)}")` : `a ${typeof v}`;
}

/** NumPy's round: half to even, at `decimals` places (negative rounds to tens, hundreds …). */
export function roundHalfEven(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  const rint = (v: number) => {
    const r = Math.round(v);
    return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r; // Math.round rounds .5 up; NumPy to the even neighbour
  };
  if (decimals >= 0) {
    const f = 10 ** decimals;
    return rint(x * f) / f;
  }
  const f = 10 ** -decimals;
  return rint(x / f) * f;
}

/** fn of each number; int32 stays int32 when `keepInt` and every result is whole. */
export function mapNumbers(op: string, name: string, a: Column, fn: (x: number) => number, keepInt: boolean): Column {
  const x = asNumbers(op, name, a), out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fn(x[i]);
  return keepInt && a instanceof Int32Array ? narrowInt(out) : out;
}
