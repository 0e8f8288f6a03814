// explain: saliency of a linear model is its weights; integrated gradients satisfy completeness;
// occlusion on toy models; permutation importance finds the informative feature (ml estimators,
// nn models, functions); tree importances pass through; overlays render.
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { explain, ml, nn } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { decodePng, pixelStats } from "./helpers/png.js";

describe("explain.saliency", () => {
  it("of a linear model equals its weights (per target, per sample targets, abs)", () => {
    ds.seed(0);
    const lin = new nn.Linear(5, 3).double();
    const x = ds.randn([4, 5], { dtype: "float64" });
    const w = lin.weight.toArray() as number[][];
    assertClose(explain.saliency(lin, x, 2), [w[2], w[2], w[2], w[2]], { rtol: 1e-12 });
    assertClose(explain.saliency(lin, x, [0, 1, 2, 0]), [w[0], w[1], w[2], w[0]], { rtol: 1e-12 });
    assertClose(explain.saliency(lin, x, ds.tensor([1, 1, 1, 1], { dtype: "int32" }), { abs: true }), [0, 1, 2, 3].map(() => w[1].map(Math.abs)), { rtol: 1e-12 });
  });

  it("leaves parameters' gradients and the training mode alone; single-output models need no target", () => {
    const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Dropout(0.5), new nn.Linear(4, 1));
    model.train();
    const g = explain.saliency(model, ds.randn([2, 3]));
    assert.deepEqual(g.shape, [2, 3]);
    assert.equal(model.training, true);
    for (const p of model.parameters()) assert.equal(p.grad, null);
    // eval mode inside: dropout is off, so two calls agree
    assert.deepEqual(explain.saliency(model, ds.ones([1, 3])).toArray(), explain.saliency(model, ds.ones([1, 3])).toArray());
    assert.throws(() => explain.saliency(new nn.Linear(3, 2), ds.ones([1, 3])), /target/);
    assert.throws(() => explain.saliency(new nn.Linear(3, 2), ds.ones([2, 3]), [0]), /1 targets for 2 samples/);
  });

  it("works with plain functions", () => {
    const f = (x: ds.Tensor) => x.square().sum(1);
    const x = ds.tensor([[1, 2], [3, -1]]);
    assertClose(explain.saliency(f, x), [[2, 4], [6, -2]]);
  });
});

describe("explain.integratedGradients", () => {
  ds.seed(1);
  const mlp = new nn.Sequential(new nn.Linear(6, 16), new nn.Tanh(), new nn.Linear(16, 8), new nn.Sigmoid(), new nn.Linear(8, 3)).double();
  const x = ds.randn([5, 6], { dtype: "float64" }).mul(2);

  for (const method of ["gaussLegendre", "riemannTrapezoid", "riemannMiddle"] as const) {
    it(`satisfies completeness: Σ attributions = f(x) - f(baseline) (${method})`, () => {
      const baseline = ds.randn([1, 6], { dtype: "float64" }).mul(0.1);
      const ig = explain.integratedGradients(mlp, x, [0, 1, 2, 0, 1], { baseline, steps: 64, method, internalBatchSize: 50 });
      assert.deepEqual(ig.shape, x.shape);
      const delta = explain.convergenceDelta(mlp, x, [0, 1, 2, 0, 1], ig, { baseline });
      const gap = explain.targetOutputs(mlp, x, [0, 1, 2, 0, 1]).sub(explain.targetOutputs(mlp, baseline.expand([5, 6]), [0, 1, 2, 0, 1]));
      const rel = delta.abs().max().item() / gap.abs().max().item();
      assert.ok(rel < (method === "gaussLegendre" ? 1e-6 : 2e-3), `${method}: completeness gap ${rel}`);
    });
  }

  it("of a linear model is (x - baseline) · weight exactly", () => {
    const lin = new nn.Linear(4, 2).double();
    const xs = ds.randn([3, 4], { dtype: "float64" });
    const ig = explain.integratedGradients(lin, xs, 1, { baseline: 0.5, steps: 5 });
    assertClose(ig, xs.sub(0.5).mul(lin.weight.index(1)).toArray(), { rtol: 1e-10, atol: 1e-12 });
  });

  it("on a conv net over images keeps the input's shape and completeness", () => {
    ds.seed(2);
    const cnn = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 10));
    const imgs = ds.rand([2, 1, 8, 8]);
    const ig = explain.integratedGradients(cnn, imgs, [3, 7], { steps: 32 });
    assert.deepEqual(ig.shape, [2, 1, 8, 8]);
    const delta = explain.convergenceDelta(cnn, imgs, [3, 7], ig);
    assert.ok(delta.abs().max().item() < 5e-3, `delta ${delta.toArray()}`);
  });
});

