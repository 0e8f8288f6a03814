// The graph passes: dead-code elimination, fusion of elementwise chains into one expression kernel
// (into a reduction's prologue too), and a product's bias add and relu folded into the product
// (its epilogue). Each returns a new node list; values are unchanged.
import * as ir from "../ir/expr.js";
import type { Expr } from "../ir/expr.js";
import { contiguousStrides, shapesEqual } from "../core/shape.js";
import { defOf, kernelName, readValues, readsOf, writesOf, type Node, type Ref, type Value } from "./graph.js";

/**
 * Drops nodes whose effects nobody sees: a node is kept when it writes or makes a value that is not
 * a temp (inputs, captured state, pinned, outputs), or a temp that a kept later node reads; opaque
 * nodes are always kept.
 */
export function eliminateDeadCode(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[]): Node[] {
  const live = new Set<number>(outputs.map((r) => r.v));
  const needed = (v: number) => values[v].kind !== "temp" || live.has(v);
  const kept: Node[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    const def = defOf(n);
    if (n.op === "opaque" || n.op === "setgrad" || writesOf(n).some(needed) || (def !== null && needed(def))) {
      kept.push(n);
      for (const v of readValues(n)) live.add(v);
      if (def !== null) live.add(def);
    }
  }
  return kept.reverse();
}

/** Input `k` of `e` replaced by `sub`; inputs after k move down by one. */
function substitute(e: Expr, k: number, sub: Expr): Expr {
  switch (e.kind) {
    case "input": return e.index === k ? sub : e.index > k ? ir.input(e.index - 1) : e;
    case "const": return e;
    case "unary": return ir.unary(e.op, substitute(e.a, k, sub));
    case "binary": return ir.binary(e.op, substitute(e.a, k, sub), substitute(e.b, k, sub));
    case "where": return ir.where(substitute(e.cond, k, sub), substitute(e.a, k, sub), substitute(e.b, k, sub));
    case "cast": return ir.cast(e.to, substitute(e.a, k, sub));
  }
}

/** `e` with every input index mapped by `f`. */
function remap(e: Expr, f: (i: number) => number): Expr {
  switch (e.kind) {
    case "input": return ir.input(f(e.index));
    case "const": return e;
    case "unary": return ir.unary(e.op, remap(e.a, f));
    case "binary": return ir.binary(e.op, remap(e.a, f), remap(e.b, f));
    case "where": return ir.where(remap(e.cond, f), remap(e.a, f), remap(e.b, f));
    case "cast": return ir.cast(e.to, remap(e.a, f));
  }
}

function size(e: Expr): number {
  switch (e.kind) {
    case "input": case "const": return 1;
    case "unary": case "cast": return 1 + size(e.a);
    case "binary": return 1 + size(e.a) + size(e.b);
    case "where": return 1 + size(e.cond) + size(e.a) + size(e.b);
  }
}

const refKey = (r: Ref) => `${r.v}|${r.shape.join(",")}|${r.strides.join(",")}|${r.offset}`;

export interface FuseLimits {
  /** Most inputs a fused kernel reads (distinct views). */
  maxInputs: number;
  /** Most expression nodes in a fused kernel. */
  maxNodes: number;
}

export const DEFAULT_LIMITS: FuseLimits = { maxInputs: 8, maxNodes: 96 };

type RunNode = Extract<Node, { op: "run" }>;
type MatmulNode = Extract<Node, { op: "matmul" }>;

/**
 * Fuses each elementwise kernel into its only consumer when that consumer iterates the same shape
 * and reads the whole result as written (contiguous, unbroadcast): the producer's expression
 * replaces the input, rounded to the dtype the producer stored (a cast), so the fused kernel
 * computes what the pair computed, value for value. Chains fuse transitively; a reduction takes
 * its elementwise prologue. Not fused: producers of int32 results, producers whose inputs are
 * written between producer and consumer, or that read what the consumer writes in place.
 */
