// ds.compile against eager execution: the same training steps (MLP with Adam, CNN, LSTM, dropout)
// and inference give the same numbers — bit for bit on the js backends, to float32 tolerance on
// wasm (its SIMD exp/tanh differ from its scalar tail, so a fused kernel may round differently) —
// plus the graph passes' effect, the memory plan, and the errors for data-dependent code.
import { it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";
import { denseAutoencoder, fitAutoencoder } from "../examples/autoencoder.js";

/** Runs f with console.log silenced (the examples print their progress). */
function quietly<T>(f: () => T): T {
  const log = console.log;
  console.log = () => {};
  try {
    return f();
  } finally {
    console.log = log;
  }
}
import { backend as getBackendObject } from "../src/backend/registry.js";

const { nn, optim } = ds;

type Build = () => { model: ds.nn.Module; loss: (out: Tensor, y: Tensor) => Tensor };

/** A model, its Adam and a training step closure, from a seeded start (two calls: equal twins). */
function twin(build: Build, opts: { sgd?: boolean } = {}) {
  ds.seed(1);
  const { model, loss } = build();
  const opt = opts.sgd ? new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }) : new optim.Adam(model.parameters(), { lr: 1e-2 });
  const step = (x: Tensor, y: Tensor): Tensor => {
    opt.zeroGrad();
    const l = loss(model.forward(x) as Tensor, y);
    l.backward();
    opt.step();
    return l;
  };
  return { model, opt, step };
}

const exact = (backend: string) => backend !== "wasm";

function assertClose(got: number[], want: number[], exactly: boolean, what: string): void {
  if (exactly) return assert.deepEqual(got, want, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= 1e-5 * Math.max(1, Math.abs(want[i])), `${what}[${i}]: ${g} vs ${want[i]}`));
}

/** Runs `steps` eager and compiled training steps on (x, y) batches; compares losses and parameters. */
function compareTraining(backend: string, build: Build, batches: [Tensor, Tensor][], opts: { sgd?: boolean } = {}) {
  const eager = twin(build, opts), comp = twin(build, opts);
  const step = ds.compile(comp.step);
  const le: number[] = [], lc: number[] = [];
  ds.seed(11);
  for (const [x, y] of batches) le.push(eager.step(x, y).item());
  ds.seed(11);
  for (const [x, y] of batches) lc.push(step(x, y).item());
  assertClose(lc, le, exact(backend), "losses");
  const pe = eager.model.parameters(), pc = comp.model.parameters();
  pe.forEach((p, i) => assertClose(Array.from(pc[i].dataSync()), Array.from(p.dataSync()), exact(backend), `parameter ${i}`));
  // The optimizer's host state advanced at every call, as eagerly.
  assert.equal((comp.opt.state.get(pc[0]) as { step?: number }).step ?? batches.length, (eager.opt.state.get(pe[0]) as { step?: number }).step ?? batches.length);
  return step;
}

const ce = new nn.CrossEntropyLoss();
const mlp: Build = () => ({
  model: new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 10)),
  loss: (o, y) => ce.forward(o, y),
});

function batches(n: number, shape: number[], classes: number): [Tensor, Tensor][] {
  ds.seed(5);
  return Array.from({ length: n }, () => [ds.randn(shape), ds.randint(0, classes, [shape[0]])] as [Tensor, Tensor]);
}

