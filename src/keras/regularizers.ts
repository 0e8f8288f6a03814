// Keras weight regularizers (keras.regularizers.*): penalties added to the training loss.
import { ArgumentError } from "../core/errors.js";
import { checkNumber, checkOptions } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { kerasSnake, type Config, type Serialized } from "./names.js";

/** penalty(w) = l1·Σ|w| + l2·Σw² (Keras' L1L2; L1 and L2 are its halves). */
export class Regularizer {
  constructor(readonly l1 = 0, readonly l2 = 0, readonly className = "L1L2") {
    checkNumber(className, "l1", l1, { min: 0 });
    checkNumber(className, "l2", l2, { min: 0 });
  }
  penalty(w: Tensor): Tensor {
    let p = this.l1 ? w.abs().sum().mul(this.l1) : null;
    if (this.l2) p = p ? p.add(w.square().sum().mul(this.l2)) : w.square().sum().mul(this.l2);
    return p ?? w.sum().mul(0);
  }
  getConfig(): Config {
    if (this.className === "L1") return { l1: this.l1 };
    if (this.className === "L2") return { l2: this.l2 };
    return { l1: this.l1, l2: this.l2 };
  }
}

/** L1 penalty, Keras' default factor 0.01. */
export const L1 = (opts: { l1?: number } = {}): Regularizer => new Regularizer(checkOptions("L1", opts, ["l1"]).l1 as number ?? 0.01, 0, "L1");
/** L2 penalty, Keras' default factor 0.01. */
export const L2 = (opts: { l2?: number } = {}): Regularizer => new Regularizer(0, checkOptions("L2", opts, ["l2"]).l2 as number ?? 0.01, "L2");
/** Both penalties (Keras' defaults 0, 0). */
export const L1L2 = (opts: { l1?: number; l2?: number } = {}): Regularizer => {
  checkOptions("L1L2", opts, ["l1", "l2"]);
  return new Regularizer(opts.l1 ?? 0, opts.l2 ?? 0, "L1L2");
};
export { L1 as l1, L2 as l2, L1L2 as l1l2 };

export type RegularizerSpec = Regularizer | string | Serialized | null | undefined;

/** Resolves "l1", "l2", "l1_l2", a `{ class_name, config }` dict or a Regularizer; null stays null. */
export function get(spec: RegularizerSpec, op = "regularizer"): Regularizer | null {
  if (spec === null || spec === undefined) return null;
  if (spec instanceof Regularizer) return spec;
  const name = typeof spec === "string" ? kerasSnake(spec) : typeof spec === "object" ? kerasSnake(spec.class_name) : "";
  const c = (typeof spec === "object" ? spec.config : {}) as { l1?: number; l2?: number };
  if (name === "l1") return new Regularizer(c.l1 ?? 0.01, 0, "L1");
  if (name === "l2") return new Regularizer(0, c.l2 ?? 0.01, "L2");
  if (name === "l1_l2" || name === "l1l2") return new Regularizer(c.l1 ?? 0, c.l2 ?? 0, "L1L2");
  throw new ArgumentError(op, `unknown regularizer ${JSON.stringify(spec)}; expected "l1", "l2", "l1_l2" or a Regularizer`);
}

export function serialize(r: Regularizer): Serialized {
  return { module: "keras.regularizers", class_name: r.className, config: r.getConfig(), registered_name: null };
}
