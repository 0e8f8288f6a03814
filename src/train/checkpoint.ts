// modelCheckpoint: saves the model after epochs (every one, or only on improvement), atomically.
import { ArgumentError, FileError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { save } from "../nn/persist.js";
import { resolveMode, type Callback, type Mode } from "./callbacks.js";
import type { Logs } from "./history.js";
import type { TreeValue } from "../io/tree.js";
import { fsReason, nodeFs } from "./fs.js";

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

const OPTIONS = ["path", "monitor", "saveBestOnly", "mode"];
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Refuses a template whose placeholders cannot be log names ({constructor}, {a b}) at construction, not after an epoch. */
function checkTemplate(template: string): void {
  for (const [whole, key] of template.matchAll(PLACEHOLDER)) {
    if (key !== "epoch" && (!/^[A-Za-z_]\w*$/.test(key) || key in Object.prototype)) {
      throw new ArgumentError("modelCheckpoint", `${whole} in path ${JSON.stringify(template)} is not a log name; use {epoch} or a log such as {loss}, {valLoss}, {accuracy}`);
    }
  }
}

function fillPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(PLACEHOLDER, (whole, key: string) => {
    if (key === "epoch") return String(epoch + 1);
    const v = Object.hasOwn(logs, key) ? logs[key] : undefined;
    return typeof v === "number" ? v.toFixed(4) : whole;
  });
}

/** The folder part of the template before any placeholder (null: the current folder). */
function fixedDir(template: string): string | null {
  const head = template.slice(0, template.search(/\{/) === -1 ? template.length : template.search(/\{/));
  const cut = Math.max(head.lastIndexOf("/"), head.lastIndexOf("\\"));
  return cut > 0 ? head.slice(0, cut) : cut === 0 ? head.slice(0, 1) : null;
}

/** Creates `dir` and its parents (as Keras does); a FileError if it cannot be. */
function makeDir(dir: string | null): void {
  if (dir === null) return;
  const { fs } = nodeFs("modelCheckpoint", dir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new FileError("modelCheckpoint", dir, `the checkpoint folder cannot be created: ${fsReason(e)}`);
  }
}

/**
 * Saves the model with io.save after each epoch, or only on improvement (Keras' ModelCheckpoint).
 * The path's placeholders are checked here and its folder is created when training begins, so a
 * bad path fails before the first epoch.
 */
export function modelCheckpoint(opts: ModelCheckpointOptions): Callback & { saved: string[] } {
  checkOptions("modelCheckpoint", opts, OPTIONS, ["path"]);
  if (typeof opts.path !== "string" || opts.path === "") throw new ArgumentError("modelCheckpoint", "a path is required");
  checkTemplate(opts.path);
  let best = NaN;
  const cb = {
    saved: [] as string[],
    onTrainBegin() {
      best = NaN;
      makeDir(fixedDir(opts.path));
    },
    onEpochEnd(epoch: number, logs: Logs, ctx: { model: Parameters<typeof save>[0] }) {
      if (opts.saveBestOnly) {
        const monitor = opts.monitor ?? ("valLoss" in logs ? "valLoss" : "loss");
        const value = Object.hasOwn(logs, monitor) ? logs[monitor] : undefined;
        if (value === undefined) throw new ArgumentError("modelCheckpoint", `monitored value "${monitor}" is not in the logs (${Object.keys(logs).join(", ")})`);
        const dir = resolveMode(opts.mode ?? "auto", monitor) === "min" ? -1 : 1;
        if (!Number.isNaN(best) && !(dir * (value - best) > 0)) return;
        best = value;
      }
      const file = fillPath(opts.path, epoch, logs);
      makeDir(fixedDir(file));
      cb.saved.push(save(ctx.model, file));
    },
    stateDict(): TreeValue {
      return { best, saved: cb.saved };
    },
    loadStateDict(state: TreeValue) {
      const s = state as { best: unknown; saved: unknown };
      if (typeof s?.best !== "number" || !Array.isArray(s.saved) || !s.saved.every((p) => typeof p === "string")) {
        throw new ArgumentError("modelCheckpoint.loadStateDict", "expected { best, saved } from stateDict()");
      }
      best = s.best;
      cb.saved = [...(s.saved as string[])];
    },
  };
  return cb;
}
