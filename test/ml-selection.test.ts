// ml model selection and pipelines: trainTestSplit, KFold/StratifiedKFold, crossValScore, GridSearchCV
// and Pipeline, against scikit-learn (test/fixtures/ml-unsupervised.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL("./fixtures/ml-unsupervised.json", import.meta.url), "utf8"));
const diabetes = ml.datasets.loadDiabetes();
const iris = ml.datasets.loadIris();

test("trainTestSplit: tensors and arrays keep their kind, seeds repeat, stratify keeps proportions", () => {
  const X = Array.from({ length: 20 }, (_, i) => [i, 2 * i]);
  const y = Array.from({ length: 20 }, (_, i) => (i < 14 ? "a" : "b"));
  const [Xtr, Xte, ytr, yte] = ml.trainTestSplit(X, y, { testSize: 0.25, seed: 3, stratify: y });
  assert.equal(Xtr.length, 15);
  assert.equal(Xte.length, 5);
  assert.ok(Array.isArray(Xte) && Array.isArray(yte));
  assert.deepEqual([...Xte.map((r) => r[0]), ...Xtr.map((r) => r[0])].sort((a, b) => a - b), X.map((r) => r[0]));
  Xtr.forEach((r, i) => assert.equal(ytr[i], r[0] < 14 ? "a" : "b"), "rows stay paired");
  const bTest = yte.filter((v) => v === "b").length;
  assert.ok(bTest === 1 || bTest === 2, `30% of 5 test rows is 1.5, got ${bTest}`);
  const again = ml.trainTestSplit(X, y, { testSize: 0.25, seed: 3, stratify: y });
  assert.deepEqual(again[1], Xte);
  const [tTr, tTe] = ml.trainTestSplit(iris.data, { testSize: 30, seed: 0 });
  assert.ok(tTr instanceof ds.Tensor && tTe instanceof ds.Tensor);
  assert.deepEqual([tTr.shape, tTe.shape], [[120, 4], [30, 4]]);
  const [small] = ml.trainTestSplit(X, { trainSize: 0.5, seed: 1 });
  assert.equal(small.length, 10);
  const [a, b] = ml.trainTestSplit(X, { shuffle: false });
  assert.deepEqual([a[0], b[0]], [X[0], X[15]]);
  assert.throws(() => ml.trainTestSplit(X, y.slice(1)), ds.ShapeError);
});

