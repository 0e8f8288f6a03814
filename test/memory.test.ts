// Memory stays flat: scopes dispose intermediates deterministically; without them, frames, the
// graph's own references and spilling do (tensor/memory.ts; the loop shapes users write are in
// memory-loops.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";

function step(w: ds.Tensor, x: ds.Tensor, y: ds.Tensor): number {
  const loss = ds.nn.F.mse(x.matmul(w).tanh(), y);
  loss.backward();
  ds.noGrad(() => w.copy_(w.sub(w.grad!.mul(0.01))));
  w.grad!.dispose();
  w.grad = null;
  return loss.item();
}

test("10,000 forward/backward iterations inside scopes keep live tensors and bytes flat", () => {
  ds.seed(1);
  const x = ds.randn([8, 4]);
  const y = ds.randn([8, 3]);
  const w = ds.randn([4, 3]).requiresGrad_();
  const base = ds.memory();
  let first = 0, last = 0;
  for (let i = 0; i < 10_000; i++) {
    const l = ds.scope(() => step(w, x, y));
    if (i === 0) first = l;
    last = l;
    if (i % 1000 === 999) {
      const m = ds.memory();
      assert.equal(m.tensors, base.tensors, `live tensors grew at iteration ${i + 1}`);
      assert.equal(m.bytes, base.bytes, `live bytes grew at iteration ${i + 1}`);
      assert.equal(m.storages, base.storages);
    }
  }
  assert.ok(last < first, `the loop should learn: first loss ${first}, last ${last}`);
});

test("without scopes, top-level functional code keeps device memory flat: what it leaves is spilled, not lost", () => {
  // No module frames here: every intermediate is a user-level tensor the library cannot judge. They
  // move to the JavaScript heap once untouched for a step; w keeps training on the device.
  ds.seed(2);
  const x = ds.randn([8, 4]);
  const y = ds.randn([8, 3]);
  const w = ds.randn([4, 3]).requiresGrad_();
  const opt = new ds.optim.SGD([w], { lr: 0.01 });
  let at200 = 0, first = 0, last = 0;
  for (let i = 1; i <= 2000; i++) {
    opt.zeroGrad();
    const loss = ds.nn.F.mse(x.matmul(w).tanh(), y);
    loss.backward();
    opt.step();
    if (i === 1) first = loss.item();
    if (i === 200) at200 = ds.memory().bytes;
    last = loss.item();
  }
  const end = ds.memory().bytes;
  assert.ok(Math.abs(end - at200) <= 0.05 * at200, `device bytes ${at200} after step 200, ${end} after 2,000`);
  assert.ok(last < first, `the loop learns: ${first} → ${last}`);
});

test("scope returns tensors to the caller and disposes the rest, including on throw", () => {
  const base = ds.memory().tensors;
  const [a, b] = ds.scope(() => {
    const t = ds.ones([3]).mul(2).add(1);
    return [t, { nested: t.sum() }.nested];
  });
  assert.equal(ds.memory().tensors, base + 2);
  assert.deepEqual(a.toArray(), [3, 3, 3]);
  assert.equal(b.item(), 9);
  assert.throws(() => ds.scope(() => {
    ds.ones([2]).add(1);
    throw new Error("boom");
  }), /boom/);
  assert.equal(ds.memory().tensors, base + 2);
  a.dispose();
  b.dispose();
  assert.equal(ds.memory().tensors, base);
});

test("dispose, Symbol.dispose (using) and use-after-dispose", () => {
  const base = ds.memory();
  {
    using t = ds.zeros([10]);
    assert.equal(ds.memory().bytes, base.bytes + 40);
    assert.equal(t.size, 10);
  }
  assert.equal(ds.memory().bytes, base.bytes);
  const t = ds.ones([2, 2]);
  const v = t.transpose(); // a view shares the storage
  t.dispose();
  assert.deepEqual(v.toArray(), [[1, 1], [1, 1]]);
  assert.throws(() => t.add(1), ds.MemoryError);
  v.dispose();
  assert.deepEqual(ds.memory(), base);
});

