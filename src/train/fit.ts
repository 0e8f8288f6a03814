// fit(): the Keras-style training loop over a PyTorch-style model and optimizer.
import { ArgumentError, NonFiniteError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import { PCG32, globalRng } from "../core/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { compile } from "../compile/index.js";
import { planBatches, splitValidation, type Data } from "./batches.js";
import { resolveLoss, type LossSpec } from "./loss.js";
import { resolveMetric, type MetricSpec } from "./metrics.js";
import { History, type Logs } from "./history.js";
import type { Callback, TrainContext } from "./callbacks.js";
import { makeProgress, type Verbosity } from "./progress.js";
import { evaluate, type Model } from "./evaluate.js";
import type { OptimizerStateDict } from "../optim/optimizer.js";
import {
  checkCheckpointOptions, newestCheckpoint, prepareCheckpointDir, restoreCheckpoint, writeCheckpoint,
  type CheckpointOptions, type Position, type StatefulData, type Trainee,
} from "./resume.js";

/** What fit needs of an optimizer (optim.SGD, optim.Adam, …); checkpoints also need its stateDict/loadStateDict. */
export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
  stateDict?(): OptimizerStateDict;
  loadStateDict?(sd: OptimizerStateDict): void;
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
  /** Seed of fit's own shuffling generator (default: the global generator, see ds.seed); each epoch's order depends on (seed, epoch) only. */
  seed?: number;
  callbacks?: Callback[];
  /** 0 silent, 1 progress bar, 2 one line per epoch; "auto" (default) = bar on a terminal, lines otherwise. */
  verbose?: Verbosity;
  /** Epoch to start from, default 0 (with `seed`, each epoch shuffles as in a full run; resumeFrom restores far more). */
  initialEpoch?: number;
  /**
   * Write resumable checkpoints into `dir` (created if missing): model, optimizer, callbacks'
   * state, generator states, epoch, step and data order, at every epoch's end and/or every
   * `everySteps` steps, keeping the newest `keep` (default 1). See docs/io.md.
   */
  checkpoint?: CheckpointOptions;
  /**
   * Continue from the newest checkpoint in this folder (or from this checkpoint file): the result
   * equals an uninterrupted run's bit for bit. With no checkpoint there yet, training starts from
   * the beginning, so the same call serves the first run and every rerun after a crash.
   */
  resumeFrom?: string;
  /**
   * Run each training step through ds.compile (default false): the same numbers (bit for bit on
   * the js backend), fewer kernels. A non-finite loss is then seen after its step was applied (the
   * NonFiniteError is the same; the model has taken that step).
   */
  compile?: boolean;
}

const FIT_OPTIONS = [
  "epochs", "optimizer", "loss", "batchSize", "metrics", "validationData", "validationSplit", "shuffle", "seed",
  "callbacks", "verbose", "initialEpoch", "checkpoint", "resumeFrom", "compile",
];

const prefixed = (logs: Logs): Logs => Object.fromEntries(Object.entries(logs).map(([k, v]) => [`val${k[0].toUpperCase()}${k.slice(1)}`, v]));

/** Data that keeps its own position (a DataLoader): fit saves and restores it in checkpoints. */
function statefulData(data: Data): StatefulData | null {
  const d = data as Partial<StatefulData>;
  return typeof d.stateDict === "function" && typeof d.loadStateDict === "function" ? (d as StatefulData) : null;
}

/**
 * Trains `model` for `epochs` passes over `data`, returns the per-epoch History.
 * @example
 * const history = await train.fit(model, [x, y], {
 *   epochs: 5, batchSize: 64, optimizer: new optim.Adam(model.parameters()), loss: "crossEntropy", metrics: ["accuracy"],
 *   checkpoint: { dir: "ckpt", everySteps: 100 }, resumeFrom: "ckpt",   // rerun after a crash: continues exactly
 * });
 */
