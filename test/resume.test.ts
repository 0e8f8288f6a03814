// fit's resumable checkpoints, in one process: resuming from any checkpoint of a run ends with the
// same weights, optimizer state and history as the run itself, bit for bit; the files are checked.
// (test/resume-kill.test.ts kills a training process with SIGKILL and resumes it in another.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";

const { nn, optim, train, data } = ds;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "deepscript-resume-"));
}

/** Every bit of every weight, and of the optimizer's state, as hex. */
function bits(model: ds.nn.Module, opt?: ds.optim.Optimizer): string[] {
  const hex = (t: ds.Tensor) => Buffer.from(new Uint8Array(t.contiguous().dataSync().buffer.slice(0))).toString("hex");
  const out = Object.entries(model.stateDict()).map(([k, t]) => `${k}:${hex(t)}`);
  if (opt) {
    const sd = opt.stateDict();
    for (const [i, st] of Object.entries(sd.state)) for (const [k, v] of Object.entries(st)) out.push(`opt${i}.${k}:${v instanceof ds.Tensor ? hex(v) : v}`);
    out.push(JSON.stringify(sd.param_groups));
  }
  return out;
}

interface Setup {
  model: ds.nn.Module;
  opt: ds.optim.Optimizer;
  sched: ds.optim.lr.StepLR;
  stop: ReturnType<typeof train.earlyStopping>;
}

// A small classifier with dropout, Adam, a schedule and early stopping: every kind of state a checkpoint holds.
function setup(): Setup {
  ds.seed(42); // the initial weights; the run itself draws from what the checkpoint restores
  const model = new nn.Sequential(new nn.Linear(6, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 3));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  return { model, opt, sched: new optim.lr.StepLR(opt, { stepSize: 2, gamma: 0.5 }), stop: train.earlyStopping({ monitor: "loss", patience: 5, restoreBestWeights: true }) };
}

function dataset(): [ds.Tensor, ds.Tensor] {
  ds.seed(7);
  const x = ds.randn([40, 6]);
  return [x, x.narrow(1, 0, 3).argmax(1)];
}

async function run(s: Setup, d: [ds.Tensor, ds.Tensor], extra: Partial<ds.train.FitOptions>): Promise<ds.train.History> {
  return train.fit(s.model as ds.train.Model, d, {
    epochs: 4, batchSize: 16, optimizer: s.opt, loss: "crossEntropy", metrics: ["accuracy"], verbose: 0,
    callbacks: [train.lrScheduler(s.sched), s.stop], ...extra,
  });
}

