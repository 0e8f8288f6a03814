// A compiled model's training state in a .keras archive, as Keras 3 writes it: config.json's
// `compile_config` (the optimizer serialized, the loss, metrics and loss weights as given to
// compile) and model.weights.h5's `optimizer/vars/<i>`, the optimizer's `variables` in Keras'
// order (base_optimizer.py): iteration (int64), learning_rate, then for each trainable variable of
// the model (in Keras' model.trainable_variables order) its slots, interleaved
// (add_optimizer_variables): Adam/AdamW momentum, velocity (then every velocity_hat when amsgrad);
// SGD momentum (only when momentum ≠ 0); RMSprop velocity (momentum when momentum > 0,
// average_gradient when centered, each after all velocities); Adagrad accumulator.
// The slots map onto optim's PyTorch-style state (Adam: exp_avg, exp_avg_sq, max_exp_avg_sq; …);
// where Keras keeps a velocity already multiplied by the learning rate (SGD's m = momentum·m -
// lr·g against PyTorch's buf = momentum·buf + g; RMSprop's momentum), the conversion says so.
import { FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { Tensor } from "../../tensor/tensor.js";
import { tensor } from "../../ops/creation.js";
import { noGrad } from "../../autograd/mode.js";
import { Optimizer } from "../../optim/optimizer.js";
import type { Model } from "../model.js";
import type { SymbolicTensor } from "../symbolic.js";
import type { Config, Json } from "../names.js";
import * as optimizers from "../optimizers.js";
import { builtOptimizer, type CompileOptions } from "../training.js";
import type { KerasVariable } from "./keras_archive.js";

type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

/** One Keras slot: its name, optim's state key, and value_keras = scale · value_optim. */
interface Slot { keras: string; torch: string; scale: number; after: boolean }

function slotsOf(className: string, cfg: Config): Slot[] | null {
  const lr = cfg.learning_rate as number;
  switch (className) {
    case "Adam":
    case "AdamW":
      return [
        { keras: "momentum", torch: "exp_avg", scale: 1, after: false },
        { keras: "velocity", torch: "exp_avg_sq", scale: 1, after: false },
        ...(cfg.amsgrad ? [{ keras: "velocity_hat", torch: "max_exp_avg_sq", scale: 1, after: true }] : []),
      ];
    case "SGD":
      return cfg.momentum ? [{ keras: "momentum", torch: "momentum_buffer", scale: -lr, after: false }] : [];
    case "RMSprop":
      return [
        { keras: "velocity", torch: "square_avg", scale: 1, after: false },
        ...((cfg.momentum as number) > 0 ? [{ keras: "momentum", torch: "momentum_buffer", scale: lr, after: true }] : []),
        ...(cfg.centered ? [{ keras: "average_gradient", torch: "grad_avg", scale: 1, after: true }] : []),
      ];
    case "Adagrad":
      return [{ keras: "accumulator", torch: "sum", scale: 1, after: false }];
    default:
      return null;
  }
}

/** The slots in Keras' order over `n` trainable variables: [variable index, slot]. */
function order(slots: Slot[], n: number): [number, Slot][] {
  const out: [number, Slot][] = [];
  const inter = slots.filter((s) => !s.after);
  for (let i = 0; i < n; i++) for (const s of inter) out.push([i, s]);
  for (const s of slots.filter((x) => x.after)) for (let i = 0; i < n; i++) out.push([i, s]);
  return out;
}

const jsonable = (v: unknown): boolean =>
  typeof v === "string" || typeof v === "number" || v === null || (Array.isArray(v) && v.every(jsonable)) || (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(jsonable));

/** The model's compile settings as Keras 3's compile_config, or null when they cannot be written (a function loss, an optim.Optimizer object). */
export function compileConfig(model: AnyModel): Config | null {
  const c = model.compiled;
  if (!c || !c.spec) return null;
  const spec = c.optimizerSpec;
  const opt = typeof spec === "string" ? optimizers.byName(spec) : spec instanceof optimizers.KerasOptimizer ? spec : null;
  if (!opt || !jsonable(c.spec.loss) || !jsonable(c.spec.metrics ?? null) || !jsonable(c.spec.lossWeights ?? null)) return null;
  const { name, ...rest } = opt.getConfig();
  return {
    optimizer: { module: "keras.optimizers", class_name: opt.className, config: { name, ...rest }, registered_name: null },
    loss: c.spec.loss as Json,
    loss_weights: (c.spec.lossWeights ?? null) as Json,
    metrics: (c.spec.metrics ?? null) as Json,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** The optimizer's variables at Keras' paths, or [] when it has not stepped yet (Keras: not built) or has no Keras layout. */
export function optimizerDatasets(model: AnyModel, trainable: KerasVariable[]): { path: string; shape: number[]; data: Float32Array | BigInt64Array }[] {
  const c = model.compiled;
  const opt = c && builtOptimizer(model);
  const spec = c && (typeof c.optimizerSpec === "string" ? optimizers.byName(c.optimizerSpec) : c.optimizerSpec instanceof optimizers.KerasOptimizer ? c.optimizerSpec : null);
  if (!opt || !spec) return [];
  const cfg = spec.getConfig();
  const slots = slotsOf(spec.className, cfg);
  if (!slots) return [];
  const step = c.iterations;
  if (!step || !(opt instanceof Optimizer)) return [];
  const params = model.trainableWeights;
  const sd = opt.stateDict();
  const st = (p: Tensor) => sd.state[params.indexOf(p)] ?? {};
  const out: { path: string; shape: number[]; data: Float32Array | BigInt64Array }[] = [
    { path: "optimizer/vars/0", shape: [], data: BigInt64Array.of(BigInt(step)) },
    { path: "optimizer/vars/1", shape: [], data: Float32Array.of(cfg.learning_rate as number) },
  ];
  order(slots, trainable.length).forEach(([i, s], k) => {
    const p = trainable[i].entry.tensor;
    const v = st(p)[s.torch];
    const values = v instanceof Tensor ? Float32Array.from(v.dataSync() as ArrayLike<number>, (x) => x * s.scale) : new Float32Array(p.size);
    out.push({ path: `optimizer/vars/${k + 2}`, shape: p.shape.slice(), data: values });
  });
  return out;
}

/** Compiles a loaded model from its compile_config; false (and a warning) when some part has no equivalent here. */
export function compileFromConfig(model: AnyModel, cc: Json, file: string): boolean {
  const warn = (why: string) => {
    console.warn(`keras.loadModel: ${file} loads uncompiled: its compile_config ${why}`);
    return false;
  };
  if (!cc || typeof cc !== "object" || Array.isArray(cc)) return warn(`is ${brief(cc)}`);
  const o = cc.optimizer;
  let optimizer: optimizers.OptimizerSpec;
  if (typeof o === "string") optimizer = o;
  else if (o && typeof o === "object" && !Array.isArray(o) && typeof o.class_name === "string") {
    const made = optimizers.fromConfig(o.class_name, (o.config ?? {}) as Config);
    if (typeof made === "string") return warn(made);
    optimizer = made;
  } else return warn(`names the optimizer ${brief(o)}`);
  const opts: CompileOptions = { optimizer, loss: cc.loss as CompileOptions["loss"] };
  if (cc.metrics !== null && cc.metrics !== undefined) opts.metrics = cc.metrics as CompileOptions["metrics"];
  if (cc.loss_weights !== null && cc.loss_weights !== undefined) opts.lossWeights = cc.loss_weights as CompileOptions["lossWeights"];
  try {
    model.compile(opts);
  } catch (e) {
    return warn(`cannot be compiled here (${brief(String((e as Error)?.message ?? e), 160)})`);
  }
  return true;
}

/** Restores the optimizer's variables (Keras' order) into the compiled model's optimizer; `read(path)` gives a dataset's values and shape. */
export function restoreOptimizer(model: AnyModel, trainable: KerasVariable[], paths: string[], read: (path: string) => { shape: number[]; values: Float32Array }, fail: (r: string) => FileError): void {
  const c = model.compiled!;
  const spec = typeof c.optimizerSpec === "string" ? optimizers.byName(c.optimizerSpec) : c.optimizerSpec instanceof optimizers.KerasOptimizer ? c.optimizerSpec : null;
  if (!spec) throw fail("holds optimizer variables, but its compile_config names no Keras optimizer");
  const cfg = spec.getConfig();
  const slots = slotsOf(spec.className, cfg);
  if (!slots) throw fail(`holds optimizer variables for ${spec.className}, whose layout this project does not know`);
  const want = order(slots, trainable.length);
  if (paths.length !== want.length + 2) throw fail(`holds ${paths.length} optimizer variables; ${spec.className} over ${trainable.length} trainable variables has ${want.length + 2} (iteration, learning_rate, ${slots.map((s) => s.keras).join(", ")})`);
  const iterations = read("optimizer/vars/0").values[0];
  if (!(Number.isSafeInteger(iterations) && iterations >= 0)) throw fail(`optimizer/vars/0 (iterations) is ${iterations}, expected a count`);
  const opt = builtOptimizer(model, true)!;
  if (!(opt instanceof Optimizer)) throw fail("cannot restore optimizer variables into this optimizer");
  const params = model.trainableWeights;
  // optim's Adam, RMSprop and Adagrad count steps per parameter (bias correction); its SGD does not.
  const counted = spec.className !== "SGD";
  const state: Record<number, Record<string, Tensor | number>> = {};
  want.forEach(([i, s], k) => {
    const path = `optimizer/vars/${k + 2}`;
    const p = trainable[i].entry.tensor;
    const { shape, values } = read(path);
    if (shape.length !== p.ndim || shape.some((d, a) => d !== p.shape[a])) throw fail(`${path} (${s.keras} of ${trainable[i].path}) has shape [${shape}], the variable [${p.shape}]`);
    const idx = params.indexOf(p);
    state[idx] ??= counted ? { step: iterations } : {};
    state[idx][s.torch] = noGrad(() => tensor(Float32Array.from(values, (x) => x / s.scale)).reshape(p.shape));
  });
  const sd = opt.stateDict();
  opt.loadStateDict({ state: iterations ? state : {}, param_groups: sd.param_groups });
  c.iterations = iterations;
}
