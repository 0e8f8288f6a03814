// ONNX operators over whole tensors, run with deepscript ops (so autograd flows through them):
// elementwise math and comparisons, matrix products, reductions, and the shape operators exporters
// emit around them (Reshape, Transpose, Concat, Slice, Gather, Shape, Constant, ...).
import { ArgumentError } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { linear } from "../functional.js";
import { Attrs, dtypeOf, fromOnnx, hostInts, need, normAxes, opName, type OpContext, type OpDef } from "./attrs.js";

const isInt = (t: Tensor) => t.dtype === "int32";
const unary = (f: (x: Tensor) => Tensor): OpDef => ({ attrs: [], run: (x, _a, c) => [f(need(x, 0, c))] });
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpDef => ({ attrs: [], run: (x, _a, c) => [f(need(x, 0, c), need(x, 1, c))] });
const variadic = (f: (a: Tensor, b: Tensor) => Tensor): OpDef => ({
  attrs: [],
  run: (x, _a, c) => {
    const ts = x.filter((t): t is Tensor => t !== undefined);
    if (!ts.length) throw new ArgumentError(opName(c), "needs at least one input");
    return [ts.slice(1).reduce(f, ts[0])];
  },
});

// ONNX's integer Div truncates toward zero (shape arithmetic such as d_model / heads).
function div(a: Tensor, b: Tensor): Tensor {
  if (!isInt(a) || !isInt(b)) return a.div(b);
  const q = a.to("float64").div(b.to("float64"));
  return ds.where(q.lt(0), q.ceil(), q.floor()).to("int32");
}

/** The axes of a reduction: the `axes` attribute (before opset 18; ReduceSum before 13) or the second input. */
function reduceAxes(x: (Tensor | undefined)[], a: Attrs): number[] | undefined {
  const attr = a.ints("axes");
  if (attr) return attr;
  return x[1] ? hostInts(x[1]) : undefined;
}

const reduce = (f: (x: Tensor, dims: number[], keep: boolean) => Tensor): OpDef => ({
  attrs: ["axes", "keepdims", "noop_with_empty_axes"],
  run: (x, a, c) => {
    const t = need(x, 0, c);
    const keep = a.int("keepdims", 1) !== 0;
    const given = reduceAxes(x, a);
    if (!given || !given.length) {
      if (a.int("noop_with_empty_axes", 0)) return [t];
      return [f(t, t.shape.map((_, i) => i), keep)];
    }
    return [f(t, normAxes(given, t.ndim, c), keep)];
  },
});

/** Shape of broadcasting `a` and `b` (NumPy's rules, as ONNX's multidirectional broadcasting). */
function broadcastShape(a: readonly number[], b: readonly number[], c: OpContext): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = a[a.length - n + i] ?? 1, q = b[b.length - n + i] ?? 1;
    if (p !== q && p !== 1 && q !== 1) throw new ArgumentError(opName(c), `shapes [${a}] and [${b}] do not broadcast`);
    out.push(p === 1 ? q : p);
  }
  return out;
}

/** Positive-step Slice bounds of one dim, clamped as ONNX says. */
function sliceDim(d: number, start: number, end: number, step: number): number[] {
  const idx: number[] = [];
  if (step > 0) {
    const s = Math.min(Math.max(start < 0 ? start + d : start, 0), d), e = Math.min(Math.max(end < 0 ? end + d : end, 0), d);
    for (let i = s; i < e; i += step) idx.push(i);
  } else {
    const s = Math.min(Math.max(start < 0 ? start + d : start, -1), d - 1), e = Math.min(Math.max(end < 0 ? end + d : end, -1), d - 1);
    for (let i = s; i > e; i += step) idx.push(i);
  }
  return idx;
}

function slice(x: (Tensor | undefined)[], _a: Attrs, c: OpContext): Tensor[] {
  let t = need(x, 0, c);
  const starts = hostInts(need(x, 1, c)), ends = hostInts(need(x, 2, c));
  const axes = x[3] ? normAxes(hostInts(x[3]), t.ndim, c) : starts.map((_, i) => i);
  const steps = x[4] ? hostInts(x[4]) : starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw new ArgumentError(opName(c), `starts, ends, axes and steps must have one entry per sliced axis, got ${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}`);
  }
  const lo: (number | null)[] = t.shape.map(() => null), hi: (number | null)[] = t.shape.map(() => null), st = t.shape.map(() => 1);
  const reversed: [number, number[]][] = [];
  axes.forEach((ax, i) => {
    if (steps[i] === 0) throw new ArgumentError(opName(c), "a step of 0");
    const d = t.shape[ax];
    if (steps[i] > 0) {
      const idx = sliceDim(d, starts[i], ends[i], steps[i]);
      lo[ax] = idx.length ? idx[0] : 0;
      hi[ax] = idx.length ? idx[idx.length - 1] + 1 : 0;
      st[ax] = steps[i];
    } else reversed.push([ax, sliceDim(d, starts[i], ends[i], steps[i])]);
  });
  t = ds.slice(t, lo, hi, st);
  for (const [ax, idx] of reversed) t = ds.indexSelect(t, ax, ds.tensor(idx, { dtype: "int32" }));
  return [t];
}

