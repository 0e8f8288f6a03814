// ml preprocessing and bundled datasets: scalers, encoders and the imputer against scikit-learn
// (test/fixtures/ml-unsupervised.json), and ml.datasets against scikit-learn's copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL("./fixtures/ml-unsupervised.json", import.meta.url), "utf8"));
const wine = ml.datasets.loadWine();
const nan = (rows: (number | null)[][]) => rows.map((r) => r.map((v) => (v === null ? NaN : v)));
const first3 = (t: ds.Tensor) => t.slice([0, 0], [3, t.shape[1]]);

test("datasets: shapes, values, names and dtypes equal scikit-learn's", () => {
  const loaders: Record<string, () => ds.ml.datasets.Dataset> = {
    iris: ml.datasets.loadIris, wine: ml.datasets.loadWine, breast_cancer: ml.datasets.loadBreastCancer,
    diabetes: () => ml.datasets.loadDiabetes(), digits: () => ml.datasets.loadDigits(),
  };
  for (const [name, load] of Object.entries(loaders)) {
    const ref = fx.datasets[name], d = load();
    const msg = `dataset ${name}`;
    assert.deepEqual(d.data.shape, ref.shape, msg);
    assert.equal(d.data.dtype, "float64", msg);
    assert.equal(d.target.dtype, name === "diabetes" ? "float64" : "int32", msg);
    assert.equal(d.target.shape[0], ref.shape[0], msg);
    assertClose(d.data.sum(0), ref.colSums, { rtol: 1e-12, atol: 1e-12, msg });
    assertClose(d.data.slice([0, 0], [1, ref.shape[1]]), ref.first, { rtol: 1e-13, atol: 1e-15, msg });
    assertClose(d.data.slice([ref.shape[0] - 1, 0], ref.shape), ref.last, { rtol: 1e-13, atol: 1e-15, msg });
    assertClose(d.target.sum().item(), ref.targetSum, { rtol: 1e-12, msg });
    assert.deepEqual(d.featureNames, ref.featureNames, msg);
    assert.deepEqual(d.targetNames, ref.targetNames, msg);
  }
  const raw = ml.datasets.loadDiabetes({ scaled: false });
  assert.deepEqual((raw.data.slice([0, 0], [1, 3]).toArray() as number[][])[0], [59, 2, 32.1]);
  const two = ml.datasets.loadDigits({ nClass: 2 });
  assert.deepEqual(Array.from(new Set(two.target.dataSync())).sort(), [0, 1]);
  assert.deepEqual(two.targetNames, ["0", "1"]);
});

test("StandardScaler and MinMaxScaler match scikit-learn, including NaN and constant columns", () => {
  const s = fx.scalers;
  const ss = new ml.StandardScaler().fit(wine.data);
  assertClose(ss.mean_, s.standard.mean, { rtol: 1e-12 });
  assertClose(ss.var_, s.standard.var, { rtol: 1e-10 });
  assertClose(ss.scale_, s.standard.scale, { rtol: 1e-10 });
  assertClose(first3(ss.transform(wine.data)), s.standard.first3, { rtol: 1e-9, atol: 1e-12 });
  assertClose(ss.inverseTransform(ss.transform(wine.data)), wine.data.toArray(), { rtol: 1e-12, atol: 1e-12 });
  const mm = new ml.MinMaxScaler({ featureRange: [-1, 2] }).fit(wine.data);
  assertClose(mm.scale_, s.minmax.scale, { rtol: 1e-12 });
  assertClose(mm.min_, s.minmax.min, { rtol: 1e-12, atol: 1e-12 });
  assertClose(first3(mm.transform(wine.data)), s.minmax.first3, { rtol: 1e-12, atol: 1e-12 });
  assertClose(mm.inverseTransform(mm.transform(wine.data)), wine.data.toArray(), { rtol: 1e-12, atol: 1e-12 });
  const clipped = new ml.MinMaxScaler({ clip: true }).fit([[0], [10]]).transform([[-5], [20]]);
  assert.deepEqual(clipped.toArray(), [[0], [1]]);
  const sn = new ml.StandardScaler().fit(nan(s.standardNaN.X));
  assertClose(sn.mean_, s.standardNaN.mean, { rtol: 1e-12 });
  assertClose(sn.var_, s.standardNaN.var, { rtol: 1e-12 });
  assertClose(sn.transform(nan(s.standardNaN.X)), nan(s.standardNaN.out), { rtol: 1e-12 });
  assertClose(new ml.StandardScaler().fit(s.constantColumn.X).scale_, s.constantColumn.scale);
  assert.throws(() => ss.transform([[1, 2]]), /X has 2 features, but StandardScaler was fitted with 13/);
  assert.throws(() => new ml.MinMaxScaler({ featureRange: [1, 0] }).fit([[1]]), /featureRange/);
  assert.throws(() => new ml.StandardScaler().fit([[1, Infinity]]), /Infinity at row 0, column 1/);
});

