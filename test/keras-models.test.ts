// keras models: Sequential and functional graphs (several inputs and outputs, shared layers,
// nested models), compile/fit reproducing TensorFlow.js's loss trajectory on the same data and
// weights, evaluate/predict, summary() against Keras' table and TensorFlow.js's shapes, configs
// (round trips, TensorFlow.js's model.json topology), callbacks and error messages.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { keras, Tensor } from "../src/index.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { maxDiff, tf, toTf } from "./helpers/tfjs.js";

const L = keras.layers;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  const d = maxDiff(a, b);
  assert.ok(d <= tol * Math.max(1, ...Array.from(b, Math.abs)), `${what}: max |diff| ${d}`);
  return d;
};

function mlpData(n = 40): { x: Tensor; yOneHot: Tensor; y: Tensor } {
  ds.seed(1);
  const x = ds.randn([n, 5]);
  const y = x.matmul(ds.randn([5, 3])).argmax(1);
  return { x, y, yOneHot: y.oneHot(3).float() };
}

describe("compile/fit against TensorFlow.js on the same data and weights", () => {
  for (const [name, ours, theirs] of [
    ["SGD", () => keras.optimizers.SGD({ learningRate: 0.1 }), () => tf.train.sgd(0.1)],
    ["SGD with momentum", () => keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9 }), () => tf.train.momentum(0.05, 0.9)],
    ["Adam", () => keras.optimizers.Adam({ learningRate: 0.01 }), () => tf.train.adam(0.01)],
  ] as const) {
    it(`an MLP with ${name}: per-epoch loss, accuracy, val_loss and final weights`, async () => {
      const { x, yOneHot } = mlpData();
      keras.backend.clearSession();
      ds.seed(2);
      const model = new keras.Sequential([keras.Input({ shape: [5] }), new L.Dense(8, { activation: "relu" }), new L.Dense(3, { activation: "softmax" })]);
      const ref = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: "relu", inputShape: [5] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
      ref.setWeights(model.getWeights().map(toTf));
      model.compile({ optimizer: ours(), loss: "categorical_crossentropy", metrics: ["accuracy"] });
      ref.compile({ optimizer: theirs(), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
      const opts = { epochs: 4, batchSize: 8, shuffle: false, validationSplit: 0.25, classWeight: { 0: 1, 1: 2, 2: 0.5 } };
      const h = await model.fit(x, yOneHot, { ...opts, verbose: 0 });
      const hr = await ref.fit(toTf(x), toTf(yOneHot), { ...opts, verbose: 0 });
      close(h.history.loss, hr.history.loss as number[], 1e-5, "loss");
      close(h.history.val_loss, hr.history.val_loss as number[], 1e-5, "val_loss");
      close(h.history.accuracy, hr.history.acc as number[], 1e-6, "accuracy");
      assert.ok(h.history.loss[3] < h.history.loss[0], "the loss goes down");
      model.getWeights().forEach((w, i) => close(w.dataSync(), ref.getWeights()[i].dataSync(), 1e-5, `weight ${i}`));
      // evaluate and predict agree too.
      const e = model.evaluate(x, yOneHot) as number[];
      const er = ref.evaluate(toTf(x), toTf(yOneHot)) as tf.Scalar[];
      close(e, er.map((t) => t.dataSync()[0]), 1e-5, "evaluate");
      close(model.predict(x).dataSync(), (ref.predict(toTf(x)) as tf.Tensor).dataSync(), 1e-5, "predict");
    });
  }

  it("sparse labels and sparse_categorical_crossentropy train as TensorFlow.js does", async () => {
    const { x, y } = mlpData();
    ds.seed(3);
    const model = new keras.Sequential([new L.Dense(6, { activation: "tanh", inputShape: [5] }), new L.Dense(3, { activation: "softmax" })]);
    const ref = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: "tanh", inputShape: [5] }), tf.layers.dense({ units: 3, activation: "softmax" })] });
    ref.setWeights(model.getWeights().map(toTf));
    model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 0.2 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    ref.compile({ optimizer: tf.train.sgd(0.2), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
    const hr = await ref.fit(toTf(x), toTf(y.float()), { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
    close(h.history.loss, hr.history.loss as number[], 1e-5, "loss");
    close(h.history.accuracy, hr.history.acc as number[], 1e-6, "accuracy");
  });

  it("a CNN with BatchNormalization and Dropout(0) trains as TensorFlow.js does (moving statistics included)", async () => {
    ds.seed(4);
    const x = ds.rand([12, 6, 6, 1]), y = ds.randint(0, 2, [12]).float().reshape([12, 1]);
    const model = new keras.Sequential([
      keras.Input({ shape: [6, 6, 1] }), new L.Conv2D(3, 3, { activation: "relu" }), new L.BatchNormalization(), new L.MaxPooling2D(),
      new L.Flatten(), new L.Dropout(0), new L.Dense(1, { activation: "sigmoid" }),
    ]);
    const ref = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: "relu", inputShape: [6, 6, 1] }), tf.layers.batchNormalization({}), tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(), tf.layers.dropout({ rate: 0 }), tf.layers.dense({ units: 1, activation: "sigmoid" }),
    ] });
    // Per layer: TensorFlow.js (as Keras 2) orders a model's weights trainable-first across all layers; Keras 3 layer by layer.
    model.layers.forEach((l, i) => ref.layers[i].setWeights(l.getWeights().map(toTf)));
    model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
    ref.compile({ optimizer: "adam", loss: "binaryCrossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const hr = await ref.fit(toTf(x), toTf(y), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    close(h.history.loss, hr.history.loss as number[], 1e-5, "loss");
    close(h.history.accuracy, hr.history.acc as number[], 1e-6, "accuracy");
    model.layers.forEach((l, i) => l.getWeights().forEach((w, j) => close(w.dataSync(), ref.layers[i].getWeights()[j].dataSync(), 1e-4, `${l.name} weight ${j}`)));
  });
});

