// Keras losses and metrics against TensorFlow.js's (tfjs-layers' losses.js and metrics.js, the
// functions its compile() uses): per-sample values and gradients with respect to the predictions.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { keras, Tensor } from "../src/index.js";
import { maxDiff, tf, toTf } from "./helpers/tfjs.js";

// The functions tfjs-layers' compile() resolves loss and metric names to (not re-exported by @tensorflow/tfjs).
const tfl = (await import("@tensorflow/tfjs-layers/dist/losses.js")) as unknown as Record<string, (a: tf.Tensor, b: tf.Tensor, fromLogits?: boolean) => tf.Tensor>;
const tfm = (await import("@tensorflow/tfjs-layers/dist/metrics.js")) as unknown as Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor>;

const K = keras.losses;
const measured: number[] = [];
after(() => console.log(`keras losses/metrics vs TensorFlow.js: ${measured.length} comparisons, largest max |diff| ${Math.max(...measured).toExponential(2)}`));

// Targets and predictions of each kind, [6, 4].
function data(kind: "real" | "positive" | "onehot" | "probs" | "binary" | "signed" | "logits" | "labels", salt: number): Tensor {
  ds.seed(kind.length * 7 + salt);
  const n = 6, c = 4;
  switch (kind) {
    case "real": return ds.randn([n, c]);
    case "logits": return ds.randn([n, c]).mul(2);
    case "positive": return ds.rand([n, c]).add(0.1).mul(3);
    case "probs": return ds.randn([n, c]).softmax(-1);
    case "onehot": return ds.randint(0, c, [n]).oneHot(c).float();
    case "binary": return ds.rand([n, c]).gt(0.5).float();
    case "signed": return ds.rand([n, c]).gt(0.5).float().mul(2).sub(1);
    case "labels": return ds.randint(0, c, [n]);
  }
}

interface Case { name: string; ours: keras.losses.LossFunction; tf: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor; yTrue: Parameters<typeof data>[0]; yPred: Parameters<typeof data>[0] }
const CASES: Case[] = [
  { name: "mean_squared_error", ours: K.meanSquaredError, tf: tfl.meanSquaredError, yTrue: "real", yPred: "real" },
  { name: "mean_absolute_error", ours: K.meanAbsoluteError, tf: tfl.meanAbsoluteError, yTrue: "real", yPred: "real" },
  { name: "mean_absolute_percentage_error", ours: K.meanAbsolutePercentageError, tf: tfl.meanAbsolutePercentageError, yTrue: "positive", yPred: "real" },
  { name: "mean_squared_logarithmic_error", ours: K.meanSquaredLogarithmicError, tf: tfl.meanSquaredLogarithmicError, yTrue: "positive", yPred: "positive" },
  { name: "hinge", ours: K.hinge, tf: tfl.hinge, yTrue: "signed", yPred: "real" },
  { name: "squared_hinge", ours: K.squaredHinge, tf: tfl.squaredHinge, yTrue: "signed", yPred: "real" },
  { name: "categorical_hinge", ours: K.categoricalHinge, tf: tfl.categoricalHinge, yTrue: "onehot", yPred: "real" },
  { name: "log_cosh", ours: K.logCosh, tf: tfl.logcosh, yTrue: "real", yPred: "real" },
  { name: "kl_divergence", ours: K.klDivergence, tf: tfl.kullbackLeiblerDivergence, yTrue: "probs", yPred: "probs" },
  { name: "poisson", ours: K.poisson, tf: tfl.poisson, yTrue: "positive", yPred: "positive" },
  { name: "cosine_similarity", ours: (a, b) => K.cosineSimilarity(a, b), tf: tfl.cosineProximity, yTrue: "real", yPred: "real" },
  { name: "binary_crossentropy", ours: (a, b) => K.binaryCrossentropy(a, b), tf: tfl.binaryCrossentropy, yTrue: "binary", yPred: "probs" },
  { name: "categorical_crossentropy", ours: (a, b) => K.categoricalCrossentropy(a, b), tf: (a, b) => tfl.categoricalCrossentropy(a, b), yTrue: "onehot", yPred: "probs" },
  { name: "categorical_crossentropy from logits", ours: (a, b) => K.categoricalCrossentropy(a, b, { fromLogits: true }), tf: (a, b) => tfl.categoricalCrossentropy(a, b, true), yTrue: "onehot", yPred: "logits" },
  { name: "sparse_categorical_crossentropy", ours: (a, b) => K.sparseCategoricalCrossentropy(a, b), tf: (a, b) => tfl.sparseCategoricalCrossentropy(a, b), yTrue: "labels", yPred: "probs" },
  // TensorFlow.js's metrics (compared on values; they have no useful gradient).
  { name: "binary_accuracy", ours: (a, b) => keras.metrics.binaryAccuracy(a, b), tf: tfm.binaryAccuracy, yTrue: "binary", yPred: "probs" },
  { name: "categorical_accuracy", ours: keras.metrics.categoricalAccuracy, tf: tfm.categoricalAccuracy, yTrue: "onehot", yPred: "probs" },
  { name: "sparse_categorical_accuracy", ours: keras.metrics.sparseCategoricalAccuracy, tf: tfm.sparseCategoricalAccuracy, yTrue: "labels", yPred: "probs" },
];

