// Containers: Sequential (children named 0, 1, …) and ModuleList.
import type { Tensor } from "../../tensor/tensor.js";
import { ArgumentError } from "../../core/errors.js";
import { Module } from "../module.js";

type AnyModule = Module<never[], unknown>;

/** Runs its modules in order; state-dict keys are "0.weight", "1.bias", … as in PyTorch. */
export class Sequential extends Module {
  readonly layers: Module<[Tensor], Tensor>[];
  constructor(...layers: Module<[Tensor], Tensor>[]) {
    super();
    checkModules("Sequential", layers);
    this.layers = layers;
  }
  override namedChildren(): [string, AnyModule][] {
    return this.layers.map((m, i) => [String(i), m as unknown as AnyModule]);
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.call(y);
    return y;
  }
  /** The i-th layer (negative counts from the end). */
  at(i: number): Module<[Tensor], Tensor> {
    return this.layers[i < 0 ? this.layers.length + i : i];
  }
  get length(): number {
    return this.layers.length;
  }
}

/** A list of modules registered as children "0", "1", …; has no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<[], never> {
  readonly items: M[];
  constructor(items: M[] = []) {
    super();
    if (!Array.isArray(items)) throw new ArgumentError("ModuleList", `expected an array of modules, got ${items === null ? "null" : typeof items}`);
    checkModules("ModuleList", items);
    this.items = items;
  }
  override namedChildren(): [string, AnyModule][] {
    return this.items.map((m, i) => [String(i), m]);
  }
  forward(): never {
    throw new ArgumentError("ModuleList", "has no forward; iterate over its items");
  }
  push(m: M): this {
    checkModules("ModuleList.push", [m]);
    this.items.push(m);
    return this;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
  get length(): number {
    return this.items.length;
  }
}

// A class passed instead of an instance (nn.ReLU for new nn.ReLU()) would fail only at the first forward.
function checkModules(op: string, items: readonly unknown[]): void {
  items.forEach((m, i) => {
    if (m instanceof Module) return;
    const got = typeof m === "function" ? `the class ${(m as { name?: string }).name || "(anonymous)"} (construct it: new ${(m as { name?: string }).name || "…"}(…))` : m === null ? "null" : typeof m;
    throw new ArgumentError(op, `item ${i} must be a Module, got ${got}`);
  });
}
