// Indexing users call: NumPy-style index(), gather/scatter, indexSelect, maskedFill, oneHot.
import { ArgumentError, DTypeError, IndexError, ShapeError, fmtShape } from "../core/errors.js";
import { broadcastShapes, contiguousStrides, normDim, resolveRange, sizeOf } from "../core/shape.js";
import { Tensor } from "../tensor/tensor.js";
import * as mv from "../prims/movement.js";
import { gather as gatherP, scatter as scatterP } from "../prims/indexing.js";
import { binary, cast, where } from "../prims/elementwise.js";
import { backendOf, filled, wrap } from "../prims/kernel.js";
import { arange } from "./creation.js";
import { frame } from "../tensor/memory.js";
import { check } from "../prims/trace_hook.js";

/** A slice with optional bounds, as Python's start:stop:step. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number;
}

/**
 * One entry of `index(...)`: a number selects (and drops the dim); a string "a:b:c" or ":" or a
 * Slice object slices; "..." stands for all remaining dims; null inserts a new axis; an int32
 * tensor picks entries along a dim; a bool tensor masks the dims it covers.
 */
export type IndexSpec = number | string | null | Slice | Tensor;

function parseSlice(s: string): Slice {
  const parts = s.split(":");
  if (parts.length < 2 || parts.length > 3) throw new ArgumentError("index", `cannot parse slice "${s}"; expected "start:stop" or "start:stop:step"`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === "") return null;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new ArgumentError("index", `slice "${s}" has a non-integer bound "${p}"`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) ?? 1 };
}

/**
 * NumPy-style indexing: numbers, slices ("a:b:c", Slice objects), "...", null (new axis), int32
 * index tensors and bool masks, any number of each. Basic indices give a view; index tensors
 * (advanced indices) broadcast together to one shape B and pick elements (a gather; its gradient
 * is a scatter-add), as NumPy: when the advanced indices (numbers count as advanced beside a tensor)
 * stand next to each other, B replaces their dims in place; when a slice, "..." or null separates
 * them, B comes first (x.index(0, ":", idx) has shape [...B, x.shape[1]], as NumPy and PyTorch).
 * A bool mask stands for the int32 coordinates of its true entries (NumPy's mask.nonzero()).
 * @example x.index(ds.tensor([0, 2], { dtype: "int32" }), ds.tensor([1, 0], { dtype: "int32" })) // [x[0,1], x[2,0]]
 */
export function index(x: Tensor, ...spec: IndexSpec[]): Tensor {
  return frame(() => {
  const consuming = (s: IndexSpec) => !(s === null || s === "...") ;
  // A bool mask covers as many dims as it has: a 0-d one covers none and adds a dim of size 1 or 0 (as NumPy).
  const dimsUsed = (s: IndexSpec) => (s instanceof Tensor && s.dtype === "bool" ? s.ndim : consuming(s) ? 1 : 0);
  const ellipses = spec.filter((s) => s === "...").length;
  if (ellipses > 1) throw new ArgumentError("index", `at most one "..." is allowed`);
  const used = spec.reduce<number>((a, s) => a + dimsUsed(s), 0);
  if (used > x.ndim) throw new IndexError("index", `too many indices (${used}) for a tensor of ${x.ndim} dims`);
  // Expression positions of the advanced indices (tensors and, beside a tensor, numbers), with
  // "..." counted as one entry: it separates advanced indices even when it stands for no dim.
  const advancedAt: number[] = [];
  const hasTensor = spec.some((s) => s instanceof Tensor);
  spec.forEach((s, i) => { if (s instanceof Tensor || (hasTensor && typeof s === "number")) advancedAt.push(i); });
  const adjacent = advancedAt.every((p, k) => k === 0 || p === advancedAt[k - 1] + 1);
  const full: IndexSpec[] = [];
  for (const s of spec) {
    if (s === "...") for (let i = 0; i < x.ndim - used; i++) full.push(":");
    else full.push(s);
  }
  while (full.reduce<number>((a, s) => a + dimsUsed(s), 0) < x.ndim) full.push(":");

  // Basic indexing as one strided view, then a reshape to drop/insert dims.
  const starts: number[] = [], stops: number[] = [], steps: number[] = [];
  const outShape: number[] = [];
  const tensors: { pos: number; t: Tensor; dim: number }[] = [];
  let d = 0;
  for (const s of full) {
    if (s === null) { outShape.push(1); continue; }
    if (s instanceof Tensor) {
      const k = dimsUsed(s);
      tensors.push({ pos: outShape.length, t: s, dim: d });
      for (let i = 0; i < k; i++, d++) { starts.push(0); stops.push(x.shape[d]); steps.push(1); outShape.push(x.shape[d]); }
      continue;
    }
    const n = x.shape[d];
    if (typeof s === "number") {
      if (!Number.isInteger(s)) throw new IndexError("index", `index ${s} is not an integer`);
      const i = s < 0 ? s + n : s;
      if (i < 0 || i >= n) throw new IndexError("index", `index ${s} is out of range for dim ${d} of size ${n}`);
      starts.push(i); stops.push(i + 1); steps.push(1);
      d++;
      continue;
    }
    const sl = typeof s === "string" ? parseSlice(s) : s;
    if (typeof sl !== "object") throw new ArgumentError("index", `unsupported index ${JSON.stringify(s)}`);
    const step = sl.step ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new ArgumentError("index", `slice step must be a positive integer, got ${step} (use flip to reverse)`);
    const [a, b] = resolveRange(n, sl.start, sl.stop);
    starts.push(a); stops.push(b); steps.push(step);
    outShape.push(Math.ceil((b - a) / step));
    d++;
  }
  const y = mv.reshape(mv.sliceView(x, starts, stops, steps), outShape);
  if (tensors.length === 0) return y;
  for (const { t } of tensors) if (t.dtype !== "bool" && t.dtype !== "int32") throw new DTypeError("index", `tensor indices must be int32 or bool, got ${t.dtype}`);
  if (tensors.length === 1 && tensors[0].t.dtype === "bool" && tensors[0].t.ndim === 0) {
    // A 0-d mask alone: a new dim of size 1 (true) or 0 (false), as NumPy.
    const { pos, t } = tensors[0];
    return indexSelect(mv.reshape(y, [...y.shape.slice(0, pos), 1, ...y.shape.slice(pos)]), pos, nonzeroFlat(t));
  }
  return advancedIndex(y, tensors, adjacent);
  });
}

