// cumsum, and the fallbacks of gather and scatter (non-int32 indices, mixed dtypes) on the wasm
// backend: plain JS over typed views of the wasm memory. Each takes the views after any
// allocation, since growing the memory moves them.
import type { DType } from "../../core/dtype.js";
import { contiguousStrides, sizeOf } from "../../core/shape.js";
import { IndexError } from "../../core/errors.js";
import type { View } from "../backend.js";
import { offsetTable } from "../js/strided.js";
import type { Heap } from "./heap.js";
import { base, heapArray, live, WasmStorage } from "./storage.js";

type Alloc = (dtype: DType, n: number) => WasmStorage;

export function gather(heap: Heap, alloc: Alloc, x: View, dim: number, index: View): WasmStorage {
  const xs = live(x.storage, "gather"), is = live(index.storage, "gather");
  const n = x.shape[dim], sd = x.strides[dim];
  const xt = offsetTable(index.shape, x.strides.map((s, d) => (d === dim ? 0 : s)), base(xs, x.offset));
  const it = offsetTable(index.shape, index.strides, base(is, index.offset));
  const out = alloc(xs.dtype, it.length);
  const X = heapArray(heap, xs.dtype), I = heapArray(heap, is.dtype), O = heapArray(heap, xs.dtype);
  const o = base(out);
  for (let i = 0; i < it.length; i++) {
    const j = I[it[i]];
    if (j < 0 || j >= n) throw new IndexError("gather", `index ${j} is out of range for dim ${dim} of size ${n}`);
    O[o + i] = X[xt[i] + j * sd];
  }
  return out;
}

/** A contiguous copy of a view. */
export function contiguous(heap: Heap, alloc: Alloc, v: View): WasmStorage {
  const vs = live(v.storage);
  const t = offsetTable(v.shape, v.strides, base(vs, v.offset));
  const out = alloc(vs.dtype, t.length);
  const X = heapArray(heap, vs.dtype), o = base(out);
  for (let i = 0; i < t.length; i++) X[o + i] = X[t[i]];
  return out;
}

export function scatter(heap: Heap, alloc: Alloc, baseView: View, dim: number, index: View, src: View, mode: "set" | "add"): WasmStorage {
  const out = contiguous(heap, alloc, baseView);
  const is = live(index.storage, "scatter"), ss = live(src.storage, "scatter");
  const strides = contiguousStrides(baseView.shape);
  const ot = offsetTable(index.shape, strides.map((s, d) => (d === dim ? 0 : s)), base(out));
  const it = offsetTable(index.shape, index.strides, base(is, index.offset));
  const st = offsetTable(index.shape, src.strides, base(ss, src.offset));
  const I = heapArray(heap, is.dtype), S = heapArray(heap, ss.dtype), O = heapArray(heap, out.dtype);
  const n = baseView.shape[dim], sd = strides[dim];
  for (let i = 0; i < it.length; i++) {
    const j = I[it[i]];
    if (j < 0 || j >= n) throw new IndexError("scatter", `index ${j} is out of range for dim ${dim} of size ${n}`);
    if (mode === "add") O[ot[i] + j * sd] += S[st[i]];
    else O[ot[i] + j * sd] = S[st[i]];
  }
  return out;
}

export function cumsum(heap: Heap, alloc: Alloc, x: View, dim: number, dtype: DType): WasmStorage {
  const xs = live(x.storage, "cumsum");
  const out = alloc(dtype, sizeOf(x.shape));
  const lineShape = x.shape.map((s, d) => (d === dim ? 1 : s));
  const outStrides = contiguousStrides(x.shape);
  const xt = offsetTable(lineShape, x.strides, base(xs, x.offset));
  const ot = offsetTable(lineShape, outStrides, base(out));
  const X = heapArray(heap, xs.dtype), O = heapArray(heap, dtype);
  const n = x.shape[dim] ?? 1, sx = x.strides[dim] ?? 0, so = outStrides[dim] ?? 0;
  for (let i = 0; i < xt.length; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) {
      acc += X[xt[i] + j * sx];
      O[ot[i] + j * so] = acc;
    }
  }
  return out;
}
