// Issue 14: `import * as ds from "deepscript"` in an app built by Vite and by webpack with their
// defaults (no configuration beyond an entry), as a user's project consumes the package (its
// package.json "exports" and dist/, resolved from node_modules), run in Chromium: a model trains
// on the wasm backend. (esbuild is covered by test/browser-entries.test.ts and the prebuilt bundle.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const APP = `import * as ds from "deepscript";
async function run() {
  ds.setBackend("wasm");
  ds.seed(0);
  const x = ds.randn([64, 4]);
  const y = x.sum(1, true);
  const model = new ds.nn.Linear(4, 1);
  const opt = new ds.optim.SGD(model.parameters(), { lr: 0.1 });
  let first = 0, last = 0;
  for (let i = 0; i < 60; i++) {
    opt.zeroGrad();
    const loss = ds.nn.F.mseLoss(model.call(x), y);
    loss.backward();
    opt.step();
    last = loss.item();
    if (i === 0) first = last;
  }
  document.title = JSON.stringify({ first, last, backend: ds.getBackend() });
}
run().catch((e) => { document.title = "error: " + (e && e.stack || e); });
`;

let dir = "", browser: Browser;
const servers: Server[] = [];

before(async () => {
  assert.ok(existsSync(join(ROOT, "dist/index.js")), "dist/ is missing: run npm run build (npm install does)");
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  dir = mkdtempSync(join(tmpdir(), "ds-bundlers-"));
  // A user's project: deepscript in node_modules (a link to this checkout), an entry, a page.
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules", "deepscript"), "dir");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "main.js"), APP);
  writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>loading</title><script type="module" src="/src/main.js"></script>`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  for (const s of servers) await new Promise((r) => s.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Serves `root` and returns what the page wrote to its title once the app finished. */
async function runIn(root: string): Promise<{ first: number; last: number; backend: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
    const type = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" }[extname(file)] ?? "application/octet-stream";
    res.writeHead(200, { "content-type": type });
    res.end(readFileSync(file));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`);
  await page.waitForFunction(() => document.title !== "loading", null, { timeout: 120_000 });
  const title = await page.title();
  await page.close();
  assert.deepEqual(errors, []);
  assert.ok(title.startsWith("{"), title);
  return JSON.parse(title);
}

function checkTrained(r: { first: number; last: number; backend: string }): void {
  assert.equal(r.backend, "wasm");
  assert.ok(r.last < r.first / 100, `loss ${r.first} → ${r.last}`);
}

test("webpack (production mode, default config) bundles deepscript for a page that trains", { timeout: 300_000 }, async () => {
  const { default: webpack } = await import("webpack");
  const out = join(dir, "webpack");
  const stats = await new Promise<import("webpack").Stats>((resolve, reject) => {
    webpack({ mode: "production", context: dir, entry: "./src/main.js", output: { path: out, filename: "main.js" } }, (err, s) => (err || !s ? reject(err) : resolve(s)));
  });
  const info = stats.toJson({ all: false, errors: true });
  assert.deepEqual(info.errors?.map((e) => e.message) ?? [], []);
  writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><title>loading</title><script src="/main.js"></script>`);
  checkTrained(await runIn(out));
});

test("Vite (vite build, no config file) bundles deepscript for a page that trains", { timeout: 300_000 }, async () => {
  const { build } = await import("vite");
  const out = join(dir, "vite");
  await build({ root: dir, configFile: false, logLevel: "silent", build: { outDir: out, emptyOutDir: true } });
  checkTrained(await runIn(out));
});
