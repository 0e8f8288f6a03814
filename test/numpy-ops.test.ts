// The everyday NumPy/PyTorch ops of issue 17 (trig and hyperbolic functions, atan2, hypot,
// isinf/isfinite, sort/argsort/topk/unique/searchsorted/nonzero, einsum, kron, cumprod, diff,
// triangles and diagonals) against torch (test/fixtures/numpy-ops.json, made by
// tools/gen_numpy_fixtures.py) on every backend; gradients against finite differences.
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { assertClose } from "./helpers/assert.js";
import { forEachBackend } from "./helpers/backends.js";
import { gradcheck } from "./helpers/gradcheck.js";

type Enc = number | "nan" | "inf" | "-inf";
interface TSpec { shape: number[]; dtype: DType; data: Enc[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface Case { name: string; op: string; inputs: TSpec[]; args: Record<string, any>; out: TSpec[] }
const doc = JSON.parse(readFileSync(new URL("./fixtures/numpy-ops.json", import.meta.url), "utf8")) as { cases: Case[] };

const dec = (v: Enc): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);
function build(s: TSpec): Tensor {
  const vals = s.data.map(dec);
  const arr = s.dtype === "float64" ? Float64Array.from(vals) : s.dtype === "int32" ? Int32Array.from(vals) : s.dtype === "bool" ? null : Float32Array.from(vals);
  const t = arr ? ds.tensor(arr, { dtype: s.dtype }) : ds.tensor(vals.map((v) => v !== 0));
  return t.reshape(s.shape);
}

const OPS: Record<string, (x: Tensor[], a: Case["args"]) => Tensor | Tensor[]> = {
  tan: ([x]) => x.tan(), atan: ([x]) => x.atan(), asin: ([x]) => x.asin(), acos: ([x]) => x.acos(),
  sinh: ([x]) => x.sinh(), cosh: ([x]) => x.cosh(),
  atan2: ([a, b]) => ds.atan2(a, b), hypot: ([a, b]) => a.hypot(b),
  isinf: ([x]) => x.isinf(), isfinite: ([x]) => ds.isfinite(x),
  sort: ([x], a) => [...x.sort({ dim: a.dim, descending: a.descending, stable: a.stable })],
  argsort: ([x], a) => ds.argsort(x, { dim: a.dim, descending: a.descending, stable: a.stable }),
  topk: ([x], a) => [...ds.topk(x, a.k, { dim: a.dim, largest: a.largest })],
  unique: ([x], a) => (a.returnInverse || a.returnCounts ? [...ds.unique(x, { returnInverse: a.returnInverse, returnCounts: a.returnCounts } as ds.UniqueOptions)] : ds.unique(x)),
  searchsorted: ([s, v], a) => ds.searchsorted(s, v, a.right ? { right: true } : {}),
  nonzero: ([x]) => x.nonzero(), argwhere: ([x]) => ds.argwhere(x),
  einsum: (xs, a) => ds.einsum(a.equation, ...xs),
  kron: ([a, b]) => a.kron(b),
  cumprod: ([x], a) => x.cumprod(a.dim),
  diff: ([x, pre, app], a) => ds.diff(x, a.prependAppend ? { prepend: pre, append: app } : { n: a.n, dim: a.dim }),
  tril: ([x], a) => x.tril(a.k), triu: ([x], a) => ds.triu(x, a.k),
  diagonal: ([x], a) => x.diagonal(a.offset, a.dim1, a.dim2),
  diag: ([x], a) => ds.diag(x, a.k), diagEmbed: ([x], a) => ds.diagEmbed(x, a.k), trace: ([x]) => x.trace(),
};

forEachBackend("numpy-ops fixtures", () => {
  for (const c of doc.cases) {
    it(c.name, () => {
      const got = OPS[c.op](c.inputs.map(build), c.args);
      const outs = Array.isArray(got) ? got : [got];
      assert.equal(outs.length, c.out.length, "number of outputs");
      c.out.forEach((e, k) => {
        assert.deepEqual([...outs[k].shape], e.shape, `output ${k} shape`);
        assert.equal(outs[k].dtype, e.dtype, `output ${k} dtype`);
        // float32 transcendental functions: torch evaluates them in float32, deepscript in float64 rounded once.
        const tol = e.dtype === "float32" ? { rtol: 2e-6, atol: 1e-6 } : e.dtype === "float64" ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 0, atol: 0 };
        assertClose(outs[k], e.data.map(dec), { ...tol, msg: `${c.name} output ${k}` });
      });
    });
  }
});

const f64 = (v: number[], shape: number[]): Tensor => ds.tensor(Float64Array.from(v), { dtype: "float64" }).reshape(shape);