export function fuseElementwise(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[], limits: FuseLimits = DEFAULT_LIMITS): Node[] {
  const list: (Node | null)[] = nodes.map((n) => (n.op === "run" ? { ...n, inputs: n.inputs.slice(), members: n.members.slice() } : n));
  const uses = new Map<number, number>();
  const use = (v: number) => uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const n of list) for (const v of n!.op === "opaque" ? [...n!.reads, ...n!.writes] : readsOf(n!).map((r) => r.v)) use(v);
  for (const r of outputs) use(r.v);
  const defAt = new Map<number, number>();
  list.forEach((n, i) => {
    const d = defOf(n!);
    if (d !== null) defAt.set(d, i);
  });
  const writtenBetween = (from: number, to: number, vs: ReadonlySet<number>): boolean => {
    for (let i = from + 1; i < to; i++) {
      const n = list[i];
      if (n && writesOf(n).some((v) => vs.has(v))) return true;
    }
    return false;
  };
  for (let j = 0; j < list.length; j++) {
    const c = list[j];
    if (!c || c.op !== "run") continue;
    for (let k = 0; k < c.inputs.length; k++) {
      const r = c.inputs[k];
      if (values[r.v].kind !== "temp" || uses.get(r.v) !== 1) continue;
      const pi = defAt.get(r.v);
      if (pi === undefined || pi >= j) continue;
      const p = list[pi];
      if (!p || p.op !== "run" || p.out || p.kernel.reduce || p.def !== r.v) continue;
      const dt = p.kernel.dtype;
      if (dt === "int32") continue;
      if (!shapesEqual(p.shape, c.shape) || !shapesEqual(r.shape, c.shape) || r.offset !== 0 || !shapesEqual(r.strides, contiguousStrides(c.shape))) continue;
      if (c.inputs.length - 1 + p.inputs.length > limits.maxInputs) continue;
      if (size(c.kernel.expr) + size(p.kernel.expr) > limits.maxNodes) continue;
      const pIn = new Set(p.inputs.map((x) => x.v));
      if (c.out && pIn.has(c.out.v)) continue;
      if (writtenBetween(pi, j, pIn)) continue;
      // The producer's value as it was stored: rounded to its dtype (float64 stores exactly).
      const base = c.inputs.length - 1;
      const pe = remap(p.kernel.expr, (i) => base + i);
      const sub = dt === "float64" ? pe : ir.cast(dt, pe);
      const expr = substitute(c.kernel.expr, k, sub);
      const inputs = [...c.inputs.slice(0, k), ...c.inputs.slice(k + 1), ...p.inputs];
      const fused: RunNode = { ...c, kernel: { ...c.kernel, expr }, inputs, members: [...memberNames(p), ...memberNames(c)] };
      list[j] = dedupeInputs(fused);
      list[pi] = null;
      uses.delete(r.v);
      return fuseElementwise(values, list.filter((n): n is Node => n !== null), outputs, limits);
    }
  }
  return list.filter((n): n is Node => n !== null);
}

const memberNames = (n: RunNode): string[] => (n.members.length ? n.members : [kernelName(n.kernel)]);

/** One input per distinct view (a fused kernel often reads the same tensor twice). */
function dedupeInputs(n: RunNode): RunNode {
  const first = new Map<string, number>();
  const map: number[] = [];
  const inputs: Ref[] = [];
  for (const r of n.inputs) {
    const key = refKey(r);
    let i = first.get(key);
    if (i === undefined) {
      i = inputs.length;
      first.set(key, i);
      inputs.push(r);
    }
    map.push(i);
  }
  if (inputs.length === n.inputs.length) return n;
  return { ...n, inputs, kernel: { ...n.kernel, expr: remap(n.kernel.expr, (i) => map[i]) } };
}

/**
 * (A·B)ᵀ = Bᵀ·Aᵀ: a contiguous copy of a transposed 2-d matrix product (a Linear weight's gradient,
 * computed [in, out] and stored [out, in]) becomes one product of the transposed operands written
 * straight into the copy's value, one pass less. Each element is the same dot product over the
 * same k order. Applies to unbatched, bias-free products read only by that copy.
 */
export function foldTransposedCopies(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[]): Node[] {
  const uses = new Map<number, number>();
  for (const n of nodes) for (const v of n.op === "opaque" ? [...n.reads, ...n.writes] : readsOf(n).map((r) => r.v)) uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const r of outputs) uses.set(r.v, (uses.get(r.v) ?? 0) + 1);
  const list: (Node | null)[] = nodes.slice();
  const defAt = new Map<number, number>();
  list.forEach((n, i) => {
    const d = defOf(n!);
    if (d !== null) defAt.set(d, i);
  });
  const t = (r: Ref): Ref => ({ v: r.v, shape: [r.shape[0], r.shape[2], r.shape[1]], strides: [r.strides[0], r.strides[2], r.strides[1]], offset: r.offset });
  list.forEach((c, j) => {
    if (!c || c.op !== "run" || c.out || c.kernel.reduce || c.kernel.expr.kind !== "input" || c.inputs.length !== 1) return;
    const r = c.inputs[0];
    const mi = defAt.get(r.v);
    if (mi === undefined || values[r.v].kind !== "temp" || uses.get(r.v) !== 1) return;
    const m = list[mi];
    if (!m || m.op !== "matmul" || m.bias || m.a.shape[0] !== 1 || m.dtype !== c.kernel.dtype) return;
    const M = m.a.shape[1], N = m.b.shape[2];
    if (!shapesEqual(c.shape, [N, M]) || !shapesEqual(r.shape, [N, M]) || !shapesEqual(r.strides, [1, N]) || r.offset !== 0) return;
    list[mi] = { op: "matmul", a: t(m.b), b: t(m.a), bias: null, dtype: m.dtype, def: c.def! };
    list[j] = null;
  });
  return list.filter((n): n is Node => n !== null);
}

