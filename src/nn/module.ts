// nn.Module: parameters, buffers and child modules found by walking own properties (no Proxy),
// named with PyTorch's dotted snake_case keys so state dicts are interchangeable with PyTorch's.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { frame, keep } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { Parameter } from "./parameter.js";
import { PCG32, withRng } from "../core/rng.js";

/** camelCase property names → PyTorch's snake_case keys (runningMean → running_mean, weightIhL0 → weight_ih_l0). */
export function toSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require exactly the module's keys (default true, as PyTorch). */
  strict?: boolean;
}

/** Base class of all layers and models. Subclasses assign parameters/modules to properties and implement forward. */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active, batch norm uses batch statistics). */
  training = true;
  private readonly bufferNames = new Set<string>();
  // The generator of this module's random draws (a private field: never a child, a tensor or a state-dict entry).
  #generator: PCG32 | null = null;

  abstract forward(...args: In): Out;

  /**
   * Runs forward (PyTorch's `module(x)`) in a frame: every tensor forward makes and does not return
   * is disposed when it returns; what autograd saved for backward lives until backward has used it.
   */
  call(...args: In): Out {
    const g = this.#generator;
    return g ? withRng(g, () => frame(() => this.forward(...args))) : frame(() => this.forward(...args));
  }

  /**
   * Gives this module a generator of its own: every random draw while its forward runs (dropout
   * masks in it and in its children, `ds.rand` in a custom forward) comes from `g` instead of the
   * global generator, so two models training in one process do not share a stream, and a
   * checkpoint of fit saves and restores its state. `null` goes back to the global generator.
   * @example model.setGenerator(new ds.Generator(0));
   */
  setGenerator(g: PCG32 | null): this {
    if (g !== null && !(g instanceof PCG32)) throw new ArgumentError("setGenerator", `expected a ds.Generator or null, got ${typeof g}`);
    this.#generator = g;
    return this;
  }

  /** The generator given by setGenerator (null: draws come from an enclosing module's or the global one). */
  getGenerator(): PCG32 | null {
    return this.#generator;
  }

  /** Registers a non-learnable tensor saved in the state dict (e.g. running statistics). */
  protected registerBuffer(name: string, t: Tensor): void {
    keep(t);
    (this as unknown as Record<string, Tensor>)[name] = t;
    this.bufferNames.add(name);
  }

  /** Direct children with their state-dict names. Containers override this. */
  namedChildren(): [string, Module<never[], unknown>][] {
    const out: [string, Module<never[], unknown>][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([toSnake(key), value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((v, i) => out.push([`${toSnake(key)}.${i}`, v]));
      }
    }
    return out;
  }

  /** This module and all descendants, depth first. */
  modules(): Module<never[], unknown>[] {
    return [this as unknown as Module<never[], unknown>, ...this.namedChildren().flatMap(([, m]) => m.modules())];
  }

  private ownTensors(): { params: [string, Parameter][]; buffers: [string, Tensor][] } {
    const params: [string, Parameter][] = [], buffers: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Parameter) params.push([toSnake(key), value]);
      else if (value instanceof Tensor && this.bufferNames.has(key)) buffers.push([toSnake(key), value]);
    }
    return { params, buffers };
  }

  /** Parameters with dotted names ("0.weight", "encoder.layers.1.bias"), each once. */
  namedParameters(prefix = ""): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const walk = (m: Module<never[], unknown>, p: string) => {
      for (const [name, t] of m.ownTensors().params) if (!seen.has(t)) { seen.add(t); out.push([p + name, t]); }
      for (const [name, c] of m.namedChildren()) walk(c, `${p}${name}.`);
    };
    walk(this as unknown as Module<never[], unknown>, prefix);
    return out;
  }

  /** All parameters (for optimizers). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const walk = (m: Module<never[], unknown>, p: string) => {
      for (const [name, t] of m.ownTensors().buffers) out.push([p + name, t]);
      for (const [name, c] of m.namedChildren()) walk(c, `${p}${name}.`);
    };
    walk(this as unknown as Module<never[], unknown>, prefix);
    return out;
  }

  /** Sets training mode here and in all descendants; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (PyTorch's eval()). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Casts every floating-point parameter and buffer to `dtype` (PyTorch's `module.to(dtype)`);
   * integer buffers such as numBatchesTracked keep theirs. Unlike PyTorch, cast parameters are new
   * Parameter objects: call this before building an optimizer over `parameters()`.
   * @example const m = new nn.Linear(3, 4).to("float64");
   */
  to(dtype: "float32" | "float64"): this {
    for (const m of this.modules()) {
      const rec = m as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(m)) {
        if (!(value instanceof Tensor) || value.dtype === dtype || (value.dtype !== "float32" && value.dtype !== "float64")) continue;
        if (value instanceof Parameter) {
          rec[key] = new Parameter(noGrad(() => value.to(dtype)), value.requiresGrad);
        } else if (m.bufferNames.has(key)) {
          rec[key] = keep(noGrad(() => value.to(dtype)));
        }
      }
    }
    return this;
  }

  /** Casts floating-point parameters and buffers to float64 (PyTorch's double()). */
  double(): this {
    return this.to("float64");
  }

  /** Casts floating-point parameters and buffers to float32 (PyTorch's float()). */
  float(): this {
    return this.to("float32");
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True)) and frees it. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose("module.zeroGrad()");
      p.grad = null;
    }
  }

  /** Parameters and buffers by dotted name, sharing data with the module (as PyTorch's state_dict). */
  stateDict(): StateDict {
    const sd: StateDict = {};
    const walk = (m: Module<never[], unknown>, p: string) => {
      const own = m.ownTensors();
      // PyTorch lists a module's parameters, then its buffers, then its children.
      for (const [name, t] of own.params) sd[p + name] = t;
      for (const [name, t] of own.buffers) sd[p + name] = t;
      for (const [name, c] of m.namedChildren()) walk(c, `${p}${name}.`);
    };
    walk(this as unknown as Module<never[], unknown>, "");
    return sd;
  }

  /**
   * Copies values from `sd` into this module's parameters and buffers. Everything is checked
   * before anything is written: missing and unexpected keys (strict mode) and shape conflicts are
   * listed together in one error, and the module is left unchanged.
   */
  loadStateDict(sd: StateDict, opts: LoadStateDictOptions = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    // Own keys only: a file's "constructor" or "toString" must not pass as an inherited property.
    const has = (o: object, k: string) => Object.hasOwn(o, k);
    const missingKeys = Object.keys(own).filter((k) => !has(sd, k));
    const unexpectedKeys = Object.keys(sd).filter((k) => !has(own, k));
    const conflicts: string[] = [];
    for (const [k, t] of Object.entries(own)) {
      const src = has(sd, k) ? sd[k] : undefined;
      if (!src) continue;
      if (!(src instanceof Tensor)) conflicts.push(`${k}: expected a Tensor, got ${typeof src}`);
      else if (fmtShape(src.shape) !== fmtShape(t.shape)) conflicts.push(`${k}: checkpoint has shape ${fmtShape(src.shape)}, the module ${fmtShape(t.shape)}`);
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(", ")}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
    if (conflicts.length) problems.push(`shape mismatches: ${conflicts.join("; ")}`);
    if (problems.length) {
      const E = conflicts.length && !(strict && (missingKeys.length || unexpectedKeys.length)) ? ShapeError : ArgumentError;
      throw new E("loadStateDict", problems.join(" | "));
    }
    noGrad(() => {
      for (const [k, t] of Object.entries(own)) if (has(sd, k) && sd[k]) t.copy_(sd[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Applies fn to every module (children first, as PyTorch's apply); returns this. */
  apply(fn: (m: Module<never[], unknown>) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /** A readable tree of the module, like PyTorch's repr. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (!children.length) return `${this.constructor.name}(${extra})`;
    const lines = [...(extra ? extra.split("\n") : []), ...children.map(([n, c]) => `(${n}): ${c.toString()}`)];
    return `${this.constructor.name}(\n${lines.map((l) => `  ${l.split("\n").join("\n  ")}`).join("\n")}\n)`;
  }

  /** Constructor arguments shown by toString(); layers override. */
  protected extraRepr(): string {
    return "";
  }
}