forEachBackend("numpy-ops gradients", () => {
  it("trig, hyperbolic, atan2, hypot", () => {
    const x = f64([0.3, -0.7, 0.55, -0.2, 0.9, 0.1], [2, 3]);
    for (const op of ["tan", "atan", "asin", "acos", "sinh", "cosh"] as const) gradcheck((t) => t[op](), [x], { name: op });
    const y = f64([1.2, -0.4, 0.8], [3]);
    gradcheck((a, b) => ds.atan2(a, b), [x, y], { name: "atan2" });
    gradcheck((a, b) => ds.hypot(a, b), [x, y], { name: "hypot" });
    gradcheck((a) => ds.atan2(a, 0.5), [x], { name: "atan2 tensor, scalar" });
    gradcheck((b) => ds.atan2(0.5, b), [x], { name: "atan2 scalar, tensor" });
    gradcheck((b) => ds.hypot(-2, b), [x], { name: "hypot scalar, tensor" });
  });
  it("sort and topk values carry the gradient to the right places", () => {
    const x = f64([0.3, -0.7, 0.55, -0.2, 0.9, 0.1, 2.5, -1.5], [2, 4]);
    gradcheck((t) => t.sort({ descending: true }).values, [x], { name: "sort" });
    gradcheck((t) => t.sort({ dim: 0 }).values, [x], { name: "sort dim 0" });
    gradcheck((t) => ds.topk(t, 2).values, [x], { name: "topk" });
  });
  it("einsum, kron, cumprod (with zeros), diff, triangles and diagonals", () => {
    const a = f64([0.3, -0.7, 0.55, -0.2, 0.9, 0.1], [2, 3]), b = f64([1, 2, -1, 0.5, 0.25, -2], [3, 2]);
    gradcheck((p, q) => ds.einsum("ij,jk->ik", p, q), [a, b], { name: "einsum matmul" });
    gradcheck((p, q) => ds.einsum("ij,ji->", p, q), [a, b], { name: "einsum trace of product" });
    gradcheck((p) => ds.einsum("ii->i", p), [f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])], { name: "einsum diagonal" });
    gradcheck((p, q) => ds.kron(p, q), [a, b], { name: "kron" });
    gradcheck((p) => p.cumprod(1), [f64([1.5, -2, 0, 3, 0.5, 2, -1, 0.25], [2, 4])], { name: "cumprod with a zero" });
    gradcheck((p) => p.cumprod(0), [a], { name: "cumprod dim 0" });
    gradcheck((p) => ds.diff(p, { n: 2 }), [f64([1, 4, 9, 16, 25, 0, 1, -1], [2, 4])], { name: "diff" });
    gradcheck((p) => p.tril(-1).add(p.triu(1).mul(2)), [f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])], { name: "tril triu" });
    gradcheck((p) => p.diagonal(1), [a], { name: "diagonal" });
    gradcheck((p) => ds.diag(p.diagonal()), [f64([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3])], { name: "diag" });
    gradcheck((p) => p.trace(), [a], { name: "trace" });
  });
});

forEachBackend("numpy-ops errors", () => {
  it("bad arguments are typed errors naming the op", () => {
    const x = ds.tensor([[1, 2], [3, 4]]);
    assert.throws(() => ds.topk(x, 3), (e: unknown) => e instanceof ds.ArgumentError && /topk: k \(3\) is larger/.test((e as Error).message));
    assert.throws(() => ds.sort(x, { dim: 2 }), ds.IndexError);
    assert.throws(() => ds.sort(x, { reverse: true } as never), ds.ArgumentError);
    assert.throws(() => ds.sort(ds.tensor([true, false])), ds.DTypeError);
    assert.throws(() => ds.einsum("ij,jk->ik", x), (e: unknown) => e instanceof ds.ArgumentError && /names 2 operands, got 1/.test((e as Error).message));
    assert.throws(() => ds.einsum("ij,jk->ik", x, ds.ones([3, 2])), (e: unknown) => e instanceof ds.ShapeError && /"j" has size 2 in one operand and 3/.test((e as Error).message));
    assert.throws(() => ds.einsum("ijk->i", x), ds.ShapeError);
    assert.throws(() => ds.einsum("ij->z", x), ds.ArgumentError);
    assert.throws(() => ds.tril(ds.ones([3])), ds.ShapeError);
    assert.throws(() => ds.diag(ds.ones([2, 2, 2])), ds.ShapeError);
    assert.throws(() => ds.searchsorted(ds.ones([2, 3]), ds.ones([3, 1])), ds.ShapeError);
    assert.throws(() => ds.diff(x, { n: -1 }), ds.ArgumentError);
  });
  it("unique's extra outputs are readable by name; nonzero asTuple gives one index per dim", () => {
    const { values, inverse, counts } = ds.unique(ds.tensor([2, 1, 2, 2]), { returnInverse: true, returnCounts: true });
    assert.deepEqual(values.toArray(), [1, 2]);
    assert.deepEqual(inverse!.toArray(), [1, 0, 1, 1]);
    assert.deepEqual(counts!.toArray(), [1, 3]);
    const [rows, cols] = ds.nonzero(ds.tensor([[0, 1], [1, 1]]), { asTuple: true });
    assert.deepEqual([rows.toArray(), cols.toArray()], [[0, 1, 1], [1, 0, 1]]);
    assert.equal(ds.searchsorted(ds.tensor([1, 3, 5]), 4).item(), 2);
    assert.deepEqual(ds.clip(ds.tensor([-2, 0.5, 3]), -1, 1).toArray(), [-1, 0.5, 1]);
    assert.deepEqual(ds.tensor([-2, 0.5, 3]).clip(null, 0).toArray(), [-2, 0, 0]);
  });
});

