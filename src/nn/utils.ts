// Gradient clipping (PyTorch's torch.nn.utils.clip_grad_norm_ / clip_grad_value_): in place on `.grad`.
import { ArgumentError } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";
import { scope } from "../tensor/memory.js";
import { noGrad } from "../autograd/mode.js";

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
}

function gradsOf(op: string, params: Tensor | Iterable<Tensor>): Tensor[] {
  if (params instanceof Tensor) params = [params];
  if (params === null || typeof params !== "object" || !(Symbol.iterator in params)) {
    throw new ArgumentError(op, "params must be a tensor or an array of tensors, e.g. model.parameters()");
  }
  const grads: Tensor[] = [];
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new ArgumentError(op, `params must be tensors, got ${p === null ? "null" : typeof p}`);
    if (p.grad) grads.push(p.grad);
  }
  return grads;
}

/** The p-norm of one gradient, in its dtype, as torch.norm(g, p). */
function norm(g: Tensor, p: number): number {
  if (p === Infinity) return g.abs().max().item();
  if (p === -Infinity) return g.abs().min().item();
  if (p === 0) return g.ne(0).sum().item();
  if (p === 1) return g.abs().sum().item();
  if (p === 2) return g.mul(g).sum().sqrt().item();
  return g.abs().pow(p).sum().pow(1 / p).item();
}

/** The p-norm of a list of numbers (the per-gradient norms), as torch.norm of their stack. */
function normOf(xs: number[], p: number): number {
  if (p === Infinity) return Math.max(...xs.map(Math.abs));
  if (p === -Infinity) return Math.min(...xs.map(Math.abs));
  if (p === 0) return xs.filter((x) => x !== 0).length;
  if (p === 1) return xs.reduce((s, x) => s + Math.abs(x), 0);
  if (p === 2) return Math.sqrt(xs.reduce((s, x) => s + x * x, 0));
  return xs.reduce((s, x) => s + Math.abs(x) ** p, 0) ** (1 / p);
}

/**
 * Rescales the gradients of `params` together so that their total `normType`-norm (the norm of
 * all gradients concatenated; `Infinity` for the largest magnitude) is at most `maxNorm`: when
 * the total exceeds it, every gradient is multiplied by maxNorm / (total + 1e-6), in place.
 * Parameters without a gradient are skipped. Returns the total norm before clipping.
 * @example loss.backward(); nn.utils.clipGradNorm_(model.parameters(), 1.0); opt.step();
 */
export function clipGradNorm_(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, opts: ClipGradNormOptions = {}): number {
  const op = "clipGradNorm_";
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm)) throw new ArgumentError(op, `maxNorm must be a number, got ${String(maxNorm)}`);
  if (typeof normType !== "number" || Number.isNaN(normType)) throw new ArgumentError(op, `normType must be a number (Infinity for the max norm), got ${String(normType)}`);
  const grads = gradsOf(op, params);
  if (grads.length === 0) return 0;
  return scope(() => noGrad(() => {
    const total = normOf(grads.map((g) => norm(g, normType)), normType);
    if (opts.errorIfNonfinite && !Number.isFinite(total)) {
      throw new ArgumentError(op, `the total norm of order ${normType} of the gradients is ${total}, so it cannot be clipped; pass { errorIfNonfinite: false } to scale by it anyway`);
    }
    const coef = maxNorm / (total + 1e-6);
    // PyTorch multiplies by min(coef, 1); multiplying by 1 changes nothing, so skip it.
    if (coef < 1 || Number.isNaN(coef)) for (const g of grads) g.copy_(g.mul(coef));
    return total;
  }));
}

/**
 * Clamps every gradient of `params` to [-clipValue, clipValue], in place.
 * @example nn.utils.clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const op = "clipGradValue_";
  if (typeof clipValue !== "number" || Number.isNaN(clipValue)) throw new ArgumentError(op, `clipValue must be a number, got ${String(clipValue)}`);
  const grads = gradsOf(op, params);
  scope(() => noGrad(() => {
    for (const g of grads) g.copy_(g.clamp(-clipValue, clipValue));
  }));
}
