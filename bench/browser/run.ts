// `npm run bench:browser`: W1–W5 (bench/cases.ts) in real Chromium, deepscript wasm against
// TensorFlow.js wasm and jax-js wasm in the same page (bench/browser/page.ts),
// with the Node bench's cases, adapters and timing protocol. Two pages, both cross-origin
// isolated (so both libraries may use threads, and performance.now() has 5 µs resolution instead
// of 100 µs): one with both libraries on 1 thread, one with both asked for 2. tfjs-backend-wasm
// sizes its pthread pool to min(4, hardwareConcurrency / 2) when it starts (tensorflow/tfjs#6081,
// #8513), so on a 2-core machine it reports and runs 1 thread whatever it is asked; the table
// says how many each ran. Prints the medians and ratios (peer time / deepscript time: above 1 means
// deepscript is faster) as the Markdown of bench/README.md's "In the browser" section.
// CHROMIUM=/path/to/chrome overrides /usr/bin/chromium; --json FILE also writes every timing;
// --only mlp,infer picks groups (matmul | mlp | cnn | lstm | infer).
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { busyFraction, machine } from "../machine.js";
import type { PageResult } from "./page.js";

const HERE = fileURLToPath(new URL("./", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TFJS_WASM = join(ROOT, "node_modules/@tensorflow/tfjs-backend-wasm/dist/");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const js = (await build({
  entryPoints: [join(HERE, "page.ts")], bundle: true, format: "esm", platform: "browser", target: "es2022", write: false, logLevel: "warning",
  plugins: [{
    name: "node-shims",
    setup(b) {
      b.onResolve({ filter: /^node:module$/ }, () => ({ path: join(HERE, "shims/node-module.ts") }));
      b.onResolve({ filter: /^node:path$/ }, () => ({ path: join(HERE, "shims/node-path.ts") }));
    },
  }],
})).outputFiles[0].text;

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const head = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
  if (path === "/") { res.writeHead(200, { ...head, "content-type": "text/html" }); return res.end(`<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>`); }
  if (path === "/bench.js") { res.writeHead(200, { ...head, "content-type": "text/javascript" }); return res.end(js); }
  const m = /^\/tfjs-wasm\/([\w-]+\.wasm)$/.exec(path);
  if (m) { res.writeHead(200, { ...head, "content-type": "application/wasm" }); return res.end(readFileSync(join(TFJS_WASM, m[1]))); }
  res.writeHead(404, head);
  res.end();
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const addr = server.address();
const url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/`;

const idle = 1 - (await busyFraction(1000));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox"] });
const version = browser.version();
const results: PageResult[] = [];
const onlyAt = process.argv.indexOf("--only");
const groups = onlyAt > 0 ? process.argv[onlyAt + 1].split(",") : undefined;
for (const opts of [{ dsThreads: 1, tfjsThreads: 1, groups }, { dsThreads: 2, tfjsThreads: 2, groups }]) {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(url);
  await page.waitForFunction(() => document.title === "bench: ready", null, { timeout: 60_000 });
  const r = await page.evaluate((o) => (globalThis as unknown as { benchPage(o: object): Promise<PageResult> }).benchPage(o), opts);
  results.push(r);
  for (const row of r.rows) for (const [name, t] of Object.entries(row.timings)) {
    console.error(`  ${row.id.padEnd(26)} ${name.padEnd(18)} ${t.medianMs.toFixed(3).padStart(9)} ms (${t.count} calls; first result ${row.values[name].toFixed(6)})`);
  }
  for (const row of r.rows) for (const [name, why] of Object.entries(row.failed)) console.error(`  ${row.id.padEnd(26)} ${name.padEnd(18)} FAILED: ${why}`);
  await page.close();
}
await browser.close();
server.close();

const m = machine();
const fmt = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0));
const lines = [`Chromium ${version} headless, ${m.cpu}, ${m.cores} cores, ${m.date}; cores idle before the run: ${(100 * idle).toFixed(0)}%.`];
results.forEach((r, k) => {
  // Columns: deepscript, then each peer with its ratio (peer time / deepscript time: above 1, deepscript is faster).
  const names = [...new Set(r.rows.flatMap((row) => [...Object.keys(row.timings), ...Object.keys(row.failed)]))];
  const [ours, ...peers] = names;
  const label = (n: string) => n.startsWith("tfjs") ? `${n} ${r.tfjsThreads}T` : n.startsWith("deepscript") && !/\dT$/.test(n) ? `${n} 1T` : n;
  lines.push("", `Page ${k + 1}: deepscript on ${r.dsThreads} thread${r.dsThreads > 1 ? "s" : ""}${r.dsThreads > 1 ? ` (its pool worker ran ${r.dsPoolJobs} GEMM jobs)` : ""}, tfjs asked for ${k === 0 ? 1 : 2}.`, "");
  lines.push(`| case | ${label(ours)} | ${peers.map((p) => `${label(p)} | ratio`).join(" | ")} |`, `|---|---:|${peers.map(() => "---:|---:|").join("")}`);
  for (const row of r.rows) {
    const t = (n: string) => row.timings[n] ? `${fmt(row.timings[n].medianMs)} ms` : "failed";
    const ratio = (n: string) => row.timings[n] && row.timings[ours] ? `${(row.timings[n].medianMs / row.timings[ours].medianMs).toFixed(2)}×` : "–";
    lines.push(`| ${row.id} | ${t(ours)} | ${peers.map((p) => `${t(p)} | ${ratio(p)}`).join(" | ")} |`);
  }
  const failures = r.rows.flatMap((row) => Object.entries(row.failed).map(([n, why]) => `${row.id} / ${n}: ${why}`));
  for (const [n, why] of Object.entries(r.missing)) failures.push(`${n}: did not start: ${why}`);
  if (failures.length) lines.push("", ...failures.map((f) => `- ${f}`));
});
console.log(lines.join("\n"));
const jsonAt = process.argv.indexOf("--json");
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ chromium: version, machine: m, idle, results }, null, 2));