describe("explain.occlusion", () => {
  it("finds the region a toy model looks at (non-overlapping windows)", () => {
    const model = (x: ds.Tensor) => x.narrow(2, 2, 2).narrow(3, 2, 2).sum([1, 2, 3]); // one value per sample
    const x = ds.ones([2, 1, 6, 6]);
    const a = explain.occlusion(model, x, null, { window: [2, 2], stride: [2, 2] });
    assert.deepEqual(a.shape, [2, 1, 6, 6]);
    const expect = Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i >= 2 && i < 4 && j >= 2 && j < 4 ? 4 : 0)));
    assertClose(a, [[expect], [expect]]);
  });

  it("with a 1-wide window of a linear model gives w·(x - baseline); overlapping windows average", () => {
    ds.seed(3);
    const lin = new nn.Linear(5, 2).double();
    const x = ds.randn([3, 5], { dtype: "float64" });
    const a = explain.occlusion(lin, x, 0, { window: 1, baseline: 0.25 });
    assertClose(a, x.sub(0.25).mul(lin.weight.index(0)).toArray(), { rtol: 1e-10, atol: 1e-12 });
    // Window 2 stride 1 over 5 features: feature 0 is in one window, features 1..3 in two, feature 4 in one.
    const w = (lin.weight.index(0).toArray() as number[]), xv = x.index(0).toArray() as number[];
    const c = w.map((wi, i) => wi * xv[i]);
    const win = [0, 1, 2, 3].map((s) => c[s] + c[s + 1]);
    const want = [win[0], (win[0] + win[1]) / 2, (win[1] + win[2]) / 2, (win[2] + win[3]) / 2, win[3]];
    assertClose(explain.occlusion(lin, x.narrow(0, 0, 1), 0, { window: 2 }), [want], { rtol: 1e-10, atol: 1e-12 });
  });

  it("covers every channel with a spatial window and checks its arguments", () => {
    const model = (x: ds.Tensor) => x.index(":", 1).sum([1, 2]); // only channel 1 matters
    const a = explain.occlusion(model, ds.ones([1, 3, 4, 4]), null, { window: [2, 2], stride: 2 });
    assert.deepEqual(a.shape, [1, 3, 4, 4]);
    assertClose(a.index(0, 0), ds.full([4, 4], 4).toArray()); // the window spans all channels
    assert.throws(() => explain.occlusion(model, ds.ones([1, 3, 4, 4]), null, { window: [5, 5] }), /fit/);
  });
});

