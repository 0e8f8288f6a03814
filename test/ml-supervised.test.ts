// ml, supervised: linear models, logistic regression, kNN, naive Bayes, trees, forests, boosting
// and SVMs against scikit-learn (test/fixtures/ml-supervised.json from
// tools/gen_ml_fixtures_supervised.py): exact outputs for deterministic estimators, cross-validated
// scores within 2 points for randomized ones; the base class's input checks and typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL("./fixtures/ml-supervised.json", import.meta.url), "utf8"));
const iris = ml.datasets.loadIris();
const irisX = iris.data.toArray() as number[][];
const irisY = Array.from(iris.target.dataSync());

test("LinearRegression: coefficients and intercept match scikit-learn (with, without intercept, rank-deficient)", () => {
  const { X, y, Xd, ols, olsNoIntercept, olsRankDeficient } = fx.linear;
  const m = new ml.LinearRegression().fit(X, y);
  assertClose(m.coef_, ols.coef, { atol: 1e-9 });
  assertClose(m.intercept_, ols.intercept, { atol: 1e-9 });
  assertClose(m.score(X, y), ols.score, { atol: 1e-12 });
  const n = new ml.LinearRegression({ fitIntercept: false }).fit(ds.tensor(X), ds.tensor(y));
  assertClose(n.coef_, olsNoIntercept.coef, { atol: 1e-9 });
  assert.equal(n.intercept_, 0);
  const r = new ml.LinearRegression().fit(Xd, y);
  assertClose(r.coef_, olsRankDeficient.coef, { atol: 1e-8 });
  assertClose(r.intercept_, olsRankDeficient.intercept, { atol: 1e-8 });
  const p = m.predict(X);
  assert.equal(p.dtype, "float64");
  assert.deepEqual(p.shape, [X.length]);
});

test("Ridge and Lasso match scikit-learn (Lasso: coordinate descent, sparse solution)", () => {
  const { X, y, ridge, lasso } = fx.linear;
  const r = new ml.Ridge({ alpha: ridge.alpha }).fit(X, y);
  assertClose(r.coef_, ridge.coef, { atol: 1e-9 });
  assertClose(r.intercept_, ridge.intercept, { atol: 1e-9 });
  for (const c of lasso) {
    const l = new ml.Lasso({ alpha: c.alpha }).fit(X, y);
    assertClose(l.coef_, c.coef, { atol: 1e-6, msg: `alpha ${c.alpha}` });
    assertClose(l.intercept_, c.intercept, { atol: 1e-6 });
    const zeros = c.coef.map((v: number) => v === 0);
    assert.deepEqual(Array.from(l.coef_.dataSync(), (v) => v === 0), zeros, "same coefficients are exactly zero");
  }
});

test("LogisticRegression: probabilities and coefficients match scikit-learn (binary, multinomial, no intercept)", () => {
  const { Xb, yb, binary, iris: ir, irisNoIntercept: ni, irisDefault } = fx.logistic;
  const b = new ml.LogisticRegression({ C: binary.C, tol: 1e-10, maxIter: 10000 }).fit(Xb, yb);
  assertClose(b.predictProba(Xb), binary.proba, { atol: 1e-6 });
  assertClose(b.coef_, binary.coef, { atol: 1e-5 });
  assertClose(b.intercept_, binary.intercept, { atol: 1e-5 });
  assert.deepEqual(b.coef_.shape, [1, 3]);
  const m = new ml.LogisticRegression({ C: ir.C, tol: 1e-10, maxIter: 10000 }).fit(irisX, irisY);
  assertClose(m.predictProba(irisX), ir.proba, { atol: 1e-5 });
  assertClose(m.coef_, ir.coef, { atol: 1e-4 });
  assertClose(m.intercept_, ir.intercept, { atol: 1e-4 });
  assert.equal(m.score(irisX, irisY), ir.score);
  const n = new ml.LogisticRegression({ C: ni.C, fitIntercept: false, tol: 1e-10, maxIter: 10000 }).fit(irisX, irisY);
  assertClose(n.predictProba(irisX), ni.proba, { atol: 1e-4 });
  // default options (maxIter 100, tol 1e-4) stop near the same model as scikit-learn's defaults
  const d = new ml.LogisticRegression().fit(irisX, irisY);
  assertClose(d.predictProba(irisX), irisDefault.proba, { atol: 1e-2 });
});

