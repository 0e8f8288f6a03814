// Embedding geometry and the losses of unsupervised learning: cosine similarity, pairwise distance,
// normalisation (torch.nn.functional's), SimCLR's NT-Xent and the VAE loss (reconstruction + KL).
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, mse } from "./losses.js";
import { frame } from "../tensor/memory.js";

// A clamp whose gradient passes through as if there were none (PyTorch clamps norms in place
// under no-grad in cosine_similarity, so the gradient ignores the clamp).
const clampMinThrough = (v: Tensor, m: number): Tensor => v.add(v.clamp(m).sub(v).detach());

const normDim = (op: string, dim: number, ndim: number): number => {
  const d = dim < 0 ? dim + ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= ndim) throw new ArgumentError(op, `dim ${dim} is out of range for ${ndim} dims`);
  return d;
};

/**
 * Cosine of the angle between x1 and x2 along `dim` (they broadcast): x1·x2 / (‖x1‖·‖x2‖), each
 * norm at least eps, as torch.nn.functional.cosine_similarity (values and gradients).
 * @example F.cosineSimilarity(a, b) // [N, D], [N, D] → [N]
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  return frame(() => {
  const ndim = Math.max(x1.ndim, x2.ndim);
  const shape = ds.broadcastTo(x1, broadcastShape("cosineSimilarity", x1, x2)).shape;
  const d = normDim("cosineSimilarity", dim, ndim);
  const a = ds.broadcastTo(x1, shape), b = ds.broadcastTo(x2, shape);
  const na = clampMinThrough(a.square().sum(d, true), eps * eps).sqrt();
  const nb = clampMinThrough(b.square().sum(d, true), eps * eps).sqrt();
  return a.div(na).mul(b.div(nb)).sum(d);
  });
}

function broadcastShape(op: string, a: Tensor, b: Tensor): number[] {
  const n = Math.max(a.ndim, b.ndim);
  return Array.from({ length: n }, (_, i) => {
    const x = a.shape[a.ndim - n + i] ?? 1, y = b.shape[b.ndim - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(op, `shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast`);
    return Math.max(x, y);
  });
}

/**
 * The p-norm of v along dim (p = 1, 2, Infinity or any positive number). A zero vector's norm has
 * gradient 0, as PyTorch's (the root's infinite slope at 0 would give NaN).
 */
function pNorm(v: Tensor, p: number, dim: number, keepdim: boolean): Tensor {
  if (p === 1) return v.abs().sum(dim, keepdim);
  if (p === Infinity) return v.abs().max(dim, keepdim);
  const s = p === 2 ? v.square().sum(dim, keepdim) : v.abs().pow(p).sum(dim, keepdim);
  const nonzero = s.gt(0);
  const safe = ds.where(nonzero, s, 1);
  return ds.where(nonzero, p === 2 ? safe.sqrt() : safe.pow(1 / p), 0);
}

/**
 * Distance between the rows of x1 and x2 along the last dim: ‖x1 - x2 + eps‖_p, as
 * torch.nn.functional.pairwise_distance.
 * @example F.pairwiseDistance(a, b) // [N, D], [N, D] → [N]
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, opts: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  return frame(() => {
  const p = opts.p ?? 2;
  if (!(p > 0)) throw new ArgumentError("pairwiseDistance", `p must be positive, got ${p}`);
  broadcastShape("pairwiseDistance", x1, x2);
  const diff = x1.sub(x2).add(opts.eps ?? 1e-6);
  return pNorm(diff, p, -1, opts.keepdim ?? false);
  });
}

/**
 * x divided by its p-norm along dim, the norm at least eps: torch.nn.functional.normalize.
 * @example F.normalize(z) // rows of [N, D] to unit length
 */
export function normalize(x: Tensor, opts: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  return frame(() => {
  const p = opts.p ?? 2;
  if (!(p > 0)) throw new ArgumentError("normalize", `p must be positive, got ${p}`);
  const d = normDim("normalize", opts.dim ?? 1, x.ndim);
  return x.div(pNorm(x, p, d, true).clamp(opts.eps ?? 1e-12));
  });
}

/**
 * SimCLR's NT-Xent (normalised temperature-scaled cross-entropy) for two views z1, z2 [N, D] of
 * the same N samples: the 2N embeddings are L2-normalised, each is scored against the other
 * 2N-1 by cosine similarity / temperature, and cross-entropy picks its partner view; mean over
 * the 2N anchors.
 * @example const loss = F.ntXent(encoder.call(aug(x)), encoder.call(aug(x)), 0.5)
 */
