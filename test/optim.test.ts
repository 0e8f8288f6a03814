// optim against PyTorch: every optimizer trajectory, schedule and clipping case in
// test/fixtures/optim.json (made by tools/gen_optim_fixtures.py), plus state dicts, errors and
// flat memory over a long run.
import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { nn, optim, type Tensor } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";

interface TSpec { shape: number[]; data: number[] }
type Options = Record<string, unknown>;
interface GroupSpec extends Options { params: number[] }
interface OptSpec { optimizer: keyof typeof OPT; options: Options; groups?: GroupSpec[] }
interface OptCase extends OptSpec { name: string; steps: number[][] }
interface SchedCase { name: string; scheduler: string; options: Options; opt: OptSpec; lrs: number[][]; momentum?: number[][]; metrics?: number[] }
interface ClipCase { kind: "norm" | "value"; grads: TSpec[]; maxNorm?: number; normType?: number | "inf"; clipValue?: number; total?: number; clipped: number[][] }

const doc = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8")) as {
  problem: { W: TSpec; b: TSpec; x: TSpec; y: TSpec };
  optimizers: OptCase[];
  schedulers: SchedCase[];
  clip: ClipCase[];
};

const OPT = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad };

const f64 = (s: TSpec): Tensor => ds.tensor(new Float64Array(s.data)).reshape(s.shape);

/** Fresh float64 parameters W [3,2] and b [2] at the fixture's starting point. */
function problemParams(): [nn.Parameter, nn.Parameter] {
  return [new nn.Parameter(f64(doc.problem.W)), new nn.Parameter(f64(doc.problem.b))];
}

function makeOpt(spec: OptSpec, params: Tensor[]): optim.Optimizer<{ lr: number }, object> {
  const C = OPT[spec.optimizer] as unknown as new (p: unknown, o: Options) => optim.Optimizer<{ lr: number }, object>;
  const arg = spec.groups ? spec.groups.map((g) => ({ ...g, params: g.params.map((i) => params[i]) })) : params;
  return new C(arg, spec.options);
}

/** One training step on the fixture's problem: loss = sum((x@W+b-y)^2) + sum(W^4). */
function trainStep(opt: optim.Optimizer<{ lr: number }, object>, W: Tensor, b: Tensor, x: Tensor, y: Tensor): void {
  ds.scope(() => {
    opt.zeroGrad();
    const loss = x.matmul(W).add(b).sub(y).pow(2).sum().add(W.pow(4).sum());
    loss.backward();
    opt.step();
  });
}

forEachBackend("optimizers vs PyTorch 1.13 (20 steps, float64)", (backend) => {
  for (const c of doc.optimizers) {
    it(c.name, () => {
      ds.setBackend(backend);
      const [W, b] = problemParams();
      const x = f64(doc.problem.x), y = f64(doc.problem.y);
      const opt = makeOpt(c, [W, b]);
      c.steps.forEach((expected, i) => {
        trainStep(opt, W, b, x, y);
        assertClose([...W.dataSync(), ...b.dataSync()], expected, { rtol: 1e-5, atol: 1e-9, msg: `${c.name} step ${i + 1}` });
      });
      assert.equal(W.dtype, "float64");
    });
  }
});

