// groupBy's sum/mean loop (aggregate.ts, TwoSum compensation) against its composed reference:
// each group's values summed by neumaierSum, bit for bit, on values of mixed signs and magnitudes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, neumaierSum } from "../src/frame/aggregate.js";
import { PCG32 } from "../src/core/rng.js";

test("groupBy sum and mean: bit for bit each group's neumaierSum (and / count), NaN skipped", () => {
  const rng = new PCG32(3), n = 20_000, G = 37;
  const ids = new Int32Array(n), x = new Float64Array(n), q = new Int32Array(n);
  const special = [1e308, -1e308, 1e-300, -0, 0, 1e16, -1e16, 1, 3, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    ids[i] = rng.nextDouble() < 0.02 ? -1 : Math.floor(rng.nextDouble() * G);
    const r = rng.nextDouble();
    x[i] = r < 0.02 ? NaN : r < 0.03 && ids[i] > 30 ? special[Math.floor(rng.nextDouble() * special.length)] : (rng.nextDouble() - 0.5) * 10 ** Math.floor(rng.nextDouble() * 32 - 16);
    q[i] = Math.floor(rng.nextDouble() * 2 ** 31) * (rng.nextDouble() < 0.5 ? -1 : 1);
  }
  for (const col of [x, q]) {
    const sum = aggregate(col, { ids, count: G }, "sum", "c"), mean = aggregate(col, { ids, count: G }, "mean", "c");
    for (let k = 0; k < G; k++) {
      const vals = Array.from(col).filter((v, i) => ids[i] === k && v === v);
      const want = neumaierSum(vals);
      assert.ok(Object.is(Number(sum[k]), want) || (Number.isNaN(Number(sum[k])) && Number.isNaN(want)), `group ${k}: sum ${sum[k]} vs ${want}`);
      const m = Number(mean[k]), wm = want / vals.length;
      assert.ok(Object.is(m, wm) || (Number.isNaN(m) && Number.isNaN(wm)), `group ${k}: mean ${m} vs ${wm}`);
    }
  }
});
