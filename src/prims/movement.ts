// Movement primitives. Views (reshape of contiguous data, permute, expand, slice, flip, windows)
// change shape/strides/offset only; copy, pad and cat write new storage.
import { ArgumentError, GradError, ShapeError, fmtShape } from "../core/errors.js";
import { broadcastShapes, contiguousStrides, isContiguous, normDim, sizeOf, shapesEqual, checkShape } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import { record } from "../autograd/node.js";
import { isGradEnabled } from "../autograd/mode.js";
import { Tensor } from "../tensor/tensor.js";
import { backendOf, filled, uninitialized, viewOf, viewTensor, wrap } from "./kernel.js";
import { reduce } from "./reduce.js";

/** A contiguous copy (always new storage). */
export function copy(x: Tensor): Tensor {
  const be = backendOf("contiguous", [x]);
  const y = wrap(be, be.run({ expr: ir.input(0), dtype: x.dtype }, [viewOf(x)], x.shape), x.shape);
  return record(y, "copy", [x], (g) => [g]);
}

/** `x` itself when already contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return isContiguous(x.shape, x.strides) ? x : copy(x);
}

/** Resolves a target shape with at most one -1. */
export function inferShape(op: string, size: number, shape: readonly number[]): number[] {
  const s = checkShape(op, shape.map((d) => (d === -1 ? 0 : d)));
  const free = shape.findIndex((d) => d === -1);
  if (shape.filter((d) => d === -1).length > 1) throw new ArgumentError(op, `only one dimension can be -1, got ${fmtShape(shape)}`);
  if (free >= 0) {
    const known = sizeOf(s.filter((_, i) => i !== free));
    if (known === 0 || size % known !== 0) throw new ShapeError(op, `cannot reshape ${size} elements into ${fmtShape(shape)}`);
    s[free] = size / known;
  }
  if (sizeOf(s) !== size) throw new ShapeError(op, `cannot reshape a tensor of ${size} elements into shape ${fmtShape(shape)} (${sizeOf(s)} elements)`);
  return s;
}

/**
 * Strides that present (shape, strides) as `target` without copying, or null when impossible.
 * Groups of old dims that are contiguous with each other can be split or merged freely.
 */
export function viewStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] | null {
  const out = new Array<number>(target.length);
  const src = shape.map((d, i) => [d, strides[i]]).filter(([d]) => d !== 1);
  let t = 0, i = 0;
  while (i < src.length) {
    // One chunk of old dims that walk memory as a single run.
    let j = i, chunk = src[i][0];
    while (j + 1 < src.length && src[j][1] === src[j + 1][1] * src[j + 1][0]) {
      j++;
      chunk *= src[j][0];
    }
    let stride = src[j][1] * chunk;
    // Fill target dims from this chunk, innermost last.
    let acc = 1;
    const start = t;
    while (t < target.length && (acc < chunk || target[t] === 1)) {
      acc *= target[t];
      t++;
    }
    if (acc !== chunk) return null;
    for (let k = start; k < t; k++) {
      stride /= target[k] === 0 ? 1 : target[k];
      out[k] = stride;
    }
    i = j + 1;
  }
  while (t < target.length) {
    if (target[t] !== 1) return null;
    out[t++] = 1;
  }
  for (let k = 0; k < target.length; k++) if (out[k] === undefined || !Number.isFinite(out[k])) out[k] = 1;
  return out;
}

/** Reshape: a view whenever the strides allow it, else a copy first. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape("reshape", x.size, shape);
  if (shapesEqual(target, x.shape)) return x;
  const vs = x.size === 0 ? contiguousStrides(target) : viewStrides(x.shape, x.strides, target);
  const src = vs ? x : copy(x);
  const y = viewTensor(src, target, vs ?? contiguousStrides(target), src.offset);
  return record(y, "reshape", [src], (g) => [reshape(g, src.shape)]);
}

/** Reorders dims (a view). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new ArgumentError("permute", `got ${dims.length} dims ${fmtShape(dims)} for a tensor of ${x.ndim} dims`);
  const d = dims.map((v) => normDim("permute", v, x.ndim));
  if (new Set(d).size !== d.length) throw new ArgumentError("permute", `dims ${fmtShape(dims)} repeat a dimension`);
  const y = viewTensor(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]), x.offset);
  const inv = new Array<number>(d.length);
  d.forEach((v, i) => (inv[v] = i));
  return record(y, "permute", [x], (g) => [permute(g, inv)]);
}

/** Broadcasts to `shape` (a view with zero strides; -1 keeps a size). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) throw new ShapeError("expand", `cannot expand ${fmtShape(x.shape)} to fewer dims ${fmtShape(shape)}`);
  const off = shape.length - x.ndim;
  const target = shape.map((s, i) => (s === -1 && i >= off ? x.shape[i - off] : s));
  checkShape("expand", target);
  const strides = target.map((s, i) => {
    if (i < off) return 0;
    const d = x.shape[i - off];
    if (d === s) return x.strides[i - off];
    if (d === 1) return 0;
    throw new ShapeError("expand", `cannot expand ${fmtShape(x.shape)} to ${fmtShape(shape)}: dim ${i} is ${d}, not 1 or ${s}`);
  });
  if (shapesEqual(target, x.shape)) return x;
  const y = viewTensor(x, target, strides, x.offset);
  return record(y, "expand", [x], (g) => [g]); // the driver sums g back to x's shape
}

/** Strided slice per dim: starts/stops already in range, steps ≥ 1 (a view). */
export function sliceView(x: Tensor, starts: readonly number[], stops: readonly number[], steps: readonly number[]): Tensor {
  const shape = x.shape.map((_, d) => Math.max(0, Math.ceil((stops[d] - starts[d]) / steps[d])));
  let offset = x.offset;
  x.shape.forEach((_, d) => (offset += shape[d] > 0 ? starts[d] * x.strides[d] : 0));
  const y = viewTensor(x, shape, x.strides.map((s, d) => s * steps[d]), offset);
  return record(y, "slice", [x], (g) => [embed(g, x.shape, shape, starts, steps)]);
}

