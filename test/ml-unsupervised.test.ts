// ml, unsupervised and semi-supervised: PCA, KMeans, DBSCAN and LabelPropagation against scikit-learn
// (test/fixtures/ml-unsupervised.json from tools/gen_ml_fixtures_unsupervised.py), and the
// semi-supervised learners beating a supervised baseline on digits with 10% of the labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { symmetricEigen } from "../src/ml/eigen.js";

const { ml } = ds;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL("./fixtures/ml-unsupervised.json", import.meta.url), "utf8"));
const iris = ml.datasets.loadIris();
const wine = ml.datasets.loadWine();
const digits = ml.datasets.loadDigits();
const rows = (t: ds.Tensor) => t.toArray() as number[][];
const pick = (X: number[][], idx: number[]) => idx.map((i) => X[i]);

test("symmetricEigen: A·v = λ·v, orthonormal vectors, descending values", () => {
  const n = 7;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = Math.sin(3 * i + 7 * j + 1);
  const { values, vectors } = symmetricEigen(A, n);
  for (let k = 0; k < n; k++) {
    if (k > 0) assert.ok(values[k] <= values[k - 1]);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += A[i * n + j] * vectors[j * n + k];
      assert.ok(Math.abs(av - values[k] * vectors[i * n + k]) < 1e-12);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += vectors[i * n + k] ** 2;
    assert.ok(Math.abs(norm - 1) < 1e-12);
  }
});

test("PCA matches scikit-learn: components (with sign), explained variance, ratio, transform, whiten", () => {
  const cases: [string, ds.Tensor | number[][]][] = [["iris_all", iris.data], ["iris_2_whiten", iris.data], ["digits_10", digits.data], ["digits_0.8", digits.data], ["wide", fx.pca.wide.X]];
  for (const [name, X] of cases) {
    const ref = fx.pca[name];
    const pca = new ml.PCA(ref.options).fit(X);
    const msg = `PCA ${name}`;
    assert.equal(pca.nComponents_, ref.nComponents, msg);
    assertClose(pca.explainedVariance_, ref.explainedVariance, { rtol: 1e-9, atol: 1e-9, msg });
    assertClose(pca.explainedVarianceRatio_, ref.explainedVarianceRatio, { rtol: 1e-9, atol: 1e-12, msg });
    assertClose(pca.singularValues_, ref.singularValues, { rtol: 1e-9, atol: 1e-9, msg });
    assertClose(pca.mean_, ref.mean, { rtol: 1e-12, msg });
    assertClose(pca.noiseVariance_, ref.noiseVariance, { rtol: 1e-8, atol: 1e-10, msg });
    const comps = rows(pca.components_).slice(0, ref.components.length);
    assertClose(comps.flat(), ref.components.flat(), { rtol: 1e-6, atol: 1e-8, msg: `${msg} components` });
    const first5 = Array.isArray(X) ? X.slice(0, 5) : X.slice([0, 0], [5, X.shape[1]]);
    assertClose(pca.transform(first5), ref.transformFirst5, { rtol: 1e-6, atol: 1e-8, msg: `${msg} transform` });
  }
  // inverseTransform undoes transform when every component is kept; whitened projections have unit variance.
  const full = new ml.PCA().fit(iris.data);
  assertClose(full.inverseTransform(full.transform(iris.data)), iris.data.toArray(), { rtol: 1e-10, atol: 1e-10 });
  const w = new ml.PCA({ nComponents: 2, whiten: true }).fitTransform(iris.data);
  assertClose(w.var(0), [1, 1], { rtol: 1e-9 });
  assertClose(w, new ml.PCA({ nComponents: 2, whiten: true }).fit(iris.data).transform(iris.data).toArray(), { rtol: 1e-10, atol: 1e-12 });
  assert.throws(() => new ml.PCA({ nComponents: 5 }).fit(iris.data), ds.ArgumentError);
  assert.throws(() => new ml.PCA().transform(iris.data), ml.NotFittedError);
});

