// keras.backend / keras.utils helpers: session names and seeding.
import { seed } from "../core/rng.js";
import { EPSILON } from "./losses.js";

export { clearSession } from "./names.js";

/** Seeds every random draw (initializers, dropout, shuffling): ds.seed under Keras' name. */
export function setRandomSeed(n: number): void {
  seed(n);
}

/** Keras' fuzz factor (1e-7). */
export function epsilon(): number {
  return EPSILON;
}
