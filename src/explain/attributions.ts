// Attributions for differentiable models (Captum's core methods): input-gradient saliency,
// integrated gradients (with a completeness check) and occlusion sensitivity.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import type { Tensor } from "../tensor/tensor.js";
import * as ds from "../tensor/index.js";

/** Anything that maps a batch to outputs: an nn.Module (its `call`) or a plain function. */
export type Forward = { call(x: Tensor): Tensor } | ((x: Tensor) => Tensor);

/**
 * Which output to explain, per sample: a class index for all (number), one per sample (number[] or
 * an int32 tensor [N]), or null/undefined when the model gives one value per sample.
 */
export type Target = number | readonly number[] | Tensor | null | undefined;

interface Trainable { training: boolean; train(mode?: boolean): unknown }
const isTrainable = (m: unknown): m is Trainable => typeof m === "object" && m !== null && typeof (m as Trainable).train === "function" && typeof (m as Trainable).training === "boolean";

/** Runs fn with a Module in eval mode (dropout off, batch norm on running statistics), restoring its mode. */
export function inEval<T>(model: unknown, fn: () => T): T {
  if (!isTrainable(model)) return fn();
  const was = model.training;
  model.train(false);
  try {
    return fn();
  } finally {
    model.train(was);
  }
}

export const forwardOf = (model: Forward): ((x: Tensor) => Tensor) => (typeof model === "function" ? model : (x) => model.call(x));

/** Target indices as an int32 [N] tensor, or null for single-output models. */
function targetsOf(op: string, target: Target, n: number): Tensor | null {
  if (target === null || target === undefined) return null;
  if (typeof target === "number") return ds.full([n], target, { dtype: "int32" });
  const t = Array.isArray(target) ? ds.tensor(target as number[], { dtype: "int32" }) : (target as Tensor).to("int32").reshape([-1]);
  if (t.shape[0] !== n) throw new ShapeError(op, `${t.shape[0]} targets for ${n} samples`);
  return t;
}

/** The explained output of each sample: out[n, target[n]] of a [N, ...] output, as [N]. */
function pick(op: string, out: Tensor, targets: Tensor | null): Tensor {
  const n = out.shape[0];
  const flat = out.reshape([n, -1]);
  if (targets === null) {
    if (flat.shape[1] !== 1) throw new ArgumentError(op, `the model gives ${flat.shape[1]} outputs per sample (shape ${fmtShape(out.shape)}); pass the target output index`);
    return flat.reshape([n]);
  }
  return flat.gather(1, targets.reshape([n, 1])).reshape([n]);
}

/** The explained outputs f(x)[target] per sample (no gradient), in eval mode. */
export function targetOutputs(model: Forward, x: Tensor, target?: Target): Tensor {
  const f = forwardOf(model);
  return inEval(model, () => ds.noGrad(() => pick("targetOutputs", f(x), targetsOf("targetOutputs", target, x.shape[0]))));
}

// d(Σ_n out[n, target[n]]) / dx for a batch, the model's parameters' .grad untouched.
function gradOfTargets(f: (x: Tensor) => Tensor, x: Tensor, targets: Tensor | null, op: string): Tensor {
  return ds.grad((xi: Tensor) => pick(op, f(xi), targets).sum())(x);
}

const checkBatch = (op: string, x: Tensor): void => {
  if (x.ndim < 1 || x.shape[0] < 1) throw new ShapeError(op, `expected a batch [N, ...] with N ≥ 1, got ${fmtShape(x.shape)}`);
  if (!x.dtype.startsWith("float")) throw new ArgumentError(op, `expected floating-point inputs, got ${x.dtype}`);
};

export interface SaliencyOptions {
  /** Absolute values of the gradient (Simonyan et al.'s saliency map); default false: the signed gradient. */
  abs?: boolean;
}

/**
 * Input-gradient saliency: ∂ f(x)[target] / ∂x for each sample of the batch x [N, ...], shaped
 * like x (for a linear model, its weights). The model runs in eval mode; its parameters' .grad are
 * left alone.
 * @example const s = explain.saliency(model, x, 3, { abs: true }) // x [N,1,28,28] → [N,1,28,28]
 */
export function saliency(model: Forward, x: Tensor, target?: Target, opts: SaliencyOptions = {}): Tensor {
  const op = "saliency";
  checkBatch(op, x);
  const targets = targetsOf(op, target, x.shape[0]);
  const g = inEval(model, () => gradOfTargets(forwardOf(model), x, targets, op));
  return opts.abs ? g.abs() : g;
}

export type IntegrationMethod = "gaussLegendre" | "riemannTrapezoid" | "riemannMiddle" | "riemannLeft" | "riemannRight";

