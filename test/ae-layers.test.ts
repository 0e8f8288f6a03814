// Autoencoder layers and unsupervised losses against PyTorch: test/fixtures/ae.json (made by
// tools/gen_explain_fixtures.py) — ConvTranspose2d with stride/padding/outputPadding/groups/
// dilation, Upsample nearest/bilinear, and nn.F's cosineSimilarity, pairwiseDistance, normalize,
// ntXent, vaeLoss, gaussianKl, convTranspose2d and interpolate: outputs and gradients.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as ds from "../src/index.js";
import { nn, io, Tensor } from "../src/index.js";
import { forEachBackend } from "./helpers/backends.js";
import { closeTo, decOpts, runLayerCase, tensorOf, tolFor, type LayerCase, type TSpec } from "./helpers/torchfix.js";
import { assertClose } from "./helpers/assert.js";

interface FnCase {
  name: string;
  fn: string;
  dtype: "float32" | "float64";
  args: unknown[];
  opts: Record<string, unknown> | null;
  out: TSpec;
  upstream: TSpec;
  gradArgs: number[];
  grads: TSpec[];
  tol?: { rtol: number; atol: number };
}
const doc = JSON.parse(readFileSync(new URL("./fixtures/ae.json", import.meta.url), "utf8")) as { cases: LayerCase[]; functions: FnCase[] };

function runFnCase(c: FnCase): void {
  const tol = tolFor(c.dtype, c.tol);
  const args = c.args.map((a, i) => {
    if (a && typeof a === "object" && "$tensor" in a) return tensorOf((a as { $tensor: TSpec }).$tensor, c.gradArgs.includes(i));
    return decOpts(a);
  });
  if (c.opts) args.push(decOpts(c.opts));
  const fn = (nn.F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn];
  assert.equal(typeof fn, "function", `nn.F.${c.fn}`);
  const y = fn(...args);
  closeTo(y, c.out, tol, `${c.name}: output`);
  y.mul(tensorOf(c.upstream)).sum().backward();
  c.gradArgs.forEach((i, k) => closeTo((args[i] as Tensor).grad!, c.grads[k], tol, `${c.name}: grad of argument ${i}`));
}

forEachBackend("autoencoder layers vs PyTorch", () => {
  for (const type of ["ConvTranspose2d", "Upsample"]) {
    describe(type, () => {
      for (const c of doc.cases.filter((k) => k.module.type === type)) it(c.name, () => ds.scope(() => runLayerCase(c)));
    });
  }
  describe("nn.F embedding and unsupervised losses", () => {
    for (const c of doc.functions) it(c.name, () => ds.scope(() => runFnCase(c)));
  });
});

describe("ConvTranspose2d and Upsample beyond the fixtures", () => {
  it("has PyTorch's parameter layout [in, out/groups, kH, kW] and default initialisation bounds", () => {
    ds.seed(1);
    const m = new nn.ConvTranspose2d(6, 4, [3, 2], { groups: 2 });
    assert.deepEqual(m.namedParameters().map(([k, p]) => [k, p.shape]), [["weight", [6, 2, 3, 2]], ["bias", [4]]]);
    const bound = 1 / Math.sqrt(2 * 3 * 2); // kaiming_uniform(a=√5) gives U(±1/√fan_in), fan_in = out/groups·kH·kW
    const w = m.weight.abs().max().item(), b = m.bias!.abs().max().item();
    assert.ok(w <= bound && w > 0.8 * bound, `weight bound ${w} vs ${bound}`);
    assert.ok(b <= bound, `bias bound ${b}`);
  });

  it("maps 7×7 to 14×14 with the usual decoder settings and inverts a strided conv's shape", () => {
    const up = new nn.ConvTranspose2d(8, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
    assert.deepEqual(up.call(ds.zeros([2, 8, 7, 7])).shape, [2, 4, 14, 14]);
    const down = new nn.Conv2d(4, 8, 3, { stride: 2, padding: 1 });
    assert.deepEqual(down.call(ds.zeros([2, 4, 14, 14])).shape, [2, 8, 7, 7]);
  });

  it("is the adjoint of conv2d: <conv(x), y> = <x, convT(y)> with the same weight", () => {
    ds.seed(2);
    const w = ds.randn([6, 4, 3, 3], { dtype: "float64" }); // conv2d: [O=6, C/g=4]; convT: [in=6, out/g=4]
    const x = ds.randn([2, 8, 9, 9], { dtype: "float64" });
    const opts = { stride: 2, padding: 1, groups: 2 } as const;
    const cx = nn.F.conv2d(x, w, null, opts);
    const y = ds.randn(cx.shape, { dtype: "float64" });
    const cty = nn.F.convTranspose2d(y, w, null, opts);
    assert.deepEqual(cty.shape, x.shape);
    assertClose(cx.mul(y).sum().item(), x.mul(cty).sum().item(), { rtol: 1e-10 });
  });

  it("rejects bad options with clear errors", () => {
    assert.throws(() => nn.F.convTranspose2d(ds.zeros([1, 2, 3, 3]), ds.zeros([2, 1, 3, 3]), null, { stride: 2, outputPadding: 2 }), /outputPadding/);
    assert.throws(() => nn.F.convTranspose2d(ds.zeros([1, 3, 3, 3]), ds.zeros([2, 1, 3, 3])), /input channels/);
    assert.throws(() => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 }), /groups/);
    assert.throws(() => new nn.Upsample({}), /size and scaleFactor/);
    assert.throws(() => nn.F.interpolate(ds.zeros([1, 1, 2, 2]), { scaleFactor: 2, mode: "bicubic" as "nearest" }), /mode/);
    assert.throws(() => nn.F.interpolate(ds.zeros([1, 1, 2, 2]), { scaleFactor: 2, alignCorners: true }), /alignCorners/);
  });

  it("saves and loads through io (architecture entries)", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    ds.seed(3);
    const model = new nn.Sequential(
      new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.Upsample({ scaleFactor: 2, mode: "bilinear" }),
      new nn.Flatten(), new nn.Unflatten(1, [3, 16, 16]),
    );
    const path = join(mkdtempSync(join(tmpdir(), "ds-ae-")), "m.safetensors");
    io.save(model, path);
    const back = io.load(path) as unknown as nn.Sequential;
    const x = ds.randn([1, 2, 4, 4]);
    assertClose(back.call(x), model.call(x).toArray(), { rtol: 1e-6 });
    assert.match(String(back), /ConvTranspose2d\(2, 3/);
    assert.deepEqual(back.call(x).shape, [1, 3, 16, 16]);
  });
});

describe("embedding functions beyond the fixtures", () => {
  it("ntXent is near its minimum for identical, well-separated views and large for swapped ones", () => {
    const z = ds.eye(4).mul(5);
    const good = nn.F.ntXent(z, z, 0.1).item();
    const bad = nn.F.ntXent(z, z.flip(0), 0.1).item();
    assert.ok(good < 1e-3, `aligned views: ${good}`);
    assert.ok(bad > 5, `misaligned views: ${bad}`);
  });
  it("normalize gives unit rows; cosineSimilarity of a vector with itself is 1", () => {
    const x = ds.randn([5, 7]);
    assertClose(nn.F.normalize(x).square().sum(1), [1, 1, 1, 1, 1], { rtol: 1e-5 });
    assertClose(nn.F.cosineSimilarity(x, x), [1, 1, 1, 1, 1], { rtol: 1e-5 });
  });
});
