// keras.callbacks: Keras' EarlyStopping and LambdaCallback for model.fit, on train's callbacks.
import { checkOptions } from "../core/options.js";
import { earlyStopping } from "../train/callbacks.js";
import type { KerasCallback } from "./training.js";

export interface EarlyStoppingOptions {
  /** Log to watch (Keras' names; default "val_loss"). */
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: "auto" | "min" | "max";
  /** Reload the weights of the best epoch when training ends. */
  restoreBestWeights?: boolean;
}

/**
 * Stops fit when the monitored value stops improving (Keras' EarlyStopping; train.earlyStopping
 * underneath). `stoppedEpoch` and `bestEpoch` say what happened.
 */
export function EarlyStopping(opts: EarlyStoppingOptions = {}): KerasCallback & { readonly stoppedEpoch: number | null; readonly bestEpoch: number | null } {
  checkOptions("EarlyStopping", opts, ["monitor", "minDelta", "patience", "mode", "restoreBestWeights"]);
  const es = earlyStopping({ ...opts, monitor: opts.monitor ?? "val_loss" });
  return {
    onTrainBegin: (_logs, ctx) => es.onTrainBegin!(ctx),
    onEpochEnd: (epoch, logs, ctx) => es.onEpochEnd!(epoch, logs, ctx),
    onTrainEnd: (logs, ctx) => es.onTrainEnd!(logs, ctx),
    get stoppedEpoch() { return es.stoppedEpoch; },
    get bestEpoch() { return es.bestEpoch; },
  };
}

/** A callback from plain functions (Keras' LambdaCallback), e.g. { onEpochEnd: (epoch, logs) => … }. */
export function LambdaCallback(hooks: KerasCallback): KerasCallback {
  return hooks;
}