test("KMeans from given centres matches scikit-learn: labels, inertia, centres, iterations", () => {
  const cases: [string, number[][]][] = [["iris", rows(iris.data)], ["wine", rows(wine.data)], ["blobs", fx.kmeans.blobs.X]];
  for (const [name, X] of cases) {
    const ref = fx.kmeans[name];
    const km = new ml.KMeans({ nClusters: ref.initIdx.length, init: pick(X, ref.initIdx) }).fit(X);
    const msg = `KMeans ${name}`;
    assert.deepEqual(km.labels_.toArray(), ref.labels, msg);
    assertClose(km.inertia_, ref.inertia, { rtol: 1e-9, msg });
    assertClose(km.clusterCenters_, ref.centers, { rtol: 1e-9, atol: 1e-9, msg });
    assert.equal(km.nIter_, ref.nIter, msg);
    assert.deepEqual(km.predict(X.slice(0, 5)).toArray(), ref.predictFirst5, msg);
    assertClose(km.transform(X.slice(0, 3)), ref.transformFirst3, { rtol: 1e-9, msg });
    assert.equal(km.labels_.dtype, "int32");
  }
});

test("KMeans k-means++: seeded runs repeat, reach scikit-learn's inertia, and respect nInit", () => {
  const X = fx.kmeans.blobs.X as number[][];
  const a = new ml.KMeans({ nClusters: 5, seed: 7, nInit: 4 }).fit(X);
  const b = new ml.KMeans({ nClusters: 5, seed: 7, nInit: 4 }).fit(X);
  assert.deepEqual(a.labels_.toArray(), b.labels_.toArray());
  assert.ok(a.inertia_ <= fx.kmeans.blobsBestInertia * 1.001, `inertia ${a.inertia_} vs scikit-learn's best ${fx.kmeans.blobsBestInertia}`);
  assertClose(-a.score(X), a.inertia_, { rtol: 1e-12 });
  const random = new ml.KMeans({ nClusters: 5, init: "random", seed: 1 }).fit(X);
  assert.ok(random.inertia_ <= fx.kmeans.blobsBestInertia * 1.05);
  // More clusters than distinct points: empty clusters are relocated, never NaN.
  const dup = new ml.KMeans({ nClusters: 3, init: [[0, 0], [0, 0], [5, 5]] }).fit([[0, 0], [0, 0.1], [5, 5], [5, 5.1]]);
  assert.ok(rows(dup.clusterCenters_).flat().every(Number.isFinite));
  assert.throws(() => new ml.KMeans({ nClusters: 10 }).fit([[1], [2]]), /needs at least 10 samples/);
  assert.throws(() => new ml.KMeans({ nClusters: 2, init: [[1, 2]] }).fit([[1, 2], [3, 4]]), ds.ShapeError);
  assert.throws(() => new ml.KMeans().fit([[1, NaN]]), /NaN at row 0, column 1/);
});

test("DBSCAN matches scikit-learn: labels (noise -1) and core samples", () => {
  const cases: [string, number[][]][] = [["moons", fx.dbscan.moons.X], ["noisy", fx.dbscan.noisy.X], ["iris", rows(iris.data)]];
  for (const [name, X] of cases) {
    const ref = fx.dbscan[name];
    const db = new ml.DBSCAN({ eps: ref.eps, minSamples: ref.minSamples }).fit(X);
    assert.deepEqual(db.labels_.toArray(), ref.labels, `DBSCAN ${name}`);
    assert.deepEqual(db.coreSampleIndices_.toArray(), ref.core, `DBSCAN ${name} core`);
    assert.deepEqual(db.components_.shape, [ref.core.length, X[0].length]);
  }
});

