// The `wasm` backend: tensor storage in one WebAssembly.Memory, kernels assembled at run time into
// WebAssembly (SIMD128 where it pays: GEMM, float32 elementwise), checked against the js backend.
import type { Backend, Storage, View, Target } from "../backend.js";
import type { Kernel } from "../../ir/expr.js";
import { bytesPer, type DType, type TypedArray } from "../../core/dtype.js";
import { contiguousStrides, sizeOf } from "../../core/shape.js";
import { runtimeFeatures } from "../features.js";
import { collapseDims, offsetTable } from "../js/strided.js";
import { vectorizable } from "./emit.js";
import { Heap } from "./heap.js";
import { WasmKernels } from "./kernels.js";
import { WasmMatmul } from "./matmul.js";
import * as routines from "./routines.js";
import { base, heapArray, live, storageArray, WasmStorage } from "./storage.js";

export { WasmStorage } from "./storage.js";

/** Walks every index of `shape` (row-major), calling `f` with per-list byte offsets from the start. */
function forEachOuter(shape: readonly number[], strides: readonly (readonly number[])[], f: (offs: number[]) => void): void {
  const n = sizeOf(shape), nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const offs = strides.map(() => 0);
  for (let i = 0; i < n; i++) {
    f(offs);
    for (let d = nd - 1; d >= 0; d--) {
      for (let k = 0; k < offs.length; k++) offs[k] += strides[k][d];
      if (++idx[d] < shape[d]) break;
      for (let k = 0; k < offs.length; k++) offs[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
}

export class WasmBackend implements Backend {
  readonly name = "wasm";
  readonly heap: Heap;
  private readonly kernels: WasmKernels;
  private readonly mm: WasmMatmul;
  private readonly allocFn = (dtype: DType, n: number) => this.alloc(dtype, n) as WasmStorage;

  constructor(opts: { fma?: boolean } = {}) {
    this.heap = new Heap();
    this.kernels = new WasmKernels(this.heap.memory);
    this.mm = new WasmMatmul(this.heap, this.allocFn, opts.fma ?? runtimeFeatures().relaxedSimd);
  }

  alloc(dtype: DType, length: number): Storage {
    return new WasmStorage(dtype, length, this.heap.alloc(Math.max(1, length * bytesPer(dtype))));
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const s = this.alloc(dtype, data.length) as WasmStorage;
    const arr = storageArray(this.heap, s);
    if (dtype === "bool") for (let i = 0; i < data.length; i++) arr[i] = data[i] ? 1 : 0;
    else arr.set(data);
    return s;
  }

  read(storage: Storage): TypedArray {
    return storageArray(this.heap, live(storage)).slice();
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.freed) return;
    s.freed = true;
    this.heap.release(s.ptr, s.bytes);
  }

  run(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    if (kernel.reduce) return this.reduce(kernel, inputs, shape, out);
    const target = out ?? { storage: this.alloc(kernel.dtype, sizeOf(shape)), shape, strides: contiguousStrides(shape), offset: 0 };
    if (sizeOf(shape) === 0) return target.storage;
    const ts = live(target.storage, "run"), ins = inputs.map((v) => live(v.storage, "run"));
    const c = collapseDims(shape, [target.strides, ...inputs.map((v) => v.strides)]);
    while (c.shape.length < 2) {
      c.shape.unshift(1);
      c.strides.forEach((s) => s.unshift(0));
    }
    const nd = c.shape.length;
    const elems = [ts, ...ins].map((s) => bytesPer(s.dtype));
    const bstr = c.strides.map((s, k) => s.map((x) => x * elems[k]));
    const inDt = ins.map((s) => s.dtype);
    let mask: number | null = null;
    if (kernel.dtype === "float32" && c.strides[0][nd - 1] === 1 && inDt.every((d) => d === "float32") && c.strides.slice(1).every((s) => s[nd - 1] <= 1 && s[nd - 1] >= 0) && vectorizable(kernel.expr, inDt)) {
      mask = c.strides.slice(1).reduce((m, s, k) => (s[nd - 1] === 0 ? m | (1 << k) : m), 0);
    }
    const fn = this.kernels.elementwise(kernel, inDt, mask);
    const ptrs = [ts.ptr + target.offset * elems[0], ...ins.map((s, k) => s.ptr + inputs[k].offset * elems[k + 1])];
    const args = new Array<number>(5 + 3 * ins.length);
    args[1] = bstr[0][nd - 2]; args[2] = bstr[0][nd - 1]; args[3] = c.shape[nd - 2]; args[4] = c.shape[nd - 1];
    for (let k = 0; k < ins.length; k++) {
      args[6 + 3 * k] = bstr[k + 1][nd - 2];
      args[7 + 3 * k] = bstr[k + 1][nd - 1];
    }
    forEachOuter(c.shape.slice(0, nd - 2), bstr.map((s) => s.slice(0, nd - 2)), (offs) => {
      args[0] = ptrs[0] + offs[0];
      for (let k = 0; k < ins.length; k++) args[5 + 3 * k] = ptrs[k + 1] + offs[k + 1];
      fn(...args);
    });
    return target.storage;
  }

  private reduce(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    const axes = kernel.reduce!.axes;
    const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
    const keptShape = keptDims.map((d) => shape[d]);
    const redShape = axes.map((d) => shape[d]);
    const K = sizeOf(keptShape), R = sizeOf(redShape);
    const result = this.alloc(kernel.dtype, K) as WasmStorage;
    const ins = inputs.map((v) => live(v.storage, "run"));
    const elems = ins.map((s) => bytesPer(s.dtype));
    const redStrides = inputs.map((v, k) => axes.map((d) => v.strides[d] * elems[k]));
    const c = collapseDims(redShape, redStrides);
    const table = c.shape.length > 1;
    const temps: [number, number][] = [];
    const tableOf = (t: Int32Array): number => {
      const p = this.heap.alloc(t.length * 4, false);
      temps.push([p, t.length * 4]);
      this.heap.i32.set(t, p / 4);
      return p;
    };
    try {
      if (K > 0) {
        const args = [result.ptr, K, R];
        inputs.forEach((v, k) => {
          args.push(ins[k].ptr + v.offset * elems[k]);
          args.push(tableOf(offsetTable(keptShape, keptDims.map((d) => v.strides[d] * elems[k]))));
          args.push(table ? tableOf(offsetTable(redShape, redStrides[k])) : (c.strides[k][0] ?? 0));
        });
        this.kernels.reduce(kernel, ins.map((s) => s.dtype), table)(...args);
      }
    } finally {
      for (const [p, n] of temps) this.heap.release(p, n);
    }
    if (!out) return result;
    const os = live(out.storage, "run");
    const t = offsetTable(out.shape, out.strides, base(os, out.offset));
    const O = heapArray(this.heap, os.dtype), S = heapArray(this.heap, result.dtype), src = base(result);
    for (let i = 0; i < t.length; i++) O[t[i]] = S[src + i];
    this.free(result);
    return out.storage;
  }

  matmul(a: View, b: View, dtype: DType): Storage {
    return this.mm.run(a, b, dtype);
  }

  gather(x: View, dim: number, index: View): Storage {
    return routines.gather(this.heap, this.allocFn, x, dim, index);
  }

  scatter(baseView: View, dim: number, index: View, src: View, mode: "set" | "add"): Storage {
    return routines.scatter(this.heap, this.allocFn, baseView, dim, index, src, mode);
  }

  accumulate(target: Target, src: View): void {
    routines.accumulate(this.heap, target, src);
  }

  cumsum(x: View, dim: number, dtype: DType): Storage {
    return routines.cumsum(this.heap, this.allocFn, x, dim, dtype);
  }
}
