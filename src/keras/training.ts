// compile / fit / evaluate / predict for keras models, on top of train.fit: the model's inputs and
// targets stay where they are, and fit batches row indices; a small module (Feed) gathers each
// batch's rows of every input, runs the model, and packs several outputs into one tensor, so
// train.fit's loop, memory handling, progress, metrics and callbacks serve Keras models unchanged.
import { ArgumentError, ShapeError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { keep } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { Module } from "../nn/module.js";
import { fit as trainFit, type OptimizerLike } from "../train/fit.js";
import { evaluate as trainEvaluate, predict as trainPredict } from "../train/evaluate.js";
import { History } from "../train/history.js";
import type { Callback, TrainContext } from "../train/callbacks.js";
import type { Metric as TrainMetric } from "../train/metrics.js";
import type { Logs } from "../train/history.js";
import type { Verbosity } from "../train/progress.js";
import type { Model } from "./model.js";
import type { SymbolicTensor } from "./symbolic.js";
import * as losses from "./losses.js";
import * as metrics from "./metrics.js";
import * as optimizers from "./optimizers.js";
import { fitProgress, stepsLine } from "./progress.js";

export { History };
type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

/** Inputs: one tensor (or nested arrays), a list (one per model input), or a dict by input name. */
export type XData = Tensor | ds.NestedInput | readonly Tensor[] | Record<string, Tensor>;
/** Targets: one tensor, a list (one per output) or a dict by output name. */
export type YData = Tensor | ds.NestedInput | readonly Tensor[] | Record<string, Tensor>;

export interface CompileOptions {
  /** Default "rmsprop", as Keras. */
  optimizer?: optimizers.OptimizerSpec;
  /** One loss, or one per output (list or dict by output name). */
  loss: losses.LossSpec | losses.LossSpec[] | Record<string, losses.LossSpec>;
  /** Metrics for every output (list), or per output (list of lists or dict by output name). */
  metrics?: metrics.MetricSpec[] | metrics.MetricSpec[][] | Record<string, metrics.MetricSpec[]>;
  /** Weights of the outputs' losses in the total (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
}

/** @internal What compile settled. */
export interface Compiled {
  optimizerSpec: optimizers.OptimizerSpec;
  optimizer: OptimizerLike | null;
  /** Steps the optimizer has taken (Keras' optimizer.iterations). */
  iterations: number;
  /** compile's loss, metrics and loss weights as given (for a .keras file's compile_config). */
  spec: Pick<CompileOptions, "loss" | "metrics" | "lossWeights">;
  losses: losses.Loss[];
  lossWeights: number[];
  metrics: metrics.Metric[][];
}

/**
 * Keras/TensorFlow.js-style callbacks: each hook gets Keras' logs (loss, accuracy, val_loss, …)
 * and, last, the training context (`ctx.model` is the Keras model; `ctx.stopTraining = true` or
 * `model.stopTraining = true` ends training after the epoch).
 */
export interface KerasCallback {
  setModel?(model: AnyModel): void;
  onTrainBegin?(logs: Logs, ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs, ctx: TrainContext): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, ctx: TrainContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(logs: Logs, ctx: TrainContext): void | Promise<void>;
}

export interface FitOptions {
  /** Default 1, as Keras. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Fraction of the samples held out for validation: the last ones, before shuffling, as Keras. */
  validationSplit?: number;
  /** [x, y] evaluated after every epoch. */
  validationData?: readonly [XData, YData];
  /** Shuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** Weight of each class (by label) in the loss. */
  classWeight?: Record<number, number>;
  /** Weight of each sample in the loss ([samples]). */
  sampleWeight?: Tensor;
  /** A list, or one callback object (TensorFlow.js takes both). */
  callbacks?: KerasCallback[] | KerasCallback;
  /** 0 silent, 1 progress bar, 2 one line per epoch, "auto" (default: a bar on a terminal, else lines). Logs are named as History's (val_loss). */
  verbose?: Verbosity;
  /** Epoch to start counting from (for resuming). */
  initialEpoch?: number;
  /** Seed of the shuffling (default: the global generator, ds.seed). */
  seed?: number;
}

export interface EvaluateOptions {
  batchSize?: number;
  /** 0 silent; 1, 2 or "auto" (default) print one line at the end, as Keras: steps, time, loss and metrics. */
  verbose?: Verbosity;
  /** Return { loss, metric: value } instead of a number or a list. */
  returnDict?: boolean;
  sampleWeight?: Tensor;
}

export interface PredictOptions {
  batchSize?: number;
  /** 0 silent; 1, 2 or "auto" (default) print one line at the end, as Keras: steps and time. */
  verbose?: Verbosity;
}

function checkVerbose(op: string, v: unknown): Verbosity {
  if (v === undefined) return "auto";
  if (v === 0 || v === 1 || v === 2 || v === "auto") return v;
  throw new ArgumentError(op, `verbose must be 0, 1, 2 or "auto", got ${typeof v === "string" ? JSON.stringify(v) : String(v)}`);
}

const isTensorLike = (v: unknown): boolean => v instanceof Tensor || Array.isArray(v) || ArrayBuffer.isView(v) || typeof v === "number";

function toTensor(op: string, what: string, v: unknown): Tensor {
  if (v instanceof Tensor) return v;
  if (isTensorLike(v)) return ds.tensor(v as ds.NestedInput);
  throw new ArgumentError(op, `${what} must be a Tensor or nested arrays, got ${v === null ? "null" : typeof v}`);
}

/** Model inputs in order, from a tensor, a list or a dict keyed by input name. */
function toInputs(model: AnyModel, x: XData, op: string): Tensor[] {
  const n = model.isFunctional ? model.inputs.length : 1;
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor)) {
    if (x.length !== n) throw new ArgumentError(op, `the model has ${n} input${n > 1 ? "s" : ""} (${model.inputNames.join(", ")}), got ${x.length} arrays`);
    return x as Tensor[];
  }
  if (x && typeof x === "object" && !Array.isArray(x) && !ArrayBuffer.isView(x)) {
    const d = x as Record<string, Tensor>;
    const missing = model.inputNames.filter((k) => !(k in d));
    if (missing.length) throw new ArgumentError(op, `missing inputs ${missing.join(", ")}; the model's inputs are ${model.inputNames.join(", ")}`);
    return model.inputNames.map((k) => toTensor(op, `input "${k}"`, d[k]));
  }
  return [toTensor(op, "x", x)];
}

