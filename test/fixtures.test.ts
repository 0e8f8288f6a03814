// Values and gradients against PyTorch: every case in test/fixtures/ops.json (made by
// tools/gen_fixtures.py) runs on every backend. For each case the inputs are built with
// ds.tensor, the op runs, shape/dtype/values are compared, and for differentiable cases the
// gradients of sum(out * upstream) are compared with PyTorch's.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { Tensor, type DType, type IndexSpec } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";

type Enc = number | "nan" | "inf" | "-inf";
interface TSpec { shape: number[]; dtype: DType; data: Enc[]; requiresGrad?: boolean }
interface Tol { rtol: number; atol: number }
interface Case {
  name: string;
  op: string;
  inputs: (TSpec | null)[];
  args: Args;
  out: TSpec | TSpec[];
  upstream?: TSpec | (TSpec | null)[];
  grads?: (TSpec | null)[];
  tol?: Tol;
  note?: string;
  /** Per input: a strided view taken of the leaf before the op (non-contiguous operands). */
  views?: (View | null)[];
  /** A float32 twin of a float64 case (see `demote`): wider tolerances. */
  demoted?: boolean;
}
interface View { permute?: number[]; flip?: number[]; slice?: [number[], number[], number[]]; expand?: number[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Args = Record<string, any>;
type In = (Tensor | null)[];
type OpFn = (x: In, a: Args) => Tensor | Tensor[];

const doc = JSON.parse(readFileSync(new URL("./fixtures/ops.json", import.meta.url), "utf8")) as { cases: Case[] };

// ---- decoding ---------------------------------------------------------------------------------

function dec(v: Enc): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** Arguments with {"$num": "nan" | "inf" | "-inf"} turned back into numbers. */
function decArgs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decArgs);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("$num" in o) return dec(o.$num as Enc);
    return Object.fromEntries(Object.entries(o).map(([k, u]) => [k, decArgs(u)]));
  }
  return v;
}

function nest<V>(flat: V[], shape: number[]): unknown {
  let pos = 0;
  const build = (d: number): unknown[] => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? flat[pos++] : build(d + 1)));
  return build(0);
}

/**
 * The fixture tensor through the public constructor: a number for 0-d, a typed array for 1-d
 * float64/int32 and nested booleans for bool (dtype inferred from the data), nested arrays otherwise.
 */
function build(spec: TSpec, requiresGrad = false): Tensor {
  const vals = spec.data.map(dec);
  const opts = { dtype: spec.dtype, requiresGrad };
  if (spec.shape.length === 0) return ds.tensor(vals[0], opts);
  if (spec.shape.includes(0)) return ds.zeros(spec.shape, opts);
  if (spec.shape.length === 1 && spec.dtype === "float64") return ds.tensor(Float64Array.from(vals), { requiresGrad });
  if (spec.shape.length === 1 && spec.dtype === "int32") return ds.tensor(Int32Array.from(vals));
  if (spec.dtype === "bool") return ds.tensor(nest(vals.map((v) => v !== 0), spec.shape) as boolean[]); // dtype inferred
  return ds.tensor(nest(vals, spec.shape) as number[], opts);
}

function applyView(x: Tensor | null, v: View | null | undefined): Tensor | null {
  if (!x || !v) return x;
  if (v.permute) return x.permute(v.permute);
  if (v.flip) return x.flip(v.flip);
  if (v.slice) return x.slice(v.slice[0], v.slice[1], v.slice[2]);
  if (v.expand) return x.expand(v.expand);
  throw new Error(`unknown view ${JSON.stringify(v)}`);
}

const t = (x: Tensor | null): Tensor => {
  assert.ok(x, "missing input");
  return x;
};

// ---- the op table: fixture op name → deepscript call -------------------------------------------

const F = ds.nn.functional;
const opt = (a: Args): { dtype?: DType } => (a.dtype ? { dtype: a.dtype as DType } : {});