describe("the functional API", () => {
  it("two inputs, a shared layer, two outputs: predict equals the layers called by hand; fit trains both heads", async () => {
    ds.seed(5);
    const a = keras.Input({ shape: [4], name: "a" }), b = keras.Input({ shape: [3], name: "b" });
    const shared = new L.Dense(6, { activation: "relu", name: "shared" });
    const mixA = shared.call(a);
    const merged = new L.Concatenate().call([mixA, new L.Dense(6, { name: "side" }).call(b)]);
    const reg = new L.Dense(1, { name: "reg" }).call(merged);
    const cls = new L.Dense(2, { activation: "softmax", name: "cls" }).call(new L.Add().call([mixA, shared.call(a)]));
    const model = new keras.Model({ inputs: [a, b], outputs: [reg, cls] });
    assert.deepEqual(model.layers.map((l) => l.name), ["a", "b", "shared", "side", "concatenate", "reg", "add", "cls"]);
    assert.deepEqual(model.outputNames, ["reg", "cls"]);
    const xa = ds.randn([7, 4]), xb = ds.randn([7, 3]);
    const [pr, pc] = model.predict([xa, xb]);
    const h = (model.getLayer("shared").call(xa) as Tensor);
    const byHand = model.getLayer("reg").call(ds.concat([h, model.getLayer("side").call(xb) as Tensor], 1)) as Tensor;
    close(pr.dataSync(), byHand.dataSync(), 1e-6, "regression head");
    close(pc.dataSync(), (model.getLayer("cls").call(h.add(h)) as Tensor).dataSync(), 1e-6, "classification head");
    // Dict inputs by name, dict losses by output name.
    model.compile({ optimizer: keras.optimizers.Adam({ learningRate: 0.02 }), loss: { reg: "mse", cls: "sparse_categorical_crossentropy" }, metrics: { cls: ["accuracy"] }, lossWeights: [1, 0.5] });
    const yr = xa.sum(1, true), yc = xb.sum(1).gt(0).int();
    const hist = await model.fit({ a: xa, b: xb }, { reg: yr, cls: yc }, { epochs: 30, batchSize: 7, verbose: 0 });
    assert.deepEqual(Object.keys(hist.history), ["loss", "reg_loss", "cls_loss", "cls_accuracy"]);
    const last = (k: string) => hist.history[k][hist.history[k].length - 1];
    assert.ok(last("reg_loss") < hist.history.reg_loss[0] && last("cls_loss") < hist.history.cls_loss[0]);
    assert.ok(Math.abs(last("loss") - (last("reg_loss") + 0.5 * last("cls_loss"))) < 0.05, "the total weighs the heads");
    const ev = model.evaluate([xa, xb], [yr, yc], { returnDict: true }) as Record<string, number>;
    assert.deepEqual(Object.keys(ev), ["loss", "reg_loss", "cls_loss", "cls_accuracy"]);
    // The state dict names layers and Keras weights.
    assert.deepEqual(Object.keys(model.stateDict()), ["shared.kernel", "shared.bias", "side.kernel", "side.bias", "reg.kernel", "reg.bias", "cls.kernel", "cls.bias"]);
  });

  it("models nest: a Sequential and a functional model used as layers", () => {
    ds.seed(6);
    const encoder = new keras.Sequential([keras.Input({ shape: [8] }), new L.Dense(4, { activation: "tanh" })], { name: "encoder" });
    const i = keras.Input({ shape: [4] });
    const head = new keras.Model({ inputs: i, outputs: new L.Dense(2).call(i), name: "head" });
    const x = keras.Input({ shape: [8] });
    const model = new keras.Model({ inputs: x, outputs: head.call(encoder.call(x)) });
    const data = ds.randn([3, 8]);
    close(model.predict(data).dataSync(), (head.call(encoder.call(data) as Tensor) as Tensor).dataSync(), 1e-6, "nested");
    const e = encoder.layers[0].name, hd = head.layers[1].name;
    assert.deepEqual(Object.keys(model.stateDict()), [`encoder.${e}.kernel`, `encoder.${e}.bias`, `head.${hd}.kernel`, `head.${hd}.bias`]);
    assert.equal(model.countParams(), 8 * 4 + 4 + 4 * 2 + 2);
    assert.match(model.summary({ printFn: null }), /encoder \(Sequential\) +│ \(None, 4\) +│ +36 │/);
  });

  it("layer.output cuts a feature extractor out of a Sequential or a functional model (Keras' idiom)", () => {
    ds.seed(7);
    const model = new keras.Sequential([keras.Input({ shape: [6] }), new L.Dense(5, { activation: "relu", name: "features" }), new L.Dense(2, { name: "logits" })]);
    const extractor = new keras.Model({ inputs: model.inputs, outputs: model.getLayer("features").output });
    const x = ds.randn([4, 6]);
    close((extractor.predict(x) as Tensor).dataSync(), (model.getLayer("features").call(x) as Tensor).dataSync(), 0, "features");
    assert.equal(extractor.getLayer("features"), model.getLayer("features"), "the layers (and weights) are shared");
    const a = keras.Input({ shape: [3] });
    const d = new L.Dense(2);
    const fnModel = new keras.Model({ inputs: a, outputs: new L.Dense(1).call(d.call(a)) });
    assert.deepEqual(new keras.Model({ inputs: fnModel.inputs, outputs: d.output }).predict(ds.ones([1, 3])).shape, [1, 2]);
    assert.equal(d.input, a);
    assert.throws(() => new L.Dense(2).output, /has not been called on symbolic tensors/);
  });

  it("graph errors name what is wrong", () => {
    const a = keras.Input({ shape: [3] }), b = keras.Input({ shape: [3] });
    const y = new L.Add().call([a, b]);
    assert.throws(() => new keras.Model({ inputs: a, outputs: y }), /graph disconnected/);
    assert.throws(() => new keras.Model({ inputs: a, outputs: ds.zeros([1]) as never }), /outputs must be symbolic tensors/);
    const d = new L.Dense(2);
    d.call(a);
    assert.throws(() => d.call(keras.Input({ shape: [5] })), (e: Error) => e instanceof ds.ShapeError && /Dense "dense_\d+": expected input with 3 at axis -1 .*\(None, 5\)/.test(e.message));
    assert.throws(() => new L.Dense(3, { activaton: "relu" } as never), /unknown option "activaton"/);
    assert.throws(() => new L.Dense(0), /units must be an integer >= 1/);
    assert.throws(() => new L.Conv2D(4, 3).call(ds.zeros([2, 5, 5])), /expected input of rank 4/);
    assert.throws(() => new L.Dense(2).call([a, ds.zeros([1, 3])] as never), /mix symbolic tensors/);
  });
});

