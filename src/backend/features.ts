// What this JavaScript runtime offers the backends: WebAssembly SIMD128, relaxed SIMD, threads.
// Detected by validating tiny modules (the method of the wasm-feature-detect project).

// (func (result v128) i32.const 0  i8x16.splat  i8x16.popcnt)
const SIMD = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
// (func (result v128) i32.const 1 i8x16.splat i32.const 2 i8x16.splat i8x16.relaxed_swizzle)
const RELAXED_SIMD = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export interface RuntimeFeatures {
  webassembly: boolean;
  simd: boolean;
  relaxedSimd: boolean;
  /** SharedArrayBuffer usable (Node, or a cross-origin-isolated page): worker threads can share memory. */
  sharedMemory: boolean;
}

/** Logical cores, where the runtime says (Node: os.availableParallelism; browsers: navigator.hardwareConcurrency). */
export function availableCores(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number }; process?: { getBuiltinModule?: (id: string) => unknown } };
  const os = g.process?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? g.navigator?.hardwareConcurrency ?? 1);
}

/** Feature detection for the current runtime. */
export function runtimeFeatures(): RuntimeFeatures {
  return {
    webassembly: typeof WebAssembly === "object",
    simd: validates(SIMD),
    relaxedSimd: validates(RELAXED_SIMD),
    // Workers share memory only where SharedArrayBuffer and Atomics exist (Node; browsers when cross-origin isolated).
    sharedMemory: typeof SharedArrayBuffer === "function" && typeof Atomics === "object" && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false,
  };
}