/** Targets in output order. */
function toTargets(model: AnyModel, y: YData, op: string): Tensor[] {
  const names = model.isFunctional ? model.outputNames : ["output"];
  if (y instanceof Tensor) return [y];
  if (Array.isArray(y) && y.length > 0 && y.every((t) => t instanceof Tensor)) {
    if (y.length !== names.length) throw new ArgumentError(op, `the model has ${names.length} output${names.length > 1 ? "s" : ""}, got ${y.length} target arrays`);
    return y as Tensor[];
  }
  if (y && typeof y === "object" && !Array.isArray(y) && !ArrayBuffer.isView(y)) {
    const d = y as Record<string, Tensor>;
    const missing = names.filter((k) => !(k in d));
    if (missing.length) throw new ArgumentError(op, `missing targets ${missing.join(", ")}; the model's outputs are ${names.join(", ")}`);
    return names.map((k) => toTensor(op, `target "${k}"`, d[k]));
  }
  return [toTensor(op, "y", y)];
}

/** Per-output values from a single spec, a list or a dict by output name. */
function perOutput<T>(model: AnyModel, spec: T | T[] | Record<string, T>, what: string, isOne: (v: unknown) => boolean): T[] {
  const names = model.isFunctional ? model.outputNames : ["output"];
  if (isOne(spec)) return names.map(() => spec as T);
  if (Array.isArray(spec)) {
    if (spec.length !== names.length) throw new ArgumentError("compile", `${what}: ${spec.length} given for ${names.length} outputs (${names.join(", ")})`);
    return spec;
  }
  const d = spec as Record<string, T>;
  const unknown = Object.keys(d).filter((k) => !names.includes(k));
  if (unknown.length) throw new ArgumentError("compile", `${what}: unknown outputs ${unknown.join(", ")}; the outputs are ${names.join(", ")}`);
  return names.map((k) => d[k]);
}

