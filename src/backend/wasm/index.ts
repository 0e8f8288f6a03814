// The `wasm` backend: tensor storage in one WebAssembly.Memory, kernels assembled at run time into
// WebAssembly (SIMD128 where it pays: GEMM, float32 elementwise), checked against the js backend.
import type { Activation, Backend, Launch, Storage, View, Target } from "../backend.js";
import type { Kernel } from "../../ir/expr.js";
import { bytesPer, storeValues, type DType, type TypedArray } from "../../core/dtype.js";
import { contiguousStrides, sizeOf } from "../../core/shape.js";
import { runtimeFeatures } from "../features.js";
import { IndexError } from "../../core/errors.js";
import * as ir from "../../ir/expr.js";
import { vectorizable } from "./emit.js";
import { Heap } from "./heap.js";
import { WasmKernels, type IndexFn } from "./kernels.js";
import { forEachLeading, layout, MAX_DIMS, orderBy, writeTable, type Layout } from "./nest.js";
import { WasmMatmul } from "./matmul.js";
import * as routines from "./routines.js";
import { live, storageArray, WasmStorage } from "./storage.js";

export { WasmStorage } from "./storage.js";

/**
 * A kernel launch resolved but for its storages' addresses: the assembled kernel, its argument
 * list (table address, operand pointers, constants), each operand's byte offset, the nest layout
 * and its table (for a reduction, `extra` is the reduced nest's table, written after it).
 */
interface Plan {
  fn: (...args: number[]) => void;
  args: number[];
  offs: number[];
  l: Layout;
  D: number;
  table: Int32Array;
  extra: Int32Array | null;
}

/** The nest table of the last D dims of l, as writeTable lays it out. */
function tableOf(l: Layout, D: number): Int32Array {
  const t = new Int32Array(D * (l.strides.length + 1));
  writeTable(t, 0, l, D);
  return t;
}

const isContiguous = (shape: readonly number[], strides: readonly number[]): boolean => {
  let expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expect) return false;
    expect *= shape[d];
  }
  return true;
};

/** Bytes of the scratch block that holds loop-nest tables (and a gather/scatter error word at its end). */
const SCRATCH_BYTES = 4096;

export class WasmBackend implements Backend {
  readonly name = "wasm";
  readonly heap: Heap;
  private readonly kernels: WasmKernels;
  private readonly mm: WasmMatmul;
  private readonly allocFn = (dtype: DType, n: number) => this.alloc(dtype, n) as WasmStorage;

  /** Address of the scratch block for loop-nest tables. */
  private readonly scratch: number;

  /**
   * `fma`: relaxed-SIMD multiply-add in the GEMM (default: where the runtime has it). `threads`:
   * threads for large products (default 1; the registry passes `ds.setThreads`'s value); workers
   * need a shared memory, used wherever the runtime offers one.
   */
  constructor(opts: { fma?: boolean; threads?: number } = {}) {
    const f = runtimeFeatures();
    this.heap = new Heap(256, f.sharedMemory);
    this.scratch = this.heap.alloc(SCRATCH_BYTES);
    this.kernels = new WasmKernels(this.heap.memory, f.sharedMemory);
    this.mm = new WasmMatmul(this.heap, (dtype, n) => this.allocRaw(dtype, n), opts.fma ?? f.relaxedSimd, f.sharedMemory);
    this.mm.setThreads(opts.threads ?? 1);
  }

  reservedBytes(): number {
    return this.heap.memory.buffer.byteLength;
  }

  /** Threads for large matrix products (this one included). */
  setThreads(n: number): void {
    this.mm.setThreads(n);
  }

  alloc(dtype: DType, length: number, zero = true): Storage {
    return new WasmStorage(dtype, length, this.heap.alloc(Math.max(1, length * bytesPer(dtype)), zero));
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const s = this.alloc(dtype, data.length) as WasmStorage;
    storeValues(dtype, storageArray(this.heap, s), data);
    return s;
  }