test("KNeighbors: neighbours, votes and averages match scikit-learn (KD-tree and brute force, p = 1, 2, 3, distance weights)", () => {
  for (const name of ["lowDim", "highDim"]) {
    const { X, y, yr, Xq, cases } = fx.knn[name];
    for (const c of cases) {
      const opts = { nNeighbors: c.k, weights: c.weights, p: c.p } as const;
      const msg = `${name} k=${c.k} ${c.weights} p=${c.p}`;
      for (const algorithm of ["auto", "brute", "kd_tree"] as const) {
        const clf = new ml.KNeighborsClassifier({ ...opts, algorithm }).fit(X, y);
        assertClose(clf.predictProba(Xq), c.proba, { atol: 1e-12, msg });
        assert.deepEqual(Array.from(clf.predict(Xq).dataSync()), c.pred, msg);
        const { distances, indices } = clf.kneighbors(Xq);
        assertClose(distances, c.dist, { atol: 1e-9, msg });
        assert.deepEqual(indices.toArray(), c.ind, msg);
        const reg = new ml.KNeighborsRegressor({ ...opts, algorithm }).fit(X, yr);
        assertClose(reg.predict(Xq), c.reg, { atol: 1e-9, msg });
      }
    }
  }
});

test("GaussianNB: means, variances, priors and log-probabilities match scikit-learn (wine)", () => {
  const wine = ml.datasets.loadWine();
  const m = new ml.GaussianNB().fit(wine.data, wine.target);
  assertClose(m.theta_, fx.gnb.theta, { atol: 1e-9 });
  assertClose(m.var_, fx.gnb.var, { rtol: 1e-6, atol: 1e-6 });
  assertClose(m.classPrior_, fx.gnb.prior, { atol: 1e-9 });
  const rows = (wine.data.toArray() as number[][]).filter((_, i) => i % 7 === 0);
  assertClose(m.predictLogProba(rows), fx.gnb.logProba, { rtol: 1e-6, atol: 1e-5 });
  assert.deepEqual(Array.from(m.predict(wine.data).dataSync()), fx.gnb.pred);
});

test("DecisionTree: same tree as scikit-learn where it has no tied splits (gini, entropy, squared error)", () => {
  const { X, y, yr, Xq, cls, reg } = fx.tree;
  for (const c of cls) {
    const m = new ml.DecisionTreeClassifier({ criterion: c.criterion, maxDepth: c.maxDepth, minSamplesLeaf: c.minSamplesLeaf, seed: 0 }).fit(X, y);
    const msg = `${c.criterion} depth ${c.maxDepth} leaf ${c.minSamplesLeaf}`;
    assertClose(m.predictProba(Xq), c.proba, { atol: 1e-12, msg });
    assertClose(m.featureImportances_, c.importances, { atol: 1e-9, msg });
    assert.equal(m.tree_!.nodeCount, c.nodeCount, msg);
    assert.equal(m.getDepth(), c.depth, msg);
  }
  for (const c of reg) {
    const m = new ml.DecisionTreeRegressor({ maxDepth: c.maxDepth, minSamplesLeaf: c.minSamplesLeaf, seed: 3 }).fit(X, yr);
    const msg = `regressor depth ${c.maxDepth} leaf ${c.minSamplesLeaf}`;
    assertClose(m.predict(Xq), c.pred, { atol: 1e-9, msg });
    assertClose(m.featureImportances_, c.importances, { atol: 1e-9, msg });
    assert.equal(m.tree_!.nodeCount, c.nodeCount, msg);
  }
  // fully grown trees fit their training data
  assert.equal(new ml.DecisionTreeClassifier({ seed: 1 }).fit(X, y).score(X, y), 1);
});

