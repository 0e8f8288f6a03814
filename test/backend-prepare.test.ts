// Backend.prepare (ds.compile's bound launches) against Backend.run, the composed reference: the
// same kernel over the same views computes the same bits, elementwise (contiguous, strided,
// broadcast, more dims than one nest holds) and reductions (into a contiguous target as it lies, a
// strided target, a target of another dtype, reduced dims that need run()'s copy).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { backendByName } from "../src/backend/registry.js";
import type { Backend, Storage, View } from "../src/backend/backend.js";
import * as ir from "../src/ir/expr.js";
import type { Kernel } from "../src/ir/expr.js";
import { contiguousStrides } from "../src/core/shape.js";

const hasWasm = ds.backends().includes("wasm");

/** Data 0.37·i − 5 (mod 11.3) with a sign pattern: distinct, non-trivial values. */
const data = (n: number) => Float32Array.from({ length: n }, (_, i) => ((0.37 * i) % 11.3) - 5 + (i % 3 === 0 ? -0.25 : 0.5));

function storage(be: Backend, n: number, dtype: Storage["dtype"] = "float32"): Storage {
  return be.fromArray(dtype, data(n));
}

/** Runs kernel via run() and via prepare() into two targets laid out alike; returns both contents. */
function both(be: Backend, kernel: Kernel, inputs: View[], shape: number[], out: { shape: number[]; strides: number[]; offset: number; length: number; dtype: Storage["dtype"] }): [ArrayLike<number>, ArrayLike<number>] {
  const t1 = be.fromArray(out.dtype, new Float32Array(out.length).fill(-7));
  const t2 = be.fromArray(out.dtype, new Float32Array(out.length).fill(-7));
  be.run(kernel, inputs, shape, { storage: t1, shape: out.shape, strides: out.strides, offset: out.offset });
  // Prepared on stand-in storages (only their dtype is read), launched on the real ones.
  const stand = inputs.map((v) => ({ ...v, storage: { dtype: v.storage.dtype, length: v.storage.length } }));
  const launch = be.prepare!(kernel, stand, shape, { storage: { dtype: out.dtype, length: out.length }, shape: out.shape, strides: out.strides, offset: out.offset });
  launch(inputs.map((v) => v.storage), t2);
  launch(inputs.map((v) => v.storage), t2); // twice: a launch is reusable
  return [be.read(t1), be.read(t2)];
}

describe("Backend.prepare equals run", { skip: !hasWasm && "no WebAssembly SIMD here" }, () => {
  const be = hasWasm ? backendByName("wasm") : (null as never);
  const c = (shape: number[]) => ({ shape, strides: contiguousStrides(shape), offset: 0, length: shape.reduce((a, b) => a * b, 1), dtype: "float32" as const });
  const view = (s: Storage, shape: number[], strides = contiguousStrides(shape), offset = 0): View => ({ storage: s, shape, strides, offset });

  test("fused elementwise: contiguous, broadcast, strided, with constants", () => {
    const x = storage(be, 4 * 33), b = storage(be, 33), y = storage(be, 33 * 4);
    const k: Kernel = { expr: ir.unary("relu", ir.binary("add", ir.binary("mul", ir.input(0), ir.constant(0.5)), ir.binary("sub", ir.input(1), ir.input(2)))), dtype: "float32" };
    const [r, p] = both(be, k, [view(x, [4, 33]), view(b, [4, 33], [0, 1]), view(y, [4, 33], [1, 4])], [4, 33], c([4, 33]));
    assert.deepEqual(Array.from(p), Array.from(r));
    assert.ok(Array.from(r).some((v) => v > 0) && Array.from(r).some((v) => v === 0), "the test data reaches both sides of relu");
  });

  test("elementwise over more dims than one nest walks (leading dims from JS), into an offset strided target", () => {
    const shape = [2, 3, 2, 3, 2, 3, 2];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = storage(be, 2 * n);
    // The input transposed (strides reversed): no dims collapse, 7 > MAX_DIMS remain.
    const strides = contiguousStrides([...shape].reverse()).reverse();
    const k: Kernel = { expr: ir.unary("exp", ir.input(0)), dtype: "float32" };
    const out = { shape, strides: contiguousStrides(shape).map((s) => 2 * s), offset: 1, length: 2 * n + 1, dtype: "float32" as const };
    const [r, p] = both(be, k, [view(x, shape, strides, 1)], shape, out);
    assert.deepEqual(Array.from(p), Array.from(r));
  });

  test("reductions: into a contiguous target, a strided one, another dtype, argmax, and a 7-d reduced nest", () => {
    const x = storage(be, 6 * 40);
    const sum: Kernel = { expr: ir.input(0), dtype: "float32", reduce: { op: "sum", axes: [1] } };
    let [r, p] = both(be, sum, [view(x, [6, 40])], [6, 40], c([6, 1]));
    assert.deepEqual(Array.from(p), Array.from(r));
    // A prologue (fused square) and max over the leading axis.
    const sq: Kernel = { expr: ir.binary("mul", ir.input(0), ir.input(0)), dtype: "float32", reduce: { op: "max", axes: [0] } };
    [r, p] = both(be, sq, [view(x, [6, 40])], [6, 40], { shape: [1, 40], strides: [0, 2], offset: 1, length: 81, dtype: "float32" });
    assert.deepEqual(Array.from(p), Array.from(r));
    const am: Kernel = { expr: ir.input(0), dtype: "int32", reduce: { op: "argmax", axes: [1] } };
    [r, p] = both(be, am, [view(x, [6, 40])], [6, 40], { ...c([6, 1]), dtype: "int32" });
    assert.deepEqual(Array.from(p), Array.from(r));
    const f64: Kernel = { expr: ir.input(0), dtype: "float64", reduce: { op: "sum", axes: [0] } };
    [r, p] = both(be, f64, [view(x, [6, 40])], [6, 40], { ...c([1, 40]), dtype: "float64" });
    assert.deepEqual(Array.from(p), Array.from(r));
    // Reduced dims that do not collapse into one nest: run()'s copy path, through prepare too.
    const shape = [2, 2, 2, 2, 2, 2, 2, 3];
    const n = shape.reduce((a, b) => a * b, 1);
    const y = storage(be, 2 * n);
    const axes = [0, 1, 2, 3, 4, 5, 6];
    const strides = contiguousStrides(shape).map((s) => 2 * s);
    const all: Kernel = { expr: ir.input(0), dtype: "float32", reduce: { op: "sum", axes } };
    [r, p] = both(be, all, [view(y, shape, strides)], shape, c(shape.map((d, i) => (axes.includes(i) ? 1 : d))));
    assert.deepEqual(Array.from(p), Array.from(r));
    assert.ok(Array.from(r).every((v) => v !== -7), "every target element written");
  });
});