forEachBackend("ds.compile", (backend) => {
  it("a W2-like MLP training step with Adam matches eager over 6 steps (losses and parameters)", () => {
    const step = compareTraining(backend, mlp, batches(6, [16, 64], 10));
    const s = step.stats;
    assert.equal(s.traces, 1);
    assert.equal(s.opaqueSteps, 1);
    // Fusion and DCE removed launches; the plan shares buffers between temps.
    assert.ok(s.kernelsPerCall < s.kernelsTraced, `${s.kernelsPerCall} < ${s.kernelsTraced}`);
    assert.ok(s.fusedKernels > 0 && s.fusedMembers > s.fusedKernels);
    // Both hidden layers' relu folded into their product (backward reads relu's output, not the pre-activation).
    assert.equal(s.epilogues, 2);
    assert.ok(s.bytesPlanned > 0 && s.bytesPlanned < s.bytesUnshared, `${s.bytesPlanned} < ${s.bytesUnshared}`);
  });

  it("a CNN step (conv, max pool, linear) with SGD momentum matches eager", () => {
    const cnn: Build = () => ({
      model: new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(36, 3)),
      loss: (o, y) => ce.forward(o, y),
    });
    compareTraining(backend, cnn, batches(4, [4, 1, 8, 8], 3), { sgd: true });
  });

  it("an LSTM regression step matches eager", () => {
    class Net extends nn.Module {
      lstm = new nn.LSTM(5, 8, { batchFirst: true });
      head = new nn.Linear(8, 1);
      forward(x: Tensor): Tensor {
        const [out] = this.lstm.forward(x);
        return this.head.forward(out.index(":", -1));
      }
    }
    const mse = new nn.MSELoss();
    ds.seed(6);
    const data = Array.from({ length: 4 }, () => [ds.randn([4, 6, 5]), ds.randn([4, 1])] as [Tensor, Tensor]);
    compareTraining(backend, () => ({ model: new Net(), loss: (o, y) => mse.forward(o, y) }), data);
  });

  it("dropout inside a compiled step draws from ds.seed exactly as eagerly", () => {
    const drop: Build = () => ({
      model: new nn.Sequential(new nn.Linear(64, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 10)),
      loss: (o, y) => ce.forward(o, y),
    });
    const step = compareTraining(backend, drop, batches(5, [8, 64], 10));
    assert.match(step.graph, /host rand\(\)/);
  });

  it("MLP inference under noGrad matches eager, returns new tensors each call, and retraces per shape", () => {
    ds.seed(2);
    const model = mlp().model;
    const predict = ds.compile((x: Tensor) => ds.noGrad(() => model.forward(x).softmax(1)));
    ds.seed(3);
    const x1 = ds.randn([1, 64]), x8 = ds.randn([8, 64]);
    const outs: Tensor[] = [];
    for (let i = 0; i < 4; i++) {
      const x = i % 2 ? x8 : x1;
      const want = Array.from(ds.noGrad(() => model.forward(x).softmax(1)).dataSync());
      const got = predict(x);
      assertClose(Array.from(got.dataSync()), want, exact(backend), `call ${i}`);
      assert.equal(got.requiresGrad, false);
      outs.push(got);
    }
    const again = predict(x1);
    assert.notEqual(again, outs[2]);
    assert.deepEqual(Array.from(outs[2].dataSync()), Array.from(again.dataSync()), "an earlier output keeps its values");
    assert.equal(predict.stats.signatures, 2);
    assert.equal(predict.stats.traces, 2);
  });

  it("fuses an elementwise chain into the reduction that consumes it, with the same value", () => {
    const f = (a: Tensor, b: Tensor) => a.mul(2).add(b).exp().sub(1).sum(1);
    const g = ds.compile(f);
    ds.seed(4);
    const a = ds.randn([5, 7]), b = ds.randn([5, 7]);
    const want = Array.from(f(a, b).dataSync());
    for (let i = 0; i < 3; i++) assertClose(Array.from(g(a, b).dataSync()), want, exact(backend), `call ${i}`);
    assert.equal(g.stats.kernelsTraced, 5);
    assert.equal(g.stats.kernelsPerCall, 1);
    assert.equal(g.stats.fusedMembers, 5);
    assert.match(g.graph, /# traced[\s\S]*# optimized[\s\S]*members: mul > add > exp > sub > sum/);
  });

  it("a compiled step's device memory and reserved bytes stay flat from the third call on", () => {
    const { step } = twin(mlp);
    const c = ds.compile(step);
    const [[x, y]] = batches(1, [16, 64], 10);
    const seen: { bytes: number; reserved: number }[] = [];
    // Storages the backend is asked for per call, counted by wrapping the backend's alloc.
    const be = getBackendObject() as unknown as { alloc: (...a: unknown[]) => unknown };
    const allocs: number[] = [];
    for (let i = 0; i < 12; i++) {
      let n = 0;
      const orig = be.alloc;
      be.alloc = (...a: unknown[]) => (n++, orig.apply(be, a));
      try {
        c(x, y);
      } finally {
        delete (be as { alloc?: unknown }).alloc;
      }
      allocs.push(n);
      const m = ds.memory();
      seen.push({ bytes: m.bytes, reserved: m.reserved });
    }
    // From the second replay on, at most the per-call storages stats names (here the returned loss).
    assert.ok(allocs.slice(3).every((n) => n <= c.stats.allocsPerCall && n === allocs[3]), `allocs per call: ${allocs.join(" ")}`);
    assert.ok(allocs[2] > allocs[3], "the first replay allocates the plan's buffers, later ones do not");
    const later = seen.slice(4);
    assert.ok(later.every((m) => m.reserved === later[0].reserved), `reserved: ${later.map((m) => m.reserved).join(" ")}`);
    const lo = Math.min(...later.map((m) => m.bytes)), hi = Math.max(...later.map((m) => m.bytes));
    // Only the returned losses (4 bytes each, until spilled) come and go.
    assert.ok(hi - lo <= 64, `bytes: ${later.map((m) => m.bytes).join(" ")}`);
  });
});

