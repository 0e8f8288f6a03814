// Autoencoders on the bundled digits: a dense one (784 → 32 → 784), a convolutional one (strided
// convs down to a 32-number code, ConvTranspose2d back up) and a denoising variant (the conv
// autoencoder trained to map noisy digits to clean ones). Prints the test reconstruction error
// (mean squared error per pixel) and saves the reconstructions as an image grid.
// Run: npm run example:autoencoder   (EPOCHS=N, LIMIT=N training digits, OUT=dir)
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, optim, data, plot } from "../src/index.js";

const CODE = 32;

/** 784 → 128 → 32 → 128 → 784, sigmoid output. */
export function denseAutoencoder(): nn.Sequential {
  return new nn.Sequential(
    new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, CODE), new nn.ReLU(), // encoder
    new nn.Linear(CODE, 128), new nn.ReLU(), new nn.Linear(128, 784), new nn.Sigmoid(), new nn.Unflatten(1, [1, 28, 28]), // decoder
  );
}

/** Strided convs 28 → 14 → 7, a 32-number code, and transposed convs 7 → 14 → 28. */
export function convAutoencoder(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 }), new nn.ReLU(), // 16×14×14
    new nn.Conv2d(16, 32, 3, { stride: 2, padding: 1 }), new nn.ReLU(), // 32×7×7
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, CODE), // the code
    new nn.Linear(CODE, 32 * 7 * 7), new nn.ReLU(), new nn.Unflatten(1, [32, 7, 7]),
    new nn.ConvTranspose2d(32, 16, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.ReLU(), // 16×14×14
    new nn.ConvTranspose2d(16, 1, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.Sigmoid(), // 1×28×28
  );
}

export interface FitOptions {
  epochs: number;
  batchSize?: number;
  lr?: number;
  /** Corrupts each input batch (the denoising autoencoder); the target stays clean. */
  corrupt?: data.transforms.Transform;
  seed?: number;
  label?: string;
  /** Run each step through ds.compile (default true): the same losses, fewer kernel launches. */
  compile?: boolean;
}

/** Trains model(corrupt(x)) ≈ x with binary cross-entropy and Adam; returns the last epoch's loss. */
export function fitAutoencoder(model: nn.Module, x: ds.Tensor, opts: FitOptions): number {
  const loader = new data.DataLoader(new data.TensorDataset(x), { batchSize: opts.batchSize ?? 128, shuffle: true, seed: opts.seed ?? 0 });
  const optimizer = new optim.Adam(model.parameters(), { lr: opts.lr ?? 2e-3 });
  const rng = data.transforms.generator(opts.seed ?? 0);
  // One training step: forward, loss, backward, Adam. Compiled, it is traced once per batch shape
  // (the first call of a shape runs eagerly, the second traces) and replayed after. The noise is
  // drawn outside it, on the host generator, and passed in.
  const trainStep = (input: ds.Tensor, target: ds.Tensor) => {
    optimizer.zeroGrad();
    const loss = nn.F.binaryCrossEntropy(model.call(input), target);
    loss.backward();
    optimizer.step();
    return loss;
  };
  const step = opts.compile === false ? trainStep : ds.compile(trainStep, { key: () => model.training });
  let last = NaN;
  model.train();
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    let sum = 0, count = 0;
    const t0 = performance.now();
    for (const [xb] of loader) {
      ds.scope(() => {
        const input = opts.corrupt ? opts.corrupt(xb, rng) : xb;
        sum += step(input, xb).item() * xb.shape[0];
        count += xb.shape[0];
      });
      xb.dispose(); // the loader made the batch outside the step's scope
    }
    last = sum / count;
    console.log(`${opts.label ?? "autoencoder"} epoch ${epoch}: loss ${last.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return last;
}

/** Mean squared error per pixel between model(input) and target, in eval mode. */
export function reconstructionError(model: nn.Module, input: ds.Tensor, target = input): number {
  model.eval();
  let sum = 0;
  for (let i = 0; i < input.shape[0]; i += 250) {
    const n = Math.min(250, input.shape[0] - i);
    // One scope per batch, so each batch's activations are freed before the next.
    sum += ds.noGrad(() => ds.scope(() => model.call(input.narrow(0, i, n)).sub(target.narrow(0, i, n)).square().sum().item()));
  }
  return sum / input.size;
}

export interface AutoencoderResults { dense: number; conv: number; noisyInput: number; denoised: number; grid: string }

export async function main(opts: { epochs?: number; limit?: number; out?: string } = {}): Promise<AutoencoderResults> {
  const epochs = opts.epochs ?? Number(process.env.EPOCHS ?? 8);
  const limit = opts.limit ?? Number(process.env.LIMIT ?? 0);
  const out = opts.out ?? process.env.OUT ?? "out/autoencoder";
  mkdirSync(out, { recursive: true });
  const { train, test } = data.datasets.digits();
  const xTrain = limit > 0 ? train.x.narrow(0, 0, limit) : train.x;
  const xTest = limit > 0 ? test.x.narrow(0, 0, Math.min(limit, 2000)) : test.x;

  ds.seed(0);
  const dense = denseAutoencoder();
  fitAutoencoder(dense, xTrain, { epochs: 3 * epochs, label: "dense" }); // cheap epochs: give it more
  ds.seed(0);
  const conv = convAutoencoder();
  fitAutoencoder(conv, xTrain, { epochs, label: "conv" });
  // Denoising: Gaussian noise (σ = 0.4, clipped to [0, 1]) on the inputs, clean targets.
  const noise = data.transforms.gaussianNoise(0.4, { clip: [0, 1] });
  ds.seed(0);
  const denoiser = convAutoencoder();
  fitAutoencoder(denoiser, xTrain, { epochs, label: "denoising", corrupt: noise });

  const noisyTest = noise(xTest, data.transforms.generator(123));
  const results = {
    dense: reconstructionError(dense, xTest),
    conv: reconstructionError(conv, xTest),
    noisyInput: ds.noGrad(() => noisyTest.sub(xTest).square().mean().item()),
    denoised: reconstructionError(denoiser, noisyTest, xTest),
    grid: join(out, "reconstructions.png"),
  };
  console.log(`test reconstruction error (MSE per pixel, ${xTest.shape[0]} digits):`);
  console.log(`  dense autoencoder (code ${CODE})   ${results.dense.toFixed(4)}`);
  console.log(`  conv autoencoder  (code ${CODE})   ${results.conv.toFixed(4)}`);
  console.log(`  denoising: noisy input ${results.noisyInput.toFixed(4)} → denoised ${results.denoised.toFixed(4)}`);

  // Rows: originals, dense, conv, noisy, denoised — ten test digits each.
  const k = 10, x10 = xTest.narrow(0, 0, k), n10 = noisyTest.narrow(0, 0, k);
  const rows = ds.noGrad(() => [x10, dense.call(x10), conv.call(x10), n10, denoiser.call(n10)]);
  const names = ["original", "dense", "conv", "noisy", "denoised"];
  const labels = names.flatMap((name) => Array.from({ length: k }, (_, i) => (i === 0 ? name : "")));
  await plot.image(ds.concat(rows, 0), { columns: k, labels, title: "Autoencoder reconstructions (test digits)", vmin: 0, vmax: 1 }).save(results.grid);
  console.log(`wrote ${results.grid}`);
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
