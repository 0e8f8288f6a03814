// The playground page (examples/web/index.html, served by `npm run web`): train a digits model
// with live curves, draw a digit and see the model's probabilities and saliency, save and load
// the model, drop a CSV for a summary and a fitted estimator. Plain DOM; deepscript does the rest.
import * as ds from "../../src/index.js";
import { LineChart } from "./chart.js";
import { DrawingPad } from "./pad.js";
import { makeModel, predictDigit, takesImages, trainDigits, type EpochResult, type ModelKind, type TrainProgress } from "./digits.js";
import type { TrainRequest, WorkerRuntime } from "./worker.js";
import { ESTIMATORS, fitTable, readTable, summarize, taskOf } from "./tabular.js";

const { io, data } = ds;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// A page yields to the event loop between batches so it can paint: a MessageChannel message is a
// real task without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const nextTask = () => new Promise<void>((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

let model: ds.nn.Module | null = null;
let modelName = "";

/** What the test (test/browser/playground.test.ts) reads back; also handy in the console. */
const state = { trained: false, busy: false, lastPixels: null as number[] | null, runtime: null as WorkerRuntime | null, modelDigest: "", epochs: [] as { epoch: number; loss: number; accuracy: number; valAccuracy: number }[], lastPrediction: null as null | { label: number; probs: number[] }, fit: null as null | ReturnType<typeof fitTable> };
(globalThis as unknown as { playground: object }).playground = { state, ds, lossPoints: () => lossChart.series[0]?.points.length ?? 0 };

// ---- environment line ----
function showEnv(): void {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  // Threads need shared memory, which a page has only when cross-origin isolated.
  $("env").textContent = `wasm · ${isolated ? `cross-origin isolated: up to ${ds.getThreads()} threads` : "not isolated: 1 thread"} · ${navigator.hardwareConcurrency} cores`;
}

// ---- 1. training ----
const lossChart = new LineChart($<HTMLCanvasElement>("loss-chart"), { title: "Loss", xLabel: "epoch", yMin: 0 });
const accChart = new LineChart($<HTMLCanvasElement>("acc-chart"), { title: "Accuracy", xLabel: "epoch", yMin: 0, yMax: 1, format: (y) => `${Math.round(y * 100)}%` });

function setModel(m: ds.nn.Module, name: string): void {
  model = m;
  modelName = name;
  $<HTMLButtonElement>("save").disabled = false;
  predict();
}

const count = (m: ds.nn.Module) => m.parameters().reduce((s, p) => s + p.size, 0).toLocaleString("en");

