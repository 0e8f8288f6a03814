// `deepscript pretrain`: SimCLR on the bundled digits' training images (no labels), then the
// frozen encoder judged with 1% of the labels (linear probe and kNN) against a randomly initialised
// one; writes the encoder, a probe report and PCA and t-SNE pictures of the embeddings.
import { join } from "node:path";
import { ArgumentError } from "../core/errors.js";
import { writeAtomic } from "../core/atomic.js";
import * as ds from "../tensor/index.js";
import * as nn from "../nn/index.js";
import * as train from "../train/index.js";
import * as io from "../io-namespace.js";
import { datasets, transforms as T } from "../data/index.js";
import { projector } from "../explain/index.js";
import { checkOutFolder, outFolder } from "./out.js";

/** The small conv encoder pretrained on digits: two conv blocks and a 128-number embedding. */
export function digitsEncoder(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.BatchNorm1d(128), new nn.ReLU(),
  );
}

/** SimCLR's views of a digit: a random crop of 60–100% of the area resized back, a small rotation and shear, noise. */
export function digitsAugment(): T.Transform {
  return T.compose([T.randomResizedCrop(28, { scale: [0.6, 1] }), T.randomAffine({ degrees: 15, shear: 10 }), T.gaussianNoise(0.1, { clip: [0, 1] })]);
}

export interface PretrainOptions {
  epochs: number;
  batchSize: number;
  temperature: number;
  /** Fraction of the training labels the probes may use (default 0.01). */
  labels: number;
  backend: string;
  out: string;
  seed: number;
  limit?: number;
}

export interface ProbeScores { linearProbe: number; knn: number }
export interface PretrainReport {
  labelled: number;
  unlabelled: number;
  epochs: number;
  ntXent: number[];
  pretrained: ProbeScores;
  random: ProbeScores;
}

/** Linear-probe and kNN test accuracy of an encoder's frozen embeddings, trained on the labelled rows. */
export function probe(encoder: nn.Module, xLabelled: ds.Tensor, yLabelled: ds.Tensor, xTest: ds.Tensor, yTest: ds.Tensor): ProbeScores {
  const zl = train.embed(encoder, xLabelled), zt = train.embed(encoder, xTest);
  return { linearProbe: train.linearProbe(zl, yLabelled, zt, yTest), knn: train.knnAccuracy(zl, yLabelled, zt, yTest, { k: 5 }) };
}

export async function pretrainCommand(opts: PretrainOptions): Promise<PretrainReport> {
  for (const [name, v] of [["epochs", opts.epochs], ["batch-size", opts.batchSize]] as const) {
    if (!Number.isInteger(v) || v < 2 - (name === "epochs" ? 1 : 0)) throw new ArgumentError("pretrain", `--${name} must be a positive integer, got ${v}`);
  }
  if (!(opts.temperature > 0)) throw new ArgumentError("pretrain", `--temperature must be positive, got ${opts.temperature}`);
  if (!(opts.labels > 0 && opts.labels <= 1)) throw new ArgumentError("pretrain", `--labels must be a fraction in (0, 1], got ${opts.labels}`);
  ds.setBackend(opts.backend);
  checkOutFolder("pretrain", opts.out);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const { train: tr, test } = datasets.digits();
  const x = opts.limit ? tr.x.narrow(0, 0, Math.min(opts.limit, tr.x.shape[0])) : tr.x;
  const rows = ds.tensor(train.labelledSubset(tr.y, opts.labels, opts.seed), { dtype: "int32" });
  const xl = ds.indexSelect(tr.x, 0, rows), yl = ds.indexSelect(tr.y, 0, rows);
  log(`deepscript pretrain: SimCLR on ${x.shape[0]} unlabelled digits, ${opts.epochs} epochs, batch ${opts.batchSize} pairs, temperature ${opts.temperature}, backend ${ds.getBackend()}`);

  ds.seed(opts.seed);
  const random = probe(digitsEncoder(), xl, yl, test.x, test.y);
  ds.seed(opts.seed); // the same initial weights as the random baseline
  const encoder = digitsEncoder();
  const head = new nn.Sequential(new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, 64));
  const history = await train.fitContrastive(encoder, x, {
    head, augment: digitsAugment(), epochs: opts.epochs, batchSize: opts.batchSize, temperature: opts.temperature, seed: opts.seed,
  });
  const pretrained = probe(encoder, xl, yl, test.x, test.y);
  const report: PretrainReport = { labelled: yl.shape[0], unlabelled: x.shape[0], epochs: opts.epochs, ntXent: history.history.loss, pretrained, random };

  const outDir = outFolder("pretrain", opts.out);
  io.save(encoder, join(outDir, "encoder.safetensors"));
  writeAtomic("pretrain", join(outDir, "probe.json"), JSON.stringify(report, null, 2) + "\n");
  await projector(train.embed(encoder, test.x), test.y, { title: "SimCLR embeddings of the test digits (PCA)" }).figure.save(join(outDir, "embeddings-pca.png"));
  const nt = Math.min(1000, opts.limit ?? 1000); // exact t-SNE is O(N²): 1,000 points take ~10 s
  await projector(train.embed(encoder, test.x.narrow(0, 0, nt)), test.y.narrow(0, 0, nt), { method: "tsne", tsne: { seed: opts.seed }, title: `SimCLR embeddings of ${nt} test digits (t-SNE)` })
    .figure.save(join(outDir, "embeddings-tsne.png"));
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  log(`with ${yl.shape[0]} labels (${pct(opts.labels)}), test accuracy on ${test.x.shape[0]} digits:`);
  log(`  random encoder:     linear probe ${pct(random.linearProbe)}, kNN ${pct(random.knn)}`);
  log(`  pretrained encoder: linear probe ${pct(pretrained.linearProbe)}, kNN ${pct(pretrained.knn)}`);
  log(`saved encoder.safetensors, probe.json, embeddings-pca.png, embeddings-tsne.png to ${outDir}`);
  return report;
}