describe("learning-rate schedules vs PyTorch 1.13", () => {
  for (const c of doc.schedulers) {
    it(c.name, () => {
      const params = problemParams();
      const opt = makeOpt(c.opt, params);
      const S = (optim.lr as unknown as Record<string, new (o: unknown, opts: Options) => { step(m?: number): void; getLastLr(): number[] }>)[c.scheduler];
      const sched = new S(opt, c.options);
      const momenta = () => opt.paramGroups.map((g) => (Array.isArray(g.betas) ? (g.betas as number[])[0] : (g.momentum as number)));
      const check = (i: number) => {
        assertClose(opt.paramGroups.map((g) => g.lr), c.lrs[i], { rtol: 1e-9, atol: 1e-15, msg: `${c.name} lr after ${i} steps` });
        if (c.momentum) assertClose(momenta(), c.momentum[i], { rtol: 1e-9, atol: 1e-15, msg: `${c.name} momentum after ${i} steps` });
      };
      check(0);
      assert.deepEqual(sched.getLastLr(), opt.paramGroups.map((g) => g.lr));
      for (let i = 0; i < c.lrs.length - 1; i++) {
        opt.step();
        if (c.metrics) sched.step(c.metrics[i]);
        else sched.step();
        check(i + 1);
        assert.deepEqual(sched.getLastLr(), opt.paramGroups.map((g) => g.lr));
      }
    });
  }

  it("CosineAnnealingLR's recursive form equals the closed form at every step of the first period", () => {
    const [W] = problemParams();
    const opt = new optim.SGD([W], { lr: 0.3 });
    const tMax = 25, etaMin = 0.01;
    const sched = new optim.lr.CosineAnnealingLR(opt, { tMax, etaMin });
    for (let e = 0; e <= tMax; e++) {
      const closed = etaMin + (0.3 - etaMin) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
      assert.ok(Math.abs(opt.lr - closed) < 1e-12, `epoch ${e}: ${opt.lr} != ${closed}`);
      sched.step();
    }
  });

  it("OneCycleLR starts at maxLr/divFactor and refuses to step past totalSteps", () => {
    const [W] = problemParams();
    const opt = new optim.SGD([W], { lr: 1, momentum: 0.9 });
    const sched = new optim.lr.OneCycleLR(opt, { maxLr: 0.5, totalSteps: 4 });
    assert.ok(Math.abs(opt.lr - 0.5 / 25) < 1e-15, "PyTorch's formula gives 0.02 up to rounding");
    assert.equal(opt.paramGroups[0].momentum, 0.95);
    for (let i = 0; i < 4; i++) sched.step();
    assert.throws(() => sched.step(), (e: unknown) => e instanceof ds.ArgumentError && /^OneCycleLR: tried to step 6 times/.test(e.message));
    assert.equal(sched.lastEpoch, 4, "a refused step changes nothing");
  });
});

describe("gradient clipping vs PyTorch 1.13", () => {
  doc.clip.forEach((c, k) => {
    it(`${c.kind === "norm" ? `clipGradNorm_(maxNorm ${c.maxNorm}, normType ${c.normType})` : `clipGradValue_(${c.clipValue})`} #${k}`, () => {
      const params = c.grads.map((g) => {
        const p = new nn.Parameter(ds.zeros(g.shape, { dtype: "float64" }));
        p.grad = f64(g);
        return p;
      });
      if (c.kind === "norm") {
        const total = nn.utils.clipGradNorm_(params, c.maxNorm!, c.normType === "inf" ? Infinity : c.normType);
        assertClose(total, c.total!, { rtol: 1e-12, atol: 0 });
      } else nn.utils.clipGradValue_(params, c.clipValue!);
      params.forEach((p, i) => assertClose(p.grad!, c.clipped[i], { rtol: 1e-12, atol: 1e-15, msg: `grad ${i}` }));
    });
  });

  it("skips parameters without gradients, returns 0 when there are none, and takes a single tensor", () => {
    const p = new nn.Parameter(ds.ones([3]));
    const q = new nn.Parameter(ds.ones([2]));
    assert.equal(nn.utils.clipGradNorm_([p, q], 1), 0);
    q.grad = ds.tensor([3, 4]);
    assert.equal(nn.utils.clipGradNorm_([p, q], 1), 5);
    assertClose(q.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)]);
    assert.equal(p.grad, null);
    q.grad = ds.tensor([-3, 4]);
    assert.equal(nn.utils.clipGradNorm_(q, 10, Infinity), 4);
    assert.deepEqual(q.grad.toArray(), [-3, 4], "no scaling under the max norm");
    assert.throws(() => nn.utils.clipGradNorm_([q], NaN), (e: unknown) => e instanceof ds.ArgumentError && /^clipGradNorm_: /.test(e.message));
    q.grad = ds.tensor([NaN, 1]);
    assert.throws(() => nn.utils.clipGradNorm_([q], 1, 2, { errorIfNonfinite: true }), /non-finite|NaN/);
  });
});

