// Columns of a DataFrame: the array types that hold them, their dtypes, and what "missing" means.
import { ArgumentError } from "../core/errors.js";
import { Timedelta } from "./timedelta.js";

/**
 * A column's storage. Numbers live in typed arrays (NaN = missing in Float64Array; an Int32Array
 * has no missing values); strings, booleans, dates and anything else live in plain arrays
 * (null = missing).
 */
export type Column = Float64Array | Float32Array | Int32Array | unknown[];

/** A column's kind, named as pandas names them where they agree. */
export type FrameDType = "float64" | "float32" | "int32" | "bool" | "string" | "datetime" | "timedelta" | "object";

/** A single cell value as the frame hands it out. */
export type Cell = number | string | boolean | Date | null | undefined | unknown;

/** Whether a cell counts as missing: null, undefined or NaN (pandas' isna). */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/** Whether the array is one of the typed arrays that hold numbers. */
export function isNumericArray(c: Column): c is Float64Array | Float32Array | Int32Array {
  return c instanceof Float64Array || c instanceof Float32Array || c instanceof Int32Array;
}

/** The dtype of a column: from the typed array's type, else from what its non-missing values are. */
export function dtypeOf(c: Column): FrameDType {
  if (c instanceof Float64Array) return "float64";
  if (c instanceof Float32Array) return "float32";
  if (c instanceof Int32Array) return "int32";
  let kind: FrameDType | null = null;
  for (const v of c) {
    if (isMissing(v)) continue;
    const k: FrameDType = typeof v === "number" ? "float64" : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : v instanceof Date ? "datetime" : v instanceof Timedelta ? "timedelta" : "object";
    if (kind === null) kind = k;
    else if (kind !== k) return "object";
  }
  return kind ?? "float64";
}

/** Whether a dtype holds numbers (bool counts, as in NumPy arithmetic). */
export function isNumericDType(d: FrameDType): boolean {
  return d === "float64" || d === "float32" || d === "int32" || d === "bool";
}

/**
 * The best storage for a list of values: Int32Array for whole numbers in range, Float64Array for
 * numbers (missing → NaN), else a plain array with missing values as null.
 */
export function toColumn(values: ArrayLike<unknown>): Column {
  if (isNumericArray(values as Column)) return values as Column;
  const n = values.length;
  let allNum = true, allInt = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v === "number") {
      if (allInt && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) allInt = false;
    } else if (v === null || v === undefined) allInt = false;
    else { allNum = false; break; }
  }
  if (allNum && n > 0) {
    if (allInt) return Int32Array.from(values as ArrayLike<number>);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = (values[i] as number | null) ?? NaN;
    return out;
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = isMissing(values[i]) ? null : values[i];
  return out;
}

/** The values at the given row positions (-1 = a missing row, as outer joins produce). */
export function take(c: Column, rows: ArrayLike<number>): Column {
  const n = rows.length;
  let hasMissing = false;
  for (let i = 0; i < n && !hasMissing; i++) hasMissing = rows[i] < 0;
  if (c instanceof Float64Array || c instanceof Float32Array || (c instanceof Int32Array && !hasMissing)) {
    const out = new (c.constructor as Float64ArrayConstructor)(n);
    for (let i = 0; i < n; i++) out[i] = rows[i] < 0 ? NaN : c[rows[i]];
    return out;
  }
  if (c instanceof Int32Array) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = rows[i] < 0 ? NaN : c[rows[i]];
    return out;
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = rows[i] < 0 ? null : c[rows[i]];
  return out;
}

/** A column of `n` copies of one value. */
export function constant(value: unknown, n: number): Column {
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? new Int32Array(n).fill(value) : new Float64Array(n).fill(value);
  return new Array<unknown>(n).fill(isMissing(value) ? null : value);
}

/** The column's values as numbers (bool → 0/1, dates → ms since 1970, timedeltas → ms, missing → NaN); other kinds are an error. */
export function asNumbers(op: string, name: string, c: Column): Float64Array {
  if (c instanceof Float64Array) return c;
  if (isNumericArray(c)) return Float64Array.from(c);
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (isMissing(v)) out[i] = NaN;
    else if (typeof v === "number") out[i] = v;
    else if (typeof v === "boolean") out[i] = v ? 1 : 0;
    else if (v instanceof Date) out[i] = v.getTime();
    else if (v instanceof Timedelta) out[i] = v.ms;
    else throw new ArgumentError(op, `column "${name}" holds ${typeof v === "string" ? `text ("${v.slice(0, 20)}" in row ${i})` : typeof v}; expected numbers`);
  }
  return out;
}