it("reading a tensor's value inside fn is an ArgumentError naming the op and the line of fn", () => {
  ds.seed(1);
  const w = ds.randn([3]);
  const f = ds.compile((x: Tensor) => (x.sum().item() > 0 ? x.mul(w) : x.add(w)));
  const x = ds.randn([3]);
  f(x); // the first call runs eagerly
  assert.throws(() => f(x), (e: Error) => e instanceof ds.ArgumentError && /item/.test(e.message) && /compile\.test\.ts:\d+/.test(e.message));
});

it("gradients accumulated across calls (no zeroGrad) and an lr changed between calls behave as eagerly", () => {
  const make = () => {
    ds.seed(1);
    const model = new nn.Linear(6, 2);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    // fn never zeroes the gradients: they accumulate in place across calls, as eagerly.
    const step = (x: Tensor) => {
      const l = model.forward(x).pow(2).mean();
      l.backward();
      opt.step();
      return l;
    };
    return { model, opt, step };
  };
  const a = make(), b = make();
  const c = ds.compile(b.step);
  ds.seed(2);
  const x = ds.randn([3, 6]);
  for (let i = 0; i < 6; i++) {
    if (i === 3) for (const o of [a.opt, b.opt]) o.paramGroups[0].lr = 0.02;
    assert.equal(c(x).item(), a.step(x).item(), `loss ${i}`);
    assert.deepEqual(Array.from(b.model.weight.grad!.dataSync()), Array.from(a.model.weight.grad!.dataSync()), `grad ${i}`);
  }
  assert.deepEqual(Array.from(b.model.weight.dataSync()), Array.from(a.model.weight.dataSync()));
});

it("retraces when arguments alias each other differently", () => {
  const f = ds.compile((p: Tensor, q: Tensor) => p.add(q.mul(2)));
  const a = ds.tensor([1, 2]), b = ds.tensor([10, 20]);
  for (let i = 0; i < 3; i++) f(a, b);
  assert.deepEqual(Array.from(f(a, a).dataSync()), [3, 6]);
  assert.equal(f.stats.signatures, 2);
});

