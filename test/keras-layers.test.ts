// keras.layers against TensorFlow.js (Keras semantics, channels_last) on fixed weights: each case
// builds our layer, copies its weights (Keras layouts) into the TensorFlow.js layer, runs both on
// the same input and compares the outputs and the gradients of Σ sum(out · upstream) with respect
// to the inputs and every trainable weight. Layers TensorFlow.js lacks (GRU with resetAfter,
// MultiHeadAttention, Normalization) are checked against their definitions written out with
// TensorFlow.js ops or plain arithmetic.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { keras, Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";
import { gradcheck } from "./helpers/gradcheck.js";
import { maxDiff, runOurs, runTf, tf, toTf, type Run } from "./helpers/tfjs.js";

const L = keras.layers;
type AnyLayer = keras.Layer<keras.SymbolicTensor | keras.SymbolicTensor[]>;

interface Case {
  name: string;
  ours: () => AnyLayer;
  tf: () => tf.layers.Layer;
  inputs: (number[] | { shape: number[]; int: number })[];
  training?: boolean;
  list?: boolean;
  kwargs?: Record<string, unknown>;
  tol?: number;
  /** TensorFlow.js's gradient is missing or wrong here: compare outputs, check input gradients by finite differences. */
  tfGrads?: false;
  /** Transforms TensorFlow.js's input first (padding it lacks). */
  pre?: (x: tf.Tensor) => tf.Tensor;
}

