// `npm run test:browser`: deepscript in real Chromium. Bundles page.ts with esbuild, serves it
// (and data/, test/fixtures/) from a local node:http server, drives Debian's chromium headless
// through playwright-core (no browser download), and asserts here, in node:test, on what the page
// reports: the op fixture suite per backend, the digits MLP's test accuracy, flat memory over an
// awaiting loop. CHROMIUM=/path/to/chrome overrides /usr/bin/chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHIMS = fileURLToPath(new URL("./shims/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// The bundle is served as /pkg/browser/page.js, so `new URL("../../data/…", import.meta.url)`
// (how deepscript finds its bundled files, from src/<layer>/ or dist/<layer>/) is /data/… here too.
const PAGE_JS = "/pkg/browser/page.js";
const HTML = `<!doctype html><meta charset="utf-8"><title>deepscript tests</title><script type="module" src="${PAGE_JS}"></script>`;
const TYPES: Record<string, string> = { ".js": "text/javascript", ".json": "application/json", ".gz": "application/gzip", ".csv": "text/csv", ".txt": "text/plain" };

let server: Server, browser: Browser, page: Page, base = "";
const pageErrors: string[] = [];

async function bundle(): Promise<string> {
  const shim = (name: string) => ({ path: join(SHIMS, name), namespace: "file" });
  const r = await build({
    entryPoints: [fileURLToPath(new URL("./page.ts", import.meta.url))], bundle: true, platform: "browser", format: "esm",
    write: false, logLevel: "silent", sourcemap: "inline",
    plugins: [{
      name: "node-test-shims",
      setup(b) {
        b.onResolve({ filter: /^node:test$/ }, () => shim("node-test.ts"));
        b.onResolve({ filter: /^node:assert(\/strict)?$/ }, () => shim("node-assert.ts"));
        b.onResolve({ filter: /^node:fs$/ }, () => shim("node-fs.ts"));
      },
    }],
  });
  return r.outputFiles[0].text;
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM=/path/to/chrome)`);
  const js = await bundle();
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const send = (status: number, body: string | Buffer, type = "text/plain") => { res.writeHead(status, { "content-type": type }); res.end(body); };
    if (path === "/") return send(200, HTML, "text/html");
    if (path === PAGE_JS) return send(200, js, TYPES[".js"]);
    // Only the package's data/ and the test fixtures are served from disk.
    const file = normalize(join(ROOT, path));
    const allowed = [join(ROOT, "data/"), join(ROOT, "test/fixtures/")].some((dir) => file.startsWith(dir));
    if (!allowed || !existsSync(file)) return send(404, `not found: ${path}`);
    send(200, readFileSync(file), TYPES[extname(file)] ?? "application/octet-stream");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  // WebGPU without a GPU: Chromium's SwiftShader adapter (software Vulkan).
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"] });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.title === "deepscript tests: ready", null, { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** Calls window.dsTests[name](...args) in the page and returns its result. */
function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([n, a]) => (globalThis as unknown as { dsTests: Record<string, (...x: unknown[]) => Promise<unknown>> }).dsTests[n as string](...(a as unknown[])), [name, args] as const) as Promise<T>;
}

interface SuiteResult { suite: string; passed: number; failures: { name: string; error: string }[] }

for (const backend of ["js", "wasm", "webgpu"]) {
  test(`op fixtures (PyTorch values and gradients) in Chromium [${backend}]`, { timeout: 600_000 }, async (t) => {
    const { backends, results } = await call<{ backends: string[]; results: SuiteResult[] }>("fixtures", backend);
    assert.ok(backends.includes(backend), `backend ${backend} missing in the page (has ${backends})`);
    const suite = results.find((r) => r.suite.startsWith("fixtures (PyTorch"));
    assert.ok(suite, `a fixture suite for ${backend}, got ${results.map((r) => r.suite)}`);
    const r = { passed: 0, failures: [] as SuiteResult["failures"] };
    for (const x of results) {
      r.passed += x.passed;
      r.failures.push(...x.failures);
    }
    assert.deepEqual(r.failures.slice(0, 20), [], `${r.failures.length} of ${r.passed + r.failures.length} cases failed`);
    assert.ok(r.passed > 500, `only ${r.passed} cases ran`);
    t.diagnostic(`${r.passed} cases passed`);
  });
}

test("the digits MLP trains to ≥ 90% test accuracy in Chromium [wasm]", { timeout: 300_000 }, async (t) => {
  const { accuracy, trainLoss } = await call<{ accuracy: number; trainLoss: number[] }>("digits", "wasm");
  assert.ok(trainLoss[trainLoss.length - 1] < trainLoss[0], `train loss ${trainLoss}`);
  assert.ok(accuracy >= 0.9, `test accuracy ${accuracy}`);
  t.diagnostic(`test accuracy ${accuracy.toFixed(4)}, train loss per epoch ${trainLoss.map((l) => l.toFixed(4)).join(", ")}`);
});

test("the digits MLP trains by an awaiting loop to ≥ 90% test accuracy in Chromium [webgpu]", { timeout: 600_000 }, async (t) => {
  const { accuracy, trainLoss } = await call<{ accuracy: number; trainLoss: number[] }>("digitsAwaiting", "webgpu");
  assert.ok(trainLoss[trainLoss.length - 1] < trainLoss[0], `train loss ${trainLoss}`);
  assert.ok(accuracy >= 0.9, `test accuracy ${accuracy}`);
  t.diagnostic(`test accuracy ${accuracy.toFixed(4)}, train loss per epoch ${trainLoss.map((l) => l.toFixed(4)).join(", ")}`);
});

for (const backend of ["js", "wasm"]) {
  test(`memory stays flat over 2,000 steps of an awaiting training loop in Chromium [${backend}]`, { timeout: 300_000 }, async (t) => {
    const { at200, end, lastLoss } = await call<{ at200: { bytes: number; reserved: number }; end: { bytes: number; reserved: number }; lastLoss: number }>("memory", backend);
    const near = (a: number, b: number) => Math.abs(a - b) <= 0.05 * Math.max(a, b);
    assert.ok(near(at200.bytes, end.bytes), `device bytes ${at200.bytes} after step 200, ${end.bytes} after step 2,000`);
    assert.ok(near(at200.reserved, end.reserved), `reserved ${at200.reserved} after step 200, ${end.reserved} after step 2,000`);
    assert.ok(Number.isFinite(lastLoss) && lastLoss < 2.3, `loss ${lastLoss} (the loop must train)`);
    t.diagnostic(`bytes ${at200.bytes} → ${end.bytes}, reserved ${at200.reserved} → ${end.reserved}, loss ${lastLoss.toFixed(4)}`);
  });
}

for (const backend of ["js", "wasm"]) {
  test(`the six memory loops of test/memory-loops.test.ts run flat in Chromium [${backend}]`, { timeout: 600_000 }, async (t) => {
    const results = await call<SuiteResult[]>("memoryLoops", backend);
    assert.equal(results.length, 1, `one memory-loop suite for ${backend}, got ${results.map((r) => r.suite)}`);
    const [r] = results;
    assert.deepEqual(r.failures, [], `${r.failures.length} of ${r.passed + r.failures.length} loops failed`);
    assert.equal(r.passed, 6);
    t.diagnostic(`${r.passed} loops flat`);
  });
}

test("plot: a figure renders to SVG and, through a canvas, to PNG in Chromium", async () => {
  const r = await call<{ svgStart: string; svgHasTitle: boolean; pngMagic: number[]; width: number; height: number }>("plot");
  assert.equal(r.svgStart, "<svg");
  assert.ok(r.svgHasTitle, "the SVG holds the title");
  assert.deepEqual(r.pngMagic, [0x50, 0x4e, 0x47]); // "PNG"
  assert.equal(r.width, 300);
  assert.ok(r.height > 50 && r.height < 600, `height ${r.height}`);
});

test("the page raised no uncaught errors", () => {
  assert.deepEqual(pageErrors, []);
});
