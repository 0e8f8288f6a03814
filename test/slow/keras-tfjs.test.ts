// Issue 13's "done when": a TensorFlow.js Layers script ports with only syntax changes and reaches
// the same results. TensorFlow.js' "Handwritten digit recognition with CNNs" tutorial
// (examples/tfjs_mnist/tfjs.ts) and its deepscript port (deepscript.ts, the same lines with another
// import) train on the same bundled digits from the same initial weights (TensorFlow.js' draw,
// copied into ours): the first steps' losses agree to float32 rounding, and the tutorial's whole
// run (10 epochs of 5,500 digits, batch 512, shuffled by each library) ends within a point of
// accuracy. TensorFlow.js runs on its cpu backend: about 11 s per step of 512 on an idle core,
// 4-5 minutes per epoch on a loaded one (so the last test takes 20-50 minutes).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../../src/index.js";
import { keras } from "../../src/index.js";
import { tf } from "../helpers/tfjs.js";
import { conv2dFilterGrad, useFastConv2dFilterGrad } from "../helpers/tfjs-fast-conv-grad.js";
import * as theirs from "../../examples/tfjs_mnist/tfjs.js";
import * as ours from "../../examples/tfjs_mnist/deepscript.js";
import { digitsData } from "../../examples/tfjs_mnist/data.js";

const tfData = digitsData((v, s) => tf.tensor(v, s));
const dsData = digitsData((v, s) => ds.tensor(v).reshape(s));

/** Both tutorial models, ours holding TensorFlow.js' initial weights. */
function twins() {
  const ref = theirs.getModel();
  keras.backend.clearSession();
  const model = ours.getModel();
  model.setWeights(ref.getWeights().map((w) => ds.tensor(Float32Array.from(w.dataSync())).reshape(w.shape)));
  return { ref, model };
}

