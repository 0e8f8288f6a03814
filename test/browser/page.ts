// The page the browser tests run in (bundled by chromium.test.ts with node:test, node:assert and
// node:fs mapped to ./shims, so test/fixtures.test.ts runs unchanged). Each check is a function on
// `window.dsTests` that the runner calls and whose JSON result it asserts on in Node.
import * as ds from "../../src/index.js";
import { runSuites } from "./shims/node-test.js";
import "../fixtures.test.js"; // registers its suites (one per backend) with the node:test shim
import { memoryLoops } from "./memory-page.js";
import "../webgpu.test.js"; // the webgpu backend's own suite ("[webgpu]", run with the webgpu fixtures)

const { nn, optim, data, train } = ds;

// A page's loop yields to the event loop between steps. `await null` would only yield to
// microtasks (the page stays frozen, and finalizers never run); setTimeout(0) is clamped to 4 ms
// after a few nestings. A MessageChannel message is a real task with no clamp: what a page uses.
const channel = new MessageChannel();
const nextTask = () => new Promise<void>((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

/** The op fixture suites (PyTorch values and gradients; webgpu's own tests) on one backend — not the memory loops. */
async function fixtures(backend: string) {
  const results = await runSuites((title) => !title.startsWith("memory without scopes") && title.endsWith(`[${backend}]`));
  return { backends: ds.backends(), results };
}

/** The digits MLP (784-128-10, Adam) trained with train.fit in the page; its test accuracy. */
async function digits(backend: string) {
  ds.setBackend(backend);
  ds.seed(0);
  await data.datasets.preload("digits");
  const { train: tr, test } = data.datasets.digits({ flatten: true });
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const history = await train.fit(model, [tr.x, tr.y], { epochs: 5, batchSize: 64, optimizer, loss: "crossEntropy", metrics: ["accuracy"], verbose: 0 });
  const logs = train.evaluate(model, [test.x, test.y], { metrics: ["accuracy"] });
  return { accuracy: logs.accuracy, trainLoss: history.history.loss };
}

/**
 * The digits MLP trained by a plain loop that reads values only with `await` (what a GPU backend
 * needs: WebGPU has no synchronous read-back): the mean loss per epoch, then the test accuracy.
 */
async function digitsAwaiting(backend: string, epochs = 3) {
  ds.setBackend(backend);
  ds.seed(0);
  await data.datasets.preload("digits");
  const { train: tr, test } = data.datasets.digits({ flatten: true });
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const loader = new data.DataLoader(new data.TensorDataset(tr.x, tr.y), { batchSize: 64, shuffle: true, seed: 0 });
  const trainLoss: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let sum: ds.Tensor | null = null, n = 0;
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const loss = nn.F.crossEntropy(model.call(x), y);
      loss.backward();
      optimizer.step();
      sum = sum ? sum.add(loss.detach()) : loss.detach();
      n++;
    }
    trainLoss.push((await sum!.data())[0] / n); // one read-back per epoch
    await nextTask();
  }
  const predicted = await ds.noGrad(() => model.call(test.x).argmax(1)).data();
  const labels = await test.y.data();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return { accuracy: right / labels.length, trainLoss };
}

/**
 * ds.memory() after step 200 and after step 2,000 of a PyTorch-style loop that awaits a task
 * between steps, as a page does: nothing disposed, no scope.
 */
async function memory(backend: string, steps = 2000) {
  ds.setBackend(backend);
  ds.seed(4);
  const X = ds.randn([512, 32]);
  const Y = X.index(":", "0:10").argmax(1);
  const loader = new data.DataLoader(new data.TensorDataset(X, Y), { batchSize: 16, shuffle: true, seed: 4 });
  const model = new nn.Sequential(new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  let step = 0, at200: ds.MemoryInfo | null = null, lastLoss = NaN;
  while (step < steps) {
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = nn.F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      if (++step % 100 === 0) lastLoss = loss.item();
      await nextTask();
      if (step === 200) at200 = ds.memory();
      if (step === steps) break;
    }
  }
  return { at200: at200!, end: ds.memory(), lastLoss };
}

/** A line chart rendered in the page: SVG by Vega, PNG through a canvas; sizes read from the PNG header. */
async function plot() {
  const fig = ds.plot.line({ loss: [1, 0.5, 0.3, 0.2] }, { title: "loss" });
  const svg = await fig.toSVG();
  const png = await fig.toPNG({ width: 300 });
  const be = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { svgStart: svg.slice(0, 4), svgHasTitle: svg.includes(">loss<"), pngMagic: Array.from(png.subarray(1, 4)), width: be.getUint32(16), height: be.getUint32(20) };
}

(globalThis as unknown as { dsTests: object }).dsTests = { fixtures, digits, digitsAwaiting, memory, memoryLoops, plot };
document.title = "deepscript tests: ready";
