// Tensor basics: creation, dtypes and promotion, views without copies, seeded RNG, printing, backends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { PCG32 } from "../src/core/rng.js";
import { forEachBackend } from "./helpers/backends.js";
import { info } from "../src/cli/info.js";

test("PCG32 reproduces the reference stream (pcg32-demo, seed 42, stream 54)", () => {
  const r = new PCG32(42, 54);
  const got = Array.from({ length: 6 }, () => r.nextU32().toString(16));
  assert.deepEqual(got, ["a15c02b7", "7b47f409", "ba1d3330", "83d2f293", "bfa4784b", "cbed606e"]);
});

test("ds.seed makes rand/randn/randint repeatable and the numbers are well distributed", () => {
  ds.seed(123);
  const a = [ds.rand([5]).toArray(), ds.randn([5]).toArray(), ds.randint(0, 10, [5]).toArray()];
  ds.seed(123);
  const b = [ds.rand([5]).toArray(), ds.randn([5]).toArray(), ds.randint(0, 10, [5]).toArray()];
  assert.deepEqual(a, b);
  ds.seed(7);
  const n = ds.randn([20000], { dtype: "float64" });
  assert.ok(Math.abs(n.mean().item()) < 0.03, "mean ≈ 0");
  assert.ok(Math.abs(n.std().item() - 1) < 0.03, "std ≈ 1");
  const u = ds.rand([20000]);
  assert.ok(u.min().item() >= 0 && u.max().item() < 1);
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.01);
  const k = ds.randint(-3, 4, [7000]);
  assert.equal(k.dtype, "int32");
  assert.equal(k.min().item(), -3);
  assert.equal(k.max().item(), 3);
});

