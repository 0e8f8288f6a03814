// The playground (examples/web/, `npm run web`) clicked through in real Chromium, as a user would:
// train the MLP (in the page's Web Worker), draw a 7 with the mouse, read the probabilities, save the model (a download),
// load it back through the file input, drop a CSV and fit an estimator. What the page shows is
// checked against the same computation in Node: the downloaded file loaded here gives the
// page's probabilities for the page's pixels, and the dropped CSV fitted here gives its score.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import * as ds from "../../src/index.js";
import { startPlayground, type PlaygroundServer } from "../../examples/web/server.js";
import { predictDigit } from "../../examples/web/digits.js";
import { fitTable, readTable } from "../../examples/web/tabular.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SAMPLES = new URL("../../examples/web/samples/", import.meta.url);

let server: PlaygroundServer, browser: Browser, page: Page, dir = "";
const pageErrors: string[] = [];

interface State {
  trained: boolean; busy: boolean; lastPixels: number[] | null;
  epochs: { epoch: number; loss: number; accuracy: number; valAccuracy: number }[];
  lastPrediction: { label: number; probs: number[] } | null;
  fit: { task: string; estimator: string; score: number; trainScore: number; nTrain: number; nTest: number; features: string[] } | null;
}
const state = () => page.evaluate(() => (globalThis as unknown as { playground: { state: unknown } }).playground.state) as Promise<State>;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM=/path/to/chrome)`);
  dir = mkdtempSync(join(tmpdir(), "ds-playground-"));
  server = await startPlayground({ port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", "--no-sandbox"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${server.url}/`);
  await page.waitForSelector("html[data-ready=true]", { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("train: the MLP trains (in a Web Worker, the default) with live curves and a progress bar", { timeout: 300_000 }, async (t) => {
  assert.equal(await page.locator("#save").isDisabled(), true, "nothing to save before training");
  await page.selectOption("#model-kind", "mlp");
  await page.fill("#epochs", "2");
  await page.click("#train");
  await page.waitForFunction(() => (globalThis as unknown as { playground: { state: State } }).playground.state.trained, null, { timeout: 240_000 });
  const s = await state();
  assert.deepEqual(s.epochs.map((e) => e.epoch), [1, 2]);
  assert.ok(s.epochs[1].loss < s.epochs[0].loss, `loss ${s.epochs.map((e) => e.loss)}`);
  assert.ok(s.epochs[1].valAccuracy >= 0.85, `test accuracy ${s.epochs[1].valAccuracy}`);
  assert.equal(await page.locator("#bar").evaluate((el) => (el as HTMLElement).style.width), "100%");
  assert.match(await page.locator("#train-status").innerText(), /test accuracy \d+\.\d%/);
  // Both charts were drawn on: some pixels are neither white nor transparent.
  for (const id of ["loss-chart", "acc-chart"]) {
    const inked = await page.locator(`#${id}`).evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const d = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 200 || d[i + 2] < 200)) n++;
      return n;
    });
    assert.ok(inked > 200, `${id}: ${inked} inked pixels`);
  }
  t.diagnostic(`test accuracy per epoch ${s.epochs.map((e) => e.valAccuracy).join(", ")}`);
});

test("draw: a 7 drawn with the mouse is read as a 7; probabilities and saliency shown", { timeout: 60_000 }, async () => {
  const box = (await page.locator("#pad").boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.5, 0.2], [0.75, 0.2], [0.6, 0.5], [0.45, 0.85]]) await page.mouse.move(...at(x, y), { steps: 8 });
  await page.mouse.up();
  const s = await state();
  assert.ok(s.lastPrediction && s.lastPixels);
  assert.equal(s.lastPrediction.label, 7, `probabilities ${s.lastPrediction.probs.map((p) => p.toFixed(3))}`);
  assert.ok(Math.abs(s.lastPrediction.probs.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.match(await page.locator("#predict-status").innerText(), /reads 7 \(\d+\.\d%\)/);
  assert.equal(await page.locator(".prob.top span").first().innerText(), "7");
  // The saliency canvas is drawn, and coloured (heat) where the model looked.
  const warm = await page.locator("#saliency").evaluate((c) => {
    const d = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 28, 28).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > d[i + 2] + 60) n++;
    return n;
  });
  assert.ok(warm > 5, `${warm} heat-coloured pixels`);
});

