// Adagrad (Duchi et al.) with learning-rate decay, L2 weight decay and maximize (PyTorch's torch.optim.Adagrad).
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, checkNonNegative, type Group, type ParamGroupInput, type ParamsInput, type OptimizerOptions } from "./optimizer.js";

/** Adagrad's hyperparameters (each group has all of them). */
export interface AdagradHyper {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** Options of `new optim.Adagrad(params, opts)`: its hyperparameters and checkFinite; every field is optional. */
export type AdagradOptions = Partial<AdagradHyper> & OptimizerOptions;

/** Per-parameter state: step count and the running sum of squared gradients. */
export type AdagradState = { step: number; sum: Tensor };

/**
 * Adagrad, exactly PyTorch's single-tensor update: s += g², p −= clr · g / (√s + eps) with
 * clr = lr / (1 + (t−1)·lrDecay). As in PyTorch, the state (s = initialAccumulatorValue) exists
 * from construction. Defaults: lr 1e-2, lrDecay 0, weightDecay 0, initialAccumulatorValue 0,
 * eps 1e-10, maximize false.
 * @example const opt = new optim.Adagrad(model.parameters(), { lr: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradHyper, AdagradState> {
  constructor(params: ParamsInput<AdagradOptions>, opts: AdagradOptions = {}) {
    super("Adagrad", params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, opts);
  }

  protected checkHyper(h: AdagradHyper): void {
    checkAdagrad(this.name, h);
  }

  /** Adds a group and creates its parameters' state at once (the base constructor adds groups through here too). */
  override addParamGroup(group: ParamGroupInput<AdagradOptions>): void {
    super.addParamGroup(group);
    const g = this.paramGroups[this.paramGroups.length - 1];
    for (const p of g.params) this.state.set(p, this.initState(p, g));
  }

  protected initState(p: Tensor, g: Group<AdagradHyper>): AdagradState {
    return { step: 0, sum: this.stateLike(p, g.initialAccumulatorValue) };
  }

  protected update(p: Tensor, grad: Tensor, g: Group<AdagradHyper>, st: AdagradState): void {
    st.step += 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    const clr = g.lr / (1 + (st.step - 1) * g.lrDecay);
    st.sum.copy_(st.sum.add(d.mul(d)));
    const std = st.sum.sqrt().add(g.eps);
    p.copy_(p.add(d.mul(-clr).div(std)));
  }
}

function checkAdagrad(name: string, g: AdagradHyper): void {
  checkNonNegative(name, "learning rate", g.lr);
  checkNonNegative(name, "lrDecay", g.lrDecay);
  checkNonNegative(name, "weightDecay", g.weightDecay);
  checkNonNegative(name, "initialAccumulatorValue", g.initialAccumulatorValue);
  checkNonNegative(name, "eps", g.eps);
}
