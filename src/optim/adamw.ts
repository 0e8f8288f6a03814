// AdamW (Loshchilov & Hutter): Adam with weight decay decoupled from the gradient (PyTorch's torch.optim.AdamW).
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, type Group, type ParamsInput } from "./optimizer.js";
import { adamFused, adamUpdate, checkAdam, newAdamState, type AdamHyper, type AdamOptions, type AdamState } from "./adam.js";

/** Options of `new optim.AdamW(params, opts)`: Adam's, with weightDecay defaulting to 1e-2. */
export type AdamWOptions = AdamOptions;

/**
 * AdamW, exactly PyTorch's single-tensor update: p *= 1 − lr·weightDecay, then Adam's step
 * without weight decay in the gradient. Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8,
 * weightDecay 1e-2, amsgrad false, maximize false.
 * @example const opt = new optim.AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer<AdamHyper, AdamState> {
  constructor(params: ParamsInput<AdamWOptions>, opts: AdamWOptions = {}) {
    super("AdamW", params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }, opts);
  }

  protected checkHyper(h: AdamHyper): void {
    checkAdam(this.name, h);
  }

  protected initState(p: Tensor, g: Group<AdamHyper>): AdamState {
    return newAdamState(this.stateLike(p), this.stateLike(p), g.amsgrad ? this.stateLike(p) : undefined);
  }

  protected update(p: Tensor, grad: Tensor, g: Group<AdamHyper>, st: AdamState): void {
    if (!adamFused(p, grad, g, st, true)) adamUpdate(p, grad, g, st, true, () => this.stateLike(p));
  }
}
