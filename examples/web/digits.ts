// The playground's digit models and their training: plain deepscript, the same in the page and
// in Node (the browser test and examples/web/worker.ts use it too). Models are nn.Sequential of
// stock layers, so io.save writes their architecture and io.load rebuilds them from the file alone.
import * as ds from "../../src/index.js";

const { nn, optim, train, data, explain } = ds;

export type ModelKind = "mlp" | "cnn";

/** The MLP (784-128-10) or a small CNN (two 5×5 convolutions, 8 and 16 channels) for 28×28 digits. */
export function makeModel(kind: ModelKind): ds.nn.Module {
  if (kind === "mlp") return new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5), new nn.ReLU(), new nn.MaxPool2d(2), // 28 → 24 → 12
    new nn.Conv2d(8, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2), // 12 → 8 → 4
    new nn.Flatten(), new nn.Linear(16 * 4 * 4, 10),
  );
}

/** Whether `model` takes images [N, 1, 28, 28] (its first weight is a convolution's) rather than [N, 784]. */
export function takesImages(model: ds.nn.Module): boolean {
  return model.parameters()[0]?.ndim === 4;
}

export interface TrainProgress {
  epoch: number; epochs: number;
  /** Batches done in this epoch, and per epoch. */
  batch: number; batches: number;
  /** Loss of the last batch. */
  loss: number;
  /** Mean loss and accuracy of the epoch so far (what fit's batch logs hold, as Keras'). */
  epochLoss: number; epochAccuracy: number;
}

export interface EpochResult { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number }

export interface TrainDigitsOptions {
  epochs?: number;
  batchSize?: number;
  lr?: number;
  /** Train on the first `limit` of the 8,000 training digits (default all). */
  limit?: number;
  seed?: number;
  onBatch?: (p: TrainProgress) => void | Promise<void>;
  onEpoch?: (r: EpochResult) => void | Promise<void>;
}

/** Trains `model` on the bundled digits (preloaded) with Adam and fit; test accuracy as validation. */
export async function trainDigits(model: ds.nn.Module, opts: TrainDigitsOptions = {}): Promise<EpochResult[]> {
  const epochs = opts.epochs ?? 3, batchSize = opts.batchSize ?? 64;
  const { train: tr, test } = data.datasets.digits({ flatten: !takesImages(model) });
  const n = Math.min(opts.limit ?? tr.x.shape[0], tr.x.shape[0]);
  const [x, y] = [tr.x.narrow(0, 0, n), tr.y.narrow(0, 0, n)];
  const batches = Math.ceil(n / batchSize);
  const results: EpochResult[] = [];
  let epoch = 0, prevMean = 0;
  await train.fit(model, [x, y], {
    epochs, batchSize, seed: opts.seed ?? 0, verbose: 0,
    optimizer: new optim.Adam(model.parameters(), { lr: opts.lr ?? 1e-3 }),
    loss: "crossEntropy", metrics: ["accuracy"], validationData: [test.x, test.y],
    callbacks: [{
      onEpochBegin: (e) => { epoch = e; },
      onBatchEnd: (b, logs) => {
        // fit logs the epoch's running mean; the batch's own loss is the difference of sums.
        const seen = Math.min((b + 1) * batchSize, n), before = b * batchSize;
        const loss = b === 0 ? logs.loss : (logs.loss * seen - prevMean * before) / (seen - before);
        prevMean = logs.loss;
        return opts.onBatch?.({ epoch, epochs, batch: b + 1, batches, loss, epochLoss: logs.loss, epochAccuracy: logs.accuracy });
      },
      onEpochEnd: async (e, logs) => {
        const r = { epoch: e + 1, loss: logs.loss, accuracy: logs.accuracy, valLoss: logs.valLoss, valAccuracy: logs.valAccuracy };
        results.push(r);
        await opts.onEpoch?.(r);
      },
    }],
  });
  return results;
}

/** The model's class probabilities for one 28×28 image (784 grey levels in [0, 1]), and where it looked. */
export function predictDigit(model: ds.nn.Module, pixels: Float32Array): { probs: number[]; label: number; saliency: Float32Array } {
  const x = ds.tensor(pixels).reshape(takesImages(model) ? [1, 1, 28, 28] : [1, 784]);
  const probs = train.predict(model, x).softmax(1).reshape([10]).toArray() as number[];
  const label = probs.indexOf(Math.max(...probs));
  // |∂ logit[label] / ∂ pixel| (Simonyan et al.'s saliency), the explain module's.
  const saliency = Float32Array.from(explain.saliency(model, x, label, { abs: true }).dataSync() as Float32Array);
  return { probs, label, saliency };
}