export function compile(model: AnyModel, opts: CompileOptions): void {
  checkOptions("compile", opts, ["optimizer", "loss", "metrics", "lossWeights"], ["loss"]);
  const optimizerSpec = opts.optimizer ?? "rmsprop";
  optimizers.check(optimizerSpec);
  const isLossOne = (v: unknown) => typeof v === "string" || typeof v === "function" || v instanceof losses.Loss;
  const lossList = perOutput(model, opts.loss, "loss", isLossOne).map((l) => losses.get(l));
  const nOut = lossList.length;
  const weights = opts.lossWeights === undefined ? lossList.map(() => 1) : perOutput(model, opts.lossWeights, "lossWeights", (v) => typeof v === "number");
  weights.forEach((w) => checkNumber("compile", "lossWeights", w, { min: 0 }));
  const m = opts.metrics ?? [];
  let metricSpecs: metrics.MetricSpec[][];
  if (Array.isArray(m) && m.every((v) => !Array.isArray(v))) metricSpecs = lossList.map(() => m as metrics.MetricSpec[]);
  else metricSpecs = perOutput(model, m as metrics.MetricSpec[][] | Record<string, metrics.MetricSpec[]>, "metrics", () => false);
  if (metricSpecs.length !== nOut) throw new ArgumentError("compile", `metrics: ${metricSpecs.length} lists for ${nOut} outputs`);
  const metricList = metricSpecs.map((specs, k) => (specs ?? []).map((s) => metrics.get(s, lossList[k])));
  // Recompiling keeps the optimizer's state only when the optimizer itself is unchanged, as Keras.
  const keep = model.compiled && model.compiled.optimizerSpec === optimizerSpec ? model.compiled : null;
  model.compiled = {
    optimizerSpec, optimizer: keep?.optimizer ?? null, iterations: keep?.iterations ?? 0,
    spec: { loss: opts.loss, metrics: opts.metrics, lossWeights: opts.lossWeights },
    losses: lossList, lossWeights: weights, metrics: metricList,
  };
}

function compiledOf(model: AnyModel, op: string): Compiled {
  if (!model.compiled) throw new ArgumentError(op, `call ${model.name}.compile({ optimizer, loss, metrics }) before ${op}`);
  return model.compiled;
}

/** One set of arrays fit or evaluate draws rows from. */
interface Source {
  x: Tensor[];
  y: Tensor[];
  weight: Tensor | null;
  offset: number;
  n: number;
  /** Whether class weights apply (training data; validation losses are unweighted, as Keras). */
  training: boolean;
}

/**
 * The module train.fit drives: its input is a batch of global row indices; it gathers those rows
 * of the source's inputs and runs the model. Several outputs come back packed side by side
 * ([batch, Σ sizes]) and are unpacked by the loss and the metrics.
 */