test("SVC and SVR: libsvm's solution (decision values within solver tolerance, same support vectors)", () => {
  const { irisRbf, binaryLinear, binaryPoly, svr } = fx.svm;
  const m = new ml.SVC().fit(irisX, irisY);
  assertClose(m.decisionFunction(irisX.filter((_, i) => i % 5 === 0)), irisRbf.dec, { atol: 2e-3 });
  assert.deepEqual(m.nSupport_, irisRbf.nSupport);
  assert.deepEqual(Array.from(m.predict(irisX).dataSync()), irisRbf.pred);
  const { Xb, yb } = fx.logistic;
  const lin = new ml.SVC({ kernel: "linear", C: binaryLinear.C }).fit(Xb, yb);
  assertClose(lin.decisionFunction(Xb), binaryLinear.dec, { atol: 2e-3 });
  assert.deepEqual(lin.nSupport_, binaryLinear.nSupport);
  const poly = new ml.SVC({ kernel: "poly", degree: 3, C: binaryPoly.C, coef0: 1 }).fit(Xb, yb);
  assertClose(poly.decisionFunction(Xb), binaryPoly.dec, { atol: 5e-3 });
  const { X, y } = fx.linear;
  const r = new ml.SVR({ C: svr.C, epsilon: svr.epsilon }).fit(X, y);
  assertClose(r.predict(X), svr.pred, { atol: 2e-3 });
  assert.equal(r.support_.length, svr.nSupport);
});

test("SVC probability: Platt-scaled probabilities are calibrated and consistent", () => {
  const m = new ml.SVC({ probability: true, seed: 0 }).fit(irisX, irisY);
  const p = m.predictProba(irisX).toArray() as number[][];
  for (const row of p) assertClose(row.reduce((a, b) => a + b, 0), 1, { atol: 1e-9 });
  const argmax = p.map((r) => r.indexOf(Math.max(...r)));
  const agree = argmax.filter((c, i) => c === irisY[i]).length / irisY.length;
  assert.ok(agree > 0.93, `probability argmax accuracy ${agree}`);
  const { Xb, yb } = fx.logistic;
  const b = new ml.SVC({ kernel: "linear", probability: true, seed: 0 }).fit(Xb, yb);
  const pb = b.predictProba(Xb).toArray() as number[][];
  const dec = Array.from(b.decisionFunction(Xb).dataSync());
  // P(class 1) increases with the decision value
  const order = dec.map((d, i) => [d, pb[i][1]]).sort((u, v) => u[0] - v[0]);
  for (let i = 1; i < order.length; i++) assert.ok(order[i][1] >= order[i - 1][1] - 1e-12);
});

/** Builds our estimator for a fixture case. */
function make(est: string, options: Record<string, unknown>, seed: number) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const C = (ml as any)[est];
  const withSeed = est === "SVC" || est === "SVR" ? options : { ...options, seed };
  return new C(withSeed) as { fit(X: number[][], y: number[]): { score(X: number[][], y: number[]): number } };
}

const loaders: Record<string, () => { data: ds.Tensor; target: ds.Tensor }> = {
  iris: ml.datasets.loadIris, wine: ml.datasets.loadWine, breast_cancer: ml.datasets.loadBreastCancer, diabetes: ml.datasets.loadDiabetes,
};

test("forests, boosting and SVMs: 5-fold scores within 2 points of scikit-learn's (same folds, same hyperparameters)", () => {
  const { folds, checksums, cases } = fx.cv;
  const lines: string[] = [];
  for (const c of cases) {
    const d = loaders[c.dataset]();
    const X = d.data.toArray() as number[][], y = Array.from(d.target.dataSync());
    const sum = X.flat().reduce((a, b) => a + Math.abs(b), 0);
    assert.ok(Math.abs(sum - checksums[c.dataset]) < 1e-6 * checksums[c.dataset], `${c.dataset}: bundled data differs from scikit-learn's`);
    const fold: number[] = folds[c.dataset];
    const t0 = performance.now();
    const seeds: number[] = c.seeds;
    let total = 0, count = 0;
    for (const seed of seeds) {
      for (let k = 0; k < 5; k++) {
        const tr = fold.map((f, i) => (f !== k ? i : -1)).filter((i) => i >= 0);
        const te = fold.map((f, i) => (f === k ? i : -1)).filter((i) => i >= 0);
        const m = make(c.estimator, c.options, seed).fit(tr.map((i) => X[i]), tr.map((i) => y[i]));
        total += m.score(te.map((i) => X[i]), te.map((i) => y[i]));
        count++;
      }
    }
    const ours = total / count;
    if (process.env.ML_VERBOSE) console.log(c.estimator, c.dataset, ((performance.now() - t0) / 1000).toFixed(2), "s");
    lines.push(`${c.estimator} ${c.dataset} ${JSON.stringify(c.options)}: ours ${ours.toFixed(4)} sklearn ${c.score.toFixed(4)}`);
    assert.ok(ours >= c.score - 0.02, lines[lines.length - 1]);
  }
  if (process.env.ML_VERBOSE) console.log(lines.join("\n"));
});

