// The Optimizer shell (PyTorch's torch.optim.Optimizer): parameter groups, per-parameter state,
// step/zeroGrad, and state dicts with PyTorch's keys. Each optimizer adds only its update rule.
import { checkOptions } from "../core/options.js";
import { ArgumentError, NonFiniteError, ShapeError, fmtShape } from "../core/errors.js";
import { isFloat } from "../core/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { keep, scope, stepBoundary } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";
import { allFinite, describeNonFinite } from "../ops/finite.js";
import { backendOf, filled } from "../prims/kernel.js";
import { opaque } from "../prims/trace_hook.js";

/** One parameter group: its tensors, learning rate and the optimizer's other hyperparameters. */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  /** Hyperparameters of the optimizer, and values schedules keep here (initialLr, maxLr, …). */
  [key: string]: unknown;
}

/** A group of an optimizer whose hyperparameters are `H`. */
export type Group<H> = ParamGroup & H;

/** A group as passed to a constructor: its tensors plus any hyperparameters that override the defaults. */
export type ParamGroupInput<O> = { params: readonly Tensor[] } & O & Record<string, unknown>;

/** What every optimizer constructor takes first: tensors, or groups of tensors with their own options. */
export type ParamsInput<O> = readonly Tensor[] | readonly ParamGroupInput<O>[];

/** A value of per-parameter state: a tensor shaped like the parameter, or a number (the step count). */
export type StateValue = Tensor | number;

/**
 * An optimizer's state in PyTorch's layout and key names: `state` by parameter index (counted
 * across groups in order), `param_groups` with hyperparameters and the indices of their params.
 * Tensors are copies, so the dict is a snapshot that later steps do not change.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, StateValue>>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

/** Options every optimizer takes besides its hyperparameters (which may also be set per group). */
export interface OptimizerOptions {
  /**
   * Refuse a step whose gradients hold NaN or ±Infinity: `step()` throws NonFiniteError naming the
   * parameter (its index, as in stateDict) and where the first bad value is, before any parameter
   * or state changes (default false). The guard fit gives its loss, for hand-written loops.
   */
  checkFinite?: boolean;
}

/** Zero-argument function that recomputes the loss (for optimizers that re-evaluate it). */
export type Closure = () => number | Tensor;

/** camelCase ⇄ PyTorch's snake_case keys (weightDecay ⇄ weight_decay, expAvgSq ⇄ exp_avg_sq). */
export const toSnakeKey = (k: string): string => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
export const toCamelKey = (k: string): string => k.replace(/^_+/, "").replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Throws unless `v` is a number >= 0 (the common hyperparameter check). */
export function checkNonNegative(name: string, what: string, v: unknown): void {
  if (typeof v !== "number" || Number.isNaN(v) || v < 0) throw new ArgumentError(name, `invalid ${what}: ${String(v)} (must be a number >= 0)`);
}

