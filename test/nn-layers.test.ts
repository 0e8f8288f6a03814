// nn layers and loss modules against PyTorch: every case of test/fixtures/nn.json (made by
// tools/gen_nn_fixtures.py) builds the deepscript module, loads PyTorch's state dict with
// loadStateDict (strict: same keys, order and shapes), runs forward and backward, and compares
// the output, the gradients of sum(out * upstream) w.r.t. inputs and parameters, and the state
// after the step (running statistics). Then: default initialisation statistics, parameter names
// of a nested model, train/eval, zeroGrad, loadStateDict errors, toString, dropout statistics.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { nn, Tensor } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";
import { buildModule, dec, decOpts, tensorOf, type ModSpec, type TSpec } from "./helpers/torchfix.js";

type AnyModule = nn.Module<never[], unknown>;
interface Case {
  name: string;
  module: ModSpec;
  dtype: "float32" | "float64";
  train: boolean;
  state: Record<string, TSpec>;
  stateAfter?: Record<string, TSpec>;
  inputs: TSpec[];
  gradInputs: number[];
  forwardOpts: Record<string, unknown>;
  out: (TSpec | null)[];
  tuple: boolean;
  upstream: (TSpec | null)[];
  grads: { inputs: (TSpec | null)[]; params: Record<string, TSpec | null> };
  selfAttention?: boolean;
  tol?: { rtol: number; atol: number };
}
interface Doc {
  cases: Case[];
  structure: { namedParameters: [string, number[]][]; stateDict: [string, number[]][]; namedBuffers: [string, number[]][] };
}

const doc = JSON.parse(readFileSync(new URL("./fixtures/nn.json", import.meta.url), "utf8")) as Doc;

function tolFor(c: Case): { rtol: number; atol: number } {
  const base = c.dtype === "float64" ? { rtol: 1e-6, atol: 1e-8 } : { rtol: 1e-4, atol: 1e-5 };
  return c.tol ? { rtol: Math.max(base.rtol, c.tol.rtol), atol: Math.max(base.atol, c.tol.atol) } : base;
}

