// The loops users write, written as they write them — no ds.scope, no dispose, no keep — must run
// with flat memory on every backend: device bytes and the memory the backend reserved after step
// 200 and after the last step differ by less than 5% (see tensor/memory.ts for how).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";

const { nn, optim, data } = ds;

/** Records ds.memory() at step 200 and at the end; asserts they are within 5%. */
class Flat {
  private at200: ds.MemoryInfo | null = null;
  constructor(private readonly what: string) {}
  step(i: number): void {
    if (i === 200) this.at200 = ds.memory();
  }
  check(): ds.MemoryInfo {
    const a = this.at200!, b = ds.memory();
    const near = (x: number, y: number) => Math.abs(x - y) <= 0.05 * Math.max(x, y);
    assert.ok(near(a.bytes, b.bytes), `${this.what}: device bytes ${a.bytes} after step 200, ${b.bytes} at the end`);
    assert.ok(near(a.reserved, b.reserved), `${this.what}: reserved ${a.reserved} after step 200, ${b.reserved} at the end`);
    return b;
  }
}

function setup(seed: number) {
  ds.seed(seed);
  const X = ds.randn([512, 32]);
  const Y = X.index(":", "0:10").argmax(1); // a learnable labelling
  const loader = new data.DataLoader(new data.TensorDataset(X, Y), { batchSize: 16, shuffle: true, seed });
  const model = new nn.Sequential(new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  return { X, Y, loader, model, opt };
}

forEachBackend("memory without scopes", () => {
  test("1. a synchronous PyTorch-style training loop over a DataLoader (2,000 steps)", () => {
    const { loader, model, opt } = setup(1);
    const flat = new Flat("training loop");
    let step = 0, first = 0, last = 0;
    while (step < 2000) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const loss = nn.F.crossEntropy(model.call(x), y);
        loss.backward();
        opt.step();
        if (++step === 1) first = loss.item();
        flat.step(step);
        if (step === 2000) { last = loss.item(); break; }
      }
    }
    flat.check();
    assert.ok(last < first / 2, `the loop learns: loss ${first} → ${last}`);
  });

  test("2. the same loop reading logits.argmax(1) after opt.step() for a running accuracy", () => {
    const { loader, model, opt } = setup(2);
    const flat = new Flat("training loop with accuracy");
    let step = 0, correct = 0, seen = 0, lastEpochAcc = 0;
    while (step < 2000) {
      correct = 0;
      seen = 0;
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const logits = model.call(x);
        const loss = nn.F.crossEntropy(logits, y);
        loss.backward();
        opt.step();
        correct += logits.argmax(1).eq(y).sum().item();
        seen += y.shape[0];
        flat.step(++step);
        if (step === 2000) break;
      }
      lastEpochAcc = correct / seen;
    }
    flat.check();
    assert.ok(lastEpochAcc > 0.8, `running accuracy ${lastEpochAcc}`);
  });

  test("3. an evaluation loop that collects every batch's predictions and concatenates them after", () => {
    const { X, loader, model } = setup(3);
    model.eval();
    const flat = new Flat("evaluation loop");
    const preds: ds.Tensor[] = [];
    let step = 0;
    const ordered = new data.DataLoader(loader.dataset, { batchSize: 16 });
    for (let epoch = 0; epoch < 63; epoch++) {
      for (const [x] of ordered) {
        preds.push(ds.noGrad(() => model.call(x)).argmax(-1));
        flat.step(++step);
      }
    }
    flat.check();
    assert.equal(step, 2016);
    const all = ds.concat(preds);
    const once = ds.noGrad(() => model.call(X)).argmax(-1).toArray() as number[];
    assert.deepEqual(all.toArray(), Array.from({ length: 63 }, () => once).flat());
  });

  test("4. an async loop that awaits between steps, as a browser page does", async () => {
    const { loader, model, opt } = setup(4);
    const flat = new Flat("async training loop");
    let step = 0;
    while (step < 2000) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const loss = nn.F.crossEntropy(model.call(x), y);
        loss.backward();
        opt.step();
        await new Promise((r) => setImmediate(r));
        flat.step(++step);
        if (step === 2000) break;
      }
    }
    flat.check();
  });

  test("5. an inference loop of 10,000 one-row ds.noGrad(() => model.call(x)) calls", () => {
    const { model } = setup(5);
    model.eval();
    const flat = new Flat("inference loop");
    const row = new Float32Array(32);
    let checksum = 0;
    for (let i = 1; i <= 10_000; i++) {
      row[i % 32] = (i % 7) / 7; // a new request each time, as a server sees them
      const x = ds.tensor(row).reshape([1, 32]);
      const y = ds.noGrad(() => model.call(x));
      checksum += y.dataSync()[0];
      flat.step(i);
    }
    flat.check();
    assert.ok(Number.isFinite(checksum));
  });

  test("6. tensors held across iterations (an EMA of a parameter, the best output so far) keep their values", () => {
    const { loader, model, opt, X } = setup(6);
    const w = model.parameters()[0];
    const flat = new Flat("loop holding tensors");
    let ema = w.detach().clone();
    const emaRef = Float64Array.from(w.dataSync());
    let best: ds.Tensor | null = null, bestLoss = Infinity, bestCopy: number[] = [];
    let step = 0;
    while (step < 2000) {
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const out = model.call(x);
        const loss = nn.F.crossEntropy(out, y);
        loss.backward();
        opt.step();
        ema = ds.noGrad(() => ema.mul(0.99).add(w.mul(0.01)));
        const wv = w.dataSync();
        for (let k = 0; k < emaRef.length; k++) emaRef[k] = Math.fround(Math.fround(emaRef[k] * 0.99) + Math.fround(wv[k] * 0.01));
        const l = loss.item();
        if (l < bestLoss) {
          bestLoss = l;
          best = out.detach();
          bestCopy = Array.from(best.dataSync());
        }
        flat.step(++step);
        if (step === 2000) break;
      }
    }
    flat.check();
    const e = ema.dataSync();
    for (let k = 0; k < e.length; k++) assert.ok(Math.abs(e[k] - emaRef[k]) < 1e-5, `ema[${k}] ${e[k]} != ${emaRef[k]}`);
    assert.deepEqual(Array.from(best!.dataSync()), bestCopy);
    assert.equal(X.shape[0], 512);
  });
});

test("a spilled tensor comes back with its values; memory() counts spills and restores", () => {
  const held = ds.arange(0, 1000).float();
  const before = ds.memory();
  // Optimizer steps are boundaries; a few (an optimizer with nothing to do) age `held` past its patience.
  const p = ds.zeros([1], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1 });
  for (let i = 0; i < 4; i++) opt.step();
  const mid = ds.memory();
  assert.ok(mid.spills > before.spills, "the untouched tensor was spilled");
  assert.equal((held.sum().item()), 499500);
  assert.ok(ds.memory().restores > mid.restores, "and restored on use");
});
