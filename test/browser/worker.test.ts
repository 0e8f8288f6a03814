// train.fit in a Web Worker, with and without threads, in real Chromium (issue 14 item 4). The
// playground (examples/web/) is served twice: once with the two cross-origin-isolation headers
// (COOP same-origin, COEP require-corp), once without. In each page the MLP trains one epoch in
// examples/web/worker.ts, which posts progress to the page and sends the model back; then the
// same in the page itself. Isolated, the worker's wasm backend has shared memory and runs large
// products on 2 threads (its pool's worker finishes jobs); not isolated, on one. Every run
// produces the same model, byte for byte (SHA-256 of the io.save file), and the same losses.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPlayground, type PlaygroundServer } from "../../examples/web/server.js";
import type { WorkerRuntime } from "../../examples/web/worker.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

interface Run { runtime: WorkerRuntime | null; modelDigest: string; epochs: { loss: number; valAccuracy: number }[]; batchMessages: number; status: string }

let browser: Browser;
const servers: PlaygroundServer[] = [];
const pageErrors: string[] = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM=/path/to/chrome)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox"] });
});

after(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
});

async function open(isolated: boolean): Promise<Page> {
  const server = await startPlayground({ port: 0, isolated });
  servers.push(server);
  const page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}/?threads=2`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 60_000 });
  return page;
}

/** Trains the MLP one epoch where the page's "Run in" select says; counts the progress messages that reached the page. */
async function trainOnce(page: Page, where: "worker" | "page"): Promise<Run> {
  await page.selectOption("#model-kind", "mlp");
  await page.selectOption("#where", where);
  await page.fill("#epochs", "1");
  // Count batch updates as the page renders them: the loss chart's series grows per message.
  await page.click("#train");
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as { playground: { state: { trained: boolean; busy: boolean } } }).playground.state;
    return s.trained && !s.busy;
  }, null, { timeout: 240_000 });
  return page.evaluate(() => {
    const p = (globalThis as unknown as { playground: { state: Run; lossPoints(): number } }).playground;
    return { runtime: p.state.runtime, modelDigest: p.state.modelDigest, epochs: p.state.epochs, batchMessages: p.lossPoints(), status: document.getElementById("train-status")!.textContent ?? "" };
  });
}

const runs: Record<string, Run> = {};

test("cross-origin isolated: fit runs in a Web Worker on 2 threads, progress reaches the page", { timeout: 300_000 }, async (t) => {
  const page = await open(true);
  assert.equal(await page.evaluate(() => crossOriginIsolated), true);
  const run = runs.isolatedWorker = await trainOnce(page, "worker");
  const rt = run.runtime!;
  assert.deepEqual({ isolated: rt.crossOriginIsolated, shared: rt.sharedMemory, threads: rt.threads, poolWorkers: rt.poolWorkers }, { isolated: true, shared: true, threads: 2, poolWorkers: 1 });
  assert.ok(rt.poolJobs > 0, "the pool's worker ran no product");
  // One progress message per batch (8,000 / 64 = 125), each drawn as a point of the loss curve.
  assert.equal(run.batchMessages, 125);
  assert.match(run.status, /2 threads in a worker · test accuracy/);
  runs.isolatedPage = await trainOnce(page, "page");
  t.diagnostic(`pool worker ran ${rt.poolJobs} GEMM jobs; test accuracy ${run.epochs[0].valAccuracy}`);
});

test("not isolated: the worker runs on one thread, with the same model byte for byte", { timeout: 300_000 }, async () => {
  const page = await open(false);
  assert.equal(await page.evaluate(() => crossOriginIsolated), false);
  const run = runs.plainWorker = await trainOnce(page, "worker");
  const rt = run.runtime!;
  assert.deepEqual({ isolated: rt.crossOriginIsolated, shared: rt.sharedMemory, poolWorkers: rt.poolWorkers, poolJobs: rt.poolJobs }, { isolated: false, shared: false, poolWorkers: 0, poolJobs: 0 });
  assert.equal(run.batchMessages, 125);
  assert.match(run.status, /1 thread in a worker/);
  runs.plainPage = await trainOnce(page, "page");
  assert.ok(runs.isolatedWorker, "runs after the isolated test");
  for (const [name, r] of Object.entries(runs)) {
    assert.equal(r.modelDigest, runs.isolatedWorker.modelDigest, `${name}'s model differs from the 2-thread worker's`);
    assert.deepEqual(r.epochs, runs.isolatedWorker.epochs, name);
  }
  assert.equal(Object.keys(runs).length, 4);
  assert.ok(run.epochs[0].valAccuracy > 0.85, `test accuracy ${run.epochs[0].valAccuracy}`);
});

test("the worker pages raised no uncaught errors", () => {
  assert.deepEqual(pageErrors, []);
});
