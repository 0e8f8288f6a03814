// Shape operations users call, composed from the movement primitives (views wherever possible).
import { promote } from "../core/dtype.js";
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { normDim, normDims, broadcastShapes, shapesEqual, resolveRange } from "../core/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import * as mv from "../prims/movement.js";
import { cast } from "../prims/elementwise.js";
import { frame } from "../tensor/memory.js";

export { contiguous, permute, pad, assign } from "../prims/movement.js";

/** A copy that owns its data (gradients flow through it). */
export const clone = (x: Tensor): Tensor => mv.copy(x);

/** New shape with the same elements; -1 infers one size. A view when possible. */
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => mv.reshape(x, shape);

/** Like reshape, but never copies: non-contiguous input is an error (as torch.view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return frame(() => {
  if (!x.isContiguous()) throw new ShapeError("view", `tensor of shape ${fmtShape(x.shape)} is not contiguous; use reshape() (which copies) or contiguous() first`);
  return mv.reshape(x, shape);
  });
}

/** Merges dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  return frame(() => {
  if (x.ndim === 0) return mv.reshape(x, [1]);
  const a = normDim("flatten", startDim, x.ndim), b = normDim("flatten", endDim, x.ndim);
  if (a > b) throw new ArgumentError("flatten", `startDim ${startDim} comes after endDim ${endDim}`);
  const mid = x.shape.slice(a, b + 1).reduce((p, d) => p * d, 1);
  return mv.reshape(x, [...x.shape.slice(0, a), mid, ...x.shape.slice(b + 1)]);
  });
}

/** Removes size-1 dims (all of them, or those listed; listed dims of other sizes are left, as PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[] | null): Tensor {
  return frame(() => {
  const dims = dim === undefined || dim === null ? x.shape.map((_, i) => i) : normDims("squeeze", dim, x.ndim);
  return mv.reshape(x, x.shape.filter((d, i) => !(d === 1 && dims.includes(i))));
  });
}

/** Inserts a size-1 dim at `dim` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return frame(() => {
  const d = normDim("unsqueeze", dim, x.ndim + 1);
  return mv.reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
  });
}

/** Swaps two dims (default: the last two; a no-op below 2-d). A view. */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  return frame(() => {
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) return x;
  const a = normDim("transpose", dim0, x.ndim), b = normDim("transpose", dim1, x.ndim);
  const p = x.shape.map((_, i) => i);
  [p[a], p[b]] = [p[b], p[a]];
  return mv.permute(x, p);
  });
}

export const expand = (x: Tensor, shape: readonly number[]): Tensor => mv.expand(x, shape);

/** Broadcasts to `shape` by NumPy's rules (a view). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return frame(() => {
  const target = broadcastShapes("broadcastTo", x.shape, shape);
  if (!shapesEqual(target, shape)) throw new ShapeError("broadcastTo", `cannot broadcast ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
  return mv.expand(x, shape);
  });
}

function checkList(op: string, ts: readonly Tensor[]): void {
  if (!Array.isArray(ts) || ts.length === 0) throw new ArgumentError(op, "expected a non-empty array of tensors");
}

/** Joins tensors along an existing dim (dtypes promote). */
export function concat(ts: readonly Tensor[], dim = 0): Tensor {
  return frame(() => {
  checkList("concat", ts);
  const dtype = ts.map((t) => t.dtype).reduce(promote);
  return mv.cat(ts.map((t) => (t.dtype === dtype ? t : cast(t, dtype))), dim);
  });
}

/** Joins equal-shaped tensors along a new dim. */
export function stack(ts: readonly Tensor[], dim = 0): Tensor {
  return frame(() => {
  checkList("stack", ts);
  for (const t of ts) {
    if (!shapesEqual(t.shape, ts[0].shape)) throw new ShapeError("stack", `all tensors must have the same shape, got ${ts.map((u) => fmtShape(u.shape)).join(", ")}`);
  }
  const d = normDim("stack", dim, ts[0].ndim + 1);
  return concat(ts.map((t) => unsqueeze(t, d)), d);
  });
}