const UNARY: Record<string, (x: Tensor, a: Args) => Tensor> = {
  neg: (x) => x.neg(), abs: (x) => x.abs(), exp: (x) => x.exp(), log: (x) => x.log(), sqrt: (x) => x.sqrt(),
  rsqrt: (x) => x.rsqrt(), sin: (x) => x.sin(), cos: (x) => x.cos(), tanh: (x) => x.tanh(), sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(), sign: (x) => x.sign(), floor: (x) => x.floor(), ceil: (x) => x.ceil(), round: (x) => x.round(),
  erf: (x) => x.erf(), log1p: (x) => x.log1p(), expm1: (x) => x.expm1(), square: (x) => x.square(),
  reciprocal: (x) => x.reciprocal(), logicalNot: (x) => x.logicalNot(),
  leakyRelu: (x, a) => (a.negativeSlope === undefined ? x.leakyRelu() : ds.leakyRelu(x, a.negativeSlope)),
  gelu: (x, a) => (a.approximate === undefined ? x.gelu() : F.gelu(x, a.approximate)),
  elu: (x, a) => x.elu(a.alpha),
  softplus: (x, a) => x.softplus(a.beta, a.threshold),
  clamp: (x, a) => x.clamp(a.min, a.max),
  to: (x, a) => x.to(a.dtype),
  clone: (x) => x.clone(),
  contiguous: (x) => x.permute(1, 0).contiguous().permute(1, 0),
  T: (x) => x.T,
  float: (x) => x.float(),
  double: (x) => x.double(),
  int: (x) => x.int(),
  bool: (x) => x.bool(),
  detach: (x) => x.detach(),
};

type Bin = (a: Tensor | number | boolean, b: Tensor | number | boolean) => Tensor;
const BINARY: Record<string, Bin> = {
  add: ds.add, sub: ds.sub, mul: ds.mul, div: ds.div, pow: ds.pow, minimum: ds.minimum, maximum: ds.maximum,
  eq: ds.eq, ne: ds.ne, lt: ds.lt, le: ds.le, gt: ds.gt, ge: ds.ge, logicalAnd: ds.logicalAnd, logicalOr: ds.logicalOr,
};

function indexSpec(spec: unknown[], x: In): IndexSpec[] {
  return spec.map((s) => (s && typeof s === "object" && "t" in s ? t(x[(s as { t: number }).t]) : (s as IndexSpec)));
}

