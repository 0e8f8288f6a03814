// Resumable checkpoints of fit(): what one holds (weights, optimizer, callbacks, generator states,
// epoch, step, data order), the file it is written to (one safetensors file, published by an atomic
// rename, the newest `keep` kept), and restoring one into a fresh process. Format: docs/io.md.
import { ArgumentError, DeepScriptError, FileError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import { PCG32, globalRng, type RngState } from "../core/rng.js";
import { version } from "../core/version.js";
import { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { readSafetensorsAs } from "../io/statedict.js";
import { writeAtomic } from "../io/files.js";
import { decodeTree, encodeTree, type TreeValue } from "../io/tree.js";
import type { OptimizerStateDict } from "../optim/optimizer.js";
import type { BatchPlan } from "./batches.js";
import type { Callback } from "./callbacks.js";
import type { Model } from "./evaluate.js";
import type { Logs } from "./history.js";
import { fsReason, nodeFs } from "./fs.js";

/** `fit`'s `checkpoint` option. */
export interface CheckpointOptions {
  /** Folder of the checkpoint files, created if missing. */
  dir: string;
  /** Also write one every this many steps (batches, counted across epochs). */
  everySteps?: number;
  /** Write one at the end of every epoch (default true). */
  everyEpoch?: boolean;
  /** How many of the newest checkpoints to keep (default 1). */
  keep?: number;
}

/** The metadata key of a checkpoint file's JSON. */
export const CHECKPOINT_KEY = "deepscript.checkpoint";
const OP = "fit";
const FILE = /^step-(\d+)\.safetensors$/;

/** A data source fit can save the position of: a DataLoader, or any iterable with these two methods. */
export interface StatefulData {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** What fit trains with, as far as a checkpoint is concerned. */
export interface Trainee {
  model: Model;
  optimizer: { stateDict(): OptimizerStateDict; loadStateDict(sd: OptimizerStateDict): void };
  callbacks: readonly Callback[];
  plan: BatchPlan;
  batchSize: number;
  /** The data, when it keeps its own position (a DataLoader); null for [x, y] and datasets, which fit orders itself. */
  data: StatefulData | null;
  /** fit's own shuffling generator (the `seed` option); null: shuffling draws from the global one. */
  shuffle: PCG32 | null;
  /** The validation data, when it keeps its own position (a shuffled validation DataLoader). */
  validation: StatefulData | null;
  /** How many metrics fit computes. */
  metrics: number;
}

/** Where training stands: what the loop needs to continue. */
export interface Position {
  /** The epoch in progress, or the next one when `batch` is 0 (written at an epoch's end). */
  epoch: number;
  /** Batches of `epoch` done. */
  batch: number;
  /** Steps done in all. */
  step: number;
  stopTraining: boolean;
  /** Sums over the batches of `epoch` done so far: loss × samples, samples, each metric's [sum, count]. */
  sums: { loss: number; samples: number; metrics: [number, number][] };
  /** The logs of the last finished epoch (what onTrainEnd receives). */
  logs: Logs;
  history: { epoch: number[]; history: Record<string, number[]> };
  /** The shuffling generator's state before `epoch`'s order was drawn (null: unshuffled or at an epoch's end). */
  order: RngState | null;
}

/** The checked `checkpoint` option, defaults filled in. */
export function checkCheckpointOptions(v: unknown): { dir: string; everySteps: number | null; everyEpoch: boolean; keep: number } {
  const o = checkOptions("fit", v, ["dir", "everySteps", "everyEpoch", "keep"], ["dir"]) as Partial<CheckpointOptions>;
  if (typeof o.dir !== "string" || o.dir === "") throw new ArgumentError(OP, `checkpoint.dir must be a folder path, got ${JSON.stringify(o.dir)}`);
  const everySteps = o.everySteps === undefined ? null : checkNumber(OP, "checkpoint.everySteps", o.everySteps, { min: 1, integer: true });
  if (o.everyEpoch !== undefined && typeof o.everyEpoch !== "boolean") throw new ArgumentError(OP, `checkpoint.everyEpoch must be true or false, got ${String(o.everyEpoch)}`);
  const everyEpoch = o.everyEpoch ?? true;
  if (!everyEpoch && everySteps === null) throw new ArgumentError(OP, "checkpoint with everyEpoch: false needs everySteps, or it never writes one");
  const keep = o.keep === undefined ? 1 : checkNumber(OP, "checkpoint.keep", o.keep, { min: 1, integer: true });
  return { dir: o.dir, everySteps, everyEpoch, keep };
}

/** The checkpoint files in `dir`, oldest first ([] when the folder does not exist). */
function listCheckpoints(dir: string): { step: number; file: string }[] {
  const { fs, path } = nodeFs(OP, dir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new FileError(OP, dir, `cannot be listed: ${fsReason(e)}`);
  }
  return names.flatMap((n) => {
    const m = FILE.exec(n);
    return m ? [{ step: Number(m[1]), file: path.join(dir, n) }] : [];
  }).sort((a, b) => a.step - b.step);
}

/**
 * Checked at fit's start, before any training: the folder exists (it is created, as Keras does)
 * and holds no checkpoints of another run unless fit resumes from it.
 */
export function prepareCheckpointDir(dir: string, resumeFrom: string | undefined): void {
  const { fs, path } = nodeFs(OP, dir);
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
  } catch (e) {
    throw new FileError(OP, dir, `cannot be used as the checkpoint folder: ${fsReason(e)}`);
  }
  const found = listCheckpoints(dir);
  // Resuming from this folder, or from a file in it, continues its run.
  const from = resumeFrom === undefined ? undefined : FILE.test(path.basename(resumeFrom)) ? path.dirname(resumeFrom) : resumeFrom;
  if (found.length && (from === undefined || path.resolve(from) !== path.resolve(dir))) {
    throw new FileError(OP, dir, `holds checkpoints of an earlier run (${path.basename(found[found.length - 1].file)}); continue it with resumeFrom: ${JSON.stringify(dir)}, or use an empty folder`);
  }
}

/** The newest checkpoint to resume from: `from` itself if it is a file, else the newest in the folder; null if there is none. */
export function newestCheckpoint(from: string): string | null {
  const { fs } = nodeFs(OP, from);
  try {
    if (fs.statSync(from).isFile()) return from;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new FileError(OP, from, `cannot be read: ${fsReason(e)}`);
  }
  const all = listCheckpoints(from);
  return all.length ? all[all.length - 1].file : null;
}

/** The distinct generators of the model's modules, in module order. */
export function moduleGenerators(model: Model): PCG32[] {
  const seen = new Set<PCG32>();
  for (const m of model.modules()) {
    const g = m.getGenerator();
    if (g) seen.add(g);
  }
  return [...seen];
}

/**
 * Writes a checkpoint of `t` at `p` into `dir` as `step-<step>.safetensors` (atomically: a temp
 * file renamed into place, so a file with that name is always complete), then deletes all but the
 * newest `keep`. Returns the file's path.
 */
export function writeCheckpoint(dir: string, keep: number, t: Trainee, p: Position): string {
  const { fs, path } = nodeFs(OP, dir);
  const file = path.join(dir, `step-${String(p.step).padStart(9, "0")}.safetensors`);
  scope(() => {
    const tree: TreeValue = {
      format: CHECKPOINT_KEY, version: 1, deepscript: version,
      epoch: p.epoch, batch: p.batch, step: p.step, stopTraining: p.stopTraining,
      sums: p.sums, logs: p.logs, history: p.history,
      data: {
        batchSize: t.batchSize, samples: t.plan.samples ?? null, count: t.plan.count, order: toTree(p.order),
        loader: t.data ? toTree(t.data.stateDict()) : null, validation: t.validation ? toTree(t.validation.stateDict()) : null,
      },
      rng: { global: toTree(globalRng.getState()), shuffle: t.shuffle ? toTree(t.shuffle.getState()) : null, modules: moduleGenerators(t.model).map((g) => toTree(g.getState())) },
      model: t.model.stateDict(),
      optimizer: toTree(t.optimizer.stateDict()),
      callbacks: t.callbacks.map((cb) => (cb.stateDict ? cb.stateDict() : null)),
    };
    writeAtomic(OP, file, encodeTree(tree, CHECKPOINT_KEY, OP));
  });
  for (const old of listCheckpoints(dir).slice(0, -keep)) {
    try {
      fs.unlinkSync(old.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new FileError(OP, old.file, `an old checkpoint cannot be deleted: ${fsReason(e)}`);
    }
  }
  return file;
}

const toTree = (v: unknown): TreeValue => v as TreeValue;

/** A deep copy of a tree, its tensors cloned. */
function copyTree(v: TreeValue): TreeValue {
  if (v instanceof Tensor) return noGrad(() => v.clone());
  if (Array.isArray(v)) return v.map(copyTree);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyTree(x)]));
  return v;
}

