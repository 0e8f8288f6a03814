// The uint8 and float16 dtypes (issue 17, item 2): casts both ways, PyTorch's type promotion and
// arithmetic, against torch 1.13 (test/fixtures/dtypes-small.json, made by
// tools/gen_dtype_fixtures.py), exactly, on every backend; the float16 codec on every bit
// pattern; safetensors F16/U8 round trips; the typed errors.
import { it, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { io } from "../src/index.js";
import type { DType, Tensor } from "../src/index.js";
import { halfBits, halfFromBits, roundHalf } from "../src/core/half.js";
import { forEachBackend } from "./helpers/backends.js";

type Enc = number | "nan" | "inf" | "-inf";
interface TSpec { shape: number[]; dtype: DType; data: Enc[] }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface Case { name: string; op: string; inputs: TSpec[]; args: Record<string, any>; out: TSpec }
const doc = JSON.parse(readFileSync(new URL("./fixtures/dtypes-small.json", import.meta.url), "utf8")) as { cases: Case[] };

const dec = (v: Enc): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);
function build(s: TSpec): Tensor {
  const vals = s.data.map(dec);
  if (s.dtype === "bool") return ds.tensor(vals.map((v) => v !== 0)).reshape(s.shape);
  const arr = s.dtype === "float64" ? Float64Array.from(vals) : s.dtype === "int32" ? Int32Array.from(vals) : s.dtype === "uint8" ? Uint8Array.from(vals) : Float32Array.from(vals);
  return ds.tensor(arr, { dtype: s.dtype }).reshape(s.shape);
}

const OPS: Record<string, (x: Tensor[], a: Case["args"]) => Tensor> = {
  to: ([x], a) => x.to(a.dtype),
  add: ([x, y]) => x.add(y), sub: ([x, y]) => x.sub(y), mul: ([x, y]) => ds.mul(x, y), div: ([x, y]) => x.div(y),
  addScalar: ([x], a) => x.add(a.s), mulScalar: ([x], a) => x.mul(a.s),
  neg: ([x]) => x.neg(), gt: ([x, y]) => x.gt(y),
  sum: ([x]) => x.sum(), sumDim: ([x], a) => x.sum(a.dim), max: ([x]) => x.max(), mean: ([x]) => x.mean(),
  cumsum: ([x], a) => x.cumsum(a.dim), matmul: ([x, y]) => x.matmul(y),
  exp: ([x]) => x.exp(), sqrt: ([x]) => x.sqrt(), tanh: ([x]) => x.tanh(), sigmoid: ([x]) => x.sigmoid(),
};

/** Equal element for element, NaN equal to NaN and -0 apart from 0. */
function assertSame(t: Tensor, expected: number[], msg: string): void {
  const got = Array.from(t.dataSync());
  assert.equal(got.length, expected.length, `${msg}: length`);
  for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], expected[i]) || (got[i] === 0 && expected[i] === 0 && t.dtype !== "float16" && t.dtype !== "float32" && t.dtype !== "float64"), `${msg} [${i}]: got ${got[i]}, expected ${expected[i]}`);
}

