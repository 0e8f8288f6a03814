// The wasm backend's own parts: its allocator, and its kernels checked against the js backend on
// the shapes where their code paths split (GEMM edge tiles and blocks, strided and broadcast
// elementwise inputs on the SIMD and scalar paths, reductions by stride and by table).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { MemoryError } from "../src/core/errors.js";
import { Heap, sizeClass } from "../src/backend/wasm/heap.js";
import { assertClose } from "./helpers/assert.js";

const hasWasm = ds.backends().includes("wasm");

describe("wasm heap", { skip: !hasWasm && "no WebAssembly SIMD here" }, () => {
  test("size classes waste at most 25% and reuse freed blocks", () => {
    for (const n of [1, 64, 65, 100, 1000, 4096, 4097, 802816, 1e7]) {
      const c = sizeClass(n);
      assert.ok(c >= n && c <= Math.max(64, n * 1.25 + 64), `${n} -> ${c}`);
    }
    const h = new Heap(1);
    const a = h.alloc(1000);
    h.u8.fill(7, a, a + 1000);
    h.release(a, 1000);
    const b = h.alloc(990);
    assert.equal(b, a, "same size class reuses the block");
    assert.equal(h.u8[b + 5], 0, "reused blocks are zeroed");
    assert.equal(h.stats().inUse, sizeClass(990));
  });

  test("grows on demand and fails clearly past 4 GiB", () => {
    const h = new Heap(1);
    const p = h.alloc(3 * 65536);
    assert.ok(h.stats().capacity >= p + 3 * 65536);
    assert.throws(() => h.alloc(5 * 2 ** 30), (e: unknown) => e instanceof MemoryError && /4 GiB/.test((e as Error).message));
  });
});

/** Runs `f` on js and on wasm from the same seed and compares. */
function same(name: string, f: () => ds.Tensor, tol = { rtol: 1e-5, atol: 1e-5 }): void {
  test(name, () => {
    ds.setBackend("js");
    ds.seed(7);
    const want = f();
    ds.setBackend("wasm");
    ds.seed(7);
    const got = f();
    assert.deepEqual(got.shape, want.shape);
    assert.equal(got.dtype, want.dtype);
    assertClose(got, want.toArray(), tol);
  });
}

describe("wasm kernels agree with js", { skip: !hasWasm && "no WebAssembly SIMD here" }, () => {
  const r = (shape: number[], dtype: "float32" | "float64" = "float32") => ds.randn(shape, { dtype });
  same("matmul with edge tiles", () => r([37, 53]).matmul(r([53, 29])));
  same("matmul with K and N past one block", () => r([70, 600]).matmul(r([600, 300])), { rtol: 1e-4, atol: 1e-4 });
  same("matmul of transposed operands", () => r([53, 37]).transpose(0, 1).matmul(r([29, 53]).transpose(0, 1)));
  same("matmul of large transposed operands (SIMD packing)", () => r([300, 70]).transpose(0, 1).matmul(r([41, 300]).transpose(0, 1)), { rtol: 1e-4, atol: 1e-4 });
  same("matmul of row-major A and transposed B with k tails", () => r([45, 263]).matmul(r([27, 263]).transpose(0, 1)), { rtol: 1e-4, atol: 1e-4 });
  same("float64 matmul of transposed operands", () => r([70, 33], "float64").transpose(0, 1).matmul(r([19, 70], "float64").transpose(0, 1)), { rtol: 1e-12, atol: 1e-12 });
  same("matmul of 1 to 3 rows (unpacked small-M path, column tails)", () => r([1, 70]).matmul(r([70, 37])).add(r([3, 70]).matmul(r([70, 37])).sum(0)));
  same("x·Wᵀ of 1 to 3 rows (dot-product path: column groups, k tails, bias folded in)", () => {
    const w = r([37, 67]), b = r([37]);
    return ds.nn.F.linear(r([1, 67]), w, b).add(ds.nn.F.linear(r([3, 67]), w, b).sum(0, true)).add(r([2, 67]).matmul(w.T).sum(0, true));
  });
  same("float64 x·Wᵀ of 2 rows, batched (dot-product path)", () => r([3, 2, 33], "float64").matmul(r([11, 33], "float64").T), { rtol: 1e-12, atol: 1e-12 });
  same("float64 matmul of 2 rows, batched", () => r([4, 2, 33], "float64").matmul(r([4, 33, 11], "float64")), { rtol: 1e-12, atol: 1e-12 });
  same("small product with B read in place (unpacked), row edge", () => r([30, 100]).matmul(r([100, 48])));
  same("batched matmul, broadcast right operand", () => r([3, 5, 7]).matmul(r([7, 9])));
  same("float64 matmul is exact to rounding", () => r([33, 65], "float64").matmul(r([65, 17], "float64")), { rtol: 1e-12, atol: 1e-12 });
  same("int32 matmul", () => ds.tensor([[1, 2], [3, 4]], { dtype: "int32" }).matmul(ds.tensor([[5, 6], [7, 8]], { dtype: "int32" })));
  same("matmul with K = 0", () => ds.zeros([3, 0]).matmul(ds.zeros([0, 4])));
  same("SIMD add with row broadcast", () => r([6, 35]).add(r([35])));
  same("SIMD mul with scalar broadcast and tail", () => r([3, 13]).mul(r([3, 1])).sqrt());
  same("scalar path on strided input", () => r([9, 6]).transpose(0, 1).mul(2).add(1));
  same("transcendentals in float64 math", () => r([40]).exp().add(r([40]).tanh()).add(r([40]).sigmoid()).add(r([40]).erf()));
  same("SIMD exp, tanh, sigmoid (within 2 ulp), special values and subnormal results", () => {
    const x = ds.tensor([NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-7, 0.3, -0.624, 0.626, 5, -9, 88.7, 88.8, -87.5, -103, -104, 20, -120, 44]);
    return ds.stack([x.exp(), x.tanh(), x.sigmoid(), x.mul(0.5).exp()]);
  }, { rtol: 3e-7, atol: 1e-44 });
  same("comparison and where", () => ds.where(r([5, 5]).gt(0), r([5, 5]), r([5])));
  same("casts of ±Infinity and NaN to int32 give 0, as on the js backend", () => ds.tensor([Infinity, -Infinity, NaN, 2.7, -2.7, 3e9]).to("int32"));
  same("casts to int32 at the edges of the int32 range (in-range truncation, wrapping past it)", () => ds.tensor([2147483647.5, -2147483648, -2147483648.5, 2147483648, -2147483649, 4294967296.5, -0.5, 1.5e15], { dtype: "float64" }).to("int32"));
  same("casts to int32 and bool", () => r([20]).mul(10).to("int32").add(r([20]).to("bool").to("int32")));
  same("sum over a middle axis (strided)", () => r([4, 5, 6]).sum(1));
  same("sum over two axes (table)", () => r([4, 5, 6]).permute([2, 0, 1]).sum([0, 2]));
  same("sum over the batch axis (four outputs per vector)", () => r([37, 11]).sum(0));
  same("max and argmax over a leading axis with NaN and ties, strided kept dim", () => {
    const x = ds.tensor([[1, NaN, 3, 2, 2, 0, -1], [2, 5, NaN, 2, 7, 0, -1], [2, 1, 4, 9, NaN, -0, -2]]);
    return x.transpose(0, 1).max(1).add(x.argmax(0)).add(x.argmin(0)).add(x.min(0));
  });
  same("max pooling windows (strided kept dim, small reduced nest)", () => ds.nn.F.maxPool2d(r([2, 3, 9, 10]), 2, { stride: 2, padding: 1 }));
  same("relu backward: a fused where over an f32x4 comparison mask", () => {
    const x = r([5, 37]).requiresGrad_();
    x.relu().mul(r([5, 37])).sum().backward();
    return x.grad!;
  });
  same("max, argmax and NaN", () => ds.tensor([[1, NaN, 3], [2, 5, 4]]).max(1).add(ds.tensor([[1, NaN, 3], [2, 5, 4]]).argmax(1)));
  same("cumsum, gather and scatter-add", () => {
    const x = r([4, 6]);
    const idx = ds.tensor([[0, 2], [1, 5], [3, 3], [5, 0]], { dtype: "int32" });
    return x.cumsum(1).gather(1, idx).add(ds.zeros([4, 6]).scatterAdd(1, idx, ds.ones([4, 2])).sum(1, true));
  });
});

