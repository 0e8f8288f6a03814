// Keras weight constraints (keras.constraints.*): projections applied to a weight after each
// optimizer step.
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { kerasSnake, type Config, type Serialized } from "./names.js";

/** A projection of a weight's value, applied after every optimizer step. */
export interface Constraint {
  readonly className: string;
  apply(w: Tensor): Tensor;
  getConfig(): Config;
}

// Norms are taken over `axis` (Keras' default 0: each output unit's incoming weights for a Dense kernel).
const norms = (w: Tensor, axis: number | number[]) => w.square().sum(axis, true).sqrt();

/** Clips each weight vector's norm at maxValue (Keras' MaxNorm, default 2). */
export function MaxNorm(opts: { maxValue?: number; axis?: number | number[] } = {}): Constraint {
  checkOptions("MaxNorm", opts, ["maxValue", "axis"]);
  const maxValue = opts.maxValue ?? 2, axis = opts.axis ?? 0;
  return {
    className: "MaxNorm",
    apply: (w) => {
      const n = norms(w, axis);
      return w.mul(n.clamp(0, maxValue).div(n.add(1e-7)));
    },
    getConfig: () => ({ max_value: maxValue, axis }),
  };
}

/** Sets negative weights to zero. */
export function NonNeg(): Constraint {
  return { className: "NonNeg", apply: (w) => w.relu(), getConfig: () => ({}) };
}

/** Scales each weight vector to unit norm. */
export function UnitNorm(opts: { axis?: number | number[] } = {}): Constraint {
  checkOptions("UnitNorm", opts, ["axis"]);
  const axis = opts.axis ?? 0;
  return { className: "UnitNorm", apply: (w) => w.div(norms(w, axis).add(1e-7)), getConfig: () => ({ axis }) };
}

export { MaxNorm as maxNorm, NonNeg as nonNeg, UnitNorm as unitNorm };

export type ConstraintSpec = Constraint | string | Serialized | null | undefined;

export function get(spec: ConstraintSpec, op = "constraint"): Constraint | null {
  if (spec === null || spec === undefined) return null;
  if (typeof spec === "object" && "apply" in spec && typeof spec.apply === "function") return spec as Constraint;
  const name = typeof spec === "string" ? kerasSnake(spec) : typeof spec === "object" && "class_name" in spec ? kerasSnake(spec.class_name) : "";
  const c = (typeof spec === "object" && "config" in spec ? spec.config : {}) as { max_value?: number; axis?: number | number[] };
  if (name === "max_norm") return MaxNorm({ maxValue: c.max_value, axis: c.axis });
  if (name === "non_neg") return NonNeg();
  if (name === "unit_norm") return UnitNorm({ axis: c.axis });
  throw new ArgumentError(op, `unknown constraint ${JSON.stringify(spec)}; expected "max_norm", "non_neg", "unit_norm" or a Constraint`);
}

export function serialize(c: Constraint): Serialized {
  return { module: "keras.constraints", class_name: c.className, config: c.getConfig(), registered_name: null };
}