export function ntXent(z1: Tensor, z2: Tensor, temperature = 0.5): Tensor {
  return frame(() => {
  const op = "ntXent";
  if (z1.ndim !== 2 || fmtShape(z1.shape) !== fmtShape(z2.shape)) throw new ShapeError(op, `expected two [N, D] embeddings of one shape, got ${fmtShape(z1.shape)} and ${fmtShape(z2.shape)}`);
  if (!(temperature > 0)) throw new ArgumentError(op, `temperature must be positive, got ${temperature}`);
  const N = z1.shape[0];
  if (N < 1) throw new ShapeError(op, "needs at least one pair");
  const z = normalize(ds.concat([z1, z2], 0), { dim: 1 });
  const self = ds.eye(2 * N, 2 * N, { dtype: "bool" });
  const sim = ds.maskedFill(z.matmul(z.transpose(0, 1)).div(temperature), self, -Infinity);
  const partner = Array.from({ length: 2 * N }, (_, i) => (i + N) % (2 * N));
  return crossEntropy(sim, ds.tensor(partner, { dtype: "int32" }));
  });
}

/**
 * KL divergence KL(N(mu, exp(logvar)) ‖ N(0, 1)) = -½ Σ (1 + logvar - mu² - exp(logvar)), summed
 * over features; "sum" over the batch too, "mean" averages over the batch (dim 0), "none" per sample.
 */
export function gaussianKl(mu: Tensor, logvar: Tensor, reduction: "sum" | "mean" | "none" = "sum"): Tensor {
  return frame(() => {
  if (fmtShape(mu.shape) !== fmtShape(logvar.shape)) throw new ShapeError("gaussianKl", `mu ${fmtShape(mu.shape)} and logvar ${fmtShape(logvar.shape)} differ`);
  const per = logvar.add(1).sub(mu.square()).sub(logvar.exp()).mul(-0.5);
  if (reduction === "sum") return per.sum();
  const perSample = mu.ndim > 1 ? per.reshape([mu.shape[0], -1]).sum(1) : per;
  if (reduction === "none") return perSample;
  if (reduction === "mean") return perSample.mean();
  throw new ArgumentError("gaussianKl", `reduction must be "sum", "mean" or "none", got ${JSON.stringify(reduction)}`);
  });
}

export interface VaeLossOptions {
  /** How the reconstruction is scored: "bce" (probabilities, the default), "bceWithLogits" (the decoder outputs logits) or "mse". */
  reconstruction?: "bce" | "bceWithLogits" | "mse";
  /** Weight of the KL term (β-VAE); default 1. */
  beta?: number;
  /** "sum" over everything (PyTorch's VAE example, the default) or "mean": the per-sample sum averaged over the batch. */
  reduction?: "sum" | "mean";
}

/**
 * The VAE loss (negative ELBO): reconstruction error of `recon` against `x`, summed over pixels,
 * plus β·KL(q(z|x) ‖ N(0, I)) from the encoder's mu and logvar — PyTorch's VAE example
 * (binary cross-entropy, summed) by default.
 * @example const loss = F.vaeLoss(decoded, x, mu, logvar, { reduction: "mean" })
 */
export function vaeLoss(recon: Tensor, x: Tensor, mu: Tensor, logvar: Tensor, opts: VaeLossOptions = {}): Tensor {
  return frame(() => {
  const op = "vaeLoss";
  const kind = opts.reconstruction ?? "bce", reduction = opts.reduction ?? "sum", beta = opts.beta ?? 1;
  if (reduction !== "sum" && reduction !== "mean") throw new ArgumentError(op, `reduction must be "sum" or "mean", got ${JSON.stringify(reduction)}`);
  if (recon.size !== x.size) throw new ShapeError(op, `reconstruction ${fmtShape(recon.shape)} and input ${fmtShape(x.shape)} differ in size`);
  const target = x.reshape(recon.shape);
  const rec = kind === "bce" ? binaryCrossEntropy(recon, target, { reduction: "sum" })
    : kind === "bceWithLogits" ? binaryCrossEntropyWithLogits(recon, target, { reduction: "sum" })
      : kind === "mse" ? mse(recon, target, { reduction: "sum" })
        : (() => { throw new ArgumentError(op, `reconstruction must be "bce", "bceWithLogits" or "mse", got ${JSON.stringify(kind)}`); })();
  const total = rec.add(gaussianKl(mu, logvar, "sum").mul(beta));
  return reduction === "mean" ? total.div(recon.shape[0] ?? 1) : total;
  });
}