forEachBackend("uint8/float16 against torch", () => {
  for (const c of doc.cases) {
    it(c.name, () => {
      const y = OPS[c.op](c.inputs.map(build), c.args);
      assert.deepEqual([...y.shape], c.out.shape, "shape");
      assert.equal(y.dtype, c.out.dtype, "dtype");
      // float32 transcendental functions of uint8: torch evaluates them in float32, deepscript in float64 rounded once.
      if (c.out.dtype === "float32" && c.op === "sqrt") {
        const want = c.out.data.map(dec), got = y.dataSync();
        want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-6 * Math.abs(w), `[${i}] ${got[i]} vs ${w}`));
      } else assertSame(y, c.out.data.map(dec), c.name);
    });
  }

  it("dataSync gives a Uint8Array for uint8 and a Float32Array of float16 values for float16", () => {
    const u = ds.tensor([1, 2, 255], { dtype: "uint8" });
    assert.ok(u.dataSync() instanceof Uint8Array);
    assert.deepEqual(u.toArray(), [1, 2, 255]);
    const h = ds.tensor([0.1, 1 / 3], { dtype: "float16" });
    assert.ok(h.dataSync() instanceof Float32Array);
    assert.deepEqual(Array.from(h.dataSync()), [0.0999755859375, 0.333251953125]);
    assert.equal(ds.tensor(new Uint8Array([3, 4])).dtype, "uint8");
    assert.equal(ds.tensor(new Uint8ClampedArray([3, 4])).dtype, "uint8");
  });

  it("results stored into float16 are rounded whatever produced them (fill, where, views, copy_)", () => {
    assert.deepEqual(Array.from(ds.full([2], 0.1, { dtype: "float16" }).dataSync()), [0.0999755859375, 0.0999755859375]);
    const h = ds.zeros([3], { dtype: "float16" });
    ds.noGrad(() => h.copy_(ds.tensor([1 / 3, 70000, -1e-9], { dtype: "float64" })));
    assert.deepEqual(Array.from(h.dataSync()), [0.333251953125, Infinity, -0]);
    const w = ds.where(ds.tensor([true, false]), ds.tensor([0.1, 0.2], { dtype: "float16" }), 0.3);
    assert.equal(w.dtype, "float16");
    assert.deepEqual(Array.from(w.dataSync()), [0.0999755859375, roundHalf(0.3)]);
    assert.deepEqual(Array.from(ds.rand([50], { dtype: "float16" }).dataSync().filter((v) => v !== roundHalf(v))), []);
  });

  it("gradients flow through casts to and from float16 (the cast's vjp casts back)", () => {
    const x = ds.tensor([0.5, -1.25, 3], { dtype: "float32", requiresGrad: true });
    x.half().mul(ds.tensor([2, 4, 8], { dtype: "float16" })).sum().backward();
    assert.equal(x.grad!.dtype, "float32");
    assert.deepEqual(Array.from(x.grad!.dataSync()), [2, 4, 8]);
  });

  it("uint8 gather, scatter-add and concat keep uint8 (scatter-add wraps)", () => {
    const u = ds.tensor([10, 20, 250], { dtype: "uint8" });
    assert.deepEqual(u.gather(0, ds.tensor([2, 0], { dtype: "int32" })).toArray(), [250, 10]);
    const s = ds.scatterAdd(u, 0, ds.tensor([2, 2], { dtype: "int32" }), ds.tensor([5, 3], { dtype: "uint8" }));
    assert.equal(s.dtype, "uint8");
    assert.deepEqual(s.toArray(), [10, 20, 2]);
    assert.deepEqual(ds.concat([u, u], 0).toArray(), [10, 20, 250, 10, 20, 250]);
    assert.equal(String(u), "tensor([ 10,  20, 250], dtype=uint8)");
  });

  it("float16 gradients of matmul and sum against float32 ones rounded to half", () => {
    const a = ds.tensor([[0.3, -1.7], [2.2, 0.9]], { dtype: "float16", requiresGrad: true });
    const b = ds.tensor([[1.1, 0.4], [-0.6, 2.5]], { dtype: "float16" });
    a.matmul(b).sum().backward();
    assert.equal(a.grad!.dtype, "float16");
    const want = ds.tensor([[1.1, 0.4], [-0.6, 2.5]], { dtype: "float16" }).float().sum(1).half();
    assert.deepEqual(Array.from(a.grad!.dataSync()), [...Array.from(want.dataSync()), ...Array.from(want.dataSync())]);
  });
});

test("the float16 codec: every one of the 65536 bit patterns decodes and encodes back (NaNs to one quiet NaN)", () => {
  for (let h = 0; h < 65536; h++) {
    const v = halfFromBits(h);
    if (Number.isNaN(v)) { assert.equal(halfBits(v), 0x7e00); continue; }
    assert.equal(roundHalf(v), v, `value of ${h.toString(16)} is a float16 value`);
    assert.equal(halfBits(v), h, `bits ${h.toString(16)}`);
  }
});