export async function fit(model: Model, data: Data, opts: FitOptions): Promise<History> {
  // Everything is checked before the first step: a typo or a bad path fails now, not after an epoch.
  checkOptions("fit", opts, FIT_OPTIONS);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new ArgumentError("fit", `epochs must be a positive integer, got ${opts.epochs}`);
  if (!opts.optimizer || typeof opts.optimizer.step !== "function") throw new ArgumentError("fit", "an optimizer is required (e.g. new optim.Adam(model.parameters()))");
  const lossFn = resolveLoss("fit", opts.loss);
  if (opts.compile !== undefined && typeof opts.compile !== "boolean") throw new ArgumentError("fit", `compile must be true or false, got ${String(opts.compile)}`);
  // The whole step (forward, loss, backward, update) compiled; it returns the loss and the predictions for the metrics.
  const compiledStep = opts.compile
    ? compile((x: Tensor, y: Tensor) => {
      opts.optimizer.zeroGrad();
      const pred = model.call(x);
      const loss = lossFn(pred, y);
      loss.backward();
      opts.optimizer.step();
      return [loss, pred];
    }, { key: () => (model as { training?: unknown }).training ?? null })
    : null;
  if (opts.metrics !== undefined && !Array.isArray(opts.metrics)) throw new ArgumentError("fit", "metrics must be a list");
  if (opts.callbacks !== undefined && !Array.isArray(opts.callbacks)) throw new ArgumentError("fit", "callbacks must be a list");
  if (opts.shuffle !== undefined && typeof opts.shuffle !== "boolean") throw new ArgumentError("fit", `shuffle must be true or false, got ${String(opts.shuffle)}`);
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw new ArgumentError("fit", `seed must be an integer, got ${String(opts.seed)}`);
  const initialEpoch = opts.initialEpoch === undefined ? 0 : checkNumber("fit", "initialEpoch", opts.initialEpoch, { min: 0, integer: true });
  if (initialEpoch > opts.epochs) throw new ArgumentError("fit", `initialEpoch ${initialEpoch} is beyond epochs ${opts.epochs}`);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  let trainData = data;
  let valData = opts.validationData;
  if (opts.validationSplit !== undefined) {
    if (!(Array.isArray(data) && data.length === 2 && data[0] instanceof Tensor)) throw new ArgumentError("fit", "validationSplit needs data given as [x, y] tensors");
    if (valData) throw new ArgumentError("fit", "give validationData or validationSplit, not both");
    [trainData, valData] = splitValidation(data as [Tensor, Tensor], opts.validationSplit);
  }
  const shuffleRng = opts.seed === undefined ? null : new PCG32(opts.seed);
  const batchSize = opts.batchSize ?? 32;
  const plan = planBatches(trainData, { batchSize, shuffle: opts.shuffle ?? true, rng: shuffleRng ?? globalRng, op: "fit" });
  const callbacks = opts.callbacks ?? [];
  for (const cb of callbacks) if (cb === null || typeof cb !== "object") throw new ArgumentError("fit", `callbacks must be objects with onEpochEnd/onBatchEnd/…, got ${cb === null ? "null" : typeof cb}`);
  const ckpt = opts.checkpoint === undefined ? null : checkCheckpointOptions(opts.checkpoint);
  if (opts.resumeFrom !== undefined && (typeof opts.resumeFrom !== "string" || opts.resumeFrom === "")) throw new ArgumentError("fit", `resumeFrom must be a folder or file path, got ${JSON.stringify(opts.resumeFrom)}`);
  if (opts.resumeFrom !== undefined && opts.initialEpoch !== undefined) throw new ArgumentError("fit", "give resumeFrom or initialEpoch, not both: a checkpoint knows its epoch");
  let trainee: Trainee | null = null;
  if (ckpt || opts.resumeFrom !== undefined) {
    const { optimizer } = opts;
    if (typeof optimizer.stateDict !== "function" || typeof optimizer.loadStateDict !== "function") {
      throw new ArgumentError("fit", "checkpoint and resumeFrom need an optimizer with stateDict/loadStateDict (every optim optimizer has them)");
    }
    const stateful = plan.samples === undefined ? statefulData(trainData) : null;
    if (plan.samples === undefined && (!stateful || !Number.isInteger(plan.count))) {
      throw new ArgumentError("fit", "checkpoint and resumeFrom need data whose position can be saved: [x, y] tensors, a dataset, or a DataLoader (an iterable with length, stateDict and loadStateDict)");
    }
    trainee = {
      model, optimizer: optimizer as Trainee["optimizer"], callbacks, plan, batchSize, data: stateful, shuffle: shuffleRng,
      validation: valData ? statefulData(valData) : null, metrics: metrics.length,
    };
  }
  if (ckpt) prepareCheckpointDir(ckpt.dir, opts.resumeFrom);
  const resumeFile = opts.resumeFrom === undefined ? null : newestCheckpoint(opts.resumeFrom);
  // With a seed, epoch e's order is the e-th the seeded generator draws, whatever epoch fit starts at.
  // (Without one, shuffles draw from the global generator as it stands: its past is not fit's to replay.)
  if (resumeFile === null && shuffleRng) plan.skip(initialEpoch);

  const history = new History();
  const ctx: TrainContext = { model: model as unknown as TrainContext["model"], epochs: opts.epochs, history, stopTraining: false };
  const progress = makeProgress(opts.verbose ?? "auto", opts.epochs);
  const zeroSums = (): Position["sums"] => ({ loss: 0, samples: 0, metrics: metrics.map((): [number, number] => [0, 0]) });
  let pos: Position = { epoch: initialEpoch, batch: 0, step: 0, stopTraining: false, sums: zeroSums(), logs: {}, history: { epoch: [], history: {} }, order: null };
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  if (resumeFile !== null) {
    pos = restoreCheckpoint(resumeFile, trainee!);
    history.restore(pos.history);
    ctx.stopTraining = pos.stopTraining;
  }
  const save = (p: Position) => writeCheckpoint(ckpt!.dir, ckpt!.keep, trainee!, { ...p, stopTraining: ctx.stopTraining, history: history.toJSON() });
  let logs: Logs = pos.logs;
  let step = pos.step;
  try {
    // (An epoch checkpointed midway is finished even if a callback asked to stop during it, as the run did.)
    for (let epoch = pos.epoch; epoch < opts.epochs && (!ctx.stopTraining || (epoch === pos.epoch && pos.batch > 0)); epoch++) {
      // A checkpoint taken mid-epoch continues that epoch: same order, same running sums, no second onEpochBegin.
      const resumed = epoch === pos.epoch && pos.batch > 0 ? pos : null;
      if (!resumed) for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      model.train();
      const t0 = performance.now();
      progress.epochBegin(epoch, plan.count);
      const sums = resumed ? resumed.sums : zeroSums();
      let batch = resumed ? resumed.batch : 0;
      const it = resumed && batch >= plan.count ? null : plan.iterate(resumed ? { order: resumed.order, position: batch } : undefined);
      const order = resumed ? resumed.order : plan.orderState();
      for (;;) {
        // One scope per step: the batch, activations and gradients' temporaries all die here.
        const r = it && scope(() => {
          const next = it.next();
          if (next.done) return null;
          const [x, y] = next.value;
          if (compiledStep) {
            const [loss, pred] = compiledStep(x, y);
            const value = loss.item();
            const batchSums = Number.isFinite(value) ? noGrad(() => metrics.map((m) => m.batch(pred, y))) : [];
            return { value, n: x.shape[0], batchSums };
          }
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
        if (!r) break;
        step++;
        if (!Number.isFinite(r.value)) {
          throw new NonFiniteError("fit", `the loss became ${r.value} at epoch ${epoch + 1}, batch ${batch + 1} (step ${step}); lower the learning rate or check the data for NaN/Inf`);
        }
        sums.loss += r.value * r.n;
        sums.samples += r.n;
        r.batchSums.forEach(([s, c], k) => { sums.metrics[k][0] += s; sums.metrics[k][1] += c; });
        batch++;
        const batchLogs: Logs = { loss: sums.loss / sums.samples };
        metrics.forEach((m, k) => (batchLogs[m.name] = sums.metrics[k][0] / sums.metrics[k][1]));
        progress.batchEnd(batch, batchLogs);
        for (const cb of callbacks) await cb.onBatchEnd?.(batch - 1, batchLogs, ctx);
        if (ckpt?.everySteps && step % ckpt.everySteps === 0) save({ ...pos, epoch, batch, step, sums, logs, order });
      }
      logs = { loss: sums.loss / sums.samples };
      metrics.forEach((m, k) => (logs[m.name] = sums.metrics[k][0] / sums.metrics[k][1]));
      if (valData) Object.assign(logs, prefixed(evaluate(model, valData, { loss: lossFn, metrics, batchSize })));
      for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
      history.record(epoch, logs);
      progress.epochEnd(epoch, logs, (performance.now() - t0) / 1000);
      if (ckpt?.everyEpoch) save({ ...pos, epoch: epoch + 1, batch: 0, step, sums: zeroSums(), logs, order: null });
    }
  } finally {
    progress.stop();
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(logs, ctx);
  return history;
}
