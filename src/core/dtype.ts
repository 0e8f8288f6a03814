// dtypes, their storage arrays, and PyTorch-style type promotion.
import { DTypeError } from "./errors.js";

export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array that stores each dtype (bool is one byte per element, 0 or 1). */
export function arrayFor(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(length);
    case "float64": return new Float64Array(length);
    case "int32": return new Int32Array(length);
    case "bool": return new Uint8Array(length);
  }
}

export function bytesPer(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" ? 1 : 4;
}

export function isFloat(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype !== "string" || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new DTypeError(op, `unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
  }
  return dtype as DType;
}

// Promotion lattice, as PyTorch orders its categories: bool < int < float; float64 > float32.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

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
  return RANK[t] >= RANK[scalar] ? t : scalar;
}

/** The dtype of a typed array the user passes in. */
export function dtypeOfArray(a: ArrayLike<number>): DType | undefined {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint16Array) return "int32";
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return "int32";
  return undefined;
}