export interface IntegratedGradientsOptions {
  /** The reference input: a number (default 0, a black image) or a tensor broadcastable to x. */
  baseline?: number | Tensor;
  /** Points on the path from the baseline to x (default 50). */
  steps?: number;
  /** Quadrature rule (default "gaussLegendre", as Captum). */
  method?: IntegrationMethod;
  /** Path points evaluated per forward pass (rows of the scaled batch); default 256. */
  internalBatchSize?: number;
}

/** Gauss–Legendre nodes and weights on [0, 1] (Newton's iteration on the Legendre polynomial). */
function gaussLegendre(n: number): { alphas: number[]; weights: number[] } {
  const alphas: number[] = [], weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5)), dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      if (n === 1) p0 = 1;
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    alphas.push((1 - z) / 2);
    weights.push(1 / ((1 - z * z) * dp * dp));
  }
  return { alphas, weights };
}

function pathPoints(method: IntegrationMethod, steps: number): { alphas: number[]; weights: number[] } {
  const idx = Array.from({ length: steps }, (_, i) => i);
  switch (method) {
    case "gaussLegendre": return gaussLegendre(steps);
    case "riemannTrapezoid":
      if (steps < 2) throw new ArgumentError("integratedGradients", "the trapezoid rule needs at least 2 steps");
      return { alphas: idx.map((i) => i / (steps - 1)), weights: idx.map((i) => (i === 0 || i === steps - 1 ? 0.5 : 1) / (steps - 1)) };
    case "riemannMiddle": return { alphas: idx.map((i) => (i + 0.5) / steps), weights: idx.map(() => 1 / steps) };
    case "riemannLeft": return { alphas: idx.map((i) => i / steps), weights: idx.map(() => 1 / steps) };
    case "riemannRight": return { alphas: idx.map((i) => (i + 1) / steps), weights: idx.map(() => 1 / steps) };
    default: throw new ArgumentError("integratedGradients", `unknown method ${JSON.stringify(method)}`);
  }
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x - baseline) · ∫₀¹ ∂f(baseline + α(x -
 * baseline))/∂x dα for the target output, shaped like x [N, ...]. The attributions of a sample sum
 * to f(x) - f(baseline) up to the quadrature error (completeness; see `convergenceDelta`).
 * @example const ig = explain.integratedGradients(model, x, y, { steps: 64 })
 */
export function integratedGradients(model: Forward, x: Tensor, target?: Target, opts: IntegratedGradientsOptions = {}): Tensor {
  const op = "integratedGradients";
  checkBatch(op, x);
  const steps = opts.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(op, `steps must be a positive integer, got ${steps}`);
  const { alphas, weights } = pathPoints(opts.method ?? "gaussLegendre", steps);
  const n = x.shape[0];
  const targets = targetsOf(op, target, n);
  const base = baselineOf(op, opts.baseline, x);
  const delta = x.sub(base).detach();
  const f = forwardOf(model);
  // Chunks of whole path points: rows [k·N .. (k+1)·N) of a chunk are the samples at alpha_k.
  const perChunk = Math.max(1, Math.floor((opts.internalBatchSize ?? 256) / n));
  let total: Tensor = ds.zerosLike(x);
  inEval(model, () => {
    for (let s = 0; s < steps; s += perChunk) {
      const ks = alphas.slice(s, s + perChunk).map((_, j) => s + j);
      total = ds.scope(() => {
        const scaled = ds.concat(ks.map((k) => base.add(delta.mul(alphas[k]))), 0);
        const tg = targets ? ds.concat(ks.map(() => targets), 0) : null;
        const g = gradOfTargets(f, scaled, tg, op).reshape([ks.length, ...x.shape]);
        const w = ds.tensor(ks.map((k) => weights[k]), { dtype: x.dtype }).reshape([ks.length, ...x.shape.map(() => 1)]);
        return total.add(g.mul(w).sum(0));
      });
    }
  });
  return total.mul(delta);
}

function baselineOf(op: string, baseline: number | Tensor | undefined, x: Tensor): Tensor {
  if (baseline === undefined || typeof baseline === "number") return ds.fullLike(x, baseline ?? 0);
  try {
    return ds.broadcastTo(baseline.to(x.dtype), x.shape).detach();
  } catch {
    throw new ShapeError(op, `baseline ${fmtShape(baseline.shape)} does not broadcast to the input ${fmtShape(x.shape)}`);
  }
}

/**
 * Completeness gap per sample: Σ attributions - (f(x) - f(baseline)) for the target output —
 * close to 0 for integrated gradients with enough steps.
 */
export function convergenceDelta(model: Forward, x: Tensor, target: Target, attributions: Tensor, opts: { baseline?: number | Tensor } = {}): Tensor {
  const n = x.shape[0];
  const base = baselineOf("convergenceDelta", opts.baseline, x);
  const gap = targetOutputs(model, x, target).sub(targetOutputs(model, base, target));
  return attributions.reshape([n, -1]).sum(1).sub(gap);
}

