// Expanding and exponentially weighted windows of a Series (pandas' expanding() and ewm()).
// An expanding window is a rolling window as long as the Series (window.ts's kernels).
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { type RollingAgg, rollingStat } from "./window.js";
import { Series } from "./series.js";

/** `series.expanding({ minPeriods })`: statistics of every value so far (NaN until minPeriods values were seen). */
export class SeriesExpanding {
  private readonly minPeriods: number;
  constructor(private readonly s: Series, opts: { minPeriods?: number } = {}) {
    checkOptions("expanding", opts, ["minPeriods"]);
    const m = opts.minPeriods ?? 1;
    if (!Number.isInteger(m) || m < 0) throw new ArgumentError("expanding", `minPeriods must be a non-negative integer, got ${m}`);
    this.minPeriods = m;
  }
  private run(agg: RollingAgg | ((v: number[]) => number)): Series {
    const x = this.s.numbers(), n = x.length;
    if (n === 0) return new Series(new Float64Array(0), this.s.name);
    return new Series(rollingStat(x, n, agg, { minPeriods: Math.min(this.minPeriods, n) }), this.s.name);
  }
  mean(): Series { return this.run("mean"); }
  sum(): Series { return this.run("sum"); }
  min(): Series { return this.run("min"); }
  max(): Series { return this.run("max"); }
  std(): Series { return this.run("std"); }
  var(): Series { return this.run("var"); }
  median(): Series { return this.run("median"); }
  count(): Series { return this.run("count"); }
  apply(fn: (values: number[]) => number): Series { return this.run(fn); }
}

/** How ewm's decay is given: exactly one of com, span, halflife, alpha (as pandas). */
export interface EwmOptions { com?: number; span?: number; halflife?: number; alpha?: number; adjust?: boolean; ignoreNa?: boolean; minPeriods?: number }

/** The smoothing factor α from whichever of com/span/halflife/alpha was given. */
export function ewmAlpha(opts: EwmOptions): number {
  checkOptions("ewm", opts, ["com", "span", "halflife", "alpha", "adjust", "ignoreNa", "minPeriods"]);
  const given = (["com", "span", "halflife", "alpha"] as const).filter((k) => opts[k] !== undefined);
  if (given.length !== 1) throw new ArgumentError("ewm", `pass exactly one of com, span, halflife, alpha; got ${given.length ? given.join(", ") : "none"}`);
  const [k] = given, v = opts[k]!;
  if (k === "com" && v >= 0) return 1 / (1 + v);
  if (k === "span" && v >= 1) return 2 / (v + 1);
  if (k === "halflife" && v > 0) return 1 - Math.exp(-Math.LN2 / v);
  if (k === "alpha" && v > 0 && v <= 1) return v;
  throw new ArgumentError("ewm", `${k} out of range: got ${v} (com >= 0, span >= 1, halflife > 0, 0 < alpha <= 1)`);
}

/**
 * Exponentially weighted mean, pandas' recurrence: with `adjust` the weights are (1-α)^i over past
 * observations (normalised); without, y = (1-α)·y + α·x. A missing value keeps the previous result
 * and, unless `ignoreNa`, still ages the older weights.
 */
export function ewmMean(x: ArrayLike<number>, alpha: number, adjust: boolean, ignoreNa: boolean, minPeriods: number): Float64Array {
  const n = x.length, out = new Float64Array(n);
  if (n === 0) return out;
  const minP = Math.max(minPeriods, 1), decay = 1 - alpha, newWt = adjust ? 1 : alpha;
  let weighted = x[0], oldWt = 1, nobs = weighted === weighted ? 1 : 0;
  out[0] = nobs >= minP ? weighted : NaN;
  for (let i = 1; i < n; i++) {
    const cur = x[i], obs = cur === cur;
    nobs += obs ? 1 : 0;
    if (weighted === weighted) {
      if (obs || !ignoreNa) {
        oldWt *= decay;
        if (obs) {
          if (weighted !== cur) weighted = (oldWt * weighted + newWt * cur) / (oldWt + newWt);
          oldWt = adjust ? oldWt + newWt : 1;
        }
      }
    } else if (obs) weighted = cur;
    out[i] = nobs >= minP ? weighted : NaN;
  }
  return out;
}

/** `series.ewm({ span | com | halflife | alpha, adjust, ignoreNa, minPeriods })`. */
export class SeriesEwm {
  private readonly alpha: number;
  constructor(private readonly s: Series, private readonly opts: EwmOptions) {
    this.alpha = ewmAlpha(opts);
  }
  /** The exponentially weighted mean at each row. @example s.ewm({ span: 10 }).mean() */
  mean(): Series {
    const { adjust = true, ignoreNa = false, minPeriods = 0 } = this.opts;
    return new Series(ewmMean(this.s.numbers(), this.alpha, adjust, ignoreNa, minPeriods), this.s.name);
  }
}