describe("optimizer state dicts", () => {
  it("an Adam state dict, loaded into a fresh optimizer, continues the identical trajectory", () => {
    const c = doc.optimizers.find((o) => o.name.startsWith("Adam(") && o.options.amsgrad && o.options.weightDecay)!;
    const [W, b] = problemParams();
    const x = f64(doc.problem.x), y = f64(doc.problem.y);
    const a = makeOpt(c, [W, b]);
    for (let i = 0; i < 10; i++) trainStep(a, W, b, x, y);
    const sd = a.stateDict();
    // PyTorch's layout and key names.
    assert.deepEqual(Object.keys(sd.state), ["0", "1"]);
    assert.deepEqual(Object.keys(sd.state[0]).sort(), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"]);
    assert.equal(sd.state[0].step, 10);
    assert.deepEqual(sd.param_groups[0].params, [0, 1]);
    assert.equal(sd.param_groups[0].weight_decay, c.options.weightDecay);
    assert.deepEqual(sd.param_groups[0].betas, [0.9, 0.999]);
    // Non-tensor parts are JSON: round-trip the dict through JSON, tensors as nested arrays.
    const json = JSON.stringify(sd, (_k, v) => (v instanceof ds.Tensor ? { $tensor: v.toArray(), shape: v.shape } : v));
    const revived = JSON.parse(json, (_k, v) => (v && typeof v === "object" && "$tensor" in v ? ds.tensor(v.$tensor, { dtype: "float64" }) : v)) as optim.OptimizerStateDict;

    const W2 = new nn.Parameter(W.detach().clone()), b2 = new nn.Parameter(b.detach().clone());
    const fresh = new optim.Adam([W2, b2], { lr: 123 });
    fresh.loadStateDict(revived);
    assert.equal(fresh.lr, c.options.lr);
    assert.equal(fresh.paramGroups[0].amsgrad, true);
    for (let i = 10; i < 20; i++) {
      trainStep(a, W, b, x, y);
      trainStep(fresh, W2, b2, x, y);
      assert.deepEqual(Array.from(W2.dataSync()), Array.from(W.dataSync()), `step ${i + 1}`);
      assert.deepEqual(Array.from(b2.dataSync()), Array.from(b.dataSync()), `step ${i + 1}`);
      assertClose([...W.dataSync(), ...b.dataSync()], c.steps[i], { rtol: 1e-5, atol: 1e-9 });
    }
    // The dict was a snapshot: stepping did not change it.
    assert.equal(sd.state[0].step, 10);
    assert.equal((fresh.state.get(W2) as optim.AdamState).step, 20);
  });

  it("loadStateDict checks everything before changing anything", () => {
    const [W, b] = problemParams();
    const opt = new optim.SGD([W, b], { lr: 0.1, momentum: 0.9 });
    W.grad = ds.onesLike(W);
    opt.step();
    const sd = opt.stateDict();
    const other = new optim.SGD([W], { lr: 0.5 });
    assert.throws(() => other.loadStateDict(sd), (e: unknown) => e instanceof ds.ArgumentError && /parameters in the state dict/.test(e.message));
    const bad = { state: { 0: { momentum_buffer: ds.zeros([7], { dtype: "float64" }) } }, param_groups: sd.param_groups };
    const again = new optim.SGD([W, b], { lr: 0.5 });
    assert.throws(() => again.loadStateDict(bad), (e: unknown) => e instanceof ds.ShapeError && /momentum_buffer/.test(e.message));
    assert.equal(again.lr, 0.5, "nothing changed");
    assert.equal(again.state.size, 0);
  });

  it("loadStateDict refuses a state missing an entry the optimizer needs, naming it (found by fuzzing checkpoints)", () => {
    const [W, b] = problemParams();
    const opt = new optim.Adam([W, b], { lr: 0.1 });
    W.grad = ds.onesLike(W);
    b.grad = ds.onesLike(b);
    opt.step();
    const sd = opt.stateDict();
    const { exp_avg: _dropped, ...rest } = sd.state[0] as Record<string, unknown>;
    const fresh = new optim.Adam([W, b], { lr: 0.5 });
    assert.throws(() => fresh.loadStateDict({ state: { ...sd.state, 0: rest }, param_groups: sd.param_groups } as never),
      /^ArgumentError: Adam\.loadStateDict: the state of parameter 0 lacks "exp_avg" \(expected step, exp_avg, exp_avg_sq\)$/);
    assert.equal(fresh.lr, 0.5, "nothing changed");
    assert.equal(fresh.state.size, 0);
    fresh.loadStateDict(sd);
    fresh.step();
    assert.ok(W.dataSync().every(Number.isFinite));
  });

  it("schedule state dicts resume a schedule exactly (ReduceLROnPlateau's infinite best included)", () => {
    const run = (n: number, resumeFrom?: { opt: optim.OptimizerStateDict; sched: optim.lr.SchedulerStateDict; plateau: optim.lr.SchedulerStateDict }) => {
      const [W] = problemParams();
      const opt = new optim.Adam([W], { lr: 0.01 });
      const sched = new optim.lr.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 40 });
      const plateau = new optim.lr.ReduceLROnPlateau(opt, { patience: 1 });
      if (resumeFrom) {
        opt.loadStateDict(resumeFrom.opt);
        sched.loadStateDict(resumeFrom.sched);
        plateau.loadStateDict(resumeFrom.plateau);
      }
      const lrs: number[] = [];
      for (let i = 0; i < n; i++) {
        sched.step();
        plateau.step(1);
        lrs.push(opt.lr, (opt.paramGroups[0].betas as number[])[0]);
      }
      return { lrs, opt, sched, plateau };
    };
    const whole = run(30);
    const first = run(12);
    const fresh = run(0);
    const plateauSd = fresh.plateau.stateDict();
    assert.equal(plateauSd.best, null, "Infinity is written as null");
    assert.equal(JSON.parse(JSON.stringify(plateauSd)).mode, "min");
    const sd = { opt: first.opt.stateDict(), sched: JSON.parse(JSON.stringify(first.sched.stateDict())), plateau: JSON.parse(JSON.stringify(first.plateau.stateDict())) };
    assert.equal(sd.sched.last_epoch, 12);
    const rest = run(18, sd);
    assert.deepEqual([...first.lrs, ...rest.lrs], whole.lrs);
    assert.equal(rest.plateau.best, 1);
  });
});

