// ml.datasets.makeBlobs / makeMoons / makeRegression / makeClassification: shapes, dtypes, class
// counts and the statistics of scikit-learn's constructions (its exact NumPy streams are not
// reproduced: a seed repeats deepscript's own draw), plus typed errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;
const D = ml.datasets;

function counts(y: ds.Tensor): number[] {
  const out: number[] = [];
  for (const v of y.dataSync()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

test("makeBlobs: even split with the remainder first, blobs centred on the centres with the given spread, seeded", () => {
  const centers = [[0, 0, 0], [10, -5, 2], [-8, 8, 8]];
  const [X, y] = D.makeBlobs({ nSamples: 3001, centers, clusterStd: [0.5, 1, 2], seed: 3 });
  assert.deepEqual(X.shape, [3001, 3]);
  assert.equal(X.dtype, "float64");
  assert.equal(y.dtype, "int32");
  assert.deepEqual(counts(y), [1001, 1000, 1000]);
  const x = X.toArray() as number[][], lab = Array.from(y.dataSync());
  [0.5, 1, 2].forEach((sd, c) => {
    const rows = x.filter((_, i) => lab[i] === c);
    for (let j = 0; j < 3; j++) {
      const m = rows.reduce((s, r) => s + r[j], 0) / rows.length;
      const v = rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / (rows.length - 1);
      assert.ok(Math.abs(m - centers[c][j]) < 4 * sd / Math.sqrt(rows.length), `blob ${c} feature ${j}: mean ${m}`);
      assert.ok(Math.abs(Math.sqrt(v) / sd - 1) < 0.08, `blob ${c} feature ${j}: std ${Math.sqrt(v)} vs ${sd}`);
    }
  });
  const again = D.makeBlobs({ nSamples: 3001, centers, clusterStd: [0.5, 1, 2], seed: 3 });
  assert.deepEqual(again.X.dataSync(), X.dataSync());
  // Unshuffled: grouped by centre; random centres lie in centerBox.
  const g = D.makeBlobs({ nSamples: 10, centers: 4, nFeatures: 5, centerBox: [2, 3], clusterStd: 0, shuffle: false, seed: 1 });
  assert.deepEqual(Array.from(g.y.dataSync()), [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]);
  for (const v of g.X.dataSync()) assert.ok(v >= 2 && v < 3);
});

test("makeMoons: ⌊n/2⌋ points on the outer half circle, the rest on the inner one; noise adds spread", () => {
  const [X, y] = D.makeMoons({ nSamples: 101, seed: 0 });
  assert.deepEqual(X.shape, [101, 2]);
  assert.deepEqual(counts(y), [50, 51]);
  const x = X.toArray() as number[][];
  Array.from(y.dataSync()).forEach((c, i) => {
    const [a, b] = x[i];
    const r = c === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12, `sample ${i} (class ${c}) off its circle: r = ${r}`);
    assert.ok(c === 0 ? b >= -1e-12 : b <= 0.5 + 1e-12);
  });
  const noisy = D.makeMoons({ nSamples: 2000, noise: 0.2, seed: 1 });
  const xn = noisy.X.toArray() as number[][], yn = Array.from(noisy.y.dataSync());
  const dev = xn.map(([a, b], i) => (yn[i] === 0 ? Math.hypot(a, b) : Math.hypot(a - 1, b - 0.5)) - 1);
  const rms = Math.sqrt(dev.reduce((s, v) => s + v * v, 0) / dev.length);
  assert.ok(rms > 0.15 && rms < 0.25, `radial spread ${rms} for noise 0.2`);
});

test("makeRegression: y = X·coef + bias exactly without noise, nInformative nonzero coefficients, LinearRegression recovers them", () => {
  const [X, y, coef] = D.makeRegression({ nSamples: 200, nFeatures: 8, nInformative: 3, bias: 2.5, coef: true, seed: 4 });
  assert.deepEqual(X.shape, [200, 8]);
  assert.deepEqual(y.shape, [200]);
  assert.deepEqual(coef.shape, [8]);
  const w = Array.from(coef.dataSync());
  assert.equal(w.filter((v) => v !== 0).length, 3);
  for (const v of w) assert.ok(v >= 0 && v < 100);
  assertClose(ds.matmul(X, coef).add(2.5), Array.from(y.dataSync()), { atol: 1e-9 });
  const fit = new ml.LinearRegression().fit(X, y);
  assertClose(fit.coef_, w, { atol: 1e-8 });
  assertClose(fit.intercept_, 2.5, { atol: 1e-8 });
  // Several targets, with noise: residual spread ≈ noise.
  const many = D.makeRegression({ nSamples: 3000, nFeatures: 4, nInformative: 4, nTargets: 2, noise: 3, coef: true, seed: 5 });
  assert.deepEqual(many.y.shape, [3000, 2]);
  const r = many.y.sub(ds.matmul(many.X, many.coef!));
  const sd = Math.sqrt(r.square().mean().item());
  assert.ok(Math.abs(sd / 3 - 1) < 0.05, `noise std ${sd} for noise 3`);
});

test("makeClassification: balanced classes, redundant features in the informative span, separable with a wide classSep, weights", () => {
  const [X, y] = D.makeClassification({ nSamples: 400, nFeatures: 7, nInformative: 3, nRedundant: 2, nRepeated: 1, nClasses: 4, nClustersPerClass: 2, flipY: 0, shuffle: false, seed: 6 });
  assert.deepEqual(X.shape, [400, 7]);
  assert.deepEqual(counts(y), [100, 100, 100, 100]);
  // Informative + redundant + repeated span 3 dimensions; the one noise feature adds the 4th.
  assert.equal(ds.linalg.matrixRank(X.narrow(1, 0, 6)).item(), 3);
  assert.equal(ds.linalg.matrixRank(X).item(), 4);
  const sep = D.makeClassification({ nSamples: 600, nFeatures: 6, nInformative: 3, nClasses: 3, nClustersPerClass: 1, classSep: 4, flipY: 0, seed: 7 });
  assert.ok(new ml.LogisticRegression().fit(sep.X, sep.y).score(sep.X, sep.y) > 0.95);
  const w = D.makeClassification({ nSamples: 1000, weights: [0.75], flipY: 0, seed: 8 });
  assert.deepEqual(counts(w.y), [750, 250]);
  const a = D.makeClassification({ seed: 9 }), b = D.makeClassification({ seed: 9 });
  assert.deepEqual(a.X.dataSync(), b.X.dataSync());
  assert.deepEqual(a.X.shape, [100, 20]);
});

test("generators refuse impossible or unknown options with typed errors", () => {
  assert.throws(() => D.makeClassification({ nFeatures: 3, nInformative: 2, nRedundant: 2 }), (e: Error) => e instanceof ds.ArgumentError && /at most nFeatures/.test(e.message));
  assert.throws(() => D.makeClassification({ nInformative: 1, nClasses: 3 }), (e: Error) => e instanceof ds.ArgumentError && /2 \*\* nInformative/.test(e.message));
  assert.throws(() => D.makeBlobs({ centers: 2, clusterStd: [1, 2, 3] }), ds.ArgumentError);
  assert.throws(() => D.makeMoons({ nSamples: 0 }), ds.ArgumentError);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  assert.throws(() => D.makeRegression({ n_samples: 10 } as any), ds.ArgumentError);
});
