// Storage ownership and the memory model: what frees a tensor's storage, and when.
//
// JavaScript never tells a library that a tensor became unreachable inside a synchronous loop
// (finalizers run only between tasks, and engines do not count WebAssembly memory as pressure),
// so storage is released by the library itself:
//  1. Deterministically, by reference counts. Views share one `Owned` storage, freed when its last
//     handle is disposed. Every op runs in a *frame* (an internal scope) that disposes the handles
//     it made and does not return; the autograd graph holds its own references to what backward
//     needs (`graphRefs`) and drops them when backward has used them. So a model's activations,
//     ops' temporaries, gradients' temporaries and optimizer temporaries are freed as soon as
//     they are dead, with no scope in user code.
//  2. What reaches user code (the batch, the logits, the loss, a tensor the user keeps) cannot be
//     judged: the user may still hold it. Time is cut into intervals by *boundaries* (an optimizer
//     step, a DataLoader advancing, or allocation pressure); a device storage that no op or read
//     has touched for a whole interval is *spilled*: its bytes are copied to an ordinary typed
//     array in the JavaScript heap and the device memory is freed. A spilled tensor stays fully
//     usable — its next use copies it back — and if it is garbage the engine's collector reclaims
//     the typed array, which it does count as memory pressure. Device memory therefore stays flat
//     in any loop, and no tensor the user holds is ever invalidated.
//  3. Explicitly: `ds.scope`, `dispose()`, `using` and `keep`, as before.
import type { Backend, Storage } from "../backend/backend.js";
import { bytesPer, type DType, type TypedArray } from "../core/dtype.js";
import { ArgumentError } from "../core/errors.js";
import { reservedBytes } from "../backend/registry.js";

const stats = { tensors: 0, storages: 0, bytes: 0, spills: 0, restores: 0 };

/** Device-resident storages (candidates for spilling at a boundary). */
const resident = new Set<Owned>();

/** The current interval; boundaries advance it. */
let epoch = 1;
/** Bytes that reached user code (made at depth 0 or returned to it) since the last boundary, and since the last explicit one. */
let young = 0;
let youngStep = 0;
/** The same in storages: many small ones (one-row inferences) pass no byte limit but fill the heap's lists. */
let youngCount = 0;
let youngStepCount = 0;
let countLimit = 64;
/** Young bytes past which an allocation at user level is itself a boundary (recomputed at each boundary). */
let pressureLimit = 4096;

/** A backend storage with the number of handles that reference it; resident on the device or spilled. */
export class Owned {
  refs = 0;
  freed = false;
  readonly dtype: DType;
  readonly length: number;
  readonly bytes: number;
  /** Interval of the last use (any kernel input/output or read). */
  lastUse = epoch;
  /** Intervals without use before a spill; doubles at each restore, so hot data stops bouncing. */
  patience = 1;
  /** Whether its bytes were counted as reaching user level (see noteUserLevel). */
  counted = false;
  private dev: Storage | null;
  /** The host copy while spilled (for backends whose storage is device memory). */
  private host: TypedArray | null = null;
  spilled = false;

  constructor(readonly backend: Backend, storage: Storage) {
    this.dev = storage;
    this.dtype = storage.dtype;
    this.length = storage.length;
    this.bytes = storage.length * bytesPer(storage.dtype);
    stats.storages++;
    stats.bytes += this.bytes;
    resident.add(this);
  }

  /** The backend storage; a spilled storage is brought back first. Counts as a use. */
  get storage(): Storage {
    if (this.spilled) this.restore();
    this.lastUse = epoch;
    return this.dev!;
  }

  retain(): void {
    this.refs++;
    if (!this.spilled) stats.tensors++;
  }

  release(): void {
    if (!this.spilled) stats.tensors--;
    if (--this.refs > 0 || this.freed) return;
    this.freed = true;
    if (this.spilled) {
      this.host = null;
      this.dev = null;
      return;
    }
    resident.delete(this);
    stats.storages--;
    stats.bytes -= this.bytes;
    this.backend.free(this.dev!);
    this.dev = null;
  }

  /** @internal The device storage without counting a use (null while spilled or freed). */
  peek(): Storage | null {
    return this.dev;
  }

  /** Moves the bytes to the JavaScript heap and frees the device storage. */
  spill(): void {
    if (this.backend.asyncRead) return this.spillAsync();
    if (this.backend.hostMemory) {
      // The storage already is a JavaScript typed array: only the device accounting changes.
    } else {
      this.host = this.backend.read(this.dev!);
      this.backend.free(this.dev!);
      this.dev = null;
    }
    this.settleSpill();
  }

  /** A copy to the host is in flight (backends that read only asynchronously: webgpu). */
  private spilling = false;