// Each op runs in a frame: what it made and does not return is freed at once. Counted inside a
// ds.scope, where no allocation is a step boundary (so no spill changes the count meanwhile).
forEachBackend("numpy-ops and linalg leave no temporaries", () => {
  it("only the returned tensors stay alive; with a graph, disposing the outputs frees what it held", () => {
    const A = f64([4, 1, -0.5, 0.3, 3, 0.8, -0.2, 0.6, 2.5], [3, 3]);
    const S = A.matmul(A.T);
    const cases: [string, (x: Tensor) => Tensor[]][] = [
      ["solve", (x) => [ds.linalg.solve(x, x)]], ["inv", (x) => [ds.linalg.inv(x)]], ["det", (x) => [ds.linalg.det(x)]],
      ["slogdet", (x) => [...ds.linalg.slogdet(x)]], ["cholesky", () => [ds.linalg.cholesky(S, { upper: true })]],
      ["qr", (x) => [...ds.linalg.qr(x)]], ["eigh", (x) => [...ds.linalg.eigh(x)]], ["svd", (x) => [...ds.linalg.svd(x)]],
      ["lstsq", (x) => [...ds.linalg.lstsq(x, x)]], ["pinv", (x) => [ds.linalg.pinv(x)]], ["norm nuc", (x) => [ds.linalg.norm(x, { ord: "nuc" })]],
      ["matrixRank", (x) => [ds.linalg.matrixRank(x)]], ["sort", (x) => [...ds.sort(x)]], ["topk", (x) => [...ds.topk(x, 2)]],
      ["unique", (x) => [...ds.unique(x, { returnInverse: true, returnCounts: true })]], ["einsum", (x) => [ds.einsum("ij,jk,kl->il", x, x, x)]],
      ["cumprod", (x) => [x.cumprod(1)]], ["diff", (x) => [ds.diff(x, { n: 2 })]], ["kron", (x) => [ds.kron(x, x)]],
      ["diagonal", (x) => [x.diagonal(1)]], ["atan2", (x) => [ds.atan2(x, x)]], ["nonzero", (x) => [ds.nonzero(x)]],
    ];
    for (const [name, fn] of cases) {
      for (const grad of [false, true]) {
        ds.scope(() => {
          const x = A.detach().requiresGrad_(grad);
          const before = ds.memory().tensors;
          const outs = fn(x);
          if (!grad) assert.equal(ds.memory().tensors - before, outs.length, `${name}: tensors alive after the op`);
          for (const o of outs) o.dispose();
          assert.equal(ds.memory().tensors, before, `${name} (requiresGrad ${grad}): all freed once the outputs are disposed`);
        });
      }
    }
  });
});

it("the new elementwise ops agree bit for bit between js and wasm on large float32 and float64 tensors", (t) => {
  if (!ds.backends().includes("wasm")) return t.skip("no wasm backend here");
  const prev = ds.getBackend();
  try {
    for (const dtype of ["float32", "float64"] as const) {
      const fs: [string, (x: Tensor, y: Tensor) => Tensor][] = [
        ["tan", (x) => x.tan()], ["atan", (x) => x.atan()], ["asin", (x) => x.asin()], ["acos", (x) => x.acos()],
        ["sinh", (x) => x.sinh()], ["cosh", (x) => x.cosh()], ["atan2", (x, y) => ds.atan2(x, y)], ["hypot", (x, y) => ds.hypot(x, y)],
      ];
      ds.setBackend("js");
      ds.seed(3);
      const a = ds.randn([20011]).to(dtype), b = ds.randn([20011]).to(dtype);
      const want = fs.map(([, f]) => f(a, b).dataSync());
      ds.setBackend("wasm");
      const aw = ds.tensor(a.dataSync(), { dtype }), bw = ds.tensor(b.dataSync(), { dtype });
      fs.forEach(([name, f], i) => {
        const got = f(aw, bw).dataSync();
        let bad = 0;
        for (let k = 0; k < got.length; k++) if (!Object.is(got[k], want[i][k])) bad++;
        assert.equal(bad, 0, `${name} ${dtype}: ${bad} elements differ between js and wasm`);
      });
    }
  } finally {
    ds.setBackend(prev);
  }
});
