/// <reference types="@webgpu/types" />
// The `webgpu` backend: storage in GPU buffers (one 32-bit word per element: float32, int32, and
// bool as 0/1), kernels rendered to WGSL from the same descriptions as the js and wasm backends,
// dispatches batched into few submits (queue.ts), values read back only asynchronously
// (`await t.data()`): WebGPU has no synchronous map, so `read` refuses with AsyncReadError.
// float64 is refused (WebGPU has no 64-bit floats) with a DTypeError pointing at js/wasm.
import type { Backend, Storage, View, Target } from "../backend.js";
import { exprKey, type Kernel } from "../../ir/expr.js";
import * as ir from "../../ir/expr.js";
import type { DType, TypedArray } from "../../core/dtype.js";
import { contiguousStrides, sizeOf } from "../../core/shape.js";
import { AsyncReadError, IndexError, MemoryError } from "../../core/errors.js";
import { collapseDims } from "../js/strided.js";
import { acquire, type AdapterSummary } from "./gpu.js";
import { BufferPool, USAGE } from "./pool.js";
import { CommandQueue, type QueueStats } from "./queue.js";
import { atomicAddSource, cumsumSource, elementwiseMeta, elementwiseSource, gatherSource, reduceMeta, reduceSource, scatterSource, WG } from "./shaders.js";
import { matmulMeta, matmulSource, MATMUL_META, TILE } from "./matmul.js";
import { exprOp, unsupportedDType, onGpu } from "./wgsl.js";

export type { AdapterSummary } from "./gpu.js";

/** A GPU buffer holding `length` elements of `dtype`, 4 bytes each. */
export class GpuStorage implements Storage {
  freed = false;
  constructor(readonly dtype: DType, readonly length: number, readonly buffer: GPUBuffer) {}
}

function live(s: Storage, op: string): GpuStorage {
  const g = s as GpuStorage;
  if (!(g instanceof GpuStorage)) throw new MemoryError(op, "storage belongs to another backend");
  if (g.freed) throw new MemoryError(op, "storage was freed (a disposed tensor was used)");
  return g;
}

const MAX_GROUPS = 65535;

/** Workgroups for `n` invocations of `size` threads, folded into y beyond the x limit. */
function grid(n: number, size: number): [number, number, number] {
  const g = Math.max(1, Math.ceil(n / size));
  if (g <= MAX_GROUPS) return [g, 1, 1];
  return [MAX_GROUPS, Math.ceil(g / MAX_GROUPS), 1];
}

/** Whether distinct indices of (shape, strides) can reach the same element (a broadcast or overlapping target). */
function selfOverlaps(shape: readonly number[], strides: readonly number[]): boolean {
  const dims = shape.map((n, d) => [n, Math.abs(strides[d])]).filter(([n]) => n > 1).sort((a, b) => a[1] - b[1]);
  let extent = 0;
  for (const [n, s] of dims) {
    if (s <= extent) return true;
    extent += s * (n - 1);
  }
  return false;
}

