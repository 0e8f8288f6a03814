// Strided loop nests for the wasm kernels: D nested loops over K byte pointers whose sizes and
// strides are read from a small table in memory, so one assembled module serves every shape and
// layout of a given rank (the JS side only collapses dims and fills the table).
import { Fn, I32, op } from "./asm.js";
import { collapseDims } from "../js/strided.js";

/** The most dims a nest walks inside wasm; more (rare after collapsing) are walked from JS. */
export const MAX_DIMS = 6;

/** Locals holding a nest's sizes n[d] and per-operand byte strides s[d][k]. */
export interface NestDims {
  readonly n: readonly number[];
  readonly s: readonly (readonly number[])[];
}

/**
 * Loads the sizes and strides of a D-dim nest over K operands from the table at local `tab` +
 * `offset` bytes, laid out per dim as [n_d, s_d_0, ..., s_d_{K-1}] (i32).
 */
export function loadNest(f: Fn, D: number, K: number, tab: number, offset = 0): NestDims {
  const n: number[] = [], s: number[][] = [];
  for (let d = 0; d < D; d++) {
    const row = offset + 4 * d * (K + 1);
    n.push(f.local(I32));
    f.get(tab).mem(op.i32Load, 2, row).set(n[d]);
    s.push([]);
    for (let k = 0; k < K; k++) {
      s[d].push(f.local(I32));
      f.get(tab).mem(op.i32Load, 2, row + 4 + 4 * k).set(s[d][k]);
    }
  }
  return { n, s };
}

/** Table bytes of a D-dim nest over K operands. */
export const nestBytes = (D: number, K: number): number => 4 * D * (K + 1);

/**
 * Emits loops over dims 0..D-2 starting from the pointers in locals `base`, and calls `inner` for
 * the last dim with the pointers of the current row (which `inner` must not modify), the local
 * holding its size and the locals holding its strides.
 */
export function emitNest(f: Fn, dims: NestDims, base: readonly number[], inner: (ptrs: readonly number[], n: number, strides: readonly number[]) => void): void {
  const D = dims.n.length, K = base.length;
  const level = (d: number, ptrs: readonly number[]): void => {
    if (d === D - 1) {
      inner(ptrs, dims.n[d], dims.s[d]);
      return;
    }
    const p = base.map(() => f.local(I32));
    const i = f.local(I32);
    for (let k = 0; k < K; k++) f.get(ptrs[k]).set(p[k]);
    f.forRange(i, () => f.get(dims.n[d]), () => {
      level(d + 1, p);
      for (let k = 0; k < K; k++) f.addTo(p[k], () => f.get(dims.s[d][k]));
    });
  };
  level(0, base);
}

/** A shape with per-operand byte strides, ready to be written as a nest table. */
export interface Layout {
  shape: number[];
  /** strides[k][d]: bytes between neighbours along dim d for operand k. */
  strides: number[][];
}

/**
 * Collapses (shape, element strides × element sizes) into at least one and at most `MAX_DIMS` + extra dims.
 * `order`, when given, permutes the dims first (outermost first).
 */
export function layout(shape: readonly number[], elemStrides: readonly (readonly number[])[], elemBytes: readonly number[], order?: readonly number[]): Layout {
  const sh = order ? order.map((d) => shape[d]) : shape;
  const st = elemStrides.map((s, k) => (order ? order.map((d) => s[d] * elemBytes[k]) : s.map((x) => x * elemBytes[k])));
  const c = collapseDims(sh, st);
  if (c.shape.length === 0) return { shape: [1], strides: st.map(() => [0]) };
  return c;
}

/** Writes the last `D` dims of `l` as a nest table at byte address `at`. */
export function writeTable(i32: Int32Array, at: number, l: Layout, D: number): void {
  const K = l.strides.length, nd = l.shape.length;
  let w = at >> 2;
  for (let d = nd - D; d < nd; d++) {
    i32[w++] = d < 0 ? 1 : l.shape[d];
    for (let k = 0; k < K; k++) i32[w++] = d < 0 ? 0 : l.strides[k][d];
  }
}

/** Dims order (outermost first) that walks operand `k` by decreasing |stride|: stable for ties. */
export function orderBy(strides: readonly number[], shape: readonly number[]): number[] {
  return shape.map((_, d) => d).sort((a, b) => Math.abs(strides[b]) - Math.abs(strides[a]) || a - b);
}

/**
 * Calls `f` once per index of the leading dims of `l` beyond the last `D` (row-major), with the
 * byte offset of that index for each operand; once with zeros when there are none.
 */
export function forEachLeading(l: Layout, D: number, f: (offs: readonly number[]) => void): void {
  const lead = l.shape.length - D;
  const K = l.strides.length;
  const offs = new Array<number>(K).fill(0);
  if (lead <= 0) {
    f(offs);
    return;
  }
  const idx = new Array<number>(lead).fill(0);
  for (;;) {
    f(offs);
    let d = lead - 1;
    for (; d >= 0; d--) {
      for (let k = 0; k < K; k++) offs[k] += l.strides[k][d];
      if (++idx[d] < l.shape[d]) break;
      for (let k = 0; k < K; k++) offs[k] -= l.strides[k][d] * l.shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