test("forests and boosting: featureImportances_, oobScore_, seeded reproducibility", () => {
  const bc = ml.datasets.loadBreastCancer();
  const a = new ml.RandomForestClassifier({ nEstimators: 30, seed: 7, oobScore: true }).fit(bc.data, bc.target);
  const b = new ml.RandomForestClassifier({ nEstimators: 30, seed: 7 }).fit(bc.data, bc.target);
  assert.deepEqual(a.predictProba(bc.data).toArray(), b.predictProba(bc.data).toArray());
  const imp = Array.from(a.featureImportances_.dataSync());
  assertClose(imp.reduce((s, v) => s + v, 0), 1, { atol: 1e-12 });
  assert.ok(imp.every((v) => v >= 0));
  assert.ok(a.oobScore_! > 0.9 && a.oobScore_! <= 1, `oob ${a.oobScore_}`);
  const g = new ml.GradientBoostingRegressor({ nEstimators: 50, seed: 0 }).fit(ml.datasets.loadDiabetes().data, ml.datasets.loadDiabetes().target);
  assertClose(Array.from(g.featureImportances_.dataSync()).reduce((s, v) => s + v, 0), 1, { atol: 1e-12 });
  assert.ok(g.trainScore_[49] < g.trainScore_[0], "training loss decreases");
  const gc = new ml.GradientBoostingClassifier({ nEstimators: 20, seed: 0 }).fit(irisX, irisY);
  const p = gc.predictProba(irisX).toArray() as number[][];
  for (const row of p) assertClose(row.reduce((s, v) => s + v, 0), 1, { atol: 1e-12 });
  assert.ok(gc.score(irisX, irisY) > 0.95);
});

test("classifiers accept string labels and map predictions back", () => {
  const names = ["setosa", "versicolor", "virginica"];
  const ys = irisY.map((c) => names[c]);
  for (const m of [new ml.LogisticRegression(), new ml.KNeighborsClassifier(), new ml.GaussianNB(),
    new ml.DecisionTreeClassifier({ seed: 0 }), new ml.RandomForestClassifier({ nEstimators: 10, seed: 0 }), new ml.SVC(),
    new ml.GradientBoostingClassifier({ nEstimators: 10, seed: 0 })]) {
    m.fit(irisX, ys);
    assert.deepEqual(m.classes_, names);
    const labels = m.predictLabels(irisX);
    assert.ok(labels.every((l) => names.includes(l as string)));
    assert.ok(m.score(irisX, ys) > 0.9, m.constructor.name);
    // predict gives indices into classes_ for string labels
    assert.deepEqual(Array.from(m.predict(irisX).dataSync(), (k) => names[k]), labels);
  }
  // numeric non-contiguous labels come back as themselves
  const y2 = irisY.map((c) => [10, 20, 40][c]);
  const t = new ml.DecisionTreeClassifier({ maxDepth: 2, seed: 0 }).fit(irisX, y2);
  assert.deepEqual(t.classes_, [10, 20, 40]);
  const pr = t.predict(irisX);
  assert.equal(pr.dtype, "int32");
  assert.ok(Array.from(pr.dataSync()).every((v) => [10, 20, 40].includes(v)));
});