it("a Linear weight's transposed gradient copy becomes one product of the transposed operands, bit for bit", () => {
  const make = () => {
    ds.seed(1);
    const lin = new nn.Linear(7, 5, { bias: false });
    return { lin, step: (x: Tensor) => { lin.weight.grad = null; const l = lin.forward(x).square().sum(); l.backward(); return l; } };
  };
  const a = make(), b = make();
  const c = ds.compile(b.step);
  const d = ds.compile(make().step, { fuse: false });
  ds.seed(2);
  const x = ds.randn([9, 7]);
  for (let i = 0; i < 3; i++) {
    c(x);
    d(x);
    a.step(x);
  }
  assert.deepEqual(Array.from(b.lin.weight.grad!.dataSync()), Array.from(a.lin.weight.grad!.dataSync()));
  const [traced, optimized] = c.graph.split("# optimized");
  assert.match(traced, /= copy\(%\d+\[5,7\]\/1,5\+0\)/);
  assert.doesNotMatch(optimized, /copy\(/);
  const products = (s: string) => s.match(/= matmul\(/g)?.length ?? 0;
  assert.equal(products(optimized), products(traced));
  assert.deepEqual(Array.from(d(x).dataSync()), Array.from(c(x).dataSync()), "the loss, with and without the passes");
});

it("refuses bad options and arguments with ArgumentErrors", () => {
  assert.throws(() => ds.compile(42 as never), ds.ArgumentError);
  assert.throws(() => ds.compile((x: Tensor) => x, { fuze: true } as never), /unknown option "fuze"/);
  const f = ds.compile((x: Tensor) => x.add(1));
  assert.throws(() => f([1, 2] as never), /argument 0 must be a Tensor/);
});

it("without fusion the optimized program keeps one launch per traced kernel (less dead code)", () => {
  const f = (a: Tensor) => a.mul(2).add(1).relu();
  const g = ds.compile(f, { fuse: false });
  const a = ds.randn([4]);
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(g(a).dataSync()), Array.from(f(a).dataSync()));
  assert.equal(g.stats.kernelsPerCall, g.stats.kernelsAfterDce);
  assert.equal(g.stats.fusedKernels, 0);
});

forEachBackend("train.fit({ compile: true })", (backend) => {
  it("gives the history and parameters of the eager fit (dropout, a smaller last batch, a validation split)", async () => {
    const run = async (compile: boolean) => {
      ds.seed(1);
      const model = new nn.Sequential(new nn.Linear(8, 16), new nn.Tanh(), new nn.Dropout(0.2), new nn.Linear(16, 3));
      ds.seed(2);
      const x = ds.randn([70, 8]);
      const y = ds.randint(0, 3, [70]);
      const h = await ds.train.fit(model, [x, y], {
        epochs: 3, batchSize: 16, optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy",
        metrics: ["accuracy"], validationSplit: 0.2, seed: 3, verbose: 0, compile,
      });
      return { h, params: model.parameters().map((p) => Array.from(p.dataSync())) };
    };
    const eager = await run(false), comp = await run(true);
    for (const k of ["loss", "accuracy", "valLoss", "valAccuracy"]) assertClose(comp.h.history[k], eager.h.history[k], exact(backend), k);
    comp.params.forEach((p, i) => assertClose(p, eager.params[i], exact(backend), `parameter ${i}`));
  });
});

it("a call differing from the last only in strides, offset, a scalar or aliasing gets its own signature", () => {
  const f = ds.compile((p: Tensor, q: Tensor, s: number) => p.add(q.mul(s)));
  const a = ds.tensor([[1, 2], [3, 4]]), b = ds.tensor([[10, 20], [30, 40]]);
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(f(a, b, 2).dataSync()), [21, 42, 63, 84]);
  assert.equal(f.stats.signatures, 1);
  // Same shapes, transposed strides: the replay of the first signature would read b untransposed.
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(f(a, b.T, 2).dataSync()), [21, 62, 43, 84]);
  assert.equal(f.stats.signatures, 2);
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(f(a, b, 3).dataSync()), [31, 62, 93, 124]);
  assert.equal(f.stats.signatures, 3);
  const row = ds.tensor([0, 0, 1, 2, 3, 4]).reshape([3, 2]).narrow(0, 1, 2);
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(f(row, b, 2).dataSync()), [21, 42, 63, 84]);
  assert.equal(f.stats.signatures, 4);
  for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(f(a, a, 2).dataSync()), [3, 6, 9, 12]);
  assert.equal(f.stats.signatures, 5);
  // Back to the first: found again, not traced again.
  const traces = f.stats.traces;
  assert.deepEqual(Array.from(f(a, b, 2).dataSync()), [21, 42, 63, 84]);
  assert.equal(f.stats.traces, traces);
});