/**
 * Restores `t` from the checkpoint `file` and returns where training stands. The file and its fit
 * with `t` (model keys and shapes, optimizer groups, batch plan, generators, callbacks) are checked
 * before anything changes; if one part still refuses its state midway, every part restored so far is put back.
 */
export function restoreCheckpoint(file: string, t: Trainee): Position {
  return scope(() => {
    const fail = (why: string) => new FileError(OP, file, why);
    const tree = decodeTree(readSafetensorsAs(OP, file), CHECKPOINT_KEY, file, OP);
    const c = new Reader(file, tree, "checkpoint");
    if (c.get("format") !== CHECKPOINT_KEY || c.get("version") !== 1) throw fail(`not a deepscript checkpoint of version 1 (format ${JSON.stringify(c.get("format"))}, version ${JSON.stringify(c.get("version"))})`);
    const p: Position = {
      epoch: c.int("epoch"), batch: c.int("batch"), step: c.int("step"), stopTraining: c.bool("stopTraining"),
      sums: readSums(c.at("sums")), logs: readLogs(c.at("logs")), history: readHistory(c.at("history")), order: null,
    };
    const d = c.at("data");
    const samples = d.get("samples"), count = d.int("count"), batchSize = d.int("batchSize");
    if (batchSize !== t.batchSize || count !== t.plan.count || samples !== (t.plan.samples ?? null)) {
      throw fail(`was written for ${count} batches of ${batchSize}${samples === null ? "" : ` (${samples} samples)`}; this fit has ${t.plan.count} batches of ${t.batchSize}${t.plan.samples === undefined ? "" : ` (${t.plan.samples} samples)`}: resume with the same data and batchSize`);
    }
    if (p.batch > count) throw fail(`batch ${p.batch} is beyond the ${count} batches of an epoch`);
    p.order = d.state("order", true);
    const loader = d.get("loader"), validation = d.get("validation");
    if ((loader === null) !== (t.data === null)) throw fail(t.data ? "holds no position for the data, which keeps its own (a DataLoader)" : "holds a data loader's position, but the data is [x, y] tensors or a dataset");
    if ((validation === null) !== (t.validation === null)) throw fail(t.validation ? "holds no position for the validation data, which keeps its own (a DataLoader)" : "holds a position for validation data that this fit does not have, or that keeps none");
    if (p.sums.metrics.length !== t.metrics) throw fail(`was written with ${p.sums.metrics.length} metric(s), this fit has ${t.metrics}: give the same metrics`);
    const r = c.at("rng");
    const global = r.state("global", false)!;
    const shuffle = r.state("shuffle", true);
    if ((shuffle === null) !== (t.shuffle === null)) throw fail(t.shuffle ? "was written without fit's seed option, which this fit has" : "was written with fit's seed option, which this fit lacks");
    const gens = moduleGenerators(t.model);
    const modules = r.list("modules").map((_, i) => r.at("modules").state(String(i), false)!);
    if (modules.length !== gens.length) throw fail(`holds ${modules.length} module generator state(s), the model has ${gens.length} generator(s) (setGenerator)`);
    const model = c.at("model").tensors();
    const optimizer = c.get("optimizer") as unknown as OptimizerStateDict;
    const cbs = c.list("callbacks");
    if (cbs.length !== t.callbacks.length) throw fail(`holds the state of ${cbs.length} callback(s), this fit has ${t.callbacks.length}: give the same callbacks`);
    cbs.forEach((s, i) => {
      if ((s === null) !== !t.callbacks[i].loadStateDict) throw fail(`callback ${i} ${s === null ? "had no state" : "had a state"}, the one given ${t.callbacks[i].loadStateDict ? "has one" : "has none"}: give the same callbacks in the same order`);
    });

    // Everything read and checked: change things, putting everything back if one part still refuses.
    const undo: (() => void)[] = [];
    const modelBefore = Object.fromEntries(Object.entries(t.model.stateDict()).map(([k, v]) => [k, noGrad(() => v.clone())]));
    const optimizerBefore = t.optimizer.stateDict();
    let stage = "the model";
    try {
      t.model.loadStateDict(model);
      undo.push(() => t.model.loadStateDict(modelBefore));
      stage = "the optimizer";
      t.optimizer.loadStateDict(optimizer);
      undo.push(() => t.optimizer.loadStateDict(optimizerBefore));
      for (const [stateful, s, what] of [[t.data, loader, "the data loader"], [t.validation, validation, "the validation data loader"]] as const) {
        stage = what;
        if (!stateful) continue;
        const before = stateful.stateDict();
        stateful.loadStateDict(s as never);
        undo.push(() => stateful.loadStateDict(before as never));
      }
      for (const [i, s] of cbs.entries()) {
        stage = `callback ${i}`;
        if (s === null) continue;
        const cb = t.callbacks[i];
        const before = copyTree(cb.stateDict!()); // a copy: loading may free the tensors the callback held
        cb.loadStateDict!(s);
        undo.push(() => cb.loadStateDict!(before));
      }
    } catch (e) {
      for (const u of undo.reverse()) u();
      if (e instanceof DeepScriptError && !(e instanceof FileError)) throw fail(`does not fit ${stage}: ${e.message}`);
      throw e;
    }
    globalRng.setState(global);
    t.shuffle?.setState(shuffle!);
    gens.forEach((g, i) => g.setState(modules[i]));
    return p;
  });
}