describe("keras losses and metrics vs TensorFlow.js", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const yTrue = data(c.yTrue, 1), yPred = data(c.yPred, 2);
      // TensorFlow.js floors its labels, so it wants them as floats.
      const tfTrue = () => toTf(yTrue.dtype === "int32" ? yTrue.float() : yTrue);
      const p = yPred.detach().requiresGrad_(true);
      const ours = c.ours(yTrue, p);
      assert.deepEqual(ours.shape, [6]);
      const metric = c.name.endsWith("accuracy");
      if (!metric) ours.sum().backward();
      const pv = tf.variable(toTf(yPred));
      const theirs = c.tf(tfTrue(), pv);
      const d = maxDiff(ours.dataSync(), theirs.dataSync());
      measured.push(d);
      assert.ok(d < 2e-5 * Math.max(1, ...Array.from(theirs.dataSync(), Math.abs)), `${c.name}: values differ by ${d}`);
      if (metric) return;
      const { grads } = tf.variableGrads(() => tf.sum(c.tf(tfTrue(), pv)) as tf.Scalar, [pv]);
      const g = maxDiff(p.grad!.dataSync(), grads[pv.name].dataSync());
      measured.push(g);
      assert.ok(g < 2e-5 * Math.max(1, ...Array.from(grads[pv.name].dataSync(), Math.abs)), `${c.name}: gradients differ by ${g}`);
    });
  }
});

describe("keras losses: Keras semantics beyond TensorFlow.js", () => {
  it("probabilities are clipped to [1e-7, 1 - 1e-7]: a confident wrong prediction costs -log(1e-7)", () => {
    const l = K.sparseCategoricalCrossentropy(ds.tensor([1], { dtype: "int32" }), ds.tensor([[1, 0]]));
    assert.ok(Math.abs(l.item() + Math.log(1e-7)) < 1e-3);
    const b = K.binaryCrossentropy(ds.tensor([[1]]), ds.tensor([[0]]));
    assert.ok(Math.abs(b.item() + Math.log(1e-7)) < 1e-3);
  });

  it("sparse crossentropy from logits equals nn.F.crossEntropy; float labels are read as class indices", () => {
    const logits = ds.tensor([[2, -1, 0.5], [0.1, 0.2, 3]]);
    const viaKeras = K.sparseCategoricalCrossentropy(ds.tensor([0, 2]), logits, { fromLogits: true });
    const viaNn = ds.nn.F.crossEntropy(logits, ds.tensor([0, 2], { dtype: "int32" }), { reduction: "none" });
    assert.ok(maxDiff(viaKeras.dataSync(), viaNn.dataSync()) < 1e-6);
    // [N, 1] labels and [N, T, C] predictions work too.
    const seq = K.sparseCategoricalCrossentropy(ds.tensor([[0, 1], [2, 2]]), ds.randn([2, 2, 3]).softmax(-1));
    assert.deepEqual(seq.shape, [2, 2]);
  });

  it("label smoothing, binary from logits, Huber", () => {
    const y = ds.tensor([[0, 1, 0]]), p = ds.tensor([[0.2, 0.7, 0.1]]);
    const smooth = K.categoricalCrossentropy(y, p, { labelSmoothing: 0.3 }).item();
    const ys = [0.1, 0.8, 0.1];
    assert.ok(Math.abs(smooth + (ys[0] * Math.log(0.2) + ys[1] * Math.log(0.7) + ys[2] * Math.log(0.1))) < 1e-5);
    const z = ds.tensor([[-2, 0.5]]), t = ds.tensor([[0, 1]]);
    const want = -(Math.log(1 - 1 / (1 + Math.exp(2))) + Math.log(1 / (1 + Math.exp(-0.5)))) / 2;
    assert.ok(Math.abs(K.binaryCrossentropy(t, z, { fromLogits: true }).item() - want) < 1e-6);
    const h = K.Huber({ delta: 1 }).call(ds.tensor([[0, 0]]), ds.tensor([[0.5, 3]])).item();
    assert.ok(Math.abs(h - (0.125 + 2.5) / 2) < 1e-6);
  });

  it("names resolve (Keras' snake_case, TensorFlow.js' camelCase, classes); unknown names are refused", () => {
    for (const n of ["mse", "meanSquaredError", "mean_squared_error", "sparse_categorical_crossentropy", "sparseCategoricalCrossentropy", "binaryCrossentropy", "kld", "huber"]) {
      assert.ok(K.get(n) instanceof K.Loss, n);
    }
    assert.ok(K.isSparse(K.get("sparseCategoricalCrossentropy")));
    assert.ok(K.isSparse(K.SparseCategoricalCrossentropy({ fromLogits: true })));
    assert.throws(() => K.get("crossEntropy"), /unknown loss "crossEntropy"/);
    assert.throws(() => K.CategoricalCrossentropy({ fromLogit: true } as never), /unknown option "fromLogit"/);
  });

  it("top-k accuracy counts labels among the k highest scores", () => {
    const p = ds.tensor([[0.1, 0.5, 0.3, 0.1], [0.4, 0.3, 0.2, 0.1]]);
    assert.deepEqual(Array.from(keras.metrics.sparseTopKCategoricalAccuracy(ds.tensor([2, 3], { dtype: "int32" }), p, 2).dataSync()), [1, 0]);
    assert.deepEqual(Array.from(keras.metrics.topKCategoricalAccuracy(ds.tensor([[0, 0, 1, 0], [0, 1, 0, 0]]), p, 2).dataSync()), [1, 1]);
    const acc = keras.metrics.get("accuracy", K.get("binary_crossentropy"));
    assert.deepEqual(Array.from(acc.fn(ds.tensor([[1], [0]]), ds.tensor([[0.7], [0.6]])).dataSync()), [1, 0]);
  });
});
