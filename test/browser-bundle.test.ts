// The prebuilt ESM bundle (dist/browser/, `npm run build:browser`, issue 14 item 3): built here
// into a temporary folder with the options of tools/build_browser.ts, then checked from esbuild's
// metafile — what a page loads statically with tensors + nn + optim + train, or the root entry,
// holds no Vega, vega-lite, resvg, h5wasm or fflate code (those stay behind import()), and the
// first stays within its 150 KB gzipped budget — and run: the minified bundle imported as ES
// modules computes, keeps class names (errors' e.name, module printing) and trains.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Metafile } from "esbuild";
import { browserEntries, buildBrowser, entryOutput, gzippedSize, reachable, sizeTable } from "../tools/build_browser.js";

const ROOT = new URL("../", import.meta.url).pathname;
// Code a page must not load until it draws a chart or reads a .keras file.
const LAZY = /node_modules\/(vega[^/]*|@resvg\/[^/]+|h5wasm|fflate)\//;

let dir = "", metafile: Metafile;
const contentOf = (o: string) => readFileSync(join(ROOT, o));
const inputsOf = (outputs: Iterable<string>) => [...outputs].flatMap((o) => Object.keys(metafile.outputs[o].inputs));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ds-browser-"));
  ({ metafile } = await buildBrowser(dir));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("one entry file per package export, all in one flat folder", () => {
  const outputs = Object.keys(metafile.outputs).filter((o) => o.endsWith(".js"));
  for (const [name, source] of Object.entries(browserEntries())) {
    assert.equal(join(ROOT, metafile.outputs[entryOutput(metafile, name)].entryPoint!), source, name);
  }
  // Flat: new URL("../../data/…", import.meta.url) from any chunk is the package's data/ folder.
  const base = outputs[0].slice(0, outputs[0].lastIndexOf("/"));
  assert.deepEqual(outputs.filter((o) => !o.startsWith(`${base}/`) || o.slice(base.length + 1).includes("/")), []);
});

test("tensor + nn + optim + train load no Vega, resvg, h5wasm, fflate or plot code, within 150 KB gzipped", (t) => {
  const loaded = reachable(metafile, ["tensor", "nn", "optim", "train"].map((n) => entryOutput(metafile, n)));
  const inputs = inputsOf(loaded);
  assert.ok(inputs.some((p) => p.endsWith("src/train/fit.ts")) && inputs.some((p) => p.endsWith("src/backend/wasm/index.ts")));
  assert.deepEqual(inputs.filter((p) => LAZY.test(p) || p.includes("src/plot/")), []);
  const gz = gzippedSize(loaded, contentOf);
  t.diagnostic(`${loaded.size} files, ${(gz / 1024).toFixed(1)} KB gzipped`);
  assert.ok(gz <= 150 * 1024, `${(gz / 1024).toFixed(1)} KB gzipped`);
});

test("the root entry and deepscript/core load no Vega, resvg, h5wasm or fflate; those are in the bundle behind import()", (t) => {
  for (const name of ["index", "core", "plot", "keras"]) {
    const loaded = reachable(metafile, [entryOutput(metafile, name)]);
    assert.deepEqual(inputsOf(loaded).filter((p) => LAZY.test(p)), [], name);
  }
  const all = inputsOf(Object.keys(metafile.outputs));
  for (const lib of ["vega", "vega-lite", "h5wasm", "fflate"]) assert.ok(all.some((p) => p.includes(`node_modules/${lib}/`)), `${lib} missing from the bundle`);
  // resvg is a native Node addon: never bundled (pages render PNGs with a canvas).
  assert.equal(all.some((p) => p.includes("@resvg/")), false);
  for (const line of sizeTable(metafile, contentOf).split("\n")) t.diagnostic(line);
});

test("the minified bundle runs: values, class names kept, a training step", async () => {
  const ds = await import(pathToFileURL(join(dir, "index.js")).href) as typeof import("../src/index.js");
  assert.deepEqual(ds.tensor([[1, 2], [3, 4]]).matmul(ds.tensor([[1], [1]])).add(1).toArray(), [[4], [8]]);
  assert.throws(() => ds.ones([2, 3]).matmul(ds.ones([2, 3])), (e: Error) => e.name === "ShapeError" && /matmul/.test(e.message));
  assert.equal(new ds.nn.Sequential(new ds.nn.Linear(2, 3), new ds.nn.ReLU()).toString(), "Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)");
  // The same model and data as the source gives the same loss after SGD steps (same code, minified).
  const src = await import("../src/index.js");
  const run = (lib: typeof src) => {
    lib.seed(3);
    const m = new lib.nn.Linear(4, 1), opt = new lib.optim.SGD(m.parameters(), { lr: 0.1 });
    const x = lib.randn([32, 4]), y = x.sum(1, true);
    let loss = NaN;
    for (let i = 0; i < 20; i++) {
      opt.zeroGrad();
      const l = lib.nn.functional.mse(m.call(x), y);
      l.backward();
      opt.step();
      loss = l.item();
    }
    return loss;
  };
  const [a, b] = [run(ds), run(src)];
  assert.ok(a < 0.1, `loss ${a}`);
  assert.equal(a, b);
});
