// Callbacks for fit(): hooks at train/epoch/batch boundaries, and the stock ones
// (earlyStopping, lrScheduler, lambda). modelCheckpoint lives in checkpoint.ts.
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { keep } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import type { Module } from "../nn/module.js";
import type { History, Logs } from "./history.js";

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
  };
  return cb;
}

/** Anything with PyTorch's scheduler shape. */
export interface Scheduler {
  step(metric?: number): void;
  getLastLr(): number[];
}

/**
 * Steps an LR schedule after every epoch and logs the learning rate as "lr". For
 * ReduceLROnPlateau give `monitor` (e.g. "valLoss"): its value is passed to step().
 */
export function lrScheduler(scheduler: Scheduler, opts: { monitor?: string } = {}): Callback {
  return {
    onEpochEnd(_epoch, logs) {
      logs.lr = scheduler.getLastLr()[0];
      if (opts.monitor) {
        const v = logs[opts.monitor];
        if (v === undefined) throw new ArgumentError("lrScheduler", `monitored value "${opts.monitor}" is not in the logs`);
        scheduler.step(v);
      } else scheduler.step();
    },
  };
}

/** A callback from plain functions: train.lambdaCallback({ onEpochEnd: (e, logs) => … }). */
export function lambdaCallback(hooks: Callback): Callback {
  return hooks;
}