class Feed extends Module<[Tensor], Tensor> {
  private sources: Source[] = [];
  /** Per-output sample shapes, seen at the last forward (for unpacking). */
  outShapes: number[][] = [];
  constructor(readonly model: AnyModel) {
    super();
  }
  addSource(x: Tensor[], y: Tensor[], weight: Tensor | null, training = false): Tensor {
    const n = x[0].shape[0];
    for (const t of [...x, ...y, ...(weight ? [weight] : [])]) {
      if (t.shape[0] !== n) throw new ShapeError("fit", `all inputs and targets must have the same number of samples, got ${[...x, ...y].map((a) => a.shape[0]).join(", ")}`);
    }
    const offset = this.sources.reduce((s, src) => s + src.n, 0);
    this.sources.push({ x, y, weight, offset, n, training });
    return ds.arange(offset, offset + n, 1, { dtype: "int32" });
  }
  /** The source of a batch of indices and its rows there. */
  locate(idx: Tensor): { src: Source; rows: Tensor } {
    const first = idx.index(0).item();
    const src = this.sources.find((s) => first >= s.offset && first < s.offset + s.n)!;
    return { src, rows: src.offset ? idx.sub(src.offset) : idx };
  }
  forward(idx: Tensor): Tensor {
    const { src, rows } = this.locate(idx);
    const xs = src.x.map((t) => t.indexSelect(0, rows));
    const out = this.model.call(xs.length === 1 ? xs[0] : xs);
    const outs = Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
    this.outShapes = outs.map((o) => o.shape.slice(1));
    if (outs.length === 1) return outs[0];
    return ds.concat(outs.map((o) => o.reshape([o.shape[0], -1])), 1);
  }
  unpack(pred: Tensor): Tensor[] {
    if (this.outShapes.length <= 1) return [pred];
    const sizes = this.outShapes.map((s) => s.reduce((a, b) => a * b, 1));
    return pred.split(sizes, 1).map((p, k) => p.reshape([pred.shape[0], ...this.outShapes[k]]));
  }
}

/** Per-sample weights of a batch: class weights by label, times sample weights. */
function sampleWeights(classWeight: Record<number, number> | undefined, y: Tensor, rowWeights: Tensor | null): Tensor | null {
  let w = rowWeights;
  if (classWeight) {
    const labels = y.ndim >= 2 && y.shape[y.ndim - 1] > 1 ? y.argmax(-1) : (y.ndim >= 2 ? y.reshape([y.shape[0]]) : y).int();
    const maxLabel = Math.max(...Object.keys(classWeight).map(Number), labels.max().item());
    const table = new Float32Array(maxLabel + 1).fill(1);
    for (const [k, v] of Object.entries(classWeight)) table[Number(k)] = v;
    const cw = ds.tensor(table).indexSelect(0, labels.reshape([labels.size]).int()).reshape(labels.shape);
    w = w ? w.mul(cw) : cw;
  }
  return w;
}

/** The weighted mean of per-sample losses (Keras' sum_over_batch_size: divided by their count). */
function reduce(l: Tensor, w: Tensor | null): Tensor {
  if (!w) return l.mean();
  const wb = w.reshape([w.shape[0], ...l.shape.slice(1).map(() => 1)]);
  return l.mul(wb).sum().div(l.size);
}

interface Plumbing {
  loss: (pred: Tensor, idx: Tensor) => Tensor;
  metrics: TrainMetric[];
  /** train log name → Keras name. */
  names: Map<string, string>;
}