async function trainClicked(): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  const button = $<HTMLButtonElement>("train");
  button.disabled = true;
  const kind = $<HTMLSelectElement>("model-kind").value as ModelKind;
  const epochs = Math.max(1, Math.min(20, Number($<HTMLInputElement>("epochs").value) || 1));
  const status = $("train-status"), bar = $("bar");
  const loss: [number, number][] = [], testLoss: [number, number][] = [], train: [number, number][] = [], test: [number, number][] = [];
  lossChart.series = [{ label: "train (per batch)", color: "#3b5bdb", points: loss }, { label: "test", color: "#e8590c", points: testLoss, dots: true }];
  accChart.series = [{ label: "train", color: "#3b5bdb", points: train, dots: true }, { label: "test", color: "#e8590c", points: test, dots: true }];
  lossChart.opts.xMax = accChart.opts.xMax = epochs;
  accChart.opts.yMin = 0;
  lossChart.draw();
  accChart.draw();
  const where = $<HTMLSelectElement>("where").value;
  const t0 = performance.now();
  let smooth = NaN, lastPaint = 0;
  state.epochs = [];
  state.trained = false;
  state.runtime = null;
  const onBatch = (p: TrainProgress) => {
    smooth = Number.isNaN(smooth) ? p.loss : 0.9 * smooth + 0.1 * p.loss;
    loss.push([p.epoch + p.batch / p.batches, smooth]);
    // Repaint about 30 times a second.
    if (performance.now() - lastPaint < 33 && p.batch < p.batches) return false;
    lastPaint = performance.now();
    bar.style.width = `${((100 * (p.epoch + p.batch / p.batches)) / epochs).toFixed(1)}%`;
    status.innerHTML = `Epoch <b>${p.epoch + 1}</b> of ${epochs} · batch ${p.batch} of ${p.batches} · loss <b>${smooth.toFixed(3)}</b> · accuracy <b>${(100 * p.epochAccuracy).toFixed(1)}%</b>`;
    lossChart.draw();
    return true;
  };
  const onEpoch = (r: EpochResult) => {
    state.epochs.push({ epoch: r.epoch, loss: r.loss, accuracy: r.accuracy, valAccuracy: r.valAccuracy });
    train.push([r.epoch, r.accuracy]);
    test.push([r.epoch, r.valAccuracy]);
    testLoss.push([r.epoch, r.valLoss]);
    // The accuracy axis starts low enough for every value, at a bound that gives round ticks.
    const low = Math.min(...train.map((p) => p[1]), ...test.map((p) => p[1]));
    accChart.opts.yMin = [0.8, 0.6, 0.2, 0].find((b) => b <= low) ?? 0;
    lossChart.draw();
    accChart.draw();
  };
  try {
    let m: ds.nn.Module;
    if (where === "worker") {
      status.textContent = "Starting a worker…";
      m = await trainInWorker(kind, epochs, onBatch, onEpoch);
    } else {
      status.textContent = "Fetching the digits…";
      await data.datasets.preload("digits");
      ds.seed(0);
      m = makeModel(kind);
      // In the page, training shares the thread with the UI: after each repaint, give the browser
      // a task to paint in.
      await trainDigits(m, { epochs, onBatch: async (p) => { if (onBatch(p)) await nextTask(); }, onEpoch });
    }
    const last = state.epochs[state.epochs.length - 1];
    bar.style.width = "100%";
    const rt = state.runtime as WorkerRuntime | null; // set by trainInWorker
    const threads = rt ? ` · ${rt.poolWorkers + 1} thread${rt.poolWorkers ? "s" : ""} in a worker` : " · in the page";
    status.innerHTML = `Done in ${((performance.now() - t0) / 1000).toFixed(1)} s${threads} · test accuracy <b>${(100 * last.valAccuracy).toFixed(1)}%</b>`;
    setModel(m, `digits-${kind}`);
    state.modelDigest = await digest(io.save(m));
    state.trained = true;
  } catch (e) {
    status.textContent = `Training failed: ${(e as Error).message}`;
    throw e;
  } finally {
    state.busy = false;
    button.disabled = false;
  }
}

/** Trains in examples/web/worker.ts: progress arrives as messages, the model as io.save's Blob. */
function trainInWorker(kind: ModelKind, epochs: number, onBatch: (p: TrainProgress) => unknown, onEpoch: (r: EpochResult) => void): Promise<ds.nn.Module> {
  const worker = new Worker("/build/web/worker.js", { type: "module" });
  return new Promise<ds.nn.Module>((resolve, reject) => {
    worker.onmessage = async (e: MessageEvent) => {
      const msg = e.data as { type: string; model?: Blob; runtime?: WorkerRuntime; message?: string };
      if (msg.type === "batch") onBatch(msg as unknown as TrainProgress);
      else if (msg.type === "epoch") onEpoch(msg as unknown as EpochResult);
      else if (msg.type === "done") {
        state.runtime = msg.runtime!;
        worker.terminate();
        resolve(await io.load(msg.model!));
      } else if (msg.type === "error") {
        worker.terminate();
        reject(new Error(msg.message));
      }
    };
    worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message || "the worker failed to start")); };
    // ?threads=N in the page's URL caps the worker's threads (default: all cores, see ds.setThreads).
    const threads = Number(new URLSearchParams(location.search).get("threads")) || undefined;
    worker.postMessage({ type: "train", kind, epochs, threads } satisfies TrainRequest);
  });
}