it("results a compiled inference loop drops are freed from the device as eager results are", () => {
  ds.seed(3);
  const model = new nn.Sequential(new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 4));
  const predict = ds.compile((x: Tensor) => ds.noGrad(() => model.forward(x)));
  const x = ds.randn([1, 16]);
  let sum = 0;
  predict(x);
  predict(x);
  const start = ds.memory().storages;
  // A loop that reads each result and drops it (no scope, no dispose), as user code does.
  for (let i = 0; i < 3000; i++) sum += predict(x).dataSync()[0];
  const grown = ds.memory().storages - start;
  assert.ok(Number.isFinite(sum));
  // Boundaries spill the dropped results: a few hundred at most stay on the device, not 3000.
  assert.ok(grown < 500, `device storages grew by ${grown} over 3000 calls`);
});

forEachBackend("ds.compile CSE and constant folding", (backend) => {
  it("folds kernels over host constants at build time: fewer kernels, the same bits", () => {
    const f = (x: Tensor) => x.add(ds.tensor([1, 2, 3]).mul(2).exp()).mul(ds.tensor([0.5, 0.25, 4]).sqrt());
    const g = ds.compile(f), plain = ds.compile(f, { fuse: false });
    const x = ds.tensor([[0.1, -0.2, 0.3], [1, 2, 3]]);
    const want = Array.from(f(x).dataSync());
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(Array.from(g(x).dataSync()), want);
      assert.deepEqual(Array.from(plain(x).dataSync()), want);
    }
    assert.equal(plain.stats.kernelsPerCall, 5);
    assert.equal(g.stats.constantsFolded, 3);
    // add and mul remain, fused into one kernel over x and the two folded constants.
    assert.equal(g.stats.kernelsPerCall, 1, g.graph);
    assert.match(g.graph.split("# optimized")[1], /consts: %\d+:f32\[3\] %\d+:f32\[3\]/);
  });

  it("runs a repeated kernel once (CSE): fewer kernels, the same bits", () => {
    const f = (a: Tensor) => a.sum(1).add(a.sum(1)).mul(a.max(1)).sub(a.max(1));
    const g = ds.compile(f), plain = ds.compile(f, { fuse: false });
    ds.seed(11);
    const a = ds.randn([6, 9]);
    const want = Array.from(f(a).dataSync());
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(Array.from(g(a).dataSync()), want, exact(backend) ? "bit for bit" : "");
      assert.deepEqual(Array.from(plain(a).dataSync()), want);
    }
    assert.equal(plain.stats.kernelsPerCall, 7);
    assert.equal(g.stats.subexpressionsMerged, 2);
    // sum, max, and add > mul > sub fused.
    assert.equal(g.stats.kernelsPerCall, 3, g.graph);
  });

  it("does not merge a repeated kernel across an in-place write to what it reads", () => {
    const f = (a: Tensor) => ds.noGrad(() => {
      const s1 = a.sum();
      a.copy_(a.mul(2));
      return s1.add(a.sum());
    });
    const g = ds.compile(f);
    const a = ds.tensor([1, 2, 3]), b = ds.tensor([1, 2, 3]);
    for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(g(a).dataSync()), Array.from(f(b).dataSync()), `call ${i}`);
    assert.deepEqual(Array.from(a.dataSync()), [8, 16, 24]);
    assert.equal(g.stats.subexpressionsMerged, 0);
  });
});

it("examples/autoencoder.ts's compiled training step gives the eager step's losses", () => {
  const x = ds.data.datasets.digits().train.x.narrow(0, 0, 80);
  const run = (compile: boolean) => {
    ds.seed(0);
    const model = denseAutoencoder();
    // 3 epochs of 3 batches (32, 32, 16): epoch 1 eager, 2 traced, 3 replayed, for both shapes.
    return quietly(() => fitAutoencoder(model, x, { epochs: 3, batchSize: 32, compile, label: "test" }));
  };
  const eager = run(false), compiled = run(true);
  assert.ok(Math.abs(compiled - eager) <= 1e-6 * Math.abs(eager), `eager ${eager}, compiled ${compiled}`);
});
