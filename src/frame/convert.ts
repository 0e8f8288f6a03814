// astype: one column's values converted to another dtype, with pandas' rules where JavaScript allows.
import { ArgumentError } from "../core/errors.js";
import { type Column, isMissing, isNumericArray } from "./column.js";

export type AstypeTarget = "float64" | "float32" | "int32" | "string" | "bool";
const TARGETS: readonly AstypeTarget[] = ["float64", "float32", "int32", "string", "bool"];

function toNumber(name: string, v: unknown, i: number, target: string): number {
  if (isMissing(v)) return NaN;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "string") {
    const t = v.trim(), x = Number(t);
    if (t !== "" && (x === x || /^[+-]?nan$/i.test(t))) return x;
  }
  throw new ArgumentError("astype", `cannot convert ${JSON.stringify(String(v).slice(0, 20))} in row ${i} of "${name}" to ${target}`);
}

/** Python's str() of a float for the common cases: whole numbers keep ".0", NaN is missing. */
function floatText(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? x.toFixed(1) : String(x);
}

/**
 * float64/float32: numbers, bool 0/1, dates ms, numeric text parsed. int32: the same truncated toward
 * zero; a missing or infinite value is an error (as pandas). string: text, missing stays missing
 * (pandas' "string" dtype), floats print as Python does (1.0), bools as True/False. bool: non-zero
 * numbers and NaN are true (NumPy), text is true when non-empty, a missing object is false.
 */
export function astype(name: string, c: Column, dtype: AstypeTarget): Column {
  if (!TARGETS.includes(dtype)) throw new ArgumentError("astype", `cannot convert to "${String(dtype)}"; expected one of ${TARGETS.join(", ")}`);
  const n = c.length;
  switch (dtype) {
    case "float64":
    case "float32": {
      const out = dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = toNumber(name, c[i], i, dtype);
      return out;
    }
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const x = toNumber(name, c[i], i, dtype);
        if (!Number.isFinite(x)) throw new ArgumentError("astype", `cannot convert ${isMissing(c[i]) ? "a missing value" : String(x)} in row ${i} of "${name}" to int32; fillna() or dropna() first`);
        if (Math.abs(x) >= 2 ** 31) throw new ArgumentError("astype", `${x} in row ${i} of "${name}" does not fit int32`);
        out[i] = Math.trunc(x);
      }
      return out;
    }
    case "string": {
      const isFloat = c instanceof Float64Array || c instanceof Float32Array;
      return Array.from(c as ArrayLike<unknown>, (v) => {
        if (isMissing(v)) return null;
        if (typeof v === "boolean") return v ? "True" : "False";
        if (typeof v === "number") return isFloat ? floatText(v) : String(v);
        if (v instanceof Date) return v.toISOString().replace("T", " ").replace(/\.000Z$|Z$/, "");
        return String(v);
      });
    }
    case "bool":
      if (isNumericArray(c)) return Array.from(c, (x) => x !== 0);
      return Array.from(c as ArrayLike<unknown>, (v) => (isMissing(v) ? typeof v === "number" : typeof v === "string" ? v.length > 0 : !!v));
  }
}