function readSums(r: Reader): Position["sums"] {
  const metrics = r.list("metrics").map((_, i) => {
    const pair = r.at("metrics").list(String(i));
    if (pair.length !== 2 || !pair.every((x) => typeof x === "number")) throw r.fail(`metrics/${i} must be a [sum, count] pair`);
    return pair as [number, number];
  });
  return { loss: r.num("loss"), samples: r.num("samples"), metrics };
}

function readLogs(r: Reader): Logs {
  return Object.fromEntries(r.keys().map((k) => [k, r.num(k)]));
}

function readHistory(r: Reader): Position["history"] {
  const epoch = r.list("epoch").map((_, i) => r.at("epoch").int(String(i)));
  const h = r.at("history");
  const history = Object.fromEntries(h.keys().map((k) => [k, h.list(k).map((_, i) => h.at(k).num(String(i)))]));
  return { epoch, history };
}

/** Typed access to a decoded tree: a wrong or missing field is a FileError naming the field. */
class Reader {
  constructor(private readonly file: string, private readonly v: TreeValue, private readonly where: string) {}
  fail(why: string): FileError {
    return new FileError(OP, this.file, `${this.where}: ${why}`);
  }
  private obj(): Record<string, TreeValue> {
    if (this.v === null || typeof this.v !== "object" || Array.isArray(this.v) || this.v instanceof Tensor) throw this.fail("must be an object");
    return this.v as Record<string, TreeValue>;
  }
  keys(): string[] {
    const keys = Object.keys(this.obj());
    if (keys.includes("__proto__")) throw this.fail('has a "__proto__" key');
    return keys;
  }
  get(k: string): TreeValue {
    const o = Array.isArray(this.v) ? (this.v as TreeValue[]) : this.obj();
    if (!Object.hasOwn(o, k)) throw this.fail(`has no "${k}"`);
    return (o as Record<string, TreeValue>)[k];
  }
  at(k: string): Reader {
    return new Reader(this.file, this.get(k), `${this.where}/${k}`);
  }
  num(k: string): number {
    const v = this.get(k);
    if (typeof v !== "number") throw this.fail(`"${k}" must be a number`);
    return v;
  }
  int(k: string): number {
    const v = this.get(k);
    if (!Number.isSafeInteger(v) || (v as number) < 0) throw this.fail(`"${k}" must be an integer >= 0`);
    return v as number;
  }
  bool(k: string): boolean {
    const v = this.get(k);
    if (typeof v !== "boolean") throw this.fail(`"${k}" must be true or false`);
    return v;
  }
  list(k: string): readonly TreeValue[] {
    const v = this.get(k);
    if (!Array.isArray(v)) throw this.fail(`"${k}" must be a list`);
    return v;
  }
  tensors(): Record<string, Tensor> {
    const o = this.obj();
    for (const [k, v] of Object.entries(o)) if (!(v instanceof Tensor)) throw this.fail(`"${k}" must be a tensor`);
    return o as Record<string, Tensor>;
  }
  state(k: string, nullable: boolean): RngState | null {
    const v = this.get(k);
    if (v === null && nullable) return null;
    try {
      PCG32.fromState(v as unknown as RngState);
    } catch (e) {
      throw this.fail(`"${k}" is not a generator state (${(e as Error).message})`);
    }
    return v as unknown as RngState;
  }
}