/** SHA-256 of a Blob, hex: the test compares trained models by it. */
async function digest(blob: Blob): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return Array.from(h, (b) => b.toString(16).padStart(2, "0")).join("");
}

// ---- save and load ----
function saveClicked(): void {
  if (!model) return;
  const blob = io.save(model); // no path: the safetensors file (weights and architecture) as a Blob
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `${modelName}.safetensors` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  $("file-status").textContent = `Saved ${a.download} (${(blob.size / 1024).toFixed(0)} KB).`;
}

async function loadChosen(file: File): Promise<void> {
  try {
    const m = await io.load(file);
    setModel(m, file.name.replace(/\.safetensors$/, ""));
    $("file-status").innerHTML = `Loaded <b>${file.name}</b>: ${takesImages(m) ? "CNN" : "MLP"}, ${count(m)} parameters.`;
  } catch (e) {
    $("file-status").textContent = `Could not load ${file.name}: ${(e as Error).message}`;
  }
}

// ---- 2. drawing and prediction ----
const pad = new DrawingPad($<HTMLCanvasElement>("pad"));
const probsBox = $("probs");
probsBox.innerHTML = Array.from({ length: 10 }, (_, d) => `<div class="prob" id="prob-${d}"><span>${d}</span><div class="track"><div class="fill" style="width:0"></div></div><span class="pct">–</span></div>`).join("");

function predict(): void {
  const pixels = pad.pixels();
  const sal = $<HTMLCanvasElement>("saliency").getContext("2d")!;
  if (!pixels) {
    sal.clearRect(0, 0, 28, 28);
    return;
  }
  if (!model) {
    $("predict-status").textContent = "Train or load a model first.";
    return;
  }
  const { probs, label, saliency } = predictDigit(model, pixels);
  state.lastPrediction = { label, probs };
  state.lastPixels = Array.from(pixels);
  probs.forEach((p, d) => {
    const row = $(`prob-${d}`);
    row.classList.toggle("top", d === label);
    (row.querySelector(".fill") as HTMLElement).style.width = `${(100 * p).toFixed(1)}%`;
    row.querySelector(".pct")!.textContent = `${(100 * p).toFixed(p < 0.995 && p >= 0.1 ? 0 : 1)}%`;
  });
  $("predict-status").innerHTML = `The ${modelName} model reads <b>${label}</b> (${(100 * probs[label]).toFixed(1)}%).`;
  // The 28×28 input in grey with the saliency over it, dark red → yellow (as explain.overlay).
  // Saturates at the 99th percentile of |gradient| (as explain.overlay's clipQuantile).
  const clip = Float32Array.from(saliency).sort()[Math.floor(0.99 * 783)] || 1;
  const img = sal.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = 255 * pixels[i] * 0.6, a = Math.min(1, saliency[i] / clip) ** 1.5;
    img.data[4 * i] = g * (1 - a) + 255 * a;
    img.data[4 * i + 1] = g * (1 - a) + 230 * a * a;
    img.data[4 * i + 2] = g * (1 - a) + 40 * a * a * a;
    img.data[4 * i + 3] = 255;
  }
  sal.putImageData(img, 0, 0);
}

// ---- 3. tables ----
let table: ds.frame.DataFrame | null = null;

// describe()'s numbers with three decimals (counts as whole numbers), so a column's values line up.
const fmt = (v: unknown, stat: unknown) => typeof v !== "number" ? String(v ?? "") : stat === "count" ? String(v) : Math.abs(v) >= 1e5 ? v.toExponential(3) : v.toFixed(3);

