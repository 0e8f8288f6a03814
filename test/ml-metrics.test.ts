// ml.metrics against scikit-learn (test/fixtures/ml-unsupervised.json): classification, regression, clustering.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
const M = ml.metrics;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const m: any = JSON.parse(readFileSync(new URL("./fixtures/ml-unsupervised.json", import.meta.url), "utf8")).metrics;
const tol = { rtol: 1e-12, atol: 1e-14 };

test("accuracy, precision, recall, F1 (binary, macro, micro, weighted, per label), confusion matrix", () => {
  assertClose(M.accuracy(m.yt, m.yp), m.accuracy, tol);
  assert.equal(M.accuracy(m.yt, m.yp, { normalize: false }), Math.round(m.accuracy * m.yt.length));
  for (const avg of ["macro", "micro", "weighted"] as const) {
    assertClose(M.precision(m.yt, m.yp, { average: avg }), m[`precision_${avg}`], { ...tol, msg: `precision ${avg}` });
    assertClose(M.recall(m.yt, m.yp, { average: avg }), m[`recall_${avg}`], { ...tol, msg: `recall ${avg}` });
    assertClose(M.f1(m.yt, m.yp, { average: avg }), m[`f1_${avg}`], { ...tol, msg: `f1 ${avg}` });
  }
  assertClose(M.precision(m.yt, m.yp, { average: null }), m.precision_None, tol);
  assertClose(M.recall(m.yt, m.yp, { average: null }), m.recall_None, tol);
  assertClose(M.f1(m.yt, m.yp, { average: null }), m.f1_None, tol);
  assertClose(M.precision(m.yb, m.ypb), m.precision_binary, tol);
  assertClose(M.recall(m.yb, m.ypb), m.recall_binary, tol);
  assertClose(M.f1(m.yb, m.ypb), m.f1_binary, tol);
  assertClose(M.f1(m.yb, m.ypb, { posLabel: 0 }), m.f1_binary_pos0, tol);
  assert.throws(() => M.f1(m.yt, m.yp), /multiclass .* average is "binary"/);
  const cm = M.confusionMatrix(m.yt, m.yp);
  assert.equal(cm.dtype, "int32");
  assert.deepEqual(cm.toArray(), m.confusion);
  assertClose(M.confusionMatrix(m.yt, m.yp, { normalize: "true" }), m.confusionTrue, tol);
  assert.deepEqual(M.confusionMatrix(["cat", "dog", "cat"], ["dog", "dog", "cat"]).toArray(), [[1, 1], [0, 1]]);
  assert.equal(M.accuracy(ds.tensor([1, 2, 3], { dtype: "int32" }), ds.tensor([1, 2, 0])), 2 / 3);
  assert.throws(() => M.accuracy([1, 2], [1]), ds.ShapeError);
  assert.throws(() => M.accuracy([], []), /empty/);
});

test("rocAuc (binary with ties, one-vs-rest, one-vs-one) and logLoss", () => {
  assertClose(M.rocAuc(m.yb, m.scoreB), m.aucBinary, tol);
  assertClose(M.rocAuc(m.yt, m.proba), m.aucOvrMacro, tol);
  assertClose(M.rocAuc(m.yt, m.proba, { average: "weighted" }), m.aucOvrWeighted, tol);
  assertClose(M.rocAuc(m.yt, m.proba, { multiClass: "ovo" }), m.aucOvoMacro, tol);
  assertClose(M.rocAuc(m.yt, m.proba, { multiClass: "ovo", average: "weighted" }), m.aucOvoWeighted, tol);
  const two = m.scoreB.map((s: number) => [1 - s, s]);
  assertClose(M.rocAuc(m.yb, two), m.aucBinary, tol);
  assert.throws(() => M.rocAuc([1, 1], [0.2, 0.3]), /only one class/);
  assertClose(M.logLoss(m.yt, m.proba), m.logLoss, tol);
  assertClose(M.logLoss(m.yb, m.pb), m.logLossBinary, tol);
  assertClose(M.logLoss([0, 1], [[1, 0], [0, 1]]), 2.220446049250313e-16, { rtol: 1e-6 });
  assert.throws(() => M.logLoss([0, 1, 2], [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]), /2 columns but there are 3 classes/);
});

test("mse, mae, r2 (one and two outputs)", () => {
  assertClose(M.mse(m.regT, m.regP), m.mse, tol);
  assertClose(M.mae(m.regT, m.regP), m.mae, tol);
  assertClose(M.r2(m.regT, m.regP), m.r2, tol);
  assertClose(M.mse(m.regT2, m.regP2), m.mse2, tol);
  assertClose(M.r2(m.regT2, m.regP2), m.r2_2, tol);
  assertClose(M.r2(ds.tensor(m.regT, { dtype: "float64" }), ds.tensor(m.regP, { dtype: "float64" })), m.r2, tol);
  assert.throws(() => M.mse([1, NaN], [1, 2]), /NaN at index 1/);
});

test("silhouette and adjusted Rand index", () => {
  const iris = ml.datasets.loadIris();
  assertClose(M.silhouette(iris.data, m.irisKmLabels), m.silhouetteIris, { rtol: 1e-10 });
  assertClose(M.silhouette(iris.data, iris.target), m.silhouetteIrisTrue, { rtol: 1e-10 });
  assertClose(M.silhouetteSamples(iris.data, m.irisKmLabels).slice([0], [5]), m.silhouetteSamplesFirst5, { rtol: 1e-10 });
  const sub = M.silhouette(iris.data, iris.target, { sampleSize: 100, seed: 1 });
  assert.ok(Math.abs(sub - m.silhouetteIrisTrue) < 0.05);
  assert.throws(() => M.silhouette(iris.data, new Array(150).fill(0)), /number of clusters is 1/);
  assertClose(M.adjustedRandIndex(iris.target, m.irisKmLabels), m.ariKm, tol);
  assertClose(M.adjustedRandIndex(m.yt, m.yp), m.ariRandom, tol);
  assert.equal(M.adjustedRandIndex([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1]), m.ariPerm);
  assert.equal(M.adjustedRandIndex(["a", "a", "b"], [5, 5, 7]), 1);
});
