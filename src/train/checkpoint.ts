// modelCheckpoint: saves the model after epochs (every one, or only on improvement), atomically.
import { ArgumentError } from "../core/errors.js";
import { save } from "../nn/persist.js";
import { resolveMode, type Callback, type Mode } from "./callbacks.js";
import type { Logs } from "./history.js";

export interface ModelCheckpointOptions {
  /**
   * File to write (a .safetensors model file, see io.save). `{epoch}` and any log name in braces
   * are filled in, e.g. "ckpt/epoch-{epoch}-{valLoss}.safetensors" (epoch counts from 1).
   */
  path: string;
  /** Log to watch when saveBestOnly (default "valLoss", falling back to "loss"). */
  monitor?: string;
  /** Save only when the monitored value improves on the best so far. */
  saveBestOnly?: boolean;
  mode?: Mode;
}

function fillPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    if (key === "epoch") return String(epoch + 1);
    const v = logs[key];
    return v === undefined ? whole : v.toFixed(4);
  });
}

/** Saves the model with io.save after each epoch, or only on improvement (Keras' ModelCheckpoint). */
export function modelCheckpoint(opts: ModelCheckpointOptions): Callback & { saved: string[] } {
  if (!opts || typeof opts.path !== "string" || opts.path === "") throw new ArgumentError("modelCheckpoint", "a path is required");
  let best = NaN;
  const cb = {
    saved: [] as string[],
    onTrainBegin() {
      best = NaN;
    },
    onEpochEnd(epoch: number, logs: Logs, ctx: { model: Parameters<typeof save>[0] }) {
      if (opts.saveBestOnly) {
        const monitor = opts.monitor ?? ("valLoss" in logs ? "valLoss" : "loss");
        const value = logs[monitor];
        if (value === undefined) throw new ArgumentError("modelCheckpoint", `monitored value "${monitor}" is not in the logs (${Object.keys(logs).join(", ")})`);
        const dir = resolveMode(opts.mode ?? "auto", monitor) === "min" ? -1 : 1;
        if (!Number.isNaN(best) && !(dir * (value - best) > 0)) return;
        best = value;
      }
      cb.saved.push(save(ctx.model, fillPath(opts.path, epoch, logs)));
    },
  };
  return cb;
}
