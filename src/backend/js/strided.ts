// Strided iteration helpers shared by the js kernels.
import { sizeOf } from "../../core/shape.js";

/** Memory offsets of every element of (shape, strides, offset), in row-major order. */
export function offsetTable(shape: readonly number[], strides: readonly number[], offset = 0): Int32Array {
  const n = sizeOf(shape);
  const t = new Int32Array(n);
  const nd = shape.length;
  const idx = new Int32Array(nd);
  let off = offset;
  for (let i = 0; i < n; i++) {
    t[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      off += strides[d];
      if (++idx[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return t;
}

/**
 * Merges adjacent dims that every stride list walks as one (and drops size-1 dims), so most
 * elementwise kernels run as a single flat loop.
 */
export function collapseDims(shape: readonly number[], stridesList: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && stridesList.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      stridesList.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      stridesList.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}
