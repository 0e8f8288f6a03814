// How cell values become keys (for hashing and matching) and column names.
import { isMissing } from "./column.js";

/** One name or several, as a list. */
export const list = (x: string | readonly string[]): string[] => (typeof x === "string" ? [x] : [...x]);

/** A value as a column name: booleans as pandas writes them, dates in ISO form. */
export function label(v: unknown): string {
  return typeof v === "boolean" ? (v ? "True" : "False") : v instanceof Date ? v.toISOString() : String(v);
}

/** A value as a Map key: dates by their time, every missing value as one null. */
export function keyOf(v: unknown): unknown {
  return v instanceof Date ? v.getTime() : isMissing(v) ? null : v;
}