const d = (o: string) => o as never;
const CASES: Case[] = [
  { name: "Dense tanh", ours: () => new L.Dense(3, { activation: "tanh" }), tf: () => tf.layers.dense({ units: 3, activation: "tanh" }), inputs: [[4, 5]] },
  { name: "Dense on 3-d input, no bias, softmax", ours: () => new L.Dense(4, { activation: "softmax", useBias: false }), tf: () => tf.layers.dense({ units: 4, activation: "softmax", useBias: false }), inputs: [[2, 3, 5]] },
  { name: "Conv2D valid tanh", ours: () => new L.Conv2D(4, 3, { activation: "tanh" }), tf: () => tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "tanh" }), inputs: [[2, 7, 6, 3]] },
  { name: "Conv2D same, strides 2 (uneven padding)", ours: () => new L.Conv2D(5, 3, { padding: "same", strides: 2 }), tf: () => tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: "same", strides: 2 }), inputs: [[2, 7, 8, 3]] },
  { name: "Conv2D same, kernel [4,2]", ours: () => new L.Conv2D(3, [4, 2], { padding: "same" }), tf: () => tf.layers.conv2d({ filters: 3, kernelSize: [4, 2], padding: "same" }), inputs: [[2, 5, 6, 2]] },
  // TensorFlow.js has no gradient for dilated convolutions.
  { name: "Conv2D dilation 2", ours: () => new L.Conv2D(3, 3, { dilationRate: 2 }), tf: () => tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2 }), inputs: [[1, 8, 7, 2]], tfGrads: false },
  { name: "Conv2D channels_first", ours: () => new L.Conv2D(4, 3, { dataFormat: "channels_first", padding: "same" }), tf: () => tf.layers.conv2d({ filters: 4, kernelSize: 3, dataFormat: "channelsFirst", padding: "same" }), inputs: [[2, 3, 6, 5]] },
  { name: "Conv1D valid, strides 2", ours: () => new L.Conv1D(4, 3, { strides: 2, activation: "relu" }), tf: () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, activation: "relu" }), inputs: [[2, 9, 3]] },
  { name: "Conv1D same", ours: () => new L.Conv1D(3, 4, { padding: "same" }), tf: () => tf.layers.conv1d({ filters: 3, kernelSize: 4, padding: "same" }), inputs: [[2, 7, 2]] },
  // TensorFlow.js lacks causal padding: its valid convolution of the input padded by dilation·(k-1) at the start is the definition.
  { name: "Conv1D causal", ours: () => new L.Conv1D(3, 3, { padding: "causal" }), tf: () => tf.layers.conv1d({ filters: 3, kernelSize: 3 }), inputs: [[2, 8, 2]], pre: (x) => tf.pad(x, [[0, 0], [2, 0], [0, 0]]) },
  { name: "Conv1D causal, dilation 2", ours: () => new L.Conv1D(3, 3, { padding: "causal", dilationRate: 2 }), tf: () => tf.layers.conv1d({ filters: 3, kernelSize: 3, dilationRate: 2 }), inputs: [[2, 8, 2]], pre: (x) => tf.pad(x, [[0, 0], [4, 0], [0, 0]]), tfGrads: false },
  { name: "Conv2DTranspose valid, strides 2", ours: () => new L.Conv2DTranspose(3, 3, { strides: 2 }), tf: () => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 }), inputs: [[2, 4, 5, 2]] },
  { name: "Conv2DTranspose same, strides 2", ours: () => new L.Conv2DTranspose(3, 3, { strides: 2, padding: "same" }), tf: () => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: "same" }), inputs: [[2, 4, 5, 2]] },
  { name: "Conv2DTranspose same, kernel 4, strides 2", ours: () => new L.Conv2DTranspose(2, 4, { strides: 2, padding: "same", activation: "tanh" }), tf: () => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: "same", activation: "tanh" }), inputs: [[1, 3, 4, 3]] },
  { name: "Conv2DTranspose valid, kernel 2 < strides 3", ours: () => new L.Conv2DTranspose(2, 2, { strides: 3 }), tf: () => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 3 }), inputs: [[1, 3, 2, 2]] },
  { name: "MaxPooling2D", ours: () => new L.MaxPooling2D(), tf: () => tf.layers.maxPooling2d({ poolSize: 2 }), inputs: [[2, 6, 7, 3]] },
  { name: "MaxPooling2D same, pool 3, strides 2", ours: () => new L.MaxPooling2D({ poolSize: 3, strides: 2, padding: "same" }), tf: () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }), inputs: [[2, 6, 7, 3]] },
  // TensorFlow.js's gradient of "same" average pooling divides by the full window, not by the
  // inputs each window covers as its forward pass does; finite differences judge ours.
  { name: "AveragePooling2D same, pool 3, strides 2", ours: () => new L.AveragePooling2D({ poolSize: 3, strides: 2, padding: "same" }), tf: () => tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }), inputs: [[2, 6, 7, 3]], tfGrads: false },
  { name: "AveragePooling2D valid, pool [2,3]", ours: () => new L.AveragePooling2D({ poolSize: [2, 3] }), tf: () => tf.layers.averagePooling2d({ poolSize: [2, 3] }), inputs: [[2, 6, 7, 3]] },
  { name: "MaxPooling1D same", ours: () => new L.MaxPooling1D({ poolSize: 3, strides: 2, padding: "same" }), tf: () => tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: "same" }), inputs: [[2, 7, 3]] },
  { name: "AveragePooling1D", ours: () => new L.AveragePooling1D({ poolSize: 2 }), tf: () => tf.layers.averagePooling1d({ poolSize: 2 }), inputs: [[2, 7, 3]] },
  { name: "GlobalAveragePooling2D", ours: () => new L.GlobalAveragePooling2D(), tf: () => tf.layers.globalAveragePooling2d({}), inputs: [[2, 4, 5, 3]] },
  { name: "GlobalMaxPooling2D", ours: () => new L.GlobalMaxPooling2D(), tf: () => tf.layers.globalMaxPooling2d({}), inputs: [[2, 4, 5, 3]] },
  { name: "GlobalAveragePooling1D", ours: () => new L.GlobalAveragePooling1D(), tf: () => tf.layers.globalAveragePooling1d({}), inputs: [[2, 6, 3]] },
  { name: "GlobalMaxPooling1D", ours: () => new L.GlobalMaxPooling1D(), tf: () => tf.layers.globalMaxPooling1d({}), inputs: [[2, 6, 3]] },
  { name: "Flatten", ours: () => new L.Flatten(), tf: () => tf.layers.flatten(), inputs: [[2, 3, 4, 5]] },
  { name: "Flatten channels_first", ours: () => new L.Flatten({ dataFormat: "channels_first" }), tf: () => tf.layers.flatten({ dataFormat: "channelsFirst" }), inputs: [[2, 3, 4, 5]] },
  { name: "Reshape with -1", ours: () => new L.Reshape([4, -1]), tf: () => tf.layers.reshape({ targetShape: [4, -1] }), inputs: [[2, 3, 4, 2]] },
  { name: "Permute", ours: () => new L.Permute([2, 3, 1]), tf: () => tf.layers.permute({ dims: [2, 3, 1] }), inputs: [[2, 3, 4, 5]] },
  { name: "RepeatVector", ours: () => new L.RepeatVector(3), tf: () => tf.layers.repeatVector({ n: 3 }), inputs: [[2, 4]] },
  { name: "Dropout (inference)", ours: () => new L.Dropout(0.5), tf: () => tf.layers.dropout({ rate: 0.5 }), inputs: [[3, 4]] },
  ...["relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign", "swish", "mish", "gelu", "relu6", "linear"].map((a): Case => ({
    name: `Activation ${a}`, ours: () => new L.Activation(a), tf: () => tf.layers.activation({ activation: d(a) }), inputs: [[3, 5]],
  })),
  { name: "ReLU maxValue", ours: () => new L.ReLU({ maxValue: 0.5 }), tf: () => tf.layers.reLU({ maxValue: 0.5 }), inputs: [[3, 5]] },
  { name: "LeakyReLU alpha 0.2", ours: () => new L.LeakyReLU({ alpha: 0.2 }), tf: () => tf.layers.leakyReLU({ alpha: 0.2 }), inputs: [[3, 5]] },
  { name: "ELU", ours: () => new L.ELU(), tf: () => tf.layers.elu(), inputs: [[3, 5]] },
  { name: "Softmax", ours: () => new L.Softmax(), tf: () => tf.layers.softmax(), inputs: [[3, 4]] },
  { name: "BatchNormalization (training)", ours: () => new L.BatchNormalization(), tf: () => tf.layers.batchNormalization({}), inputs: [[6, 4]], training: true },
  { name: "BatchNormalization 4-d (training)", ours: () => new L.BatchNormalization({ momentum: 0.9 }), tf: () => tf.layers.batchNormalization({ momentum: 0.9 }), inputs: [[3, 4, 5, 2]], training: true },
  { name: "BatchNormalization (inference)", ours: () => new L.BatchNormalization({ movingMeanInitializer: "random_normal", movingVarianceInitializer: "ones" }), tf: () => tf.layers.batchNormalization({}), inputs: [[5, 3]] },
  { name: "LayerNormalization", ours: () => new L.LayerNormalization({ gammaInitializer: "random_normal", betaInitializer: "random_normal" }), tf: () => tf.layers.layerNormalization({}), inputs: [[2, 3, 6]] },
  { name: "LayerNormalization axes [-2,-1]", ours: () => new L.LayerNormalization({ axis: [-2, -1] }), tf: () => tf.layers.layerNormalization({ axis: [-2, -1] }), inputs: [[2, 3, 6]] },
  { name: "Embedding", ours: () => new L.Embedding(7, 3), tf: () => tf.layers.embedding({ inputDim: 7, outputDim: 3 }), inputs: [{ shape: [2, 5], int: 7 }] },
  { name: "SimpleRNN (fused tanh)", ours: () => new L.SimpleRNN(4), tf: () => tf.layers.simpleRNN({ units: 4 }), inputs: [[3, 5, 2]] },
  { name: "SimpleRNN relu, returnSequences, goBackwards", ours: () => new L.SimpleRNN(3, { activation: "relu", returnSequences: true, goBackwards: true }), tf: () => tf.layers.simpleRNN({ units: 3, activation: "relu", returnSequences: true, goBackwards: true }), inputs: [[2, 4, 3]] },
  { name: "SimpleRNN sigmoid (step by step), returnState", ours: () => new L.SimpleRNN(3, { activation: "sigmoid", returnState: true }), tf: () => tf.layers.simpleRNN({ units: 3, activation: "sigmoid", returnState: true }), inputs: [[2, 4, 3]] },
  { name: "LSTM (fused)", ours: () => new L.LSTM(4), tf: () => tf.layers.lstm({ units: 4, recurrentActivation: "sigmoid" }), inputs: [[3, 5, 2]] },
  { name: "LSTM returnSequences + returnState", ours: () => new L.LSTM(3, { returnSequences: true, returnState: true }), tf: () => tf.layers.lstm({ units: 3, recurrentActivation: "sigmoid", returnSequences: true, returnState: true }), inputs: [[2, 4, 3]] },
  { name: "LSTM goBackwards", ours: () => new L.LSTM(3, { goBackwards: true, returnSequences: true }), tf: () => tf.layers.lstm({ units: 3, recurrentActivation: "sigmoid", goBackwards: true, returnSequences: true }), inputs: [[2, 4, 3]] },
  { name: "LSTM relu/tanh activations (step by step)", ours: () => new L.LSTM(3, { activation: "relu", recurrentActivation: "tanh", returnSequences: true }), tf: () => tf.layers.lstm({ units: 3, activation: "relu", recurrentActivation: "tanh", returnSequences: true }), inputs: [[2, 4, 3]] },
  { name: "LSTM unitForgetBias false", ours: () => new L.LSTM(3, { unitForgetBias: false, biasInitializer: "random_normal" }), tf: () => tf.layers.lstm({ units: 3, recurrentActivation: "sigmoid", unitForgetBias: false }), inputs: [[2, 4, 3]] },
  { name: "GRU resetAfter false (step by step)", ours: () => new L.GRU(4, { resetAfter: false, returnSequences: true, biasInitializer: "random_normal" }), tf: () => tf.layers.gru({ units: 4, recurrentActivation: "sigmoid", returnSequences: true }), inputs: [[3, 5, 2]] },
  { name: "GRU resetAfter false, goBackwards, returnState", ours: () => new L.GRU(3, { resetAfter: false, goBackwards: true, returnState: true }), tf: () => tf.layers.gru({ units: 3, recurrentActivation: "sigmoid", goBackwards: true, returnState: true }), inputs: [[2, 4, 3]] },
  { name: "Bidirectional LSTM concat", ours: () => new L.Bidirectional(new L.LSTM(3, { returnSequences: true })), tf: () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, recurrentActivation: "sigmoid", returnSequences: true }) as never }), inputs: [[2, 4, 3]] },
  { name: "Bidirectional GRU sum, last step", ours: () => new L.Bidirectional(new L.GRU(3, { resetAfter: false }), { mergeMode: "sum" }), tf: () => tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3, recurrentActivation: "sigmoid" }) as never, mergeMode: "sum" }), inputs: [[2, 4, 3]] },
  { name: "Concatenate axis -1", ours: () => new L.Concatenate(), tf: () => tf.layers.concatenate(), inputs: [[2, 3], [2, 4]] },
  { name: "Concatenate axis 1", ours: () => new L.Concatenate({ axis: 1 }), tf: () => tf.layers.concatenate({ axis: 1 }), inputs: [[2, 3, 2], [2, 1, 2]] },
  ...(["Add", "Multiply", "Average", "Maximum", "Minimum"] as const).map((n): Case => ({
    name: n, ours: () => new L[n](), tf: () => (tf.layers as unknown as Record<string, () => tf.layers.Layer>)[n[0].toLowerCase() + n.slice(1)](), inputs: [[3, 4], [3, 4]],
  })),
  { name: "Rescaling", ours: () => new L.Rescaling(1 / 255, { offset: -0.5 }), tf: () => tf.layers.rescaling({ scale: 1 / 255, offset: -0.5 }), inputs: [[3, 4]] },
];

