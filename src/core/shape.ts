// Shapes, strides, broadcasting and dimension arguments.
import { ArgumentError, IndexError, ShapeError, fmtShape } from "./errors.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when (shape, strides) walks memory in row-major order with no gaps. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

/** Validates a user-given shape: non-negative integers only. */
export function checkShape(op: string, shape: unknown): number[] {
  const arr = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(arr)) throw new ArgumentError(op, `shape must be an array of sizes, got ${String(shape)}`);
  for (const d of arr) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new ArgumentError(op, `shape ${JSON.stringify(arr)} has an invalid size ${String(d)}; expected non-negative integers`);
    }
  }
  return arr.slice() as number[];
}

/** NumPy broadcasting of several shapes. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(nd).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = nd - s.length + i;
      const d = s[i];
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(op, `shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together (dim ${o - nd}: ${out[o]} vs ${d})`);
      }
    }
  }
  return out;
}

/** Strides that present `shape`/`strides` as the larger `target` shape (zero stride on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i];
  return out;
}

/** Resolves a possibly negative dimension against `ndim`. */
export function normDim(op: string, dim: number, ndim: number): number {
  if (typeof dim !== "number" || !Number.isInteger(dim)) {
    throw new ArgumentError(op, `dim must be an integer, got ${String(dim)}`);
  }
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (dim < lo || dim > hi) {
    throw new IndexError(op, `dim ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? "" : "s"} (expected ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Resolves a dim argument (undefined = all dims) to a sorted list of distinct dims. */
export function normDims(op: string, dim: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dim === "number" ? [dim] : dim;
  const out = list.map((d) => normDim(op, d, ndim));
  if (ndim === 0) return [];
  if (new Set(out).size !== out.length) throw new ArgumentError(op, `dim ${JSON.stringify(list)} repeats a dimension`);
  return out.sort((a, b) => a - b);
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Python-style bounds: negative counts from the end, out-of-range clamps. */
export function resolveRange(n: number, start: number | null | undefined, stop: number | null | undefined): [number, number] {
  const norm = (v: number) => (v < 0 ? Math.max(0, v + n) : Math.min(v, n));
  const a = start === null || start === undefined ? 0 : norm(start);
  const b = stop === null || stop === undefined ? n : norm(stop);
  return [a, Math.max(a, b)];
}
