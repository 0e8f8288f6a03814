// The `js` reference backend: plain TypeScript over typed arrays. Obviously right, runs
// everywhere; every faster backend is tested against it.
import type { Activation, Backend, Storage, View, Target } from "../backend.js";
import type { Kernel } from "../../ir/expr.js";
import { arrayFor, storeValues, type DType, type TypedArray } from "../../core/dtype.js";
import { roundHalf } from "../../core/half.js";
import * as ir from "../../ir/expr.js";
import { contiguousStrides, sizeOf } from "../../core/shape.js";
import { IndexError, MemoryError } from "../../core/errors.js";
import { KernelCache } from "./kernels.js";
import { matmulJs } from "./matmul.js";
import { collapseDims, offsetTable } from "./strided.js";

/** A js storage: a typed array, dropped on free. */
export class JsStorage implements Storage {
  constructor(readonly dtype: DType, public data: TypedArray | null) {}
  get length(): number {
    return this.data ? this.data.length : 0;
  }
}

function roundAll(a: TypedArray): void {
  for (let i = 0; i < a.length; i++) a[i] = roundHalf(a[i]);
}

function dataOf(s: Storage): TypedArray {
  const d = (s as JsStorage).data;
  if (!d) throw new MemoryError("js backend", "storage was freed (a disposed tensor was used)");
  return d;
}

export class JsBackend implements Backend {
  readonly name: string;
  readonly hostMemory = true;
  private readonly kernels: KernelCache;

  constructor(opts: { codegen?: boolean; name?: string } = {}) {
    this.kernels = new KernelCache(opts.codegen ?? true);
    this.name = opts.name ?? "js";
  }

  alloc(dtype: DType, length: number): Storage {
    return new JsStorage(dtype, arrayFor(dtype, length));
  }

  fromArray(dtype: DType, data: ArrayLike<number>): Storage {
    const arr = arrayFor(dtype, data.length);
    storeValues(dtype, arr, data);
    return new JsStorage(dtype, arr);
  }

  read(storage: Storage, start = 0, length = storage.length - start): TypedArray {
    return dataOf(storage).slice(start, start + length);
  }

  free(storage: Storage): void {
    (storage as JsStorage).data = null;
  }

  run(kernel: Kernel, inputs: readonly View[], shape: readonly number[], out?: Target): Storage {
    const arrs = inputs.map((v) => dataOf(v.storage));
    const offs = inputs.map((v) => v.offset);
    if (kernel.reduce) {
      const axes = kernel.reduce.axes;
      const keptDims = shape.map((_, d) => d).filter((d) => !axes.includes(d));
      const keptShape = keptDims.map((d) => shape[d]);
      const redShape = axes.map((d) => shape[d]);
      const kept = inputs.map((v) => offsetTable(keptShape, keptDims.map((d) => v.strides[d])));
      // Reduced dims that walk memory as one run collapse; the innermost is looped by stride, so a
      // full reduction needs no offset table. Arg-reductions keep their single axis as is.
      const rc = redShape.length > 1
        ? collapseDims(redShape, inputs.map((v) => axes.map((d) => v.strides[d])))
        : { shape: redShape.slice(), strides: inputs.map((v) => axes.map((d) => v.strides[d])) };
      const inner = rc.shape.length ? rc.shape.length - 1 : -1;
      const Rn = inner >= 0 ? rc.shape[inner] : 1;
      const outerShape = rc.shape.slice(0, Math.max(inner, 0));
      const red = rc.strides.map((st) => offsetTable(outerShape, st.slice(0, Math.max(inner, 0))));
      const rs = rc.strides.map((st) => (inner >= 0 ? st[inner] : 0));
      const K = sizeOf(keptShape), R0 = sizeOf(outerShape);
      const result = new JsStorage(kernel.dtype, arrayFor(kernel.dtype, K));
      this.kernels.getReduce(kernel, inputs.length)(result.data!, arrs, offs, kept, red, K, sizeOf(redShape) === 0 ? 0 : R0, Rn, rs);
      if (kernel.dtype === "float16") roundAll(result.data!);
      if (!out) return result;
      const t = offsetTable(out.shape, out.strides, out.offset);
      const o = dataOf(out.storage);
      const half = out.storage.dtype === "float16";
      for (let i = 0; i < t.length; i++) o[t[i]] = half ? roundHalf(result.data![i]) : result.data![i];
      return out.storage;
    }
    const target = out ?? { storage: this.alloc(kernel.dtype, sizeOf(shape)), shape, strides: contiguousStrides(shape), offset: 0 };
    // A Float32Array rounds to float32 on store; a float16 storage's store also rounds to half.
    if (target.storage.dtype === "float16" && !(kernel.expr.kind === "cast" && kernel.expr.to === "float16")) kernel = { ...kernel, expr: ir.cast("float16", kernel.expr) };
    const c = collapseDims(shape, [target.strides, ...inputs.map((v) => v.strides)]);
    this.kernels.getElementwise(kernel, inputs.length)(dataOf(target.storage), target.offset, c.strides[0], c.shape, arrs, offs, c.strides.slice(1));
    return target.storage;
  }

