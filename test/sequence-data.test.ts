// Sequence data helpers: windowing a series, invertible scalers, the bundled series and text,
// vocabularies, padding and next-token pairs; a shortened run of examples/forecast.ts that must
// beat the naive last-value forecast.
import { describe, it, test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { data } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forecast } from "../examples/forecast.js";

describe("windowSeries", () => {
  it("cuts a 1-d series into x [N, window, 1] and y [N, horizon] with stride", () => {
    const { x, y } = data.windowSeries([1, 2, 3, 4, 5, 6, 7], { window: 3, horizon: 2, stride: 2 });
    assert.deepEqual(x.shape, [2, 3, 1]);
    assert.deepEqual(x.reshape([2, 3]).toArray(), [[1, 2, 3], [3, 4, 5]]);
    assert.deepEqual(y.toArray(), [[4, 5], [6, 7]]);
    const one = data.windowSeries(ds.arange(10), { window: 4 });
    assert.deepEqual([one.x.shape, one.y.shape], [[6, 4, 1], [6, 1]]);
    assert.deepEqual(one.y.reshape([-1]).toArray(), [4, 5, 6, 7, 8, 9]);
  });

  it("keeps all features in x and the chosen target columns in y for a [T, F] series", () => {
    const s = ds.tensor([[0, 10], [1, 11], [2, 12], [3, 13], [4, 14]]);
    const { x, y } = data.windowSeries(s, { window: 2, horizon: 1, targetColumns: [1] });
    assert.deepEqual(x.shape, [3, 2, 2]);
    assert.deepEqual(x.index(2).toArray(), [[2, 12], [3, 13]]);
    assert.deepEqual(y.toArray(), [[[12]], [[13]], [[14]]]);
    assert.equal(data.windowSeries(s.double(), { window: 2 }).x.dtype, "float64");
  });

  it("refuses bad options and too-short series", () => {
    assert.throws(() => data.windowSeries([1, 2, 3], { window: 3 }), { name: "ShapeError", message: /too short for window 3 \+ horizon 1/ });
    assert.throws(() => data.windowSeries([1, 2, 3], { window: 0 }), { name: "ArgumentError", message: /window must be a positive integer/ });
    assert.throws(() => data.windowSeries(ds.zeros([5, 2]), { window: 2, targetColumns: [2] }), { name: "ArgumentError", message: /target column 2/ });
    assert.throws(() => data.windowSeries(ds.zeros([5, 2, 1]), { window: 2 }), { name: "ShapeError" });
  });
});

describe("scalers", () => {
  it("StandardScaler standardises per feature (population std) and inverts", () => {
    const s = ds.tensor([[1, 10], [2, 10], [3, 10], [6, 10]], { dtype: "float64" });
    const sc = new data.StandardScaler().fit(s);
    const z = sc.transform(s);
    assertClose(sc.mean!, [3, 10]);
    assertClose(z.mean(0), [0, 0], { atol: 1e-12 });
    assertClose(z.index(":", 0).square().mean(), [1], { rtol: 1e-12 });
    assertClose(z.index(":", 1), [0, 0, 0, 0], { msg: "a constant feature keeps scale 1" });
    assertClose(sc.inverseTransform(z), s.toArray(), { rtol: 1e-12 });
    // Windows [N, W, F] share the last-dim statistics.
    assertClose(sc.inverseTransform(sc.transform(s.reshape([2, 2, 2]))), s.reshape([2, 2, 2]).toArray(), { rtol: 1e-12 });
  });

  it("a scaler fitted on a 1-d series inverts predictions of any shape; MinMaxScaler maps onto featureRange", () => {
    const series = [3, 5, 9, 1];
    const sc = new data.MinMaxScaler({ featureRange: [-1, 1] }).fit(series);
    assertClose(sc.transform(series), [-0.5, 0, 1, -1]);
    const pred = ds.tensor([[0.25, -1], [1, 0]]);
    assertClose(sc.transform(sc.inverseTransform(pred)), pred.toArray(), { rtol: 1e-6 });
    assertClose(sc.inverseTransform(pred), [[6, 1], [9, 5]]);
    const st = new data.StandardScaler();
    assertClose(st.fitTransform(series).mean(), [0], { atol: 1e-6 });
  });

  it("refuse use before fit and feature mismatches", () => {
    assert.throws(() => new data.StandardScaler().transform([1, 2]), { name: "ArgumentError", message: /fit\(\) first/ });
    const sc = new data.StandardScaler().fit(ds.zeros([4, 3]));
    assert.throws(() => sc.transform(ds.zeros([4, 2])), { name: "ShapeError", message: /fitted on 3 features/ });
    assert.throws(() => new data.MinMaxScaler({ featureRange: [1, 0] }), { name: "ArgumentError" });
  });
});

