// CosineAnnealingLR: cosine decay from the initial lr to etaMin over tMax epochs (PyTorch's lr_scheduler.CosineAnnealingLR).
import { LRScheduler, checkNumber, checkOptimizer, checkOptions, type AnyOptimizer } from "./scheduler.js";

export interface CosineAnnealingLROptions {
  /** Epochs of one half period (from the initial lr down to etaMin). */
  tMax: number;
  /** The lowest lr (default 0). */
  etaMin?: number;
}

/**
 * Anneals each group's lr along a cosine: lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/tMax))/2,
 * computed in PyTorch's recursive form (so it composes with other schedules and with lr changes
 * made by hand) and rising again after tMax, as PyTorch's does.
 * @example const sched = new optim.lr.CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: AnyOptimizer, opts: CosineAnnealingLROptions) {
    const name = "CosineAnnealingLR";
    checkOptimizer(name, optimizer);
    checkOptions(name, opts, ["tMax", "etaMin"], ["tMax"]);
    const tMax = checkNumber(name, "tMax", opts.tMax, { above: 0 });
    const etaMin = checkNumber(name, "etaMin", opts.etaMin ?? 0);
    super(name, optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    const groups = this.optimizer.paramGroups;
    const { tMax, etaMin } = this;
    if (epoch === 0) return groups.map((g) => g.lr);
    // At the bottom of a period the recursive ratio would divide by zero: PyTorch steps up from there.
    if (mod(epoch - 1 - tMax, 2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    }
    return groups.map((g) => (1 + Math.cos(Math.PI * epoch / tMax)) / (1 + Math.cos(Math.PI * (epoch - 1) / tMax)) * (g.lr - etaMin) + etaMin);
  }
}

/** Python's modulo (the sign of the divisor). */
function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
