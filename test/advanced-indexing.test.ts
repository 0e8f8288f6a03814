// NumPy-style indexing with several index tensors at once (issue 17, item 2): results against
// NumPy 1.24 (test/fixtures/advanced-indexing.json, made by tools/gen_indexing_fixtures.py) on every
// backend — broadcasting of the index tensors, bool masks as coordinates, and where the indexed
// dims go (in place when adjacent, first when a slice, "..." or null separates them); gradients
// (a scatter-add, duplicates accumulating) against finite differences; the typed errors.
import { it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import type { IndexSpec, Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";
import { gradcheck } from "./helpers/gradcheck.js";

type Entry = number | string | null | { int: unknown } | { bool: unknown };
interface Case { name: string; shape: number[]; spec: Entry[]; out: { shape: number[]; data: number[] } }
const doc = JSON.parse(readFileSync(new URL("./fixtures/advanced-indexing.json", import.meta.url), "utf8")) as { cases: Case[] };

const i32 = (v: unknown): Tensor => ds.tensor(v as number[], { dtype: "int32" });
function specOf(entries: readonly Entry[]): IndexSpec[] {
  return entries.map((e) => {
    if (e !== null && typeof e === "object") {
      if ("int" in e) return i32(e.int);
      return ds.tensor(e.bool as boolean[]).reshape(shapeOf(e.bool));
    }
    return e;
  });
}
// The shape of a nested list (an empty list is [0]).
function shapeOf(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...(v.length ? shapeOf(v[0]) : [])] : [];
}

forEachBackend("advanced indexing against NumPy", () => {
  for (const c of doc.cases) {
    it(c.name, () => {
      const x = ds.arange(0, c.shape.reduce((a, b) => a * b, 1), 1, { dtype: "float64" }).reshape(c.shape);
      const y = x.index(...specOf(c.spec));
      assert.deepEqual([...y.shape], c.out.shape);
      assert.deepEqual(Array.from(y.dataSync()), c.out.data);
    });
  }

  it("gradients are scatter-adds: duplicates accumulate (finite differences, float64)", () => {
    const rnd = (shape: number[]) => ds.randn(shape, { dtype: "float64" });
    const cases: [string, (x: Tensor) => Tensor, number[]][] = [
      ["two index arrays with duplicates", (x) => x.index(i32([0, 2, 0, 0]), i32([1, 1, 1, 3])).exp(), [3, 4]],
      ["broadcast index arrays", (x) => x.index(i32([[0], [2]]), i32([1, 3, 0])).sin(), [3, 4]],
      ["separated by a slice (result dims first)", (x) => x.index(":", i32([0, 1, 1]), ":", i32([2, 0, 2])).tanh(), [2, 3, 2, 4]],
      ["a number beside an index array", (x) => x.index(1, ":", i32([2, 2, 0])).exp(), [2, 3, 4]],
      ["bool mask and index array", (x) => x.index(ds.tensor([[true, false], [true, true]]), i32([0, 1, 1])).exp(), [2, 2, 3]],
      ["of a transposed input", (x) => x.T.index(i32([1, 0, 1]), i32([2, 2, 0])).exp(), [3, 2]],
    ];
    for (const [name, fn, shape] of cases) gradcheck(fn, [rnd(shape)], { name });
  });

  it("the backward of two index arrays equals a scatter-add into zeros", () => {
    const x = ds.zeros([3, 3], { dtype: "float64", requiresGrad: true });
    x.index(i32([0, 0, 2, 0]), i32([1, 1, 2, 1])).mul(ds.tensor([1, 2, 3, 4], { dtype: "float64" })).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[0, 7, 0], [0, 0, 0], [0, 0, 3]]);
  });
});

test("typed errors: out-of-range index, unbroadcastable index tensors, a wrong mask, a float index", () => {
  const x = ds.ones([3, 4]);
  assert.throws(() => x.index(i32([0, 3]), i32([0, 1])), (e: Error) => e.name === "IndexError" && /index: index 3 is out of range for dim 0 of size 3/.test(e.message));
  assert.throws(() => x.index(i32([0]), i32([-5])), (e: Error) => e.name === "IndexError" && /index -5 is out of range for dim 1 of size 4/.test(e.message));
  assert.throws(() => x.index(i32([0, 1]), i32([0, 1, 2])), (e: Error) => e.name === "ShapeError" && /index: index tensors could not be broadcast together: shapes \[2\], \[3\]/.test(e.message));
  assert.throws(() => x.index(ds.tensor([true, false]), i32([0])), (e: Error) => e.name === "ShapeError" && /bool mask of shape \[2\] does not match the indexed dims \[3\]/.test(e.message));
  assert.throws(() => x.index(i32([0]), ds.tensor([1])), (e: Error) => e.name === "DTypeError" && /int32 or bool, got float32/.test(e.message));
  assert.throws(() => x.index(ds.tensor(true), i32([0])), (e: Error) => e.name === "ArgumentError" && /0-d bool index cannot be combined/.test(e.message));
});

forEachBackend("advanced indexing leaves no temporaries", () => {
  it("only the result stays alive; with a graph, disposing it frees what it held", () => {
    const A = ds.arange(0, 24, 1, { dtype: "float64" }).reshape([2, 3, 4]);
    const r = i32([1, 0, 1]), c = i32([[3], [0]]), m = ds.tensor([[true, false, true], [false, true, true]]);
    const r2 = i32([2, 0, 1]), r4 = i32([0, 3, 3, 1]);
    const cases: [string, (x: Tensor) => Tensor][] = [
      ["two arrays", (x) => x.index(r, r2)], ["broadcast, separated", (x) => x.index(r, ":", c)],
      ["number beside an array", (x) => x.index(0, ":", r)], ["mask and array", (x) => x.index(m, r4)],
    ];
    for (const [name, fn] of cases) {
      for (const grad of [false, true]) {
        ds.scope(() => {
          const x = A.detach().requiresGrad_(grad);
          const before = ds.memory().tensors;
          const out = fn(x);
          if (!grad) assert.equal(ds.memory().tensors - before, 1, `${name}: tensors alive after the op`);
          out.dispose();
          assert.equal(ds.memory().tensors, before, `${name} (requiresGrad ${grad}): all freed once the result is disposed`);
        });
      }
    }
  });
});
