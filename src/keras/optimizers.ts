// Keras optimizers by name or object, with Keras' defaults (adam 1e-3, sgd 1e-2, rmsprop 1e-3 with
// rho 0.9, adagrad 1e-3 with accumulators from 0.1, epsilon 1e-7), made over a model's weights when
// it is built, on optim's update rules (whose formulas match Keras' up to where epsilon sits for
// Adam and Adagrad, as TensorFlow.js writes them). TensorFlow.js' tf.train.* factories are here too.
import { ArgumentError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer } from "../optim/optimizer.js";
import { SGD as TorchSGD } from "../optim/sgd.js";
import { Adam as TorchAdam } from "../optim/adam.js";
import { AdamW as TorchAdamW } from "../optim/adamw.js";
import { RMSprop as TorchRMSprop } from "../optim/rmsprop.js";
import { Adagrad as TorchAdagrad } from "../optim/adagrad.js";
import type { OptimizerLike } from "../train/fit.js";
import { toSnakeKey, type Config } from "./names.js";

/** A Keras optimizer: its settings now, its optim.Optimizer once the model's weights exist. */
export class KerasOptimizer {
  constructor(readonly className: string, private readonly settings: Config, private readonly make: (params: Tensor[]) => Optimizer) {}
  /** The optim.Optimizer over `params` (what fit steps). */
  build(params: Tensor[]): Optimizer {
    return this.make(params);
  }
  get learningRate(): number {
    return this.settings.learning_rate as number;
  }
  getConfig(): Config {
    return { name: toSnakeKey(this.className), ...this.settings };
  }
}

const lr = (name: string, v: unknown, d: number) => checkNumber(name, "learningRate", v ?? d, { above: 0 });

/** Keras' SGD (default learningRate 0.01), with momentum and Nesterov momentum. */
export function SGD(opts: { learningRate?: number; momentum?: number; nesterov?: boolean } = {}): KerasOptimizer {
  checkOptions("SGD", opts, ["learningRate", "momentum", "nesterov"]);
  const s = { learning_rate: lr("SGD", opts.learningRate, 0.01), momentum: checkNumber("SGD", "momentum", opts.momentum ?? 0, { min: 0 }), nesterov: opts.nesterov ?? false };
  // Keras' v = m·v - lr·g; p += v is PyTorch's buf = m·buf + g; p -= lr·buf with v = -lr·buf.
  return new KerasOptimizer("SGD", s, (p) => new TorchSGD(p, { lr: s.learning_rate, momentum: s.momentum, nesterov: s.nesterov }));
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/** Keras' Adam (learningRate 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7). */
export function Adam(opts: AdamOptions = {}): KerasOptimizer {
  checkOptions("Adam", opts, ["learningRate", "beta1", "beta2", "epsilon", "amsgrad"]);
  const s = { learning_rate: lr("Adam", opts.learningRate, 1e-3), beta_1: opts.beta1 ?? 0.9, beta_2: opts.beta2 ?? 0.999, epsilon: opts.epsilon ?? 1e-7, amsgrad: opts.amsgrad ?? false };
  return new KerasOptimizer("Adam", s, (p) => new TorchAdam(p, { lr: s.learning_rate, betas: [s.beta_1, s.beta_2], eps: s.epsilon, amsgrad: s.amsgrad }));
}

/** Keras' AdamW (Adam with decoupled weight decay 0.004). */
export function AdamW(opts: AdamOptions & { weightDecay?: number } = {}): KerasOptimizer {
  checkOptions("AdamW", opts, ["learningRate", "beta1", "beta2", "epsilon", "amsgrad", "weightDecay"]);
  const s = { learning_rate: lr("AdamW", opts.learningRate, 1e-3), weight_decay: opts.weightDecay ?? 0.004, beta_1: opts.beta1 ?? 0.9, beta_2: opts.beta2 ?? 0.999, epsilon: opts.epsilon ?? 1e-7, amsgrad: opts.amsgrad ?? false };
  return new KerasOptimizer("AdamW", s, (p) => new TorchAdamW(p, { lr: s.learning_rate, betas: [s.beta_1, s.beta_2], eps: s.epsilon, amsgrad: s.amsgrad, weightDecay: s.weight_decay }));
}

/** Keras' RMSprop (learningRate 1e-3, rho 0.9, momentum 0, epsilon 1e-7, centered false). */
export function RMSprop(opts: { learningRate?: number; rho?: number; momentum?: number; epsilon?: number; centered?: boolean } = {}): KerasOptimizer {
  checkOptions("RMSprop", opts, ["learningRate", "rho", "momentum", "epsilon", "centered"]);
  const s = { learning_rate: lr("RMSprop", opts.learningRate, 1e-3), rho: opts.rho ?? 0.9, momentum: opts.momentum ?? 0, epsilon: opts.epsilon ?? 1e-7, centered: opts.centered ?? false };
  return new KerasOptimizer("RMSprop", s, (p) => new TorchRMSprop(p, { lr: s.learning_rate, alpha: s.rho, momentum: s.momentum, eps: s.epsilon, centered: s.centered }));
}

/** Keras' Adagrad (learningRate 1e-3, initialAccumulatorValue 0.1, epsilon 1e-7). */
export function Adagrad(opts: { learningRate?: number; initialAccumulatorValue?: number; epsilon?: number } = {}): KerasOptimizer {
  checkOptions("Adagrad", opts, ["learningRate", "initialAccumulatorValue", "epsilon"]);
  const s = { learning_rate: lr("Adagrad", opts.learningRate, 1e-3), initial_accumulator_value: opts.initialAccumulatorValue ?? 0.1, epsilon: opts.epsilon ?? 1e-7 };
  return new KerasOptimizer("Adagrad", s, (p) => new TorchAdagrad(p, { lr: s.learning_rate, initialAccumulatorValue: s.initial_accumulator_value, eps: s.epsilon }));
}

const BY_NAME: Record<string, () => KerasOptimizer> = { sgd: SGD, adam: Adam, adamw: AdamW, rmsprop: RMSprop, adagrad: Adagrad };

/** The Keras optimizer a name stands for, with Keras' defaults (null for an unknown name). */
export function byName(name: string): KerasOptimizer | null {
  const make = BY_NAME[name.toLowerCase()];
  return make ? make() : null;
}

// Keras 3 get_config keys every optimizer has; only their defaults (null, false, 0.99) are honoured.
const BASE_DEFAULTS: Record<string, unknown> = { name: undefined, weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, loss_scale_factor: null, gradient_accumulation_steps: null };
const OWN_KEYS: Record<string, Record<string, string>> = {
  SGD: { learning_rate: "learningRate", momentum: "momentum", nesterov: "nesterov" },
  Adam: { learning_rate: "learningRate", beta_1: "beta1", beta_2: "beta2", epsilon: "epsilon", amsgrad: "amsgrad" },
  AdamW: { learning_rate: "learningRate", beta_1: "beta1", beta_2: "beta2", epsilon: "epsilon", amsgrad: "amsgrad", weight_decay: "weightDecay" },
  RMSprop: { learning_rate: "learningRate", rho: "rho", momentum: "momentum", epsilon: "epsilon", centered: "centered" },
  Adagrad: { learning_rate: "learningRate", initial_accumulator_value: "initialAccumulatorValue", epsilon: "epsilon" },
};

/**
 * A Keras optimizer from its serialized class name and get_config (a .keras file's
 * compile_config), or the reason it has no equivalent here (a string).
 */
export function fromConfig(className: string, config: Config): KerasOptimizer | string {
  const own = OWN_KEYS[className];
  const make = { SGD, Adam, AdamW, RMSprop, Adagrad }[className as "SGD"] as ((o: Record<string, unknown>) => KerasOptimizer) | undefined;
  if (!own || !make) return `uses the optimizer ${className} (known: ${Object.keys(OWN_KEYS).join(", ")})`;
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k in own) {
      if (v !== null) opts[own[k]] = v;
    } else if (k in BASE_DEFAULTS) {
      if (k !== "name" && v !== BASE_DEFAULTS[k]) return `sets ${className}'s ${k} to ${JSON.stringify(v)}, which this project does not implement`;
    } else return `has an unknown ${className} setting "${k}"`;
  }
  try {
    return make(opts);
  } catch (e) {
    return `has a bad ${className} config (${(e as Error).message})`;
  }
}