function close(actual: Tensor, expected: TSpec, c: Case, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${c.name}: ${what} shape`);
  assert.equal(actual.dtype, expected.dtype, `${c.name}: ${what} dtype`);
  assertClose(actual, expected.data.map(dec), { ...tolFor(c), msg: `${c.name}: ${what}` });
}

// ---- the fixture cases ----------------------------------------------------------------------------

function runCase(c: Case): void {
  const m = buildModule(c.module).to(c.dtype).train(c.train);
  // The state dict proves the names, order and layouts equal PyTorch's.
  const sd = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, tensorOf(v)]));
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), `${c.name}: state-dict keys`);
  m.loadStateDict(sd);
  for (const [k, v] of Object.entries(m.stateDict())) close(v, c.state[k], c, `loaded ${k}`);

  const xs = c.inputs.map((s, i) => tensorOf(s, c.gradInputs.includes(i)));
  const args: unknown[] = c.selfAttention ? [xs[0], xs[0], xs[0]] : [...xs];
  if (Object.keys(c.forwardOpts).length) args.push(decOpts(c.forwardOpts));
  const y = (m as unknown as { call(...a: unknown[]): Tensor | (Tensor | null)[] }).call(...args);
  const outs = c.tuple ? (y as (Tensor | null)[]) : [y as Tensor];
  assert.equal(outs.length, c.out.length, `${c.name}: number of outputs`);
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const e = c.out[i];
    if (e === null) return assert.equal(o, null, `${c.name}: output ${i} should be null`);
    assert.ok(o, `${c.name}: output ${i} missing`);
    close(o, e, c, `output ${i}`);
    const up = c.upstream[i];
    if (up) {
      const term = o.mul(tensorOf(up)).sum();
      total = total ? total.add(term) : term;
    }
  });
  if (total) (total as Tensor).backward();
  c.inputs.forEach((_, i) => {
    const g = c.grads.inputs[i];
    if (!g) return;
    assert.ok(xs[i].grad, `${c.name}: input ${i} has no gradient`);
    close(xs[i].grad!, g, c, `grad of input ${i}`);
  });
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params), Object.keys(c.grads.params), `${c.name}: parameter names`);
  for (const [k, g] of Object.entries(c.grads.params)) {
    if (g === null) { assert.ok(!params[k].grad || params[k].grad!.abs().max().item() === 0, `${c.name}: ${k} should have no gradient`); continue; }
    assert.ok(params[k].grad, `${c.name}: parameter ${k} has no gradient`);
    close(params[k].grad!, g, c, `grad of ${k}`);
  }
  if (c.stateAfter) {
    const after = m.stateDict();
    for (const [k, v] of Object.entries(c.stateAfter)) close(after[k], v, c, `state after forward: ${k}`);
  }
}

forEachBackend("nn layers vs PyTorch", () => {
  const groups = new Map<string, Case[]>();
  for (const c of doc.cases) {
    const g = c.module.type;
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  for (const [g, cases] of groups) {
    describe(g, () => {
      for (const c of cases) it(c.name, () => ds.scope(() => runCase(c)));
    });
  }
});

// ---- functional forms agree with the modules -----------------------------------------------------

describe("nn.functional losses", () => {
  const F = ds.nn.F;
  const find = (name: string) => doc.cases.find((c) => c.name === name)!;

  it("nllLoss is the one from losses.ts (no logSoftmax): gradient of raw input is -1/N at the target", () => {
    const c = find("NLLLoss raw input mean");
    const x = tensorOf(c.inputs[0], true), t = tensorOf(c.inputs[1]);
    const loss = F.nllLoss(x, t);
    close(loss, c.out[0]!, c, "F.nllLoss");
    loss.mul(tensorOf(c.upstream[0]!)).sum().backward();
    close(x.grad!, c.grads.inputs[0]!, c, "F.nllLoss grad");
  });

  it("every loss has its functional name", () => {
    for (const name of ["crossEntropy", "nllLoss", "mse", "mseLoss", "l1Loss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits", "scaledDotProductAttention"]) {
      assert.equal(typeof (F as Record<string, unknown>)[name], "function", name);
    }
    assert.equal(F.mse, F.mseLoss);
  });

  it("crossEntropy with labelSmoothing and ignored targets matches the module", () => {
    const c = find("CrossEntropyLoss labelSmoothing ignoreIndex");
    const y = F.crossEntropy(tensorOf(c.inputs[0]).double(), tensorOf(c.inputs[1]), { labelSmoothing: 0.2 });
    close(y, c.out[0]!, c, "F.crossEntropy");
  });
});

// ---- MultiheadAttention beyond the fixtures ------------------------------------------------------

describe("MultiheadAttention", () => {
  it("has PyTorch's parameter names, shapes and initialisation", () => {
    ds.seed(3);
    const m = new nn.MultiheadAttention(16, 4);
    assert.deepEqual(m.namedParameters().map(([k, p]) => [k, p.shape]), [
      ["in_proj_weight", [48, 16]], ["in_proj_bias", [48]], ["out_proj.weight", [16, 16]], ["out_proj.bias", [16]],
    ]);
    const a = Math.sqrt(6 / (16 + 48));
    const w = Array.from(m.inProjWeight!.dataSync());
    assert.ok(Math.max(...w.map(Math.abs)) <= a && Math.max(...w.map(Math.abs)) > 0.9 * a, "xavier uniform bound");
    assert.equal(m.inProjBias!.abs().sum().item(), 0);
    assert.equal(m.outProj.bias!.abs().sum().item(), 0);
    assert.ok(m.outProj.weight.abs().max().item() <= 1 / Math.sqrt(16));
    const sep = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, bias: false, addBiasKv: true });
    assert.deepEqual(sep.namedParameters().map(([k, p]) => [k, p.shape]), [
      ["q_proj_weight", [8, 8]], ["k_proj_weight", [8, 3]], ["v_proj_weight", [8, 5]], ["bias_k", [1, 1, 8]], ["bias_v", [1, 1, 8]], ["out_proj.weight", [8, 8]],
    ]);
  });

  it("isCausal without a mask equals the explicit causal mask", () => {
    ds.seed(5);
    const m = new nn.MultiheadAttention(6, 3).to("float64");
    const x = ds.randn([4, 2, 6], { dtype: "float64" });
    const [y1, w1] = m.call(x, x, x, { isCausal: true });
    const mask = ds.tensor([[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]);
    const [y2, w2] = m.call(x, x, x, { attnMask: mask });
    assertClose(y1, y2.toArray(), { rtol: 1e-12, atol: 1e-12 });
    assertClose(w1!, w2!.toArray(), { rtol: 1e-12, atol: 1e-12 });
    // Nothing attends to the future.
    const w = w1!.toArray() as number[][][];
    for (const b of w) b.forEach((row, i) => row.forEach((p, j) => { if (j > i) assert.equal(p, 0); }));
  });

  it("dropout on the weights only while training", () => {
    ds.seed(6);
    const m = new nn.MultiheadAttention(4, 2, { dropout: 0.5 });
    const x = ds.randn([3, 2, 4]);
    m.eval();
    const [a] = m.call(x, x, x), [b] = m.call(x, x, x);
    assertClose(a, b.toArray(), { rtol: 0, atol: 0 });
    m.train();
    const [, w] = m.call(x, x, x, { averageAttnWeights: false });
    const vals = Array.from(w!.dataSync());
    assert.ok(vals.some((v) => v === 0) && vals.some((v) => v > 0.5), "some weights dropped, the rest scaled by 2");
  });

  it("rejects bad shapes with clear errors", () => {
    const m = new nn.MultiheadAttention(8, 2);
    const x = ds.randn([3, 2, 8]);
    assert.throws(() => m.call(x, ds.randn([4, 2, 7]), ds.randn([4, 2, 8])), (e: Error) => e instanceof ds.ShapeError && /kdim=8/.test(e.message));
    assert.throws(() => m.call(x, x, x, { keyPaddingMask: ds.zeros([2, 4], { dtype: "bool" }) }), /keyPaddingMask must have shape \[2,3\]/);
    assert.throws(() => m.call(x, x, x, { attnMask: ds.zeros([3, 4]) }), /attnMask must have shape \[3,3\] or \[4,3,3\]/);
    assert.throws(() => m.call(ds.randn([8]), ds.randn([8]), ds.randn([8])), ds.ShapeError);
    assert.throws(() => new nn.MultiheadAttention(10, 3), /multiple of numHeads/);
  });
});

describe("F.scaledDotProductAttention", () => {
  const F = ds.nn.F;
  it("equals single-head MultiheadAttention with identity projections (bool mask: true = attend)", () => {
    ds.seed(7);
    const E = 4, L = 3, S = 5;
    const m = new nn.MultiheadAttention(E, 1, { bias: false }).to("float64");
    const eye = ds.eye(E, E, { dtype: "float64" });
    m.loadStateDict({ in_proj_weight: ds.concat([eye, eye, eye], 0), "out_proj.weight": eye });
    const q = ds.randn([L, 1, E], { dtype: "float64" }), k = ds.randn([S, 1, E], { dtype: "float64" }), v = ds.randn([S, 1, E], { dtype: "float64" });
    const blocked = ds.rand([L, S]).lt(0.3).logicalAnd(ds.arange(S).unsqueeze(0).gt(0)); // keep column 0 open
    const [ref] = m.call(q, k, v, { attnMask: blocked });
    const y = F.scaledDotProductAttention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), { attnMask: blocked.logicalNot() });
    assertClose(y, ref.transpose(0, 1).toArray(), { rtol: 1e-12, atol: 1e-12 });
    const yf = F.scaledDotProductAttention(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), { attnMask: ds.zeros([L, S], { dtype: "float64" }).maskedFill(blocked, -Infinity) });
    assertClose(yf, y.toArray(), { rtol: 1e-12, atol: 1e-12 });
  });

  it("isCausal, scale, broadcasting over batch and heads", () => {
    ds.seed(8);
    const q = ds.randn([2, 3, 4, 5], { dtype: "float64" }), k = ds.randn([2, 3, 4, 5], { dtype: "float64" }), v = ds.randn([2, 3, 4, 2], { dtype: "float64" });
    const y = F.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 });
    assert.deepEqual(y.shape, [2, 3, 4, 2]);
    const future = ds.tensor([[0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1], [0, 0, 0, 0]]).gt(0);
    const scores = q.matmul(k.transpose(-2, -1)).mul(0.3).maskedFill(future, -Infinity);
    assertClose(y, scores.softmax(-1).matmul(v).toArray(), { rtol: 1e-12, atol: 1e-12 });
    assert.throws(() => F.scaledDotProductAttention(q, k, v, { isCausal: true, attnMask: ds.ones([4, 4], { dtype: "bool" }) }), /either isCausal or attnMask/);
  });
});

// ---- default initialisation ---------------------------------------------------------------------

function stats(t: Tensor): { min: number; max: number; mean: number; std: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { min: Math.min(...v), max: Math.max(...v), mean, std };
}

/** Values lie in ±bound and look uniform: std ≈ bound/√3, extremes near the bound. */
function assertUniform(t: Tensor, bound: number, what: string): void {
  const s = stats(t);
  assert.ok(s.min >= -bound && s.max <= bound, `${what}: values within ±${bound}, got [${s.min}, ${s.max}]`);
  assert.ok(s.max > 0.95 * bound && s.min < -0.95 * bound, `${what}: values reach the bound`);
  assert.ok(Math.abs(s.mean) < 0.05 * bound, `${what}: mean ${s.mean} ≈ 0`);
  assert.ok(Math.abs(s.std / (bound / Math.sqrt(3)) - 1) < 0.06, `${what}: std ${s.std} ≈ ${bound / Math.sqrt(3)}`);
}

describe("default initialisation (PyTorch's)", () => {
  it("Linear: weight and bias U(±1/sqrt(in))", () => {
    ds.seed(11);
    const m = new nn.Linear(200, 100);
    assertUniform(m.weight, 1 / Math.sqrt(200), "Linear.weight");
    const b = stats(m.bias!);
    assert.ok(b.min >= -1 / Math.sqrt(200) && b.max <= 1 / Math.sqrt(200));
  });

  it("Conv2d and Conv1d: U(±1/sqrt(fanIn)), fanIn = in/groups · kernel area", () => {
    ds.seed(12);
    assertUniform(new nn.Conv2d(16, 64, 3).weight, 1 / Math.sqrt(16 * 9), "Conv2d.weight");
    assertUniform(new nn.Conv2d(16, 64, 3, { groups: 4 }).weight, 1 / Math.sqrt(4 * 9), "Conv2d(groups 4).weight");
    assertUniform(new nn.Conv1d(32, 64, 5).weight, 1 / Math.sqrt(32 * 5), "Conv1d.weight");
    const b = stats(new nn.Conv2d(8, 500, 2).bias!);
    assert.ok(b.min >= -1 / Math.sqrt(32) && b.max <= 1 / Math.sqrt(32) && b.max > 0.9 / Math.sqrt(32));
  });

  it("Embedding: N(0, 1), padding row zero", () => {
    ds.seed(13);
    const e = new nn.Embedding(2000, 10, { paddingIdx: 3 });
    const s = stats(e.weight);
    assert.ok(Math.abs(s.mean) < 0.03 && Math.abs(s.std - 1) < 0.03, `mean ${s.mean}, std ${s.std}`);
    assert.deepEqual(e.weight.index(3).toArray(), new Array(10).fill(0));
  });

  it("BatchNorm and LayerNorm: ones and zeros; running stats 0 / 1; numBatchesTracked 0", () => {
    const bn = new nn.BatchNorm2d(3);
    assert.deepEqual(Object.fromEntries(Object.entries(bn.stateDict()).map(([k, v]) => [k, v.toArray()])), {
      weight: [1, 1, 1], bias: [0, 0, 0], running_mean: [0, 0, 0], running_var: [1, 1, 1], num_batches_tracked: 0,
    });
    assert.equal(bn.numBatchesTracked!.dtype, "int32");
    const ln = new nn.LayerNorm([2, 2]);
    assert.deepEqual(ln.weight!.toArray(), [[1, 1], [1, 1]]);
    assert.deepEqual(ln.bias!.toArray(), [[0, 0], [0, 0]]);
  });

  it("ds.seed makes initialisation reproducible", () => {
    ds.seed(99);
    const a = new nn.Linear(5, 3).weight.toArray();
    ds.seed(99);
    assert.deepEqual(new nn.Linear(5, 3).weight.toArray(), a);
  });
});

// ---- module structure --------------------------------------------------------------------------

/** The nested model of tools/gen_nn_fixtures.py (class Net), property for property. */
class Net extends nn.Module {
  features = new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2));
  attn = new nn.MultiheadAttention(8, 2, { kdim: 4 });
  blocks = new nn.ModuleList<AnyModule>([new nn.Linear(8, 8) as unknown as AnyModule, new nn.Sequential(new nn.LayerNorm(8), new nn.Linear(8, 3, { bias: false })) as unknown as AnyModule]);
  embed = new nn.Embedding(10, 8, { paddingIdx: 0 });
  norm = new nn.BatchNorm1d(3, { affine: false });
  headProj = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.headProj.call(x);
  }
}

describe("Module", () => {
  const shapes = (xs: [string, Tensor][]) => xs.map(([k, t]) => [k, [...t.shape]]);

  it("namedParameters, namedBuffers and stateDict names and order equal PyTorch's for a nested model", () => {
    const net = new Net();
    assert.deepEqual(shapes(net.namedParameters()), doc.structure.namedParameters);
    assert.deepEqual(shapes(net.namedBuffers()), doc.structure.namedBuffers);
    assert.deepEqual(shapes(Object.entries(net.stateDict())), doc.structure.stateDict);
    assert.equal(net.parameters().length, doc.structure.namedParameters.length);
  });

  it("train() and eval() reach every descendant", () => {
    const net = new Net();
    assert.ok(net.modules().every((m) => m.training));
    net.eval();
    assert.ok(net.modules().length > 10 && net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.train(false);
    assert.ok(net.modules().every((m) => !m.training));
  });

  it("eval mode: Dropout is the identity and BatchNorm uses (and keeps) the running statistics", () => {
    ds.seed(21);
    const m = new nn.Sequential(new nn.BatchNorm1d(3), new nn.Dropout(0.5)).eval();
    const x = ds.randn([4, 3]).mul(3).add(2);
    const before = m.stateDict()["0.running_mean"].toArray();
    assertClose(m.call(x), x.div(Math.sqrt(1 + 1e-5)).toArray());
    assert.deepEqual(m.stateDict()["0.running_mean"].toArray(), before);
    assert.equal(m.stateDict()["0.num_batches_tracked"].item(), 0);
    m.train();
    m.call(x);
    assert.equal(m.stateDict()["0.num_batches_tracked"].item(), 1);
  });

  it("zeroGrad clears every gradient", () => {
    ds.seed(22);
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
    m.call(ds.randn([5, 3])).sum().backward();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === null));
  });

  it("to(dtype) casts float parameters and buffers, keeps integer buffers", () => {
    const bn = new nn.BatchNorm1d(2).to("float64");
    const sd = bn.stateDict();
    assert.deepEqual(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.dtype])), {
      weight: "float64", bias: "float64", running_mean: "float64", running_var: "float64", num_batches_tracked: "int32",
    });
    assert.ok(bn.weight!.requiresGrad && bn.weight instanceof nn.Parameter);
    assert.equal(new nn.Linear(2, 2).double().float().weight.dtype, "float32");
  });

  it("loadStateDict (strict) lists missing and unexpected keys and shape conflicts, and changes nothing", () => {
    ds.seed(23);
    const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4));
    const before = Object.entries(m.stateDict()).map(([k, v]) => [k, v.toArray()]);
    const good = ds.noGrad(() => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.add(1).to(v.dtype)])));
    const { "1.running_var": _drop, ...missing } = good;
    void _drop;
    const bad = { ...missing, "0.weight": ds.zeros([4, 2]), "2.weight": ds.zeros([1]) };
    assert.throws(() => m.loadStateDict(bad), (e: Error) => {
      assert.ok(e instanceof ds.DeepScriptError);
      assert.match(e.message, /missing keys: 1\.running_var/);
      assert.match(e.message, /unexpected keys: 2\.weight/);
      assert.match(e.message, /0\.weight: checkpoint has shape \[4,2\], the module \[4,3\]/);
      return true;
    });
    assert.deepEqual(Object.entries(m.stateDict()).map(([k, v]) => [k, v.toArray()]), before, "module unchanged");
    // A shape conflict alone is a ShapeError; still nothing is written.
    assert.throws(() => m.loadStateDict({ ...good, "0.bias": ds.zeros([5]) }), ds.ShapeError);
    assert.deepEqual(Object.entries(m.stateDict()).map(([k, v]) => [k, v.toArray()]), before, "module unchanged");
    // Non-strict: loads what matches, reports the rest.
    const r = m.loadStateDict({ ...missing, extra: ds.zeros([1]) }, { strict: false });
    assert.deepEqual(r, { missingKeys: ["1.running_var"], unexpectedKeys: ["extra"] });
    assertClose(m.stateDict()["0.weight"], good["0.weight"].toArray());
    // Values are copied, not shared.
    good["0.bias"].copy_(ds.zeros([4]));
    assert.notDeepEqual(m.stateDict()["0.bias"].toArray(), [0, 0, 0, 0]);
  });

  it("toString prints the module tree like PyTorch's repr", () => {
    const m = new nn.Sequential(new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(8, 2), new nn.Dropout(0.25));
    assert.equal(m.toString(), [
      "Sequential(",
      "  (0): Conv2d(1, 8, kernelSize=[3,3], padding=1)",
      "  (1): ReLU()",
      "  (2): MaxPool2d(kernelSize=2)",
      "  (3): Flatten(startDim=1, endDim=-1)",
      "  (4): Linear(inFeatures=8, outFeatures=2, bias=true)",
      "  (5): Dropout(p=0.25)",
      ")",
    ].join("\n"));
    const s = new Net().toString();
    assert.match(s, /^Net\(\n {2}\(features\): Sequential\(\n {4}\(0\): Conv2d\(1, 4, kernelSize=\[3,3\]\)/);
    assert.match(s, /\(attn\): MultiheadAttention\(\n {4}embedDim=8, numHeads=2, kdim=4\n {4}\(out_proj\): Linear\(inFeatures=8, outFeatures=8, bias=true\)\n {2}\)/);
    assert.match(s, /\(norm\): BatchNorm1d\(3, eps=0\.00001, momentum=0\.1, affine=false\)/);
    assert.match(s, /\(embed\): Embedding\(10, 8, paddingIdx=0\)/);
    assert.match(s, /\(blocks\): ModuleList\(\n {4}\(0\): Linear/);
    assert.match(s, /\(head_proj\): Linear\(inFeatures=3, outFeatures=2, bias=true\)\n\)$/);
  });
});

// ---- Dropout in training mode: statistics only ----------------------------------------------------

describe("Dropout (train)", () => {
  it("zeroes about p of the elements and scales the rest by 1/(1-p); gradient uses the same mask", () => {
    ds.seed(31);
    const p = 0.3, n = 20000;
    const d = new nn.Dropout(p);
    const x = ds.ones([n], { requiresGrad: true });
    const y = d.call(x);
    const v = Array.from(y.dataSync());
    const zeros = v.filter((e) => e === 0).length / n;
    assert.ok(Math.abs(zeros - p) < 0.015, `dropped fraction ${zeros}`);
    assert.ok(v.every((e) => e === 0 || Math.abs(e - 1 / (1 - p)) < 1e-6));
    assert.ok(Math.abs(v.reduce((a, b) => a + b, 0) / n - 1) < 0.03, "mean preserved");
    y.sum().backward();
    assert.deepEqual(Array.from(x.grad!.dataSync()), v.map((e) => (e === 0 ? 0 : Math.fround(1 / (1 - p)))));
  });

  it("is reproducible under ds.seed, and p = 1 / p = 0 are all-zero / identity", () => {
    const x = ds.ones([50]);
    ds.seed(5);
    const a = new nn.Dropout(0.5).call(x).toArray();
    ds.seed(5);
    assert.deepEqual(new nn.Dropout(0.5).call(x).toArray(), a);
    assert.deepEqual(new nn.Dropout(1).call(x).toArray(), new Array(50).fill(0));
    assert.deepEqual(new nn.Dropout(0).call(x).toArray(), new Array(50).fill(1));
    assert.throws(() => new nn.Dropout(1.5), /p must be in \[0, 1\]/);
  });
});