describe("summary()", () => {
  it("prints Keras' table for the Simple MNIST convnet (names, shapes, parameter counts, totals)", () => {
    keras.backend.clearSession();
    const model = new keras.Sequential([
      keras.Input({ shape: [28, 28, 1] }),
      new L.Conv2D(32, [3, 3], { activation: "relu" }), new L.MaxPooling2D({ poolSize: [2, 2] }),
      new L.Conv2D(64, [3, 3], { activation: "relu" }), new L.MaxPooling2D({ poolSize: [2, 2] }),
      new L.Flatten(), new L.Dropout(0.5), new L.Dense(10, { activation: "softmax" }),
    ]);
    const lines: string[] = [];
    const text = model.summary({ printFn: (l) => lines.push(l) });
    assert.equal(text, lines.join("\n"));
    const rows = lines.filter((l) => l.startsWith("│")).map((l) => l.split("│").slice(1, -1).map((c) => c.trim()));
    assert.deepEqual(rows, [
      ["conv2d (Conv2D)", "(None, 26, 26, 32)", "320"],
      ["max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0"],
      ["conv2d_1 (Conv2D)", "(None, 11, 11, 64)", "18,496"],
      ["max_pooling2d_1 (MaxPooling2D)", "(None, 5, 5, 64)", "0"],
      ["flatten (Flatten)", "(None, 1600)", "0"],
      ["dropout (Dropout)", "(None, 1600)", "0"],
      ["dense (Dense)", "(None, 10)", "16,010"],
    ]);
    assert.equal(lines[0], 'Model: "sequential"');
    assert.deepEqual(lines.slice(-3), [" Total params: 34,826 (136.04 KB)", " Trainable params: 34,826 (136.04 KB)", " Non-trainable params: 0 (0.00 B)"]);
  });

  it("shows the shapes and parameter counts TensorFlow.js's summary shows, non-trainable weights apart", () => {
    const model = new keras.Sequential([
      new L.Conv2D(8, 3, { padding: "same", strides: 2, inputShape: [15, 15, 3] }), new L.BatchNormalization(), new L.Conv2DTranspose(4, 3, { strides: 2 }),
      new L.GlobalAveragePooling2D(), new L.RepeatVector(5), new L.LSTM(6, { returnSequences: true }), new L.Bidirectional(new L.GRU(3, { resetAfter: false })), new L.Dense(2),
    ]);
    const ref = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", strides: 2, inputShape: [15, 15, 3] }), tf.layers.batchNormalization({}), tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2 }),
      tf.layers.globalAveragePooling2d({}), tf.layers.repeatVector({ n: 5 }), tf.layers.lstm({ units: 6, returnSequences: true }),
      tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as never }), tf.layers.dense({ units: 2 }),
    ] });
    const tfLines: string[] = [];
    ref.summary(undefined, undefined, (l: string) => tfLines.push(l));
    const tfRows = tfLines.filter((l) => l.includes("]]")).map((l) => {
      const m = /\]\]\s+\[([^\]]*)\]\s+(\d+)\s*$/.exec(l)!;
      return [`(${m[1].split(",").map((d) => (d === "null" ? "None" : d)).join(", ")})`, Number(m[2])];
    });
    const ours = model.summary({ printFn: null }).split("\n").filter((l) => l.startsWith("│")).map((l) => l.split("│").slice(1, -1).map((c) => c.trim()));
    assert.deepEqual(ours.map((r) => [r[1], Number(r[2].replace(/,/g, ""))]), tfRows);
    const text = model.summary({ printFn: null });
    assert.match(text, /Non-trainable params: 16 \(64\.00 B\)/);
    assert.equal(model.countParams(), ref.countParams());
  });

  it("an unbuilt Sequential says so", () => {
    const model = new keras.Sequential([new L.Dense(3)]);
    assert.match(model.summary({ printFn: null }), /dense_?\d* \(Dense\) +│ \? +│ 0 \(unbuilt\) │/);
    model.predict(ds.zeros([2, 4]));
    assert.match(model.summary({ printFn: null }), /\(None, 3\) +│ +15 │/);
  });
});

