// The bridge from tensors to the backend: presents tensors as views and wraps results as tensors.
import type { Backend, Storage, View } from "../backend/backend.js";
import type { Kernel } from "../ir/expr.js";
import { backend as activeBackend } from "../backend/registry.js";
import { broadcastStrides, contiguousStrides, sizeOf } from "../core/shape.js";
import { ArgumentError } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { Owned } from "../tensor/memory.js";

/** The tensor as a backend view, optionally broadcast to `shape`. */
export function viewOf(t: Tensor, shape?: readonly number[]): View {
  const st = t._storage();
  if (!shape || shape === t.shape) return { storage: st, shape: t.shape, strides: t.strides, offset: t.offset };
  return { storage: st, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}

/** A new contiguous tensor over fresh storage. */
export function wrap(be: Backend, storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(new Owned(be, storage), shape.slice(), contiguousStrides(shape), 0);
}

/** A new tensor sharing `t`'s storage with other shape/strides/offset. */
export function viewTensor(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t._owned(), shape.slice(), strides.slice(), offset);
}

/** The backend that runs an op: that of its tensor inputs, which must agree. */
export function backendOf(op: string, ts: readonly Tensor[]): Backend {
  let be: Backend | undefined;
  for (const t of ts) {
    const b = t._owned().backend;
    if (be && b !== be) throw new ArgumentError(op, `inputs live on different backends (${be.name} and ${b.name}); move them with .to(backendName)`);
    be = b;
  }
  return be ?? activeBackend();
}

/** Runs an elementwise/reduction kernel over tensors broadcast to `shape`; returns the result. */
export function runKernel(op: string, kernel: Kernel, inputs: readonly Tensor[], shape: readonly number[]): Tensor {
  const be = backendOf(op, inputs);
  const storage = be.run(kernel, inputs.map((t) => viewOf(t, shape)), shape);
  const outShape = kernel.reduce ? shape.map((d, i) => (kernel.reduce!.axes.includes(i) ? 1 : d)) : shape;
  return wrap(be, storage, outShape);
}

/** A fresh storage of `dtype` filled with `value`, as a tensor. */
export function filled(be: Backend, shape: readonly number[], dtype: Tensor["dtype"], value: number): Tensor {
  const st = be.alloc(dtype, sizeOf(shape), value === 0);
  if (value !== 0) be.run({ expr: { kind: "const", value }, dtype }, [], shape, { storage: st, shape, strides: contiguousStrides(shape), offset: 0 });
  return wrap(be, st, shape);
}

/** A fresh storage whose every element the caller writes before anyone reads it (no fill paid). */
export function uninitialized(be: Backend, shape: readonly number[], dtype: Tensor["dtype"]): Tensor {
  return wrap(be, be.alloc(dtype, sizeOf(shape), false), shape);
}