export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  /** Reads go through readAsync: WebGPU cannot map a buffer synchronously. */
  readonly asyncRead = true;
  private readonly storagePool: BufferPool;
  private readonly readPool: BufferPool;
  readonly queue: CommandQueue;
  private readonly pipelines = new Map<string, { pipeline: GPUComputePipeline; metaWords: number }>();
  /** Index errors found by gather/scatter kernels: [kind (1 gather, 2 scatter), bad index]. */
  private readonly errors: GPUBuffer;
  private lastError: string | null = null;

  private constructor(readonly device: GPUDevice, readonly adapter: AdapterSummary) {
    this.storagePool = new BufferPool(device, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, "deepscript storage");
    this.readPool = new BufferPool(device, USAGE.MAP_READ | USAGE.COPY_DST, "deepscript read-back");
    this.queue = new CommandQueue(device, [this.storagePool], this.readPool);
    this.errors = device.createBuffer({ size: 16, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, label: "deepscript index errors" });
    device.addEventListener?.("uncapturederror", (e) => {
      this.lastError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Finds an adapter and device (navigator.gpu, or the `webgpu` package in Node). */
  static async create(): Promise<WebGpuBackend> {
    const { device, adapter } = await acquire();
    return new WebGpuBackend(device, adapter);
  }

  reservedBytes(): number {
    return this.storagePool.reserved;
  }

  /** Submits, dispatches and read-backs so far (how well batching works). */
  get stats(): QueueStats {
    return { ...this.queue.stats };
  }

  private storage(dtype: DType, length: number, op: string): GpuStorage {
    if (!onGpu(dtype)) throw unsupportedDType(op, dtype);
    return new GpuStorage(dtype, length, this.storagePool.take(Math.max(4, length * 4)));
  }

  alloc(dtype: DType, length: number, zero = true): Storage {
    const s = this.storage(dtype, length, "zeros");
    if (zero && length > 0) this.queue.clear(s.buffer, 0, length * 4);
    return s;
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const s = this.storage(dtype, data.length, "tensor");
    if (data.length === 0) return s;
    const words = dtype === "float32" ? Float32Array.from(data) : dtype === "int32" ? Int32Array.from(data) : Uint32Array.from(data, (v) => (v ? 1 : 0));
    this.device.queue.writeBuffer(s.buffer, 0, words.buffer, 0, words.byteLength);
    return s;
  }

  read(): TypedArray {
    throw new AsyncReadError("dataSync", "the webgpu backend reads only asynchronously (WebGPU has no synchronous read-back): use `await t.data()` instead of dataSync/item/toArray, or move the tensor to js/wasm");
  }

  async readAsync(storage: Storage, start = 0, length = storage.length - start, internal = false): Promise<TypedArray> {
    const s = live(storage, "data");
    const [bytes, err] = await Promise.all([this.queue.read(s.buffer, start * 4, length * 4, internal ? "spill" : "user"), internal ? null : this.checkErrors()]);
    if (err) throw err;
    if (s.dtype === "float32") return new Float32Array(bytes);
    if (s.dtype === "int32") return new Int32Array(bytes);
    return Uint8Array.from(new Uint32Array(bytes));
  }

  /** Reports (once) an out-of-range index a gather/scatter met, or a WebGPU validation error. */
  private async checkErrors(): Promise<Error | null> {
    // Copied and cleared in the same batch: errors of dispatches encoded after this read stay for the next one.
    const copied = this.queue.read(this.errors, 0, 8, "errors");
    this.queue.clear(this.errors, 0, 16);
    const w = new Uint32Array(await copied);
    if (this.lastError) {
      const msg = this.lastError;
      this.lastError = null;
      return new MemoryError("webgpu", `the GPU refused a command: ${msg}`);
    }
    if (w[0] === 0) return null;
    const op = w[0] === 1 ? "gather" : "scatter";
    return new IndexError(op, `index ${w[1] | 0} was out of range (found on the GPU, reported at this read-back; the ${op} result holds zeros there)`);
  }

  free(storage: Storage): void {
    const s = storage as GpuStorage;
    if (s.freed) return;
    s.freed = true;
    this.storagePool.give(s.buffer);
  }

  private pipeline(key: string, make: () => { code: string; metaWords: number }): { pipeline: GPUComputePipeline; metaWords: number } {
    let p = this.pipelines.get(key);
    if (!p) {
      const { code, metaWords } = make();
      const module = this.device.createShaderModule({ code, label: key.slice(0, 120) });
      p = { pipeline: this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } }), metaWords };
      this.pipelines.set(key, p);
    }
    return p;
  }

  run(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    if (!onGpu(kernel.dtype)) throw unsupportedDType(exprOp(kernel.expr), kernel.dtype);
    const ins = inputs.map((v) => live(v.storage, "run"));
    for (const s of ins) if (!onGpu(s.dtype)) throw unsupportedDType(exprOp(kernel.expr), s.dtype);
    if (kernel.reduce) return this.reduce(kernel, inputs, shape, out);
    const size = sizeOf(shape);
    const target = out ?? { storage: this.storage(kernel.dtype, size, exprOp(kernel.expr)), shape, strides: contiguousStrides(shape), offset: 0 };
    if (size > 0) this.elementwise(kernel, target, inputs, shape);
    return target.storage;
  }

  /** target = expr(inputs) over `shape`, one invocation per element (serially when the target overlaps itself). */
  private elementwise(kernel: Kernel, target: View, inputs: readonly View[], shape: readonly number[]): void {
    const ts = live(target.storage, "run");
    const ins = inputs.map((v) => live(v.storage, "run"));
    const c = collapseDims(shape, [target.strides, ...inputs.map((v) => v.strides)]);
    const nd = c.shape.length;
    const serial = selfOverlaps(target.shape, target.strides);
    // Inputs that are the output's buffer read it through binding 1 (a buffer may not be bound
    // both writable and read-only in one dispatch); other distinct buffers get 2, 3, ….
    const buffers: GPUBuffer[] = [ts.buffer];
    const bindings = ins.map((s) => {
      const i = buffers.indexOf(s.buffer);
      if (i >= 0) return i + 1;
      buffers.push(s.buffer);
      return buffers.length;
    });
    const inDt = ins.map((s) => s.dtype);
    const key = `ew|${exprKey(kernel.expr)}|${kernel.dtype}|${inDt.join(",")}|${bindings.join(",")}|${nd}|${serial}`;
    const p = this.pipeline(key, () => elementwiseSource(kernel, inDt, bindings, nd, serial));
    const size = sizeOf(shape);
    const meta = elementwiseMeta(size, c.shape, [{ offset: target.offset, strides: c.strides[0] }, ...inputs.map((v, k) => ({ offset: v.offset, strides: c.strides[k + 1] }))]);
    this.queue.dispatch(p.pipeline, meta, p.metaWords, buffers, serial ? [1, 1, 1] : grid(size, WG));
  }

  private reduce(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    const axes = kernel.reduce!.axes;
    const keptDims: number[] = [], redDims: number[] = [];
    for (let d = 0; d < shape.length; d++) (axes.includes(d) ? redDims : keptDims).push(d);
    const keptShape = keptDims.map((d) => shape[d]), redShape = redDims.map((d) => shape[d]);
    const K = sizeOf(keptShape);
    const result = this.storage(kernel.dtype, K, kernel.reduce!.op);
    if (K > 0) {
      const ins = inputs.map((v) => live(v.storage, "run"));
      const inDt = ins.map((s) => s.dtype);
      const kl = collapseDims(keptShape, [contiguousStrides(keptShape), ...inputs.map((v) => keptDims.map((d) => v.strides[d]))]);
      // Arg-reductions count positions along their axis as given; others may walk merged runs.
      const arg = kernel.reduce!.op === "argmax" || kernel.reduce!.op === "argmin";
      const rl = arg ? { shape: redShape, strides: inputs.map((v) => redDims.map((d) => v.strides[d])) } : collapseDims(redShape, inputs.map((v) => redDims.map((d) => v.strides[d])));
      const ndk = kl.shape.length, ndr = rl.shape.length;
      const key = `red|${exprKey(kernel.expr)}|${kernel.reduce!.op}|${kernel.dtype}|${inDt.join(",")}|${ndk}|${ndr}`;
      const p = this.pipeline(key, () => reduceSource(kernel, inDt, ndk, ndr));
      const meta = reduceMeta(kl.shape, rl.shape, inputs.map((v, k) => ({ offset: v.offset, kept: kl.strides[k + 1], red: rl.strides[k] })));
      this.queue.dispatch(p.pipeline, meta, p.metaWords, [result.buffer, ...ins.map((s) => s.buffer)], grid(K, 1));
    }
    if (!out) return result;
    // Into the target view (converting dtype), then the temporary goes back to the pool.
    live(out.storage, "run");
    this.elementwise({ expr: ir.input(0), dtype: out.storage.dtype }, out, [{ storage: result, shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 }], out.shape);
    this.free(result);
    return out.storage;
  }

  matmul(a: View, b: View, dtype: DType, bias?: View, into?: Storage): Storage {
    if (!onGpu(dtype)) throw unsupportedDType("matmul", dtype);
    const as = live(a.storage, "matmul"), bs = live(b.storage, "matmul");
    for (const d of [as.dtype, bs.dtype]) if (!onGpu(d)) throw unsupportedDType("matmul", d);
    const [B, M, K] = a.shape;
    const N = b.shape[2];
    const out = into ? live(into, "matmul") : this.storage(dtype, B * M * N, "matmul");
    if (B * M * N === 0) return out;
    if (K === 0) {
      this.queue.clear(out.buffer, 0, B * M * N * 4);
      if (bias) this.addBias(out, bias, B, M, N, dtype);
      return out;
    }
    const biasStorage = bias ? live(bias.storage, "matmul") : null;
    const key = `mm|${as.dtype}|${bs.dtype}|${dtype}|${bias ? 1 : 0}`;
    const p = this.pipeline(key, () => ({ code: matmulSource(as.dtype, bs.dtype, dtype, Boolean(bias)), metaWords: MATMUL_META }));
    const buffers = [out.buffer, as.buffer, bs.buffer, ...(biasStorage ? [biasStorage.buffer] : [])];
    for (let b0 = 0; b0 < B; b0 += MAX_GROUPS) {
      const nb = Math.min(MAX_GROUPS, B - b0);
      const meta = matmulMeta(M, N, K, a.offset, a.strides, b.offset, b.strides, bias?.offset ?? 0, bias?.strides[0] ?? 0, b0);
      this.queue.dispatch(p.pipeline, meta, p.metaWords, buffers, [Math.ceil(N / TILE), Math.ceil(M / TILE), nb]);
    }
    return out;
  }

  private addBias(out: GpuStorage, bias: View, B: number, M: number, N: number, dtype: DType): void {
    const shape = [B, M, N];
    const target = { storage: out, shape, strides: contiguousStrides(shape), offset: 0 };
    this.elementwise({ expr: ir.binary("add", ir.input(0), ir.input(1)), dtype }, target, [target, { ...bias, shape, strides: [0, 0, bias.strides[0]] }], shape);
  }

  gather(x: View, dim: number, index: View): Storage {
    const xs = live(x.storage, "gather"), is = live(index.storage, "gather");
    for (const d of [xs.dtype, is.dtype]) if (!onGpu(d)) throw unsupportedDType("gather", d);
    const n = sizeOf(index.shape);
    const out = this.storage(xs.dtype, n, "gather");
    if (n === 0) return out;
    const c = collapseDims(index.shape, [contiguousStrides(index.shape), x.strides.map((s, d) => (d === dim ? 0 : s)), index.strides]);
    const nd = c.shape.length;
    const p = this.pipeline(`gather|${is.dtype}|${nd}`, () => gatherSource(is.dtype, nd));
    const meta = [n, x.shape[dim], x.strides[dim], ...elementwiseMeta(n, c.shape, [{ offset: 0, strides: c.strides[0] }, { offset: x.offset, strides: c.strides[1] }, { offset: index.offset, strides: c.strides[2] }]).slice(1)];
    this.queue.dispatch(p.pipeline, meta, p.metaWords, [out.buffer, xs.buffer, is.buffer, this.errors], grid(n, WG));
    return out;
  }

  scatter(base: View, dim: number, index: View, src: View, mode: "set" | "add"): Storage {
    const bs = live(base.storage, "scatter"), is = live(index.storage, "scatter"), ss = live(src.storage, "scatter");
    for (const d of [bs.dtype, ss.dtype]) if (!onGpu(d)) throw unsupportedDType(mode === "add" ? "scatterAdd" : "scatter", d);
    const out = this.run({ expr: ir.input(0), dtype: bs.dtype }, [base], base.shape) as GpuStorage;
    const n = sizeOf(index.shape);
    if (n === 0) return out;
    const strides = contiguousStrides(base.shape);
    const c = collapseDims(index.shape, [strides.map((s, d) => (d === dim ? 0 : s)), index.strides, src.strides]);
    const nd = c.shape.length;
    const p = this.pipeline(`scatter|${bs.dtype}|${is.dtype}|${ss.dtype}|${nd}|${mode}`, () => scatterSource(bs.dtype, is.dtype, ss.dtype, nd, mode));
    const meta = [n, base.shape[dim], strides[dim], ...elementwiseMeta(n, c.shape, [{ offset: 0, strides: c.strides[0] }, { offset: index.offset, strides: c.strides[1] }, { offset: src.offset, strides: c.strides[2] }]).slice(1)];
    this.queue.dispatch(p.pipeline, meta, p.metaWords, [out.buffer, is.buffer, ss.buffer, this.errors], grid(n, WG));
    return out;
  }

  accumulate(target: Target, src: View): void {
    const ts = live(target.storage, "accumulate"), ss = live(src.storage, "accumulate");
    if (!selfOverlaps(src.shape, target.strides)) {
      this.elementwise({ expr: ir.binary("add", ir.input(0), ir.input(1)), dtype: ts.dtype }, { ...target, shape: src.shape }, [{ ...target, shape: src.shape }, src], src.shape);
      return;
    }
    // Several source elements land on one target element: atomic adds keep every one.
    const n = sizeOf(src.shape);
    if (n === 0) return;
    const same = ts.buffer === ss.buffer;
    const c = collapseDims(src.shape, [target.strides, src.strides]);
    const nd = c.shape.length;
    const p = this.pipeline(`atomicAdd|${ts.dtype}|${ss.dtype}|${nd}|${same}`, () => atomicAddSource(ts.dtype, ss.dtype, nd, same));
    const meta = elementwiseMeta(n, c.shape, [{ offset: target.offset, strides: c.strides[0] }, { offset: src.offset, strides: c.strides[1] }]);
    this.queue.dispatch(p.pipeline, meta, p.metaWords, same ? [ts.buffer] : [ts.buffer, ss.buffer], grid(n, WG));
  }

  cumsum(x: View, dim: number, dtype: DType): Storage {
    const xs = live(x.storage, "cumsum");
    for (const d of [dtype, xs.dtype]) if (!onGpu(d)) throw unsupportedDType("cumsum", d);
    const size = sizeOf(x.shape);
    const out = this.storage(dtype, size, "cumsum");
    if (size === 0) return out;
    const lineShape = x.shape.map((s, d) => (d === dim ? 1 : s));
    const outStrides = contiguousStrides(x.shape);
    const lines = sizeOf(lineShape);
    const c = collapseDims(lineShape, [x.strides, outStrides]);
    const nd = c.shape.length;
    const p = this.pipeline(`cumsum|${xs.dtype}|${dtype}|${nd}`, () => cumsumSource(xs.dtype, dtype, nd));
    const meta = [lines, x.shape[dim] ?? 1, ...c.shape, x.offset, ...c.strides[0], 0, ...c.strides[1], x.strides[dim] ?? 0, outStrides[dim] ?? 0];
    this.queue.dispatch(p.pipeline, meta, p.metaWords, [out.buffer, xs.buffer], grid(lines, WG));
    return out;
  }

  /** Submits everything encoded so far (reads do this themselves). */
  flush(): void {
    this.queue.flush();
  }
}