describe("wasm worker threads", { skip: (!hasWasm || typeof SharedArrayBuffer !== "function") && "no shared WebAssembly memory here" }, () => {
  test("products split over 2 threads equal the single-threaded ones bit for bit", async () => {
    ds.setBackend("wasm");
    const before = ds.getThreads();
    try {
      ds.setThreads(2);
      ds.seed(11);
      const a = ds.randn([3, 130, 301]), b = ds.randn([301, 203]), c = ds.randn([203, 70]).transpose(0, 1);
      a.matmul(b); // starts the pool; its worker boots asynchronously
      await new Promise((r) => setTimeout(r, 500));
      const two = [a.matmul(b), c.matmul(b.transpose(0, 1))].map((t) => Array.from(t.dataSync()));
      ds.setThreads(1);
      const one = [a.matmul(b), c.matmul(b.transpose(0, 1))].map((t) => Array.from(t.dataSync()));
      assert.deepEqual(two, one);
    } finally {
      ds.setThreads(before);
    }
  });
});

describe("wasm heap reuse across shapes", { skip: !hasWasm && "no WebAssembly SIMD here" }, () => {
  test("freed blocks merge, split for other sizes, and hand the top back", () => {
    const h = new Heap(1);
    const blocks = Array.from({ length: 8 }, () => h.alloc(4096));
    const reserved = h.stats().reserved;
    for (const p of blocks.slice(0, 4)) h.release(p, 4096); // four neighbours → one 16 KiB free block
    const big = h.alloc(3 * 4096);
    assert.equal(big, blocks[0], "the merged block serves a larger request");
    const small = h.alloc(4096);
    assert.equal(small, blocks[3], "the rest of the split block serves the next one");
    h.u8.fill(9, small, small + 4096);
    for (const p of [big, small, ...blocks.slice(4)]) h.release(p, p === big ? 3 * 4096 : 4096);
    assert.equal(h.stats().inUse, 0);
    assert.equal(h.stats().reserved, blocks[0], "everything freed: the top falls back to the first block");
    const again = h.alloc(8 * 4096);
    assert.equal(again, blocks[0]);
    assert.equal(h.u8[small + 5], 0, "memory handed out again below the old high-water mark is zeroed");
    assert.ok(h.stats().reserved <= reserved);
  });
});