  read(storage: Storage, start = 0, length = storage.length - start): TypedArray {
    return storageArray(this.heap, live(storage)).slice(start, start + length);
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.freed) return;
    s.freed = true;
    this.heap.release(s.ptr, s.bytes);
  }

  /** Storage whose contents the caller overwrites entirely (no zero fill). */
  private allocRaw(dtype: DType, length: number): WasmStorage {
    return new WasmStorage(dtype, length, this.heap.alloc(Math.max(1, length * bytesPer(dtype)), false));
  }

  run(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    if (kernel.reduce) return this.reduce(kernel, inputs, shape, out);
    const size = sizeOf(shape);
    const target = out ?? { storage: this.allocRaw(kernel.dtype, size), shape, strides: contiguousStrides(shape), offset: 0 };
    if (size > 0) this.elementwise(kernel, target, inputs, shape);
    return target.storage;
  }

  /**
   * target = expr(inputs) over `shape`, walking dims in `order` (outermost first; default as
   * given). Elements are visited one after another, so a target that is also an input, even
   * overlapping itself (accumulate), sees every earlier write.
   */
  private elementwise(kernel: Kernel, target: View, inputs: readonly View[], shape: readonly number[], order?: readonly number[]): void {
    const ts = live(target.storage, "run");
    const ptrs = [ts.ptr];
    for (const v of inputs) ptrs.push(live(v.storage, "run").ptr);
    this.launch(this.elementwisePlan(kernel, target, inputs, shape, order), ptrs);
  }

  /** What an elementwise launch needs besides its storages' addresses: see `launch`. */
  private elementwisePlan(kernel: Kernel, target: View, inputs: readonly View[], shape: readonly number[], order?: readonly number[]): Plan {
    const K = 1 + inputs.length;
    const strides = new Array<readonly number[]>(K), bytes = new Array<number>(K), offs = new Array<number>(K);
    const inDt = new Array<DType>(inputs.length);
    bytes[0] = bytesPer(target.storage.dtype);
    offs[0] = target.offset * bytes[0];
    strides[0] = target.strides;
    for (let k = 1; k < K; k++) {
      const v = inputs[k - 1];
      inDt[k - 1] = v.storage.dtype;
      bytes[k] = bytesPer(v.storage.dtype);
      offs[k] = v.offset * bytes[k];
      strides[k] = v.strides;
    }
    const l = layout(shape, strides, bytes, order);
    const nd = l.shape.length, D = Math.min(nd, MAX_DIMS);
    let mask: number | null = null;
    if (kernel.dtype === "float32" && l.strides[0][nd - 1] === 4) {
      mask = 0;
      for (let k = 1; k < K; k++) {
        const st = l.strides[k][nd - 1];
        if (inDt[k - 1] !== "float32" || (st !== 0 && st !== 4)) { mask = null; break; }
        if (st === 0) mask |= 1 << (k - 1);
      }
      if (mask !== null && !vectorizable(kernel.expr, inDt)) mask = null;
    }
    const args: number[] = [this.scratch, ...offs];
    const fn = this.kernels.elementwise(kernel, inDt, D, mask, args);
    return { fn, args, offs, l, D, table: tableOf(l, D), extra: null };
  }

  /** Runs a planned kernel with operand k's storage at byte address ptrs[k] (target first). */
  private launch(p: Plan, ptrs: readonly number[]): void {
    const { args, offs, l, D } = p;
    const K = offs.length;
    for (let k = 0; k < K; k++) args[1 + k] = ptrs[k] + offs[k];
    const i32 = this.heap.i32;
    i32.set(p.table, this.scratch >> 2);
    if (p.extra) i32.set(p.extra, (this.scratch >> 2) + p.table.length);
    if (l.shape.length === D) p.fn(...args);
    else {
      forEachLeading(l, D, (o) => {
        for (let k = 0; k < K; k++) args[1 + k] = ptrs[k] + offs[k] + o[k];
        p.fn(...args);
      });
    }
  }

  prepare(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out: Target): Launch {
    const plan = sizeOf(shape) === 0 ? null : kernel.reduce ? this.reducePlan(kernel, inputs, shape, out) : this.elementwisePlan(kernel, out, inputs, shape);
    if (!plan) {
      return (ins, o) => {
        this.run(kernel, ins.map((s, k) => ({ storage: s, shape: inputs[k].shape, strides: inputs[k].strides, offset: inputs[k].offset })), shape, { storage: o, shape: out.shape, strides: out.strides, offset: out.offset });
      };
    }
    const ptrs = new Array<number>(1 + inputs.length);
    return (ins, o) => {
      ptrs[0] = live(o, "run").ptr;
      for (let k = 0; k < ins.length; k++) ptrs[k + 1] = live(ins[k], "run").ptr;
      this.launch(plan, ptrs);
    };
  }

  /**
   * A reduction written straight into `out` (or into a new contiguous result when out is not
   * given): null when out is not contiguous of the kernel's dtype or is also an input, or when the reduced dims do not
   * collapse into one nest (run() then reduces into a new result and copies it).
   */
  private reducePlan(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Plan | null {
    const axes = kernel.reduce!.axes;
    const keptDims: number[] = [], redDims: number[] = [];
    for (let d = 0; d < shape.length; d++) (axes.includes(d) ? redDims : keptDims).push(d);
    const keptShape = keptDims.map((d) => shape[d]), redShape = redDims.map((d) => shape[d]);
    if (out && (out.storage.dtype !== kernel.dtype || !isContiguous(out.shape, out.strides) || inputs.some((v) => v.storage === out.storage))) return null;
    const inDt = inputs.map((v) => v.storage.dtype);
    const bytes = inDt.map((dt) => bytesPer(dt));
    const outBytes = bytesPer(kernel.dtype);
    const kl = layout(keptShape, [contiguousStrides(keptShape), ...inputs.map((v) => keptDims.map((d) => v.strides[d]))], [outBytes, ...bytes]);
    const rl = layout(redShape, inputs.map((v) => redDims.map((d) => v.strides[d])), bytes);
    if (rl.shape.length > MAX_DIMS) return null;
    const Dk = Math.min(kl.shape.length, MAX_DIMS), Dr = rl.shape.length;
    // SIMD variants for a float32 input read as is: along a contiguous reduced run (sum), or four
    // outputs at once along the innermost kept dim (small or strided reductions: pooling windows,
    // sums over the batch axis).
    const red = kernel.reduce!.op;
    const plain = inputs.length === 1 && inDt[0] === "float32" && kernel.expr.kind === "input";
    const vecSum = plain && red === "sum" && rl.strides[0][Dr - 1] === 4 && rl.shape[Dr - 1] >= 16;
    const outOk = red === "argmax" || red === "argmin" ? kernel.dtype === "int32" : kernel.dtype === "float32";
    const vecKept = plain && !vecSum && red !== "prod" && outOk && kl.shape[kl.shape.length - 1] >= 4;
    const offs = [out ? out.offset * outBytes : 0, ...inputs.map((v, k) => v.offset * bytes[k])];
    const args: number[] = [this.scratch, ...offs];
    const fn = this.kernels.reduce(kernel, inDt, Dk, Dr, vecSum, vecKept, args);
    const table = tableOf(kl, Dk);
    // The reduced nest's table follows the kept one's (nestBytes(Dk, operands) bytes in).
    return { fn, args, offs, l: kl, D: Dk, table, extra: tableOf(rl, Dr) };
  }

  private reduce(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    const axes = kernel.reduce!.axes;
    const K = sizeOf(shape.filter((_, d) => !axes.includes(d)));
    const ins = inputs.map((v) => live(v.storage, "run"));
    const direct = out ? this.reducePlan(kernel, inputs, shape, out) : null;
    if (direct) {
      // Into out as it lies: no new result and no copy.
      const os = live(out!.storage, "run");
      if (K > 0) this.launch(direct, [os.ptr, ...ins.map((s) => s.ptr)]);
      return os;
    }
    const result = this.allocRaw(kernel.dtype, K);
    if (K > 0) {
      const p = this.reducePlan(kernel, inputs, shape);
      if (p) this.launch(p, [result.ptr, ...ins.map((s) => s.ptr)]);
      else {
        // Reduced dims that do not collapse into MAX_DIMS: reduce a copy with the reduced dims last.
        const keptDims: number[] = [], redDims: number[] = [];
        for (let d = 0; d < shape.length; d++) (axes.includes(d) ? redDims : keptDims).push(d);
        const perm = [...keptDims, ...redDims];
        const copies = inputs.map((v, k) => {
          const st = this.allocRaw(ins[k].dtype, sizeOf(shape));
          const pshape = perm.map((d) => shape[d]);
          this.elementwise({ expr: ir.input(0), dtype: ins[k].dtype }, { storage: st, shape: pshape, strides: contiguousStrides(pshape), offset: 0 }, [{ storage: v.storage, shape: pshape, strides: perm.map((d) => v.strides[d]), offset: v.offset }], pshape);
          return st;
        });
        const flat = [K, sizeOf(redDims.map((d) => shape[d]))];
        const r = <WasmStorage>this.reduce({ ...kernel, reduce: { op: kernel.reduce!.op, axes: [1] } }, copies.map((st) => ({ storage: st, shape: flat, strides: [flat[1], 1], offset: 0 })), flat);
        copies.forEach((st) => this.free(st));
        this.free(result);
        return out ? this.copyInto(r, out) : r;
      }
    }
    return out ? this.copyInto(result, out) : result;
  }

  // Copies a contiguous result into the target view (converting dtype) and frees the result.
  private copyInto(result: WasmStorage, out: Target): Storage {
    const os = live(out.storage, "run");
    this.elementwise({ expr: ir.input(0), dtype: os.dtype }, out, [{ storage: result, shape: out.shape, strides: contiguousStrides(out.shape), offset: 0 }], out.shape);
    this.free(result);
    return out.storage;
  }

  matmul(a: View, b: View, dtype: DType, bias?: View, into?: Storage, act?: Activation): Storage {
    const bs = bias ? live(bias.storage, "matmul") : null;
    const relu = act === "relu";
    const out = this.mm.run(a, b, dtype, bs ? bs.ptr + bias!.offset * bytesPer(dtype) : 0, bias ? bias.strides[0] * bytesPer(dtype) : 0, into ? live(into, "matmul") : undefined, relu);
    if ((bias || relu) && !out.biased) {
      // Folded into the dot-product kernel where that runs; otherwise one in-place pass (bias,
      // relu or both: relu(x + b) rounds as the add then the relu would, max being exact).
      const shape = [a.shape[0], a.shape[1], b.shape[2]];
      const target = { storage: out.storage, shape, strides: contiguousStrides(shape), offset: 0 };
      const sum = bias ? ir.binary("add", ir.input(0), ir.input(1)) : ir.input(0);
      const inputs: View[] = bias ? [target, { ...bias, shape, strides: [0, 0, bias.strides[0]] }] : [target];
      this.elementwise({ expr: relu ? ir.unary("relu", sum) : sum, dtype }, target, inputs, shape);
    }
    return out.storage;
  }

  gather(x: View, dim: number, index: View): Storage {
    const xs = live(x.storage, "gather"), is = live(index.storage, "gather");
    if (is.dtype !== "int32") return routines.gather(this.heap, this.allocFn, x, dim, index);
    const n = sizeOf(index.shape);
    const out = this.allocRaw(xs.dtype, n);
    if (n === 0) return out;
    const b = bytesPer(xs.dtype);
    const l = layout(index.shape, [contiguousStrides(index.shape), x.strides.map((s, d) => (d === dim ? 0 : s)), index.strides], [b, b, 4]);
    const D = Math.min(l.shape.length, MAX_DIMS);
    const ptrs = [out.ptr, xs.ptr + x.offset * b, is.ptr + index.offset * 4];
    this.runIndexed("gather", this.kernels.gather(xs.dtype, D), l, D, ptrs, x.shape[dim], x.strides[dim] * b, dim);
    return out;
  }

  scatter(baseView: View, dim: number, index: View, src: View, mode: "set" | "add"): Storage {
    const bs = live(baseView.storage, "scatter"), is = live(index.storage, "scatter"), ss = live(src.storage, "scatter");
    if (is.dtype !== "int32" || ss.dtype !== bs.dtype) return routines.scatter(this.heap, this.allocFn, baseView, dim, index, src, mode);
    const out = this.run({ expr: ir.input(0), dtype: bs.dtype }, [baseView], baseView.shape) as WasmStorage;
    if (sizeOf(index.shape) === 0) return out;
    const b = bytesPer(bs.dtype);
    const strides = contiguousStrides(baseView.shape);
    const l = layout(index.shape, [strides.map((s, d) => (d === dim ? 0 : s)), index.strides, src.strides], [b, 4, b]);
    const D = Math.min(l.shape.length, MAX_DIMS);
    const ptrs = [out.ptr, is.ptr + index.offset * 4, ss.ptr + src.offset * b];
    try {
      this.runIndexed(mode === "add" ? "scatterAdd" : "scatter", this.kernels.scatter(bs.dtype, mode, D), l, D, ptrs, baseView.shape[dim], strides[dim] * b, dim);
    } catch (e) {
      this.free(out);
      throw e;
    }
    return out;
  }

  // Runs a gather/scatter kernel over the nest `l` (leading dims from JS); throws on a bad index.
  private runIndexed(op: string, fn: IndexFn, l: Layout, D: number, ptrs: number[], nDim: number, sd: number, dim: number): void {
    const err = this.scratch + SCRATCH_BYTES - 4;
    writeTable(this.heap.i32, this.scratch, l, D);
    const args = [this.scratch, ...ptrs, nDim, sd, err];
    forEachLeading(l, D, (offs) => {
      for (let k = 0; k < 3; k++) args[1 + k] = ptrs[k] + offs[k];
      if (fn(...args)) {
        throw new IndexError(op, `index ${this.heap.i32[err >> 2]} is out of range for dim ${dim} of size ${nDim}`);
      }
    });
  }

  accumulate(target: Target, src: View): void {
    const ts = live(target.storage, "accumulate");
    // Walk src in its memory order; the adds into overlapping target elements stay sequential.
    this.elementwise({ expr: ir.binary("add", ir.input(0), ir.input(1)), dtype: ts.dtype }, target, [{ ...target, shape: src.shape }, src], src.shape, orderBy(src.strides, src.shape));
  }

  cumsum(x: View, dim: number, dtype: DType): Storage {
    return routines.cumsum(this.heap, this.allocFn, x, dim, dtype);
  }
}
