// Batched matrix product on the wasm backend: each 2-d product runs as the blocked GEMM of gemm.ts
// (packing, K/N/M blocking and the register-tiled kernel, all inside wasm). Large products are cut
// into column (or row) strips, one per thread, and run on the worker pool over the shared memory;
// each element of C is computed by one thread in the same order, so results do not depend on the
// number of threads.
import { bytesPer, type DType } from "../../core/dtype.js";
import type { View } from "../backend.js";
import { matmulJs } from "../js/matmul.js";
import { gemmModule, type GemmKernels } from "./gemm.js";
import type { Heap } from "./heap.js";
import { GemmPool, MAX_TASKS, type Scratch } from "./pool.js";
import { base, heapArray, live, storageArray, WasmStorage } from "./storage.js";

const KC_MAX = 320; // k-block: an NR-wide B panel of KC rows (≤ 10 KB in float32) stays in L1
const MC = 96; // row block: an MC×KC A block (≤ 120 KB) stays in L2 (a multiple of MR = 4)
const NC = 2048; // column block: the KC×NC B block stays in L2/L3; A is repacked once per NC columns
/**
 * A row-contiguous B is read in place, unpacked, for products this small (M ≤ 32 rows, K ≤ 256):
 * measured on an RNN step's h·Wᵀ (32×128·128×512: 162 → 115 µs); larger K or M run better packed.
 */
const IN_PLACE_B = { rows: 32, depth: 256 };
/** Rows of A up to which x·Wᵀ runs as dot products (dotRows) rather than packed. */
const DOT_ROWS = 3;
/**
 * Products below this many FLOPs stay on the calling thread (waking a worker costs µs to tens of
 * µs). Measured on 2 cores, 1 vs 2 threads, workers spinning: 0.26 MFLOP 10 vs 11 µs, 0.52 MFLOP
 * 16 vs 14 µs, 1 MFLOP 29 vs 23 µs, 4.2 MFLOP 125 vs 68 µs, 51 MFLOP 1.25 vs 0.67 ms.
 */
export const PARALLEL_FLOPS = 1e6;

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

export class WasmMatmul {
  private readonly modules: WebAssembly.Module[];
  private readonly kernels: GemmKernels[];
  private pool: GemmPool | null = null;
  private threads = 1;
  private readonly scratch: (Scratch & { bytes: number })[] = [];

  constructor(private readonly heap: Heap, /** Allocates without zeroing: every element of a product is written. */ private readonly alloc: (dtype: DType, n: number) => WasmStorage, fma: boolean, private readonly shared: boolean) {
    this.modules = ([4, 8] as const).map((elem) => new WebAssembly.Module(gemmModule(elem, fma, 4, shared)));
    this.kernels = this.modules.map((m, i) => {
      const e = new WebAssembly.Instance(m, { env: { memory: heap.memory } }).exports as unknown as GemmKernels;
      return { packA: e.packA, packB: e.packB, kernel: e.kernel, gemm: e.gemm, smallM: e.smallM, dotRows: e.dotRows, mr: 4, nr: i === 0 ? 8 : 4, elem: i === 0 ? 4 : 8 };
    });
  }

  /** Threads for large products (this one included); workers start at the first product that uses them. */
  setThreads(n: number): void {
    this.threads = this.shared ? n : 1;
    // Workers are only ever added: idle ones block in Atomics.wait and cost nothing, and a
    // program that switches between 1 and n threads should not pay n - 1 worker start-ups each time.
    if (this.pool && this.threads > 1) this.pool.grow(this.threads);
  }

  /** Ready worker ids to use now (starting the pool on first need). */
  private workers(): number[] {
    if (this.threads <= 1) return [];
    if (!this.pool) {
      this.pool = new GemmPool(this.heap, this.modules);
      this.pool.grow(this.threads);
    }
    return this.pool.ready().slice(0, this.threads - 1);
  }

  /** Scratch blocks for thread `t` (0 = this thread) big enough for `elem`-byte elements. */
  private scratchFor(t: number, elem: number): Scratch {
    const bytes = (MC * KC_MAX + KC_MAX * NC + 64) * elem;
    let s = this.scratch[t];
    if (!s || s.bytes < bytes) {
      if (s) this.heap.release(s.apack, s.bytes);
      const p = this.heap.alloc(bytes, false);
      s = { apack: p, bpack: p + MC * KC_MAX * elem, tile: p + (MC * KC_MAX + KC_MAX * NC) * elem, bytes };
      this.scratch[t] = s;
    }
    return s;
  }

