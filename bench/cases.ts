// The benchmark cases and the work each one does, counted by hand: FLOPs for matmul, bytes
// read + written (float32 = 4 bytes) for the memory-bound elementwise and reduction cases.
import { glorot, labels, uniform } from "./data.js";

export type Group = "matmul" | "elementwise" | "reduction" | "mlp";
export const GROUPS: readonly Group[] = ["matmul", "elementwise", "reduction", "mlp"];

export type Op =
  | { kind: "matmul" } // C = A · B, inputs [N,N] and [N,N]
  | { kind: "add" } // z = x + y, same shape
  | { kind: "exp" } // y = exp(x)
  | { kind: "sumAll" } // scalar = Σ x
  | { kind: "sumLast" } // [R] = Σ over the last dim of [R, C]
  | { kind: "mlpTrain" }; // W2: one Adam step of 784-256-128-10 on inputs x, y, w1, w2, w3 (biases 0)

export interface Case {
  id: string;
  group: Group;
  op: Op;
  /** Input arrays (float32, row-major) with their shapes; every library gets these same values. */
  inputs: { shape: number[]; data: Float32Array }[];
  /** Floating-point operations (matmul: multiply + add = 2 per inner-product term). */
  flops: number;
  /** Bytes read and written at the minimum: each input element read once, each output written once. */
  bytes: number;
  /** What the rate column shows: GFLOP/s for compute-bound cases, GB/s for memory-bound ones. */
  unit: "GFLOP/s" | "GB/s";
}

const F32 = 4;
const M = 1_000_000; // "1M" elements

function matmulCase(n: number): Case {
  return {
    id: `matmul ${n}`,
    group: "matmul",
    op: { kind: "matmul" },
    inputs: [
      { shape: [n, n], data: uniform(101, n * n, -1, 1) },
      { shape: [n, n], data: uniform(102, n * n, -1, 1) },
    ],
    flops: 2 * n ** 3,
    bytes: 3 * n * n * F32,
    unit: "GFLOP/s",
  };
}

/** The cases of the chosen groups, in table order (only their input data is generated). */
export function makeCases(groups: readonly Group[], matmulSizes: readonly number[]): Case[] {
  const out: Case[] = [];
  if (groups.includes("matmul")) for (const n of matmulSizes) out.push(matmulCase(n));
  if (groups.includes("elementwise")) {
    out.push({
      id: "add 1M",
      group: "elementwise",
      op: { kind: "add" },
      inputs: [
        { shape: [M], data: uniform(103, M, -1, 1) },
        { shape: [M], data: uniform(104, M, -1, 1) },
      ],
      flops: M,
      bytes: 3 * M * F32, // read x, read y, write z
      unit: "GB/s",
    });
    out.push({
      id: "exp 1M",
      group: "elementwise",
      op: { kind: "exp" },
      inputs: [{ shape: [M], data: uniform(105, M, -1, 1) }],
      flops: M, // counted as 1 "op" per element; the rate column uses bytes
      bytes: 2 * M * F32, // read x, write y
      unit: "GB/s",
    });
  }
  if (groups.includes("reduction")) {
    out.push({
      id: "sum 1M",
      group: "reduction",
      op: { kind: "sumAll" },
      inputs: [{ shape: [M], data: uniform(106, M, -1, 1) }],
      flops: M - 1,
      bytes: M * F32 + F32, // read x, write one scalar
      unit: "GB/s",
    });
    out.push({
      id: "sum [1000,1000] dim -1",
      group: "reduction",
      op: { kind: "sumLast" },
      inputs: [{ shape: [1000, 1000], data: uniform(107, 1000 * 1000, -1, 1) }],
      flops: 1000 * 999,
      bytes: 1000 * 1000 * F32 + 1000 * F32, // read x, write 1000 sums
      unit: "GB/s",
    });
  }
  if (groups.includes("mlp")) out.push(mlpCase());
  return out;
}

/** W2 of shared/bench/WORKLOADS.md: an MLP training step (forward, loss, backward, Adam). */
function mlpCase(): Case {
  const B = 128, sizes = [784, 256, 128, 10];
  const layerFlops = sizes.slice(1).reduce((s, o, i) => s + 2 * B * sizes[i] * o, 0);
  // forward + weight gradients (2 × forward) + input gradients of layers 2 and 3 (none for x)
  const flops = 2 * layerFlops + 2 * B * (256 * 128 + 128 * 10);
  return {
    id: "W2 mlp train step",
    group: "mlp",
    op: { kind: "mlpTrain" },
    inputs: [
      { shape: [B, 784], data: uniform(201, B * 784) },
      { shape: [B], data: labels(202, B, 10) },
      ...[0, 1, 2].map((l) => ({ shape: [sizes[l], sizes[l + 1]], data: uniform(211 + l, sizes[l] * sizes[l + 1], -glorot(sizes[l], sizes[l + 1]), glorot(sizes[l], sizes[l + 1])) })),
    ],
    flops,
    bytes: 4 * (2 * (784 * 256 + 256 * 128 + 128 * 10)),
    unit: "GFLOP/s",
  };
}

/** The rate a timing gives for a case, in its unit. */
export function rate(c: Case, ms: number): number {
  const perSecond = (c.unit === "GFLOP/s" ? c.flops : c.bytes) / (ms / 1000);
  return perSecond / 1e9;
}