describe("configs", () => {
  it("getConfig is Keras' dict (snake_case, serialized initializers) and deserialize rebuilds the layer", () => {
    const d = new L.Dense(4, { activation: "relu", kernelInitializer: "he_normal", kernelRegularizer: keras.regularizers.L2({ l2: 0.01 }), name: "fc" });
    const c = d.getConfig();
    assert.deepEqual(Object.keys(c), ["name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"]);
    assert.deepEqual(c.kernel_initializer, { module: "keras.initializers", class_name: "HeNormal", config: { seed: null }, registered_name: null });
    assert.deepEqual(c.kernel_regularizer, { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 }, registered_name: null });
    const again = L.deserialize(L.serialize(d as never)) as keras.layers.Dense;
    assert.deepEqual(again.getConfig(), c);
    for (const layer of [
      new L.Conv2D(3, [2, 3], { strides: 2, padding: "same", dilationRate: 1, dataFormat: "channels_first" }), new L.Conv1D(2, 3, { padding: "causal" }),
      new L.Conv2DTranspose(2, 3, { outputPadding: 1, strides: 2 }), new L.MaxPooling2D({ poolSize: 3, strides: 1 }), new L.BatchNormalization({ momentum: 0.9 }),
      new L.LayerNormalization({ axis: [-2, -1] }), new L.Embedding(10, 4), new L.LSTM(3, { returnSequences: true, goBackwards: true }), new L.GRU(2, { resetAfter: false }),
      new L.Bidirectional(new L.SimpleRNN(2), { mergeMode: "ave" }), new L.MultiHeadAttention(2, 4, { dropout: 0.1 }), new L.Dropout(0.3, { noiseShape: [null, 1] }),
      new L.Reshape([2, -1]), new L.Rescaling(0.5, { offset: 1 }), new L.Normalization({ mean: [1, 2], variance: [4, 9] }), new L.Concatenate({ axis: 1 }), new L.Activation("gelu"),
    ]) {
      const round = L.deserialize(L.serialize(layer as never));
      assert.equal(round.className, layer.className);
      assert.deepEqual(round.getConfig(), layer.getConfig(), layer.className);
    }
    assert.throws(() => L.deserialize({ class_name: "Lambda", config: {} }), /unsupported layer class "Lambda"; supported: InputLayer, Dense/);
    assert.throws(() => L.deserialize({ class_name: "Dense", config: { units: 2, kernel_size: 3 } }), /unknown option "kernelSize"/);
  });

  it("a Keras model's state dict goes through io.saveStateDict / loadStateDict (safetensors) and torch-style optimizers", () => {
    ds.seed(13);
    const make = () => new keras.Sequential([keras.Input({ shape: [4] }), new L.Dense(3, { activation: "relu" }), new L.BatchNormalization(), new L.Dense(2)]);
    // Keys are layer names; a new session (as in a new process) gives the same automatic names.
    keras.backend.clearSession();
    const a = make();
    keras.backend.clearSession();
    const b = make();
    const dir = mkdtempSync(join(tmpdir(), "keras-sd-"));
    try {
      ds.io.saveStateDict(a.stateDict(), join(dir, "m.safetensors"));
      b.loadStateDict(ds.io.loadStateDict(join(dir, "m.safetensors")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const x = ds.randn([5, 4]);
    close(b.predict(x).dataSync(), a.predict(x).dataSync(), 0, "reloaded");
    assert.deepEqual(Object.keys(a.stateDict()).slice(2, 6).map((k) => k.split(".")[1]), ["gamma", "beta", "moving_mean", "moving_variance"]);
    // An optim optimizer over the Keras model's parameters is a valid compile target too.
    a.compile({ optimizer: new ds.optim.SGD(a.parameters(), { lr: 0.1 }), loss: "mse" });
  });

  it("Sequential and functional models round-trip through JSON with the same outputs once weights are copied", () => {
    ds.seed(8);
    const seq = new keras.Sequential([keras.Input({ shape: [6, 6, 2] }), new L.Conv2D(3, 3, { activation: "relu" }), new L.Flatten(), new L.Dense(2, { activation: "softmax" })]);
    const x = ds.randn([2, 6, 6, 2]);
    const seq2 = keras.models.modelFromJSON(JSON.stringify(seq.toJSON()));
    seq2.setWeights(seq.getWeights());
    close((seq2.predict(x) as Tensor).dataSync(), seq.predict(x).dataSync(), 0, "Sequential");
    const a = keras.Input({ shape: [5, 3] }), b = keras.Input({ shape: [5, 3] });
    const shared = new L.LSTM(4);
    const out = new L.Dense(1).call(new L.Subtract().call([shared.call(a), shared.call(b)]));
    const fn = new keras.Model({ inputs: [a, b], outputs: out });
    const fn2 = keras.models.cloneModel(fn);
    assert.equal(fn2.layers.length, fn.layers.length);
    fn2.setWeights(fn.getWeights());
    const xa = ds.randn([2, 5, 3]), xb = ds.randn([2, 5, 3]);
    close(fn2.predict([xa, xb]).dataSync(), fn.predict([xa, xb]).dataSync(), 0, "functional with a shared LSTM");
  });

  it("builds TensorFlow.js models from their model.json topology; with TensorFlow.js's weights the predictions agree", () => {
    ds.seed(9);
    const seq = tf.sequential({ layers: [
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu", inputShape: [8, 8, 1] }), tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(), tf.layers.dense({ units: 5, activation: "softmax" }),
    ] });
    const inp = tf.input({ shape: [4] }), inp2 = tf.input({ shape: [2] });
    const h = tf.layers.dense({ units: 3, activation: "tanh" }).apply(inp) as tf.SymbolicTensor;
    const cat = tf.layers.concatenate().apply([h, inp2]) as tf.SymbolicTensor;
    const fnModel = tf.model({ inputs: [inp, inp2], outputs: tf.layers.dense({ units: 1 }).apply(cat) as tf.SymbolicTensor });
    for (const [ref, xs] of [[seq, [ds.randn([3, 8, 8, 1])]], [fnModel, [ds.randn([3, 4]), ds.randn([3, 2])]]] as const) {
      const model = keras.models.modelFromJSON(ref.toJSON(null, false) as never);
      model.setWeights(ref.getWeights().map((w) => ds.tensor(Array.from(w.dataSync())).reshape(w.shape)));
      const ours = model.predict(xs.length === 1 ? xs[0] : [...xs]) as Tensor;
      const theirs = ref.predict(xs.map(toTf)) as tf.Tensor;
      close(ours.dataSync(), theirs.dataSync(), 1e-5, `${ref.name} from model.json`);
    }
  });
});

describe("training details", () => {
  it("Dropout is on in fit and off in predict; callbacks get Keras' log names and can stop training", async () => {
    ds.seed(10);
    const model = new keras.Sequential([new L.Dense(16, { activation: "relu", inputShape: [4] }), new L.Dropout(0.5), new L.Dense(1)]);
    const x = ds.randn([32, 4]), y = x.sum(1, true);
    model.compile({ optimizer: "sgd", loss: "mse", metrics: ["mae"] });
    const seen: string[][] = [];
    const h = await model.fit(x, y, {
      epochs: 5, verbose: 0, validationData: [x, y],
      callbacks: [{ setModel(m) { assert.equal(m, model); }, onEpochEnd(epoch, logs) { seen.push(Object.keys(logs)); if (epoch === 1) model.stopTraining = true; } }],
    });
    assert.deepEqual(seen[0], ["loss", "mae", "val_loss", "val_mae"]);
    assert.equal(h.epoch.length, 2, "stopTraining ends fit after the epoch");
    assert.equal(model.training, false, "inference mode after fit");
    const p1 = model.predict(x), p2 = model.predict(x);
    assert.deepEqual(Array.from(p1.dataSync()), Array.from(p2.dataSync()));
    const es = keras.callbacks.EarlyStopping({ monitor: "loss", minDelta: 1e9, patience: 1, restoreBestWeights: true });
    const h2 = await model.fit(x, y, { epochs: 10, verbose: 0, callbacks: [es] });
    assert.equal(h2.epoch.length, 3);
    assert.equal(es.stoppedEpoch, 2);
  });

  it("fit without batchSize takes batches of 32 (Keras' default): 100 samples are 4 steps, the last of 4", async () => {
    ds.seed(12);
    const sizes: number[] = [];
    // A Flatten (a no-op on [batch, 3]) that records the batch sizes it sees.
    class Probe extends L.Flatten {
      override forward(x: Parameters<keras.layers.Flatten["forward"]>[0]): Tensor {
        sizes.push((x as Tensor).shape[0]);
        return super.forward(x);
      }
    }
    const model = new keras.Sequential([keras.Input({ shape: [3] }), new Probe(), new L.Dense(1)]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(ds.randn([100, 3]), ds.randn([100, 1]), { epochs: 1, verbose: 0, shuffle: false });
    assert.deepEqual(sizes, [32, 32, 32, 4]);
  });

  it("trainOnBatch takes one step; predict on several outputs gives a list; evaluate's forms", async () => {
    ds.seed(11);
    const model = new keras.Sequential([new L.Dense(1, { inputShape: [2], kernelInitializer: "zeros" })]);
    model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 0.5 }), loss: "mse" });
    const x = ds.tensor([[1, 0], [0, 1]]), y = ds.tensor([[1], [2]]);
    const loss = await model.trainOnBatch(x, y);
    assert.ok(Math.abs((loss as number) - 2.5) < 1e-6);
    // One SGD step on mse from zero weights: kernel += 0.5 · (2/N) Σ x·y = [0.5, 1].
    assert.deepEqual(Array.from(model.getWeights()[0].dataSync()), [0.5, 1]);
    assert.equal(typeof model.evaluate(x, y), "number");
  });

  it("an Embedding + LSTM text classifier learns a toy task; float indices feed the Embedding", async () => {
    ds.seed(12);
    const n = 64, T = 6;
    const tokens = ds.randint(1, 10, [n, T]);
    const y = tokens.eq(3).any(1).float().reshape([n, 1]); // "does the sequence contain token 3?"
    const model = new keras.Sequential([keras.Input({ shape: [T] }), new L.Embedding(10, 8), new L.LSTM(8), new L.Dense(1, { activation: "sigmoid" })]);
    model.compile({ optimizer: keras.optimizers.Adam({ learningRate: 0.03 }), loss: "binary_crossentropy", metrics: ["accuracy"] });
    const h = await model.fit(tokens.float(), y, { epochs: 25, batchSize: 16, verbose: 0 });
    assert.ok(h.history.accuracy[h.history.accuracy.length - 1] > 0.9, `accuracy ${h.history.accuracy.at(-1)}`);
  });

  it("a subclassed keras.Model (its own forward) builds at its first call, trains, and evaluates as predict counts", async () => {
    class Mlp extends keras.Model {
      hidden = new L.Dense(16, { activation: "relu" });
      out = new L.Dense(3, { activation: "softmax" });
      override forward(x: Tensor): Tensor {
        return this.out.call(this.hidden.call(x));
      }
    }
    const { x, y } = mlpData(60);
    const model = new Mlp();
    model.compile({ optimizer: keras.optimizers.Adam({ learningRate: 0.02 }), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    const h = await model.fit(x, y, { epochs: 15, batchSize: 20, verbose: 0 });
    assert.ok(h.history.loss[14] < h.history.loss[0]);
    assert.deepEqual(Object.keys(model.stateDict()), ["hidden.kernel", "hidden.bias", "out.kernel", "out.bias"]);
    const [, acc] = model.evaluate(x, y) as number[];
    const byHand = model.predict(x).argmax(1).eq(y).float().mean().item();
    assert.ok(Math.abs(acc - byHand) < 1e-6, `${acc} vs ${byHand}`);
  });

  it("compile and fit refuse what they cannot do, by name", async () => {
    const model = new keras.Sequential([new L.Dense(1, { inputShape: [2] })]);
    await assert.rejects(model.fit(ds.zeros([2, 2]), ds.zeros([2, 1])), /call sequential_?\d*\.compile\(\{ optimizer, loss, metrics \}\) before fit/);
    assert.throws(() => model.compile({ optimizer: "adamax", loss: "mse" }), /unknown optimizer "adamax"/);
    assert.throws(() => model.compile({ optimizer: "adam", loss: "mse", metrics: ["f1"] }), /unknown metric "f1"/);
    assert.throws(() => model.compile({ optimizer: "adam", loss: "mse", lr: 1 } as never), /unknown option "lr"/);
    model.compile({ optimizer: "adam", loss: "mse" });
    await assert.rejects(model.fit(ds.zeros([3, 2]), ds.zeros([2, 1]), { verbose: 0 }), /same number of samples/);
    await assert.rejects(model.fit(ds.zeros([3, 2]), ds.zeros([3, 1]), { epoch: 2 } as never), /unknown option "epoch"/);
  });
});
