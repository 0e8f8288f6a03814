// ReduceLROnPlateau: cut the lr when a metric stops improving (PyTorch's lr_scheduler.ReduceLROnPlateau).
import { ArgumentError } from "../../core/errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { checkNumber, checkOptimizer, checkOptions, loadFields, perGroup, saveFields, type AnyOptimizer, type SchedulerStateDict } from "./scheduler.js";

export interface ReduceLROnPlateauOptions {
  /** "min" (default): lower is better (a loss); "max": higher is better (an accuracy). */
  mode?: "min" | "max";
  /** lr *= factor on a plateau (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before cutting (default 10). */
  patience?: number;
  /** What counts as an improvement (default 1e-4). */
  threshold?: number;
  /** "rel" (default): better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a cut before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr (one number, or one per group; default 0). */
  minLr?: number | number[];
  /** Cuts smaller than this are skipped (default 1e-8). */
  eps?: number;
}

const OPTIONS = ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"];

/**
 * Multiplies each group's lr by `factor` when the metric passed to step() has not improved for
 * more than `patience` epochs. Exactly PyTorch's rules (relative/absolute thresholds, cooldown,
 * per-group minimum lr, eps).
 * @example
 * const sched = new optim.lr.ReduceLROnPlateau(opt, { patience: 5 });
 * for (…) { const valLoss = …; sched.step(valLoss); }
 */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric so far (±Infinity before the first). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  lastLr: number[];

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const name = "ReduceLROnPlateau";
    checkOptimizer(name, optimizer);
    checkOptions(name, opts, OPTIONS);
    this.optimizer = optimizer;
    this.factor = checkNumber(name, "factor", opts.factor ?? 0.1);
    if (this.factor >= 1) throw new ArgumentError(name, `factor should be < 1.0, got ${this.factor}`);
    this.mode = opts.mode ?? "min";
    if (this.mode !== "min" && this.mode !== "max") throw new ArgumentError(name, `mode must be "min" or "max", got ${JSON.stringify(this.mode)}`);
    this.thresholdMode = opts.thresholdMode ?? "rel";
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") throw new ArgumentError(name, `thresholdMode must be "rel" or "abs", got ${JSON.stringify(this.thresholdMode)}`);
    this.patience = checkNumber(name, "patience", opts.patience ?? 10, { min: 0 });
    this.threshold = checkNumber(name, "threshold", opts.threshold ?? 1e-4);
    this.cooldown = checkNumber(name, "cooldown", opts.cooldown ?? 0, { min: 0 });
    this.minLrs = perGroup(name, "minLr", opts.minLr ?? 0, optimizer.paramGroups.length);
    this.eps = checkNumber(name, "eps", opts.eps ?? 1e-8);
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The worst possible metric for the mode (what `best` starts at). */
  get modeWorse(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  /** Whether a cut happened within the last `cooldown` epochs. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and cuts the lr on a plateau. */
  step(metric: number | Tensor): void {
    if (typeof metric !== "number" && !(metric instanceof Tensor)) {
      throw new ArgumentError("ReduceLROnPlateau.step", `expected the metric as a number or a one-element tensor, got ${metric === null ? "null" : typeof metric}`);
    }
    const current = typeof metric === "number" ? metric : metric.item();
    const epoch = this.lastEpoch + 1;
    this.lastEpoch = epoch;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The lr of each group after the last step. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The schedule's state with PyTorch's key names; an infinite `best` is written as null (JSON has no Infinity). */
  stateDict(): SchedulerStateDict {
    const sd = saveFields(this);
    if (!Number.isFinite(this.best)) sd.best = null;
    return sd;
  }

  /** Restores a state from stateDict(). */
  loadStateDict(sd: SchedulerStateDict): void {
    const name = "ReduceLROnPlateau.loadStateDict";
    loadFields(name, this, sd, this.optimizer.paramGroups.length);
    if (this.best === null || typeof this.best !== "number") this.best = this.modeWorse;
    if (this.mode !== "min" && this.mode !== "max") throw new ArgumentError(name, `mode must be "min" or "max", got ${JSON.stringify(this.mode)}`);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]);
      if (old - next > this.eps) g.lr = next;
    });
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === "min" && this.thresholdMode === "rel") return a < best * (1 - this.threshold);
    if (this.mode === "min") return a < best - this.threshold;
    if (this.thresholdMode === "rel") return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }
}