/**
 * The advanced part of index(): `y` has every tensor-indexed dim in full at `pos`; each index
 * (a bool mask: one coordinate array per dim it covers) is range-checked, all broadcast to B, and
 * combined into one row-major position over the indexed dims, which a single indexSelect picks.
 */
function advancedIndex(y: Tensor, tensors: readonly { pos: number; t: Tensor }[], adjacent: boolean): Tensor {
  const dims: number[] = [], arrays: Tensor[] = [];
  for (const { pos, t } of tensors) {
    if (t.dtype === "bool") {
      if (t.ndim === 0) throw new ArgumentError("index", "a 0-d bool index cannot be combined with other tensor indices");
      const covered = y.shape.slice(pos, pos + t.ndim);
      if (fmtShape(t.shape) !== fmtShape(covered)) throw new ShapeError("index", `bool mask of shape ${fmtShape(t.shape)} does not match the indexed dims ${fmtShape(covered)}`);
      nonzeroCoords(t).forEach((c, k) => { dims.push(pos + k); arrays.push(c); });
    } else {
      const n = y.shape[pos];
      // One index tensor is its own position, so the gather kernel's range check suffices where the
      // values cannot be read synchronously (webgpu: check() skips, the kernel reports at the next
      // read); several are combined into one position first, so they must be checked here.
      if (tensors.length === 1) check("index", () => checkRange(t, n, pos));
      else checkRange(t, n, pos);
      dims.push(pos);
      arrays.push(where(binary("lt", t, 0), binary("add", t, n), t));
    }
  }
  let B: number[];
  try {
    B = broadcastShapes("index", ...arrays.map((a) => a.shape));
  } catch {
    throw new ShapeError("index", `index tensors could not be broadcast together: shapes ${arrays.map((a) => fmtShape(a.shape)).join(", ")}`);
  }
  const sizes = dims.map((dd) => y.shape[dd]);
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total > 2147483647) throw new IndexError("index", `the indexed dims hold ${total} elements, more than int32 positions reach`);
  // Row-major position over the indexed dims: sum of index_k times the sizes after dim k.
  let flat: Tensor | null = null;
  let stride = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const term = stride === 1 ? arrays[k] : binary("mul", arrays[k], stride);
    flat = flat ? binary("add", flat, term) : term;
    stride *= sizes[k];
  }
  const rest = y.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const front = mv.reshape(mv.permute(y, [...dims, ...rest]), [total, ...rest.map((i) => y.shape[i])]);
  const bcast = mv.expand(mv.reshape(flat!, [...Array(B.length - flat!.ndim).fill(1), ...flat!.shape]), B);
  const picked = indexSelect(front, 0, mv.reshape(bcast, [sizeOf(B)]));
  const out = mv.reshape(picked, [...B, ...rest.map((i) => y.shape[i])]);
  // Adjacent advanced indices put B where they stood: after the rest-dims that came before them.
  const first = dims.length ? Math.min(...dims) : 0;
  const before = rest.filter((i) => i < first).length;
  if (!adjacent || before === 0) return out;
  const nb = B.length, order: number[] = [];
  for (let i = 0; i < before; i++) order.push(nb + i);
  for (let i = 0; i < nb; i++) order.push(i);
  for (let i = nb + before; i < out.ndim; i++) order.push(i);
  return mv.permute(out, order);
}

