// Fashion-MNIST with the W3 CNN, written as a PyTorch user writes it: a DataLoader, an unscoped
// training loop (zeroGrad, forward, loss, backward, step), a running accuracy, and an evaluation
// loop that collects predictions — no ds.scope, no dispose. Adam 1e-3, batch 64, inputs in [0, 1].
// Reports test accuracy, seconds per epoch and memory after every epoch; bench/fashion.py runs the
// same recipe in PyTorch. Needs Debian's dataset-fashion-mnist (or FASHION_DIR).
//   npx tsx bench/fashion.ts [--epochs 8] [--threads 1] [--limit N]
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";

const { nn, optim, data } = ds;
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const epochs = arg("epochs", 8), threads = arg("threads", 1), limit = arg("limit", 0);
const dir = process.env.FASHION_DIR ?? "/usr/share/datasets/fashion-mnist";
const file = (stem: string) => [`${stem}.gz`, stem].map((f) => join(dir, f)).find(existsSync);
if (!file("train-images-idx3-ubyte")) {
  console.log(`Fashion-MNIST not found in ${dir}: apt-get install dataset-fashion-mnist, or set FASHION_DIR`);
  process.exit(0);
}
ds.setThreads(threads);
ds.seed(0);
const images = (stem: string) => data.readIdx(file(stem)!).float().div(255).unsqueeze(1);
const labels = (stem: string) => data.readIdx(file(stem)!);
let xTrain = images("train-images-idx3-ubyte"), yTrain = labels("train-labels-idx1-ubyte");
const xTest = images("t10k-images-idx3-ubyte"), yTest = labels("t10k-labels-idx1-ubyte");
if (limit > 0) [xTrain, yTrain] = [xTrain.narrow(0, 0, limit), yTrain.narrow(0, 0, limit)];

const model = new nn.Sequential(
  new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(3136, 128), new nn.ReLU(), new nn.Linear(128, 10),
);
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const trainLoader = new data.DataLoader(new data.TensorDataset(xTrain, yTrain), { batchSize: 64, shuffle: true, seed: 0 });
const testLoader = new data.DataLoader(new data.TensorDataset(xTest, yTest), { batchSize: 1000 });
const mb = (b: number) => (b / 2 ** 20).toFixed(1);

console.log(`Fashion-MNIST, W3 CNN, Adam 1e-3, batch 64, ${epochs} epochs, ${threads} thread(s), backend ${ds.getBackend()}, Node ${process.version}`);
const perEpoch: number[] = [];
let accuracy = 0;
for (let epoch = 1; epoch <= epochs; epoch++) {
  model.train();
  const t0 = performance.now();
  let correct = 0, seen = 0, lossSum = 0;
  for (const [x, y] of trainLoader) {
    opt.zeroGrad();
    const logits = model.call(x);
    const loss = nn.F.crossEntropy(logits, y);
    loss.backward();
    opt.step();
    lossSum += loss.item() * y.shape[0];
    correct += logits.argmax(1).eq(y).sum().item();
    seen += y.shape[0];
  }
  const seconds = (performance.now() - t0) / 1000;
  perEpoch.push(seconds);
  model.eval();
  const preds: ds.Tensor[] = [];
  for (const [x] of testLoader) preds.push(ds.noGrad(() => model.call(x)).argmax(-1));
  accuracy = ds.concat(preds).eq(yTest).float().mean().item();
  const m = ds.memory();
  console.log(`epoch ${epoch}: train loss ${(lossSum / seen).toFixed(4)}, train acc ${(100 * correct / seen).toFixed(2)}%, test acc ${(100 * accuracy).toFixed(2)}%, ` +
    `${seconds.toFixed(1)} s; device ${mb(m.bytes)} MB in ${m.storages} storages, reserved ${mb(m.reserved)} MB, spills ${m.spills}, restores ${m.restores}`);
}
const sorted = [...perEpoch].sort((a, b) => a - b);
console.log(`test accuracy ${(100 * accuracy).toFixed(2)}%; median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} s per epoch`);
