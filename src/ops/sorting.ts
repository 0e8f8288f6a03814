// Sorting and searching: sort, argsort, topk, unique, searchsorted, nonzero, argwhere. Positions
// are found on the host (a stable comparison sort, NaN largest, as PyTorch); values are then
// gathered from the input, so gradients flow through gather.
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../core/errors.js";
import { checkBoolean, checkNumber, checkOptions } from "../core/options.js";
import { normDim } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { frame } from "../tensor/memory.js";
import { backendOf, wrap } from "../prims/kernel.js";
import { gather } from "../prims/indexing.js";
import * as mv from "../prims/movement.js";
import { named } from "./tuple.js";

export interface SortOptions {
  /** The dim to sort along (default -1). */
  dim?: number;
  /** Largest first (default false). */
  descending?: boolean;
  /** Keep the order of equal elements (default false; deepscript's sort is always stable, so both give the stable order). */
  stable?: boolean;
}

// NaN compares larger than everything (as torch.sort), and equal to NaN.
const ascending = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);

const intTensor = (like: Tensor, values: ArrayLike<number>, shape: readonly number[]): Tensor => {
  const be = backendOf("sort", [like]);
  return wrap(be, be.fromArray("int32", values), shape);
};

// The rows of x along `d` (moved last, made contiguous), with the permutation that moves it back.
function rowsAlong(x: Tensor, d: number): { data: ArrayLike<number>; len: number; count: number; shape: number[]; back: number[] } {
  const order = x.shape.map((_, i) => i).filter((i) => i !== d).concat([d]);
  const moved = mv.permute(x, order);
  const len = x.ndim === 0 ? 1 : x.shape[d];
  const data = moved.dataSync();
  const back = order.map((_, i) => order.indexOf(i));
  return { data, len, count: len === 0 ? 0 : data.length / len, shape: [...moved.shape], back };
}

// Per row, the positions in sorted order; returned shaped like x (positions along d).
function sortedPositions(op: string, x: Tensor, d: number, descending: boolean, take?: number): Tensor {
  const { data, len, count, shape, back } = rowsAlong(x, d);
  const k = take ?? len;
  const out = new Int32Array(count * k);
  const idx = new Array<number>(len);
  for (let r = 0; r < count; r++) {
    const base = r * len;
    for (let i = 0; i < len; i++) idx[i] = i;
    idx.sort(descending ? (a, b) => ascending(data[base + b], data[base + a]) : (a, b) => ascending(data[base + a], data[base + b]));
    for (let i = 0; i < k; i++) out[r * k + i] = idx[i];
  }
  const t = intTensor(x, out, [...shape.slice(0, -1), k]);
  return x.ndim === 0 ? mv.reshape(t, []) : mv.permute(t, back);
}

function sortArgs(op: string, x: Tensor, opts: SortOptions): { d: number; descending: boolean } {
  checkOptions(op, opts, ["dim", "descending", "stable"]);
  if (x.dtype === "bool") throw new DTypeError(op, `cannot sort bool tensors; cast first with .int()`);
  const d = x.ndim === 0 ? 0 : normDim(op, opts.dim ?? -1, x.ndim);
  if (opts.stable !== undefined) checkBoolean(op, "stable", opts.stable);
  return { d, descending: opts.descending === undefined ? false : checkBoolean(op, "descending", opts.descending) };
}

/**
 * Sorted values and their original positions along a dim, as torch.sort: `[values, indices]`
 * (also by name; indices int32). NaN sorts as the largest value. Equal values keep their order.
 * @example const { values, indices } = ds.sort(x, { descending: true })
 */
export function sort(x: Tensor, opts: SortOptions = {}): [Tensor, Tensor] & { values: Tensor; indices: Tensor } {
  return frame(() => {
  const { d, descending } = sortArgs("sort", x, opts);
  const indices = sortedPositions("sort", x, d, descending);
  const values = x.ndim === 0 ? mv.copy(x) : gather(x, d, indices);
  return named([values, indices], { values, indices });
  });
}

/** The positions that sort x along a dim (int32), as torch.argsort. */
export function argsort(x: Tensor, opts: SortOptions = {}): Tensor {
  return frame(() => {
  const { d, descending } = sortArgs("argsort", x, opts);
  return sortedPositions("argsort", x, d, descending);
  });
}

export interface TopkOptions {
  dim?: number;
  /** The k largest (default) or, with false, the k smallest. */
  largest?: boolean;
  /** Results in sorted order (always true here; accepted for PyTorch's signature). */
  sorted?: boolean;
}

/** The k largest (or smallest) elements along a dim and their positions, as torch.topk: `[values, indices]`. */
export function topk(x: Tensor, k: number, opts: TopkOptions = {}): [Tensor, Tensor] & { values: Tensor; indices: Tensor } {
  return frame(() => {
  checkOptions("topk", opts, ["dim", "largest", "sorted"]);
  if (x.dtype === "bool") throw new DTypeError("topk", `not defined for bool tensors; cast first with .int()`);
  const d = x.ndim === 0 ? 0 : normDim("topk", opts.dim ?? -1, x.ndim);
  const len = x.ndim === 0 ? 1 : x.shape[d];
  checkNumber("topk", "k", k, { min: 0, integer: true });
  if (k > len) throw new ArgumentError("topk", `k (${k}) is larger than the size ${len} of dim ${d} of a tensor of shape ${fmtShape(x.shape)}`);
  const largest = opts.largest === undefined ? true : checkBoolean("topk", "largest", opts.largest);
  if (opts.sorted !== undefined) checkBoolean("topk", "sorted", opts.sorted);
  const indices = sortedPositions("topk", x, d, largest, k);
  const values = x.ndim === 0 ? mv.copy(x) : gather(x, d, indices);
  return named([values, indices], { values, indices });
  });
}