forEachBackend("creation and reading", () => {
  test("dtypes of created tensors", () => {
    assert.equal(ds.tensor([1, 2]).dtype, "float32");
    assert.equal(ds.tensor([true, false]).dtype, "bool");
    assert.equal(ds.tensor(new Int32Array([1, 2])).dtype, "int32");
    assert.equal(ds.tensor(new Float64Array([1, 2])).dtype, "float64");
    assert.equal(ds.arange(5).dtype, "int32");
    assert.equal(ds.arange(0, 1, 0.25).dtype, "float32");
    assert.deepEqual(ds.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(ds.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(ds.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(ds.full([2], 7, { dtype: "int32" }).toArray(), [7, 7]);
    assert.deepEqual(ds.zerosLike(ds.ones([2], { dtype: "bool" })).toArray(), [false, false]);
    assert.equal(ds.tensor(3.5).ndim, 0);
    assert.equal(ds.tensor(3.5).item(), 3.5);
    assert.deepEqual(ds.zeros([0, 3]).shape, [0, 3]);
    assert.deepEqual(ds.zeros([0, 3]).toArray(), []);
  });

  test("type promotion follows PyTorch", () => {
    const i = ds.tensor([1, 2], { dtype: "int32" });
    const f = ds.tensor([1, 2]);
    const d = ds.tensor([1, 2], { dtype: "float64" });
    const b = ds.tensor([true, false]);
    assert.equal(i.add(f).dtype, "float32");
    assert.equal(f.add(d).dtype, "float64");
    assert.equal(i.add(2).dtype, "int32");
    assert.equal(i.add(2.5).dtype, "float32");
    assert.equal(i.div(i).dtype, "float32");
    assert.equal(b.add(b).dtype, "bool");
    assert.equal(b.add(1).dtype, "int32");
    assert.equal(f.mul(2).dtype, "float32");
    assert.equal(i.lt(f).dtype, "bool");
    assert.equal(f.argmax().dtype, "int32");
    assert.equal(i.sum().dtype, "int32");
    assert.equal(b.sum().dtype, "int32");
    assert.equal(i.mean().dtype, "float32");
    assert.equal(i.exp().dtype, "float32");
    assert.deepEqual(b.add(b).toArray(), [true, false]);
    assert.deepEqual(ds.tensor([2.7, -2.7]).int().toArray(), [2, -2]);
    assert.deepEqual(ds.tensor([0, -0.5, NaN]).bool().toArray(), [false, true, true]);
  });

  test("views share storage: reshape, transpose, permute, slice, expand, squeeze, unsqueeze, flip", () => {
    const t = ds.arange(24).reshape(2, 3, 4);
    const before = ds.memory().storages;
    const views = [
      t.reshape(6, 4), t.transpose(0, 2), t.permute(2, 0, 1), t.slice([0, 1], [1, 3]), t.index("...", "1:3"),
      t.index(0).unsqueeze(0).expand(5, 3, 4), t.unsqueeze(1).squeeze(1), t.flip(1), t.T, t.index(1, null, "::2"),
    ];
    assert.equal(ds.memory().storages, before, "no view allocates storage");
    assert.deepEqual(views[1].shape, [4, 3, 2]);
    assert.deepEqual(views[3].toArray(), [[[4, 5, 6, 7], [8, 9, 10, 11]]]);
    assert.deepEqual(views[7].index(0, 0).toArray(), [8, 9, 10, 11]);
    assert.deepEqual(views[9].toArray(), [[[12, 13, 14, 15], [20, 21, 22, 23]]]);
    assert.equal(t.transpose(0, 2).isContiguous(), false);
    // A transposed view reshaped to a shape its strides cannot express is copied.
    assert.deepEqual(ds.arange(6).reshape(2, 3).T.reshape(6).toArray(), [0, 3, 1, 4, 2, 5]);
  });

  test("in-place copy_ writes through views", () => {
    const t = ds.zeros([2, 3]);
    t.index(1).copy_(ds.tensor([1, 2, 3]));
    t.index(":", 0).copy_(9);
    assert.deepEqual(t.toArray(), [[9, 0, 0], [9, 2, 3]]);
  });

  test("toString prints like PyTorch and summarises large tensors", () => {
    assert.equal(ds.tensor([[1, 2], [3, 4]]).toString(), "tensor([[1., 2.],\n        [3., 4.]])");
    assert.equal(ds.tensor([0.5, 1.25]).toString(), "tensor([0.5000, 1.2500])");
    assert.equal(ds.tensor(2).toString(), "tensor(2.)");
    assert.equal(ds.tensor([1, 2], { dtype: "int32" }).toString(), "tensor([1, 2], dtype=int32)");
    assert.equal(ds.tensor([true, false]).toString(), "tensor([ True, False], dtype=bool)");
    assert.equal(ds.tensor([NaN, Infinity, 1.5]).toString(), "tensor([   nan,    inf, 1.5000])");
    assert.equal(ds.tensor([1e-5, 1000]).toString(), "tensor([1.0000e-05, 1.0000e+03])");
    assert.equal(ds.zeros([0, 2]).toString(), "tensor([], size=[0, 2])");
    assert.equal(ds.ones([1], { requiresGrad: true }).toString(), "tensor([1.], requiresGrad=true)");
    const big = ds.arange(2000).reshape(40, 50).toString();
    assert.match(big, /^tensor\(\[\[   0,    1,    2, \.\.\., 1947|^tensor\(\[\[   0,    1,    2, \.\.\.,   47,   48,   49\],/);
    assert.ok(big.includes("...,\n"), "rows are summarised too");
    assert.ok(big.split("\n").length < 10);
  });
});

test("backends: list, select, and info", () => {
  assert.ok(ds.backends().includes("js"));
  ds.setBackend("js");
  assert.equal(ds.getBackend(), "js");
  assert.equal(ds.ones([1]).device, "js");
  const text = info();
  assert.match(text, /^deepscript \d+\.\d+\.\d+/);
  assert.match(text, /backend: +js/);
  assert.match(text, /threads: +\d+/);
  assert.match(text, /wasm SIMD128: +(yes|no)/);
});

test("version matches package.json", () => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  assert.equal(ds.version, pkg.version);
});