test("LabelPropagation matches scikit-learn (rbf and knn kernels)", () => {
  const r = fx.labelPropagation.rbf;
  const lp = new ml.LabelPropagation({ kernel: "rbf", gamma: r.gamma }).fit(iris.data, r.y);
  assert.deepEqual(lp.transduction_.toArray(), r.transduction);
  assert.equal(lp.nIter_, r.nIter);
  assertClose(lp.labelDistributions_.slice([0, 0], [5, 3]), r.distFirst5, { rtol: 1e-6, atol: 1e-9 });
  const shifted = rows(iris.data).slice(0, 3).map((row) => row.map((v) => v + 0.05));
  assertClose(lp.predictProba(shifted), r.probaFirst3, { rtol: 1e-6, atol: 1e-9 });
  const k = fx.labelPropagation.knn;
  const wineScaled = new ml.StandardScaler().fitTransform(wine.data);
  const lpk = new ml.LabelPropagation({ kernel: "knn", nNeighbors: k.nNeighbors }).fit(wineScaled, k.y);
  assert.deepEqual(lpk.transduction_.toArray(), k.transduction);
  assert.equal(lpk.nIter_, k.nIter);
  assert.throws(() => new ml.LabelPropagation().fit([[1], [2]], [-1, -1]), /no labelled samples/);
});

// Digits with 10% of the labels (stratified, seeded): the rest are -1 for the semi-supervised learners.
function digitsSemi() {
  const X = rows(digits.data).map((r) => r.map((v) => v / 16));
  const y = Array.from(digits.target.dataSync());
  const [trainIdx, testIdx] = ml.trainTestSplit(Array.from(y.keys()), { testSize: 0.3, seed: 0, stratify: y });
  const Xtr = pick(X, trainIdx), ytr = trainIdx.map((i) => y[i]);
  const [labIdx] = ml.trainTestSplit(Array.from(ytr.keys()), { trainSize: 0.1, seed: 1, stratify: ytr });
  const labeled = new Set(labIdx);
  const ySemi = ytr.map((v, i) => (labeled.has(i) ? v : -1));
  return { Xtr, ySemi, Xl: pick(Xtr, labIdx), yl: labIdx.map((i) => ytr[i]), Xte: pick(X, testIdx), yte: testIdx.map((i) => y[i]) };
}

test("semi-supervised on digits with 10% labels: SelfTraining and LabelPropagation beat the supervised baseline", () => {
  const { KNeighborsClassifier, LogisticRegression } = ml;
  const { Xtr, ySemi, Xl, yl, Xte, yte } = digitsSemi();
  assert.ok(Xl.length >= 120 && Xl.length <= 130, `labelled: ${Xl.length}`);
  const knnBase = new KNeighborsClassifier({ nNeighbors: 3 }).fit(Xl, yl).score(Xte, yte);
  const lrBase = new LogisticRegression().fit(Xl, yl).score(Xte, yte);
  const baseline = Math.max(knnBase, lrBase);
  // Self-training adopts a prediction only when all 3 neighbours agree.
  const st = new ml.SelfTrainingClassifier({ estimator: new KNeighborsClassifier({ nNeighbors: 3 }), threshold: 0.99 }).fit(Xtr, ySemi);
  const stScore = st.score(Xte, yte);
  const lpScore = new ml.LabelPropagation({ kernel: "knn", nNeighbors: 7 }).fit(Xtr, ySemi).score(Xte, yte);
  console.log(`digits, 10% labels: kNN(3) ${knnBase.toFixed(3)}, LogisticRegression ${lrBase.toFixed(3)} | SelfTraining(kNN 3) ${stScore.toFixed(3)}, LabelPropagation(knn 7) ${lpScore.toFixed(3)}`);
  assert.ok(stScore > baseline + 0.02, `SelfTraining ${stScore} vs baseline ${baseline}`);
  assert.ok(lpScore > baseline + 0.02, `LabelPropagation ${lpScore} vs baseline ${baseline}`);
  assert.ok(st.nIter_ >= 1 && ["max_iter", "no_change", "all_labeled"].includes(st.terminationCondition_));
  const li = Array.from(st.labeledIter_.dataSync());
  assert.equal(li.filter((v) => v === 0).length, Xl.length, "given labels are round 0");
  assert.ok(li.filter((v) => v > 0).length > 500, "most unlabelled samples were adopted");
  assert.deepEqual(st.classes_, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => new ml.SelfTrainingClassifier({ estimator: new KNeighborsClassifier() }).fit([[1], [2]], [-1, -1]), /no labelled samples/);
  assert.throws(() => new ml.SelfTrainingClassifier().fit([[1], [2]], [0, 1]), /must be a classifier/);
});