// An int32 index must lie in [-n, n): checked here, since positions combined over several dims
// would turn an out-of-range index into a valid but wrong position.
function checkRange(t: Tensor, n: number, dim: number): void {
  const v = t.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] < -n || v[i] >= n) throw new IndexError("index", `index ${v[i]} is out of range for dim ${dim} of size ${n}`);
  }
}

// The coordinates of a bool mask's true entries, one int32 [count] tensor per dim (NumPy's nonzero()).
function nonzeroCoords(mask: Tensor): Tensor[] {
  const data = mask.dataSync();
  const strides = contiguousStrides(mask.shape);
  const coords = mask.shape.map(() => [] as number[]);
  for (let i = 0; i < data.length; i++) {
    if (!data[i]) continue;
    let r = i;
    for (let k = 0; k < strides.length; k++) { coords[k].push(Math.floor(r / strides[k])); r %= strides[k]; }
  }
  const be = backendOf("index", [mask]);
  return coords.map((c) => wrap(be, be.fromArray("int32", c), [c.length]));
}

// Positions of true entries of a bool tensor, flattened, as int32.
function nonzeroFlat(mask: Tensor): Tensor {
  const data = mask.dataSync();
  const pos: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i]) pos.push(i);
  const be = backendOf("index", [mask]);
  return wrap(be, be.fromArray("int32", pos), [pos.length]);
}

export const gather = (x: Tensor, dim: number, index: Tensor): Tensor => gatherP(x, dim, index);

/** A copy of x with values from src (a tensor or a number) written at index along dim. */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  return frame(() => {
  const s = typeof src === "number" ? filled(backendOf("scatter", [x]), index.shape, x.dtype, src) : src;
  return scatterP(x, dim, index, s, "set");
  });
}

/** A copy of x with src added at index along dim (duplicates accumulate). */
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => scatterP(x, dim, index, src, "add");

/** Entries of x at the positions `index` (1-d int32) along dim. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return frame(() => {
  if (!(index instanceof Tensor) || index.dtype !== "int32") throw new DTypeError("indexSelect", `index must be an int32 tensor, got ${index instanceof Tensor ? index.dtype : typeof index}`);
  if (index.ndim > 1) throw new ShapeError("indexSelect", `index must be 1-d, got shape ${fmtShape(index.shape)}`);
  const d = normDim("indexSelect", dim, x.ndim);
  const flat = mv.reshape(index, [index.size]);
  const shape = x.shape.slice();
  shape[d] = flat.size;
  const lineShape = x.shape.map((_, i) => (i === d ? flat.size : 1));
  return gatherP(x, d, mv.expand(mv.reshape(flat, lineShape), shape));
  });
}

/** x with `value` where mask is true. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return frame(() => {
  if (!(mask instanceof Tensor) || mask.dtype !== "bool") throw new DTypeError("maskedFill", `mask must be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  const y = where(mask, value, x);
  return y.dtype === x.dtype ? y : cast(y, x.dtype);
  });
}

/** One-hot encoding of int32 class indices: shape [...x.shape, numClasses], int32. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  return frame(() => {
  if (x.dtype !== "int32") throw new DTypeError("oneHot", `class indices must be int32, got ${x.dtype}`);
  const range = (): [number, number] => {
    let lo = 0, hi = -1;
    for (const v of x.dataSync()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return [lo, hi];
  };
  const refuse = (lo: number, hi: number, n: number) => {
    if (lo < 0 || hi >= n) throw new IndexError("oneHot", `class values must lie in [0, ${n}), got ${lo < 0 ? lo : hi}`);
  };
  let n = numClasses;
  if (n === -1) {
    const [lo, hi] = range();
    n = hi + 1;
    refuse(lo, hi, n);
  } else {
    // Only a check when the class count is given (skipped where values cannot be read synchronously).
    check("oneHot", () => refuse(...range(), numClasses));
  }
  const classes = arange(0, n, 1, { dtype: "int32" });
  return cast(binary("eq", mv.reshape(x, [...x.shape, 1]), classes), "int32");
  });
}