/** Uses of each value: reads by nodes (an opaque node's reads and writes) and being an output. */
function useCounts(nodes: readonly (Node | null)[], outputs: readonly Ref[]): Map<number, number> {
  const uses = new Map<number, number>();
  for (const n of nodes) if (n) for (const v of n.op === "opaque" ? [...n.reads, ...n.writes] : readsOf(n).map((r) => r.v)) uses.set(v, (uses.get(v) ?? 0) + 1);
  for (const r of outputs) uses.set(r.v, (uses.get(r.v) ?? 0) + 1);
  return uses;
}

/** Whether r reads all of value v's `length` elements in order, over `shape` (any split of them). */
const whole = (r: Ref, shape: readonly number[], length: number): boolean =>
  r.offset === 0 && shapesEqual(r.shape, shape) && shapesEqual(r.strides, contiguousStrides(shape)) && shape.reduce((a, b) => a * b, 1) === length;

/**
 * The product's epilogue: a bias-free product whose only reader adds a row vector to it (x·W, then
 * + b broadcast over rows) takes the vector as its bias, and a product whose only reader is relu
 * takes relu as its activation (Backend.matmul's `act`); the reader's value becomes the product's.
 * Backends fold both into the product's store (wasm's dot-product kernel) or one pass over it,
 * rounding as the separate add and relu kernels do, so values are the same bits.
 */
export function fuseMatmulEpilogues(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[]): Node[] {
  const list: (Node | null)[] = nodes.slice();
  const uses = useCounts(list, outputs);
  const readerOf = new Map<number, number>();
  list.forEach((n, i) => {
    if (n && n.op !== "opaque") for (const r of readsOf(n)) readerOf.set(r.v, i);
  });
  const defAt = new Map<number, number>();
  list.forEach((n, i) => {
    const d = n && defOf(n);
    if (d !== null && d !== undefined) defAt.set(d, i);
  });
  for (let i = 0; i < list.length; i++) {
    const n = list[i];
    if (!n || n.op !== "matmul") continue;
    let m: MatmulNode = n;
    // Fold readers one after another: + bias, then relu.
    for (;;) {
      const d: number = m.def;
      const ci = readerOf.get(d);
      if (values[d].kind !== "temp" || uses.get(d) !== 1 || ci === undefined) break;
      const c = list[ci];
      if (!c || c.op !== "run" || c.out || c.kernel.reduce || c.def === null || c.kernel.dtype !== m.dtype || m.act) break;
      const [B, M] = m.a.shape, N: number = m.b.shape[2];
      const length = B * M * N;
      const e = c.kernel.expr;
      let next: MatmulNode | null = null;
      if (e.kind === "unary" && e.op === "relu" && e.a.kind === "input" && c.inputs.length === 1 && whole(c.inputs[0], c.shape, length)) {
        next = { ...m, act: "relu", def: c.def, folded: [...(m.folded ?? []), "relu"] };
      } else if (!m.bias && e.kind === "binary" && e.op === "add" && e.a.kind === "input" && e.b.kind === "input" && c.inputs.length === 2 && c.shape[c.shape.length - 1] === N) {
        const k = c.inputs.findIndex((r) => r.v === d);
        const bias = c.inputs[1 - k];
        const nd = c.shape.length;
        const rowVector = bias && bias.v !== d && values[bias.v].dtype === m.dtype && bias.strides.every((s, j) => j === nd - 1 || s === 0);
        if (k >= 0 && rowVector && whole(c.inputs[k], c.shape, length)) {
          next = { ...m, bias: { v: bias.v, shape: [N], strides: [bias.strides[nd - 1]], offset: bias.offset }, def: c.def, folded: [...(m.folded ?? []), "add"] };
        }
      }
      if (!next) break;
      // The reader's value is made where the product was, so a bias it takes must be made before
      // the product and not written between the two.
      const bv = next.bias && next.bias !== m.bias ? next.bias.v : null;
      if (bv !== null && ((defAt.get(bv) ?? -1) > i || list.slice(i + 1, ci).some((x) => x && writesOf(x).includes(bv)))) break;
      list[i] = m = next;
      list[ci] = null;
      uses.delete(d);
    }
  }
  return list.filter((n): n is Node => n !== null);
}