  /**
   * Backends without synchronous reads: start the copy now, and free the device storage when it
   * lands (the next time the program awaits), unless the storage was used or freed meanwhile —
   * then the copy is dropped and the storage stays where it is.
   */
  private spillAsync(): void {
    if (this.spilling) return;
    const dev = this.dev!, since = this.lastUse;
    this.spilling = true;
    this.backend.readAsync!(dev, 0, dev.length, true).then((host) => {
      this.spilling = false;
      if (this.freed || this.spilled || this.dev !== dev || this.lastUse !== since) return;
      this.host = host;
      this.backend.free(dev);
      this.dev = null;
      this.settleSpill();
    }, () => {
      this.spilling = false; // it stays on the device; a later boundary tries again
    });
  }

  private settleSpill(): void {
    this.spilled = true;
    resident.delete(this);
    stats.tensors -= this.refs;
    stats.storages--;
    stats.bytes -= this.bytes;
    stats.spills++;
  }

  private restore(): void {
    if (!this.backend.hostMemory) {
      this.dev = this.backend.fromArray(this.dtype, this.host!);
      this.host = null;
    }
    this.spilled = false;
    this.patience = Math.min(this.patience * 2, 64);
    resident.add(this);
    stats.tensors += this.refs;
    stats.storages++;
    stats.bytes += this.bytes;
    stats.restores++;
  }
}

/** What the memory layer needs of a tensor handle. */
export interface Tracked {
  /** Depth of the frame that will dispose it at its end; 0: none (user level, kept, or disposed). */
  _frame: number;
  /** Owned storage, or null once disposed. */
  heldOwned(): Owned | null;
  dispose(reason?: string): void;
}

// ---- frames (internal scopes) and ds.scope ---------------------------------------------------------

/** Handles made inside open frames, in creation order; `marks[d-1]` is where frame d starts. */
const items: Tracked[] = [];
const marks: number[] = [];
/** Open frames, and how many of them are ops' own (not user scopes). */
let depth = 0;
let opDepth = 0;

/** Called once per new tensor handle: count it, and put it in the innermost frame. */
export function trackTensor(t: Tracked, owned: Owned): void {
  owned.retain();
  if (depth > 0) {
    t._frame = depth;
    items.push(t);
  } else {
    noteUserLevel(owned);
  }
}

/** Called by dispose(): release the storage reference. */
export function untrackTensor(t: Tracked, owned: Owned): void {
  t._frame = 0;
  owned.release();
}

function isTracked(v: unknown): v is Tracked {
  return typeof v === "object" && v !== null && "_frame" in v && "heldOwned" in v;
}

