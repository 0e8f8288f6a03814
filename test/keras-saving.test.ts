// keras.loadModel and model.save against TensorFlow.js itself (cpu backend): models built and
// saved by TensorFlow.js (model.json + one weight shard, written from its ModelArtifacts as
// tf.io's file handler writes them) load here with the same predictions; models saved here load
// in TensorFlow.js with the same predictions; bad files are FileErrors before any allocation.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { keras, FileError, Tensor } from "../src/index.js";
import { maxDiff, tf, toTf } from "./helpers/tfjs.js";

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "ds-keras-saving-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Saves a tfjs model to a fresh folder as model.json + group1-shard1of1.bin (the converter's layout). */
async function saveTf(model: tf.LayersModel, name: string, shard = "group1-shard1of1.bin"): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (a) => {
    const modelJson = {
      modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null,
      weightsManifest: [{ paths: [shard], weights: a.weightSpecs }],
    };
    writeFileSync(join(dir, "model.json"), JSON.stringify(modelJson));
    writeFileSync(join(dir, shard), new Uint8Array(a.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return dir;
}

const tfOut = (m: tf.LayersModel, xs: Tensor[]): Float32Array[] => {
  const y = m.predict(xs.length === 1 ? toTf(xs[0]) : xs.map(toTf));
  return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
};
const dsOut = (m: keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>, xs: Tensor[]): Float32Array[] => {
  const y = m.predict(xs.length === 1 ? xs[0] : xs);
  return (Array.isArray(y) ? y : [y]).map((t) => Float32Array.from(t.dataSync()));
};

/** Loads `dir` here, compares predictions with tfjs's on xs; returns the largest difference. */
async function roundTrip(m: tf.LayersModel, name: string, xs: Tensor[]): Promise<number> {
  const dir = await saveTf(m, name);
  const ours = await keras.loadModel(dir);
  const a = tfOut(m, xs), b = dsOut(ours, xs);
  assert.equal(a.length, b.length);
  return Math.max(...a.map((x, i) => maxDiff(x, b[i])));
}

// tfjs initialises biases and BatchNormalization statistics to constants: perturb every weight so
// a weight loaded into the wrong place shows.
function perturb(m: tf.LayersModel, seed: number): void {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const names = m.weights.map((w) => w.name);
  m.setWeights(m.getWeights().map((w, k) => {
    const v = Float32Array.from(w.dataSync(), (x) => x + (next() - 0.5) * 0.5);
    if (names[k].includes("moving_variance")) for (let i = 0; i < v.length; i++) v[i] = 0.5 + next();
    return tf.tensor(v, w.shape);
  }));
}

describe("keras.loadModel: TensorFlow.js Layers models", () => {
  it("an MLP", async () => {
    const m = tf.sequential({ layers: [
      tf.layers.dense({ units: 8, inputShape: [5], activation: "relu" }),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ] });
    perturb(m, 1);
    ds.seed(1);
    assert.ok((await roundTrip(m, "mlp", [ds.randn([4, 5])])) <= 1e-5);
  });

  it("a small CNN with BatchNormalization", async () => {
    const m = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [8, 8, 2], activation: "relu" }),
      tf.layers.batchNormalization(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 3 }),
    ] });
    perturb(m, 2);
    ds.seed(2);
    assert.ok((await roundTrip(m, "cnn", [ds.randn([3, 8, 8, 2])])) <= 1e-5);
  });

  it("LSTM and GRU (TensorFlow.js' hard_sigmoid gates and reset_after false)", async () => {
    const m = tf.sequential({ layers: [
      tf.layers.lstm({ units: 6, inputShape: [5, 3], returnSequences: true }),
      tf.layers.gru({ units: 4, returnSequences: true }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3 }) as tf.RNN }),
      tf.layers.dense({ units: 2 }),
    ] });
    perturb(m, 3);
    ds.seed(3);
    assert.ok((await roundTrip(m, "rnn", [ds.randn([2, 5, 3]).mul(2)])) <= 1e-5);
  });

  it("Embedding + GlobalAveragePooling1D", async () => {
    const m = tf.sequential({ layers: [
      tf.layers.embedding({ inputDim: 20, outputDim: 6, inputLength: 7 }),
      tf.layers.globalAveragePooling1d(),
      tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ] });
    perturb(m, 4);
    const ids = ds.tensor([[1, 2, 3, 4, 5, 6, 7], [19, 0, 0, 3, 3, 8, 1]]);
    assert.ok((await roundTrip(m, "embedding", [ids])) <= 1e-5);
  });

  it("a functional model with two inputs and two outputs", async () => {
    const a = tf.input({ shape: [4], name: "a" }), b = tf.input({ shape: [3], name: "b" });
    const h = tf.layers.concatenate().apply([tf.layers.dense({ units: 5, activation: "tanh" }).apply(a) as tf.SymbolicTensor, b]) as tf.SymbolicTensor;
    const o1 = tf.layers.dense({ units: 2, name: "out1" }).apply(h) as tf.SymbolicTensor;
    const o2 = tf.layers.dense({ units: 1, activation: "sigmoid", name: "out2" }).apply(tf.layers.add().apply([h, h]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const m = tf.model({ inputs: [a, b], outputs: [o1, o2] });
    perturb(m, 5);
    ds.seed(5);
    assert.ok((await roundTrip(m, "functional", [ds.randn([3, 4]), ds.randn([3, 3])])) <= 1e-5);
  });

  it("quantized weights (uint8, uint16) dequantize as TensorFlow.js does", async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
    perturb(m, 6);
    const dir = await saveTf(m, "quant");
    const mj = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    const [kernel, bias] = m.getWeights().map((w) => w.dataSync() as Float32Array);
    // kernel as uint8 with { min, scale }, bias as uint16 with { scale, min, dtype } order; then float16.
    const q = (v: Float32Array, levels: number) => {
      const min = Math.min(...v), scale = (Math.max(...v) - min) / (levels - 1);
      return { min, scale, q: Array.from(v, (x) => Math.round((x - min) / scale)) };
    };
    const k = q(kernel, 256), bb = q(bias, 65536);
    const [wk, wb] = mj.weightsManifest[0].weights;
    wk.quantization = { min: k.min, scale: k.scale, dtype: "uint8" };
    wb.quantization = { scale: bb.scale, min: bb.min, dtype: "uint16" };
    writeFileSync(join(dir, "model.json"), JSON.stringify(mj));
    writeFileSync(join(dir, "group1-shard1of1.bin"), Buffer.concat([Buffer.from(Uint8Array.from(k.q)), Buffer.from(new Uint8Array(Uint16Array.from(bb.q).buffer))]));
    const ours = await keras.loadModel(dir);
    const tfm = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0].weights, weightData: new Uint8Array(readFileSync(join(dir, "group1-shard1of1.bin"))).buffer }));
    ds.seed(6);
    const x = ds.randn([2, 4]);
    assert.ok(maxDiff(tfOut(tfm, [x])[0], dsOut(ours, [x])[0]) <= 1e-5);
    // and the dequantized kernel is within a quantization step of the original
    assert.ok(maxDiff(Float32Array.from(ours.layers[0].weights[0].dataSync()), kernel) <= k.scale / 2 + 1e-6);
  });

  it("loads from File objects and from memory", async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    perturb(m, 7);
    const dir = await saveTf(m, "files");
    const json = readFileSync(join(dir, "model.json")), bin = readFileSync(join(dir, "group1-shard1of1.bin"));
    const x = ds.randn([2, 3]);
    const want = tfOut(m, [x])[0];
    const fromFiles = await keras.loadModel([new File([json], "model.json"), new File([bin], "group1-shard1of1.bin")]);
    assert.ok(maxDiff(dsOut(fromFiles, [x])[0], want) <= 1e-6);
    const fromMemory = await keras.loadModel({ modelJson: JSON.parse(json.toString()), weights: { "group1-shard1of1.bin": new Uint8Array(bin) } });
    assert.ok(maxDiff(dsOut(fromMemory, [x])[0], want) <= 1e-6);
  });
});

