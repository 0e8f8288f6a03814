// Keras activations by name ("relu", "softmax", TensorFlow.js' camelCase "hardSigmoid" too), as
// compositions of tensor ops; `get` resolves a name or a function, `serialize` names it back.
import { ArgumentError } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { toSnakeKey } from "./names.js";

export type Activation = (x: Tensor) => Tensor;
/** A name ("relu"), a function, or null/undefined for the identity ("linear"). */
export type ActivationSpec = string | Activation | null | undefined;

const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;

/** Keras 3's activations (keras.activations.*), each over the last axis where it has one. */
export const ACTIVATIONS: Record<string, Activation> = {
  linear: (x) => x,
  relu: (x) => x.relu(),
  relu6: (x) => x.clamp(0, 6),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  softmax: (x) => x.softmax(-1),
  log_softmax: (x) => x.logSoftmax(-1),
  elu: (x) => x.elu(1),
  selu: (x) => x.elu(SELU_ALPHA).mul(SELU_SCALE),
  softplus: (x) => x.softplus(),
  softsign: (x) => x.div(x.abs().add(1)),
  // Keras 3's hard_sigmoid is relu6(x + 3) / 6; TensorFlow.js and Keras 2 used clip(0.2x + 0.5, 0, 1).
  hard_sigmoid: (x) => x.div(6).add(0.5).clamp(0, 1),
  // Keras 2's and TensorFlow.js' hard_sigmoid: their model files' "hard_sigmoid" loads as this (keras/saving/).
  legacy_hard_sigmoid: (x) => x.mul(0.2).add(0.5).clamp(0, 1),
  hard_silu: (x) => x.mul(x.div(6).add(0.5).clamp(0, 1)),
  silu: (x) => x.mul(x.sigmoid()),
  gelu: (x) => x.gelu("none"),
  exponential: (x) => x.exp(),
  leaky_relu: (x) => x.leakyRelu(0.2),
  mish: (x) => x.mul(x.softplus().tanh()),
};
// Keras' aliases.
ACTIVATIONS.swish = ACTIVATIONS.silu;
ACTIVATIONS.hard_swish = ACTIVATIONS.hard_silu;
// TensorFlow.js' tanh-approximated GELU.
ACTIVATIONS.gelu_new = (x) => x.gelu("tanh");

const NAMES = new Map<Activation, string>();
for (const [name, f] of Object.entries(ACTIVATIONS)) if (!NAMES.has(f)) NAMES.set(f, name);

/**
 * Resolves an activation: a Keras name (snake_case or TensorFlow.js' camelCase), a function, or
 * null/undefined for "linear".
 * @example keras.activations.get("relu")(x)
 */
export function get(spec: ActivationSpec, op = "activation"): Activation {
  if (spec === null || spec === undefined) return ACTIVATIONS.linear;
  if (typeof spec === "function") return spec;
  if (typeof spec === "string") {
    const f = ACTIVATIONS[toSnakeKey(spec)];
    if (f) return f;
  }
  throw new ArgumentError(op, `unknown activation ${JSON.stringify(spec)}; expected a function or one of ${Object.keys(ACTIVATIONS).join(", ")}`);
}

/** The Keras name of an activation (a user function: its own name). */
export function serialize(f: Activation): string {
  return NAMES.get(f) ?? (f.name || "custom_activation");
}

/** Whether `f` is the identity, so a layer can skip it. */
export const isLinear = (f: Activation): boolean => f === ACTIVATIONS.linear;

/** Softmax over `axis` (Keras' keras.activations.softmax(x, axis)). */
export const softmax = (x: Tensor, axis = -1): Tensor => x.softmax(axis);
/** ReLU with Keras' options: negative slope, ceiling and threshold. */
export function relu(x: Tensor, opts: { negativeSlope?: number; maxValue?: number | null; threshold?: number } = {}): Tensor {
  const slope = opts.negativeSlope ?? 0, threshold = opts.threshold ?? 0;
  let y = threshold === 0 ? (slope === 0 ? x.relu() : x.leakyRelu(slope)) : ds.where(x.ge(threshold), x, x.sub(threshold).mul(slope));
  if (opts.maxValue !== undefined && opts.maxValue !== null) y = y.clamp(null, opts.maxValue);
  return y;
}