test("save and load: the downloaded file gives the page's probabilities in Node, and loads back in the page", { timeout: 60_000 }, async () => {
  const before = (await state()).lastPrediction!;
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  assert.equal(download.suggestedFilename(), "digits-mlp.safetensors");
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  // The same file and pixels in Node: the same probabilities (the wasm backend in both).
  const s = await state();
  const prev = ds.getBackend();
  ds.setBackend("wasm");
  try {
    const model = ds.io.load(file);
    const here = predictDigit(model, Float32Array.from(s.lastPixels!));
    here.probs.forEach((p, i) => assert.ok(Math.abs(p - before.probs[i]) < 1e-5, `class ${i}: Node ${p}, page ${before.probs[i]}`));
  } finally {
    ds.setBackend(prev);
  }
  // Loaded back through the file input: the page predicts the same for the same drawing.
  await page.locator("#clear").click();
  await page.setInputFiles("#load", file);
  await page.waitForFunction(() => /Loaded/.test(document.getElementById("file-status")!.textContent ?? ""));
  assert.match(await page.locator("#file-status").innerText(), /Loaded digits-mlp\.safetensors: MLP, 101,770 parameters/);
  const box = (await page.locator("#pad").boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(0.25, 0.2));
  await page.mouse.down();
  for (const [x, y] of [[0.5, 0.2], [0.75, 0.2], [0.6, 0.5], [0.45, 0.85]]) await page.mouse.move(...at(x, y), { steps: 8 });
  await page.mouse.up();
  const again = (await state()).lastPrediction!;
  assert.equal(again.label, before.label);
  again.probs.forEach((p, i) => assert.ok(Math.abs(p - before.probs[i]) < 1e-6, `class ${i}: ${p} vs ${before.probs[i]}`));
});

test("tables: a dropped CSV shows its describe() and fits an estimator, scored as in Node", { timeout: 120_000 }, async () => {
  const csv = readFileSync(new URL("diabetes.csv", SAMPLES), "utf8");
  // A drop as the browser fires it: a DataTransfer holding a File.
  const transfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], "diabetes.csv", { type: "text/csv" }));
    return dt;
  }, csv);
  await page.dispatchEvent("#drop", "dragover", { dataTransfer: transfer });
  await page.dispatchEvent("#drop", "drop", { dataTransfer: transfer });
  await page.waitForSelector("#describe tbody tr");
  assert.match(await page.locator("#table-status").innerText(), /diabetes\.csv: 442 rows × 11 columns/);
  const rows = await page.locator("#describe tbody tr td:first-child").allInnerTexts();
  assert.deepEqual(rows, ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]);
  // The page's mean of bmi is pandas' (describe of the same CSV in Node's frame, itself tested against pandas).
  const headers = (await page.locator("#describe thead th").allInnerTexts()).map((h) => h.split("\n")[0]);
  const bmiMean = Number((await page.locator("#describe tbody tr").nth(1).locator("td").nth(headers.indexOf("bmi")).innerText()));
  const df = await readTable(new Blob([csv]));
  assert.equal(bmiMean.toFixed(3), (df.col("bmi").mean()).toFixed(3));
  assert.equal(await page.locator("#target").inputValue(), "progression");
  assert.deepEqual(await page.locator("#estimator option").allInnerTexts(), ["Ridge (scaled)", "Random forest", "k nearest neighbours (scaled)"]);
  await page.click("#fit");
  await page.waitForFunction(() => (globalThis as unknown as { playground: { state: State } }).playground.state.fit !== null);
  const fit = (await state()).fit!;
  const here = fitTable(df, "progression", "Ridge (scaled)");
  assert.equal(fit.task, "regression");
  assert.equal(fit.nTrain + fit.nTest, 442);
  assert.ok(Math.abs(fit.score - here.score) < 1e-9, `page R² ${fit.score}, Node ${here.score}`);
  assert.ok(fit.score > 0.3, `R² ${fit.score}`);
  assert.match(await page.locator("#fit-status").innerText(), /test R²/);
});

test("the playground raised no uncaught errors", () => {
  assert.deepEqual(pageErrors, []);
});