const OPS: Record<string, OpFn> = {
  // creation
  arange: (_, a) => (a.start === undefined ? ds.arange(a.stop) : a.step === undefined ? ds.arange(a.start, a.stop) : ds.arange(a.start, a.stop, a.step, opt(a))),
  linspace: (_, a) => ds.linspace(a.a, a.b, a.n, opt(a)),
  eye: (_, a) => (a.m === undefined && !a.dtype ? ds.eye(a.n) : ds.eye(a.n, a.m ?? a.n, opt(a))),
  zeros: (_, a) => ds.zeros(a.shape, opt(a)),
  ones: (_, a) => ds.ones(a.shape, opt(a)),
  full: (_, a) => ds.full(a.shape, a.value, opt(a)),
  zerosLike: (x) => ds.zerosLike(t(x[0])),
  onesLike: (x) => ds.onesLike(t(x[0])),
  tensor: (x) => (t(x[0]).size === 0 ? ds.tensor(t(x[0])) : ds.tensor(t(x[0]).toArray() as number[], { dtype: t(x[0]).dtype })),
  // reductions
  sum: (x, a) => t(x[0]).sum(a.dim, a.keepdim ?? false),
  mean: (x, a) => ds.mean(t(x[0]), a.dim, a.keepdim ?? false),
  max: (x, a) => t(x[0]).max(a.dim, a.keepdim ?? false),
  min: (x, a) => ds.min(t(x[0]), a.dim, a.keepdim ?? false),
  prod: (x, a) => t(x[0]).prod(a.dim, a.keepdim ?? false),
  var: (x, a) => (a.boolOpt !== undefined ? t(x[0]).var(a.dim, a.boolOpt) : ds.var(t(x[0]), a.dim, { correction: a.correction, keepdim: a.keepdim })),
  std: (x, a) => (a.boolOpt !== undefined ? ds.std(t(x[0]), a.dim, a.boolOpt) : t(x[0]).std(a.dim, { correction: a.correction, keepdim: a.keepdim })),
  argmax: (x, a) => t(x[0]).argmax(a.dim, a.keepdim ?? false),
  argmin: (x, a) => ds.argmin(t(x[0]), a.dim, a.keepdim ?? false),
  logsumexp: (x, a) => t(x[0]).logsumexp(a.dim, a.keepdim ?? false),
  all: (x, a) => t(x[0]).all(a.dim, a.keepdim ?? false),
  any: (x, a) => ds.any(t(x[0]), a.dim, a.keepdim ?? false),
  cumsum: (x, a) => t(x[0]).cumsum(a.dim),
  where: (x, a) => ds.where(t(x[0]), x[1] ?? a.a, x[2] ?? a.b),
  whereMethod: (x) => t(x[0]).where(t(x[1]), t(x[2])),
  clampT: (x) => ds.clamp(t(x[0]), x[1], x[2]),
  // linear algebra
  matmul: (x) => (x.length === 1 ? t(x[0]).T.matmul(t(x[0])) : ds.matmul(t(x[0]), t(x[1]))),
  dot: (x) => t(x[0]).dot(t(x[1])),
  outer: (x) => ds.outer(t(x[0]), t(x[1])),
  transpose: (x, a) => t(x[0]).transpose(a.dim0, a.dim1),
  // shape
  reshape: (x, a) => t(x[0]).reshape(a.shape),
  view: (x, a) => t(x[0]).view(...(a.shape as number[])),
  flatten: (x, a) => t(x[0]).flatten(a.start, a.end),
  squeeze: (x, a) => t(x[0]).squeeze(a.dim),
  unsqueeze: (x, a) => t(x[0]).unsqueeze(a.dim),
  permute: (x, a) => t(x[0]).permute(a.dims),
  expand: (x, a) => t(x[0]).expand(...(a.shape as number[])),
  broadcastTo: (x, a) => ds.broadcastTo(t(x[0]), a.shape),
  concat: (x, a) => ds.concat(x.map(t), a.dim),
  stack: (x, a) => ds.stack(x.map(t), a.dim),
  split: (x, a) => t(x[0]).split(a.size, a.dim),
  chunk: (x, a) => ds.chunk(t(x[0]), a.chunks, a.dim),
  slice: (x, a) => t(x[0]).slice(a.start, a.end, a.step),
  narrow: (x, a) => t(x[0]).narrow(a.dim, a.start, a.length),
  pad: (x, a) => t(x[0]).pad(a.pads, a.value),
  repeat: (x, a) => t(x[0]).repeat(...(a.reps as number[])),
  tile: (x, a) => ds.tile(t(x[0]), a.reps),
  flip: (x, a) => t(x[0]).flip(a.dims),
  // indexing
  index: (x, a) => t(x[0]).index(...indexSpec(a.spec, x)),
  gather: (x, a) => t(x[0]).gather(a.dim, t(x[1])),
  scatter: (x, a) => ds.scatter(t(x[0]), a.dim, t(x[1]), x[2] ?? a.value),
  scatterAdd: (x, a) => t(x[0]).scatterAdd(a.dim, t(x[1]), t(x[2])),
  indexSelect: (x, a) => ds.indexSelect(t(x[0]), a.dim, t(x[1])),
  maskedFill: (x, a) => t(x[0]).maskedFill(t(x[1]), a.value),
  oneHot: (x, a) => (a.numClasses === undefined ? t(x[0]).oneHot() : ds.oneHot(t(x[0]), a.numClasses)),
  // nn.functional
  softmax: (x, a) => F.softmax(t(x[0]), a.dim),
  logSoftmax: (x, a) => t(x[0]).logSoftmax(a.dim),
  conv1d: (x, a) => F.conv1d(t(x[0]), t(x[1]), x[2], a),
  conv2d: (x, a) => F.conv2d(t(x[0]), t(x[1]), x[2], a),
  maxPool2d: (x, a) => F.maxPool2d(t(x[0]), a.kernelSize, a),
  avgPool2d: (x, a) => F.avgPool2d(t(x[0]), a.kernelSize, a),
  batchNorm: (x, a) => {
    const [input, rm, rv, weight, bias] = x;
    const y = F.batchNorm(t(input), rm, rv, { weight, bias, training: a.training, momentum: a.momentum, eps: a.eps });
    return rm && rv ? [y, rm, rv] : [y];
  },
  layerNorm: (x, a) => F.layerNorm(t(x[0]), a.normalizedShape, x[1], x[2], a.eps),
  embedding: (x, a) => F.embedding(t(x[0]), t(x[1]), a.paddingIdx),
  linear: (x) => F.linear(t(x[0]), t(x[1]), x[2]),
  crossEntropy: (x, a) => F.crossEntropy(t(x[0]), t(x[1]), { weight: x[2], ...a }),
  mse: (x, a) => F.mse(t(x[0]), t(x[1]), a),
  dropout: (x, a) => F.dropout(t(x[0]), a.p, a.training),
};
for (const [name, fn] of Object.entries(UNARY)) OPS[name] = (x, a) => fn(t(x[0]), a);
for (const [name, fn] of Object.entries(BINARY)) {
  OPS[name] = (x, a) => ("scalar" in a ? (a.left ? fn(a.scalar, t(x[0])) : fn(t(x[0]), a.scalar)) : fn(t(x[0]), t(x[1])));
}