test("KFold and StratifiedKFold match scikit-learn's folds; shuffling is seeded", () => {
  const k = fx.kfold;
  const folds = new ml.KFold({ nSplits: 3 }).split(Array.from({ length: k.n }, () => [0]));
  assert.deepEqual(folds.map(([, te]) => Array.from(te)), k.folds3);
  folds.forEach(([tr, te]) => assert.equal(tr.length + te.length, k.n));
  const strat = new ml.StratifiedKFold({ nSplits: 3 }).split(k.stratY, k.stratY);
  assert.deepEqual(strat.map(([, te]) => Array.from(te)), k.stratFolds3);
  const s1 = new ml.KFold({ nSplits: 4, shuffle: true, seed: 5 }).split(new Array(10).fill(0));
  const s2 = new ml.KFold({ nSplits: 4, shuffle: true, seed: 5 }).split(new Array(10).fill(0));
  assert.deepEqual(s1, s2);
  assert.deepEqual(s1.flatMap(([, te]) => Array.from(te)).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  const ss = new ml.StratifiedKFold({ nSplits: 3, shuffle: true, seed: 1 }).split(k.stratY, k.stratY);
  for (const [, te] of ss) assert.ok(Array.from(te).filter((i) => k.stratY[i] === 0).length >= 3, "each fold keeps its share of class 0");
  assert.throws(() => new ml.KFold({ nSplits: 1 }), ds.ArgumentError);
  assert.throws(() => new ml.KFold({ nSplits: 5 }).split([1, 2, 3]), /greater than the number of samples/);
  assert.throws(() => new ml.StratifiedKFold().split([1, 2]), /needs the labels/);
});

test("crossValScore and GridSearchCV match scikit-learn on Ridge (diabetes)", () => {
  const g = fx.gridsearch;
  assertClose(ml.crossValScore(new ml.Ridge({ alpha: 0.1 }), diabetes.data, diabetes.target, { cv: 5 }), g.crossValRidge, { rtol: 1e-7, atol: 1e-9 });
  const gs = new ml.GridSearchCV(new ml.Ridge(), { alpha: g.ridge.alphas }, { cv: 5 }).fit(diabetes.data, diabetes.target);
  assert.deepEqual(gs.bestParams_, { alpha: g.ridge.bestAlpha });
  assertClose(gs.bestScore_, g.ridge.bestScore, { rtol: 1e-7 });
  assertClose(gs.cvResults_!.meanTestScore, g.ridge.meanTestScore, { rtol: 1e-7, atol: 1e-9 });
  assert.deepEqual(gs.cvResults_!.rankTestScore, g.ridge.rank);
  assert.equal((gs.bestEstimator_.getParams() as { alpha: number }).alpha, g.ridge.bestAlpha);
  assertClose(gs.score(diabetes.data, diabetes.target), gs.bestEstimator_.score!(diabetes.data, diabetes.target), { rtol: 1e-12 });

  // A pipeline, step__param names, a splitter and a named scorer.
  const pipe = new ml.Pipeline([["scale", new ml.StandardScaler()], ["ridge", new ml.Ridge()]]);
  const grid = { ridge__alpha: [0.1, 10, 100, 1000], ridge__fitIntercept: [true, false] };
  const gp = new ml.GridSearchCV(pipe, grid, { cv: new ml.KFold({ nSplits: 4 }), scoring: "neg_mean_squared_error" }).fit(diabetes.data, diabetes.target);
  assert.deepEqual(gp.cvResults_!.params, g.pipeline.params, "candidates in scikit-learn's order");
  assert.deepEqual(gp.bestParams_, g.pipeline.bestParams);
  assertClose(gp.bestScore_, g.pipeline.bestScore, { rtol: 1e-7 });
  assertClose(gp.cvResults_!.meanTestScore, g.pipeline.meanTestScore, { rtol: 1e-7 });
  assert.equal(gp.predict(diabetes.data).shape[0], 442);
  assert.equal(pipe.getParams().ridge__alpha, 1, "the template pipeline is not modified");
});

test("GridSearchCV with classifiers: stratified folds, string labels, refit false, scorer names", () => {
  const X = ds.tensor(iris.data.toArray() as number[][]);
  const names = Array.from(iris.target.dataSync(), (t) => iris.targetNames[t]);
  const gs = new ml.GridSearchCV(new ml.KNeighborsClassifier(), [{ nNeighbors: [1, 5] }, { nNeighbors: [15], weights: ["distance"] }], { cv: 5, scoring: "f1_macro" }).fit(X, names);
  assert.equal(gs.cvResults_!.params.length, 3);
  assert.ok(gs.bestScore_ > 0.9);
  assert.deepEqual(gs.classes_, ["setosa", "versicolor", "virginica"]);
  assert.equal(gs.predictLabels(X.slice([0, 0], [1, 4]))[0], "setosa");
  const acc = ml.crossValScore(new ml.LogisticRegression({ maxIter: 200 }), X, iris.target, { cv: new ml.StratifiedKFold({ nSplits: 3, shuffle: true, seed: 0 }), scoring: "neg_log_loss" });
  assert.equal(acc.shape[0], 3);
  assert.ok(Array.from(acc.dataSync()).every((v) => v < 0 && v > -0.5));
  const noRefit = new ml.GridSearchCV(new ml.GaussianNB(), { varSmoothing: [1e-9, 1e-3] }, { refit: false, scoring: "roc_auc_ovr" }).fit(X, iris.target);
  assert.ok(noRefit.bestScore_ > 0.95);
  assert.throws(() => noRefit.predict(X), ml.NotFittedError);
  // A failing candidate scores NaN (errorScore) and ranks last; when every fit fails the error is thrown.
  const pts = [[0, 0], [0, 1], [5, 5], [5, 6], [9, 9]];
  const km = new ml.GridSearchCV(new ml.KMeans({ seed: 0 }), { nClusters: [2, 3] }, { cv: 2 }).fit(pts);
  assert.deepEqual(km.bestParams_, { nClusters: 2 });
  assert.ok(Number.isNaN(km.cvResults_!.meanTestScore[1]) && km.cvResults_!.rankTestScore[1] === 2);
  assert.throws(() => new ml.GridSearchCV(new ml.KMeans(), { nClusters: [3] }, { cv: 2, errorScore: "raise" }).fit(pts), /needs at least 3 samples/);
  assert.throws(() => ml.crossValScore(new ml.KMeans({ nClusters: 4 }), pts, undefined, { cv: 2 }), /all 2 fits failed/);
  assert.throws(() => new ml.GridSearchCV(new ml.Ridge(), { alpha: [] }), /empty/);
  assert.throws(() => new ml.GridSearchCV(new ml.Ridge(), { nope: [1] }).fit(diabetes.data, diabetes.target), /unknown option "nope"/);
  assert.throws(() => ml.crossValScore(new ml.Ridge(), diabetes.data, diabetes.target, { scoring: "bogus" }), /unknown scorer/);
});

test("Pipeline: fit/predict/transform through steps, params by step__param, clone, passthrough, errors", () => {
  const pipe = new ml.Pipeline([["scale", new ml.StandardScaler()], ["pca", new ml.PCA({ nComponents: 2 })], ["clf", new ml.LogisticRegression()]]);
  pipe.fit(iris.data, iris.target);
  assert.ok(pipe.score(iris.data, iris.target) > 0.85);
  assert.deepEqual(pipe.predictProba(iris.data).shape, [150, 3]);
  assert.deepEqual(pipe.classes_, [0, 1, 2]);
  const params = pipe.getParams();
  assert.equal(params.pca__nComponents, 2);
  assert.equal(params.clf__C, 1);
  assert.ok(params.scale instanceof ml.StandardScaler);
  pipe.setParams({ pca__nComponents: 3, clf__C: 10 });
  assert.equal((pipe.namedSteps.pca as ds.ml.PCA).getParams().nComponents, 3);
  const c = pipe.clone();
  assert.notEqual(c.namedSteps.pca, pipe.namedSteps.pca);
  assert.equal(c.getParams().clf__C, 10);
  assert.throws(() => c.predict(iris.data), ml.NotFittedError);
  // Transformer-only pipeline: transform runs every step; the same as applying them by hand.
  const tp = new ml.Pipeline([["scale", new ml.StandardScaler()], ["skip", "passthrough"], ["pca", new ml.PCA({ nComponents: 2 })]]);
  const Z = tp.fitTransform(iris.data);
  const manual = new ml.PCA({ nComponents: 2 }).fitTransform(new ml.StandardScaler().fitTransform(iris.data));
  assertClose(Z, manual.toArray(), { rtol: 1e-12, atol: 1e-12 });
  assertClose(tp.transform(iris.data), manual.toArray(), { rtol: 1e-12, atol: 1e-12 });
  // Categorical input through an encoder.
  const cat = new ml.Pipeline([["onehot", new ml.OneHotEncoder()], ["nb", new ml.GaussianNB()]]);
  cat.fit([["a"], ["b"], ["a"], ["b"]], [0, 1, 0, 1]);
  assert.deepEqual(cat.predict([["b"], ["a"]]).toArray(), [1, 0]);
  assert.throws(() => new ml.Pipeline([["a", new ml.StandardScaler()], ["a", new ml.PCA()]]), /unique/);
  assert.throws(() => new ml.Pipeline([["bad__name", new ml.PCA()]]), /not allowed/);
  assert.throws(() => pipe.setParams({ nope__x: 1 }), /no step named "nope"/);
  assert.throws(() => new ml.Pipeline([["pca", new ml.PCA()], ["scale", new ml.StandardScaler()]]).fit(iris.data).predict(iris.data), /has no predict/);
});