function plumbing(model: AnyModel, feed: Feed, c: Compiled, classWeight?: Record<number, number>): Plumbing {
  const outNames = model.isFunctional ? model.outputNames : ["output"];
  const multi = c.losses.length > 1;
  const targets = (idx: Tensor) => {
    const { src, rows } = feed.locate(idx);
    return { y: src.y.map((t) => t.indexSelect(0, rows)), w: src.weight ? src.weight.indexSelect(0, rows) : null, training: src.training };
  };
  const outputLoss = (k: number, pred: Tensor, y: Tensor, w: Tensor | null, training: boolean) => reduce(c.losses[k].fn(y, pred), sampleWeights(training ? classWeight : undefined, y, w));
  const loss = (pred: Tensor, idx: Tensor): Tensor => {
    const preds = feed.unpack(pred), { y, w, training } = targets(idx);
    let total: Tensor | null = null;
    preds.forEach((p, k) => {
      if (!c.lossWeights[k]) return;
      const l = outputLoss(k, p, y[k], w, training).mul(c.lossWeights[k]);
      total = total ? total.add(l) : l;
    });
    const reg = model.regularizationLoss();
    const t = total ?? pred.sum().mul(0);
    return reg ? t.add(reg) : t;
  };
  const names = new Map<string, string>([["loss", "loss"], ["valLoss", "val_loss"]]);
  const list: TrainMetric[] = [];
  const add = (name: string, batch: (pred: Tensor, idx: Tensor) => [number, number]) => {
    if (names.has(name)) throw new ArgumentError("compile", `two metrics are named "${name}"`);
    list.push({ name, batch });
    names.set(name, name).set(`val${name[0].toUpperCase()}${name.slice(1)}`, `val_${name}`);
  };
  if (multi) {
    outNames.forEach((o, k) => add(`${o}_loss`, (pred, idx) => {
      const { y, w, training } = targets(idx);
      return [outputLoss(k, feed.unpack(pred)[k], y[k], w, training).item() * pred.shape[0], pred.shape[0]];
    }));
  }
  c.metrics.forEach((ms, k) => ms.forEach((m) => add(multi ? `${outNames[k]}_${m.name}` : m.name, (pred, idx) => {
    const v = m.fn(targets(idx).y[k], feed.unpack(pred)[k]);
    return [v.sum().item(), v.size];
  })));
  return { loss, metrics: list, names };
}

const rename = (logs: Logs, names: Map<string, string>): Logs => Object.fromEntries(Object.entries(logs).map(([k, v]) => [names.get(k) ?? k, v]));

/** Adapts Keras-style callbacks (Keras' log names, logs first) to train.fit's hooks. */
function adaptCallbacks(model: AnyModel, cbs: KerasCallback[], names: Map<string, string>): Callback[] {
  const bridge = (ctx: TrainContext): TrainContext => ({
    model: model as unknown as TrainContext["model"],
    epochs: ctx.epochs,
    history: ctx.history,
    get stopTraining() { return ctx.stopTraining || model.stopTraining; },
    set stopTraining(v: boolean) { ctx.stopTraining = v; },
  });
  const sync = (ctx: TrainContext) => { if (model.stopTraining) ctx.stopTraining = true; };
  return cbs.map((cb) => {
    cb.setModel?.(model);
    return {
      onTrainBegin: async (ctx) => { await cb.onTrainBegin?.({}, bridge(ctx)); sync(ctx); },
      onEpochBegin: async (epoch, ctx) => { await cb.onEpochBegin?.(epoch, {}, bridge(ctx)); sync(ctx); },
      onBatchEnd: async (batch, logs, ctx) => { await cb.onBatchEnd?.(batch, rename(logs, names), bridge(ctx)); sync(ctx); },
      onEpochEnd: async (epoch, logs, ctx) => {
        const k = rename(logs, names);
        await cb.onEpochEnd?.(epoch, k, bridge(ctx));
        // Entries a callback added (an lr) reach the History too.
        for (const [key, v] of Object.entries(k)) if (!(key in logs) && ![...names.values()].includes(key)) logs[key] = v;
        sync(ctx);
      },
      onTrainEnd: async (logs, ctx) => { await cb.onTrainEnd?.(rename(logs, names), bridge(ctx)); },
    };
  });
}

/** Builds a model not built yet from its first input (so its weights exist for the optimizer). */
function ensureBuilt(model: AnyModel, xs: Tensor[]): void {
  if (model.built && model.isFunctional) return;
  if (!model.isFunctional && model.weights.length === 0) {
    // A subclassed model makes its weights at its first call.
    noGrad(() => ds.scope(() => { model.call(xs.length === 1 ? xs[0].narrow(0, 0, 1) : xs.map((x) => x.narrow(0, 0, 1))); }));
    return;
  }
  model.maybeBuild(xs.length === 1 ? [null, ...xs[0].shape.slice(1)] : xs.map((x) => [null, ...x.shape.slice(1)]));
}