describe("optimizer behaviour", () => {
  it("skips parameters without a gradient, and zeroGrad frees (or zeros) gradients", () => {
    const [W, b] = problemParams();
    const opt = new optim.Adam([W, b]);
    const before = Array.from(b.dataSync());
    W.grad = ds.onesLike(W);
    opt.step();
    assert.deepEqual(Array.from(b.dataSync()), before);
    assert.ok(opt.state.has(W) && !opt.state.has(b));
    opt.zeroGrad(false);
    assert.deepEqual(Array.from(W.grad!.dataSync()), [0, 0, 0, 0, 0, 0]);
    const g = W.grad!;
    opt.zeroGrad();
    assert.equal(W.grad, null);
    assert.ok(g.isDisposed);
  });

  it("lr reads and sets group 0; groups take overrides and keep their own copies of defaults", () => {
    const [W, b] = problemParams();
    const opt = new optim.Adam([{ params: [W] }, { params: [b], lr: 0.5, betas: [0.5, 0.6] }], { lr: 0.1 });
    assert.equal(opt.lr, 0.1);
    opt.lr = 0.2;
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.2, 0.5]);
    assert.deepEqual(opt.paramGroups[1].betas, [0.5, 0.6]);
    assert.notEqual(opt.paramGroups[0].betas, opt.defaults.betas);
    assert.equal(opt.defaults.eps, 1e-8);
  });

  it("float32 parameters stay float32, and their state too", () => {
    const p = new nn.Parameter(ds.tensor([[1, -2], [3, 0.5]]));
    for (const C of [optim.SGD, optim.Adam, optim.AdamW, optim.RMSprop, optim.Adagrad]) {
      const opt = new C([p], { lr: 0.01 });
      p.grad = ds.onesLike(p);
      opt.step();
      assert.equal(p.dtype, "float32");
      for (const v of Object.values(opt.state.get(p) ?? {})) if (v instanceof ds.Tensor) assert.equal(v.dtype, "float32", C.name);
    }
  });

  it("a small model learns with each optimizer", () => {
    ds.seed(3);
    const x = ds.randn([32, 4]);
    const y = x.matmul(ds.tensor([[1], [-2], [0.5], [3]])).add(0.3);
    for (const [C, lr] of [[optim.SGD, 0.05], [optim.Adam, 0.05], [optim.AdamW, 0.05], [optim.RMSprop, 0.05], [optim.Adagrad, 0.5]] as const) {
      const model = new nn.Linear(4, 1);
      const opt = new C(model.parameters(), { lr });
      let first = 0, last = 0;
      for (let i = 0; i < 100; i++) {
        last = ds.scope(() => {
          opt.zeroGrad();
          const loss = nn.F.mse(model.call(x), y);
          loss.backward();
          opt.step();
          return loss.item();
        });
        if (i === 0) first = last;
      }
      assert.ok(last < first * 0.05, `${C.name}: loss ${first} → ${last}`);
    }
  });
});

