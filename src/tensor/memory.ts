// Storage ownership, live-memory accounting, scopes and release on garbage collection.
// Views share one Owned storage; it is freed when its last tensor is disposed or collected.
import type { Backend, Storage } from "../backend/backend.js";
import { bytesPer } from "../core/dtype.js";
import { ArgumentError } from "../core/errors.js";

/** A backend storage with the number of tensors that reference it. */
export class Owned {
  refs = 0;
  freed = false;
  constructor(readonly backend: Backend, readonly storage: Storage) {
    stats.storages++;
    stats.bytes += storage.length * bytesPer(storage.dtype);
  }
  retain(): void {
    this.refs++;
  }
  release(): void {
    if (--this.refs > 0 || this.freed) return;
    this.freed = true;
    stats.storages--;
    stats.bytes -= this.storage.length * bytesPer(this.storage.dtype);
    this.backend.free(this.storage);
  }
}

const stats = { tensors: 0, storages: 0, bytes: 0 };

/** Anything that can be disposed and belongs to at most one scope. */
export interface Tracked {
  disposeOnce(): void;
  scopeSet: Set<Tracked> | null;
  /** The storage reference a garbage-collected handle releases (null once disposed). */
  heldOwned(): Owned | null;
  /** Whether the FinalizationRegistry watches the handle: only once no scope holds it. */
  gcWatched: boolean;
}

const finalizer = new FinalizationRegistry<Owned>((owned) => {
  stats.tensors--;
  owned.release();
});

const scopes: Set<Tracked>[] = [];

/**
 * Release on GC for a handle no scope holds. A scope keeps its tensors reachable until it ends
 * and disposes them, so those are registered only if they outlive it (returned to no enclosing
 * scope, or kept): registering every handle at birth costs as much as a small op itself.
 */
function watch(t: Tracked): void {
  const owned = t.gcWatched ? null : t.heldOwned();
  if (!owned) return;
  finalizer.register(t, owned, t);
  t.gcWatched = true;
}

/** Called once per new tensor handle: count it, put it in the innermost scope (or release on GC). */
export function trackTensor(t: Tracked, owned: Owned): void {
  stats.tensors++;
  owned.retain();
  const top = scopes[scopes.length - 1];
  if (top) {
    top.add(t);
    t.scopeSet = top;
  } else {
    finalizer.register(t, owned, t);
    t.gcWatched = true;
  }
}

/** Called by dispose(): stop the GC hook and release the storage reference. */
export function untrackTensor(t: Tracked, owned: Owned): void {
  if (t.gcWatched) {
    finalizer.unregister(t);
    t.gcWatched = false;
  }
  stats.tensors--;
  t.scopeSet?.delete(t);
  t.scopeSet = null;
  owned.release();
}

/** Live tensors (handles, views included), storages and bytes not yet disposed or collected. */
export function memory(): { tensors: number; storages: number; bytes: number } {
  return { ...stats };
}

/** Takes a tensor out of its scope so the scope's end does not dispose it. Returns it. */
export function keep<T extends Tracked>(t: T): T {
  t.scopeSet?.delete(t);
  t.scopeSet = null;
  watch(t);
  return t;
}

function collect(value: unknown, out: Set<Tracked>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  if ("scopeSet" in value && "disposeOnce" in value) {
    out.add(value as Tracked);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, seen);
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (found in arrays, maps
 * and plain objects) and those passed to `keep`. Returned tensors move to the enclosing scope.
 * Like tf.tidy, but optional: without scopes, tensors are freed when garbage-collected.
 */
export function scope<T>(fn: () => T): T {
  const set = new Set<Tracked>();
  scopes.push(set);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of [...set]) t.disposeOnce();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of [...set]) t.disposeOnce();
    throw new ArgumentError("scope", "fn returned a Promise; scope() takes a synchronous function (await outside it)");
  }
  const escaping = new Set<Tracked>();
  collect(result, escaping);
  const parent = scopes[scopes.length - 1] ?? null;
  for (const t of set) {
    if (escaping.has(t)) {
      t.scopeSet = parent;
      if (parent) parent.add(t);
      else watch(t);
    } else t.disposeOnce();
  }
  return result;
}
