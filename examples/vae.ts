// A variational autoencoder on the bundled digits (Kingma & Welling 2014, as PyTorch's
// examples/vae): the encoder gives a Gaussian q(z|x) = N(mu, exp(logvar)), a sample
// z = mu + exp(logvar/2)·ε (the reparameterisation trick, so gradients flow through the sample)
// is decoded to pixel logits, and the loss is reconstruction + KL(q(z|x) ‖ N(0, I)).
// Saves new digits decoded from z ~ N(0, I) and test reconstructions as image grids.
// Run: npm run example:vae   (EPOCHS=N, LIMIT=N, OUT=dir)
import { fileURLToPath } from "node:url";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, optim, data, plot } from "../src/index.js";

export class VAE extends nn.Module<[ds.Tensor], [ds.Tensor, ds.Tensor, ds.Tensor]> {
  fc1: nn.Linear;
  fcMu: nn.Linear;
  fcLogvar: nn.Linear;
  fc3: nn.Linear;
  fc4: nn.Linear;
  constructor(readonly latent = 16, hidden = 400) {
    super();
    this.fc1 = new nn.Linear(784, hidden);
    this.fcMu = new nn.Linear(hidden, latent);
    this.fcLogvar = new nn.Linear(hidden, latent);
    this.fc3 = new nn.Linear(latent, hidden);
    this.fc4 = new nn.Linear(hidden, 784);
  }
  encode(x: ds.Tensor): [ds.Tensor, ds.Tensor] {
    const h = this.fc1.call(x.flatten(1)).relu();
    return [this.fcMu.call(h), this.fcLogvar.call(h)];
  }
  /** z = mu + σ·ε in training; the mean in eval mode. */
  reparameterize(mu: ds.Tensor, logvar: ds.Tensor): ds.Tensor {
    if (!this.training) return mu;
    return mu.add(logvar.mul(0.5).exp().mul(ds.randn(mu.shape)));
  }
  /** Pixel logits [N, 784]. */
  decode(z: ds.Tensor): ds.Tensor {
    return this.fc4.call(this.fc3.call(z).relu());
  }
  forward(x: ds.Tensor): [ds.Tensor, ds.Tensor, ds.Tensor] {
    const [mu, logvar] = this.encode(x);
    return [this.decode(this.reparameterize(mu, logvar)), mu, logvar];
  }
}

export interface VaeResults { loss: number; testLoss: number; reconstructionError: number; samples: string; reconstructions: string }

export async function main(opts: { epochs?: number; limit?: number; out?: string } = {}): Promise<VaeResults> {
  const epochs = opts.epochs ?? Number(process.env.EPOCHS ?? 30);
  const limit = opts.limit ?? Number(process.env.LIMIT ?? 0);
  const out = opts.out ?? process.env.OUT ?? "out/vae";
  mkdirSync(out, { recursive: true });
  const { train, test } = data.datasets.digits({ flatten: true });
  const xTrain = limit > 0 ? train.x.narrow(0, 0, limit) : train.x;
  const xTest = limit > 0 ? test.x.narrow(0, 0, Math.min(limit, 2000)) : test.x;

  ds.seed(1);
  const model = new VAE();
  const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(new data.TensorDataset(xTrain), { batchSize: 128, shuffle: true, seed: 1 });
  let loss = NaN;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0;
    for (const [xb] of loader) {
      ds.scope(() => {
        optimizer.zeroGrad();
        const [logits, mu, logvar] = model.call(xb);
        // Summed over pixels and latent dims, averaged over the batch: the negative ELBO per digit.
        const l = nn.F.vaeLoss(logits, xb, mu, logvar, { reconstruction: "bceWithLogits", reduction: "mean" });
        l.backward();
        optimizer.step();
        sum += l.item() * xb.shape[0];
      });
      xb.dispose(); // the loader made the batch outside the step's scope
    }
    loss = sum / xTrain.shape[0];
    if (epoch === 1 || epoch % 5 === 0 || epoch === epochs) console.log(`epoch ${epoch}: loss ${loss.toFixed(2)} (negative ELBO per digit, nats)`);
  }

  model.eval();
  const { testLoss, reconstructionError } = ds.noGrad(() => ds.scope(() => {
    const [logits, mu, logvar] = model.call(xTest);
    return {
      testLoss: nn.F.vaeLoss(logits, xTest, mu, logvar, { reconstruction: "bceWithLogits", reduction: "mean" }).item(),
      reconstructionError: logits.sigmoid().sub(xTest).square().mean().item(),
    };
  }));
  console.log(`test: loss ${testLoss.toFixed(2)} per digit, reconstruction error ${reconstructionError.toFixed(4)} (MSE per pixel, from the mean code)`);

  const samples = join(out, "samples.png"), reconstructions = join(out, "reconstructions.png");
  ds.seed(7);
  const z = ds.randn([64, model.latent]);
  const drawn = ds.noGrad(() => model.decode(z).sigmoid().reshape([64, 1, 28, 28]));
  await plot.image(drawn, { columns: 8, title: "VAE: digits decoded from z ~ N(0, I)", vmin: 0, vmax: 1 }).save(samples);
  const x16 = xTest.narrow(0, 0, 16);
  const rec = ds.noGrad(() => model.call(x16)[0].sigmoid());
  const pairs = ds.stack([x16, rec], 1).reshape([32, 1, 28, 28]); // original, reconstruction, original, …
  await plot.image(pairs, { columns: 8, labels: Array.from({ length: 32 }, (_, i) => (i % 2 ? "recon" : "input")), title: "VAE: test digits and reconstructions", vmin: 0, vmax: 1 }).save(reconstructions);
  console.log(`wrote ${samples} and ${reconstructions}`);
  return { loss, testLoss, reconstructionError, samples, reconstructions };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
