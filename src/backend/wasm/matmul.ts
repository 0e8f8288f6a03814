// Batched matrix product on the wasm backend: the Goto/BLIS loop nest in JS around the wasm
// packing and macro kernels of gemm.ts. Both operands are packed into zero-padded panels (so
// transposed and strided operands cost one pass), K is blocked by KC, columns by NC, rows by MC; a broadcast
// operand (batch stride 0) is packed once for the whole batch.
import { bytesPer, type DType } from "../../core/dtype.js";
import type { View } from "../backend.js";
import { matmulJs } from "../js/matmul.js";
import { gemmKernels, type GemmKernels } from "./gemm.js";
import type { Heap } from "./heap.js";
import { base, heapArray, live, storageArray, WasmStorage } from "./storage.js";

const KC = 256; // k-block: an NR-wide B panel of KC rows (8 KB in float32) stays in L1
const MC = 96; // row block: an MC×KC A block (96 KB) stays in L2 (a multiple of MR = 4 and 6)
const NC = 256; // column block: the KC×NC B block (256 KB) stays in L2 next to the A block

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

export class WasmMatmul {
  private readonly kernels = new Map<DType, GemmKernels>();
  constructor(private readonly heap: Heap, private readonly alloc: (dtype: DType, n: number) => WasmStorage, private readonly fma: boolean) {}

  private gemm(dtype: "float32" | "float64"): GemmKernels {
    let g = this.kernels.get(dtype);
    if (!g) this.kernels.set(dtype, (g = gemmKernels(this.heap.memory, dtype === "float32" ? 4 : 8, this.fma)));
    return g;
  }

  run(a: View, b: View, dtype: DType): WasmStorage {
    const [batch, M, K] = a.shape;
    const N = b.shape[2];
    const out = this.alloc(dtype, batch * M * N);
    if (batch * M * N === 0 || K === 0) return out;
    const as = live(a.storage, "matmul"), bs = live(b.storage, "matmul");
    if (dtype !== "float32" && dtype !== "float64") {
      // Integer products: the js reference kernel over the wasm memory (rare, and exact in float64).
      const r = matmulJs(heapArray(this.heap, dtype), base(as, a.offset), a.strides, heapArray(this.heap, dtype), base(bs, b.offset), b.strides, batch, M, K, N, dtype);
      storageArray(this.heap, out).set(r);
      return out;
    }
    const g = this.gemm(dtype);
    const elem = bytesPer(dtype), nr = g.nr, MR = g.mr;
    const Mp = roundUp(M, MR), Np = roundUp(N, nr);
    const direct = Mp === M && Np === N;
    const heap = this.heap;
    const apack = heap.alloc(Mp * K * elem, false), bpack = heap.alloc(K * Np * elem, false);
    const cbuf = direct ? 0 : heap.alloc(Mp * Np * elem, false);
    const ldc = Np * elem;
    const [saB, saM, saK] = a.strides.map((s) => s * elem), [sbB, sbK, sbN] = b.strides.map((s) => s * elem);
    try {
      for (let bt = 0; bt < batch; bt++) {
        const aPtr = as.ptr + a.offset * elem + bt * saB, bPtr = bs.ptr + b.offset * elem + bt * sbB;
        if (bt === 0 || saB !== 0) {
          for (let pc = 0; pc < K; pc += KC) g.packA(aPtr + pc * saK, saM, saK, M, Math.min(KC, K - pc), apack + pc * Mp * elem, Mp / MR);
        }
        if (bt === 0 || sbB !== 0) {
          for (let pc = 0; pc < K; pc += KC) g.packB(bPtr + pc * sbK, sbN, sbK, N, Math.min(KC, K - pc), bpack + pc * Np * elem, Np / nr);
        }
        const c = direct ? out.ptr + bt * M * N * elem : cbuf;
        for (let pc = 0; pc < K; pc += KC) {
          const kc = Math.min(KC, K - pc);
          for (let jc = 0; jc < Np; jc += NC) {
            const nc = Math.min(NC, Np - jc);
            for (let ic = 0; ic < Mp; ic += MC) {
              const mc = Math.min(MC, Mp - ic);
              g.kernel(apack + (pc * Mp + ic * kc) * elem, bpack + (pc * Np + jc * kc) * elem, c + ic * ldc + jc * elem, ldc, mc / MR, nc / nr, kc, pc > 0 ? 1 : 0);
            }
          }
        }
        if (!direct) {
          const u8 = heap.u8, dst = out.ptr + bt * M * N * elem;
          for (let i = 0; i < M; i++) u8.copyWithin(dst + i * N * elem, cbuf + i * ldc, cbuf + i * ldc + N * elem);
        }
      }
    } finally {
      heap.release(apack, Mp * K * elem);
      heap.release(bpack, K * Np * elem);
      if (cbuf) heap.release(cbuf, Mp * Np * elem);
    }
    return out;
  }
}
