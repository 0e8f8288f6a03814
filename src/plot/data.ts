// What plots accept: plain (nested) arrays, typed arrays, anything with toArray() (tensors), records,
// and anything with toRecords() (DataFrames) — turned into plain numbers and rows here.
import { ArgumentError, ShapeError } from "../core/errors.js";

/** Anything with toArray(): a deepscript Tensor, or your own type. */
export interface ArrayConvertible {
  toArray(): unknown;
}
/** Numbers as a plot takes them. */
export type Numbers = ArrayLike<number> | readonly (readonly number[])[] | ArrayConvertible;
/** A row of tidy data. */
export type Record_ = Record<string, unknown>;
/** Something with toRecords(): a deepscript DataFrame. */
export interface RecordSource {
  toRecords(): Record_[];
}

export function hasToArray(x: unknown): x is ArrayConvertible {
  return typeof x === "object" && x !== null && typeof (x as ArrayConvertible).toArray === "function";
}
export function hasToRecords(x: unknown): x is RecordSource {
  return typeof x === "object" && x !== null && typeof (x as RecordSource).toRecords === "function";
}
/** Whether x is an array of plain objects (tidy rows). */
export function isRecords(x: unknown): x is Record_[] {
  return Array.isArray(x) && x.length > 0 && x.every((r) => typeof r === "object" && r !== null && !Array.isArray(r) && !ArrayBuffer.isView(r));
}
/** Rows of a DataFrame or an array of records, else null. */
export function recordsOf(x: unknown): Record_[] | null {
  if (hasToRecords(x)) return x.toRecords();
  return isRecords(x) ? x : null;
}

/** Plain nested arrays of the input. */
export function nested(x: unknown): unknown {
  if (hasToArray(x)) return x.toArray();
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  return x;
}

/** The shape of nested arrays (from their first elements). */
export function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let p = x;
  while (Array.isArray(p) || ArrayBuffer.isView(p)) {
    const a = p as ArrayLike<unknown>;
    shape.push(a.length);
    if (!a.length) break;
    p = a[0];
  }
  return shape;
}

function num(op: string, v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null || v === undefined) return NaN;
  throw new ArgumentError(op, `expected numbers, got ${typeof v === "string" ? `"${v}"` : typeof v}`);
}

/** A flat list of numbers; [n, 1] and [1, n] count as 1-D. */
export function toNumbers(op: string, x: unknown, what = "values"): number[] {
  const v = nested(x);
  const shape = shapeOf(v);
  if (shape.length === 0) throw new ArgumentError(op, `${what} must be an array or tensor of numbers, got ${typeof x}`);
  if (shape.length === 1) return Array.from(v as ArrayLike<unknown>, (e) => num(op, e));
  if (shape.length === 2 && (shape[0] === 1 || shape[1] === 1)) return (v as unknown[][]).flat().map((e) => num(op, e));
  throw new ShapeError(op, `${what} must be 1-D, got shape [${shape.join(",")}]`);
}

/** Rows of numbers ([n, k]); a 1-D input is one column. */
export function toMatrix(op: string, x: unknown, what = "values"): number[][] {
  const v = nested(x);
  const shape = shapeOf(v);
  if (shape.length === 1) return Array.from(v as ArrayLike<unknown>, (e) => [num(op, e)]);
  if (shape.length !== 2) throw new ShapeError(op, `${what} must be 1-D or 2-D, got shape [${shape.join(",")}]`);
  return (v as unknown[][]).map((row, i) => {
    if (!Array.isArray(row) && !ArrayBuffer.isView(row)) throw new ShapeError(op, `${what}: row ${i} is not an array`);
    if ((row as ArrayLike<unknown>).length !== shape[1]) throw new ShapeError(op, `${what}: row ${i} has ${(row as ArrayLike<unknown>).length} values, row 0 has ${shape[1]}`);
    return Array.from(row as ArrayLike<unknown>, (e) => num(op, e));
  });
}

/** A flat list of labels (numbers, strings, booleans) of any 1-D input. */
export function toLabels(op: string, x: unknown, what = "labels"): unknown[] {
  const v = nested(x);
  if (!Array.isArray(v)) throw new ArgumentError(op, `${what} must be an array or tensor`);
  const shape = shapeOf(v);
  return shape.length === 2 && shape[1] === 1 ? (v as unknown[][]).map((r) => r[0]) : v;
}

/** The Vega-Lite type of a column of values. */
export function fieldType(values: readonly unknown[]): "quantitative" | "temporal" | "nominal" {
  const v = values.find((x) => x !== null && x !== undefined);
  return v instanceof Date ? "temporal" : typeof v === "number" ? "quantitative" : "nominal";
}

/** Rows with dates as milliseconds (Vega reads those as UTC times) and NaN as null (Vega skips those). */
export function cleanRows(rows: readonly Record_[]): Record_[] {
  return rows.map((r) => {
    const out: Record_ = {};
    for (const [k, v] of Object.entries(r)) out[k] = v instanceof Date ? v.getTime() : typeof v === "number" && !Number.isFinite(v) ? null : v;
    return out;
  });
}