test("SimpleImputer matches scikit-learn for every strategy (an all-missing column is dropped)", () => {
  const X = nan(fx.imputer.X);
  for (const strategy of ["mean", "median", "most_frequent", "constant"] as const) {
    const ref = fx.imputer[strategy];
    const imp = new ml.SimpleImputer({ strategy, fillValue: strategy === "constant" ? 7 : null }).fit(X);
    assertClose(imp.statistics_, ref.statistics.map((v: number | null) => (v === null ? NaN : v)), { rtol: 1e-12, msg: strategy });
    assertClose(imp.transform(X), ref.out, { rtol: 1e-12, msg: strategy });
  }
  const kept = new ml.SimpleImputer({ keepEmptyFeatures: true }).fitTransform(X);
  assert.deepEqual(kept.shape, [5, 4]);
  const marker = new ml.SimpleImputer({ missingValues: -1, strategy: "median" }).fitTransform([[1, -1], [3, 4], [-1, 8]]);
  assert.deepEqual(marker.toArray(), [[1, 6], [3, 4], [2, 8]]);
  assert.throws(() => new ml.SimpleImputer({ strategy: "mode" as "mean" }).fit(X), /strategy must be one of/);
});

test("OneHotEncoder and LabelEncoder match scikit-learn; unknown categories and labels are refused", () => {
  const o = fx.onehot;
  const enc = new ml.OneHotEncoder().fit(o.X);
  assert.deepEqual(enc.categories_, o.categories);
  assert.deepEqual(enc.transform(o.X).toArray(), o.out);
  assert.deepEqual(enc.getFeatureNamesOut(), o.names);
  assert.deepEqual(enc.inverseTransform(enc.transform(o.X)), o.X);
  assert.deepEqual(new ml.OneHotEncoder({ drop: "first" }).fitTransform(o.X).toArray(), o.dropFirst);
  assert.deepEqual(new ml.OneHotEncoder({ drop: "if_binary" }).fitTransform([["a", 1], ["b", 2], ["a", 3]]).toArray(), o.ifBinary);
  assert.throws(() => enc.transform([["purple", 1, "s"]]), /unknown category "purple" in column 0/);
  const ignore = new ml.OneHotEncoder({ handleUnknown: "ignore" }).fit(o.X);
  assert.deepEqual((ignore.transform([["purple", 1, "s"]]).toArray() as number[][])[0].slice(0, 3), [0, 0, 0]);
  assert.deepEqual(new ml.OneHotEncoder().fitTransform(ds.tensor([[2], [1], [2]])).toArray(), [[0, 1], [1, 0], [0, 1]]);
  assert.throws(() => new ml.OneHotEncoder().fit([["a"], [1]]), /mixes numbers and strings/);

  const le = new ml.LabelEncoder().fit(["paris", "tokyo", "amsterdam", "paris"]);
  assert.deepEqual(le.classes_, fx.labelEncoder.classes);
  assert.deepEqual(le.transform(["tokyo", "paris", "amsterdam"]).toArray(), fx.labelEncoder.codes);
  assert.equal(le.transform(["tokyo"]).dtype, "int32");
  assert.deepEqual(le.inverseTransform([2, 0]), ["tokyo", "amsterdam"]);
  assert.throws(() => le.transform(["rome"]), /previously unseen labels: \["rome"\]/);
  assert.deepEqual(new ml.LabelEncoder().fitTransform(ds.tensor([10, 5, 10])).toArray(), [1, 0, 1]);
});