/** An optimizer name ("adam"), a keras.optimizers object, or an optim.Optimizer already over the model's weights. */
export type OptimizerSpec = string | KerasOptimizer | OptimizerLike;

/** Resolves a spec to what fit steps, over `params`. */
export function resolve(spec: OptimizerSpec, params: Tensor[], op = "compile"): OptimizerLike {
  if (typeof spec === "string") {
    const make = BY_NAME[spec.toLowerCase()];
    if (!make) throw new ArgumentError(op, `unknown optimizer "${spec}"; expected one of ${Object.keys(BY_NAME).join(", ")}, a keras.optimizers object or an optim.Optimizer`);
    return make().build(params);
  }
  if (spec instanceof KerasOptimizer) return spec.build(params);
  if (spec && typeof spec.step === "function" && typeof spec.zeroGrad === "function") return spec;
  throw new ArgumentError(op, "optimizer must be a name, a keras.optimizers object or an optim.Optimizer");
}

/** Checks a spec at compile time, before any weights exist: a known name, a Keras optimizer or an optimizer object. */
export function check(spec: OptimizerSpec, op = "compile"): void {
  const ok = typeof spec === "string" ? spec.toLowerCase() in BY_NAME : spec instanceof KerasOptimizer || (!!spec && typeof spec.step === "function" && typeof spec.zeroGrad === "function");
  if (!ok) resolve(spec, [], op); // throws the message naming what is accepted
}

/** TensorFlow.js' tf.train factories (positional arguments, TensorFlow.js' defaults), for ports. */
export const train = {
  sgd: (learningRate: number) => SGD({ learningRate }),
  momentum: (learningRate: number, momentum: number, useNesterov = false) => SGD({ learningRate, momentum, nesterov: useNesterov }),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) => Adam({ learningRate, beta1, beta2, epsilon }),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0, epsilon = 1e-7, centered = false) => RMSprop({ learningRate, rho: decay, momentum, epsilon, centered }),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1) => Adagrad({ learningRate, initialAccumulatorValue }),
};