test("nested scopes move returned tensors to the parent; keep() exempts a tensor", () => {
  const base = ds.memory().tensors;
  let kept!: ds.Tensor;
  const outer = ds.scope(() => {
    const inner = ds.scope(() => {
      kept = ds.keep(ds.ones([1]));
      ds.ones([1]);
      return ds.ones([2]);
    });
    assert.equal(inner.size, 2);
    return inner.sum();
  });
  assert.equal(outer.item(), 2);
  assert.equal(ds.memory().tensors, base + 2);
  kept.dispose();
  outer.dispose();
  assert.equal(ds.memory().tensors, base);
});

test("scope refuses an async function before running it, without leaking", () => {
  const base = ds.memory().tensors;
  let ran = false;
  const body = async () => {
    ran = true;
    return ds.ones([1]);
  };
  assert.throws(() => ds.scope(body as unknown as () => ds.Tensor), /^ArgumentError: scope: got an async function; scope\(\) takes a synchronous function\. Await outside the scope/);
  assert.throws(() => ds.scope(body.bind(null) as unknown as () => ds.Tensor), /got an async function/);
  assert.equal(ran, false, "the body never ran");
  assert.equal(ds.memory().tensors, base);
  assert.throws(() => ds.scope(null as unknown as () => number), /^ArgumentError: scope: expected a function, got null$/);
});

test("scope given a function that returns a Promise disposes its tensors, throws, and the orphaned body cannot crash the process", async () => {
  const base = ds.memory().tensors;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    let made: ds.Tensor | null = null;
    let continued = false;
    const body = () => {
      const t = ds.ones([2]);
      made = t;
      return Promise.resolve().then(() => {
        continued = true;
        return t.add(1); // the scope has disposed t by now
      });
    };
    assert.throws(() => ds.scope(body), /^ArgumentError: scope: fn returned a Promise; scope\(\) takes a synchronous function/);
    assert.equal(ds.memory().tensors, base, "its tensors were disposed at once");
    assert.throws(() => made!.toArray(), ds.MemoryError);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    assert.equal(continued, true, "the body did run on (it cannot be stopped)");
    assert.deepEqual(unhandled, [], "its failure on the disposed tensor is not an unhandled rejection");
    // Any thenable counts.
    assert.throws(() => ds.scope(() => ({ then() {} })), /fn returned a Promise/);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("a disposed tensor's next use says what disposed it and how to keep it", () => {
  const p = ds.ones([2], { requiresGrad: true });
  const opt = new ds.optim.SGD([p], { lr: 0.1 });
  p.mul(3).sum().backward();
  const g = p.grad!;
  opt.zeroGrad();
  assert.throws(() => g.toArray(), (e: unknown) => e instanceof ds.MemoryError && /disposed by optimizer\.zeroGrad\(\)/.test((e as Error).message) && /clone\(\)/.test((e as Error).message));
  let inner!: ds.Tensor;
  ds.scope(() => {
    inner = ds.ones([3]).mul(2);
  });
  assert.throws(() => inner.sum(), (e: unknown) => e instanceof ds.MemoryError && /the end of the ds\.scope that made it/.test((e as Error).message));
  const t = ds.ones([1]);
  t.dispose();
  assert.throws(() => t.item(), /disposed by dispose\(\)/);
});

test("the graph keeps what backward needs after the frame or scope that made it ends", () => {
  const w = ds.tensor([1, 2, 3], { requiresGrad: true });
  const loss = ds.scope(() => w.mul(w).exp().sum()); // the scope disposed w·w and exp's output
  loss.backward();
  const want = [1, 2, 3].map((v) => 2 * v * Math.exp(v * v));
  (w.grad!.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-4 * want[i], `${v} vs ${want[i]}`));
  assert.throws(() => loss.backward(), /second time/);
});
