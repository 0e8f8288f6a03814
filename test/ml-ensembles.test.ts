// estimators_ of forests and gradient boosting are fitted tree estimators (as scikit-learn's):
// the ensemble's outputs are recomposed from the members' own predict / predictProba /
// featureImportances_, so the members are the very trees the ensemble uses.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
const iris = ml.datasets.loadIris();
const X = iris.data, y = iris.target;
const sum = (ts: ds.Tensor[]) => ts.reduce((a, b) => a.add(b));

test("RandomForestClassifier.estimators_: fitted DecisionTreeClassifiers whose mean probability is the forest's", () => {
  const rf = new ml.RandomForestClassifier({ nEstimators: 15, maxDepth: 4, seed: 1 }).fit(X, y);
  assert.equal(rf.estimators_.length, 15);
  for (const t of rf.estimators_) {
    assert.ok(t instanceof ml.DecisionTreeClassifier);
    assert.ok(t.isFitted);
    assert.deepEqual(t.classes_, rf.classes_);
    assert.ok(t.getDepth() <= 4);
    assert.equal(t.getParams().maxFeatures, "sqrt");
  }
  const mean = sum(rf.estimators_.map((t) => t.predictProba(X))).div(15);
  assertClose(mean, rf.predictProba(X).toArray(), { atol: 1e-12 });
  // featureImportances_: the forest's is the renormalised mean of the members'.
  const imp = sum(rf.estimators_.map((t) => t.featureImportances_)).div(15);
  assertClose(imp.div(imp.sum()), rf.featureImportances_.toArray(), { atol: 1e-12 });
  // Members predict the forest's labels (strings included).
  const names = Array.from(y.dataSync(), (k) => iris.targetNames[k]);
  const rs = new ml.RandomForestClassifier({ nEstimators: 3, seed: 2 }).fit(X, names);
  assert.ok(rs.estimators_[0].predictLabels(X).every((l) => iris.targetNames.includes(l as string)));
});

test("RandomForestRegressor.estimators_: the forest's prediction is the mean of the members'", () => {
  const d = ml.datasets.loadDiabetes();
  const rf = new ml.RandomForestRegressor({ nEstimators: 10, maxDepth: 5, seed: 3 }).fit(d.data, d.target);
  assert.ok(rf.estimators_.every((t) => t instanceof ml.DecisionTreeRegressor && t.isFitted));
  assertClose(sum(rf.estimators_.map((t) => t.predict(d.data))).div(10), rf.predict(d.data).toArray(), { atol: 1e-9 });
});

test("GradientBoosting estimators_[stage][k]: DecisionTreeRegressors whose raw steps rebuild the decision function", () => {
  const d = ml.datasets.loadDiabetes();
  const gb = new ml.GradientBoostingRegressor({ nEstimators: 12, learningRate: 0.2, seed: 4 }).fit(d.data, d.target);
  assert.equal(gb.estimators_.length, 12);
  assert.ok(gb.estimators_.every((s) => s.length === 1 && s[0] instanceof ml.DecisionTreeRegressor));
  const steps = sum(gb.estimators_.map((s) => s[0].predict(d.data))).mul(0.2).add(gb.init_);
  assertClose(steps, gb.predict(d.data).toArray(), { atol: 1e-9 });
  // Binary classifier: one tree per stage, log-odds steps.
  const yb = Array.from(y.dataSync(), (k) => (k === 2 ? 1 : 0));
  const gc = new ml.GradientBoostingClassifier({ nEstimators: 8, learningRate: 0.3, seed: 5 }).fit(X, yb);
  assert.ok(gc.estimators_.every((s) => s.length === 1));
  const raw = sum(gc.estimators_.map((s) => s[0].predict(X))).mul(0.3).add(gc.init_[0]);
  assertClose(raw, gc.decisionFunction(X).toArray(), { atol: 1e-9 });
  // Three classes: one tree per class and stage.
  const g3 = new ml.GradientBoostingClassifier({ nEstimators: 4, seed: 6 }).fit(X, y);
  assert.ok(g3.estimators_.every((s) => s.length === 3));
  assert.equal(g3.estimators_[0][1].featureImportances_.shape[0], 4);
});