  matmul(a: View, b: View, dtype: DType, bias?: View, into?: Storage, act?: Activation): Storage {
    const [B, M, K] = a.shape;
    const N = b.shape[2];
    const out = matmulJs(dataOf(a.storage), a.offset, a.strides, dataOf(b.storage), b.offset, b.strides, B, M, K, N, dtype, into ? dataOf(into) : undefined);
    if (bias) {
      // The product is already rounded to dtype; the add rounds once more, as the add kernel does.
      const bv = dataOf(bias.storage), bo = bias.offset, bs = bias.strides[0];
      for (let r = 0, o = 0; r < B * M; r++) for (let n = 0; n < N; n++, o++) out[o] = out[o] + bv[bo + n * bs];
    }
    // On the stored (rounded) value, as the relu kernel reads it.
    if (act === "relu") for (let o = 0; o < B * M * N; o++) out[o] = Math.max(out[o], 0);
    return into ?? new JsStorage(dtype, out);
  }

  gather(x: View, dim: number, index: View): Storage {
    const X = dataOf(x.storage), I = dataOf(index.storage);
    const xStrides = x.strides.map((s, d) => (d === dim ? 0 : s));
    const xt = offsetTable(index.shape, xStrides, x.offset);
    const it = offsetTable(index.shape, index.strides, index.offset);
    const out = arrayFor(x.storage.dtype, it.length);
    const n = x.shape[dim], sd = x.strides[dim];
    for (let i = 0; i < it.length; i++) {
      const j = I[it[i]];
      if (j < 0 || j >= n) throw new IndexError("gather", `index ${j} is out of range for dim ${dim} of size ${n}`);
      out[i] = X[xt[i] + j * sd];
    }
    return new JsStorage(x.storage.dtype, out);
  }

  scatter(base: View, dim: number, index: View, src: View, mode: "set" | "add"): Storage {
    const out = this.contiguousCopy(base);
    const strides = contiguousStrides(base.shape);
    const ot = offsetTable(index.shape, strides.map((s, d) => (d === dim ? 0 : s)));
    const it = offsetTable(index.shape, index.strides, index.offset);
    const st = offsetTable(index.shape, src.strides, src.offset);
    const I = dataOf(index.storage), S = dataOf(src.storage);
    const n = base.shape[dim], sd = strides[dim];
    for (let i = 0; i < it.length; i++) {
      const j = I[it[i]];
      if (j < 0 || j >= n) throw new IndexError("scatter", `index ${j} is out of range for dim ${dim} of size ${n}`);
      if (mode === "add") out[ot[i] + j * sd] += S[st[i]];
      else out[ot[i] + j * sd] = S[st[i]];
    }
    return new JsStorage(base.storage.dtype, out);
  }

  accumulate(target: Target, src: View): void {
    const T = dataOf(target.storage), S = dataOf(src.storage);
    const tt = offsetTable(src.shape, target.strides, target.offset);
    const st = offsetTable(src.shape, src.strides, src.offset);
    if (target.storage.dtype === "float16") for (let i = 0; i < tt.length; i++) T[tt[i]] = roundHalf(T[tt[i]] + S[st[i]]);
    else for (let i = 0; i < tt.length; i++) T[tt[i]] += S[st[i]];
  }

  cumsum(x: View, dim: number, dtype: DType): Storage {
    const X = dataOf(x.storage);
    const lineShape = x.shape.map((s, d) => (d === dim ? 1 : s));
    const outStrides = contiguousStrides(x.shape);
    const xt = offsetTable(lineShape, x.strides, x.offset);
    const ot = offsetTable(lineShape, outStrides);
    const out = arrayFor(dtype, sizeOf(x.shape));
    const n = x.shape[dim] ?? 1, sx = x.strides[dim] ?? 0, so = outStrides[dim] ?? 0;
    for (let i = 0; i < xt.length; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) {
        acc += X[xt[i] + j * sx];
        out[ot[i] + j * so] = acc;
      }
    }
    return new JsStorage(dtype, out);
  }

  private contiguousCopy(v: View): TypedArray {
    const X = dataOf(v.storage);
    const t = offsetTable(v.shape, v.strides, v.offset);
    const out = arrayFor(v.storage.dtype, t.length);
    for (let i = 0; i < t.length; i++) out[i] = X[t[i]];
    return out;
  }
}
