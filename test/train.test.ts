// train.fit/evaluate/predict: learning, callbacks, validation, NaN detection, flat memory, output.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import * as optim from "../src/optim/index.js";
import * as data from "../src/data/index.js";

const { nn, train } = ds;

function xorData(): [ds.Tensor, ds.Tensor] {
  const x = ds.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = ds.tensor([0, 1, 1, 0], { dtype: "int32" });
  return [x.repeat(16, 1), y.repeat(16)];
}

test("an MLP learns XOR to 100% accuracy", async () => {
  ds.seed(1);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2));
  const h = await train.fit(model, xorData(), {
    epochs: 60, batchSize: 16, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), loss: "crossEntropy", metrics: ["accuracy"], verbose: 0,
  });
  assert.equal(h.epoch.length, 60);
  assert.equal(h.last("accuracy"), 1);
  assert.ok(h.last("loss")! < 0.05, `final loss ${h.last("loss")}`);
  const logs = train.evaluate(model, xorData(), { loss: "crossEntropy", metrics: ["accuracy"] });
  assert.equal(logs.accuracy, 1);
  const pred = train.predict(model, ds.tensor([[0, 1], [1, 1]])).argmax(1);
  assert.deepEqual(pred.toArray(), [1, 0]);
});

test("a linear regression converges to the true coefficients (mse, SGD, DataLoader input)", async () => {
  ds.seed(2);
  const x = ds.randn([256, 3]);
  const y = x.matmul(ds.tensor([[2], [-1], [0.5]])).add(0.3);
  const model = new nn.Linear(3, 1);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
  await train.fit(model, loader, { epochs: 60, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: "mse", metrics: ["mae"], verbose: 0 });
  const w = model.weight.toArray() as number[][];
  [2, -1, 0.5].forEach((v, i) => assert.ok(Math.abs(w[0][i] - v) < 1e-3, `w[${i}] = ${w[0][i]}`));
  assert.ok(Math.abs((model.bias!.toArray() as number[])[0] - 0.3) < 1e-3);
  assert.ok(train.evaluate(model, [x, y], { metrics: ["mae"] }).mae < 1e-3);
});

test("validation data and split are logged with a val prefix; shuffling is seeded", async () => {
  const run = async (seedValue: number) => {
    ds.seed(5);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
    return train.fit(model, xorData(), {
      epochs: 3, batchSize: 8, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy",
      metrics: ["accuracy", "top1Accuracy"], validationSplit: 0.25, seed: seedValue, verbose: 0,
    });
  };
  const a = await run(1), b = await run(1), c = await run(2);
  assert.deepEqual(Object.keys(a.history).sort(), ["accuracy", "loss", "top1Accuracy", "valAccuracy", "valLoss", "valTop1Accuracy"]);
  assert.deepEqual(a.history, b.history, "same seed, same run");
  assert.notDeepEqual(a.history.loss, c.history.loss, "another shuffle seed, another run");
  assert.deepEqual(a.history.accuracy, a.history.top1Accuracy);
});

test("a NaN loss stops training with an error naming epoch, batch and step", async () => {
  const model = new nn.Linear(2, 1);
  const x = ds.tensor([[1, 2], [3, 4], [NaN, 1], [1, 1]]);
  const y = ds.tensor([[1], [2], [3], [4]]);
  await assert.rejects(
    train.fit(model, [x, y], { epochs: 2, batchSize: 2, shuffle: false, optimizer: new optim.SGD(model.parameters(), { lr: 0.01 }), loss: "mse", verbose: 0 }),
    (e: Error) => e instanceof ds.NonFiniteError && /loss became NaN at epoch 1, batch 2 \(step 2\)/.test(e.message),
  );
});

test("earlyStopping stops on a plateau and restores the best weights; lrScheduler logs lr", async () => {
  ds.seed(3);
  const model = new nn.Linear(2, 1);
  const x = ds.randn([32, 2]);
  const y = ds.randn([32, 1]); // noise: validation loss cannot keep improving
  const opt = new optim.SGD(model.parameters(), { lr: 0.5 });
  const stop = train.earlyStopping({ monitor: "valLoss", patience: 2, restoreBestWeights: true });
  let bestWeights: number[] = [];
  const h = await train.fit(model, [x, y], {
    epochs: 100, batchSize: 8, optimizer: opt, loss: "mse", validationData: [x.neg(), y], verbose: 0,
    callbacks: [
      stop,
      train.lrScheduler(new optim.lr.StepLR(opt, { stepSize: 1, gamma: 0.5 })),
      { onEpochEnd: (epoch, logs) => { if (epoch === stop.bestEpoch) bestWeights = Array.from(model.weight.dataSync()); void logs; } },
    ],
  });
  assert.ok(stop.stoppedEpoch !== null && h.epoch.length < 100, "stopped early");
  assert.equal(h.epoch.length, stop.stoppedEpoch! + 1);
  assert.deepEqual(Array.from(model.weight.dataSync()), bestWeights, "best weights restored");
  assert.deepEqual(h.history.lr.slice(0, 3), [0.5, 0.25, 0.125]);
});

