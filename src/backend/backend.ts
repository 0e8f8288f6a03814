// The Backend interface: what a device must do. It sees storages, shapes, strides, dtypes and
// kernel descriptions — never a Tensor. Everything not here is composed in the array layer.
import type { DType, TypedArray } from "../core/dtype.js";
import type { Kernel } from "../ir/expr.js";

/** Memory owned by a backend. Opaque to everything above the backend except for dtype/length. */
export interface Storage {
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
}

/** A strided window onto a storage, in elements. */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Where a kernel writes: a strided region of an existing storage. */
export type Target = View;

/** An elementwise function a matmul can apply to its output as it stores it. */
export type Activation = "relu";

/** A prepared kernel launch: input storages in order, then the target's storage. */
export type Launch = (inputs: readonly Storage[], out: Storage) => void;

export interface Backend {
  readonly name: string;
  /**
   * True when storages are ordinary JavaScript typed arrays (the js backend): spilling a storage
   * (see tensor/memory.ts) then only changes the accounting, nothing is copied.
   */
  readonly hostMemory?: boolean;
  /** Bytes the backend has reserved from the system (the wasm backend: its memory's size). */
  reservedBytes?(): number;
  /**
   * Zero-filled storage; with `zero` false, storage whose contents are unspecified (for results
   * the caller overwrites entirely, so no fill is paid).
   */
  alloc(dtype: DType, length: number, zero?: boolean): Storage;
  /** Storage holding a copy of `data`, converted to `dtype`. */
  fromArray(dtype: DType, data: ArrayLike<number>): Storage;
  /** A copy of `length` elements from `start` (default: the whole storage). */
  read(storage: Storage, start?: number, length?: number): TypedArray;
  /**
   * True when `read` is unavailable (GPU backends: WebGPU maps buffers only asynchronously) and
   * values come back through `readAsync`; `read` then throws AsyncReadError.
   */
  readonly asyncRead?: boolean;
  /**
   * As `read`, resolved once the device has produced the values. Errors the device found since
   * the last read (an out-of-range gather index) are thrown here, except for `internal` reads
   * (spilling), which leave them for the user's next read.
   */
  readAsync?(storage: Storage, start?: number, length?: number, internal?: boolean): Promise<TypedArray>;
  /** Releases the storage; it must not be used afterwards. */
  free(storage: Storage): void;

  /**
   * Runs a kernel over `inputs`, all presented with the iteration `shape` (broadcast dims have
   * stride 0). Without a reduction the result has `shape`; with one, `shape` with the reduced
   * axes set to 1 (contiguous). Writes into `out` when given (which must have the result shape),
   * else into fresh storage, which it returns.
   */
  run(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage;

  /**
   * Optional: `run(kernel, inputs, shape, out)` bound once to these shapes, strides, offsets and
   * dtypes (the views' storages are only read for their dtype); the returned launch runs it on
   * storages of those dtypes, computing exactly what run would. ds.compile's replay launches the
   * same kernel over the same layout every call, so the per-launch work (layout, kernel lookup) is
   * paid once. Without it, replay calls run.
   */
  prepare?(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out: Target): Launch;

  /**
   * Batched matrix product: a [B,M,K] @ b [B,K,N] → contiguous [B,M,N] of `dtype`; with `bias`
   * ([N], of `dtype`), each row then gets bias added, rounded exactly as a separate add would be.
   * With `out` (a storage of `dtype` holding at least B·M·N elements, read by none of the inputs),
   * writes the product there instead of into fresh storage (ds.compile's planned buffers). With
   * `act` "relu", each element is then max(x, 0), as the relu kernel computes it (ds.compile's
   * matmul → relu epilogue; see compile/passes.ts).
   */
  matmul(a: View, b: View, dtype: DType, bias?: View, out?: Storage, act?: Activation): Storage;

  /** out[..i..] = x[.. index[..i..] along dim ..]; result has index's shape, contiguous. */
  gather(x: View, dim: number, index: View): Storage;

  /** A copy of `base` (contiguous) with src scattered along dim at index: "set" or "add". */
  scatter(base: View, dim: number, index: View, src: View, mode: "set" | "add"): Storage;

  /** target[i] += src[i] for each element, sequentially, so overlapping targets accumulate. */
  accumulate(target: Target, src: View): void;

  /** Inclusive cumulative sum along dim; contiguous result of `dtype`. */
  cumsum(x: View, dim: number, dtype: DType): Storage;

  /** Threads to use (this one included), for backends that run work in parallel. */
  setThreads?(n: number): void;
}
