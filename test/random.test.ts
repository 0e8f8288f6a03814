// ds.random (issue 17, item 2): NumPy's Generator over PCG64, draw for draw against NumPy 1.24
// (test/fixtures/random.json, made by tools/gen_random_fixtures.py) on every backend — the values,
// and the bit generator's state afterwards (so each method consumes the words NumPy's does); the
// module-level functions on ds.seed's generator; shuffle in place; the typed errors.
import { it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import type { Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";

interface Case {
  name: string; seed: number; method: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  args: any[]; opts: Record<string, any>;
  out: { shape: number[]; data: number[] } | { scalar: number };
  after: { state: string; inc: string; hasUint32: boolean; uinteger: number };
}
const doc = JSON.parse(readFileSync(new URL("./fixtures/random.json", import.meta.url), "utf8")) as { cases: Case[] };

function call(g: ds.random.Generator, c: Case): number | Tensor {
  const [a, b, size] = c.args;
  switch (c.method) {
    case "random": return c.args.length ? g.random(a, c.opts) : g.random();
    case "uniform": return g.uniform(a, b, size);
    case "normal": return g.normal(a, b, size);
    case "standardNormal": return g.standardNormal(a, c.opts);
    case "integers": return c.args.length === 1 ? g.integers(a) : g.integers(a, b, size, c.opts);
    case "permutation": return g.permutation(a);
    case "choice": return g.choice(a, b, c.opts);
    default: throw new Error(c.method);
  }
}

forEachBackend("ds.random against NumPy", () => {
  for (const c of doc.cases) {
    it(c.name, () => {
      const g = ds.random.defaultRng(c.seed);
      const got = call(g, c);
      if ("scalar" in c.out) {
        assert.equal(typeof got, "number");
        assert.equal(got, c.out.scalar);
      } else {
        const t = got as Tensor;
        assert.deepEqual([...t.shape], c.out.shape);
        const want = c.out.data, have = Array.from(t.dataSync());
        if (c.method === "standardNormal" || c.method === "normal") {
          // The same draws, accepted and rejected alike; the ziggurat's tables, computed here, differ
          // from NumPy's stored ones in the last bits, so values agree to ~1e-14, not bit for bit.
          want.forEach((w, i) => assert.ok(Math.abs(have[i] - w) <= 1e-13 * Math.max(1, Math.abs(w)), `[${i}] ${have[i]} vs ${w}`));
        } else assert.deepEqual(have, want);
        assert.equal(t.dtype, c.method === "integers" || c.method === "permutation" || (c.method === "choice") ? "int32" : c.opts.dtype ?? "float64");
      }
      assert.deepEqual((g.bitGenerator as ds.random.PCG64).getState(), { bitGenerator: "PCG64", ...c.after }, "state after the call");
    });
  }

  it("choice of a tensor picks rows; permutation of a tensor permutes rows as permutation(n) orders them", () => {
    const x = ds.arange(0, 12).reshape([6, 2]);
    const rows = ds.random.defaultRng(42).choice(x, 3, { replace: false });
    const idx = ds.random.defaultRng(42).choice(6, 3, { replace: false });
    assert.deepEqual(rows.toArray(), x.indexSelect(0, idx).toArray());
    const perm = ds.random.defaultRng(3).permutation(6).toArray() as number[];
    assert.deepEqual(ds.random.defaultRng(3).permutation(x).toArray(), perm.map((i) => [2 * i, 2 * i + 1]));
  });

  it("shuffle rewrites the tensor in place (a view writes through to its base), as NumPy's", () => {
    const base = ds.arange(0, 10).reshape([5, 2]).float();
    const perm = ds.random.defaultRng(1).permutation(5).toArray() as number[];
    ds.random.defaultRng(1).shuffle(base);
    assert.deepEqual(base.toArray(), perm.map((i) => [2 * i, 2 * i + 1]));
    const big = ds.arange(0, 8).float();
    const view = big.slice([2], [6]);
    ds.random.defaultRng(5).shuffle(view);
    const inner = (big.toArray() as number[]).slice(2, 6);
    assert.deepEqual(inner.slice().sort((a, b) => a - b), [2, 3, 4, 5]);
    assert.deepEqual((big.toArray() as number[]).filter((_, i) => i < 2 || i >= 6), [0, 1, 6, 7]);
    assert.throws(() => ds.random.defaultRng(0).shuffle(ds.ones([3], { requiresGrad: true })), (e: Error) => e.name === "GradError");
  });
});

test("getState/setState continue the same stream; PCG64.fromState; a malformed state changes nothing", () => {
  const g = ds.random.defaultRng(99);
  g.random(3); g.bitGenerator.nextUint32(); // leaves half a word buffered
  const bg = g.bitGenerator as ds.random.PCG64;
  const saved = JSON.parse(JSON.stringify(bg.getState()));
  assert.equal(saved.hasUint32, true);
  const a = Array.from(g.random(4).dataSync());
  const h = new ds.random.Generator(ds.random.PCG64.fromState(saved));
  assert.deepEqual(Array.from(h.random(4).dataSync()), a);
  assert.throws(() => bg.setState({ ...saved, inc: "00".repeat(16) }), (e: Error) => e.name === "ArgumentError" && /inc must be odd/.test(e.message));
  assert.deepEqual(Array.from(ds.random.defaultRng(99).random(3).dataSync()).length, 3);
});

test("module-level functions draw from ds.seed's generator: reseeding repeats them", () => {
  const draw = () => [
    Array.from(ds.random.uniform(0, 1, 3).dataSync()), Array.from(ds.random.normal(0, 1, 3).dataSync()),
    ds.random.permutation(6).toArray(), ds.random.choice(10, 4, { replace: false }).toArray(),
    ds.random.integers(0, 100, 5).toArray(), Array.from(ds.random.random(2).dataSync()),
  ];
  ds.seed(2024);
  const first = draw();
  ds.seed(2024);
  assert.deepEqual(draw(), first);
  const t = ds.arange(0, 6);
  ds.seed(7);
  ds.random.shuffle(t);
  ds.seed(7);
  assert.deepEqual(t.toArray(), ds.arange(0, 6).indexSelect(0, ds.random.permutation(6)).toArray());
  // A ds.Generator is a bit generator too: the same stream as the global one seeded alike.
  ds.seed(5);
  const viaGlobal = ds.random.permutation(20).toArray();
  assert.deepEqual(new ds.random.Generator(new ds.Generator(5)).permutation(20).toArray(), viaGlobal);
});

test("draw statistics: uniform mean and variance, normal moments, choice frequencies follow p", () => {
  const g = ds.random.defaultRng(2026);
  const u = g.uniform(-1, 3, 200000);
  assert.ok(Math.abs(u.mean().item() - 1) < 0.01);
  assert.ok(Math.abs(u.var().item() - 16 / 12) < 0.01);
  const z = g.normal(2, 3, 200000);
  assert.ok(Math.abs(z.mean().item() - 2) < 0.03);
  assert.ok(Math.abs(z.std().item() - 3) < 0.03);
  const p = [0.5, 0.1, 0.4];
  const c = g.choice(3, 100000, { p });
  p.forEach((pi, k) => assert.ok(Math.abs(c.eq(k).float().mean().item() - pi) < 0.01, `p[${k}]`));
});

test("typed errors name the op and what was expected", () => {
  const g = ds.random.defaultRng(0);
  const isArg = (re: RegExp) => (e: Error) => e.name === "ArgumentError" && re.test(e.message);
  assert.throws(() => g.integers(5, 5, 3), isArg(/integers: low >= high/));
  assert.throws(() => g.integers(0, 2 ** 31 + 1, 3), isArg(/exceeds int32/));
  assert.throws(() => g.integers(0.5, 3, 3), isArg(/must be integers/));
  assert.throws(() => g.choice(3, 5, { replace: false }), isArg(/choice: cannot take a larger sample \(5\) than the population \(3\)/));
  assert.throws(() => g.choice(3, 2, { p: [0.5, 0.6, 0] }), isArg(/do not sum to 1/));
  assert.throws(() => g.choice(3, 2, { p: [1.5, -0.5, 0] }), isArg(/non-negative/));
  assert.throws(() => g.choice(3, 2, { p: [1, 0] }), (e: Error) => e.name === "ShapeError" && /same size, got 3 and 2/.test(e.message));
  assert.throws(() => g.choice(3, 3, { replace: false, p: [1, 0, 0] }), isArg(/fewer non-zero entries in p \(1\) than the sample size \(3\)/));
  assert.throws(() => g.choice(3, 2, { replace: false, weights: [1] } as never), isArg(/unknown option "weights"/));
  assert.throws(() => g.random([2, -1]), isArg(/size must be a non-negative integer/));
  assert.throws(() => g.random(2, { dtype: "int32" } as never), isArg(/dtype must be "float64" or "float32"/));
  assert.throws(() => g.normal(0, -1, 2), isArg(/scale finite and >= 0/));
  assert.throws(() => ds.random.defaultRng(-1), isArg(/non-negative/));
  assert.throws(() => new ds.random.Generator({} as never), isArg(/expected a bit generator/));
  assert.throws(() => g.permutation(ds.tensor(3)), (e: Error) => e.name === "ShapeError");
});

forEachBackend("ds.random leaves no temporaries", () => {
  it("each draw leaves exactly its result alive", () => {
    const rows = ds.arange(0, 12).reshape([6, 2]);
    const cases: [string, (g: ds.random.Generator) => Tensor][] = [
      ["random", (g) => g.random([2, 3])], ["standardNormal", (g) => g.standardNormal(5)], ["integers", (g) => g.integers(0, 9, 4)],
      ["choice rows", (g) => g.choice(rows, 3, { replace: false })], ["choice p", (g) => g.choice(4, [2, 2], { p: [0.1, 0.2, 0.3, 0.4] })],
      ["permutation of rows", (g) => g.permutation(rows)], ["permutation(n)", (g) => g.permutation(7)],
    ];
    for (const [name, fn] of cases) {
      ds.scope(() => {
        const g = ds.random.defaultRng(1);
        const before = ds.memory().tensors;
        const out = fn(g);
        assert.equal(ds.memory().tensors - before, 1, `${name}: tensors alive after the draw`);
        out.dispose();
      });
    }
    ds.scope(() => {
      const t = ds.arange(0, 6).float();
      const before = ds.memory().tensors;
      ds.random.defaultRng(2).shuffle(t);
      assert.equal(ds.memory().tensors, before, "shuffle: nothing new alive");
    });
  });
});