function gather(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c), idx = need(x, 1, c);
  const axis = normAxes([a.int("axis", 0)], t.ndim, c)[0];
  if (!isInt(idx)) throw new ArgumentError(opName(c), `indices must be integers, got ${idx.dtype}`);
  const d = t.shape[axis];
  const flat = idx.reshape([idx.size]);
  const fixed = ds.where(flat.lt(0), flat.add(d), flat);
  const picked = ds.indexSelect(t, axis, fixed);
  return [picked.reshape([...t.shape.slice(0, axis), ...idx.shape, ...t.shape.slice(axis + 1)])];
}

function reshape(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c);
  const want = hostInts(need(x, 1, c));
  const allowZero = a.int("allowzero", 0) !== 0;
  const shape = want.map((v, i) => (v === 0 && !allowZero ? t.shape[i] : v));
  if (shape.some((v) => v === undefined)) throw new ArgumentError(opName(c), `shape [${want}] copies a dim that input [${t.shape}] lacks`);
  const unknown = shape.indexOf(-1);
  if (unknown >= 0) {
    const known = shape.reduce((p, v, i) => (i === unknown ? p : p * v), 1);
    if (known === 0 || t.size % known !== 0) throw new ArgumentError(opName(c), `cannot reshape [${t.shape}] to [${want}]`);
    shape[unknown] = t.size / known;
  }
  return [t.reshape(shape)];
}

function unsqueeze(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c);
  const given = a.ints("axes") ?? (x[1] ? hostInts(x[1]) : undefined);
  if (!given) throw new ArgumentError(opName(c), "needs axes");
  const axes = normAxes(given, t.ndim + given.length, c).sort((p, q) => p - q);
  const shape = [...t.shape];
  for (const ax of axes) shape.splice(ax, 0, 1);
  return [t.reshape(shape)];
}

function squeeze(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c);
  const given = a.ints("axes") ?? (x[1] ? hostInts(x[1]) : undefined);
  const axes = given ? normAxes(given, t.ndim, c) : t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const ax of axes) if (t.shape[ax] !== 1) throw new ArgumentError(opName(c), `cannot squeeze axis ${ax} of size ${t.shape[ax]}`);
  return [t.reshape(t.shape.filter((_, i) => !axes.includes(i)))];
}

function split(x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = need(x, 0, c);
  const axis = normAxes([a.int("axis", 0)], t.ndim, c)[0];
  let sizes = a.ints("split") ?? (x[1] ? hostInts(x[1]) : undefined);
  if (!sizes) {
    const n = a.int("num_outputs", c.node.outputs.length), d = t.shape[axis], each = Math.ceil(d / n);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
  }
  if (sizes.reduce((p, v) => p + v, 0) !== t.shape[axis]) throw new ArgumentError(opName(c), `split sizes [${sizes}] do not add up to ${t.shape[axis]}`);
  return ds.split(t, sizes, axis);
}

function constant(_x: (Tensor | undefined)[], a: Attrs, c: OpContext): Tensor[] {
  const t = a.tensor("value");
  if (t) return [fromOnnx(t)];
  if (a.has("value_float")) return [ds.tensor(a.float("value_float", 0))];
  if (a.has("value_int")) return [ds.tensor(a.int("value_int", 0), { dtype: "int32" })];
  if (a.floats("value_floats")) return [ds.tensor(a.floats("value_floats")!)];
  if (a.ints("value_ints")) return [ds.tensor(a.ints("value_ints")!, { dtype: "int32" })];
  throw new ArgumentError(opName(c), "has no value");
}

