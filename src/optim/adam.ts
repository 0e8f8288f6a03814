// Adam (Kingma & Ba) with L2 weight decay, AMSGrad and maximize (PyTorch's torch.optim.Adam);
// also the update shared with AdamW, which differs only in how it decays weights.
import { ArgumentError } from "../core/errors.js";
import { shapesEqual } from "../core/shape.js";
import * as ir from "../ir/expr.js";
import type { Tensor } from "../tensor/tensor.js";
import { maximum } from "../ops/math.js";
import { assignExpr } from "../prims/movement.js";
import { Optimizer, checkNonNegative, type Group, type ParamsInput, type OptimizerOptions } from "./optimizer.js";

/** Adam's and AdamW's hyperparameters (each group has all of them). */
export interface AdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Options of `new optim.Adam(params, opts)`: its hyperparameters and checkFinite; every field is optional. */
export type AdamOptions = Partial<AdamHyper> & OptimizerOptions;

/** Per-parameter state: step count, first and second moment estimates, and their running max (amsgrad). */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * Adam, exactly PyTorch's single-tensor update: m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
 * p −= lr/(1−β1ᵗ) · m / (√v̂/√(1−β2ᵗ) + eps), with v̂ = max of all v so far under amsgrad.
 * weightDecay adds weightDecay·p to the gradient (L2; see AdamW for decoupled decay).
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false, maximize false.
 * @example const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsInput<AdamOptions>, opts: AdamOptions = {}) {
    super("Adam", params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, opts);
  }

  protected checkHyper(h: AdamHyper): void {
    checkAdam(this.name, h);
  }

  protected initState(p: Tensor, g: Group<AdamHyper>): AdamState {
    return newAdamState(this.stateLike(p), this.stateLike(p), g.amsgrad ? this.stateLike(p) : undefined);
  }

  protected update(p: Tensor, grad: Tensor, g: Group<AdamHyper>, st: AdamState): void {
    if (!adamFused(p, grad, g, st, false)) adamUpdate(p, grad, g, st, false, () => this.stateLike(p));
  }
}

/** @internal */
export function newAdamState(expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq?: Tensor): AdamState {
  const st: AdamState = { step: 0, expAvg, expAvgSq };
  if (maxExpAvgSq) st.maxExpAvgSq = maxExpAvgSq;
  return st;
}

/** @internal One Adam/AdamW step for one parameter, in place, in the parameter's dtype. */
export function adamUpdate(p: Tensor, grad: Tensor, g: AdamHyper, st: AdamState, decoupled: boolean, zeros: () => Tensor): void {
  const [beta1, beta2] = g.betas;
  let d = g.maximize ? grad.neg() : grad;
  st.step += 1;
  if (decoupled) p.copy_(p.mul(1 - g.lr * g.weightDecay));
  else if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
  st.expAvg.copy_(st.expAvg.mul(beta1).add(d.mul(1 - beta1)));
  st.expAvgSq.copy_(st.expAvgSq.mul(beta2).add(d.mul(1 - beta2).mul(d)));
  const biasCorrection1 = 1 - beta1 ** st.step;
  const biasCorrection2 = 1 - beta2 ** st.step;
  const stepSize = g.lr / biasCorrection1;
  let second = st.expAvgSq;
  if (g.amsgrad) {
    // amsgrad switched on after the first step starts its running max now.
    st.maxExpAvgSq ??= zeros();
    st.maxExpAvgSq.copy_(maximum(st.maxExpAvgSq, st.expAvgSq));
    second = st.maxExpAvgSq;
  }
  const denom = second.sqrt().div(Math.sqrt(biasCorrection2)).add(g.eps);
  p.copy_(p.add(st.expAvg.mul(-stepSize).div(denom)));
}

/**
 * @internal adamUpdate as three in-place kernels (m, v, then p) instead of about a dozen ops, each
 * expression a term-for-term copy of adamUpdate's ops with a rounding to the parameter's dtype
 * after every op, so the result is the same to the last bit on every backend (test/optim-fused.test.ts).
 * Returns false, having done nothing, where it does not apply (amsgrad, mixed dtypes or shapes):
 * adamUpdate is the definition and the fallback.
 */
export function adamFused(p: Tensor, grad: Tensor, g: AdamHyper, st: AdamState, decoupled: boolean): boolean {
  const dt = p.dtype;
  if (g.amsgrad || (dt !== "float32" && dt !== "float64")) return false;
  for (const t of [grad, st.expAvg, st.expAvgSq]) if (t.dtype !== dt || !shapesEqual(t.shape, p.shape)) return false;
  const [beta1, beta2] = g.betas;
  const round = (e: ir.Expr): ir.Expr => (dt === "float32" ? ir.cast("float32", e) : e);
  const c = (v: number): ir.Expr => ir.constant(dt === "float32" ? Math.fround(v) : v);
  const op = (o: ir.BinaryOp, a: ir.Expr, b: ir.Expr): ir.Expr => round(ir.binary(o, a, b));
  st.step += 1;
  const stepSize = g.lr / (1 - beta1 ** st.step);
  const biasCorrection2 = 1 - beta2 ** st.step;
  // The gradient as adamUpdate's `d`, reading the state at input 0, grad at 1 and p at 2.
  const l2 = !decoupled && g.weightDecay !== 0;
  const gIn = ir.input(1);
  const d0 = g.maximize ? ir.unary("neg", gIn) : gIn;
  const d = l2 ? op("add", d0, op("mul", ir.input(2), c(g.weightDecay))) : d0;
  const ins = (state: Tensor) => (l2 ? [state, grad, p] : [state, grad]);
  assignExpr(st.expAvg, op("add", op("mul", ir.input(0), c(beta1)), op("mul", d, c(1 - beta1))), ins(st.expAvg));
  assignExpr(st.expAvgSq, op("add", op("mul", ir.input(0), c(beta2)), op("mul", op("mul", d, c(1 - beta2)), d)), ins(st.expAvgSq));
  // p (input 0) from m (1) and v (2).
  const pd = decoupled ? op("mul", ir.input(0), c(1 - g.lr * g.weightDecay)) : ir.input(0);
  const denom = op("add", op("div", round(ir.unary("sqrt", ir.input(2))), c(Math.sqrt(biasCorrection2))), c(g.eps));
  assignExpr(p, op("add", pd, op("div", op("mul", ir.input(1), c(-stepSize)), denom)), [p, st.expAvg, st.expAvgSq]);
  return true;
}

/** @internal Hyperparameter checks shared by Adam and AdamW. */
export function checkAdam(name: string, g: AdamHyper): void {
  checkNonNegative(name, "learning rate", g.lr);
  checkNonNegative(name, "eps", g.eps);
  if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new ArgumentError(name, `betas must be a pair [beta1, beta2], got ${JSON.stringify(g.betas)}`);
  g.betas.forEach((b, i) => {
    if (typeof b !== "number" || !(b >= 0 && b < 1)) throw new ArgumentError(name, `invalid beta parameter at index ${i}: ${String(b)} (must be in [0, 1))`);
  });
  checkNonNegative(name, "weightDecay", g.weightDecay);
}