forEachBackend("fit resumes from any of its checkpoints bit for bit", (backend) => {
  test(`every checkpoint of a run, resumed with fresh objects, ends where the run ended [${backend}]`, async () => {
    const dir = tempDir();
    try {
      const d = dataset();
      const ref = setup();
      ds.seed(1); // global generator: shuffling and dropout
      const h = await run(ref, d, { checkpoint: { dir, everySteps: 2, keep: 100 } });
      const want = bits(ref.model, ref.opt);
      const files = readdirSync(dir).filter((f) => f.endsWith(".safetensors")).sort();
      // 3 batches per epoch, 12 steps: every 2 steps and every epoch's end.
      assert.deepEqual(files, [2, 3, 4, 6, 8, 9, 10, 12].map((s) => `step-${String(s).padStart(9, "0")}.safetensors`));
      for (const f of files) {
        const s = setup();
        ds.seed(999); // whatever the global state: the checkpoint restores it
        const again = await run(s, d, { resumeFrom: join(dir, f) });
        assert.deepEqual(bits(s.model, s.opt), want, `resumed from ${f}`);
        assert.deepEqual(again.toJSON(), h.toJSON(), `history resumed from ${f}`);
        assert.deepEqual(s.sched.stateDict(), ref.sched.stateDict());
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("owned generators, a seeded shuffle and a DataLoader with a generator resume exactly too", async () => {
  const dir = tempDir();
  try {
    const d = dataset();
    const make = () => {
      const s = setup();
      s.model.setGenerator(new ds.Generator(3));
      const loader = new data.DataLoader(new data.TensorDataset(...d), { batchSize: 8, shuffle: true, generator: new ds.Generator(5) });
      return { s, loader };
    };
    // A shuffled validation loader keeps a position too: its order changes the float sums of valLoss.
    const val = () => new data.DataLoader(new data.TensorDataset(...d), { batchSize: 6, shuffle: true, seed: 2 });
    const ref = make();
    const h = await train.fit(ref.s.model as ds.train.Model, ref.loader, {
      epochs: 3, optimizer: ref.s.opt, loss: "crossEntropy", verbose: 0, validationData: val(), checkpoint: { dir, everySteps: 3, everyEpoch: false, keep: 100 },
    });
    const want = bits(ref.s.model, ref.s.opt);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 5); // 15 steps
    for (const f of files) {
      const m = make();
      const again = await train.fit(m.s.model as ds.train.Model, m.loader, { epochs: 3, optimizer: m.s.opt, loss: "crossEntropy", verbose: 0, validationData: val(), resumeFrom: join(dir, f) });
      assert.deepEqual(bits(m.s.model, m.s.opt), want, `resumed from ${f}`);
      assert.deepEqual(again.toJSON(), h.toJSON());
    }
    // fit's own seeded shuffle over [x, y]
    rmSync(dir, { recursive: true, force: true });
    const r = setup();
    r.model.setGenerator(new ds.Generator(8));
    await run(r, d, { seed: 11, checkpoint: { dir, everySteps: 5, keep: 100 } });
    const w = bits(r.model, r.opt);
    for (const f of readdirSync(dir)) {
      const s = setup();
      s.model.setGenerator(new ds.Generator(123)); // its state comes from the checkpoint
      await run(s, d, { seed: 11, resumeFrom: join(dir, f) });
      assert.deepEqual(bits(s.model, s.opt), w, `seeded, resumed from ${f}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("resumeFrom a folder takes its newest checkpoint, or starts afresh when there is none", async () => {
  const dir = tempDir();
  try {
    const d = dataset();
    const a = setup();
    ds.seed(1);
    await run(a, d, { checkpoint: { dir: join(dir, "ck") }, resumeFrom: join(dir, "ck") }); // first run: nothing to resume
    assert.deepEqual(readdirSync(join(dir, "ck")), ["step-000000012.safetensors"], "keep 1: only the newest stays");
    const b = setup();
    ds.seed(1);
    await run(b, d, {});
    assert.deepEqual(bits(a.model, a.opt), bits(b.model, b.opt), "a fresh start is a normal run");
    // Resuming a finished run trains no more and returns the whole history.
    const c = setup();
    const h = await run(c, d, { checkpoint: { dir: join(dir, "ck") }, resumeFrom: join(dir, "ck") });
    assert.equal(h.epoch.length, 4);
    assert.deepEqual(bits(c.model, c.opt), bits(a.model, a.opt));
    // Resuming from one file of the folder also continues its run there.
    const f = setup();
    await run(f, d, { checkpoint: { dir: join(dir, "ck") }, resumeFrom: join(dir, "ck", "step-000000012.safetensors") });
    // More epochs continue the finished run.
    const e = setup();
    const h6 = await run(e, d, { epochs: 6, resumeFrom: join(dir, "ck") });
    assert.deepEqual(h6.epoch, [0, 1, 2, 3, 4, 5]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a stop asked for mid-epoch finishes the epoch, resumed or not; a callback that refuses its state puts everything back", async () => {
  const dir = tempDir();
  try {
    const d = dataset();
    const stopAt4 = { onBatchEnd: (_b: number, _l: ds.train.Logs, ctx: ds.train.TrainContext) => { if (ctx.history.epoch.length * 3 + _b + 1 === 4) ctx.stopTraining = true; } };
    let refuse = false;
    const mine = { n: 0, stateDict() { return { n: this.n }; }, loadStateDict(st: unknown) { if (refuse) throw new ds.ArgumentError("mine", "refused"); this.n = (st as { n: number }).n; }, onBatchEnd() { this.n++; } };
    const a = setup();
    ds.seed(1);
    const h = await run(a, d, { callbacks: [train.lrScheduler(a.sched), a.stop, stopAt4, mine], checkpoint: { dir, everySteps: 1, keep: 100 } });
    assert.deepEqual(h.epoch, [0, 1], "stopped after epoch 2, which it finished");
    const want = bits(a.model, a.opt);
    for (const f of readdirSync(dir)) {
      const b = setup();
      const m2 = { ...mine, n: 0 };
      const again = await run(b, d, { callbacks: [train.lrScheduler(b.sched), b.stop, stopAt4, m2], resumeFrom: join(dir, f) });
      assert.deepEqual(bits(b.model, b.opt), want, `resumed from ${f}`);
      assert.deepEqual(again.toJSON(), h.toJSON());
      assert.equal(m2.n, 6, "the callback's own state came back");
    }
    // The last callback refuses: the model, optimizer, schedule and early stopping are as before.
    refuse = true;
    const c = setup();
    const before = [bits(c.model, c.opt), JSON.stringify(c.sched.stateDict()), JSON.stringify(c.stop.stateDict!())];
    await assert.rejects(run(c, d, { callbacks: [train.lrScheduler(c.sched), c.stop, stopAt4, mine], resumeFrom: join(dir, "step-000000005.safetensors") }),
      (e: Error) => e instanceof ds.FileError && /does not fit callback 3: mine: refused/.test(e.message));
    assert.deepEqual([bits(c.model, c.opt), JSON.stringify(c.sched.stateDict()), JSON.stringify(c.stop.stateDict!())], before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit({ seed, initialEpoch }) shuffles epoch k as a full run does", async () => {
  const d = dataset();
  const orders: number[][] = [];
  const record = (epochs: number, initialEpoch?: number) => {
    const seen: number[][] = [];
    const model = new nn.Linear(6, 3);
    // The loss sees each batch's targets; the order of the x rows is what shuffling changed.
    const loss = (p: ds.Tensor, y: ds.Tensor) => { seen.push(Array.from(y.dataSync())); return nn.F.crossEntropy(p, y); };
    return train.fit(model, [d[0], ds.tensor(Array.from({ length: 40 }, (_, i) => i % 3), { dtype: "int32" })], {
      epochs, initialEpoch, seed: 5, batchSize: 40, optimizer: new optim.SGD(model.parameters(), { lr: 0 }), loss, verbose: 0,
    }).then(() => seen);
  };
  orders.push(...(await record(4)));
  const late = await record(4, 2);
  assert.equal(late.length, 2);
  assert.deepEqual(late, orders.slice(2), "epochs 3 and 4 get the orders of a full run");
  assert.notDeepEqual(orders[2], orders[0]);
});

test("checkpoint files: checked on reading, refused when they do not fit, folders checked up front", async () => {
  const dir = tempDir();
  try {
    const d = dataset();
    const a = setup();
    await run(a, d, { epochs: 1, checkpoint: { dir } });
    const file = join(dir, "step-000000003.safetensors");
    // The format: one safetensors file, tensors by path, the state as JSON in the metadata.
    const st = ds.io.readSafetensors(file);
    const meta = JSON.parse(st.metadata["deepscript.checkpoint"]);
    assert.equal(meta.format, "deepscript.checkpoint");
    assert.deepEqual([meta.epoch, meta.batch, meta.step], [1, 0, 3]);
    assert.equal(meta.rng.global.algorithm, "pcg32");
    assert.ok(Object.keys(st.tensors).includes("model/0.weight"));
    assert.ok(Object.keys(st.tensors).includes("optimizer/state/0/exp_avg"));

    const refuse = async (extra: Partial<ds.train.FitOptions>, re: RegExp, s = setup()) => {
      const before = bits(s.model, s.opt);
      await assert.rejects(run(s, d, extra), (e: Error) => e instanceof ds.FileError && re.test(e.message));
      assert.deepEqual(bits(s.model, s.opt), before, "nothing changed");
    };
    await refuse({ resumeFrom: file, batchSize: 8 }, /was written for 3 batches of 16 \(40 samples\); this fit has 5 batches of 8/);
    const wider = setup();
    wider.model = new nn.Sequential(new nn.Linear(6, 16), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(16, 3));
    wider.opt = new optim.Adam(wider.model.parameters(), { lr: 0.01 });
    wider.sched = new optim.lr.StepLR(wider.opt, { stepSize: 2, gamma: 0.5 });
    await refuse({ resumeFrom: file }, /does not fit the model: .*shape/, wider);
    await refuse({ resumeFrom: file, seed: 3 }, /without fit's seed option/);
    await refuse({ resumeFrom: file, callbacks: [] }, /holds the state of 2 callback\(s\), this fit has 0/);
    const g = setup();
    g.model.setGenerator(new ds.Generator(1));
    await refuse({ resumeFrom: file }, /0 module generator state\(s\), the model has 1/, g);

    // Damaged files: a FileError naming the file, nothing changed.
    const bytes = readFileSync(file);
    writeFileSync(join(dir, "cut.safetensors"), bytes.subarray(0, bytes.length - 10));
    await refuse({ resumeFrom: join(dir, "cut.safetensors") }, /cut\.safetensors: truncated/);
    const plain = join(dir, "plain.safetensors");
    ds.io.saveStateDict(a.model.stateDict(), plain);
    await refuse({ resumeFrom: plain }, /no "deepscript.checkpoint" entry in its metadata/);
    const withMeta = (json: string, tensors: Record<string, ds.Tensor> = {}) => { ds.io.saveStateDict(tensors, plain, { "deepscript.checkpoint": json }); return plain; };
    await refuse({ resumeFrom: withMeta(JSON.stringify(meta)) }, /refers to a tensor "model\/0.weight" that the file does not hold/);
    // The metadata without its tensors.
    const bare = { ...meta, model: {}, optimizer: {}, callbacks: [meta.callbacks[0], { ...meta.callbacks[1], bestWeights: null }] };
    await refuse({ resumeFrom: withMeta(JSON.stringify(bare), { stray: ds.ones([1]) }) }, /tensor stray not referenced/);
    await refuse({ resumeFrom: withMeta("[".repeat(5000) + "]".repeat(5000)) }, /nests deeper than 64 levels/);
    await refuse({ resumeFrom: withMeta("{") }, /metadata is not valid JSON/);
    await refuse({ resumeFrom: withMeta(JSON.stringify(bare)) }, /does not fit the model: loadStateDict: missing keys: 0.weight/);
    // The model loads, the optimizer does not: the model is put back.
    await refuse({ resumeFrom: withMeta(JSON.stringify({ ...meta, optimizer: { ...meta.optimizer, param_groups: [] } }), st.tensors) }, /does not fit the optimizer: Adam.loadStateDict: the state dict has 0 parameter groups/);
    await refuse({ resumeFrom: withMeta(JSON.stringify({ ...bare, epoch: -1 })) }, /checkpoint: "epoch" must be an integer >= 0/);
    await refuse({ resumeFrom: withMeta(JSON.stringify({ ...bare, rng: { ...meta.rng, global: { algorithm: "x" } } })) }, /checkpoint\/rng: "global" is not a generator state/);

    // Up front: a folder of another run, a file where the folder should be, an unknown option.
    const other = setup();
    await assert.rejects(run(other, d, { checkpoint: { dir } }), (e: Error) => e instanceof ds.FileError && /holds checkpoints of an earlier run \(step-000000003.safetensors\); continue it with resumeFrom/.test(e.message));
    writeFileSync(join(dir, "afile"), "x");
    await assert.rejects(run(other, d, { checkpoint: { dir: join(dir, "afile") } }), /afile: cannot be used as the checkpoint folder/);
    await assert.rejects(run(other, d, { checkpoint: { dir, evrySteps: 2 } as never }), /fit: unknown option "evrySteps"; expected one of dir, everySteps, everyEpoch, keep/);
    await assert.rejects(run(other, d, { checkpoint: { dir: join(dir, "n"), everyEpoch: false } }), /needs everySteps/);
    await assert.rejects(run(other, d, { resumeFrom: dir, initialEpoch: 1 }), /give resumeFrom or initialEpoch, not both/);
    const gen = function* () { yield [d[0], d[1]] as const; };
    await assert.rejects(train.fit(other.model as ds.train.Model, gen(), { epochs: 1, optimizer: other.opt, loss: "crossEntropy", checkpoint: { dir: join(dir, "g") } }), /need data whose position can be saved/);
    mkdirSync(join(dir, "empty"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fit refuses unknown options, listing the valid ones", async () => {
  const model = new nn.Linear(2, 2);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = ds.ones([4, 2]), y = ds.zeros([4, 2]);
  await assert.rejects(train.fit(model, [x, y], { epochs: 1, optimizer: opt, loss: "mse", batchsize: 2 } as never),
    (e: Error) => e instanceof ds.ArgumentError && /fit: unknown option "batchsize"; expected one of epochs, optimizer, loss, batchSize, .*checkpoint, resumeFrom/.test(e.message));
  await assert.rejects(train.fit(model, [x, y], { epochs: 1, optimizer: opt, loss: "mse", seed: 1.5 }), /fit: seed must be an integer/);
  await assert.rejects(train.fit(model, [x, y], { epochs: 2, optimizer: opt, loss: "mse", initialEpoch: 3 }), /initialEpoch 3 is beyond epochs 2/);
  await assert.rejects(train.fit(model, [x, y], { epochs: 1, optimizer: opt, loss: "constructor" as never }), /fit: unknown loss "constructor"/);
});

test("two trainings interleaved in one process, each with its own generators, equal each alone", async () => {
  const d = dataset();
  const make = (seed: number) => {
    ds.seed(seed);
    const model = new nn.Sequential(new nn.Linear(6, 32), new nn.Dropout(0.5), new nn.Linear(32, 3)).setGenerator(new ds.Generator(seed));
    return { model, opt: new optim.SGD(model.parameters(), { lr: 0.1 }) };
  };
  // Yield to the event loop after every batch, so the two fits take turns step by step.
  const yieldEachBatch = { onBatchEnd: () => new Promise<void>((r) => setImmediate(r)) };
  const go = (m: ReturnType<typeof make>, seed: number) => train.fit(m.model as ds.train.Model, d, {
    epochs: 3, batchSize: 8, seed, optimizer: m.opt, loss: "crossEntropy", verbose: 0, callbacks: [yieldEachBatch],
  });
  const alone1 = make(1), alone2 = make(2);
  await go(alone1, 1);
  await go(alone2, 2);
  const both1 = make(1), both2 = make(2);
  let turns = "";
  const tag = (n: string) => ({ onBatchEnd: () => { turns += n; } });
  await Promise.all([
    train.fit(both1.model as ds.train.Model, d, { epochs: 3, batchSize: 8, seed: 1, optimizer: both1.opt, loss: "crossEntropy", verbose: 0, callbacks: [tag("a"), yieldEachBatch] }),
    train.fit(both2.model as ds.train.Model, d, { epochs: 3, batchSize: 8, seed: 2, optimizer: both2.opt, loss: "crossEntropy", verbose: 0, callbacks: [tag("b"), yieldEachBatch] }),
  ]);
  assert.match(turns, /^(ab)+$/, "the two trainings took turns");
  assert.deepEqual(bits(both1.model), bits(alone1.model));
  assert.deepEqual(bits(both2.model), bits(alone2.model));
});

test("optimizer and schedule states are checked like constructor options before they load", () => {
  const p = new nn.Linear(2, 2);
  const opt = new optim.Adam(p.parameters());
  const sched = new optim.lr.StepLR(opt, { stepSize: 2 });
  const sd = opt.stateDict();
  const bad = (g: Record<string, unknown>) => ({ ...sd, param_groups: [{ ...sd.param_groups[0], ...g }] });
  assert.throws(() => opt.loadStateDict(bad({ betas: "x" })), /Adam: betas must be a pair/);
  assert.throws(() => opt.loadStateDict(bad({ lr: -1 })), /Adam: invalid learning rate: -1/);
  assert.throws(() => opt.loadStateDict({ ...sd, state: { 0: { step: -2 } } }), /state "step" of parameter 0 must be an integer >= 0, got -2/);
  assert.throws(() => opt.loadStateDict({ ...sd, state: { 0: { step: 1.5 } } }), /must be an integer >= 0/);
  assert.equal(opt.lr, 1e-3, "unchanged");
  assert.throws(() => sched.loadStateDict({ ...sched.stateDict(), last_epoch: "3" }), /StepLR.loadStateDict: last_epoch must be a number like the schedule's, got "3"/);
  assert.throws(() => sched.loadStateDict({ ...sched.stateDict(), base_lrs: ["a"] }), /base_lrs must be a list like the schedule's/);
  sched.loadStateDict({ ...sched.stateDict(), last_epoch: 5 });
  assert.equal(sched.lastEpoch, 5);
});