/** Pieces of `size` along dim (the last may be smaller), or pieces of the listed sizes. Views. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  return frame(() => {
  const d = normDim("split", dim, x.ndim);
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ArgumentError("split", `size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let at = 0; at < n; at += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - at));
  } else {
    sizes = [...sizeOrSections];
    if (sizes.reduce((a, b) => a + b, 0) !== n || sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ShapeError("split", `sizes ${fmtShape(sizes)} do not add up to ${n}, the size of dim ${d}`);
    }
  }
  let at = 0;
  return sizes.map((s) => {
    const piece = narrow(x, d, at, s);
    at += s;
    return piece;
  });
  });
}

/** `chunks` nearly equal pieces along dim (as torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  return frame(() => {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ArgumentError("chunk", `chunks must be a positive integer, got ${chunks}`);
  const d = normDim("chunk", dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
  });
}

/** Elements start..start+length-1 along dim (a view). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  return frame(() => {
  const d = normDim("narrow", dim, x.ndim);
  const s = start < 0 ? start + x.shape[d] : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > x.shape[d]) {
    throw new ArgumentError("narrow", `start ${start} and length ${length} do not fit dim ${d} of size ${x.shape[d]}`);
  }
  const starts = x.shape.map(() => 0), stops = x.shape.slice();
  starts[d] = s;
  stops[d] = s + length;
  return mv.sliceView(x, starts, stops, x.shape.map(() => 1));
  });
}

/**
 * Per-dim slice: `x.slice([1, null], [3, null])` is x[1:3, :]. Missing trailing dims are taken
 * whole; negative bounds count from the end; steps must be positive (use flip to reverse).
 */
export function slice(x: Tensor, start: readonly (number | null)[], end?: readonly (number | null)[], step?: readonly number[]): Tensor {
  return frame(() => {
  if (start.length > x.ndim || (end && end.length > x.ndim) || (step && step.length > x.ndim)) {
    throw new ArgumentError("slice", `got bounds for more dims than the tensor's ${x.ndim}`);
  }
  const starts: number[] = [], stops: number[] = [], steps: number[] = [];
  for (let d = 0; d < x.ndim; d++) {
    const st = step?.[d] ?? 1;
    if (!Number.isInteger(st) || st <= 0) throw new ArgumentError("slice", `step must be a positive integer, got ${st} (use flip to reverse)`);
    for (const v of [start[d], end?.[d]]) {
      if (v !== undefined && v !== null && !Number.isInteger(v)) throw new ArgumentError("slice", `bounds must be integers, got ${v}`);
    }
    const [a, b] = resolveRange(x.shape[d], start[d], end?.[d]);
    starts.push(a);
    stops.push(b);
    steps.push(st);
  }
  return mv.sliceView(x, starts, stops, steps);
  });
}

/** Repeats the whole tensor `reps[i]` times along each dim (as torch.Tensor.repeat). */
export function repeat(x: Tensor, reps: readonly number[]): Tensor {
  return frame(() => {
  if (reps.length < x.ndim) throw new ArgumentError("repeat", `needs at least ${x.ndim} repeat counts, got ${fmtShape(reps)}`);
  if (reps.some((r) => !Number.isInteger(r) || r < 0)) throw new ArgumentError("repeat", `repeat counts must be non-negative integers, got ${fmtShape(reps)}`);
  const shape = [...Array(reps.length - x.ndim).fill(1), ...x.shape];
  const inter = shape.flatMap((s) => [1, s]);
  const expanded = mv.expand(mv.reshape(x, inter), shape.flatMap((s, i) => [reps[i], s]));
  return mv.reshape(expanded, shape.map((s, i) => s * reps[i]));
  });
}

/** NumPy's tile: like repeat, but fewer reps than dims are padded with leading 1s. */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  return frame(() => {
  return repeat(x, [...Array(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
  });
}

/** Reverses element order along the given dims (a view). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  return frame(() => {
  return mv.flip(x, typeof dims === "number" ? [dims] : dims);
  });
}
