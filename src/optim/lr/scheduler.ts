// The LRScheduler base (PyTorch's _LRScheduler): base learning rates, the epoch counter, the
// chainable step that writes each group's lr, and state dicts with PyTorch's key names.
import { ArgumentError } from "../../core/errors.js";
import { Optimizer, toCamelKey, toSnakeKey } from "../optimizer.js";
import { checkNumber, checkOptions } from "../../core/options.js";
export { checkNumber, checkOptions };

/** Any optimizer a schedule can drive (every deepscript optimizer). */
export type AnyOptimizer = Optimizer<{ lr: number }, object>;

/** A scheduler's state: its fields under PyTorch's snake_case names (last_epoch, base_lrs, …), JSON-able. */
export type SchedulerStateDict = Record<string, unknown>;

/**
 * Base of the epoch/step-driven schedules. A subclass computes the lrs of the next epoch from
 * the current ones (PyTorch's recursive, chainable form); constructing one performs step 0.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this schedule sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's `initialLr` when the schedule was made. */
  baseLrs: number[];
  /** Number of step() calls so far, minus one (0 after construction). */
  lastEpoch = -1;
  /** How many times step() ran, construction's included. */
  stepCount = 0;
  /** The lrs set by the last step. */
  lastLr: number[] = [];

  protected constructor(name: string, optimizer: AnyOptimizer) {
    checkOptimizer(name, optimizer);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
  }

  /** Called at the end of each subclass constructor: sets the lrs of epoch 0 (PyTorch's _initial_step). */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lrs of `epoch` (one per group), computed before any state changes. */
  protected abstract computeLr(epoch: number): number[];

  /** Advances one epoch (or batch, for OneCycleLR) and writes the new lr into every group. Call after optimizer.step(). */
  step(): void {
    const epoch = this.lastEpoch + 1;
    const lrs = this.computeLr(epoch);
    this.lastEpoch = epoch;
    this.stepCount++;
    this.optimizer.paramGroups.forEach((g, i) => { g.lr = lrs[i]; });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group as set by the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The schedule's state (everything but the optimizer), JSON-able, with PyTorch's key names. */
  stateDict(): SchedulerStateDict {
    return saveFields(this);
  }

  /** Restores a state from stateDict() (keys it does not know are ignored, as extra PyTorch fields). */
  loadStateDict(sd: SchedulerStateDict): void {
    loadFields(`${this.constructor.name}.loadStateDict`, this, sd, this.optimizer.paramGroups.length);
  }
}

/** @internal Throws unless `optimizer` is a deepscript optimizer. */
export function checkOptimizer(name: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) throw new ArgumentError(name, `expected an optimizer (e.g. new optim.SGD(...)), got ${optimizer === null ? "null" : typeof optimizer}`);
}

/** @internal A number, or one per group, as a per-group array (PyTorch's _format_param). */
export function perGroup(name: string, what: string, v: number | readonly number[], groups: number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups) throw new ArgumentError(name, `expected ${groups} values for ${what} (one per parameter group), got ${v.length}`);
    return v.map((x, i) => checkNumber(name, `${what}[${i}]`, x));
  }
  return new Array<number>(groups).fill(checkNumber(name, what, v));
}

const SKIP = new Set(["optimizer"]);

/** @internal The own data fields of a schedule under snake_case keys, deep-copied. */
export function saveFields(obj: object): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [k, v] of Object.entries(obj)) if (!SKIP.has(k) && typeof v !== "function") out[toSnakeKey(k)] = structuredClone(v);
  return out;
}

/** @internal Writes known fields back from a state dict (snake_case or camelCase keys). */
export function loadFields(name: string, obj: object, sd: SchedulerStateDict, groups: number): void {
  if (sd === null || typeof sd !== "object") throw new ArgumentError(name, "expected a state dict object from stateDict()");
  const target = obj as Record<string, unknown>;
  const updates: [string, unknown][] = [];
  for (const [k, v] of Object.entries(sd)) {
    const key = toCamelKey(k);
    if (SKIP.has(key) || !Object.prototype.hasOwnProperty.call(target, key) || typeof target[key] === "function") continue;
    if ((key === "baseLrs" || key === "lastLr" || key === "minLrs") && (!Array.isArray(v) || v.length !== groups)) {
      throw new ArgumentError(name, `${k} must list one value per parameter group (${groups}), got ${JSON.stringify(v)}`);
    }
    // A value of another kind than the field holds (a string lr, a list for a count) would only fail, or give NaN, steps later.
    const now = target[key];
    if (now !== null && now !== undefined && v !== null && !sameKind(v, now)) {
      throw new ArgumentError(name, `${k} must be ${Array.isArray(now) ? "a list" : `a ${typeof now}`} like the schedule's, got ${JSON.stringify(v)}`);
    }
    updates.push([key, v]);
  }
  for (const [key, v] of updates) target[key] = structuredClone(v);
}

// Whether a saved value has the kind of the field it replaces (lists: every element like the field's first).
function sameKind(v: unknown, now: unknown): boolean {
  if (Array.isArray(now)) return Array.isArray(v) && (now.length === 0 || v.every((x) => typeof x === typeof now[0]));
  return typeof v === typeof now;
}