describe("bundled sequence data", () => {
  it("airPassengers: 144 months 1949-01 … 1960-12, Box & Jenkins' Series G", () => {
    const { months, passengers } = data.datasets.airPassengers();
    assert.equal(months.length, 144);
    assert.deepEqual([months[0], months[143]], ["1949-01", "1960-12"]);
    assert.deepEqual(passengers.shape, [144]);
    assert.equal(passengers.sum().item(), 40363);
    assert.deepEqual(Array.from(passengers.narrow(0, 0, 12).dataSync()), [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]);
    assert.equal(passengers.max().item(), 622);
  });

  it("shakespeare: the opening of Coriolanus", () => {
    const text = data.datasets.shakespeare();
    assert.ok(text.startsWith("First Citizen:\nBefore we proceed any further, hear me speak."));
    assert.ok(text.length > 6000 && text.length < 7000);
  });
});

describe("text", () => {
  it("Vocab.build: specials first (pad 0, unk 1), then by frequency, ties by first appearance; minFreq, maxSize", () => {
    const v = data.Vocab.build([["b", "a", "c"], ["a", "c", "d"], ["a"]]);
    assert.deepEqual(v.itos, ["<pad>", "<unk>", "a", "c", "b", "d"]);
    assert.deepEqual([v.padIndex, v.unkIndex, v.length], [0, 1, 6]);
    assert.deepEqual(v.encode(["a", "zebra", "d"]), [2, 1, 5]);
    assert.deepEqual(v.decode([2, 0, 3], { skipPad: true }), ["a", "c"]);
    assert.deepEqual(data.Vocab.build([["b", "a", "c"], ["a", "c"]], { minFreq: 2, pad: null, specials: ["<eos>"] }).itos, ["<unk>", "<eos>", "a", "c"]);
    assert.deepEqual(data.Vocab.build([["x", "y", "y"]], { maxSize: 3 }).itos, ["<pad>", "<unk>", "y"]);
    const strict = data.Vocab.build([["a"]], { unk: null, pad: null });
    assert.throws(() => strict.encode(["b"]), { name: "ArgumentError", message: /unknown token "b" and no unk token/ });
    assert.throws(() => strict.decode([5]), { name: "IndexError" });
  });

  it("CharVocab and WordVocab encode and decode text", () => {
    const cv = data.CharVocab.fromText("hello world");
    const ids = cv.encode("hold!");
    assert.equal(ids[4], cv.unkIndex);
    assert.equal(cv.decodeText(ids), "hold<unk>");
    assert.equal(cv.decodeText(ds.tensor(cv.encode("low"), { dtype: "int32" })), "low");
    assert.deepEqual(data.tokenize("It's 4 o'clock, Menenius!"), ["it's", "4", "o'clock", ",", "menenius", "!"]);
    const wv = data.WordVocab.fromTexts(["The cat sat.", "the dog sat"], { minFreq: 2 });
    assert.deepEqual(wv.itos, ["<pad>", "<unk>", "the", "sat"]);
    assert.equal(wv.decodeText(wv.encode("the cat sat")), "the <unk> sat");
  });

  it("padSequences pads (end or start), cuts to maxLen and reports lengths; nextTokenPairs shifts by one", () => {
    const { ids, lengths } = data.padSequences([[5, 6, 7], [8]]);
    assert.deepEqual([ids.dtype, ids.toArray(), lengths], ["int32", [[5, 6, 7], [8, 0, 0]], [3, 1]]);
    const s = data.padSequences([[5, 6, 7], [8]], { maxLen: 2, side: "start", padValue: 9, batchFirst: false });
    assert.deepEqual([s.ids.toArray(), s.lengths], [[[6, 9], [7, 8]], [2, 1]]);
    assert.throws(() => data.padSequences([[1], []]), { name: "ShapeError", message: /sequence 1 is empty/ });
    const p = data.nextTokenPairs([0, 1, 2, 3, 4, 5, 6], 3, { stride: 2 });
    assert.deepEqual([p.x.toArray(), p.y.toArray()], [[[0, 1, 2], [2, 3, 4]], [[1, 2, 3], [3, 4, 5]]]);
  });
});

test("the forecasting example (shortened to 30 epochs) beats the naive last-value forecast on 1959–1960", { timeout: 120_000 }, async () => {
  const r = await forecast({ epochs: 30 });
  assert.equal(r.months[0], "1959-01");
  assert.equal(r.actual.length, 24);
  assert.ok(r.rmse.naive > 50 && r.rmse.naive < 53, `naive RMSE ${r.rmse.naive}`);
  assert.ok(r.rmse.model < 0.7 * r.rmse.naive, `LSTM RMSE ${r.rmse.model.toFixed(1)} vs naive ${r.rmse.naive.toFixed(1)}`);
});
