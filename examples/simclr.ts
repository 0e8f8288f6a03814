// Self-supervised pretraining with SimCLR (Chen et al. 2020) on the bundled digits: a small conv
// encoder learns from the 8,000 training images alone — no labels — by making two random views of
// each digit agree (NT-Xent loss) while disagreeing with the other digits of the batch. Then the
// encoder is frozen and judged with only 1% of the labels (80 digits, 8 per class): a linear probe
// (logistic regression on the embeddings) and kNN, against the same probes on a randomly
// initialised encoder with identical starting weights. The pretrained encoder must win.
// Run: npm run example:simclr   (EPOCHS=N, LIMIT=N unlabelled digits, OUT=dir)
import { fileURLToPath } from "node:url";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { nn, data, train, io } from "../src/index.js";

const T = data.transforms;

/** Two conv blocks and a 128-number embedding (batch norm throughout, as SimCLR's ResNets). */
export function encoder(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2), // 16×14×14
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2), // 32×7×7
    new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.BatchNorm1d(128), new nn.ReLU(),
  );
}

/** What counts as "the same digit": a crop of 60–100% of it resized back, ±15° rotation, shear, noise. */
export const augment = T.compose([
  T.randomResizedCrop(28, { scale: [0.6, 1] }),
  T.randomAffine({ degrees: 15, shear: 10 }),
  T.gaussianNoise(0.1, { clip: [0, 1] }),
]);

export interface Scores { linearProbe: number; knn: number }
export interface SimclrResults { pretrained: Scores; random: Scores; labelled: number; encoderPath: string }

/** Probe accuracies of an encoder's frozen embeddings: fitted on the labelled digits, scored on the test set. */
function probe(enc: nn.Module, xl: ds.Tensor, yl: ds.Tensor, xt: ds.Tensor, yt: ds.Tensor): Scores {
  const zl = train.embed(enc, xl), zt = train.embed(enc, xt);
  return { linearProbe: train.linearProbe(zl, yl, zt, yt), knn: train.knnAccuracy(zl, yl, zt, yt, { k: 5 }) };
}

export async function main(opts: { epochs?: number; limit?: number; out?: string } = {}): Promise<SimclrResults> {
  const epochs = opts.epochs ?? Number(process.env.EPOCHS ?? 8);
  const limit = opts.limit ?? Number(process.env.LIMIT ?? 0);
  const out = opts.out ?? process.env.OUT ?? "out/simclr";
  mkdirSync(out, { recursive: true });
  const { train: tr, test } = data.datasets.digits();
  const unlabelled = limit > 0 ? tr.x.narrow(0, 0, limit) : tr.x;
  // 1% of the training labels, stratified: the only labels anything below sees.
  const rows = ds.tensor(train.labelledSubset(tr.y, 0.01, 0), { dtype: "int32" });
  const xl = ds.indexSelect(tr.x, 0, rows), yl = ds.indexSelect(tr.y, 0, rows);
  const xt = limit > 0 ? test.x.narrow(0, 0, Math.min(2000, 4 * limit)) : test.x;
  const yt = limit > 0 ? test.y.narrow(0, 0, xt.shape[0]) : test.y;

  ds.seed(0);
  const random = probe(encoder(), xl, yl, xt, yt);

  ds.seed(0); // the same initial weights as the random baseline
  const enc = encoder();
  const head = new nn.Sequential(new nn.Linear(128, 128), new nn.ReLU(), new nn.Linear(128, 64)); // the projection head
  await train.fitContrastive(enc, unlabelled, { head, augment, epochs, batchSize: 256, temperature: 0.5, seed: 0 });
  const pretrained = probe(enc, xl, yl, xt, yt);

  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  console.log(`${yl.shape[0]} labelled digits (1%), ${xt.shape[0]} test digits:`);
  console.log(`                      linear probe   kNN (k=5)`);
  console.log(`  random encoder      ${pct(random.linearProbe).padStart(8)}   ${pct(random.knn).padStart(8)}`);
  console.log(`  SimCLR-pretrained   ${pct(pretrained.linearProbe).padStart(8)}   ${pct(pretrained.knn).padStart(8)}`);
  const encoderPath = join(out, "encoder.safetensors");
  io.save(enc, encoderPath);
  writeFileSync(join(out, "probe.json"), JSON.stringify({ labelled: yl.shape[0], epochs, random, pretrained }, null, 2) + "\n");
  console.log(`saved ${encoderPath} (embed with train.embed(io.load(path), x); npm run example:projector draws it)`);
  return { pretrained, random, labelled: yl.shape[0], encoderPath };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