/**
 * Base of all optimizers. Subclasses give their defaults, a hyperparameter check, a state
 * initialiser and the per-parameter update; the shell does the rest.
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export abstract class Optimizer<H extends { lr: number } = { lr: number }, S extends object = object> {
  /** The groups, in order; schedules change `lr` (and momentum) here. */
  readonly paramGroups: Group<H>[] = [];
  /** Per-parameter state (moment estimates, step counts), created at a parameter's first step. */
  readonly state = new Map<Tensor, S>();
  /** Hyperparameters a group gets unless it overrides them. */
  readonly defaults: Readonly<H>;
  /** The optimizer's name, used in error messages. */
  readonly name: string;
  /** Whether step() refuses non-finite gradients (the `checkFinite` option); may be changed at any time. */
  checkFinite: boolean;

  protected constructor(name: string, params: ParamsInput<Partial<H>>, defaults: H, opts: Partial<H> & OptimizerOptions) {
    this.name = name;
    checkOptions(name, opts, [...Object.keys(defaults), "checkFinite"]);
    const { checkFinite = false, ...hyper } = opts;
    if (typeof checkFinite !== "boolean") throw new ArgumentError(name, `checkFinite must be true or false, got ${String(checkFinite)}`);
    this.checkFinite = checkFinite;
    this.defaults = { ...defaults, ...definedEntries(hyper) } as H;
    if (!Array.isArray(params) && !(params instanceof Tensor)) {
      throw new ArgumentError(name, "params must be an array of tensors or of parameter groups ({ params, ...options }), e.g. model.parameters()");
    }
    const list = params instanceof Tensor ? [params] : (params as readonly unknown[]);
    if (list.length === 0) throw new ArgumentError(name, "got an empty parameter list");
    this.checkHyper(this.defaults);
    const groups = (list[0] instanceof Tensor ? [{ params: list }] : list) as readonly ParamGroupInput<Partial<H>>[];
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * Adds a group of parameters with its own hyperparameters (missing ones come from the
   * defaults), e.g. to start training layers that were frozen.
   */
  addParamGroup(group: ParamGroupInput<Partial<H>>): void {
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new ArgumentError(this.name, "a parameter group must be an object { params: Tensor[], ...options }");
    }
    // A misspelt hyperparameter in a group would otherwise train that group with the default.
    checkOptions(`${this.name} parameter group`, group, ["params", ...Object.keys(this.defaults)]);
    const raw = group.params as unknown;
    const params = raw instanceof Tensor ? [raw] : Array.isArray(raw) ? [...(raw as unknown[])] : null;
    if (!params) throw new ArgumentError(this.name, "a group's params must be an array of tensors");
    const seen = new Set<Tensor>(this.paramGroups.flatMap((g) => g.params));
    const mine = new Set<Tensor>();
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ArgumentError(this.name, `params must be tensors, got ${p === null ? "null" : typeof p}`);
      if (p._node !== null) throw new ArgumentError(this.name, "can't optimize a non-leaf tensor (one computed from others); optimize the leaves, e.g. model.parameters()");
      if (!isFloat(p.dtype)) throw new ArgumentError(this.name, `can only optimize floating-point tensors, got ${p.dtype}`);
      if (seen.has(p) || mine.has(p)) throw new ArgumentError(this.name, "some parameters appear in more than one parameter group (or twice in one)");
      mine.add(p);
    }
    const merged = { ...this.defaults, ...definedEntries(group) };
    const g = { ...Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, copyValue(v)])), params } as unknown as Group<H>;
    this.checkHyper(g);
    this.paramGroups.push(g);
  }

  /** Learning rate of the first group (read), or set it on the first group. */
  get lr(): number {
    return this.paramGroups[0].lr;
  }
  set lr(value: number) {
    checkNonNegative(this.name, "learning rate", value);
    this.paramGroups[0].lr = value;
  }

  /**
   * Updates every parameter that has a gradient (those whose `.grad` is null are skipped).
   * Runs without recording gradients; intermediates are freed before it returns. With a
   * closure, calls it first (to recompute the loss) and returns its result.
   */
  step(closure?: Closure): number | Tensor | undefined {
    const loss = closure ? closure() : undefined;
    // Opaque under ds.compile: the update reads host state (step counts, lr) that changes per call.
    opaque(`${this.name}.step`, () => this.applyUpdates());
    // The end of a training step: what user code made and has not touched for a whole step moves
    // off the device (tensor/memory.ts).
    stepBoundary(this);
    return loss;
  }

  /** The guard and the per-parameter updates of one step. */
  private applyUpdates(): void {
    if (this.checkFinite) this.refuseNonFinite();
    scope(() => noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let st = this.state.get(p);
          if (!st) {
            st = this.initState(p, group);
            this.state.set(p, st);
          }
          for (const v of Object.values(st)) if (v instanceof Tensor) keep(v);
          this.update(p, p.grad, group, st);
          for (const v of Object.values(st)) if (v instanceof Tensor) keep(v);
        }
      }
    }));
  }

  /** Throws NonFiniteError for the first gradient with a NaN or an infinity (checkFinite), before anything changes. */
  private refuseNonFinite(): void {
    let index = 0;
    for (const [gi, group] of this.paramGroups.entries()) {
      for (const p of group.params) {
        if (p.grad !== null && !allFinite(p.grad)) {
          const which = `the gradient of parameter ${index}${this.paramGroups.length > 1 ? ` (group ${gi})` : ""}`;
          throw new NonFiniteError(`${this.name}.step`, `${describeNonFinite(p.grad, which)}; the step was refused (checkFinite), no parameter or state changed`);
        }
        index++;
      }
    }
  }

  /**
   * Clears the gradients of all parameters: disposes and sets `.grad` to null (PyTorch's
   * `zero_grad(set_to_none=True)`), or with `setToNone = false` fills them with zeros in place.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) {
          p.grad.dispose("optimizer.zeroGrad()");
          p.grad = null;
        } else noGrad(() => p.grad!.copy_(0));
      }
    }
  }

  /** Throws ArgumentError (naming the optimizer) on invalid hyperparameters of a group or of the defaults. */
  protected abstract checkHyper(h: H): void;

  /** State for a parameter's first step (tensors here are made persistent by the shell). */
  protected abstract initState(p: Tensor, group: Group<H>): S;

  /** Writes the new value of `p` (and of its state) in place; runs under noGrad inside a scope. */
  protected abstract update(p: Tensor, grad: Tensor, group: Group<H>, state: S): void;

  /** A tensor shaped and typed like `p` (on its backend) filled with `value`, kept out of any scope (for state). */
  protected stateLike(p: Tensor, value = 0): Tensor {
    return keep(filled(backendOf(this.name, [p]), p.shape, p.dtype, value));
  }

  /**
   * A snapshot of the state and hyperparameters in PyTorch's layout and key names
   * (`{ state: { 0: { step, exp_avg, … } }, param_groups: [{ lr, betas, weight_decay, …, params: [0, 1] }] }`).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== "params") out[toSnakeKey(k)] = copyValue(v);
      const params = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...out, params };
    });
    const state: Record<number, Record<string, StateValue>> = {};
    for (const [p, i] of index) {
      const st = this.state.get(p);
      if (!st) continue;
      const entry: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(st)) {
        if (v instanceof Tensor) entry[toSnakeKey(k)] = noGrad(() => v.clone());
        else if (typeof v === "number") entry[toSnakeKey(k)] = v;
      }
      state[i] = entry;
    }
    return { state, param_groups };
  }

  /**
   * Restores state and hyperparameters from `stateDict()` (of an optimizer with the same groups
   * and parameter sizes). Everything is checked before anything changes; state tensors are
   * copied and cast to their parameter's dtype.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = `${this.name}.loadStateDict`;
    if (!sd || typeof sd !== "object" || !Array.isArray(sd.param_groups) || typeof sd.state !== "object" || sd.state === null) {
      throw new ArgumentError(name, "expected { state, param_groups } as returned by stateDict()");
    }
    if (sd.param_groups.length !== this.paramGroups.length) {
      throw new ArgumentError(name, `the state dict has ${sd.param_groups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const groupOf = new Map<Tensor, number>();
    sd.param_groups.forEach((g, i) => {
      const own = this.paramGroups[i].params;
      if (!Array.isArray(g.params) || g.params.length !== own.length) {
        throw new ArgumentError(name, `group ${i} has ${Array.isArray(g.params) ? g.params.length : "no"} parameters in the state dict, ${own.length} in the optimizer`);
      }
      g.params.forEach((idx, j) => { byIndex.set(Number(idx), own[j]); groupOf.set(own[j], i); });
    });
    const restored = new Map<Tensor, Record<string, StateValue>>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new ArgumentError(name, `state for parameter ${key}, which no group lists`);
      if (entry === null || typeof entry !== "object") throw new ArgumentError(name, `state of parameter ${key} must be an object`);
      const st: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (v === null || v === undefined) continue;
        if (typeof v === "number") {
          if (k === "step" ? !(Number.isSafeInteger(v) && v >= 0) : !Number.isFinite(v)) throw new ArgumentError(name, `state "${k}" of parameter ${key} must be ${k === "step" ? "an integer >= 0" : "a finite number"}, got ${v}`);
          st[toCamelKey(k)] = v;
        }
        else if (v instanceof Tensor) {
          if (k === "step") st.step = v.item();
          else if (v.size === p.size && v.ndim === p.ndim && v.shape.every((d, a) => d === p.shape[a])) st[toCamelKey(k)] = v;
          else throw new ShapeError(name, `state "${k}" of parameter ${key} has shape ${fmtShape(v.shape)}, the parameter ${fmtShape(p.shape)}`);
        } else throw new ArgumentError(name, `state "${k}" of parameter ${key} must be a tensor or a number, got ${typeof v}`);
      }
      restored.set(p, st);
    }
    // The hyperparameters each group would have, checked as the constructor checks them.
    const groups = sd.param_groups.map((g, i) => {
      const merged: Record<string, unknown> = { ...this.paramGroups[i] };
      for (const [k, v] of Object.entries(g)) if (k !== "params") merged[toCamelKey(k)] = v;
      this.checkHyper(merged as unknown as Group<H>);
      return merged as unknown as Group<H>;
    });
    // Every entry a fresh state would have under those hyperparameters must be there: a state
    // missing exp_avg would otherwise fail inside the next step() instead of here.
    scope(() => {
      for (const [p, st] of restored) {
        const template = this.initState(p, groups[groupOf.get(p)!]) as Record<string, StateValue>;
        for (const k of Object.keys(template)) {
          if (!(k in st)) throw new ArgumentError(name, `the state of parameter ${[...byIndex].find(([, t]) => t === p)![0]} lacks "${toSnakeKey(k)}" (expected ${Object.keys(template).map(toSnakeKey).join(", ")})`);
        }
      }
    });
    // All checked: now change things. Copies are made before the old state is freed, in case
    // the dict holds the very tensors it replaces.
    const copies = new Map<Tensor, S>();
    for (const [p, st] of restored) {
      const own: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(st)) own[k] = v instanceof Tensor ? keep(noGrad(() => v.detach().to(p.dtype).clone())) : v;
      copies.set(p, own as S);
    }
    sd.param_groups.forEach((g, i) => {
      const target = this.paramGroups[i] as Record<string, unknown>;
      for (const [k, v] of Object.entries(g)) if (k !== "params") target[toCamelKey(k)] = copyValue(v);
    });
    for (const st of this.state.values()) for (const v of Object.values(st)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [p, st] of copies) this.state.set(p, st);
  }
}

function definedEntries(o: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && k !== "params"));
}

function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? [...v] : v;
}
