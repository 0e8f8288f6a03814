// `deepscript evaluate MODEL` and `deepscript predict MODEL INPUT`.
import { existsSync, readFileSync } from "node:fs";
import { ArgumentError, FileError } from "../core/errors.js";
import * as ds from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import * as train from "../train/index.js";
import * as io from "../io-namespace.js";
import { datasets, readIdx } from "../data/index.js";
import { loadDataset } from "./datasets.js";

function loadModel(path: string): train.Model {
  if (!existsSync(path)) throw new FileError("deepscript", path, "model file not found");
  return io.load(path) as unknown as train.Model;
}

/** Test-split loss and accuracy of a saved model. */
export function evaluateCommand(modelPath: string, opts: { dataset: string; backend: string; seed: number }): train.Logs {
  ds.setBackend(opts.backend);
  const model = loadModel(modelPath);
  const data = loadDataset(opts.dataset, opts.seed);
  const logs = train.evaluate(model, data.test, { loss: "crossEntropy", metrics: ["accuracy"], batchSize: 256 });
  console.log(`${modelPath} on ${data.name}: test accuracy ${(logs.accuracy * 100).toFixed(2)}%, loss ${logs.loss.toFixed(4)} (${data.test[0].shape[0]} samples)`);
  return logs;
}

// INPUT: "digits:I" or "digits:I-J" (test digits), an IDX file of images, or a JSON array of samples.
export function readInput(spec: string): { x: Tensor; labels?: number[] } {
  const m = /^digits:(\d+)(?:-(\d+))?$/.exec(spec);
  if (m) {
    const { test } = datasets.digits();
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b >= test.x.shape[0]) throw new ArgumentError("predict", `digits index range ${spec} is outside 0..${test.x.shape[0] - 1}`);
    return { x: test.x.narrow(0, a, b - a + 1), labels: Array.from(test.y.narrow(0, a, b - a + 1).dataSync()) };
  }
  if (!existsSync(spec)) throw new FileError("predict", spec, "input file not found (expected an IDX file, a .json array, or digits:I[-J])");
  if (spec.endsWith(".json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(spec, "utf8"));
    } catch (e) {
      throw new FileError("predict", spec, `not valid JSON: ${(e as Error).message}`);
    }
    return { x: ds.tensor(parsed as number[][]) };
  }
  const raw = readIdx(spec);
  return { x: raw.ndim === 3 ? raw.float().div(255).unsqueeze(1) : raw.float() };
}

/** Predicted classes (and their probabilities) for each input sample. */
export function predictCommand(modelPath: string, input: string, opts: { backend: string }): number[] {
  ds.setBackend(opts.backend);
  const model = loadModel(modelPath);
  const { x, labels } = readInput(input);
  const probs = train.predict(model, x, { batchSize: 256 }).softmax(-1);
  const cls = Array.from(probs.argmax(-1).dataSync());
  const conf = Array.from(probs.max(-1).dataSync());
  const shown = Math.min(cls.length, 20);
  for (let i = 0; i < shown; i++) {
    console.log(`sample ${i}: class ${cls[i]} (p=${conf[i].toFixed(3)})${labels ? `, label ${labels[i]}` : ""}`);
  }
  if (cls.length > shown) console.log(`… ${cls.length - shown} more`);
  if (labels) console.log(`accuracy on these ${cls.length}: ${((cls.filter((c, i) => c === labels[i]).length / cls.length) * 100).toFixed(1)}%`);
  return cls;
}
