// Which backends exist and which one runs ops: `setBackend`, `getBackend`, `backends`.
import type { Backend } from "./backend.js";
import { ArgumentError } from "../core/errors.js";
import { JsBackend } from "./js/index.js";
import { WasmBackend } from "./wasm/index.js";
import { availableCores, runtimeFeatures } from "./features.js";
import { WebGpuBackend, type AdapterSummary } from "./webgpu/index.js";

/** Threads backends may use (this one included): all cores until `setThreads` says otherwise. */
let threads = availableCores();
const available = new Map<string, () => Backend>([["js", () => new JsBackend()]]);
if (runtimeFeatures().simd) available.set("wasm", () => new WasmBackend({ threads }));
const instances = new Map<string, Backend>();
let current: Backend | undefined;

function instance(name: string): Backend {
  let b = instances.get(name);
  if (!b) {
    const make = available.get(name);
    if (!make && name === "webgpu") throw new ArgumentError("setBackend", `the webgpu backend starts asynchronously: \`await ds.ready("webgpu")\` first (available now: ${[...available.keys()].join(", ")})`);
    if (!make) throw new ArgumentError("setBackend", `unknown backend "${name}"; available: ${[...available.keys()].join(", ")}`);
    b = make();
    instances.set(name, b);
  }
  return b;
}

/** Selects the backend that runs subsequent ops. Tensors keep the backend they were made on. */
export function setBackend(name: string): void {
  current = instance(name);
}

/** The name of the active backend. */
export function getBackend(): string {
  return backend().name;
}

/** The backend used until `setBackend` is called: `wasm` where WebAssembly SIMD exists, else `js`. */
export function defaultBackend(): string {
  return available.has("wasm") ? "wasm" : "js";
}

/** The active backend object (for the array layer). */
export function backend(): Backend {
  return (current ??= instance(defaultBackend()));
}

/** Backend by name (creates it on first use). */
export function backendByName(name: string): Backend {
  return instance(name);
}

/** Bytes reserved from the system by the backends started so far (the wasm backend's memory). */
export function reservedBytes(): number {
  let n = 0;
  for (const b of instances.values()) n += b.reservedBytes?.() ?? 0;
  return n;
}

/** Names of the backends this build can run. */
export function backends(): string[] {
  return [...available.keys()];
}

/** Registers a backend factory (used by faster backends and by tests). */
export function registerBackend(name: string, make: () => Backend): void {
  available.set(name, make);
  instances.delete(name);
}

/**
 * Sets the number of threads backends may use, this one included (default: the number of cores).
 * The wasm backend runs large matrix products on n threads (workers over its shared memory; in
 * browsers only on cross-origin-isolated pages); the js backend is single-threaded.
 * @example ds.setThreads(1) // everything on the calling thread
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError("setThreads", `expected a positive integer, got ${n}`);
  threads = n;
  for (const b of instances.values()) b.setThreads?.(n);
}

/** Threads backends may use (see setThreads). */
export function getThreads(): number {
  return threads;
}

let gpuStart: Promise<WebGpuBackend> | null = null;

/**
 * Starts a backend whose device is found asynchronously and resolves when it can run ops
 * (`"webgpu"`: finds an adapter and device; throws an ArgumentError saying why where there is
 * none). For `"js"` and `"wasm"` it resolves at once. Then `ds.setBackend(name)` selects it.
 * @example await ds.ready("webgpu"); ds.setBackend("webgpu");
 */
export async function ready(name: string): Promise<void> {
  if (name !== "webgpu") {
    instance(name);
    return;
  }
  if (instances.has("webgpu")) return;
  gpuStart ??= WebGpuBackend.create();
  let be: WebGpuBackend;
  try {
    be = await gpuStart;
  } catch (e) {
    gpuStart = null; // a later call may try again (another flag, a driver installed)
    throw e;
  }
  available.set("webgpu", () => be);
  instances.set("webgpu", be);
}

/** What each started backend runs on; for webgpu, the adapter (vendor, architecture, limits, software or not). */
export interface BackendInfo {
  name: string;
  adapter?: AdapterSummary;
}

/** Details of the backends this build can run now (webgpu once `ready("webgpu")` resolved). */
export function backendInfo(): BackendInfo[] {
  return backends().map((name) => {
    const b = instances.get(name);
    return b instanceof WebGpuBackend ? { name, adapter: b.adapter } : { name };
  });
}