// Zeros of `baseShape` with g written into the strided region a slice took (the slice's vjp).
function embed(g: Tensor, baseShape: readonly number[], shape: readonly number[], starts: readonly number[], steps: readonly number[]): Tensor {
  const be = backendOf("slice", [g]);
  const out = filled(be, baseShape, g.dtype, 0);
  const bs = contiguousStrides(baseShape);
  let offset = 0;
  baseShape.forEach((_, d) => (offset += shape[d] > 0 ? starts[d] * bs[d] : 0));
  be.run({ expr: ir.input(0), dtype: g.dtype }, [viewOf(g)], shape, { storage: viewOf(out).storage, shape, strides: bs.map((s, d) => s * steps[d]), offset });
  return record(out, "embed", [g], (gg) => [sliceView(gg, starts, starts.map((s, d) => s + shape[d] * steps[d]), steps)]);
}

/** Reverses the order of elements along dims (a view with negative strides). */
export function flip(x: Tensor, dims: readonly number[]): Tensor {
  const ds = dims.map((d) => normDim("flip", d, x.ndim));
  let offset = x.offset;
  const strides = x.strides.slice();
  for (const d of new Set(ds)) {
    if (x.shape[d] > 0) offset += (x.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  const y = viewTensor(x, x.shape, strides, offset);
  return record(y, "flip", [x], (g) => [flip(g, ds)]);
}

/**
 * Sliding windows over the last k dims of a contiguous tensor: shape [..., O1..Ok, K1..Kk]
 * with O = floor((n - dilation*(K-1) - 1)/stride) + 1. A view; its vjp accumulates overlaps.
 */
export function windows(x: Tensor, kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): Tensor {
  const src = contiguous(x);
  const k = kernel.length, lead = src.ndim - k;
  const outSizes = kernel.map((K, i) => Math.floor((src.shape[lead + i] - dilation[i] * (K - 1) - 1) / stride[i]) + 1);
  if (outSizes.some((o) => o <= 0)) {
    throw new ShapeError("windows", `kernel ${fmtShape(kernel)} (dilation ${fmtShape(dilation)}) is larger than the input's spatial size ${fmtShape(src.shape.slice(lead))}`);
  }
  const shape = [...src.shape.slice(0, lead), ...outSizes, ...kernel];
  const strides = [...src.strides.slice(0, lead), ...kernel.map((_, i) => src.strides[lead + i] * stride[i]), ...kernel.map((_, i) => src.strides[lead + i] * dilation[i])];
  const y = viewTensor(src, shape, strides, src.offset);
  return record(y, "windows", [src], (g) => [windowsBackward(g, src.shape, shape, strides)]);
}

function windowsBackward(g: Tensor, baseShape: readonly number[], shape: readonly number[], strides: readonly number[]): Tensor {
  const be = backendOf("windows", [g]);
  const out = filled(be, baseShape, g.dtype, 0);
  be.accumulate({ storage: viewOf(out).storage, shape, strides, offset: 0 }, viewOf(g));
  return out;
}

/** Constant padding; `pads` pairs (before, after) from the last dim backwards, as torch.nn.functional.pad. */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.length % 2 !== 0 || pads.length / 2 > x.ndim) {
    throw new ArgumentError("pad", `pads must hold (before, after) pairs for at most ${x.ndim} dims, got ${fmtShape(pads)}`);
  }
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) throw new ArgumentError("pad", `pads must be non-negative integers, got ${fmtShape(pads)}`);
  const before = x.shape.map(() => 0), after = x.shape.map(() => 0);
  for (let i = 0; i < pads.length / 2; i++) {
    before[x.ndim - 1 - i] = pads[2 * i];
    after[x.ndim - 1 - i] = pads[2 * i + 1];
  }
  const shape = x.shape.map((d, i) => d + before[i] + after[i]);
  const be = backendOf("pad", [x]);
  const out = filled(be, shape, x.dtype, value);
  const os = contiguousStrides(shape);
  const offset = before.reduce((acc, b, i) => acc + b * os[i], 0);
  be.run({ expr: ir.input(0), dtype: x.dtype }, [viewOf(x)], x.shape, { storage: viewOf(out).storage, shape: x.shape, strides: os, offset });
  return record(out, "pad", [x], (g) => [sliceView(g, before, before.map((b, i) => b + x.shape[i]), x.shape.map(() => 1))]);
}