const measured: [string, number][] = [];
after(() => {
  const worst = measured.sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, v]) => `${n}: ${v.toExponential(2)}`);
  console.log(`keras layers vs TensorFlow.js, ${measured.length} comparisons, largest max |diff|: ${worst.join("; ")}`);
});

function compare(name: string, ours: Run, theirs: Run, tol: number): void {
  assert.deepEqual(ours.shapes, theirs.shapes, `${name}: output shapes`);
  let worst = 0;
  const check = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => {
    // Relative to the reference's scale, so long sums are judged fairly.
    const scale = Math.max(1, ...Array.from(b, Math.abs));
    const m = maxDiff(a, b);
    worst = Math.max(worst, m / scale);
    assert.ok(m <= tol * scale, `${name}: ${what} differs by ${m} (tolerance ${tol * scale})`);
  };
  ours.outputs.forEach((o, i) => check(o, theirs.outputs[i], `output ${i}`));
  ours.inputGrads.forEach((g, i) => {
    if (g && theirs.inputGrads[i]) check(g, theirs.inputGrads[i]!, `gradient of input ${i}`);
  });
  assert.equal(ours.weightGrads.length, theirs.weightGrads.length, `${name}: number of trainable weights`);
  ours.weightGrads.forEach((g, i) => check(g, theirs.weightGrads[i], `gradient of weight ${i}`));
  measured.push([name, worst]);
}