// ---- checking ---------------------------------------------------------------------------------

/** Tolerances of float32 twins of float64 cases: float32 results against a float64 reference. */
const DEMOTED = { value: { rtol: 1e-4, atol: 1e-5 }, grad: { rtol: 1e-3, atol: 1e-4 } };

const isFloat = (d: DType) => d === "float32" || d === "float64";

function tolFor(dtype: DType, c: Case, grad: boolean): Tol {
  if (!isFloat(dtype)) return { rtol: 0, atol: 0 };
  const base = c.demoted ? (grad ? DEMOTED.grad : DEMOTED.value)
    : dtype === "float64" ? (grad ? { rtol: 1e-7, atol: 1e-9 } : { rtol: 1e-8, atol: 1e-10 }) : grad ? { rtol: 1e-4, atol: 1e-5 } : { rtol: 2e-5, atol: 1e-6 };
  return c.tol ? { rtol: Math.max(base.rtol, c.tol.rtol), atol: Math.max(base.atol, c.tol.atol) } : base;
}

/** Value comparisons left for after an asynchronous read-back (the webgpu backend). */
type Deferred = (() => Promise<void>)[];

function check(actual: Tensor, expected: TSpec, c: Case, what: string, grad = false, deferred?: Deferred): void {
  assert.deepEqual([...actual.shape], expected.shape, `${c.name}: ${what} shape`);
  assert.equal(actual.dtype, expected.dtype, `${c.name}: ${what} dtype`);
  const opts = { ...tolFor(expected.dtype, c, grad), msg: `${c.name}: ${what}` };
  if (deferred) deferred.push(async () => assertClose(await actual.data(), expected.data.map(dec), opts));
  else assertClose(actual, expected.data.map(dec), opts);
}

function runCase(c: Case, deferred?: Deferred): void {
  const op = OPS[c.op];
  assert.ok(op, `no deepscript mapping for fixture op "${c.op}"`);
  const inputs = c.inputs.map((s) => (s ? build(s, s.requiresGrad ?? false) : null));
  inputs.forEach((x, i) => x && assert.equal(x.requiresGrad, c.inputs[i]?.requiresGrad ?? false));
  const args = decArgs(c.args) as Args;
  const operands = c.views ? inputs.map((x, i) => applyView(x, c.views?.[i])) : inputs;
  const result = op(operands, args);
  const outs = Array.isArray(result) ? result : [result];
  const expected = Array.isArray(c.out) ? c.out : [c.out];
  assert.equal(Array.isArray(result), Array.isArray(c.out), `${c.name}: one output vs a list`);
  assert.equal(outs.length, expected.length, `${c.name}: number of outputs`);
  outs.forEach((o, i) => check(o, expected[i], c, expected.length > 1 ? `output ${i}` : "output", false, deferred));
  if (!c.grads) return;
  const ups = Array.isArray(c.upstream) ? c.upstream : [c.upstream ?? null];
  let loss: Tensor | null = null;
  outs.forEach((o, i) => {
    const u = ups[i];
    if (!u) return;
    assert.ok(o.requiresGrad, `${c.name}: output ${i} should carry a gradient`);
    const term = o.mul(build(u)).sum();
    loss = loss ? loss.add(term) : term;
  });
  assert.ok(loss, `${c.name}: no differentiable output`);
  (loss as Tensor).backward();
  c.grads.forEach((g, i) => {
    if (!g) return;
    const x = t(inputs[i]);
    if (x.grad === null) {
      // No path from the loss to this input: PyTorch's gradient must then be all zeros.
      assert.ok(g.data.every((v) => v === 0), `${c.name}: input ${i} got no gradient`);
      return;
    }
    check(x.grad, g, c, `grad of input ${i}`, true, deferred);
  });
}

