// `deepscript train`: trains an MLP or CNN on a dataset with a progress bar, reports test
// accuracy, and writes the model, its history and its options to --out.
import { join } from "node:path";
import { ArgumentError } from "../core/errors.js";
import { writeAtomic } from "../core/atomic.js";
import * as ds from "../tensor/index.js";
import * as optim from "../optim/index.js";
import * as train from "../train/index.js";
import * as io from "../io-namespace.js";
import { buildModel } from "./models.js";
import { head, loadDataset } from "./datasets.js";
import { writeTrainingFigures } from "./figures.js";
import { checkOutFolder, outFolder } from "./out.js";

export interface TrainOptions {
  dataset: string;
  model: string;
  epochs: number;
  batchSize: number;
  lr: number;
  backend: string;
  out: string;
  seed: number;
  limit?: number;
  verbose?: "auto" | 0 | 1 | 2;
  /** Each step through ds.compile (train.fit's `compile`). */
  compile?: boolean;
}

const positiveInt = (name: string, v: number) => {
  if (!Number.isInteger(v) || v < 1) throw new ArgumentError("train", `--${name} must be a positive integer, got ${v}`);
};

export async function trainCommand(opts: TrainOptions): Promise<{ testAccuracy: number; outDir: string }> {
  positiveInt("epochs", opts.epochs);
  positiveInt("batch-size", opts.batchSize);
  if (!(opts.lr > 0)) throw new ArgumentError("train", `--lr must be a positive number, got ${opts.lr}`);
  checkOutFolder("train", opts.out);
  ds.setBackend(opts.backend);
  ds.seed(opts.seed);
  const data = loadDataset(opts.dataset, opts.seed);
  const trainSet = opts.limit ? head(data.train, opts.limit) : data.train;
  const model = buildModel(opts.model, trainSet[0].shape.slice(1), data.classes);
  const params = model.parameters().reduce((n, p) => n + p.size, 0);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  log(`deepscript train: ${opts.model} (${params.toLocaleString("en-US")} parameters) on ${data.name}, backend ${ds.getBackend()}`);
  log(`${trainSet[0].shape[0]} training samples, ${data.test[0].shape[0]} test samples, ${opts.epochs} epochs, batch ${opts.batchSize}, Adam lr ${opts.lr}${opts.compile ? ", steps compiled" : ""}`);
  const history = await train.fit(model, trainSet, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    optimizer: new optim.Adam(model.parameters(), { lr: opts.lr }),
    loss: "crossEntropy",
    metrics: ["accuracy"],
    validationData: data.test,
    seed: opts.seed,
    verbose: opts.verbose ?? "auto",
    compile: opts.compile ?? false,
  });
  const test = train.evaluate(model, data.test, { loss: "crossEntropy", metrics: ["accuracy"], batchSize: 256 });
  const outDir = outFolder("train", opts.out);
  io.save(model, join(outDir, "model.safetensors"));
  writeAtomic("train", join(outDir, "history.json"), JSON.stringify(history, null, 2) + "\n");
  writeAtomic("train", join(outDir, "train-options.json"), JSON.stringify({ ...opts, testAccuracy: test.accuracy, testLoss: test.loss }, null, 2) + "\n");
  const figures = await writeTrainingFigures(outDir, history, model, data.test, data.classes);
  log(`test accuracy ${(test.accuracy * 100).toFixed(2)}% (loss ${test.loss.toFixed(4)})`);
  log(`saved model.safetensors, history.json, train-options.json, ${figures.join(", ")} to ${outDir}`);
  return { testAccuracy: test.accuracy, outDir };
}