test("memory stays flat across epochs", async () => {
  ds.seed(4);
  const model = new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const x = ds.randn([64, 4]);
  const y = ds.randint(0, 3, [64]);
  const opt = new optim.Adam(model.parameters());
  const counts: number[] = [];
  await train.fit(model, [x, y], {
    epochs: 8, batchSize: 8, optimizer: opt, loss: "crossEntropy", metrics: ["accuracy"], validationData: [x, y], verbose: 0,
    callbacks: [{ onEpochEnd: () => { counts.push(ds.memory().tensors); } }],
  });
  // After the first epoch (optimizer state allocated), the live count must not move.
  assert.ok(counts.slice(1).every((c) => c === counts[1]), `live tensors per epoch: ${counts.join(", ")}`);
});

test("plain one-line-per-epoch output when not a terminal", async () => {
  const model = new nn.Linear(2, 2);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => { lines.push(s); return true; }) as typeof process.stdout.write;
  try {
    await train.fit(model, xorData(), { epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy", metrics: ["accuracy"], verbose: 2 });
  } finally {
    process.stdout.write = write;
  }
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^epoch 1\/2 - \d+\.\ds - loss \d\.\d{4} - accuracy \d\.\d{4}\n$/);
});

test("fit rejects bad options clearly", async () => {
  const model = new nn.Linear(2, 2);
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  await assert.rejects(train.fit(model, xorData(), { epochs: 0, optimizer: opt, loss: "mse" }), /fit: epochs must be a positive integer/);
  await assert.rejects(train.fit(model, xorData(), { epochs: 1, optimizer: opt, loss: "hinge" as never }), /fit: unknown loss "hinge"/);
  await assert.rejects(train.fit(model, [ds.ones([3, 2]), ds.ones([2])], { epochs: 1, optimizer: opt, loss: "mse" }), /different numbers of samples/);
  await assert.rejects(train.fit(model, xorData(), { epochs: 1, optimizer: opt, loss: "mse", metrics: ["f2" as never] }), /unknown metric "f2"/);
});

test("modelCheckpoint saves every epoch or only on improvement, and the file loads back", async () => {
  const { mkdtempSync, rmSync, existsSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "deepscript-ckpt-"));
  try {
    ds.seed(6);
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const every = train.modelCheckpoint({ path: join(dir, "e{epoch}.safetensors") });
    const best = train.modelCheckpoint({ path: join(dir, "best.safetensors"), monitor: "loss", saveBestOnly: true });
    await train.fit(model, xorData(), {
      epochs: 4, batchSize: 16, optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }), loss: "crossEntropy", verbose: 0, callbacks: [every, best],
    });
    assert.deepEqual(every.saved.map((p) => p.split("/").pop()), ["e1.safetensors", "e2.safetensors", "e3.safetensors", "e4.safetensors"]);
    assert.ok(best.saved.length >= 1 && best.saved.length <= 4);
    assert.ok(existsSync(join(dir, "best.safetensors")));
    const restored = ds.io.load(join(dir, "e4.safetensors")) as unknown as ds.train.Model;
    const x = ds.tensor([[0, 1], [1, 1]]);
    assert.deepEqual(train.predict(restored, x).toArray(), train.predict(model, x).toArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("modelCheckpoint: a path that cannot name logs is refused at once, its folder is made before the first epoch", async () => {
  const { mkdtempSync, rmSync, existsSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "deepscript-ckpt-"));
  try {
    assert.throws(() => train.modelCheckpoint({ path: join(dir, "{constructor}.safetensors") }), (e: Error) => e instanceof ds.ArgumentError && /\{constructor\} in path .* is not a log name/.test(e.message));
    assert.throws(() => train.modelCheckpoint({ path: join(dir, "{val loss}.safetensors") }), /is not a log name/);
    assert.throws(() => train.modelCheckpoint({ path: "m.safetensors", monitr: "loss" } as never), /modelCheckpoint: unknown option "monitr"; expected one of path, monitor, saveBestOnly, mode/);
    const model = new nn.Linear(2, 2);
    const fit = (path: string, epochsSeen: number[]) => train.fit(model, xorData(), {
      epochs: 2, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: "crossEntropy", verbose: 0,
      callbacks: [train.modelCheckpoint({ path }), { onEpochBegin: (e) => { epochsSeen.push(e); } }],
    });
    // Folders that do not exist yet are made (as Keras does); log names fill in, unknown ones stay as written.
    const seen: number[] = [];
    await fit(join(dir, "a", "b", "e{epoch}-{loss}-{valLoss}.safetensors"), seen);
    assert.deepEqual(seen, [0, 1]);
    const files = (await import("node:fs")).readdirSync(join(dir, "a", "b"));
    assert.equal(files.length, 2);
    assert.match(files[0], /^e1-\d\.\d{4}-\{valLoss\}\.safetensors$/);
    // A folder that cannot be made fails before the first epoch.
    writeFileSync(join(dir, "file"), "x");
    const none: number[] = [];
    await assert.rejects(fit(join(dir, "file", "sub", "e{epoch}.safetensors"), none), (e: Error) => e instanceof ds.FileError && /the checkpoint folder cannot be created/.test(e.message));
    assert.deepEqual(none, [], "no epoch ran");
    assert.ok(!existsSync(join(dir, "file", "sub")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
