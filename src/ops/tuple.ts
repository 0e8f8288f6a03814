// Results PyTorch returns as named tuples: an array that can also be read by field name.
import type { Tensor } from "../tensor/tensor.js";

/** `[a, b]` that is also `{ name1: a, name2: b }`: `const [Q, R] = …` and `const { Q, R } = …` both work. */
export function named<T extends [Tensor, ...Tensor[]], N extends Record<string, Tensor>>(items: T, names: N): T & N {
  return Object.assign(items.slice() as T, names);
}