test("roundHalf is nearest-even between neighbouring float16 values, on 20,000 random float32 inputs of every scale", () => {
  let s = 12345;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 20000; i++) {
    const x = Math.fround((next() - 0.5) * 2 ** (next() * 44 - 28));
    const r = roundHalf(x), a = Math.abs(x);
    if (a >= 65520) { assert.equal(Math.abs(r), Infinity); continue; }
    // The two float16 neighbours of x, from the bit pattern of r: x lies within half a spacing of r.
    const bits = halfBits(r) & 0x7fff;
    const up = halfFromBits(bits + 1), down = bits === 0 ? 0 : halfFromBits(bits - 1);
    const d = Math.abs(a - Math.abs(r));
    assert.ok(d <= Math.abs(a - up) && d <= Math.abs(a - down), `${x} → ${r}: a neighbour is nearer`);
    if (d === Math.abs(a - up) || (bits > 0 && d === Math.abs(a - down))) assert.equal(bits & 1, 0, `tie ${x} goes to even`);
  }
});

test("safetensors: float16 is written as F16 and uint8 as U8, and both read back as themselves", () => {
  const h = ds.tensor([0.1, -2.5, 65504, 6e-8, -0, Infinity], { dtype: "float16" });
  const u = ds.tensor([0, 7, 255], { dtype: "uint8" });
  const bytes = Buffer.concat(io.encodeSafetensors({ h, u }));
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
  assert.deepEqual([header.h.dtype, header.h.data_offsets[1] - header.h.data_offsets[0]], ["F16", 12]);
  assert.deepEqual([header.u.dtype, header.u.data_offsets[1] - header.u.data_offsets[0]], ["U8", 3]);
  const back = io.decodeSafetensors(bytes).tensors;
  assert.equal(back.h.dtype, "float16");
  assert.deepEqual(Array.from(back.h.dataSync()), Array.from(h.dataSync()));
  assert.equal(back.u.dtype, "uint8");
  assert.deepEqual(back.u.toArray(), [0, 7, 255]);
});

test("typed errors: uint8 data out of range, matmul of uint8, unknown dtypes", () => {
  assert.throws(() => ds.tensor([1, 256], { dtype: "uint8" }), (e: Error) => e.name === "ArgumentError" && /tensor: uint8 data must be whole numbers in \[0, 255\], got 256/.test(e.message));
  assert.throws(() => ds.tensor([-1], { dtype: "uint8" }), /got -1/);
  assert.throws(() => ds.tensor([[1]], { dtype: "uint8" }).matmul(ds.tensor([[1]], { dtype: "uint8" })), (e: Error) => e.name === "DTypeError" && /matmul: uint8 is a storage dtype/.test(e.message));
  assert.throws(() => ds.tensor([1]).to("int8" as DType), (e: Error) => e.name === "DTypeError" && /float16, int32, uint8, bool/.test(e.message));
});

test("a half-precision weights file loads into a float32 model (copy_ casts), values exact", () => {
  const m = new ds.nn.Linear(3, 2);
  const half = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.half()]));
  const bytes = Buffer.concat(io.encodeSafetensors(half));
  const m2 = new ds.nn.Linear(3, 2);
  m2.loadStateDict(io.decodeSafetensors(bytes).tensors);
  assert.equal(m2.weight.dtype, "float32");
  assert.deepEqual(Array.from(m2.weight.dataSync()), Array.from(half.weight.dataSync()));
  assert.deepEqual(Array.from(m2.bias!.dataSync()), Array.from(m.bias!.dataSync()).map(roundHalf));
});

forEachBackend("uint8/float16 ops leave no temporaries", () => {
  it("casts, float16 matmul/cumsum/scatter-add (computed in float32) free their float32 intermediates", () => {
    const h = ds.tensor([[0.5, -1.5], [2.25, 3]], { dtype: "float16" });
    const idx = ds.tensor([[1, 0], [0, 0]], { dtype: "int32" });
    const cases: [string, (x: Tensor) => Tensor][] = [
      ["float", (x) => x.float()], ["byte", (x) => x.byte()], ["matmul", (x) => x.matmul(x)],
      ["cumsum", (x) => x.cumsum(1)], ["scatterAdd", (x) => ds.scatterAdd(x, 0, idx, x)], ["mean", (x) => x.mean()],
    ];
    for (const [name, fn] of cases) {
      ds.scope(() => {
        const before = ds.memory().tensors;
        const out = fn(h);
        assert.equal(ds.memory().tensors - before, 1, `${name}: tensors alive after the op`);
        out.dispose();
      });
    }
  });
});
