// fit(): the Keras-style training loop over a PyTorch-style model and optimizer.
import { ArgumentError, NonFiniteError } from "../core/errors.js";
import { PCG32, globalRng } from "../core/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { planBatches, splitValidation, type Data } from "./batches.js";
import { resolveLoss, type LossSpec } from "./loss.js";
import { resolveMetric, type MetricSpec } from "./metrics.js";
import { History, type Logs } from "./history.js";
import type { Callback, TrainContext } from "./callbacks.js";
import { makeProgress, type Verbosity } from "./progress.js";
import { evaluate, type Model } from "./evaluate.js";

/** What fit needs of an optimizer (optim.SGD, optim.Adam, …). */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
}

export interface FitOptions {
  epochs: number;
  optimizer: OptimizerLike;
  loss: LossSpec;
  /** Samples per batch when data is [x, y] or a dataset (default 32). */
  batchSize?: number;
  metrics?: MetricSpec[];
  /** Data evaluated after every epoch (logged with a "val" prefix: valLoss, valAccuracy). */
  validationData?: Data;
  /** Fraction of [x, y] held out (the last samples, as Keras) for validation. */
  validationSplit?: number;
  /** Shuffle [x, y] / dataset samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed for shuffling (default: the global generator, see ds.seed). */
  seed?: number;
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch; "auto" (default) = bar on a terminal, lines otherwise. */
  verbose?: Verbosity;
  /** Epoch to start from (for resuming), default 0. */
  initialEpoch?: number;
}

const prefixed = (logs: Logs): Logs => Object.fromEntries(Object.entries(logs).map(([k, v]) => [`val${k[0].toUpperCase()}${k.slice(1)}`, v]));

/**
 * Trains `model` for `epochs` passes over `data`, returns the per-epoch History.
 * @example
 * const history = await train.fit(model, [x, y], {
 *   epochs: 5, batchSize: 64, optimizer: new optim.Adam(model.parameters()), loss: "crossEntropy", metrics: ["accuracy"],
 * });
 */
export async function fit(model: Model, data: Data, opts: FitOptions): Promise<History> {
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new ArgumentError("fit", `epochs must be a positive integer, got ${opts.epochs}`);
  if (!opts.optimizer || typeof opts.optimizer.step !== "function") throw new ArgumentError("fit", "an optimizer is required (e.g. new optim.Adam(model.parameters()))");
  const lossFn = resolveLoss("fit", opts.loss);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  let trainData = data;
  let valData = opts.validationData;
  if (opts.validationSplit !== undefined) {
    if (!(Array.isArray(data) && data.length === 2 && data[0] instanceof Tensor)) throw new ArgumentError("fit", "validationSplit needs data given as [x, y] tensors");
    if (valData) throw new ArgumentError("fit", "give validationData or validationSplit, not both");
    [trainData, valData] = splitValidation(data as [Tensor, Tensor], opts.validationSplit);
  }
  const rng = opts.seed === undefined ? globalRng : new PCG32(opts.seed);
  const plan = planBatches(trainData, { batchSize: opts.batchSize ?? 32, shuffle: opts.shuffle ?? true, rng, op: "fit" });
  const history = new History();
  const ctx: TrainContext = { model: model as unknown as TrainContext["model"], epochs: opts.epochs, history, stopTraining: false };
  const callbacks = opts.callbacks ?? [];
  const progress = makeProgress(opts.verbose ?? "auto", opts.epochs);
  let logs: Logs = {};
  let step = 0;
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  try {
    for (let epoch = opts.initialEpoch ?? 0; epoch < opts.epochs && !ctx.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      model.train();
      const t0 = performance.now();
      progress.epochBegin(epoch, plan.count);
      let lossSum = 0, samples = 0, batch = 0;
      const sums = metrics.map(() => [0, 0]);
      const it = plan.iterate();
      for (;;) {
        // One scope per step: the batch, activations and gradients' temporaries all die here.
        const r = scope(() => {
          const next = it.next();
          if (next.done) return null;
          const [x, y] = next.value;
          opts.optimizer.zeroGrad();
          const pred = model.call(x);
          const loss = lossFn(pred, y);
          const value = loss.item();
          if (!Number.isFinite(value)) return { value, n: x.shape[0], batchSums: [] as [number, number][] };
          loss.backward();
          opts.optimizer.step();
          const batchSums = noGrad(() => metrics.map((m) => m.batch(pred.detach(), y)));
          return { value, n: x.shape[0], batchSums };
        });
        if (r === null) break;
        step++;
        if (!Number.isFinite(r.value)) {
          throw new NonFiniteError("fit", `the loss became ${r.value} at epoch ${epoch + 1}, batch ${batch + 1} (step ${step}); lower the learning rate or check the data for NaN/Inf`);
        }
        lossSum += r.value * r.n;
        samples += r.n;
        r.batchSums.forEach(([s, c], k) => { sums[k][0] += s; sums[k][1] += c; });
        batch++;
        const batchLogs: Logs = { loss: lossSum / samples };
        metrics.forEach((m, k) => (batchLogs[m.name] = sums[k][0] / sums[k][1]));
        progress.batchEnd(batch, batchLogs);
        for (const cb of callbacks) await cb.onBatchEnd?.(batch - 1, batchLogs, ctx);
      }
      logs = { loss: lossSum / samples };
      metrics.forEach((m, k) => (logs[m.name] = sums[k][0] / sums[k][1]));
      if (valData) Object.assign(logs, prefixed(evaluate(model, valData, { loss: lossFn, metrics, batchSize: opts.batchSize ?? 32 })));
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
      history.record(epoch, logs);
      progress.epochEnd(epoch, logs, (performance.now() - t0) / 1000);
    }
  } finally {
    progress.stop();
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(logs, ctx);
  return history;
}