test("getParams / setParams / clone: scikit-learn's parameter protocol", () => {
  const rf = new ml.RandomForestClassifier({ nEstimators: 5, maxDepth: 3 });
  const p = rf.getParams();
  assert.equal(p.nEstimators, 5);
  assert.equal(p.maxFeatures, "sqrt");
  assert.equal(p.bootstrap, true);
  rf.setParams({ nEstimators: 7 });
  assert.equal(rf.getParams().nEstimators, 7);
  const c = rf.clone();
  assert.notEqual(c, rf);
  assert.deepEqual(c.getParams(), rf.getParams());
  assert.equal(c.isFitted, false);
  assert.throws(() => new ml.Ridge({ alfa: 1 } as never), (e: Error) => e instanceof ds.ArgumentError && /unknown option "alfa"/.test(e.message));
  assert.deepEqual(new ml.SVC().getParams(), {
    kernel: "rbf", degree: 3, gamma: "scale", coef0: 0, C: 1, tol: 1e-3, cacheSize: 200, maxIter: -1, shrinking: true, probability: false, seed: null,
  });
});

test("errors: predict before fit, feature mismatch, NaN/Inf with row and column, one class, empty or ragged input", () => {
  const all = [
    new ml.LinearRegression(), new ml.Ridge(), new ml.Lasso(), new ml.LogisticRegression(), new ml.KNeighborsClassifier({ nNeighbors: 1 }),
    new ml.KNeighborsRegressor({ nNeighbors: 1 }), new ml.DecisionTreeClassifier(), new ml.DecisionTreeRegressor(),
    new ml.RandomForestClassifier({ nEstimators: 2 }), new ml.RandomForestRegressor({ nEstimators: 2 }),
    new ml.GradientBoostingClassifier({ nEstimators: 2 }), new ml.GradientBoostingRegressor({ nEstimators: 2 }),
    new ml.SVC(), new ml.SVR(), new ml.GaussianNB(),
  ];
  const X = [[0, 1], [1, 0], [2, 2], [3, 1]], y = [0, 1, 0, 1];
  for (const m of all) {
    const name = m.constructor.name;
    assert.throws(() => m.predict(X), (e: Error) => e instanceof ml.NotFittedError && e.message.includes(`${name}.predict`) && /not fitted/.test(e.message), name);
    m.fit(X, y);
    assert.throws(() => m.predict([[1, 2, 3]]), (e: Error) => e instanceof ds.ShapeError && /3 features.*fitted with 2/.test(e.message), name);
    assert.throws(() => m.fit([[0, 1], [1, NaN], [2, 2], [3, 1]], y), (e: Error) => e instanceof ds.NonFiniteError && /NaN at row 1, column 1/.test(e.message), name);
    assert.throws(() => m.predict([[0, 1], [Infinity, 0]]), (e: Error) => e instanceof ds.NonFiniteError && /Infinity at row 1, column 0/.test(e.message), name);
    assert.throws(() => m.fit([], []), (e: Error) => e instanceof ds.ArgumentError && /empty/.test(e.message), name);
    assert.throws(() => m.fit([[0, 1], [1]], [0, 1]), (e: Error) => e instanceof ds.ShapeError && /ragged/.test(e.message), name);
    assert.throws(() => m.fit(X, [0, 1]), (e: Error) => e instanceof ds.ShapeError && /4 samples but y has 2/.test(e.message), name);
  }
  for (const m of [new ml.LogisticRegression(), new ml.SVC(), new ml.GradientBoostingClassifier()]) {
    assert.throws(() => m.fit(X, [1, 1, 1, 1]), (e: Error) => e instanceof ds.ArgumentError && /1 class \(1\); need at least 2/.test(e.message));
  }
  assert.throws(() => new ml.SVC().fit(X, y).predictProba(X), /probability: true/);
  assert.throws(() => new ml.RandomForestClassifier({ maxFeatures: 5 }).fit(X, y), /maxFeatures = 5 is more than the 2 features/);
  assert.throws(() => new ml.KNeighborsClassifier({ nNeighbors: 9 }).fit(X, y), /nNeighbors = 9 is more than the 4 training samples/);
  assert.throws(() => new ml.SVC({ kernel: "cubic" as never }).fit(X, y), /kernel must be one of/);
  assert.throws(() => new ml.LinearRegression().fit(ds.tensor([1, 2, 3]), [1, 2, 3]), /must be 2-D/);
});