/** Joins tensors of equal dtype along an existing dim. */
export function cat(ts: readonly Tensor[], dim: number): Tensor {
  const first = ts[0];
  const d = normDim("concat", dim, first.ndim);
  for (const t of ts) {
    if (t.ndim !== first.ndim || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new ShapeError("concat", `shapes ${ts.map((u) => fmtShape(u.shape)).join(", ")} differ outside dim ${d}`);
    }
  }
  const shape = first.shape.slice();
  shape[d] = ts.reduce((acc, t) => acc + t.shape[d], 0);
  const be = backendOf("concat", ts);
  const dtype = first.dtype;
  const out = uninitialized(be, shape, dtype); // the parts cover it
  const os = contiguousStrides(shape);
  let at = 0;
  for (const t of ts) {
    be.run({ expr: ir.input(0), dtype }, [viewOf(t)], t.shape, { storage: viewOf(out).storage, shape: t.shape, strides: os, offset: at * os[d] });
    at += t.shape[d];
  }
  return record(out, "concat", ts, (g) => {
    let start = 0;
    return ts.map((t) => {
      const starts = shape.map(() => 0), stops = shape.slice();
      starts[d] = start;
      stops[d] = start + t.shape[d];
      start += t.shape[d];
      return sliceView(g, starts, stops, shape.map(() => 1));
    });
  });
}

/** Sums `g` down to `shape` (undoing broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  const s = axes.length ? reduce("sum", g, axes, true) : g;
  return reshape(s, shape);
}

/**
 * Writes src (broadcast) into dst's elements in place (PyTorch's copy_). For buffers and
 * optimizer updates: refused on a tensor that records gradients, since the graph would go stale.
 */
export function assign(dst: Tensor, src: Tensor | number): Tensor {
  if (dst.requiresGrad && isGradEnabled()) {
    throw new GradError("copy_", "in-place write to a tensor that requires grad; wrap it in ds.noGrad(() => …)");
  }
  const be = backendOf("copy_", src instanceof Tensor ? [dst, src] : [dst]);
  const target = { storage: viewOf(dst).storage, shape: dst.shape, strides: dst.strides, offset: dst.offset };
  if (typeof src === "number") {
    be.run({ expr: ir.constant(src), dtype: dst.dtype }, [], dst.shape, target);
  } else {
    broadcastShapes("copy_", dst.shape, src.shape);
    if (!shapesEqual(broadcastShapes("copy_", dst.shape, src.shape), dst.shape)) {
      throw new ShapeError("copy_", `cannot write a tensor of shape ${fmtShape(src.shape)} into one of shape ${fmtShape(dst.shape)}`);
    }
    const expr = src.dtype === dst.dtype ? ir.input(0) : ir.cast(dst.dtype, ir.input(0));
    be.run({ expr, dtype: dst.dtype }, [viewOf(src, dst.shape)], dst.shape, target);
  }
  return dst;
}

/**
 * dst = expr(inputs) elementwise, in place (dst itself may be among the inputs, which are
 * broadcast to dst's shape): one kernel for a chain of ops, as fused optimizer updates need.
 * Records no gradient, and is refused on a tensor that records gradients, as assign is.
 */
export function assignExpr(dst: Tensor, expr: ir.Expr, inputs: readonly Tensor[]): Tensor {
  if (dst.requiresGrad && isGradEnabled()) {
    throw new GradError("copy_", "in-place write to a tensor that requires grad; wrap it in ds.noGrad(() => …)");
  }
  for (const t of inputs) broadcastShapes("copy_", dst.shape, t.shape);
  const be = backendOf("copy_", [dst, ...inputs]);
  const target = { storage: viewOf(dst).storage, shape: dst.shape, strides: dst.strides, offset: dst.offset };
  be.run({ expr, dtype: dst.dtype }, inputs.map((t) => viewOf(t, dst.shape)), dst.shape, target);
  return dst;
}