describe("keras.loadModel: bad files are FileErrors", () => {
  const base = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: "d" })] });
    return m;
  };
  let good: { json: Record<string, unknown>; bin: Uint8Array } | null = null;
  const load = async (edit: (mj: any) => void, bin?: Uint8Array) => {
    if (!good) {
      const dir = await saveTf(base(), "bad-base");
      good = { json: JSON.parse(readFileSync(join(dir, "model.json"), "utf8")), bin: new Uint8Array(readFileSync(join(dir, "group1-shard1of1.bin"))) };
    }
    const mj = structuredClone(good.json);
    edit(mj);
    return keras.loadModel({ modelJson: mj, weights: { "group1-shard1of1.bin": bin ?? good.bin } });
  };
  const refuses = async (p: Promise<unknown>, re: RegExp) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof FileError, `expected a FileError, got ${e}`);
      assert.match((e as Error).message, re);
      return true;
    });
  };

  it("a shard shorter or longer than the manifest says", async () => {
    await refuses(load(() => {}, new Uint8Array(31)), /take 32 bytes, but its shards .* hold 31/);
    await refuses(load(() => {}, new Uint8Array(36)), /hold 36/);
  });
  it("a manifest declaring a huge weight, and a topology declaring a huge layer: refused before allocation", async () => {
    await refuses(load((mj) => { mj.weightsManifest[0].weights[0].shape = [2 ** 40, 2 ** 20]; }), /more than 2147483647 elements/);
    await refuses(load((mj) => { mj.weightsManifest[0].weights[0].shape = [100000, 100000]; }), /more than 2147483647 elements/);
    // the file holds 8 values; the config asks for a 3 × 2^30 kernel
    await refuses(load((mj) => { mj.modelTopology.config.layers[0].config.units = 2 ** 30; }), /Dense "d" needs a weight "kernel" of shape \[3,1073741824\].*file holds 8 values/);
  });
  it("an unsupported layer names the file and the layer", async () => {
    await refuses(load((mj) => { mj.modelTopology.config.layers[0].class_name = "Conv3D"; }), /model\.json: cannot build the model: .*unsupported layer class "Conv3D"/);
  });
  it("weights missing, extra, or of the wrong shape", async () => {
    await refuses(load((mj) => { mj.weightsManifest[0].weights[1].name = "other/bias"; }), /weight "d\/bias" .* is not in the file/);
    await refuses(load((mj) => { mj.weightsManifest[0].weights[0].shape = [2, 3]; }), /has shape \[2,3\], but the model's "d\/kernel" has shape \[3,2\]/);
  });
  it("shard paths outside the folder, unknown dtypes, graph models, bad JSON", async () => {
    await refuses(load((mj) => { mj.weightsManifest[0].paths = ["../../etc/passwd"]; }), /relative file names/);
    await refuses(load((mj) => { mj.weightsManifest[0].weights[0].dtype = "string"; }), /dtype "string" is not supported/);
    await refuses(load((mj) => { mj.format = "graph-model"; }), /graph model/);
    await refuses(keras.loadModel({ modelJson: "{not json", weights: {} }), /is not JSON/);
    await refuses(keras.loadModel(join(root, "nowhere")), /no such file/);
  });
});

