// The prebuilt bundle (dist/browser/, tools/build_browser.ts) as a CDN serves it, in real
// Chromium: built into a temporary folder laid out like the package (dist/browser/ next to
// data/), served by node:http, and imported by a page's inline <script type="module"> with no
// bundler. The page imports tensor + nn + optim + train, trains on the bundled digits and
// reports; the requests it made are checked: no Vega, vega-lite, h5wasm or fflate chunk is
// fetched until a chart is drawn, and then they are.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import type { Metafile } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { buildBrowser } from "../../tools/build_browser.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const PAGE = `<!doctype html><meta charset="utf-8"><title>cdn</title>
<script type="module">
  import * as ds from "/pkg/dist/browser/tensor.js";
  import * as nn from "/pkg/dist/browser/nn.js";
  import * as optim from "/pkg/dist/browser/optim.js";
  import * as train from "/pkg/dist/browser/train.js";
  import * as data from "/pkg/dist/browser/data.js";
  window.run = async () => {
    ds.setBackend("wasm");
    ds.seed(0);
    await data.datasets.preload("digits");
    const { train: tr, test } = data.datasets.digits({ flatten: true });
    const model = new nn.Sequential(new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));
    const h = await train.fit(model, [tr.x, tr.y], { epochs: 2, batchSize: 64, optimizer: new optim.Adam(model.parameters()), loss: "crossEntropy", verbose: 0 });
    const { accuracy } = train.evaluate(model, [test.x, test.y], { metrics: ["accuracy"] });
    let shape;
    try { ds.ones([2, 3]).matmul(ds.ones([2, 3])); } catch (e) { shape = e.name; }
    return { loss: h.history.loss, accuracy, errorName: shape };
  };
  window.chart = async () => {
    const plot = await import("/pkg/dist/browser/plot.js");
    return (await plot.line({ y: [1, 2, 3] }).toSVG()).slice(0, 4);
  };
  document.title = "ready";
</script>`;

let dir = "", server: Server, browser: Browser, base = "", metafile: Metafile;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  dir = mkdtempSync(join(tmpdir(), "ds-cdn-"));
  ({ metafile } = await buildBrowser(join(dir, "dist/browser")));
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/") { res.writeHead(200, { "content-type": "text/html" }); return res.end(PAGE); }
    // /pkg/ is the package as a CDN serves it: dist/browser/ from the build, data/ from the repository.
    const file = path.startsWith("/pkg/dist/") ? normalize(join(dir, path.slice(5))) : path.startsWith("/pkg/data/") ? normalize(join(ROOT, path.slice(5))) : "";
    if (!file || !(file.startsWith(dir) || file.startsWith(join(ROOT, "data/"))) || !existsSync(file)) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a <script type=module> imports the prebuilt bundle, trains on the digits, and fetches no chart code until it draws", { timeout: 300_000 }, async (t) => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const fetched: string[] = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.title === "ready", null, { timeout: 60_000 });
  const r = await page.evaluate(() => (window as unknown as { run(): Promise<{ loss: number[]; accuracy: number; errorName: string }> }).run());
  assert.ok(r.loss[1] < r.loss[0], `loss ${r.loss}`);
  assert.ok(r.accuracy > 0.85, `test accuracy ${r.accuracy}`);
  assert.equal(r.errorName, "ShapeError");
  assert.ok(fetched.includes("/pkg/data/digits-mnist-10k.bin.gz"), "the digits are fetched from the package's data/");
  // Which chunks hold the lazy libraries, from the build's metafile.
  const lazyChunks = Object.entries(metafile.outputs)
    .filter(([, o]) => Object.keys(o.inputs).some((p) => /node_modules\/(vega[^/]*|h5wasm|fflate)\//.test(p)))
    .map(([k]) => `/pkg/dist/browser/${k.split("/").pop()}`);
  assert.ok(lazyChunks.length >= 2);
  const jsBefore = fetched.filter((p) => p.endsWith(".js"));
  assert.deepEqual(jsBefore.filter((p) => lazyChunks.includes(p)), []);
  // Drawing a chart loads Vega then.
  assert.equal(await page.evaluate(() => (window as unknown as { chart(): Promise<string> }).chart()), "<svg");
  assert.ok(fetched.some((p) => lazyChunks.includes(p)), "Vega's chunks were fetched for the chart");
  assert.deepEqual(errors, []);
  t.diagnostic(`${jsBefore.length} script files before the chart, test accuracy ${r.accuracy}`);
});