describe("explain.permutationImportance", () => {
  // y = 3·x0 + 0.5·x1 + noise; x2 is noise.
  ds.seed(4);
  const X = ds.randn([200, 3], { dtype: "float64" });
  const y = X.index(":", 0).mul(3).add(X.index(":", 1).mul(0.5)).add(ds.randn([200], { dtype: "float64" }).mul(0.1));

  it("finds the informative feature for an ml estimator (its own R² score)", () => {
    const reg = new ml.LinearRegression().fit(X, y);
    const r = explain.permutationImportance(reg, X, y, { nRepeats: 5, seed: 0 });
    assert.ok(r.baselineScore > 0.99, `R² ${r.baselineScore}`);
    assert.equal(r.importances.length, 3);
    assert.equal(r.importances[0].length, 5);
    assert.ok(r.importancesMean[0] > 1 && r.importancesMean[0] > 10 * r.importancesMean[1], JSON.stringify(r.importancesMean));
    assert.ok(r.importancesMean[1] > 0.05 && Math.abs(r.importancesMean[2]) < 0.01, JSON.stringify(r.importancesMean));
    // seeded
    assert.deepEqual(explain.permutationImportance(reg, X, y, { nRepeats: 5, seed: 0 }), r);
  });

  it("works for nn models with a metric, and for classifiers with accuracy", () => {
    const lin = new nn.Linear(3, 1).double();
    ds.noGrad(() => { lin.weight.copy_(ds.tensor([[3, 0.5, 0]])); lin.bias!.copy_(0); });
    const r = explain.permutationImportance(lin, X, y, { scoring: "negMeanSquaredError", seed: 1 });
    assert.ok(r.importancesMean[0] > 10 && r.importancesMean[2] === 0, JSON.stringify(r.importancesMean));
    // A 2-class "network": class 1 when x0 > 0.
    const clf = (x: ds.Tensor) => ds.stack([x.index(":", 0).neg(), x.index(":", 0)], 1);
    const labels = X.index(":", 0).gt(0).to("int32");
    const rc = explain.permutationImportance(clf, X, labels, { nRepeats: 3 });
    assert.equal(rc.baselineScore, 1);
    assert.ok(rc.importancesMean[0] > 0.3 && rc.importancesMean[1] === 0 && rc.importancesMean[2] === 0, JSON.stringify(rc.importancesMean));
  });

  it("passes tree importances through and draws a bar chart", async () => {
    const labels = X.index(":", 0).gt(0).to("int32");
    const tree = new ml.DecisionTreeClassifier({ maxDepth: 3 }).fit(X, labels);
    const fi = explain.featureImportances(tree);
    assert.equal(fi.length, 3);
    assert.ok(fi[0] > 0.9, JSON.stringify(fi));
    assert.throws(() => explain.featureImportances(new ml.LinearRegression().fit(X, y)), /featureImportances_/);
    const svg = await explain.plotImportances(fi, { featureNames: ["x0", "x1", "x2"] }).toSVG();
    assert.match(svg, /x0/);
  });
});

describe("explain.overlay", () => {
  it("draws a grid of heat maps over the images as a PNG", async () => {
    const imgs = ds.rand([3, 1, 8, 8]);
    const attr = ds.zeros([3, 1, 8, 8]).add(ds.arange(0, 64).reshape([1, 1, 8, 8]));
    const fig = explain.overlay(imgs, attr, { labels: ["a", "b", "c"], columns: 3 });
    const png = decodePng(await fig.toPNG({ width: 300 }));
    assert.equal(png.width, 300);
    const { colors } = pixelStats(png);
    assert.ok(colors > 20, `colours ${colors}`);
    const signed = explain.overlay(imgs.index(0), attr.index(0).sub(32), { mode: "signed" });
    assert.match(await signed.toSVG(), /<svg/);
    assert.throws(() => explain.overlay(imgs, ds.zeros([2, 1, 8, 8])), /do not match/);
  });
});

describe("explain.tsne and trustworthiness vs scikit-learn", () => {
  const fx = (JSON.parse(readFileSync(new URL("./fixtures/ae.json", import.meta.url), "utf8")) as { tsne: { X: number[][]; y: number[]; tsne: number[][]; pca: number[][]; trustTsne: number; trustPca: number; trustTsne10: number } }).tsne;
  it("trustworthiness equals sklearn.manifold.trustworthiness", () => {
    assertClose(explain.trustworthiness(fx.X, fx.tsne, 5), fx.trustTsne, { rtol: 1e-12 });
    assertClose(explain.trustworthiness(fx.X, fx.tsne, 10), fx.trustTsne10, { rtol: 1e-12 });
    assertClose(explain.trustworthiness(fx.X, fx.pca, 5), fx.trustPca, { rtol: 1e-12 });
  });
  it("our exact t-SNE of 300 digits is as trustworthy as scikit-learn's (and far more than PCA)", () => {
    const y2 = explain.tsne(fx.X, { seed: 0 });
    assert.deepEqual(y2.shape, [300, 2]);
    const t = explain.trustworthiness(fx.X, y2, 5);
    assert.ok(t > fx.trustTsne - 0.01 && t > fx.trustPca + 0.08, `ours ${t}, sklearn ${fx.trustTsne}, PCA ${fx.trustPca}`);
    const p = explain.projector(ds.tensor(fx.X), fx.y, { method: "tsne", tsne: { nIter: 300 } });
    assert.deepEqual(p.points.shape, [300, 2]);
    assert.throws(() => explain.tsne(fx.X.slice(0, 10)), /perplexity/);
  });
});
