// Graph passes that remove work without changing a bit of it: constant folding (kernels over
// values uploaded from host data are run once, when the program is built) and common-subexpression
// elimination (a kernel or product repeated over the same views is run once). Like the passes of
// passes.ts, each returns a new node list; folding also turns the folded temps into consts.
import type { Backend, Storage } from "../backend/backend.js";
import { exprKey } from "../ir/expr.js";
import { readsOf, writesOf, type Node, type Ref, type Value } from "./graph.js";

/** The largest value folding makes a const (it is then held for the program's life, not planned). */
export const FOLD_MAX_ELEMENTS = 1 << 16;

/** Values read or written by an opaque node (host code that holds its own tensors: never rewritten). */
function opaqueTouched(nodes: readonly Node[]): Set<number> {
  const s = new Set<number>();
  for (const n of nodes) if (n.op === "opaque") for (const v of [...n.reads, ...n.writes]) s.add(v);
  return s;
}

/** Values some node writes in place. */
function writtenValues(nodes: readonly Node[]): Set<number> {
  const s = new Set<number>();
  for (const n of nodes) for (const v of writesOf(n)) s.add(v);
  return s;
}

/**
 * Constant folding: a kernel (run node into a new value) whose inputs are all consts is run now,
 * on the program's backend, and its value becomes a const with that data — the same kernel on the
 * same inputs, so the same bits. Chains fold in order. Values written in place later, touched by
 * host code, or larger than FOLD_MAX_ELEMENTS are left alone.
 */
export function foldConstants(be: Backend, values: Value[], nodes: readonly Node[]): Node[] {
  const written = writtenValues(nodes), opaque = opaqueTouched(nodes);
  const uploaded = new Map<number, Storage>();
  const storageOf = (id: number): Storage => {
    let s = uploaded.get(id);
    if (!s) uploaded.set(id, (s = be.fromArray(values[id].dtype, values[id].data!)));
    return s;
  };
  try {
    return nodes.filter((n) => {
      if (n.op !== "run" || n.out || n.def === null) return true;
      const v = values[n.def];
      if (v.kind !== "temp" || v.length > FOLD_MAX_ELEMENTS || written.has(v.id) || opaque.has(v.id)) return true;
      if (!n.inputs.every((r) => values[r.v].kind === "const" && values[r.v].data)) return true;
      const out = be.run(n.kernel, n.inputs.map((r) => ({ storage: storageOf(r.v), shape: r.shape, strides: r.strides, offset: r.offset })), n.shape);
      v.kind = "const";
      v.data = be.read(out);
      be.free(out);
      return false;
    });
  } finally {
    for (const s of uploaded.values()) be.free(s);
  }
}

const refKey = (r: Ref) => `${r.v}|${r.shape.join(",")}|${r.strides.join(",")}|${r.offset}`;

/** What makes two nodes compute the same value from the same views (null: never merged). */
function nodeKey(n: Node): string | null {
  switch (n.op) {
    case "run": {
      if (n.out || n.def === null) return null;
      const k = n.kernel;
      return `run|${k.dtype}|${exprKey(k.expr)}|${k.reduce ? `${k.reduce.op}@${k.reduce.axes.join(",")}` : ""}|${n.shape.join(",")}|${n.inputs.map(refKey).join(";")}`;
    }
    case "matmul": return `matmul|${n.dtype}|${n.act ?? ""}|${refKey(n.a)}|${refKey(n.b)}|${n.bias ? refKey(n.bias) : ""}`;
    default: return null;
  }
}

/** `n` with every ref to a value in `to` pointing at its replacement. */
function renamed(n: Node, to: ReadonlyMap<number, number>): Node {
  const r = (x: Ref): Ref => (to.has(x.v) ? { ...x, v: to.get(x.v)! } : x);
  switch (n.op) {
    case "run": return { ...n, inputs: n.inputs.map(r), out: n.out && r(n.out) };
    case "matmul": return { ...n, a: r(n.a), b: r(n.b), bias: n.bias && r(n.bias) };
    case "gather": return { ...n, x: r(n.x), index: r(n.index) };
    case "scatter": return { ...n, base: r(n.base), index: r(n.index), src: r(n.src) };
    case "cumsum": return { ...n, x: r(n.x) };
    case "accumulate": return { ...n, target: r(n.target), src: r(n.src) };
    case "setgrad": return { ...n, grad: r(n.grad) };
    default: return n;
  }
}

/**
 * Common-subexpression elimination: a kernel or product into a new temp that repeats an earlier
 * one — same kernel, same views of the same values — is dropped, and its readers read the earlier
 * value. Not merged: when a value either reads is written in place between the two, when the
 * earlier value is written after it was made (its readers expect that), when the later one is
 * written in place or touched by host code, or when it is not a temp (an output, a pinned value).
 */
export function eliminateCommonSubexpressions(values: readonly Value[], nodes: readonly Node[]): Node[] {
  const written = writtenValues(nodes), opaque = opaqueTouched(nodes);
  // Key → the value the node made and the values it read.
  const seen = new Map<string, { def: number; reads: readonly number[] }>();
  const to = new Map<number, number>();
  const out: Node[] = [];
  for (const node of nodes) {
    const n = to.size ? renamed(node, to) : node;
    // A write invalidates every remembered node that made or read what it writes.
    const w = writesOf(n);
    if (w.length) for (const [k, e] of seen) if (w.includes(e.def) || e.reads.some((v) => w.includes(v))) seen.delete(k);
    const key = nodeKey(n);
    if (key === null) {
      out.push(n);
      continue;
    }
    const def = (n as { def: number }).def;
    const prev = seen.get(key);
    if (prev !== undefined && values[def].kind === "temp" && !written.has(def) && !opaque.has(def) && !written.has(prev.def)) {
      to.set(def, prev.def);
      continue;
    }
    seen.set(key, { def, reads: readsOf(n).map((r) => r.v) });
    out.push(n);
  }
  return out;
}