export interface UniqueOptions {
  /** Sorted ascending (always true here, as torch.unique on CPU). */
  sorted?: boolean;
  /** Also return, for each input element, its position in the unique values (x's shape, int32). */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs (int32). */
  returnCounts?: boolean;
}

/**
 * The distinct values of x (flattened), sorted ascending, as torch.unique. With `returnInverse`
 * and/or `returnCounts`, an array `[values, inverse?, counts?]` holding those asked for, in that
 * order (also readable as `.values`, `.inverse`, `.counts`). No gradient (as torch).
 */
export function unique(x: Tensor): Tensor;
export function unique(x: Tensor, opts: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, opts: UniqueOptions): Tensor[] & { values: Tensor; inverse?: Tensor; counts?: Tensor };
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | (Tensor[] & { values: Tensor; inverse?: Tensor; counts?: Tensor }) {
  return frame(() => {
  checkOptions("unique", opts, ["sorted", "returnInverse", "returnCounts"]);
  if (opts.sorted !== undefined) checkBoolean("unique", "sorted", opts.sorted);
  const wantInverse = opts.returnInverse === undefined ? false : checkBoolean("unique", "returnInverse", opts.returnInverse);
  const wantCounts = opts.returnCounts === undefined ? false : checkBoolean("unique", "returnCounts", opts.returnCounts);
  const data = x.dataSync();
  const order = Array.from({ length: data.length }, (_, i) => i).sort((a, b) => ascending(data[a], data[b]));
  const vals: number[] = [], counts: number[] = [], inverse = new Int32Array(data.length);
  for (const i of order) {
    const v = data[i];
    // NaN never equals NaN: each NaN is its own unique value, as torch.unique.
    if (vals.length === 0 || !(vals[vals.length - 1] === v)) { vals.push(v); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[i] = vals.length - 1;
  }
  const be = backendOf("unique", [x]);
  const values = wrap(be, be.fromArray(x.dtype, vals), [vals.length]);
  if (!wantInverse && !wantCounts) return values;
  const out: Tensor[] & { values: Tensor; inverse?: Tensor; counts?: Tensor } = Object.assign([values], { values });
  if (wantInverse) { out.inverse = intTensor(x, inverse, x.shape); out.push(out.inverse); }
  if (wantCounts) { out.counts = intTensor(x, counts, [counts.length]); out.push(out.counts); }
  return out;
  });
}

/**
 * For each value, the position in the sorted sequence where it would be inserted to keep it
 * sorted (int32), as torch.searchsorted: the first such position, or with `{ right: true }` the
 * last. `sortedSequence` is 1-d, or [..., n] with the same leading dims as `values`.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, opts: { right?: boolean; side?: "left" | "right" } = {}): Tensor {
  return frame(() => {
  checkOptions("searchsorted", opts, ["right", "side"]);
  const right = opts.side !== undefined ? opts.side === "right" : opts.right === true;
  if (opts.side !== undefined && opts.side !== "left" && opts.side !== "right") throw new ArgumentError("searchsorted", `side must be "left" or "right", got ${JSON.stringify(opts.side)}`);
  if (opts.side !== undefined && opts.right !== undefined && (opts.side === "right") !== opts.right) throw new ArgumentError("searchsorted", `side "${opts.side}" and right ${opts.right} disagree`);
  const seq = sortedSequence;
  if (seq.ndim === 0) throw new ShapeError("searchsorted", `sortedSequence must have at least 1 dim, got a 0-d tensor`);
  const vals = typeof values === "number" ? null : values;
  const n = seq.shape[seq.ndim - 1];
  if (vals && seq.ndim > 1 && (vals.ndim !== seq.ndim || !seq.shape.slice(0, -1).every((d, i) => d === vals.shape[i]))) {
    throw new ShapeError("searchsorted", `sortedSequence ${fmtShape(seq.shape)} and values ${fmtShape(vals.shape)} must share all but the last dim (or sortedSequence be 1-d)`);
  }
  const s = seq.dataSync(), v = vals ? vals.dataSync() : [values as number];
  const perRow = vals && seq.ndim > 1 ? vals.shape[vals.ndim - 1] : v.length;
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const base = seq.ndim > 1 ? Math.floor(i / perRow) * n : 0;
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = ascending(s[base + mid], v[i]);
      if (c < 0 || (right && c === 0)) lo = mid + 1; else hi = mid;
    }
    out[i] = lo;
  }
  return intTensor(seq, out, vals ? vals.shape : []);
  });
}

/**
 * The positions of the nonzero elements, as torch.nonzero: int32 [count, ndim], in row-major
 * order; with `{ asTuple: true }`, one 1-d tensor per dim (NumPy's nonzero).
 */
export function nonzero(x: Tensor): Tensor;
export function nonzero(x: Tensor, opts: { asTuple: true }): Tensor[];
export function nonzero(x: Tensor, opts: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  return frame(() => {
  checkOptions("nonzero", opts, ["asTuple"]);
  const data = x.dataSync(), nd = x.ndim, hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) hits.push(i);
  const coords = new Int32Array(hits.length * nd);
  hits.forEach((flat, r) => {
    for (let d = nd - 1; d >= 0; d--) {
      coords[r * nd + d] = flat % x.shape[d];
      flat = Math.floor(flat / x.shape[d]);
    }
  });
  if (opts.asTuple) {
    return x.shape.map((_, d) => intTensor(x, Int32Array.from(hits, (_, r) => coords[r * nd + d]), [hits.length]));
  }
  return intTensor(x, coords, [hits.length, nd]);
  });
}

/** The positions of the nonzero elements as rows of an int32 [count, ndim] tensor (torch.argwhere). */
export const argwhere = (x: Tensor): Tensor => nonzero(x);
