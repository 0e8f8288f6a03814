// dtypes, their storage arrays, and PyTorch-style type promotion.
import { DTypeError } from "./errors.js";
import { roundHalf } from "./half.js";

export type DType = "float32" | "float64" | "float16" | "int32" | "uint8" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "float16", "int32", "uint8", "bool"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The typed array that stores each dtype: bool and uint8 one byte per element (bool 0 or 1);
 * float16 a Float32Array holding float16 values (Node 20 has no Float16Array; every store into
 * a float16 storage is rounded to half precision, see core/half.ts), so it takes 4 bytes in memory
 * and 2 in files.
 */
export function arrayFor(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32": case "float16": return new Float32Array(length);
    case "float64": return new Float64Array(length);
    case "int32": return new Int32Array(length);
    case "bool": case "uint8": return new Uint8Array(length);
  }
}

/**
 * Writes `data` into `arr` (a storage array of `dtype`) converted as a store into that dtype
 * converts: bool takes truthiness, float16 rounds to half precision (roundHalf), the typed array
 * does the rest (float32 rounds, int32 and uint8 truncate toward zero and wrap, NaN → 0).
 */
export function storeValues(dtype: DType, arr: TypedArray, data: ArrayLike<number>, at = 0): void {
  if (dtype === "bool") for (let i = 0; i < data.length; i++) arr[at + i] = data[i] ? 1 : 0;
  else if (dtype === "float16") for (let i = 0; i < data.length; i++) arr[at + i] = roundHalf(data[i]);
  else arr.set(data, at);
}

/** Bytes per element in memory (float16: 4, held as float32; see arrayFor). */
export function bytesPer(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" || dtype === "uint8" ? 1 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64" || dtype === "float16";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype !== "string" || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new DTypeError(op, `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
  }
  return dtype as DType;
}

// Promotion lattice, as PyTorch orders these dtypes: bool < uint8 < int32 < float16 < float32 <
// float64 (uint8 + int32 → int32, int32 + float16 → float16, float16 + float32 → float32).
const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float16: 3, float32: 4, float64: 5 };
// Categories, for scalars: bool < integer < float.
const CATEGORY: Record<DType, number> = { bool: 0, uint8: 1, int32: 1, float16: 2, float32: 2, float64: 2 };

/** The result dtype of combining two tensors. */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The result dtype of combining a tensor with a JavaScript number. Numbers are "weak", as Python
 * scalars are in PyTorch: they never widen the tensor's dtype within its category, but an
 * integer tensor meeting a fractional number becomes float32, and a bool tensor meeting a number
 * becomes int32 (integer) or float32.
 */
export function promoteScalar(t: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return t;
  const scalar: DType = Number.isInteger(value) ? "int32" : "float32";
  return CATEGORY[t] >= CATEGORY[scalar] ? t : scalar;
}

/** The dtype of a typed array the user passes in. */
export function dtypeOfArray(a: ArrayLike<number>): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint16Array) return "int32";
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return "uint8";
  return undefined;
}
