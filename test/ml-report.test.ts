// ml.metrics.classificationReport against scikit-learn 1.2's classification_report text
// (test/fixtures/ml-report.json from tools/gen_ml_report_fixtures.py), character for character,
// and the Python-style rounding it relies on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { formatFixed } from "../src/ml/metrics/report.js";

const M = ds.ml.metrics;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(new URL("./fixtures/ml-report.json", import.meta.url), "utf8"));

for (const c of fx.cases) {
  test(`classificationReport matches scikit-learn: ${c.name}`, () => {
    assert.equal(M.classificationReport(c.yTrue, c.yPred, c.opts), c.text);
  });
}

test("classificationReport takes tensors, and refuses bad options with typed errors", () => {
  const y = [0, 1, 2, 2, 1, 0], p = [0, 2, 2, 2, 1, 0];
  assert.equal(M.classificationReport(ds.tensor(Int32Array.from(y)), ds.tensor(Int32Array.from(p))), M.classificationReport(y, p));
  assert.throws(() => M.classificationReport(y, p, { targetNames: ["a", "b"] }), (e: Error) => e instanceof ds.ArgumentError && /targetNames has 2 names but there are 3 labels/.test(e.message));
  assert.throws(() => M.classificationReport(y, p, { digits: -1 }), ds.ArgumentError);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  assert.throws(() => M.classificationReport(y, p, { output_dict: true } as any), ds.ArgumentError);
  assert.throws(() => M.classificationReport(y, p.slice(1)), ds.ShapeError);
});

test("formatFixed rounds exact binary ties to even, as Python's format(x, '.2f')", () => {
  // Python: 0.125 → 0.12, 0.375 → 0.38, 0.625 → 0.62, 0.875 → 0.88, 2.5 → "2" (0 digits), -0.125 → -0.12
  assert.equal(formatFixed(0.125, 2), "0.12");
  assert.equal(formatFixed(0.375, 2), "0.38");
  assert.equal(formatFixed(0.625, 2), "0.62");
  assert.equal(formatFixed(0.875, 2), "0.88");
  assert.equal(formatFixed(2.5, 0), "2");
  assert.equal(formatFixed(3.5, 0), "4");
  assert.equal(formatFixed(-0.125, 2), "-0.12");
  // Not exact ties in binary: 0.005 is 0.005000000000000000104… → up; 1.005 is 1.00499999… → down.
  assert.equal(formatFixed(0.005, 2), "0.01");
  assert.equal(formatFixed(1.005, 2), "1.00");
  assert.equal(formatFixed(2 / 3, 4), "0.6667");
});

test("adjustedRandScore is scikit-learn's name; adjustedRandIndex stays as its alias", () => {
  assert.equal(M.adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  assert.equal(M.adjustedRandIndex, M.adjustedRandScore);
});