/**
 * The compiled model's optimizer (an optim.Optimizer over its trainable weights, made at the first
 * fit), or null before that; `create` makes it now (loading a .keras file's optimizer state).
 */
export function builtOptimizer(model: AnyModel, create = false): OptimizerLike | null {
  const c = model.compiled;
  if (!c) return null;
  if (!c.optimizer && create) {
    const params = model.trainableWeights;
    if (!params.length) throw new ArgumentError("fit", `${model.name} has no trainable weights`);
    c.optimizer = optimizers.resolve(c.optimizerSpec, params, "fit");
  }
  return c.optimizer;
}

/** What fit steps: the optimizer, counting its steps, then the weights' constraints. */
function optimizerOf(model: AnyModel, c: Compiled): OptimizerLike {
  const opt = builtOptimizer(model, true)!;
  const constrained = model.weightEntries().some((w) => w.constraint);
  return {
    zeroGrad: () => opt.zeroGrad(),
    step: () => {
      opt.step();
      c.iterations++;
      if (constrained) model.applyConstraints();
    },
  };
}

function callbackList(cbs: FitOptions["callbacks"]): KerasCallback[] {
  if (cbs === undefined) return [];
  const list = Array.isArray(cbs) ? cbs : [cbs];
  list.forEach((cb, i) => { if (!cb || typeof cb !== "object") throw new ArgumentError("fit", `callbacks${Array.isArray(cbs) ? `[${i}]` : ""} must be a callback object, got ${cb === null ? "null" : typeof cb}`); });
  return list as KerasCallback[];
}

const splitRows = (t: Tensor, from: number, n: number) => t.narrow(0, from, n);

export async function fit(model: AnyModel, x: XData, y: YData, opts: FitOptions = {}): Promise<History> {
  checkOptions("fit", opts, ["epochs", "batchSize", "validationSplit", "validationData", "shuffle", "classWeight", "sampleWeight", "callbacks", "verbose", "initialEpoch", "seed"]);
  const c = compiledOf(model, "fit");
  const xs = toInputs(model, x, "fit"), ys = toTargets(model, y, "fit");
  if (ys.length !== c.losses.length) throw new ArgumentError("fit", `${ys.length} target arrays for ${c.losses.length} outputs`);
  if (opts.classWeight && c.losses.length > 1) throw new ArgumentError("fit", "classWeight needs a model with one output (give sampleWeight instead)");
  ensureBuilt(model, xs);
  const feed = new Feed(model);
  const weight = opts.sampleWeight ?? null;
  let trainIdx: Tensor, valIdx: Tensor | null = null;
  if (opts.validationSplit !== undefined) {
    if (opts.validationData) throw new ArgumentError("fit", "give validationData or validationSplit, not both");
    const f = opts.validationSplit, n = xs[0].shape[0];
    if (!(f > 0 && f < 1)) throw new ArgumentError("fit", `validationSplit must be in (0, 1), got ${f}`);
    // Keras holds out the last fraction of the samples, before any shuffling (split at ⌊n·(1 - f)⌋).
    const nTrain = Math.floor(n * (1 - f)), nVal = n - nTrain;
    if (nVal < 1 || nTrain < 1) throw new ArgumentError("fit", `validationSplit ${f} of ${n} samples leaves an empty part`);
    trainIdx = feed.addSource(xs.map((t) => splitRows(t, 0, nTrain)), ys.map((t) => splitRows(t, 0, nTrain)), weight && splitRows(weight, 0, nTrain), true);
    valIdx = feed.addSource(xs.map((t) => splitRows(t, nTrain, nVal)), ys.map((t) => splitRows(t, nTrain, nVal)), weight && splitRows(weight, nTrain, nVal));
  } else {
    trainIdx = feed.addSource(xs, ys, weight, true);
    if (opts.validationData) {
      const [vx, vy] = opts.validationData;
      valIdx = feed.addSource(toInputs(model, vx, "fit"), toTargets(model, vy, "fit"), null);
    }
  }
  const p = plumbing(model, feed, c, opts.classWeight);
  const verbose = checkVerbose("fit", opts.verbose);
  const batchSize = opts.batchSize ?? 32;
  model.stopTraining = false;
  const optimizer = optimizerOf(model, c);
  const progress = fitProgress(verbose, opts.epochs ?? 1, Math.ceil(trainIdx.shape[0] / batchSize), (logs) => rename(logs, p.names));
  let h: History;
  try {
    h = await trainFit(feed, [trainIdx, trainIdx], {
      epochs: opts.epochs ?? 1,
      optimizer,
      loss: p.loss,
      metrics: p.metrics,
      batchSize,
      validationData: valIdx ? [valIdx, valIdx] : undefined,
      shuffle: opts.shuffle ?? true,
      seed: opts.seed,
      callbacks: [...adaptCallbacks(model, callbackList(opts.callbacks), p.names), progress.callback],
      // Progress is reported by the callback above, in Keras' names.
      verbose: 0,
      initialEpoch: opts.initialEpoch,
    });
  } finally {
    progress.stop();
    // Keras layers run in inference mode outside fit.
    feed.eval();
  }
  const out = new History();
  h.epoch.forEach((e, i) => out.record(e, rename(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[i]])), p.names)));
  return out;
}