export interface OcclusionOptions {
  /** Window over the trailing dims of a sample (e.g. [4, 4] over H, W covers all channels); default 3 per dim of the last two. */
  window?: number | readonly number[];
  /** Steps between windows (same length as window; default 1). */
  stride?: number | readonly number[];
  /** Value the window is filled with (default 0), or a tensor broadcastable to x. */
  baseline?: number | Tensor;
  /** Occluded copies evaluated per forward pass (default 256). */
  perturbationsPerEval?: number;
}

/**
 * Occlusion sensitivity (Zeiler & Fergus 2014, Captum's Occlusion): slides a window over each
 * sample, fills it with the baseline and records how much the target output drops,
 * f(x) - f(x occluded); each element's attribution is the mean drop over the windows covering it.
 * @example explain.occlusion(model, x, y, { window: [6, 6], stride: [2, 2] })
 */
export function occlusion(model: Forward, x: Tensor, target?: Target, opts: OcclusionOptions = {}): Tensor {
  const op = "occlusion";
  checkBatch(op, x);
  const sample = x.shape.slice(1);
  const asList = (v: number | readonly number[] | undefined, dflt: number, len: number): number[] => (v === undefined ? Array(len).fill(dflt) : typeof v === "number" ? Array(len).fill(v) : [...v]);
  const win = asList(opts.window, 3, Math.min(2, sample.length));
  const k = win.length;
  if (k < 1 || k > sample.length) throw new ArgumentError(op, `window ${JSON.stringify(opts.window)} must cover 1..${sample.length} trailing dims of a sample ${fmtShape(sample)}`);
  const stride = asList(opts.stride, 1, k);
  if (stride.length !== k) throw new ArgumentError(op, `stride ${JSON.stringify(opts.stride)} needs ${k} entries, as the window`);
  const dims = sample.slice(sample.length - k);
  win.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1 || w > dims[i]) throw new ArgumentError(op, `window ${fmtShape(win)} must fit the sample's trailing dims ${fmtShape(dims)}`);
    if (!Number.isInteger(stride[i]) || stride[i] < 1) throw new ArgumentError(op, `stride must be positive integers, got ${JSON.stringify(opts.stride)}`);
  });
  // Window origins along each covered dim; the last one flush with the end, as Captum.
  const starts = dims.map((d, i) => {
    const out: number[] = [];
    for (let s = 0; s + win[i] <= d; s += stride[i]) out.push(s);
    return out;
  });
  const positions: number[][] = starts.reduce<number[][]>((acc, list) => acc.flatMap((p) => list.map((s) => [...p, s])), [[]]);
  // Masks [P, ...sample] (1 inside the window), broadcast over the leading sample dims.
  const inner = dims.reduce((a, b) => a * b, 1);
  const maskData = new Float64Array(positions.length * inner);
  const istr = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  positions.forEach((p, m) => {
    const walk = (i: number, off: number): void => {
      if (i === k) { maskData[m * inner + off] = 1; return; }
      for (let t = 0; t < win[i]; t++) walk(i + 1, off + (p[i] + t) * istr[i]);
    };
    walk(0, 0);
  });
  const lead = sample.slice(0, sample.length - k).map(() => 1);
  const masks = ds.tensor(maskData, { dtype: x.dtype }).reshape([positions.length, ...lead, ...dims]);
  const n = x.shape[0], P = positions.length;
  const targets = targetsOf(op, target, n);
  const base = baselineOf(op, opts.baseline, x);
  const f = forwardOf(model);
  const full = targetOutputs(model, x, target); // [N]
  const chunk = Math.max(1, opts.perturbationsPerEval ?? 256);
  const drops = new Float64Array(n * P);
  inEval(model, () => ds.noGrad(() => {
    for (let i = 0; i < n; i++) {
      const xi = x.narrow(0, i, 1), bi = base.narrow(0, i, 1);
      const ti = targets ? targets.narrow(0, i, 1) : null;
      for (let s = 0; s < P; s += chunk) {
        ds.scope(() => {
          const m = masks.narrow(0, s, Math.min(chunk, P - s));
          const occluded = xi.mul(m.mul(-1).add(1)).add(bi.mul(m));
          const out = pick(op, f(occluded), ti ? ti.expand([m.shape[0]]) : null).dataSync();
          const f0 = full.index(i).item();
          out.forEach((v, j) => (drops[i * P + s + j] = f0 - v));
        });
      }
    }
  }));
  // Σ_p drop[n,p]·mask_p / Σ_p mask_p, as one matrix product over positions.
  const d = ds.tensor(drops, { dtype: x.dtype }).reshape([n, P]);
  const m2 = masks.reshape([P, inner]);
  const sum = d.matmul(m2), count = m2.sum(0);
  const attr = sum.div(ds.maximum(count, 1)).reshape([n, ...lead, ...dims]);
  return ds.broadcastTo(attr, x.shape).contiguous();
}