forEachBackend("keras layers vs TensorFlow.js", () => {
  for (const c of CASES) {
    it(c.name, () => {
      ds.seed(7);
      const inputs = c.inputs.map((s) => (Array.isArray(s) ? ds.randn(s) : ds.randint(0, s.int, s.shape)));
      const layer = c.ours();
      layer.maybeBuild(inputs.length > 1 || c.list ? inputs.map((x) => [null, ...x.shape.slice(1)]) : [null, ...inputs[0].shape.slice(1)]);
      const weights = layer.getWeights(); // before our run: a training BatchNormalization moves its statistics
      const ours = runOurs(layer, inputs, { training: c.training, list: c.list, kwargs: c.kwargs });
      const theirs = runTf(c.tf(), inputs, ours.ups, weights, { training: c.training, list: c.list, kwargs: c.kwargs, pre: c.pre, grads: c.tfGrads !== false });
      if (c.tfGrads === false) {
        compare(c.name, { ...ours, inputGrads: [], weightGrads: [] }, { ...theirs, inputGrads: [], weightGrads: [] }, c.tol ?? 2e-5);
        const l64 = c.ours();
        const x64 = inputs[0].to("float64");
        const layer64 = keras.layers.deserialize({ class_name: l64.className, config: { ...l64.getConfig(), dtype: "float64" } });
        gradcheck((x) => layer64.call(x) as Tensor, [x64], { name: c.name, atol: 1e-6, rtol: 1e-5 });
      } else {
        compare(c.name, ours, theirs, c.tol ?? 2e-5);
      }
    });
  }

  it("BatchNormalization with axis 1 equals axis -1 on the transposed input (TensorFlow.js cannot run it)", () => {
    ds.seed(2);
    const x = ds.randn([3, 4, 5]);
    const a = new L.BatchNormalization({ axis: 1 }), b = new L.BatchNormalization();
    const ya = a.call(x, { training: true }) as Tensor, yb = b.call(x.permute([0, 2, 1]), { training: true }) as Tensor;
    assert.ok(maxDiff(ya.dataSync(), yb.permute([0, 2, 1]).contiguous().dataSync()) < 1e-6);
    assert.ok(maxDiff(a.movingVariance.dataSync(), b.movingVariance.dataSync()) < 1e-6);
  });

  it("Subtract and ELU's alpha", () => {
    const a = ds.tensor([[1, -2], [3, 0.5]]), b = ds.tensor([[0.5, 1], [-1, 2]]);
    assert.deepEqual((new L.Subtract().call([a, b]) as Tensor).toArray(), [[0.5, -3], [4, -1.5]]);
    const y = (new L.ELU({ alpha: 0.7 }).call(a) as Tensor).toArray() as number[][];
    assert.ok(Math.abs(y[0][1] - 0.7 * Math.expm1(-2)) < 1e-6 && y[0][0] === 1);
  });

  it("BatchNormalization's moving statistics after a training step equal TensorFlow.js's", () => {
    ds.seed(3);
    const x = ds.randn([8, 3]).mul(2).add(1);
    const ours = new L.BatchNormalization({ momentum: 0.8 });
    ours.call(x, { training: true });
    const theirs = tf.layers.batchNormalization({ momentum: 0.8 });
    theirs.apply(toTf(x), { training: true });
    const [, , mm, mv] = theirs.getWeights();
    assert.ok(maxDiff(ours.movingMean.dataSync(), mm.dataSync()) < 1e-6);
    assert.ok(maxDiff(ours.movingVariance.dataSync(), mv.dataSync()) < 1e-6);
  });
});

