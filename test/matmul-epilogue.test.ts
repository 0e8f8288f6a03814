// The product's epilogue (Backend.matmul's bias and `act` "relu") against its composed reference
// (the product, then the add kernel, then the relu kernel) on every backend and on each of the wasm
// product's paths (dot products for a few rows of x·Wᵀ, unpacked small-M, the packed GEMM), bit for
// bit; and ds.compile folding a product's bias add and relu into it, with the same bits as eager.
import { it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { backend as activeBackend } from "../src/backend/registry.js";
import * as ir from "../src/ir/expr.js";
import { contiguousStrides } from "../src/core/shape.js";
import type { Storage, View } from "../src/backend/backend.js";
import { forEachBackend } from "./helpers/backends.js";

const view = (s: Storage, shape: number[], strides = contiguousStrides(shape), offset = 0): View => ({ storage: s, shape, strides, offset });

forEachBackend("matmul epilogue", () => {
  it("bias + relu folded into the product equal product, add, relu as separate kernels", () => {
    const be = activeBackend();
    ds.seed(5);
    // [M, K, N, b transposed (x·Wᵀ)]: dotRows (M ≤ 3, Wᵀ), small-M (M < 4, W row-major), packed GEMM.
    for (const [M, K, N, trans] of [[1, 37, 13, true], [3, 64, 9, true], [2, 20, 11, false], [9, 33, 17, true], [9, 33, 17, false]] as const) {
      for (const dtype of ["float32", "float64"] as const) {
        const a = be.fromArray(dtype, ds.randn([M * K]).dataSync());
        const w = be.fromArray(dtype, ds.randn([K * N]).dataSync());
        const bias = be.fromArray(dtype, ds.randn([N]).dataSync());
        const av = view(a, [1, M, K]);
        const bv = trans ? view(w, [1, K, N], [0, 1, K]) : view(w, [1, K, N]);
        for (const withBias of [false, true]) {
          const fused = be.matmul(av, bv, dtype, withBias ? view(bias, [N]) : undefined, undefined, "relu");
          // Composed: product, + bias (a broadcast add kernel), relu kernel.
          const shape = [M, N];
          let p = be.matmul(av, bv, dtype);
          if (withBias) p = be.run({ expr: ir.binary("add", ir.input(0), ir.input(1)), dtype }, [view(p, shape), view(bias, shape, [0, 1])], shape);
          const composed = be.run({ expr: ir.unary("relu", ir.input(0)), dtype }, [view(p, shape)], shape);
          const got = Array.from(be.read(fused)), want = Array.from(be.read(composed));
          assert.deepEqual(got, want, `M=${M} K=${K} N=${N} ${trans ? "x·Wᵀ" : "x·W"} ${dtype} bias=${withBias}`);
          assert.ok(want.some((v) => v === 0) && want.some((v) => v > 0), "both sides of relu reached");
        }
      }
    }
  });

  it("ds.compile folds a product's bias add and relu into it: fewer kernels, eager's bits", () => {
    ds.seed(7);
    const w1 = ds.randn([20, 16]), b1 = ds.randn([16]), w2 = ds.randn([16, 4]), b2 = ds.randn([4]);
    // x·W + b then relu, written out (no Linear): matmul > add > relu in the trace.
    const f = (x: ds.Tensor) => x.matmul(w1).add(b1).relu().matmul(w2).add(b2);
    const g = ds.compile(f, { fuse: true });
    const plain = ds.compile(f, { fuse: false });
    for (const batch of [1, 2, 6]) {
      const x = ds.randn([batch, 20]);
      const want = Array.from(f(x).dataSync());
      for (let i = 0; i < 3; i++) {
        assert.deepEqual(Array.from(g(x).dataSync()), want, `batch ${batch} call ${i}`);
        assert.deepEqual(Array.from(plain(x).dataSync()), want);
      }
      assert.equal(plain.stats.kernelsPerCall, 5);
      assert.equal(g.stats.kernelsPerCall, 2, g.graph);
      assert.equal(g.stats.epilogues, 2);
      assert.match(g.graph, /members: matmul > add > relu/);
    }
  });

  it("an MLP's Linear layers (bias already in the product) take their relu; a pre-activation read twice keeps it", () => {
    ds.seed(8);
    const model = new ds.nn.Sequential(new ds.nn.Linear(12, 8), new ds.nn.ReLU(), new ds.nn.Linear(8, 3));
    const predict = ds.compile((x: ds.Tensor) => ds.noGrad(() => model.forward(x)));
    const x = ds.randn([1, 12]);
    const want = Array.from(ds.noGrad(() => model.forward(x)).dataSync());
    for (let i = 0; i < 3; i++) assert.deepEqual(Array.from(predict(x).dataSync()), want);
    assert.equal(predict.stats.kernelsTraced, 3);
    assert.equal(predict.stats.kernelsPerCall, 2);
    // The pre-activation is also returned: relu cannot replace it.
    const both = ds.compile((x: ds.Tensor) => ds.noGrad(() => { const h = x.matmul(model.parameters()[0].T); return [h, h.relu()]; }));
    for (let i = 0; i < 3; i++) both(x);
    assert.equal(both.stats.epilogues, 0);
    const [h, r] = both(x) as unknown as ds.Tensor[];
    assert.deepEqual(Array.from(r.dataSync()), Array.from(h.dataSync()).map((v) => Math.max(v, 0)));
  });
});
