// ExponentialLR: multiply the lr by gamma every epoch (PyTorch's lr_scheduler.ExponentialLR).
import { LRScheduler, checkNumber, checkOptimizer, checkOptions, type AnyOptimizer } from "./scheduler.js";

export interface ExponentialLROptions {
  /** Multiplicative factor per epoch. */
  gamma: number;
}

/**
 * Decays each group's lr by `gamma` every epoch: lr = initialLr · gamma^epoch.
 * @example const sched = new optim.lr.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: AnyOptimizer, opts: ExponentialLROptions) {
    const name = "ExponentialLR";
    checkOptimizer(name, optimizer);
    checkOptions(name, opts, ["gamma"], ["gamma"]);
    const gamma = checkNumber(name, "gamma", opts.gamma);
    super(name, optimizer);
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    const groups = this.optimizer.paramGroups;
    if (epoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
