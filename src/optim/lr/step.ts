// StepLR: multiply the lr by gamma every stepSize epochs (PyTorch's lr_scheduler.StepLR).
import { LRScheduler, checkNumber, checkOptimizer, checkOptions, type AnyOptimizer } from "./scheduler.js";

export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative factor (default 0.1). */
  gamma?: number;
}

/**
 * Decays each group's lr by `gamma` every `stepSize` epochs: lr = initialLr · gamma^⌊epoch/stepSize⌋.
 * @example const sched = new optim.lr.StepLR(opt, { stepSize: 30, gamma: 0.1 }); // per epoch: opt.step()…; sched.step();
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: AnyOptimizer, opts: StepLROptions) {
    const name = "StepLR";
    checkOptimizer(name, optimizer);
    checkOptions(name, opts, ["stepSize", "gamma"], ["stepSize"]);
    const stepSize = checkNumber(name, "stepSize", opts.stepSize, { min: 1, integer: true });
    const gamma = checkNumber(name, "gamma", opts.gamma ?? 0.1);
    super(name, optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    const groups = this.optimizer.paramGroups;
    if (epoch === 0 || epoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }
}
