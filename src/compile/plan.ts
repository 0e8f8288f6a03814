// The static memory plan: every temp that a kernel writes into (run, alloc and matmul nodes) gets a
// buffer, shared by liveness with temps whose lives do not overlap, allocated once and reused by
// every call. Temps the backend hands back itself (gather, scatter, cumsum make their result; host
// sources) are "transient": made at their node and freed right after their last use.
import { bytesPer, type DType } from "../core/dtype.js";
import { defOf, readValues, writesOf, type Node, type Ref, type Value } from "./graph.js";

export interface MemoryPlan {
  /** Buffer of each value (-1: none). */
  readonly slot: Int32Array;
  readonly buffers: { dtype: DType; length: number }[];
  /** Transient values to free after each node. */
  readonly freeAfter: number[][];
  /** Bytes of the buffers. */
  readonly bytes: number;
  /** Bytes the temps would take without sharing (each its own buffer). */
  readonly unsharedBytes: number;
}

export function planMemory(values: readonly Value[], nodes: readonly Node[], outputs: readonly Ref[]): MemoryPlan {
  const last = new Int32Array(values.length).fill(-1);
  nodes.forEach((n, i) => {
    for (const v of readValues(n)) last[v] = i;
    for (const v of writesOf(n)) last[v] = i;
    const d = defOf(n);
    if (d !== null && last[d] < i) last[d] = i;
  });
  for (const r of outputs) last[r.v] = nodes.length;
  const slot = new Int32Array(values.length).fill(-1);
  const buffers: { dtype: DType; length: number }[] = [];
  const free: number[] = [];
  const freeAfter: number[][] = nodes.map(() => []);
  let unshared = 0;
  nodes.forEach((n, i) => {
    const d = defOf(n);
    if (d !== null && values[d].kind === "temp") {
      const v = values[d];
      if (n.op === "run" || n.op === "alloc" || n.op === "matmul") {
        unshared += v.length * bytesPer(v.dtype);
        // Best fit among free buffers of the dtype.
        let best = -1;
        for (let f = 0; f < free.length; f++) {
          const b = buffers[free[f]];
          if (b.dtype === v.dtype && b.length >= v.length && (best < 0 || b.length < buffers[free[best]].length)) best = f;
        }
        if (best >= 0) slot[d] = free.splice(best, 1)[0];
        else {
          slot[d] = buffers.length;
          buffers.push({ dtype: v.dtype, length: v.length });
        }
      }
    }
    // Temps whose last use is this node: their buffers (or transient storages) are free from here on.
    for (let v = 0; v < values.length; v++) {
      if (last[v] !== i || values[v].kind !== "temp") continue;
      if (slot[v] >= 0) free.push(slot[v]);
      else if (defAt(nodes, v) !== null) freeAfter[i].push(v);
    }
  });
  const bytes = buffers.reduce((s, b) => s + b.length * bytesPer(b.dtype), 0);
  return { slot, buffers, freeAfter, bytes, unsharedBytes: unshared };
}

function defAt(nodes: readonly Node[], v: number): number | null {
  for (let i = 0; i < nodes.length; i++) if (defOf(nodes[i]) === v) return i;
  return null;
}
