// OneCycleLR: the 1cycle policy (Smith & Topin) — lr up to maxLr then far below, momentum the
// other way — set every batch (PyTorch's lr_scheduler.OneCycleLR).
import { ArgumentError } from "../../core/errors.js";
import { LRScheduler, checkNumber, checkOptimizer, checkOptions, perGroup, type AnyOptimizer } from "./scheduler.js";

export interface OneCycleLROptions {
  /** Peak lr (one number, or one per group). */
  maxLr: number | number[];
  /** Length of the cycle in steps; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** "cos" (default) or "linear". */
  annealStrategy?: "cos" | "linear";
  /** Cycle SGD/RMSprop's momentum or Adam's beta1 inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum (default 0.85; one number or one per group). */
  baseMomentum?: number | number[];
  /** Highest momentum (default 0.95; one number or one per group). */
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Go back down to initialLr symmetrically before annihilating to minLr (default false). */
  threePhase?: boolean;
}

/** One phase of the cycle: where it ends and which group values it anneals between. */
export interface OneCyclePhase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

const OPTIONS = ["maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum", "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase"];

/**
 * The 1cycle schedule, stepped once per batch. Construction sets each group's lr to
 * maxLr/divFactor (and momentum/beta1 to maxMomentum); over the first pctStart of totalSteps
 * the lr rises to maxLr while momentum falls to baseMomentum, then the lr falls to
 * initialLr/finalDivFactor while momentum rises back. Exactly PyTorch's values.
 * @example const sched = new optim.lr.OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  phases: OneCyclePhase[];
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  /** Whether momentum lives in betas[0] (Adam, AdamW) rather than in `momentum`. */
  useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, opts: OneCycleLROptions) {
    const name = "OneCycleLR";
    checkOptimizer(name, optimizer);
    checkOptions(name, opts, OPTIONS, ["maxLr"]);
    let totalSteps: number;
    if (opts.totalSteps !== undefined) totalSteps = checkNumber(name, "totalSteps", opts.totalSteps, { min: 1, integer: true });
    else if (opts.epochs !== undefined || opts.stepsPerEpoch !== undefined) {
      totalSteps = checkNumber(name, "epochs", opts.epochs, { min: 1, integer: true }) * checkNumber(name, "stepsPerEpoch", opts.stepsPerEpoch, { min: 1, integer: true });
    } else throw new ArgumentError(name, "give either totalSteps or (epochs and stepsPerEpoch)");
    const pct = opts.pctStart ?? 0.3;
    if (typeof pct !== "number" || !(pct >= 0 && pct <= 1)) throw new ArgumentError(name, `pctStart must be a number between 0 and 1, got ${String(pct)}`);
    const anneal = opts.annealStrategy ?? "cos";
    if (anneal !== "cos" && anneal !== "linear") throw new ArgumentError(name, `annealStrategy must be "cos" or "linear", got ${JSON.stringify(anneal)}`);
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup(name, "maxLr", opts.maxLr, groups.length);
    const divFactor = checkNumber(name, "divFactor", opts.divFactor ?? 25);
    const finalDivFactor = checkNumber(name, "finalDivFactor", opts.finalDivFactor ?? 1e4);
    const cycleMomentum = opts.cycleMomentum ?? true;
    const useBeta1 = "betas" in optimizer.defaults;
    let maxMomentums: number[] = [], baseMomentums: number[] = [];
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !useBeta1) {
        throw new ArgumentError(name, `${optimizer.name} has no momentum or betas to cycle; pass cycleMomentum: false`);
      }
      maxMomentums = perGroup(name, "maxMomentum", opts.maxMomentum ?? 0.95, groups.length);
      baseMomentums = perGroup(name, "baseMomentum", opts.baseMomentum ?? 0.85, groups.length);
    }
    const phases: OneCyclePhase[] = opts.threePhase
      ? [
        { endStep: pct * totalSteps - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: 2 * pct * totalSteps - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        { endStep: totalSteps - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
      ]
      : [
        { endStep: pct * totalSteps - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: totalSteps - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
      ];
    // All checked: now the groups change (as PyTorch, the schedule keeps its values in them).
    groups.forEach((g, i) => {
      g.initialLr = maxLrs[i] / divFactor;
      g.maxLr = maxLrs[i];
      g.minLr = (g.initialLr as number) / finalDivFactor;
      if (cycleMomentum) {
        if (useBeta1) g.betas = [maxMomentums[i], ...(g.betas as number[]).slice(1)];
        else g.momentum = maxMomentums[i];
        g.maxMomentum = maxMomentums[i];
        g.baseMomentum = baseMomentums[i];
      }
    });
    super(name, optimizer);
    this.totalSteps = totalSteps;
    this.phases = phases;
    this.annealStrategy = anneal;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  protected computeLr(epoch: number): number[] {
    if (epoch > this.totalSteps) {
      throw new ArgumentError("OneCycleLR", `tried to step ${epoch + 1} times; the schedule has totalSteps ${this.totalSteps}`);
    }
    const anneal = this.annealStrategy === "cos" ? annealCos : annealLinear;
    return this.optimizer.paramGroups.map((g) => {
      let start = 0, lr = 0, momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (epoch <= phase.endStep || i === this.phases.length - 1) {
          const pct = (epoch - start) / (phase.endStep - start);
          lr = anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
          if (this.cycleMomentum) momentum = anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct);
          break;
        }
        start = phase.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas as number[]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }
}

/** Cosine from start (pct 0) to end (pct 1). */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + (start - end) / 2.0 * cosOut;
}

/** Straight line from start (pct 0) to end (pct 1). */
function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
