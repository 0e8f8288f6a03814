// Callbacks for fit(): hooks at train/epoch/batch boundaries, and the stock ones
// (earlyStopping, lrScheduler, lambda). modelCheckpoint lives in checkpoint.ts.
import { ArgumentError } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { keep } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import type { Module } from "../nn/module.js";
import type { History, Logs } from "./history.js";
import type { TreeValue } from "../io/tree.js";

/** What callbacks see and may change (set stopTraining to end after this epoch). */
export interface TrainContext {
  model: Module<never[], unknown>;
  epochs: number;
  history: History;
  stopTraining: boolean;
}

export interface Callback {
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainContext): void | Promise<void>;
  /** logs holds loss, metrics and val-prefixed validation values; callbacks may add entries (e.g. lr). */
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(logs: Logs, ctx: TrainContext): void | Promise<void>;
  /**
   * The callback's state (JSON values and tensors), saved in fit's checkpoints; loadStateDict gets
   * it back when fit resumes (after onTrainBegin). A callback without them starts afresh on resume.
   */
  stateDict?(): TreeValue;
  loadStateDict?(state: TreeValue): void;
}

export type Mode = "min" | "max" | "auto";

/** "auto": maximise accuracy-like names, minimise the rest (losses, errors). */
export function resolveMode(mode: Mode, monitor: string): "min" | "max" {
  if (mode !== "auto") return mode;
  return /acc|auc|precision|recall|f1/i.test(monitor) ? "max" : "min";
}

export interface EarlyStoppingOptions {
  /** Which log to watch (default "valLoss"; falls back to "loss" when there is no validation). */
  monitor?: string;
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
  /** Epochs without improvement before stopping. */
  patience?: number;
  mode?: Mode;
  /** At the end of training, load the weights of the best epoch. */
  restoreBestWeights?: boolean;
}

/** Stops training when the monitored value stops improving (Keras' EarlyStopping). */
export function earlyStopping(opts: EarlyStoppingOptions = {}): Callback & { stoppedEpoch: number | null; bestEpoch: number | null } {
  const minDelta = Math.abs(opts.minDelta ?? 0), patience = opts.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0) throw new ArgumentError("earlyStopping", `patience must be a non-negative integer, got ${patience}`);
  let best = NaN, wait = 0;
  let bestWeights: Record<string, Tensor> | null = null;
  const cb = {
    stoppedEpoch: null as number | null,
    bestEpoch: null as number | null,
    onTrainBegin() {
      best = NaN;
      wait = 0;
      bestWeights = null;
      cb.stoppedEpoch = cb.bestEpoch = null;
    },
    onEpochEnd(epoch: number, logs: Logs, ctx: TrainContext) {
      const monitor = opts.monitor ?? ("valLoss" in logs ? "valLoss" : "loss");
      const value = logs[monitor];
      if (value === undefined) throw new ArgumentError("earlyStopping", `monitored value "${monitor}" is not in the logs (${Object.keys(logs).join(", ")})`);
      const dir = resolveMode(opts.mode ?? "auto", monitor) === "min" ? -1 : 1;
      if (Number.isNaN(best) || dir * (value - best) > minDelta) {
        best = value;
        wait = 0;
        cb.bestEpoch = epoch;
        if (opts.restoreBestWeights) {
          for (const t of Object.values(bestWeights ?? {})) t.dispose();
          bestWeights = Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, keep(noGrad(() => t.clone()))]));
        }
      } else if (++wait > patience) {
        ctx.stopTraining = true;
        cb.stoppedEpoch = epoch;
      }
    },
    onTrainEnd(_logs: Logs, ctx: TrainContext) {
      if (bestWeights) {
        ctx.model.loadStateDict(bestWeights);
        for (const t of Object.values(bestWeights)) t.dispose();
        bestWeights = null;
      }
    },
    stateDict(): TreeValue {
      return { best, wait, stoppedEpoch: cb.stoppedEpoch, bestEpoch: cb.bestEpoch, bestWeights };
    },
    loadStateDict(state: TreeValue) {
      const s = state as { best: number; wait: number; stoppedEpoch: number | null; bestEpoch: number | null; bestWeights: Record<string, Tensor> | null };
      const orNull = (v: unknown) => v === null || Number.isInteger(v);
      if (typeof s?.best !== "number" || !Number.isInteger(s.wait) || !orNull(s.stoppedEpoch) || !orNull(s.bestEpoch) || (s.bestWeights !== null && typeof s.bestWeights !== "object")) {
        throw new ArgumentError("earlyStopping.loadStateDict", "expected { best, wait, stoppedEpoch, bestEpoch, bestWeights } from stateDict()");
      }
      if (s.bestWeights) for (const [k, t] of Object.entries(s.bestWeights)) if (!(t instanceof Tensor)) throw new ArgumentError("earlyStopping.loadStateDict", `bestWeights["${k}"] is not a tensor`);
      // Copies first: the state given may hold the very tensors it replaces.
      const copies = s.bestWeights && Object.fromEntries(Object.entries(s.bestWeights).map(([k, t]) => [k, keep(noGrad(() => t.clone()))]));
      for (const t of Object.values(bestWeights ?? {})) t.dispose();
      best = s.best;
      wait = s.wait;
      cb.stoppedEpoch = s.stoppedEpoch;
      cb.bestEpoch = s.bestEpoch;
      bestWeights = copies;
    },
  };
  return cb;
}

/** What every schedule has (stateDict/loadStateDict let fit's checkpoints save it). */
interface SchedulerBase {
  getLastLr(): number[];
  stateDict?(): Record<string, unknown>;
  loadStateDict?(sd: Record<string, unknown>): void;
}

/** Anything with PyTorch's scheduler shape: stepped once per epoch, or with a metric (ReduceLROnPlateau). */
export type Scheduler = (SchedulerBase & { step(): void }) | (SchedulerBase & { step(metric: number): void });

/**
 * Steps an LR schedule after every epoch and logs the learning rate as "lr". For
 * ReduceLROnPlateau give `monitor` (e.g. "valLoss"): its value is passed to step().
 */
export function lrScheduler(scheduler: Scheduler, opts: { monitor?: string } = {}): Callback {
  const cb: Callback = {
    onEpochEnd(_epoch, logs) {
      logs.lr = scheduler.getLastLr()[0];
      if (opts.monitor) {
        const v = Object.hasOwn(logs, opts.monitor) ? logs[opts.monitor] : undefined;
        if (v === undefined) throw new ArgumentError("lrScheduler", `monitored value "${opts.monitor}" is not in the logs`);
        (scheduler.step as (metric: number) => void).call(scheduler, v);
      } else (scheduler.step as () => void).call(scheduler);
    },
  };
  // The schedule's own state goes into fit's checkpoints (its optimizer's lr is in the optimizer's).
  if (typeof scheduler.stateDict === "function" && typeof scheduler.loadStateDict === "function") {
    cb.stateDict = () => scheduler.stateDict!() as TreeValue;
    cb.loadStateDict = (state) => scheduler.loadStateDict!(state as Record<string, unknown>);
  }
  return cb;
}

/** A callback from plain functions: train.lambdaCallback({ onEpochEnd: (e, logs) => … }). */
export function lambdaCallback(hooks: Callback): Callback {
  return hooks;
}