describe("bad hyperparameters throw ds.ArgumentError naming the optimizer", () => {
  const [W] = problemParams();
  const cases: [string, () => unknown, RegExp][] = [
    ["SGD negative lr", () => new optim.SGD([W], { lr: -1 }), /^SGD: invalid learning rate: -1/],
    ["SGD negative momentum", () => new optim.SGD([W], { momentum: -0.5 }), /^SGD: invalid momentum/],
    ["SGD nesterov without momentum", () => new optim.SGD([W], { lr: 0.1, nesterov: true }), /^SGD: Nesterov momentum requires/],
    ["SGD nesterov with dampening", () => new optim.SGD([W], { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), /^SGD: Nesterov/],
    ["SGD negative lr in a group", () => new optim.SGD([{ params: [W], lr: -0.1 }]), /^SGD: invalid learning rate/],
    ["Adam beta1 = 1", () => new optim.Adam([W], { betas: [1, 0.999] }), /^Adam: invalid beta parameter at index 0: 1/],
    ["Adam beta2 < 0", () => new optim.Adam([W], { betas: [0.9, -0.1] }), /^Adam: invalid beta parameter at index 1/],
    ["Adam negative eps", () => new optim.Adam([W], { eps: -1 }), /^Adam: invalid eps/],
    ["Adam negative weight decay", () => new optim.Adam([W], { weightDecay: -1 }), /^Adam: invalid weightDecay/],
    ["AdamW negative lr", () => new optim.AdamW([W], { lr: -1e-3 }), /^AdamW: invalid learning rate/],
    ["AdamW betas not a pair", () => new optim.AdamW([W], { betas: [0.9] as unknown as [number, number] }), /^AdamW: betas must be a pair/],
    ["RMSprop negative alpha", () => new optim.RMSprop([W], { alpha: -0.1 }), /^RMSprop: invalid alpha/],
    ["RMSprop negative momentum", () => new optim.RMSprop([W], { momentum: -1 }), /^RMSprop: invalid momentum/],
    ["Adagrad negative lrDecay", () => new optim.Adagrad([W], { lrDecay: -1 }), /^Adagrad: invalid lrDecay/],
    ["Adagrad negative initial accumulator", () => new optim.Adagrad([W], { initialAccumulatorValue: -1 }), /^Adagrad: invalid initialAccumulatorValue/],
    ["unknown option", () => new optim.Adam([W], { learningRate: 0.1 } as unknown as optim.AdamOptions), /^Adam: unknown option "learningRate"/],
    ["empty parameter list", () => new optim.SGD([], { lr: 0.1 }), /^SGD: got an empty parameter list/],
    ["non-leaf tensor", () => new optim.SGD([W.mul(2)], { lr: 0.1 }), /^SGD: can't optimize a non-leaf tensor/],
    ["a parameter twice", () => new optim.SGD([{ params: [W] }, { params: [W] }], { lr: 0.1 }), /^SGD: some parameters appear in more than one/],
    ["integer tensor", () => new optim.SGD([ds.tensor([1, 2], { dtype: "int32" })], { lr: 0.1 }), /^SGD: can only optimize floating-point/],
    ["StepLR without stepSize", () => new optim.lr.StepLR(new optim.SGD([W]), {} as optim.lr.StepLROptions), /^StepLR: option "stepSize" is required/],
    ["StepLR stepSize 0", () => new optim.lr.StepLR(new optim.SGD([W]), { stepSize: 0 }), /^StepLR: stepSize must be an integer >= 1/],
    ["CosineAnnealingLR tMax 0", () => new optim.lr.CosineAnnealingLR(new optim.SGD([W]), { tMax: 0 }), /^CosineAnnealingLR: tMax must be/],
    ["ReduceLROnPlateau factor 1", () => new optim.lr.ReduceLROnPlateau(new optim.SGD([W]), { factor: 1 }), /^ReduceLROnPlateau: factor should be < 1/],
    ["ReduceLROnPlateau bad mode", () => new optim.lr.ReduceLROnPlateau(new optim.SGD([W]), { mode: "up" as "min" }), /^ReduceLROnPlateau: mode must be/],
    ["OneCycleLR on Adagrad cycling momentum", () => new optim.lr.OneCycleLR(new optim.Adagrad([W]), { maxLr: 0.1, totalSteps: 10 }), /^OneCycleLR: Adagrad has no momentum/],
    ["OneCycleLR without a length", () => new optim.lr.OneCycleLR(new optim.SGD([W]), { maxLr: 0.1 }), /^OneCycleLR: give either totalSteps/],
    ["OneCycleLR pctStart > 1", () => new optim.lr.OneCycleLR(new optim.SGD([W]), { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), /^OneCycleLR: pctStart/],
    ["OneCycleLR maxLr per group count", () => new optim.lr.OneCycleLR(new optim.SGD([W]), { maxLr: [0.1, 0.2], totalSteps: 10 }), /^OneCycleLR: expected 1 values for maxLr/],
    ["a scheduler without an optimizer", () => new optim.lr.ExponentialLR({} as optim.lr.AnyOptimizer, { gamma: 0.9 }), /^ExponentialLR: expected an optimizer/],
  ];
  for (const [title, fn, re] of cases) {
    it(title, () => assert.throws(fn, (e: unknown) => e instanceof ds.ArgumentError && re.test(e.message)));
  }
});

test("memory stays flat over 1,000 Adam steps (zeroGrad + step inside ds.scope)", () => {
  ds.seed(5);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const x = ds.randn([16, 4]);
  const y = ds.randn([16, 2]);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2, amsgrad: true });
  const sched = new optim.lr.StepLR(opt, { stepSize: 100, gamma: 0.9 });
  let base: ReturnType<typeof ds.memory> | null = null;
  for (let i = 0; i < 1000; i++) {
    ds.scope(() => {
      opt.zeroGrad();
      nn.F.mse(model.call(x), y).backward();
      nn.utils.clipGradNorm_(model.parameters(), 1.0);
      opt.step();
      sched.step();
    });
    // From step 100 on: by then what model construction left at user level has moved off the device.
    if (i === 99) base = ds.memory();
    else if (i % 100 === 99) {
      const m = ds.memory();
      assert.equal(m.tensors, base!.tensors, `live tensors grew by step ${i + 1}`);
      assert.equal(m.bytes, base!.bytes, `live bytes grew by step ${i + 1}`);
    }
  }
});