describe("TensorFlow.js' MNIST CNN tutorial and its deepscript port", () => {
  it("the two scripts differ only in the import and argMax → argmax", () => {
    const lines = (f: string) => readFileSync(new URL(`../../examples/tfjs_mnist/${f}`, import.meta.url), "utf8").split("\n");
    const a = lines("tfjs.ts"), b = lines("deepscript.ts");
    const body = (l: string[]) => l.slice(l.findIndex((s) => s.startsWith("import ")));
    const [ta, tb] = [body(a), body(b)];
    assert.equal(ta.length, tb.length);
    const differing = ta.map((l, i) => [l, tb[i]]).filter(([x, y]) => x !== y);
    assert.deepEqual(differing, [
      ['import * as tf from "@tensorflow/tfjs";', 'import { keras as tf } from "../../src/index.js";'],
      ["  const labels = testData.labels.argMax(-1);", "  const labels = testData.labels.argmax(-1);"],
      ["  const preds = (model.predict(testxs) as tf.Tensor).argMax(-1);", "  const preds = (model.predict(testxs) as tf.Tensor).argmax(-1);"],
    ]);
  });

  it("the faster Conv2DBackpropFilter used for TensorFlow.js equals its own kernel (valid, same, strides)", () => {
    const original = useFastConv2dFilterGrad();
    type Case = { pad: "valid" | "same"; stride: number; shape: [number, number, number, number]; filter: [number, number, number, number] };
    const cases: Case[] = [
      { pad: "valid", stride: 1, shape: [3, 9, 9, 2], filter: [5, 5, 2, 3] },
      { pad: "same", stride: 2, shape: [2, 8, 7, 3], filter: [3, 3, 3, 4] },
      { pad: "valid", stride: 2, shape: [2, 7, 7, 1], filter: [3, 2, 1, 2] },
    ];
    const backend = tf.backend() as unknown as tf.KernelBackend & { readSync(id: object): Float32Array };
    for (const { pad, stride, shape, filter } of cases) {
      const x = tf.randomNormal(shape) as tf.Tensor4D;
      const y = tf.conv2d(x, tf.zeros(filter) as tf.Tensor4D, stride, pad);
      const dy = tf.randomNormal(y.shape);
      const padding = (i: 1 | 2) => (pad === "same" ? Math.floor(Math.max((y.shape[i] - 1) * stride + filter[i - 1] - shape[i], 0) / 2) : 0);
      const fast = conv2dFilterGrad(x.dataSync() as Float32Array, x.shape, dy.dataSync() as Float32Array, dy.shape, filter, [stride, stride], padding(1), padding(2));
      const info = original({ inputs: { x, dy }, backend, attrs: { strides: stride, pad, dataFormat: "NHWC", dimRoundingMode: undefined, filterShape: filter } as never }) as tf.TensorInfo;
      const ref = backend.readSync(info.dataId) as Float32Array;
      const viaGrad = tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, stride, pad).mul(dy).sum())(tf.zeros(filter)).dataSync();
      assert.equal(ref.length, fast.length);
      for (let i = 0; i < ref.length; i++) {
        assert.ok(Math.abs(fast[i] - ref[i]) <= 1e-5 * Math.max(1, Math.abs(ref[i])), `${pad}/${stride} [${i}]: ${fast[i]} vs ${ref[i]}`);
        assert.equal(viaGrad[i], fast[i], "tf.grad runs the swapped kernel");
      }
    }
  });

  it("from the same weights, the first 6 steps (unshuffled batches of 512) have the same losses", { timeout: 30 * 60_000 }, async () => {
    useFastConv2dFilterGrad();
    const { ref, model } = twins();
    const n = 6 * 512;
    const a = tfData.nextTrainBatch(n), b = dsData.nextTrainBatch(n);
    const theirLosses: number[] = [], ourMeans: number[] = [];
    await ref.fit(a.xs.reshape([n, 28, 28, 1]), a.labels, { batchSize: 512, epochs: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: (_i, logs) => { theirLosses.push(logs!.loss as number); } } });
    await model.fit(b.xs.reshape([n, 28, 28, 1]), b.labels, { batchSize: 512, epochs: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: (_i, logs) => { ourMeans.push(logs.loss); } } });
    // Keras (3) logs the epoch's running mean at each batch, TensorFlow.js the batch's own loss.
    const ourLosses = ourMeans.map((m, k) => (k === 0 ? m : (k + 1) * m - k * ourMeans[k - 1]));
    console.log(`first steps: TensorFlow.js ${theirLosses.map((v) => v.toFixed(6)).join(" ")}; deepscript ${ourLosses.map((v) => v.toFixed(6)).join(" ")}`);
    ourLosses.forEach((v, k) => assert.ok(Math.abs(v - theirLosses[k]) <= 1e-4, `step ${k + 1}: ${v} vs ${theirLosses[k]}`));
    assert.ok(theirLosses[5] < theirLosses[0] - 0.05, "the loss goes down");
  });

  it("the tutorial's train() (10 epochs, shuffled) ends within a point of TensorFlow.js's accuracy", { timeout: 90 * 60_000 }, async () => {
    useFastConv2dFilterGrad();
    const { ref, model } = twins();
    const hr = await theirs.train(ref, tfData, { onEpochEnd: (e, logs) => console.log(`TensorFlow.js epoch ${e + 1}: ${JSON.stringify(logs)}`) });
    const h = await ours.train(model, dsData, { onEpochEnd: (e, logs) => console.log(`deepscript epoch ${e + 1}: ${JSON.stringify(logs)}`) });
    const theirAcc = hr.history.val_acc as number[], ourAcc = h.history.val_accuracy;
    const theirLoss = hr.history.val_loss as number[], ourLoss = h.history.val_loss;
    console.log(`val accuracy by epoch: TensorFlow.js ${theirAcc.map((v) => v.toFixed(3)).join(" ")}; deepscript ${ourAcc.map((v) => v.toFixed(3)).join(" ")}`);
    console.log(`val loss by epoch: TensorFlow.js ${theirLoss.map((v) => v.toFixed(4)).join(" ")}; deepscript ${ourLoss.map((v) => v.toFixed(4)).join(" ")}`);
    assert.equal(ourAcc.length, 10);
    assert.ok(Math.abs(ourAcc[9] - theirAcc[9]) <= 0.01, `final val accuracy ${ourAcc[9]} vs TensorFlow.js ${theirAcc[9]}`);
    assert.ok(Math.abs(ourLoss[9] - theirLoss[9]) <= 0.05, `final val loss ${ourLoss[9]} vs TensorFlow.js ${theirLoss[9]}`);
    // The tutorial's doPrediction (500 test digits): class predictions and accuracy.
    const [tp, tl] = theirs.doPrediction(ref, tfData) as tf.Tensor[];
    const [op, ol] = ours.doPrediction(model, dsData);
    const acc = (p: ArrayLike<number>, l: ArrayLike<number>) => Array.from(p).filter((v, i) => v === l[i]).length / p.length;
    const theirsPred = acc(tp.dataSync(), tl.dataSync()), oursPred = acc(op.dataSync(), ol.dataSync());
    console.log(`doPrediction accuracy (500 digits): TensorFlow.js ${theirsPred}, deepscript ${oursPred}`);
    assert.ok(Math.abs(theirsPred - oursPred) <= 0.015 && oursPred >= 0.85, `${oursPred} vs ${theirsPred}`);
  });
});
