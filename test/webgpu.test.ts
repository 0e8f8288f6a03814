// The webgpu backend's own promises, beyond the op fixtures (test/fixtures.test.ts): refusals
// (float64, synchronous reads), index errors found on the GPU, the tiled matmul against the js
// backend, atomic accumulation, batching (a training step is a few submits and no read-back), the
// buffer pool (memory flat over a loop), the adapter report. Runs in Chromium (npm run
// test:browser, SwiftShader) and in Node with DS_TEST_WEBGPU=1 where Dawn finds an adapter.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { backendByName, WebGpuBackend } from "../src/backend/index.js";

const inBrowser = typeof navigator !== "undefined" && "gpu" in navigator;
const wanted = inBrowser || globalThis.process?.env?.DS_TEST_WEBGPU === "1";
const gpu = wanted && (await ds.ready("webgpu").then(() => true, () => false));

/** A reproducible pseudo-random array in [-1, 1) (xorshift), the same on every backend. */
function randoms(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** The promise's rejection (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number, msg: string): void {
  assert.equal(a.length, b.length, `${msg}: length`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]), `${msg} [${i}]: ${a[i]} vs ${b[i]}`);
}

const webgpu = () => backendByName("webgpu") as WebGpuBackend;

// Optimizer trajectories (test/fixtures/optim.json, PyTorch in float64): 20 steps of
// loss = sum((x@W+b-y)^2) + sum(W^4), here in float32 — on webgpu, and on wasm as the control.
interface TSpec { shape: number[]; data: number[] }
interface OptCase { name: string; optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad"; options: Record<string, unknown>; groups?: unknown; steps: number[][] }
const optimDoc = JSON.parse(readFileSync(new URL("./fixtures/optim.json", import.meta.url), "utf8")) as { problem: Record<"W" | "b" | "x" | "y", TSpec>; optimizers: OptCase[] };

/** The parameters after each of the case's steps, as float32 on the active backend. */
async function trajectory(c: OptCase): Promise<number[][]> {
  const P = optimDoc.problem;
  const t = (s: TSpec) => ds.tensor(s.data).reshape(s.shape);
  const W = new ds.nn.Parameter(t(P.W)), b = new ds.nn.Parameter(t(P.b));
  const x = t(P.x), y = t(P.y);
  const C = ds.optim[c.optimizer] as unknown as new (p: unknown, o: unknown) => ds.optim.Optimizer<{ lr: number }, object>;
  const opt = new C([W, b], c.options);
  const out: number[][] = [];
  for (let i = 0; i < c.steps.length; i++) {
    opt.zeroGrad();
    x.matmul(W).add(b).sub(y).pow(2).sum().add(W.pow(4).sum()).backward();
    opt.step();
    out.push([...(await W.data()), ...(await b.data())]);
  }
  return out;
}

if (!gpu && !inBrowser) {
  it("webgpu backend", { skip: wanted ? "no WebGPU adapter here (see README \"WebGPU\")" : "set DS_TEST_WEBGPU=1 to run (or npm run test:browser)" }, () => {});
}

if (gpu) {
  describe("the webgpu backend [webgpu]", () => {
    it("refuses float64 with a DTypeError naming the op and pointing at js/wasm", () => {
      ds.setBackend("webgpu");
      const refused = (e: unknown) => e instanceof ds.DTypeError && /float64/.test(e.message) && /"js"/.test(e.message) && /wasm/.test(e.message);
      assert.throws(() => ds.tensor([1, 2], { dtype: "float64" }), refused);
      assert.throws(() => ds.tensor([1, 2]).double(), (e: unknown) => refused(e) && (e as ds.DTypeError).op === "to");
      assert.throws(() => ds.zeros([2], { dtype: "float64" }), refused);
    });

    it("refuses synchronous reads with an AsyncReadError that says to await; t.data() reads", async () => {
      ds.setBackend("webgpu");
      const x = ds.tensor([[1, 2], [3, 4]]).mul(2);
      const says = (e: unknown) => e instanceof ds.AsyncReadError && /await t\.data\(\)/.test(e.message);
      assert.throws(() => x.dataSync(), says);
      assert.throws(() => x.sum().item(), says);
      assert.throws(() => x.toArray(), says);
      assert.deepEqual(Array.from(await x.data()), [2, 4, 6, 8]);
      // A strided view reads its own elements.
      assert.deepEqual(Array.from(await x.T.data()), [2, 6, 4, 8]);
      assert.deepEqual(Array.from(await x.gt(3).data()), [0, 1, 1, 1]);
      assert.deepEqual(Array.from(await x.int().add(ds.tensor([1], { dtype: "int32" })).data()), [3, 5, 7, 9]);
    });

    it("reports an out-of-range gather index at the next read-back, once", async () => {
      ds.setBackend("webgpu");
      const x = ds.tensor([10, 20, 30]);
      const y = x.gather(0, ds.tensor([0, 7, 2], { dtype: "int32" })); // no throw: the GPU finds it
      const e = await rejection(y.data());
      assert.ok(e instanceof ds.IndexError && /index 7/.test(e.message), String(e));
      assert.deepEqual(Array.from(await x.gather(0, ds.tensor([2, 0], { dtype: "int32" })).data()), [30, 10]);
    });

    it("matmul matches the js backend across tile edges, with transposed, broadcast and batched operands", async () => {
      const cases: [number, number, number, number][] = [[1, 1, 1, 1], [1, 65, 17, 63], [3, 64, 64, 64], [2, 5, 130, 7], [1, 129, 3, 70]];
      for (const [B, M, K, N] of cases) {
        const a = randoms(B * M * K, M * 7 + K), b = randoms(K * N, N * 13 + 1), bias = randoms(N, 5);
        const run = (name: string) => {
          ds.setBackend(name);
          const A = ds.tensor(Array.from(a)).reshape([B, M, K]);
          const Bm = ds.tensor(Array.from(b)).reshape([N, K]).T; // a transposed view
          return [A.matmul(Bm), ds.nn.functional.linear(A, Bm.T, ds.tensor(Array.from(bias)))]; // broadcast over the batch
        };
        const [g, gl] = run("webgpu");
        const [j, jl] = run("js");
        close(await g.data(), j.dataSync(), 1e-5, 1e-5 * K, `matmul ${[B, M, K, N]}`);
        close(await gl.data(), jl.dataSync(), 1e-5, 1e-5 * K, `linear ${[B, M, K, N]}`);
      }
    });

    it("adds every element when an accumulate target overlaps itself, and scatterAdd counts repeated indices", async () => {
      ds.setBackend("webgpu");
      const be = webgpu();
      const t = be.fromArray("float32", [1, 2, 3]);
      const src = be.fromArray("float32", [1, 2, 3, 4]);
      be.accumulate({ storage: t, shape: [4], strides: [0], offset: 1 }, { storage: src, shape: [4], strides: [1], offset: 0 });
      assert.deepEqual(Array.from(await be.readAsync(t)), [1, 12, 3]);
      const s = ds.zeros([3]).scatterAdd(0, ds.tensor([0, 0, 2, 0], { dtype: "int32" }), ds.tensor([1, 2, 3, 4]));
      assert.deepEqual(Array.from(await s.data()), [7, 0, 3]);
      be.free(t);
      be.free(src);
    });

    it("runs a training step as a few submits with no read-back, and keeps device memory flat over an awaiting loop", async () => {
      ds.setBackend("webgpu");
      ds.seed(3);
      const X = ds.randn([64, 16]);
      const Y = ds.tensor(Array.from({ length: 64 }, (_, i) => i % 4), { dtype: "int32" });
      const model = new ds.nn.Sequential(new ds.nn.Linear(16, 32), new ds.nn.ReLU(), new ds.nn.Linear(32, 4));
      const opt = new ds.optim.Adam(model.parameters(), { lr: 1e-2 });
      const step = () => {
        opt.zeroGrad();
        const loss = ds.nn.functional.crossEntropy(model.call(X), Y);
        loss.backward();
        opt.step();
        return loss;
      };
      const first = await step().data();
      const before = webgpu().stats;
      step();
      const after = webgpu().stats;
      assert.equal(after.readbacks - before.readbacks, 0, "no read-back inside a step");
      const dispatches = after.dispatches - before.dispatches;
      assert.ok(dispatches > 20, `a step is ${dispatches} dispatches`);
      assert.ok(after.submits - before.submits <= Math.ceil(dispatches / 64), `${after.submits - before.submits} submits for ${dispatches} dispatches`);
      let reserved10 = 0, last = first[0];
      for (let i = 0; i < 60; i++) {
        last = (await step().data())[0];
        if (i === 10) reserved10 = ds.memory().reserved;
      }
      assert.ok(last < first[0] * 0.7, `the loss falls: ${first[0]} → ${last}`);
      assert.equal(ds.memory().reserved, reserved10, "pooled buffers are reused: no new device memory after step 10");
    });

    it("follows PyTorch's optimizer trajectories in float32 as the wasm backend does", async () => {
      let cases = 0;
      for (const c of optimDoc.optimizers) {
        if (c.groups) continue; // parameter groups: the same update kernels, covered by optim.test.ts
        ds.setBackend(ds.backends().includes("wasm") ? "wasm" : "js");
        const control = await trajectory(c);
        ds.setBackend("webgpu");
        const gpu = await trajectory(c);
        c.steps.forEach((ref, i) => {
          // Same float32 arithmetic, different kernels and summation orders.
          close(gpu[i], control[i], 1e-4, 1e-6, `${c.name} step ${i + 1} vs wasm float32`);
          // Against PyTorch's float64 run, where float32 (the control) stays close to it.
          if (control[i].every((v, k) => Math.abs(v - ref[k]) <= 1e-5 + 1e-3 * Math.abs(ref[k]))) close(gpu[i], ref, 1e-3, 1e-5, `${c.name} step ${i + 1} vs PyTorch`);
        });
        cases++;
      }
      assert.ok(cases >= 30, `${cases} optimizer cases ran`);
    });

    it("reports the adapter: vendor, architecture, limits, software or not", () => {
      const info = ds.backendInfo().find((b) => b.name === "webgpu");
      assert.ok(info?.adapter, "webgpu has an adapter entry");
      const a = info.adapter;
      assert.equal(typeof a.vendor, "string");
      assert.equal(typeof a.software, "boolean");
      assert.ok(a.limits.maxStorageBufferBindingSize >= 128 * 1024 * 1024, `limit ${a.limits.maxStorageBufferBindingSize}`);
      assert.ok(a.limits.maxComputeInvocationsPerWorkgroup >= 256);
      // The test machines have no GPU: Chromium's and Dawn's adapter here is SwiftShader.
      if (/swiftshader/i.test(`${a.vendor} ${a.architecture} ${a.description}`)) assert.equal(a.software, true);
    });
  });
}