async function showTable(src: Blob, name: string): Promise<void> {
  const status = $("table-status");
  $("table-out").hidden = false;
  try {
    table = await readTable(src);
  } catch (e) {
    status.textContent = `Could not read ${name}: ${(e as Error).message}`;
    $("describe").innerHTML = "";
    return;
  }
  const s = summarize(table);
  status.innerHTML = `<b>${name}</b>: ${s.rows.toLocaleString("en")} rows × ${s.columns.length} columns · <code>df.describe()</code>`;
  const numeric = s.describe.length ? Object.keys(s.describe[0]).filter((k) => k !== "stat") : [];
  const dtype = Object.fromEntries(s.columns.map((c) => [c.name, c.dtype]));
  $("describe").innerHTML = numeric.length
    ? `<thead><tr><th></th>${numeric.map((c) => `<th>${escape(c)}<span class="dtype">${dtype[c]}</span></th>`).join("")}</tr></thead>` +
      `<tbody>${s.describe.map((r) => `<tr><td>${r.stat}</td>${numeric.map((c) => `<td>${fmt(r[c], r.stat)}</td>`).join("")}</tr>`).join("")}</tbody>`
    : `<tbody><tr><td>no numeric columns</td></tr></tbody>`;
  const target = $<HTMLSelectElement>("target");
  target.innerHTML = s.columns.map((c) => `<option>${escape(c.name)}</option>`).join("");
  target.value = s.columns[s.columns.length - 1].name;
  fillEstimators();
  $("fit-status").textContent = "";
}

function fillEstimators(): void {
  if (!table) return;
  const task = taskOf(table, $<HTMLSelectElement>("target").value);
  $<HTMLSelectElement>("estimator").innerHTML = Object.keys(ESTIMATORS[task]).map((n) => `<option>${n}</option>`).join("");
}

async function fitClicked(): Promise<void> {
  if (!table) return;
  const out = $("fit-status");
  out.textContent = "Fitting…";
  await nextTask();
  try {
    const t0 = performance.now();
    const r = fitTable(table, $<HTMLSelectElement>("target").value, $<HTMLSelectElement>("estimator").value);
    state.fit = r;
    const what = r.task === "classification" ? "accuracy" : "R²";
    const show = (v: number) => r.task === "classification" ? `${(100 * v).toFixed(1)}%` : v.toFixed(3);
    out.innerHTML = `<span class="score">${show(r.score)}</span> test ${what} · ${show(r.trainScore)} on the training rows · ` +
      `${r.estimator}, ${r.task} of <b>${escape(r.target)}</b> from ${r.features.length} columns · ${r.nTrain} train / ${r.nTest} test rows · ${((performance.now() - t0) / 1000).toFixed(2)} s`;
  } catch (e) {
    out.textContent = `Could not fit: ${(e as Error).message}`;
  }
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

// ---- wiring ----
$("train").addEventListener("click", () => void trainClicked());
$("save").addEventListener("click", saveClicked);
$<HTMLInputElement>("load").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void loadChosen(f);
});
$("clear").addEventListener("click", () => {
  pad.clear();
  predict();
  probsBox.querySelectorAll(".fill").forEach((el) => ((el as HTMLElement).style.width = "0"));
  probsBox.querySelectorAll(".pct").forEach((el) => (el.textContent = "–"));
  probsBox.querySelectorAll(".prob").forEach((el) => el.classList.remove("top"));
});
pad.onStroke = predict;
const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const f = e.dataTransfer?.files[0];
  if (f) void showTable(f, f.name);
});
$<HTMLInputElement>("csv").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void showTable(f, f.name);
});
document.querySelectorAll<HTMLButtonElement>("[data-sample]").forEach((b) => b.addEventListener("click", async () => {
  const name = b.dataset.sample!;
  void showTable(await (await fetch(`/samples/${name}`)).blob(), name);
}));
$("target").addEventListener("change", fillEstimators);
$("fit").addEventListener("click", () => void fitClicked());

ds.setBackend("wasm");
showEnv();
lossChart.draw();
accChart.draw();
document.documentElement.dataset.ready = "true";
