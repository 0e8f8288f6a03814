// ml/distances.ts, the estimators' one home of Euclidean geometry: the tensor forms against the
// plain two-loop definitions, and the kNN brute-force path (GEMM + norms fused into its selection
// loop) against the composed sqEuclidean + argsort reference. Also: logistic regression (loss and
// gradient as ds ops) lands where finite differences of its objective vanish.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { PCG32 } from "../src/core/rng.js";
import { sqEuclidean, rowNorms2, dotRows, rowsTensor, sqDist, dotSelf } from "../src/ml/distances.js";
import { assertClose } from "./helpers/assert.js";

const { ml } = ds;

function normal(n: number, d: number, seed: number): Float64Array {
  const rng = new PCG32(seed), out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextNormal() * 3 + 1;
  return out;
}

test("distances: sqEuclidean, dotRows and rowNorms2 equal the two-loop definitions (float64)", () => {
  const na = 37, nb = 53, d = 7;
  const A = normal(na, d, 1), B = normal(nb, d, 2);
  const D = sqEuclidean(rowsTensor(A, na, d), rowsTensor(B, nb, d));
  const G = dotRows(rowsTensor(A, na, d), rowsTensor(B, nb, d));
  assert.equal(D.dtype, "float64");
  assert.deepEqual(D.shape, [na, nb]);
  const dv = D.dataSync(), gv = G.dataSync();
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      const ref = sqDist(A, i * d, B, j * d, d);
      assert.ok(Math.abs(dv[i * nb + j] - ref) <= 1e-12 * (1 + ref), `D[${i},${j}] ${dv[i * nb + j]} vs ${ref}`);
      let dot = 0;
      for (let k = 0; k < d; k++) dot += A[i * d + k] * B[j * d + k];
      assert.ok(Math.abs(gv[i * nb + j] - dot) <= 1e-12 * (1 + Math.abs(dot)));
    }
  }
  assertClose(rowNorms2(rowsTensor(A, na, d)), Array.from({ length: na }, (_, i) => dotSelf(A, i * d, d)), { atol: 1e-12 });
  // A row against itself: exactly 0 after the clamp, never negative from rounding.
  const self = sqEuclidean(rowsTensor(A, na, d), rowsTensor(A, na, d)).dataSync();
  for (let i = 0; i < na; i++) assert.ok(self[i * na + i] >= 0 && self[i * na + i] < 1e-12);
});

test("kNN brute force (fused GEMM path) finds the neighbours of the composed sqEuclidean + argsort", () => {
  const n = 600, nq = 45, d = 20, k = 6;
  const X = normal(n, d, 3), Q = normal(nq, d, 4);
  const knn = new ml.KNeighborsRegressor({ nNeighbors: k, algorithm: "brute" }).fit(rowsTensor(X, n, d), ds.tensor(new Float64Array(n)));
  const { distances, indices } = knn.kneighbors(rowsTensor(Q, nq, d));
  const D = sqEuclidean(rowsTensor(Q, nq, d), rowsTensor(X, n, d));
  const order = ds.argsort(D, { dim: 1, stable: true }).dataSync(), dv = D.dataSync();
  const got = indices.dataSync(), gd = distances.dataSync();
  for (let i = 0; i < nq; i++) {
    for (let t = 0; t < k; t++) {
      assert.equal(got[i * k + t], order[i * n + t], `query ${i}, neighbour ${t}`);
      assert.ok(Math.abs(gd[i * k + t] - Math.sqrt(dv[i * n + order[i * n + t]])) < 1e-10);
    }
  }
});

test("LogisticRegression (loss and gradient as ds ops) stops at the true optimum: finite differences of the objective vanish there", () => {
  // A wrong gradient would send L-BFGS elsewhere: at the fitted weights, central differences of
  // the objective (computed here in plain JS) must be ≈ 0, for the binary and the multinomial loss.
  const n = 120, d = 4;
  const X = normal(n, d, 5), yb = new Int32Array(n), ym = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = X[i * d] - 0.5 * X[i * d + 1] + 0.3 * X[i * d + 2];
    yb[i] = s > 1 ? 1 : 0;
    ym[i] = s > 3 ? 2 : s > 0 ? 1 : 0;
  }
  for (const y of [yb, ym]) {
    const C = 0.7;
    const m = new ml.LogisticRegression({ C, tol: 1e-10, maxIter: 1000 }).fit(rowsTensor(X, n, d), ds.tensor(y));
    // At the optimum, ∇ of Σ logloss + ‖W‖²/(2C) vanishes: Σ (p − y) x = −W/C, checked by finite
    // differences of the objective computed here from predictProba (plain JS, no ds ops).
    const W = m.coef_.toArray() as number[][], b = Array.from(m.intercept_.dataSync());
    const obj = (Wm: number[][], bm: number[]): number => {
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const z = Wm.map((w, k) => bm[k] + w.reduce((s, wj, j) => s + wj * X[i * d + j], 0));
        if (Wm.length === 1) loss += Math.log1p(Math.exp(z[0])) - y[i] * z[0];
        else { const mx = Math.max(...z); loss += mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0)) - z[y[i]]; }
      }
      return loss + Wm.flat().reduce((s, w) => s + w * w, 0) / (2 * C);
    };
    const h = 1e-5;
    for (let k = 0; k < W.length; k++) {
      for (let j = 0; j < d; j++) {
        const up = W.map((r) => r.slice()), dn = W.map((r) => r.slice());
        up[k][j] += h; dn[k][j] -= h;
        const g = (obj(up, b) - obj(dn, b)) / (2 * h);
        assert.ok(Math.abs(g) < 1e-4, `class ${k} feature ${j}: finite-difference gradient at the fitted optimum ${g}`);
      }
    }
  }
});