forEachBackend("fixtures (PyTorch reference values)", (backend) => {
  for (const c of doc.cases) {
    it(c.name, () => {
      ds.setBackend(backend);
      ds.scope(() => runCase(c));
    });
  }
});

// ---- float32 twins of the float64 cases; the webgpu backend -----------------------------------
// Most cases are float64 (PyTorch double, for tight references). A case's float32 twin rounds its
// inputs to float32 and expects float32 results, within DEMOTED tolerances (the reference was
// computed in float64 from the unrounded inputs). The twins run on wasm, the control that shows
// what float32 arithmetic alone gives, and on webgpu, which has no float64.
const usesFloat64 = (c: Case): boolean => JSON.stringify([c.inputs, c.out, c.grads ?? null, c.args]).includes("float64");
function demote(c: Case): Case {
  return { ...(JSON.parse(JSON.stringify(c).replaceAll('"float64"', '"float32"')) as Case), name: `${c.name} (as float32)`, demoted: true };
}
/** float64 cases without a float32 twin: their values do not exist in float32. */
const NO_TWIN: Record<string, string> = {
  "to/f64_int_large": "2147483000 is not a float32 (it rounds to 2147483008)",
  "bool/f64": "a denormal float64 input rounds to 0 in float32",
  "exp/overflow": "the result (1e304) overflows float32",
};
const twins = doc.cases.filter((c) => usesFloat64(c) && c.op !== "double" && !(c.name in NO_TWIN)).map(demote);

describe("fixtures as float32 [wasm]", () => {
  for (const c of twins) {
    it(c.name, () => {
      ds.setBackend(ds.backends().includes("wasm") ? "wasm" : "js");
      ds.scope(() => runCase(c));
    });
  }
});

// webgpu reads back only asynchronously: each case runs its ops, then awaits its tensors' data.
// Registered where a WebGPU adapter exists: Chromium started with --enable-unsafe-webgpu (npm run
// test:browser), or Node with DS_TEST_WEBGPU=1 and a driver Dawn can use (see README "WebGPU").
// Cases that need element values on the host synchronously (the harness's toArray for `tensor`;
// oneHot inferring its class count; boolean-mask indexing, whose result shape depends on the mask) must refuse there with an AsyncReadError, and float64 ones
// (the originals of the twins, and `double`) with a DTypeError.
const HOST_READ = /^(tensor\/(?!empty)|oneHot\/infer$|index\/bool_)/;
const wantGpu = typeof navigator !== "undefined" && "gpu" in navigator ? true : globalThis.process?.env?.DS_TEST_WEBGPU === "1";
if (wantGpu && (await ds.ready("webgpu").then(() => true, () => false))) {
  describe("fixtures (PyTorch reference values) [webgpu]", () => {
    before(() => ds.setBackend("webgpu"));
    for (const c of [...doc.cases, ...twins]) {
      it(c.name, async () => {
        ds.setBackend("webgpu");
        const deferred: Deferred = [];
        if (usesFloat64(c)) {
          assert.throws(() => runCase(c, deferred), (e: unknown) => e instanceof ds.DTypeError && /float64/.test(e.message));
          return;
        }
        if (HOST_READ.test(c.name)) {
          assert.throws(() => runCase(c, deferred), (e: unknown) => e instanceof ds.AsyncReadError);
          return;
        }
        runCase(c, deferred);
        for (const d of deferred) await d();
      });
    }
  });
}