describe("model.save: TensorFlow.js Layers models", () => {
  /** Saves ours, loads the folder in tfjs and here again; returns the largest prediction differences. */
  async function saveBoth(m: keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>, name: string, xs: Tensor[]): Promise<[number, number]> {
    const dir = join(root, name);
    await m.save(dir);
    const mj = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    assert.deepEqual(mj.weightsManifest[0].paths, ["group1-shard1of1.bin"]);
    const bin = new Uint8Array(readFileSync(join(dir, "group1-shard1of1.bin")));
    const tfm = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: mj.modelTopology, weightSpecs: mj.weightsManifest[0].weights, weightData: bin.buffer }));
    const want = dsOut(m, xs);
    const viaTf = tfOut(tfm, xs), back = dsOut(await keras.loadModel(dir), xs);
    return [Math.max(...want.map((w, i) => maxDiff(w, viaTf[i]))), Math.max(...want.map((w, i) => maxDiff(w, back[i])))];
  }
  const { layers } = keras;

  it("an MLP and a CNN with BatchNormalization", async () => {
    ds.seed(11);
    const mlp = new keras.Sequential([keras.Input({ shape: [5] }), new layers.Dense(7, { activation: "relu" }), new layers.Dense(3, { activation: "softmax" })]);
    const [a, b] = await saveBoth(mlp, "ours-mlp", [ds.randn([4, 5])]);
    assert.ok(a <= 1e-5 && b === 0, `${a} ${b}`);
    const cnn = new keras.Sequential([
      keras.Input({ shape: [8, 8, 2] }), new layers.Conv2D(4, [3, 3], { activation: "relu" }), new layers.BatchNormalization(),
      new layers.MaxPooling2D(), new layers.Flatten(), new layers.Dense(2),
    ]);
    // non-trivial moving statistics
    cnn.layers[1].setWeights([ds.rand([4]).add(0.5), ds.randn([4]), ds.randn([4]), ds.rand([4]).add(0.5)]);
    const [c, d] = await saveBoth(cnn, "ours-cnn", [ds.randn([2, 8, 8, 2])]);
    assert.ok(c <= 1e-5 && d === 0, `${c} ${d}`);
  });

  it("recurrent layers (TensorFlow.js' hard_sigmoid as legacy_hard_sigmoid, GRU resetAfter false)", async () => {
    ds.seed(12);
    const m = new keras.Sequential([
      keras.Input({ shape: [6, 3] }),
      new layers.LSTM(5, { returnSequences: true, recurrentActivation: "legacy_hard_sigmoid" }),
      new layers.GRU(4, { resetAfter: false, returnSequences: true }),
      new layers.Bidirectional(new layers.SimpleRNN(3)),
      new layers.Dense(2),
    ]);
    const [a, b] = await saveBoth(m, "ours-rnn", [ds.randn([2, 6, 3])]);
    assert.ok(a <= 1e-5 && b === 0, `${a} ${b}`);
  });

  it("a functional model with two inputs and two outputs", async () => {
    ds.seed(13);
    const x1 = keras.Input({ shape: [4], name: "x1" }), x2 = keras.Input({ shape: [3], name: "x2" });
    const h = layers.concatenate([new layers.Dense(5, { activation: "tanh" }).call(x1), x2]);
    const m = new keras.Model({ inputs: [x1, x2], outputs: [new layers.Dense(2, { name: "o1" }).call(h), new layers.Dense(1, { name: "o2" }).call(layers.add([h, h]))] });
    const [a, b] = await saveBoth(m, "ours-functional", [ds.randn([3, 4]), ds.randn([3, 3])]);
    assert.ok(a <= 1e-5 && b === 0, `${a} ${b}`);
  });

  it("refuses what TensorFlow.js would compute differently", async () => {
    const gru = new keras.Sequential([keras.Input({ shape: [2, 3] }), new layers.GRU(2)]);
    await assert.rejects(gru.save(join(root, "gru")), /TensorFlow.js supports only resetAfter: false/);
    const hs = new keras.Sequential([keras.Input({ shape: [3] }), new layers.Dense(2, { activation: "hard_sigmoid" })]);
    await assert.rejects(hs.save(join(root, "hs")), /Keras 3's hard_sigmoid .* no TensorFlow.js equivalent/);
  });
});