  /**
   * C = A·B; `bias` (a byte address, 0 for none, and its byte stride) is added to each row, and
   * relu applied after it when `relu`, by the kernels that can fold them in, which `biased`
   * reports; the caller applies them otherwise.
   */
  run(a: View, b: View, dtype: DType, bias = 0, biasStride = 0, into?: WasmStorage, relu = false): { storage: WasmStorage; biased: boolean } {
    const [batch, M, K] = a.shape;
    const N = b.shape[2];
    const out = into ?? this.alloc(dtype, batch * M * N);
    const done = { storage: out, biased: false };
    if (batch * M * N === 0) return done;
    if (K === 0) {
      storageArray(this.heap, out).fill(0);
      return done;
    }
    const as = live(a.storage, "matmul"), bs = live(b.storage, "matmul");
    if (dtype !== "float32" && dtype !== "float64") {
      // Integer products: the js reference kernel over the wasm memory (rare, and exact in float64).
      const r = matmulJs(heapArray(this.heap, dtype), base(as, a.offset), a.strides, heapArray(this.heap, dtype), base(bs, b.offset), b.strides, batch, M, K, N, dtype);
      storageArray(this.heap, out).set(r);
      return done;
    }
    const mod = dtype === "float32" ? 0 : 1;
    const g = this.kernels[mod];
    const elem = bytesPer(dtype);
    // K in equal blocks (288 = one block of 288, not 256 + 32: a short block costs a C pass for little work).
    const KC = Math.ceil(K / Math.ceil(K / KC_MAX));
    const [saB, saM, saK] = a.strides.map((s) => s * elem), [sbB, sbK, sbN] = b.strides.map((s) => s * elem);
    const ldc = N * elem;
    if (M < g.mr && sbN === elem) {
      // A few rows (batch-1 inference): unpacked, B read once per row.
      for (let bt = 0; bt < batch; bt++) g.smallM(as.ptr + a.offset * elem + bt * saB, saM, saK, bs.ptr + b.offset * elem + bt * sbB, sbK, out.ptr + bt * M * N * elem, ldc, M, N, K);
      return done;
    }
    if (M <= DOT_ROWS && saK === elem && sbK === elem) {
      // A few rows times a transposed weight (x·Wᵀ): dot products, W read in place, bias folded in.
      for (let bt = 0; bt < batch; bt++) g.dotRows(as.ptr + a.offset * elem + bt * saB, saM, bs.ptr + b.offset * elem + bt * sbB, sbN, out.ptr + bt * M * N * elem, ldc, M, N, K, bias, biasStride, relu ? 1 : 0);
      return { storage: out, biased: true };
    }
    const workers = 2 * batch * M * N * K >= PARALLEL_FLOPS ? this.workers() : [];
    const T = 1 + workers.length;
    // One task per product, or per strip of one when there are fewer products than threads.
    const strips = batch >= T ? 1 : Math.min(Math.ceil(T / batch), Math.floor(MAX_TASKS / batch));
    const alongN = N >= M;
    const unit = alongN ? g.nr : g.mr, extent = alongN ? N : M;
    const step = roundUp(Math.ceil(extent / strips), unit);
    // B used where it lies for small products (an RNN step's h·Wᵀ): B rows contiguous, N in whole panels.
    const inPlaceB = M <= IN_PLACE_B.rows && K <= IN_PLACE_B.depth && sbN === elem && N % g.nr === 0 ? 1 : 0;
    const tasks: number[][] = [];
    for (let bt = 0; bt < batch; bt++) {
      const a0 = as.ptr + a.offset * elem + bt * saB, b0 = bs.ptr + b.offset * elem + bt * sbB, c0 = out.ptr + bt * M * N * elem;
      for (let s0 = 0; s0 < extent; s0 += step) {
        const len = Math.min(step, extent - s0);
        tasks.push(alongN
          ? [mod, a0, saM, saK, b0 + s0 * sbN, sbK, sbN, c0 + s0 * elem, ldc, M, len, K, KC, MC, NC, inPlaceB]
          : [mod, a0 + s0 * saM, saM, saK, b0, sbK, sbN, c0 + s0 * ldc, ldc, len, N, K, KC, MC, NC, inPlaceB]);
      }
    }
    const here = this.scratchFor(0, elem);
    const runHere = (t: readonly number[]) => g.gemm(t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], t[12], t[13], t[14], here.apack, here.bpack, here.tile, t[15]);
    if (T === 1 || tasks.length === 1) tasks.forEach(runHere);
    else {
      const scratch = [here, ...workers.map((_, i) => this.scratchFor(i + 1, elem))];
      for (let i = 0; i < tasks.length; i += MAX_TASKS) this.pool!.run(tasks.slice(i, i + MAX_TASKS), workers, scratch, runHere);
    }
    return done;
  }
}
