// nn.functional.linear's fused product-plus-bias (bmm with a bias) against its composed definition
// (matmul, then add): equal bit for bit, forward and gradients, on every backend and kernel path.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { linearComposed } from "../src/nn/functional.js";
import { forEachBackend } from "./helpers/backends.js";

const F = ds.nn.F;

type Opts = { bias?: boolean; dtype?: "float32" | "float64"; transposedX?: boolean; sumOrderDiffers?: boolean };

function both(shapeX: number[], inF: number, outF: number, opts: Opts = {}) {
  const dtype = opts.dtype ?? "float32";
  ds.seed(shapeX.length * 100 + inF + outF);
  let x = ds.randn(opts.transposedX ? [...shapeX.slice(0, -2), shapeX[shapeX.length - 1], shapeX[shapeX.length - 2]] : shapeX, { dtype });
  if (opts.transposedX) x = x.transpose(-1, -2);
  const w = ds.randn([outF, inF], { dtype });
  const b = opts.bias === false ? null : ds.randn([outF], { dtype });
  const run = (f: typeof F.linear) => {
    const [xx, ww] = [x.detach().requiresGrad_(), w.detach().requiresGrad_()];
    const bb = b ? b.detach().requiresGrad_() : null;
    const y = f(xx, ww, bb);
    y.mul(ds.arange(0, y.size).reshape(y.shape).to(dtype).sin()).sum().backward();
    return { y: y.toArray(), gx: xx.grad!.toArray(), gw: ww.grad!.toArray(), gb: bb?.grad?.toArray() ?? null };
  };
  return [run(F.linear), run(linearComposed)];
}

forEachBackend("fused linear equals matmul + add", () => {
  const cases: [string, number[], number, number, Opts][] = [
    ["one row (batch-1 inference)", [1, 67], 67, 37, {}],
    ["three rows", [3, 9], 9, 5, {}],
    ["a batch (packed product, then the bias pass)", [40, 33], 33, 21, {}],
    // 3-d: the fused form runs one product over all 14 rows (as PyTorch's addmm on the 2-d view),
    // the composed one a batch of 2; the weight's and bias's gradients then sum in another order.
    ["3-d input (a sequence)", [2, 7, 12], 12, 10, { sumOrderDiffers: true }],
    ["no bias", [4, 8], 8, 6, { bias: false }],
    ["float64", [5, 11], 11, 3, { dtype: "float64" }],
    ["transposed (non-contiguous) input", [6, 10], 10, 4, { transposedX: true }],
  ];
  for (const [name, shape, i, o, opts] of cases) {
    test(name, () => {
      const [fused, composed] = both(shape, i, o, opts);
      if (!opts.sumOrderDiffers) return assert.deepEqual(fused, composed);
      assert.deepEqual([fused.y, fused.gx], [composed.y, composed.gx]);
      const flat = (v: unknown) => [v].flat(3) as number[];
      for (const k of ["gw", "gb"] as const) {
        const [a, b] = [flat(fused[k]), flat(composed[k])];
        assert.equal(a.length, b.length);
        a.forEach((v, j) => assert.ok(Math.abs(v - b[j]) <= 1e-5 * (1 + Math.abs(b[j])), `${k}[${j}]: ${v} vs ${b[j]}`));
      }
    });
  }
  test("mixed dtypes and bad shapes take the composed path and its errors", () => {
    const y = F.linear(ds.ones([2, 3]), ds.ones([4, 3]), ds.ones([4], { dtype: "float64" }));
    assert.equal(y.dtype, "float64");
    assert.throws(() => F.linear(ds.ones([2, 3]), ds.ones([4, 5])), /matmul: shapes \[2,3\] and \[5,4\] do not align/);
  });
});