export function evaluate(model: AnyModel, x: XData, y: YData, opts: EvaluateOptions = {}): number | number[] | Record<string, number> {
  checkOptions("evaluate", opts, ["batchSize", "verbose", "returnDict", "sampleWeight"]);
  const c = compiledOf(model, "evaluate");
  const xs = toInputs(model, x, "evaluate"), ys = toTargets(model, y, "evaluate");
  ensureBuilt(model, xs);
  const feed = new Feed(model);
  const idx = feed.addSource(xs, ys, opts.sampleWeight ?? null);
  const p = plumbing(model, feed, c);
  const verbose = checkVerbose("evaluate", opts.verbose), batchSize = opts.batchSize ?? 32, t0 = performance.now();
  const logs = rename(trainEvaluate(feed, [idx, idx], { loss: p.loss, metrics: p.metrics, batchSize }), p.names);
  stepsLine(verbose, Math.ceil(idx.shape[0] / batchSize), (performance.now() - t0) / 1000, logs);
  if (opts.returnDict) return logs;
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}

export function predict(model: AnyModel, x: XData, opts: PredictOptions = {}): Tensor | Tensor[] {
  checkOptions("predict", opts, ["batchSize", "verbose"]);
  const verbose = checkVerbose("predict", opts.verbose);
  const xs = toInputs(model, x, "predict");
  ensureBuilt(model, xs);
  const feed = new Feed(model);
  const idx = feed.addSource(xs, [], null);
  const bs = Math.min(opts.batchSize ?? 32, xs[0].shape[0]), t0 = performance.now();
  const out = keep(trainPredict(feed, idx, { batchSize: bs }));
  stepsLine(verbose, Math.ceil(xs[0].shape[0] / bs), (performance.now() - t0) / 1000);
  if (model.hasSingleOutput) return out;
  return noGrad(() => feed.unpack(out).map((t) => keep(t.contiguous())));
}

export async function trainOnBatch(model: AnyModel, x: XData, y: YData): Promise<number | number[]> {
  const xs = toInputs(model, x, "trainOnBatch");
  const h = await fit(model, x, y, { epochs: 1, batchSize: xs[0].shape[0], shuffle: false, verbose: 0 });
  const values = Object.values(h.history).map((v) => v[v.length - 1]);
  return values.length === 1 ? values[0] : values;
}
