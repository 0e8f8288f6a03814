// SGD with momentum, dampening, Nesterov momentum, L2 weight decay and maximize (PyTorch's torch.optim.SGD).
import { ArgumentError } from "../core/errors.js";
import { keep } from "../tensor/memory.js";
import type { Tensor } from "../tensor/tensor.js";
import { Optimizer, checkNonNegative, type Group, type ParamsInput, type OptimizerOptions } from "./optimizer.js";

/** SGD's hyperparameters (each group has all of them). */
export interface SGDHyper {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/** Options of `new optim.SGD(params, opts)`: its hyperparameters and checkFinite; every field is optional. */
export type SGDOptions = Partial<SGDHyper> & OptimizerOptions;

/** Per-parameter state: the momentum buffer, made at the first step when momentum is on. */
export type SGDState = { momentumBuffer?: Tensor };

/**
 * Stochastic gradient descent, exactly PyTorch's update: with g = grad (+ weightDecay·p),
 * buf = momentum·buf + (1 − dampening)·g (buf = g at the first step), then
 * p −= lr · (nesterov ? g + momentum·buf : buf). Defaults: lr 1e-3 (PyTorch ≥ 2 default; 1.13 requires it),
 * momentum 0, dampening 0, weightDecay 0, nesterov false, maximize false.
 * @example const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(params: ParamsInput<SGDOptions>, opts: SGDOptions = {}) {
    super("SGD", params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false }, opts);
  }

  protected checkHyper(h: SGDHyper): void {
    checkSGD(this.name, h);
  }

  protected initState(): SGDState {
    return {};
  }

  protected update(p: Tensor, grad: Tensor, g: Group<SGDHyper>, st: SGDState): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    if (g.momentum !== 0) {
      const buf = st.momentumBuffer;
      if (!buf) st.momentumBuffer = keep(d.clone());
      else buf.copy_(buf.mul(g.momentum).add(d.mul(1 - g.dampening)));
      d = g.nesterov ? d.add(st.momentumBuffer!.mul(g.momentum)) : st.momentumBuffer!;
    }
    p.copy_(p.add(d.mul(-g.lr)));
  }
}

function checkSGD(name: string, g: SGDHyper): void {
  checkNonNegative(name, "learning rate", g.lr);
  checkNonNegative(name, "momentum", g.momentum);
  checkNonNegative(name, "weightDecay", g.weightDecay);
  if (typeof g.dampening !== "number" || Number.isNaN(g.dampening)) throw new ArgumentError(name, `invalid dampening: ${String(g.dampening)}`);
  if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
    throw new ArgumentError(name, `Nesterov momentum requires a momentum > 0 and zero dampening, got momentum ${g.momentum}, dampening ${g.dampening}`);
  }
}
