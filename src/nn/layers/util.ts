// Helpers shared by layer constructors.
import { ArgumentError } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { zeros } from "../../ops/creation.js";

/** Zeros of a validated shape, to be initialised in place. */
export function empty(layer: string, shape: number[]): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d <= 0) throw new ArgumentError(layer, `sizes must be positive integers, got [${shape.join(",")}]`);
  }
  return zeros(shape);
}

export type Pair = number | readonly [number, number];

/** ", key=value" for each option that is set (for toString); arrays print as [a,b]. */
export function optionsRepr(opts: object): string {
  return Object.entries(opts)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `, ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("");
}
export const pairOf = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);
