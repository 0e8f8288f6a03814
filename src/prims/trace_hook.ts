// The seam between eager execution and ds.compile's tracer (src/compile/). While a trace runs, the
// compiler records every backend call; work that must run again, eagerly, at every compiled call —
// because it reads host-side state that changes between calls (an optimizer's step count and
// learning rate) — is marked `opaque`: the tracer records it as one node holding `fn` instead of
// recording the kernels it launches. A `source` is such host work that makes a tensor (random
// numbers: each call draws new ones from the generator, as eagerly).
import type { Tensor } from "../tensor/tensor.js";
import { AsyncReadError } from "../core/errors.js";
export interface TraceHook {
  opaque<T>(name: string, fn: () => T): T;
  check(name: string, fn: () => void): void;
  source(name: string, fn: () => Tensor): Tensor;
  gradAssigned(leaf: Tensor): void;
}

let hook: TraceHook | null = null;

/** @internal Installs the tracer's hook (null: none); returns the previous one. */
export function setTraceHook(h: TraceHook | null): TraceHook | null {
  const prev = hook;
  hook = h;
  return prev;
}

/** Runs `fn`; under a ds.compile trace, as one opaque step that every compiled call runs again. */
export function opaque<T>(name: string, fn: () => T): T {
  return hook ? hook.opaque(name, fn) : fn();
}

/**
 * Runs a validation that reads tensor values (a class index in range) and throws on bad data.
 * Under a ds.compile trace it runs once, on the traced call's data, and is left out of the
 * replays: a compiled call does not re-validate (kernels that index still refuse bad indices).
 */
export function check(name: string, fn: () => void): void {
  try {
    if (hook) hook.check(name, fn);
    else fn();
  } catch (e) {
    // A backend that reads only asynchronously (webgpu) cannot look at values here; its indexing
    // kernels still refuse bad indices, reported at the next read-back.
    if (!(e instanceof AsyncReadError)) throw e;
  }
}

/** Makes a tensor on the host (random draws); under a ds.compile trace, every compiled call makes it again. */
export function source(name: string, fn: () => Tensor): Tensor {
  return hook ? hook.source(name, fn) : fn();
}

/**
 * Says that backward gave `leaf` a new `.grad` tensor (a host-side assignment): every compiled
 * call makes `leaf.grad` that tensor again (a zeroGrad elsewhere, or another traced signature,
 * may have replaced it meanwhile).
 */
export function gradAssigned(leaf: Tensor): void {
  hook?.gradAssigned(leaf);
}
