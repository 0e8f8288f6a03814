// Creating tensors: from data, filled, ranges, identity, and seeded random numbers.
import { type DType, checkDType, dtypeOfArray, isFloat } from "../core/dtype.js";
import { ArgumentError } from "../core/errors.js";
import { checkShape, sizeOf } from "../core/shape.js";
import { PCG32, activeRng } from "../core/rng.js";
import { backend } from "../backend/registry.js";
import { Tensor } from "../tensor/tensor.js";
import { flatten, type NestedInput } from "../tensor/nested.js";
import { filled, wrap } from "../prims/kernel.js";
import { frame } from "../tensor/memory.js";
import { source } from "../prims/trace_hook.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts?: CreateOptions): Tensor {
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

function fromValues(op: string, values: ArrayLike<number>, shape: readonly number[], dtype: DType, opts?: CreateOptions): Tensor {
  const be = backend();
  return finish(wrap(be, be.fromArray(dtype, values), shape), opts);
}

/**
 * A tensor from nested arrays, a typed array, a number or a boolean. JavaScript numbers have no
 * integer type, so numbers give float32 unless `dtype` says otherwise; booleans give bool;
 * typed arrays keep their type (Int32Array → int32, Float64Array → float64, Uint8Array and
 * Uint8ClampedArray → uint8). `dtype: "float16"` rounds each value to half precision.
 * @example ds.tensor([[1, 2], [3, 4]]); ds.tensor([0, 2, 1], { dtype: "int32" })
 */
export function tensor(data: NestedInput | Tensor, opts: CreateOptions = {}): Tensor {
  return frame(() => {
  if (data instanceof Tensor) {
    const t = data.detach().to(opts.dtype ?? data.dtype).clone();
    return finish(t, opts);
  }
  if (opts.dtype !== undefined) checkDType("tensor", opts.dtype);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const arr = data as unknown as ArrayLike<number>;
    return fromValues("tensor", arr, [arr.length], opts.dtype ?? dtypeOfArray(arr) ?? "float32", opts);
  }
  const { shape, values, allBool } = flatten("tensor", data as NestedInput);
  const dtype = opts.dtype ?? (allBool ? "bool" : "float32");
  if (dtype === "int32" && values.some((v) => !Number.isInteger(v))) {
    throw new ArgumentError("tensor", "int32 data must be whole numbers; round first or use a float dtype");
  }
  if (dtype === "uint8") {
    const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v <= 255));
    if (bad >= 0) throw new ArgumentError("tensor", `uint8 data must be whole numbers in [0, 255], got ${values[bad]} at flat index ${bad}; ds.tensor(data).to("uint8") truncates and wraps instead`);
  }
  return fromValues("tensor", values, shape, dtype, opts);
  });
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: readonly number[] | number, value: number | boolean, opts: CreateOptions = {}): Tensor {
  return frame(() => {
  const s = checkShape("full", shape);
  const dtype = opts.dtype ? checkDType("full", opts.dtype) : typeof value === "boolean" ? "bool" : "float32";
  return finish(filled(backend(), s, dtype, Number(value)), opts);
  });
}

export const zeros = (shape: readonly number[] | number, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: readonly number[] | number, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
export const zerosLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 0, { dtype: t.dtype, ...opts });
export const onesLike = (t: Tensor, opts: CreateOptions = {}): Tensor => full(t.shape, 1, { dtype: t.dtype, ...opts });
export const fullLike = (t: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(t.shape, value, { dtype: t.dtype, ...opts });

/**
 * Values from start (inclusive) to stop (exclusive) by step; `arange(n)` is 0..n-1. Integer
 * arguments give int32 (as PyTorch gives int64), any fractional one float32.
 */
export function arange(start: number, stop?: number, step = 1, opts: CreateOptions = {}): Tensor {
  return frame(() => {
  if (stop === undefined) [start, stop] = [0, start];
  for (const v of [start, stop, step]) if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError("arange", `bounds and step must be finite numbers, got ${String(v)}`);
  if (step === 0) throw new ArgumentError("arange", "step must be nonzero");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = opts.dtype ?? ([start, stop, step].every(Number.isInteger) ? "int32" : "float32");
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromValues("arange", values, [n], dtype, opts);
  });
}

/** `n` evenly spaced values from a to b inclusive. */
export function linspace(a: number, b: number, n: number, opts: CreateOptions = {}): Tensor {
  return frame(() => {
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError("linspace", `n must be a non-negative integer, got ${n}`);
  const values = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  // Fill symmetrically from both ends, as PyTorch does, so both endpoints are exact.
  for (let i = 0; i < n; i++) values[i] = i < n / 2 ? a + i * step : b - (n - 1 - i) * step;
  return fromValues("linspace", values, [n], opts.dtype ?? "float32", opts);
  });
}

/** The n×m identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, opts: CreateOptions = {}): Tensor {
  return frame(() => {
  checkShape("eye", [n, m]);
  const values = new Float64Array(n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromValues("eye", values, [n, m], opts.dtype ?? "float32", opts);
  });
}

function randomTensor(op: string, shape: readonly number[] | number, opts: CreateOptions, draw: () => number): Tensor {
  const s = checkShape(op, shape);
  const dtype = opts.dtype ?? "float32";
  if (!isFloat(dtype)) throw new ArgumentError(op, `dtype must be float32 or float64, got ${dtype}`);
  return source(op, () => {
    const values = new Float64Array(sizeOf(s));
    for (let i = 0; i < values.length; i++) values[i] = draw();
    return fromValues(op, values, s, dtype, opts);
  });
}

/** Options of the random creation functions: a generator of one's own (PyTorch's `generator=`). */
export interface RandomOptions extends CreateOptions {
  /** Draw from this generator (`new ds.Generator(seed)`) instead of the running module's or the global one. */
  generator?: PCG32;
}

function generatorOf(op: string, opts: RandomOptions): PCG32 {
  const g = opts.generator;
  if (g === undefined) return activeRng();
  if (!(g instanceof PCG32)) throw new ArgumentError(op, `generator must be a ds.Generator, got ${g === null ? "null" : typeof g}`);
  return g;
}

/** Uniform numbers in [0, 1), from the seeded generator (see ds.seed) or `opts.generator`. */
export function rand(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  return frame(() => {
  const g = generatorOf("rand", opts);
  const f64 = opts.dtype === "float64";
  return randomTensor("rand", shape, opts, f64 ? () => g.nextDouble() : () => g.nextFloat());
  });
}

/** Standard normal numbers, from the seeded generator or `opts.generator`. */
export function randn(shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  return frame(() => {
  const g = generatorOf("randn", opts);
  return randomTensor("randn", shape, opts, () => g.nextNormal());
  });
}

/** Integers uniform in [low, high), int32, from the seeded generator or `opts.generator`. */
export function randint(low: number, high: number, shape: readonly number[] | number, opts: RandomOptions = {}): Tensor {
  return frame(() => {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ArgumentError("randint", `need integers low < high, got ${low} and ${high}`);
  }
  const g = generatorOf("randint", opts);
  const s = checkShape("randint", shape);
  return source("randint", () => {
    const values = new Float64Array(sizeOf(s));
    for (let i = 0; i < values.length; i++) values[i] = g.nextInt(low, high);
    return fromValues("randint", values, s, opts.dtype ?? "int32", opts);
  });
  });
}
