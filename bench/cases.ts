// The benchmark cases and the work each one does, counted by hand: FLOPs for matmul, bytes
// read + written (float32 = 4 bytes) for the memory-bound elementwise and reduction cases.
import { glorot, labels, uniform } from "./data.js";

export type Group = "matmul" | "elementwise" | "reduction" | "mlp" | "cnn" | "lstm" | "infer";
export const GROUPS: readonly Group[] = ["matmul", "elementwise", "reduction", "mlp", "cnn", "lstm", "infer"];

export type Op =
  | { kind: "matmul" } // C = A · B, inputs [N,N] and [N,N]
  | { kind: "add" } // z = x + y, same shape
  | { kind: "exp" } // y = exp(x)
  | { kind: "sumAll" } // scalar = Σ x
  | { kind: "sumLast" } // [R] = Σ over the last dim of [R, C]
  | { kind: "mlpTrain" } // W2: one Adam step of 784-256-128-10 on inputs x, y, w1, w2, w3 (biases 0)
  | { kind: "cnnTrain" } // W3: one Adam step of the CNN on inputs x, y, c1w, c2w, d1w, d2w (biases 0)
  | { kind: "lstmTrain" } // W4: one Adam step of LSTM(32→128) + dense on x, y, W_ih, W_hh, b_ih, b_hh, dw (db 0)
  | { kind: "mlpInfer" }; // W5: the W2 model's logits for x (inputs x, w1, w2, w3; biases 0), read back

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
  if (groups.includes("cnn")) out.push(cnnCase());
  if (groups.includes("lstm")) out.push(lstmCase());
  if (groups.includes("infer")) out.push(inferCase(1), inferCase(1024));
  return out;
}

/** W3: the CNN training step (conv 1→32, pool, conv 32→64, pool, dense 3136→128→10, Adam). */
function cnnCase(): Case {
  const B = 64;
  const conv1 = 2 * B * 28 * 28 * 32 * 9, conv2 = 2 * B * 14 * 14 * 64 * 288, d1 = 2 * B * 3136 * 128, d2 = 2 * B * 128 * 10;
  // forward + weight gradients (2 × forward) + input gradients of everything but conv1
  const flops = 2 * (conv1 + conv2 + d1 + d2) + conv2 + d1 + d2;
  const u = (s: number, n: number, fanIn: number, fanOut: number) => uniform(s, n, -glorot(fanIn, fanOut), glorot(fanIn, fanOut));
  return {
    id: "W3 cnn train step",
    group: "cnn",
    op: { kind: "cnnTrain" },
    inputs: [
      { shape: [B, 1, 28, 28], data: uniform(301, B * 784) },
      { shape: [B], data: labels(302, B, 10) },
      { shape: [32, 1, 3, 3], data: u(311, 32 * 9, 9, 288) },
      { shape: [64, 32, 3, 3], data: u(312, 64 * 32 * 9, 288, 576) },
      { shape: [3136, 128], data: u(313, 3136 * 128, 3136, 128) },
      { shape: [128, 10], data: u(314, 128 * 10, 128, 10) },
    ],
    flops,
    bytes: 4 * 2 * (32 * 9 + 64 * 288 + 3136 * 128 + 1280),
    unit: "GFLOP/s",
  };
}

/** W4: the LSTM training step (B 32, T 50, I 32, H 128, last h → dense → MSE, Adam). */
function lstmCase(): Case {
  const B = 32, T = 50, I = 32, H = 128, r = 1 / Math.sqrt(H);
  // per step: x·W_ihᵀ and h·W_hhᵀ (2·B·4H·(I+H)); backward: both weight gradients and the gradient
  // through W_hh (none flows to the data x); the dense head 3 × 2·B·H.
  const fwd = T * 2 * B * 4 * H * (I + H);
  const flops = 2 * fwd + T * 2 * B * 4 * H * H + 3 * 2 * B * H;
  return {
    id: "W4 lstm train step",
    group: "lstm",
    op: { kind: "lstmTrain" },
    inputs: [
      { shape: [B, T, I], data: uniform(401, B * T * I, -1, 1) },
      { shape: [B, 1], data: uniform(402, B, -1, 1) },
      { shape: [4 * H, I], data: uniform(411, 4 * H * I, -r, r) },
      { shape: [4 * H, H], data: uniform(412, 4 * H * H, -r, r) },
      { shape: [4 * H], data: uniform(413, 4 * H, -r, r) },
      { shape: [4 * H], data: uniform(414, 4 * H, -r, r) },
      { shape: [H, 1], data: uniform(415, H, -glorot(H, 1), glorot(H, 1)) },
    ],
    flops,
    bytes: 4 * 2 * (4 * H * (I + H + 2) + H + 1),
    unit: "GFLOP/s",
  };
}

/** W5: MLP inference latency at batch 1 or 1024 with the W2 model's initial weights, logits read back. */
function inferCase(batch: 1 | 1024): Case {
  const sizes = [784, 256, 128, 10];
  return {
    id: `W5 mlp infer batch ${batch}`,
    group: "infer",
    op: { kind: "mlpInfer" },
    inputs: [
      { shape: [batch, 784], data: uniform(batch === 1 ? 501 : 502, batch * 784) },
      ...[0, 1, 2].map((l) => ({ shape: [sizes[l], sizes[l + 1]], data: uniform(211 + l, sizes[l] * sizes[l + 1], -glorot(sizes[l], sizes[l + 1]), glorot(sizes[l], sizes[l + 1])) })),
    ],
    flops: sizes.slice(1).reduce((s, o, i) => s + 2 * batch * sizes[i] * o, 0),
    bytes: 4 * (batch * 784 + 784 * 256 + 256 * 128 + 1280 + batch * 10),
    unit: "GFLOP/s",
  };
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