describe("keras layers TensorFlow.js lacks, against their definitions", () => {
  it("GRU with resetAfter (Keras' default, the fused path) equals Keras' cell written with TensorFlow.js ops", () => {
    ds.seed(11);
    const [N, T, F, u] = [2, 5, 3, 4];
    const x = ds.randn([N, T, F]);
    const layer = new L.GRU(u, { returnSequences: true, biasInitializer: "random_normal" });
    const ours = runOurs(layer, [x]);
    const [K, R, B] = layer.getWeights().map(toTf);
    const xv = tf.variable(toTf(x)), vars = [xv, tf.variable(K), tf.variable(R), tf.variable(B)];
    const { grads } = tf.variableGrads(() => {
      const [, k, r, b] = vars;
      let h = tf.zeros([N, u]);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const xt = tf.squeeze(tf.slice(vars[0], [0, t, 0], [N, 1, F]), [1]);
        const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, k), tf.slice(b, [0, 0], [1, 3 * u])), 3, 1);
        const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h, r), tf.slice(b, [1, 0], [1, 3 * u])), 3, 1);
        const z = tf.sigmoid(tf.add(xz, rz)), rg = tf.sigmoid(tf.add(xr, rr));
        const hh = tf.tanh(tf.add(xh, tf.mul(rg, rh)));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
        outs.push(h);
      }
      const y = tf.stack(outs, 1);
      return tf.sum(tf.mul(y, toTf(ours.ups[0]))) as tf.Scalar;
    }, vars as tf.Variable[]);
    const ref = (() => {
      const [, k, r, b] = vars;
      let h = tf.zeros([N, u]);
      const outs: tf.Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const xt = tf.squeeze(tf.slice(vars[0], [0, t, 0], [N, 1, F]), [1]);
        const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, k), tf.slice(b, [0, 0], [1, 3 * u])), 3, 1);
        const [rz, rr, rh] = tf.split(tf.add(tf.matMul(h, r), tf.slice(b, [1, 0], [1, 3 * u])), 3, 1);
        const z = tf.sigmoid(tf.add(xz, rz)), rg = tf.sigmoid(tf.add(xr, rr));
        h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), tf.tanh(tf.add(xh, tf.mul(rg, rh)))));
        outs.push(h);
      }
      return tf.stack(outs, 1);
    })();
    const theirs: Run = {
      ups: ours.ups, outputs: [Float32Array.from(ref.dataSync())], shapes: [ref.shape],
      inputGrads: [Float32Array.from(grads[xv.name].dataSync())], weightGrads: vars.slice(1).map((v) => Float32Array.from(grads[v.name].dataSync())),
    };
    compare("GRU resetAfter (fused) vs Keras' cell", ours, theirs, 2e-5);
  });

  it("MultiHeadAttention equals Keras' einsum definition written with TensorFlow.js ops (mask, causal, scores)", () => {
    ds.seed(5);
    const [B, T, S, D, H, kd] = [2, 4, 3, 5, 2, 3];
    const q = ds.randn([B, T, D]), v = ds.randn([B, S, D]), k = ds.randn([B, S, 4]);
    const mask = ds.tensor([[[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]], [[1, 0, 0], [1, 1, 0], [1, 1, 1], [0, 0, 1]]]).gt(0);
    const layer = new L.MultiHeadAttention(H, kd, { valueDim: 2, outputShape: 6, biasInitializer: "random_normal" });
    const xs = [q, v, k].map((t) => t.detach().requiresGrad_(true));
    const [y, scores] = layer.call(xs[0], xs[1], { key: xs[2], attentionMask: mask, returnAttentionScores: true }) as Tensor[];
    const up = ds.randn(y.shape);
    y.mul(up).sum().backward();
    const W = layer.getWeights().map(toTf);
    const names = ["query", "key", "value"];
    assert.deepEqual(layer.weightEntries().map((w) => w.name), ["kernel", "bias", "kernel", "bias", "kernel", "bias", "kernel", "bias"]);
    assert.deepEqual(layer.getWeights().map((w) => w.shape), [[D, H, kd], [H, kd], [4, H, kd], [H, kd], [D, H, 2], [H, 2], [H, 2, 6], [6]]);
    void names;
    const vars = [q, v, k].map((t) => tf.variable(toTf(t))).concat(W.map((w) => tf.variable(w)));
    let refScores: tf.Tensor | null = null;
    const f = () => {
      const [qv, vv, kv, wq, bq, wk, bk, wv, bv, wo, bo] = vars;
      // Keras' einsums as products (TensorFlow.js's einsum has no gradient).
      const proj = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, d: number) => {
        const [n, t] = x.shape;
        const y = tf.add(tf.reshape(tf.matMul(tf.reshape(x, [n * t, x.shape[2]!]), tf.reshape(w, [w.shape[0], H * d])), [n, t, H, d]), b);
        return tf.transpose(y, [0, 2, 1, 3]); // [B, H, steps, d]
      };
      const qh = proj(qv, wq, bq, kd), kh = proj(kv, wk, bk, kd), vh = proj(vv, wv, bv, 2);
      const logits = tf.matMul(tf.mul(qh, 1 / Math.sqrt(kd)), kh, false, true);
      const blocked = tf.mul(tf.sub(1, tf.expandDims(toTf(mask.float()), 1)), -1e9);
      const att = tf.softmax(tf.add(logits, blocked), -1);
      refScores = tf.keep(att);
      const ctx = tf.reshape(tf.transpose(tf.matMul(att, vh), [0, 2, 1, 3]), [B * T, H * 2]);
      const out = tf.reshape(tf.add(tf.matMul(ctx, tf.reshape(wo, [H * 2, 6])), bo), [B, T, 6]);
      return out;
    };
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), toTf(up))) as tf.Scalar, vars as tf.Variable[]);
    const ref = f();
    const tol = 3e-5;
    assert.ok(maxDiff(y.dataSync(), ref.dataSync()) < tol, "output");
    assert.ok(maxDiff(scores.dataSync(), refScores!.dataSync()) < tol, "attention scores");
    xs.forEach((x, i) => assert.ok(maxDiff(x.grad!.dataSync(), grads[vars[i].name].dataSync()) < tol, `input ${i} gradient`));
    layer.trainableWeights.forEach((w, i) => assert.ok(maxDiff(w.grad!.dataSync(), grads[vars[3 + i].name].dataSync()) < tol, `weight ${i} gradient`));
    // Causal: query t sees keys s <= t only.
    const self = layer.call(q.narrow(1, 0, 3), q.narrow(1, 0, 3), { key: k.narrow(1, 0, 3), useCausalMask: true, returnAttentionScores: true }) as Tensor[];
    const s = self[1].toArray() as number[][][][];
    assert.equal(s[0][0][0][1], 0);
    assert.equal(s[1][1][1][2], 0);
    assert.ok(Math.abs(s[0][0][2][0] + s[0][0][2][1] + s[0][0][2][2] - 1) < 1e-6);
  });

  it("Normalization: adapt computes each feature's mean and variance; (x - mean) / sqrt(var); invert undoes it", () => {
    const data = ds.tensor([[1, 10], [2, 20], [3, 60], [6, 30]]);
    const norm = new L.Normalization();
    norm.adapt(data);
    assert.deepEqual(Array.from(norm.mean.dataSync()), [3, 30]);
    assert.deepEqual(Array.from(norm.variance.dataSync()), [3.5, 350]);
    const y = norm.call(ds.tensor([[3, 30], [6, 30]])).toArray() as number[][];
    assert.ok(Math.abs(y[1][0] - 3 / Math.sqrt(3.5)) < 1e-6 && y[0][0] === 0 && y[1][1] === 0);
    const inv = new L.Normalization({ mean: [3, 30], variance: [3.5, 350], invert: true });
    const back = inv.call(norm.call(data));
    assert.ok(maxDiff(back.dataSync(), data.dataSync()) < 1e-4);
    const perAll = new L.Normalization({ axis: null });
    perAll.adapt(ds.tensor([[1, 3], [5, 7]]));
    assert.deepEqual(perAll.mean.shape, []);
    assert.equal(perAll.mean.item(), 4);
  });
});
