// Generator state and owned generators: ds.getRngState/setRngState, ds.Generator handed to random
// ops, modules and DataLoaders, so streams can be saved, restored and kept apart.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";

const { nn, data } = ds;

test("ds.setRngState(ds.getRngState()) repeats the numbers, the spare normal included", () => {
  ds.seed(11);
  ds.randn([3]); // an odd count leaves the second normal of a Box–Muller pair cached
  const state = ds.getRngState();
  assert.equal(state.algorithm, "pcg32");
  assert.match(state.state, /^[0-9a-f]{16}$/);
  assert.equal(typeof state.spareNormal, "number");
  const json = JSON.parse(JSON.stringify(state)) as ds.RngState; // plain JSON survives a file
  const a = [ds.randn([5]).toArray(), ds.rand([4]).toArray(), ds.randint(0, 1000, [4]).toArray()];
  ds.setRngState(json);
  const b = [ds.randn([5]).toArray(), ds.rand([4]).toArray(), ds.randint(0, 1000, [4]).toArray()];
  assert.deepEqual(b, a);
});

test("a malformed state is an ArgumentError and changes nothing", () => {
  ds.seed(12);
  const before = ds.getRngState();
  const bad: unknown[] = [
    null, 3, { ...before, algorithm: "mt19937" }, { ...before, state: "xyz" }, { ...before, inc: "0000000000000002" },
    { ...before, spareNormal: NaN }, { ...before, state: 5 },
  ];
  for (const s of bad) assert.throws(() => ds.setRngState(s as ds.RngState), (e: Error) => e instanceof ds.ArgumentError && /Generator\.setState/.test(e.message));
  assert.deepEqual(ds.getRngState(), before);
});

test("a Generator of one's own: seeded like ds.seed, and independent of the global stream", () => {
  ds.seed(5);
  const fromGlobal = ds.rand([6]).toArray();
  const g = new ds.Generator(5);
  ds.seed(99);
  const globalBefore = ds.getRngState();
  assert.deepEqual(ds.rand([6], { generator: g }).toArray(), fromGlobal, "same seed, same numbers");
  assert.deepEqual(ds.getRngState(), globalBefore, "the global generator did not move");
  const saved = g.getState();
  const n1 = ds.randn([3], { generator: g, dtype: "float64" }).toArray();
  g.setState(saved);
  assert.deepEqual(ds.randn([3], { generator: g, dtype: "float64" }).toArray(), n1);
  assert.deepEqual(ds.Generator.fromState(saved).getState(), saved);
  assert.throws(() => ds.rand([2], { generator: {} as ds.Generator }), /rand: generator must be a ds.Generator/);
});

test("a module's generator drives the dropout masks of its forward and its children's", () => {
  const model = () => new nn.Sequential(new nn.Linear(4, 64), new nn.Dropout(0.5), new nn.Linear(64, 2));
  const x = ds.ones([8, 4]);
  ds.seed(0);
  const a = model(), b = model();
  b.loadStateDict(a.stateDict());
  a.setGenerator(new ds.Generator(7));
  b.setGenerator(new ds.Generator(7));
  const globalBefore = ds.getRngState();
  const ya = a.call(x).toArray();
  ds.rand([100]); // global draws in between do not matter
  const yb = b.call(x).toArray();
  assert.deepEqual(yb, ya);
  assert.deepEqual(a.call(x).toArray(), b.call(x).toArray(), "the streams advance alike");
  assert.notDeepEqual(a.call(x).toArray(), ya, "a new mask each call");
  ds.setRngState(globalBefore);
  const before = ds.getRngState();
  a.call(x);
  assert.deepEqual(ds.getRngState(), before, "the global generator is not used");
  a.setGenerator(null);
  a.call(x);
  assert.notDeepEqual(ds.getRngState(), before, "back on the global generator");
  assert.equal(a.getGenerator(), null);
  // The functional form takes one too.
  const g1 = new ds.Generator(3), g2 = new ds.Generator(3);
  assert.deepEqual(nn.F.dropout(ds.ones([16]), 0.5, true, g1).toArray(), nn.F.dropout(ds.ones([16]), 0.5, true, g2).toArray());
  assert.throws(() => a.setGenerator(5 as never), /setGenerator: expected a ds.Generator/);
});

test("DataLoader: a generator of its own, and stateDict/loadStateDict finish an epoch in another loader", () => {
  const x = ds.arange(10).reshape([10, 1]);
  const ids = (batches: ds.Tensor[][]) => batches.map(([b]) => Array.from(b.dataSync()));
  const make = (g: ds.Generator) => new data.DataLoader(new data.TensorDataset(x), { batchSize: 3, shuffle: true, generator: g });
  const ref = make(new ds.Generator(1));
  const full = [ids([...ref]), ids([...ref])];
  assert.notDeepEqual(full[0], full[1], "each epoch its own order");
  assert.deepEqual(full[0].flat().sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // Stop after 2 batches of epoch 1, save as JSON, continue in a fresh loader.
  const a = make(new ds.Generator(1));
  const got: number[][] = [];
  for (const b of a) {
    got.push(Array.from(b[0].dataSync()));
    if (got.length === 2) break;
  }
  const state = JSON.parse(JSON.stringify(a.stateDict())) as ds.data.DataLoaderState;
  assert.equal(state.epoch, 1);
  assert.equal(state.position, 2);
  const b = make(new ds.Generator(999));
  b.loadStateDict(state);
  assert.deepEqual(b.stateDict(), state);
  const rest = [ids([...b]), ids([...b])];
  assert.deepEqual([...got, ...rest[0]], full[0], "the rest of epoch 1, same order");
  assert.deepEqual(rest[1], full[1], "epoch 2 as uninterrupted");
  assert.equal(b.epoch, 2);

  // A finished epoch resumes into the next one; the global generator shuffles when none is given.
  ds.seed(4);
  const c = new data.DataLoader(new data.TensorDataset(x), { batchSize: 4, shuffle: true });
  const c1 = ids([...c]);
  const s1 = c.stateDict();
  const g = ds.getRngState();
  const c2 = ids([...c]);
  const d = new data.DataLoader(new data.TensorDataset(x), { batchSize: 4, shuffle: true });
  d.loadStateDict(s1);
  ds.setRngState(g);
  assert.deepEqual(ids([...d]), c2);
  assert.notDeepEqual(c1, c2);

  assert.throws(() => b.loadStateDict({ ...state, position: 5 }), /DataLoader.loadStateDict: position must be an integer in \[0, 4\]/);
  assert.throws(() => d.loadStateDict(state), /has a generator state, but this loader has no generator/);
  assert.throws(() => new data.DataLoader(new data.TensorDataset(x), { seed: 1, generator: new ds.Generator(1) }), /give seed or generator, not both/);
});
