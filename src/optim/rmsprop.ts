// RMSprop (Hinton) with centering, momentum, L2 weight decay and maximize (PyTorch's torch.optim.RMSprop).
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, checkNonNegative, type Group, type ParamsInput, type OptimizerOptions } from "./optimizer.js";

/** RMSprop's hyperparameters (each group has all of them). */
export interface RMSpropHyper {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

/** Options of `new optim.RMSprop(params, opts)`: its hyperparameters and checkFinite; every field is optional. */
export type RMSpropOptions = Partial<RMSpropHyper> & OptimizerOptions;

/** Per-parameter state: step count, running mean of g², and (when used) of g and the momentum buffer. */
export type RMSpropState = { step: number; squareAvg: Tensor; momentumBuffer?: Tensor; gradAvg?: Tensor };

/**
 * RMSprop, exactly PyTorch's single-tensor update: v = α·v + (1−α)·g²; avg = √(v − ḡ²) when
 * centered (ḡ = α·ḡ + (1−α)·g) else √v; then with momentum buf = momentum·buf + g/(avg+eps),
 * p −= lr·buf, otherwise p −= lr·g/(avg+eps). Defaults: lr 1e-2, alpha 0.99, eps 1e-8,
 * weightDecay 0, momentum 0, centered false, maximize false.
 * @example const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 */
export class RMSprop extends Optimizer<RMSpropHyper, RMSpropState> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: RMSpropOptions = {}) {
    super("RMSprop", params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, opts);
  }

  protected checkHyper(h: RMSpropHyper): void {
    checkRMSprop(this.name, h);
  }

  protected initState(p: Tensor, g: Group<RMSpropHyper>): RMSpropState {
    const st: RMSpropState = { step: 0, squareAvg: this.stateLike(p) };
    if (g.momentum > 0) st.momentumBuffer = this.stateLike(p);
    if (g.centered) st.gradAvg = this.stateLike(p);
    return st;
  }

  protected update(p: Tensor, grad: Tensor, g: Group<RMSpropHyper>, st: RMSpropState): void {
    st.step += 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    st.squareAvg.copy_(st.squareAvg.mul(g.alpha).add(d.mul(1 - g.alpha).mul(d)));
    let avg: Tensor;
    if (g.centered) {
      // Centering or momentum switched on later (e.g. by a schedule) starts from zeros then.
      const gradAvg = (st.gradAvg ??= this.stateLike(p));
      gradAvg.copy_(gradAvg.mul(g.alpha).add(d.mul(1 - g.alpha)));
      avg = st.squareAvg.add(gradAvg.mul(-1).mul(gradAvg)).sqrt();
    } else avg = st.squareAvg.sqrt();
    avg = avg.add(g.eps);
    if (g.momentum > 0) {
      const buf = (st.momentumBuffer ??= this.stateLike(p));
      buf.copy_(buf.mul(g.momentum).add(d.div(avg)));
      p.copy_(p.add(buf.mul(-g.lr)));
    } else p.copy_(p.add(d.mul(-g.lr).div(avg)));
  }
}

function checkRMSprop(name: string, g: RMSpropHyper): void {
  checkNonNegative(name, "learning rate", g.lr);
  checkNonNegative(name, "eps", g.eps);
  checkNonNegative(name, "momentum", g.momentum);
  checkNonNegative(name, "weightDecay", g.weightDecay);
  checkNonNegative(name, "alpha", g.alpha);
}