const clampI = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** The operators of this file by ONNX op type. */
export const TENSOR_OPS: Record<string, OpDef> = {
  Identity: unary((t) => t),
  Neg: unary((t) => t.neg()), Abs: unary((t) => t.abs()), Exp: unary((t) => t.exp()), Log: unary((t) => t.log()),
  Sqrt: unary((t) => t.sqrt()), Reciprocal: unary((t) => t.reciprocal()), Relu: unary((t) => t.relu()),
  Sigmoid: unary((t) => t.sigmoid()), Tanh: unary((t) => t.tanh()), Erf: unary((t) => t.erf()),
  Floor: unary((t) => t.floor()), Ceil: unary((t) => t.ceil()), Sin: unary((t) => t.sin()), Cos: unary((t) => t.cos()),
  Sign: unary((t) => t.sign()), Not: unary((t) => t.logicalNot()), Softplus: unary((t) => t.softplus()),
  Round: unary((t) => t.round()),
  Add: binary((p, q) => p.add(q)), Sub: binary((p, q) => p.sub(q)), Mul: binary((p, q) => p.mul(q)), Div: binary(div),
  Pow: binary((p, q) => p.pow(q)),
  Equal: binary((p, q) => p.eq(q)), Less: binary((p, q) => p.lt(q)), Greater: binary((p, q) => p.gt(q)),
  LessOrEqual: binary((p, q) => p.le(q)), GreaterOrEqual: binary((p, q) => p.ge(q)),
  And: binary((p, q) => p.logicalAnd(q)), Or: binary((p, q) => p.logicalOr(q)),
  Max: variadic((p, q) => p.maximum(q)), Min: variadic((p, q) => p.minimum(q)), Sum: variadic((p, q) => p.add(q)),
  LeakyRelu: { attrs: ["alpha"], run: (x, a, c) => [need(x, 0, c).leakyRelu(a.float("alpha", 0.01))] },
  Elu: { attrs: ["alpha"], run: (x, a, c) => [need(x, 0, c).elu(a.float("alpha", 1))] },
  Gelu: {
    attrs: ["approximate"],
    check: (a) => (["none", "tanh"].includes(a.string("approximate", "none")) ? null : `approximate "${a.string("approximate", "")}"`),
    run: (x, a, c) => [need(x, 0, c).gelu(a.string("approximate", "none") as "none" | "tanh")],
  },
  HardSigmoid: { attrs: ["alpha", "beta"], run: (x, a, c) => [need(x, 0, c).mul(a.float("alpha", 0.2)).add(a.float("beta", 0.5)).clamp(0, 1)] },
  Clip: {
    attrs: [],
    run: (x, _a, c) => {
      const t = need(x, 0, c);
      return [t.clamp(x[1] ? x[1].to(t.dtype) : null, x[2] ? x[2].to(t.dtype) : null)];
    },
  },
  Where: { attrs: [], run: (x, _a, c) => [ds.where(need(x, 0, c), need(x, 1, c), need(x, 2, c))] },
  PRelu: binary((p, slope) => ds.where(p.lt(0), p.mul(slope), p)),
  Selu: {
    attrs: ["alpha", "gamma"],
    run: (x, a, c) => {
      const t = need(x, 0, c), alpha = a.float("alpha", 1.67326319217681884765625), gamma = a.float("gamma", 1.05070102214813232421875);
      return [ds.where(t.gt(0), t, t.exp().sub(1).mul(alpha)).mul(gamma)];
    },
  },
  HardSwish: unary((t) => t.mul(t.div(6).add(0.5).clamp(0, 1))),
  Mish: unary((t) => t.mul(t.softplus().tanh())),
  Tan: unary((t) => t.tan()), Atan: unary((t) => t.atan()), Asin: unary((t) => t.asin()), Acos: unary((t) => t.acos()),
  Sinh: unary((t) => t.sinh()), Cosh: unary((t) => t.cosh()),
  IsNaN: unary((t) => t.isnan()),
  IsInf: {
    attrs: ["detect_negative", "detect_positive"],
    run: (x, a, c) => {
      const t = need(x, 0, c), neg = a.int("detect_negative", 1) !== 0, pos = a.int("detect_positive", 1) !== 0;
      return [neg && pos ? t.isinf() : neg ? t.eq(-Infinity) : pos ? t.eq(Infinity) : ds.zeros(t.shape, { dtype: "bool" })];
    },
  },
  Einsum: {
    attrs: ["equation"],
    run: (x, a, c) => [ds.einsum(a.string("equation", ""), ...x.filter((t): t is Tensor => t !== undefined))],
  },
  CumSum: {
    attrs: ["exclusive", "reverse"],
    run: (x, a, c) => {
      let t = need(x, 0, c);
      const axis = normAxes([hostInts(need(x, 1, c))[0]], t.ndim, c)[0];
      const reverse = a.int("reverse", 0) !== 0;
      if (reverse) t = t.flip(axis);
      let y = t.cumsum(axis);
      if (a.int("exclusive", 0)) y = y.sub(t);
      return [reverse ? y.flip(axis) : y];
    },
  },
  TopK: {
    attrs: ["axis", "largest", "sorted"],
    run: (x, a, c) => {
      const k = hostInts(need(x, 1, c))[0];
      const [values, indices] = ds.topk(need(x, 0, c), k, { dim: a.int("axis", -1), largest: a.int("largest", 1) !== 0 });
      return [values, indices];
    },
  },
  Cast: {
    attrs: ["to", "saturate"],
    run: (x, a, c) => [need(x, 0, c).to(dtypeOf(a.int("to", 1), c))],
  },
  CastLike: { attrs: ["saturate"], run: (x, _a, c) => [need(x, 0, c).to(need(x, 1, c).dtype)] },
  Dropout: {
    attrs: ["seed", "ratio"],
    run: (x, _a, c) => {
      if (x[2] && hostInts(x[2].to("int32"))[0]) throw new ArgumentError(opName(c), "training_mode true is not supported: deepscript runs Dropout as the identity");
      const t = need(x, 0, c);
      return [t, ds.ones(t.shape, { dtype: "bool" })];
    },
  },
  MatMul: binary((p, q) => p.matmul(q)),
  Gemm: {
    attrs: ["alpha", "beta", "transA", "transB"],
    run: (x, a, c) => {
      let A = need(x, 0, c), B = need(x, 1, c);
      const C = x[2], alpha = a.float("alpha", 1), beta = a.float("beta", 1);
      if (a.int("transA", 0)) A = A.transpose(0, 1);
      // The common exported form (a Linear layer) goes through linear's fused kernel.
      if (a.int("transB", 0) && alpha === 1 && beta === 1 && (!C || (C.ndim === 1 && C.shape[0] === B.shape[0]))) return [linear(A, B, C ?? null)];
      if (a.int("transB", 0)) B = B.transpose(0, 1);
      let y = A.matmul(B);
      if (alpha !== 1) y = y.mul(alpha);
      if (C) y = y.add(beta === 1 ? C : C.mul(beta));
      return [y];
    },
  },
  Softmax: { attrs: ["axis"], run: (x, a, c) => [need(x, 0, c).softmax(a.int("axis", -1))] },
  LogSoftmax: { attrs: ["axis"], run: (x, a, c) => [need(x, 0, c).logSoftmax(a.int("axis", -1))] },
  ReduceMean: reduce((t, d, k) => t.mean(d, k)),
  ReduceSum: reduce((t, d, k) => t.sum(d, k)),
  ReduceMax: reduce((t, d, k) => t.max(d, k)),
  ReduceMin: reduce((t, d, k) => t.min(d, k)),
  ReduceProd: reduce((t, d, k) => t.prod(d, k)),
  ReduceSumSquare: reduce((t, d, k) => t.square().sum(d, k)),
  ReduceL2: reduce((t, d, k) => t.square().sum(d, k).sqrt()),
  ReduceL1: reduce((t, d, k) => t.abs().sum(d, k)),
  ReduceLogSumExp: reduce((t, d, k) => t.logsumexp(d, k)),
  ArgMax: {
    attrs: ["axis", "keepdims", "select_last_index"],
    check: (a) => (a.int("select_last_index", 0) ? "select_last_index 1" : null),
    run: (x, a, c) => [need(x, 0, c).argmax(a.int("axis", 0), a.int("keepdims", 1) !== 0)],
  },
  ArgMin: {
    attrs: ["axis", "keepdims", "select_last_index"],
    check: (a) => (a.int("select_last_index", 0) ? "select_last_index 1" : null),
    run: (x, a, c) => [need(x, 0, c).argmin(a.int("axis", 0), a.int("keepdims", 1) !== 0)],
  },
  Flatten: {
    attrs: ["axis"],
    run: (x, a, c) => {
      const t = need(x, 0, c);
      const axis = a.int("axis", 1) < 0 ? a.int("axis", 1) + t.ndim : a.int("axis", 1);
      if (axis < 0 || axis > t.ndim) throw new ArgumentError(opName(c), `axis ${a.int("axis", 1)} is out of range for rank ${t.ndim}`);
      const lead = t.shape.slice(0, axis).reduce((p, v) => p * v, 1);
      return [t.reshape([lead, lead === 0 ? 0 : t.size / lead])];
    },
  },
  Reshape: { attrs: ["allowzero"], run: reshape },
  Transpose: {
    attrs: ["perm"],
    run: (x, a, c) => {
      const t = need(x, 0, c);
      return [t.permute(a.ints("perm") ?? t.shape.map((_, i) => t.ndim - 1 - i))];
    },
  },
  Concat: {
    attrs: ["axis"],
    run: (x, a, c) => {
      const ts = x.filter((t): t is Tensor => t !== undefined);
      if (!ts.length) throw new ArgumentError(opName(c), "needs at least one input");
      return [ds.concat(ts, normAxes([a.int("axis", 0)], ts[0].ndim, c)[0])];
    },
  },
  Split: { attrs: ["axis", "split", "num_outputs"], run: split },
  Slice: { attrs: [], run: slice },
  Gather: { attrs: ["axis"], run: gather },
  Expand: {
    attrs: [],
    run: (x, _a, c) => {
      const t = need(x, 0, c);
      const out = broadcastShape(t.shape, hostInts(need(x, 1, c)), c);
      return [t.reshape([...out.slice(0, out.length - t.ndim).map(() => 1), ...t.shape]).expand(out)];
    },
  },
  Tile: { attrs: [], run: (x, _a, c) => [need(x, 0, c).tile(hostInts(need(x, 1, c)))] },
  Unsqueeze: { attrs: ["axes"], run: unsqueeze },
  Squeeze: { attrs: ["axes"], run: squeeze },
  Shape: {
    attrs: ["start", "end"],
    run: (x, a, c) => {
      const s = need(x, 0, c).shape, r = s.length;
      const norm = (v: number) => clampI(v < 0 ? v + r : v, 0, r);
      return [ds.tensor(s.slice(norm(a.int("start", 0)), norm(a.int("end", r))), { dtype: "int32" })];
    },
  },
  Size: { attrs: [], run: (x, _a, c) => [ds.tensor(need(x, 0, c).size, { dtype: "int32" })] },
  Constant: {
    attrs: ["value", "value_float", "value_floats", "value_int", "value_ints"],
    run: constant,
  },
  ConstantOfShape: {
    attrs: ["value"],
    run: (x, a, c) => {
      const v = a.tensor("value");
      const shape = hostInts(need(x, 0, c));
      if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ArgumentError(opName(c), `invalid shape [${shape}]`);
      return [ds.full(shape, v ? (v.dtype === "bool" ? v.data[0] !== 0 : v.data[0]) : 0, { dtype: v ? v.dtype : "float32" })];
    },
  },
  Range: {
    attrs: [],
    run: (x, _a, c) => {
      const [s, l, d] = [0, 1, 2].map((i) => need(x, i, c));
      return [ds.arange(s.item(), l.item(), d.item(), { dtype: s.dtype === "float64" ? "float64" : s.dtype === "int32" ? "int32" : "float32" })];
    },
  },
  Trilu: {
    attrs: ["upper"],
    run: (x, a, c) => {
      const k = x[1] ? hostInts(x[1])[0] : 0, t = need(x, 0, c);
      return [a.int("upper", 1) ? t.triu(k) : t.tril(k)];
    },
  },
  Pad: {
    attrs: ["mode"],
    check: (a) => (a.string("mode", "constant") === "constant" ? null : `mode "${a.string("mode", "")}" (only "constant" is supported)`),
    run: (x, _a, c) => {
      const t = need(x, 0, c);
      const pads = hostInts(need(x, 1, c));
      const value = x[2] ? x[2].item() : 0;
      const axes = x[3] ? normAxes(hostInts(x[3]), t.ndim, c) : t.shape.map((_, i) => i);
      if (pads.length !== 2 * axes.length) throw new ArgumentError(opName(c), `pads has ${pads.length} values for ${axes.length} axes`);
      if (pads.some((p) => p < 0)) throw new ArgumentError(opName(c), `negative pads [${pads}] are not supported`);
      const begin = t.shape.map(() => 0), end = t.shape.map(() => 0);
      axes.forEach((ax, i) => { begin[ax] = pads[i]; end[ax] = pads[i + axes.length]; });
      const torchPads: number[] = [];
      for (let d = t.ndim - 1; d >= 0; d--) torchPads.push(begin[d], end[d]);
      return [t.pad(torchPads, value)];
    },
  },
};