function collect(value: unknown, out: Set<Tracked>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if (isTracked(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

function enter(op: boolean): void {
  marks.push(items.length);
  depth++;
  if (op) opDepth++;
}

/** Ends the innermost frame: disposes what it made except `result`'s tensors, which move up. */
function leave(result: unknown, op: boolean, reason: string): void {
  const mark = marks.pop()!;
  const d = depth--;
  if (op) opDepth--;
  const n = items.length;
  let escaping: Set<Tracked> | null = null;
  if (!isTracked(result) && typeof result === "object" && result !== null) collect(result, (escaping = new Set()));
  const up: Tracked[] = [];
  for (let i = mark; i < n; i++) {
    const t = items[i];
    if (t._frame !== d) continue; // kept, disposed, or already moved
    if (t === result || (escaping !== null && escaping.has(t))) up.push(t);
    else t.dispose(reason);
  }
  items.length = mark;
  for (const t of up) {
    if (depth > 0) {
      t._frame = depth;
      items.push(t);
    } else {
      t._frame = 0;
      const o = t.heldOwned();
      if (o) noteUserLevel(o);
    }
  }
}

function abort(op: boolean, reason: string): void {
  const mark = marks.pop()!;
  const d = depth--;
  if (op) opDepth--;
  for (let i = mark; i < items.length; i++) if (items[i]._frame === d) items[i].dispose(reason);
  items.length = mark;
}

/** Runs `fn` in a new frame (an op's, or a user's scope); `ended`/`failed` say what disposed its tensors. */
function within<T>(fn: () => T, op: boolean, ended: string, failed: string): T {
  enter(op);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    abort(op, failed);
    throw e;
  }
  if (!op && typeof result === "object" && result !== null && typeof (result as { then?: unknown }).then === "function") {
    abort(op, ended);
    // The body runs on after its first await, over tensors just disposed; its later failure is a
    // consequence of the error thrown here, so it must not also crash the process as unhandled.
    Promise.resolve(result).catch(() => {});
    throw new ArgumentError("scope", `fn returned a Promise; scope() takes a synchronous function. ${ASYNC_ADVICE}`);
  }
  leave(result, op, ended);
  return result;
}

/**
 * Runs an op's body in a frame: the handles it makes and does not return are disposed when it
 * returns (or throws). What the graph saved for backward survives through its own references.
 */
export function frame<T>(fn: () => T): T {
  return within(fn, true, "the op that made it", "an op that failed");
}

const AsyncFunction = (async () => {}).constructor;
const ASYNC_ADVICE = "Await outside the scope (scope the synchronous part of each step), or leave the scope out: memory is managed without it";

/**
 * Runs `fn` and disposes every tensor it created except those it returns (found in arrays, maps
 * and plain objects) and those passed to `keep`. Returned tensors move to the enclosing scope.
 * Optional: without scopes, memory is managed as the header of this file says. `fn` must be
 * synchronous: an async function is refused before it runs, and a function that returns a Promise
 * (or any thenable) has its tensors disposed and gets an ArgumentError.
 */
export function scope<T>(fn: () => T): T {
  // Refused before it runs: an async body would go on after the scope had disposed its tensors.
  if (typeof fn !== "function" || fn.constructor === AsyncFunction) refuse(fn);
  return within(fn, false, "the end of the ds.scope that made it (return it from the scope, or ds.keep it, to use it afterwards)",
    "the end of the ds.scope that made it (it threw)");
}

function refuse(fn: unknown): never {
  if (typeof fn !== "function") throw new ArgumentError("scope", `expected a function, got ${fn === null ? "null" : typeof fn}`);
  throw new ArgumentError("scope", `got an async function; scope() takes a synchronous function. ${ASYNC_ADVICE}`);
}

/** Takes a tensor out of its scope so the scope's end does not dispose it. Returns it. */
export function keep<T extends Tracked>(t: T): T {
  t._frame = 0;
  return t;
}

// ---- boundaries and spilling ------------------------------------------------------------------

function noteUserLevel(o: Owned): void {
  if (o.counted || o.spilled) return;
  o.counted = true;
  young += o.bytes;
  youngStep += o.bytes;
  youngCount++;
  youngStepCount++;
  // Pressure is judged only at user level, between ops: no op is holding a raw storage then.
  if ((young > pressureLimit || youngCount > countLimit) && opDepth === 0) advance(false);
}

/** The interval at each boundary source's last call, so that two sources in one loop count once. */
const lastSeen = new WeakMap<object, number>();

/**
 * Marks the end of a step; `source` is what says so (an optimizer, a DataLoader). Each loop gets
 * one pacemaker: a source advances the interval only if no other source did since its own last
 * call, so a loop with a DataLoader and an optimizer (or two optimizers) cuts one interval per
 * step, not two, and an evaluation loop's DataLoader takes over once training stops.
 */
export function stepBoundary(source: object): void {
  const seen = lastSeen.get(source);
  if (seen === undefined || seen === epoch) advance(true);
  lastSeen.set(source, epoch);
}

/** Open `withoutSpills` calls: while any is open, boundaries spill nothing. */
let spillsPaused = 0;

/**
 * @internal Runs `fn` with spilling suspended (ds.compile's trace: a storage moving off the device
 * and back mid-trace would look like a new tensor).
 */
export function withoutSpills<T>(fn: () => T): T {
  spillsPaused++;
  try {
    return fn();
  } finally {
    spillsPaused--;
  }
}

function advance(explicit: boolean): void {
  epoch++;
  // Spill what was not used during the interval that just ended (nor for `patience` intervals).
  if (spillsPaused === 0) for (const o of resident) if (epoch - o.lastUse > o.patience) o.spill();
  // The next pressure boundary: a small fraction of what the device holds, and never so soon that
  // a loop with its own boundaries (an optimizer, a loader) gets extra ones in the middle of a step
  // (they would spill the step's own activations before its backward).
  const floor = Math.max(1024, stats.bytes / 128);
  pressureLimit = Math.max(floor, explicit ? 2 * youngStep : pressureLimit / 2);
  countLimit = Math.max(64, explicit ? 2 * youngStepCount : countLimit / 2);
  young = 0;
  youngCount = 0;
  if (explicit) {
    youngStep = 0;
    youngStepCount = 0;
  }
}

/** @internal For ds.compile: the owner of each device-resident storage (no use is counted). */
export function ownersByStorage(): Map<Storage, Owned> {
  const m = new Map<Storage, Owned>();
  for (const o of resident) {
    const s = o.peek();
    if (s) m.set(s, o);
  }
  return m;
}

/** What `ds.memory()` reports. */
export interface MemoryInfo {
  /** Tensor handles (views included) whose storage is on a device. */
  tensors: number;
  /** Storages on the devices, and their bytes. */
  storages: number;
  bytes: number;
  /** Bytes the backends reserved from the system (the wasm backend's WebAssembly memory; it never shrinks). */
  reserved: number;
  /** Storages moved to the JavaScript heap since start, and brought back (see the header of tensor/memory.ts). */
  spills: number;
  restores: number;
}

/** Live tensors, storages and bytes on the devices, the memory reserved, and spill counts. */
export function memory(): MemoryInfo {
  return { ...stats, reserved: reservedBytes() };
}
