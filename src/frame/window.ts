// Time-series helpers: rolling-window statistics over a column, and resampling dates into bins.
import { ArgumentError } from "../core/errors.js";
import { quantileSorted } from "./aggregate.js";

/** Options of rolling(). */
export interface RollingOptions {
  /** Fewest non-missing values a window needs to give a result (default: the window size, as pandas). */
  minPeriods?: number;
  /** Label each window at its centre instead of its right end (default false). */
  center?: boolean;
}

/** A rolling statistic's name. */
export type RollingAgg = "sum" | "mean" | "count" | "min" | "max" | "std" | "var" | "median";

/**
 * The statistics every window offers (rolling, expanding, per group; of a Series or a frame), each
 * one call of `stat` — so the list lives in one place.
 */
export abstract class WindowStats<R> {
  /** The statistic `agg` (or any function of a window's non-missing values) over every window. */
  abstract stat(agg: RollingAgg | ((values: number[]) => number)): R;
  mean(): R { return this.stat("mean"); }
  sum(): R { return this.stat("sum"); }
  min(): R { return this.stat("min"); }
  max(): R { return this.stat("max"); }
  std(): R { return this.stat("std"); }
  var(): R { return this.stat("var"); }
  median(): R { return this.stat("median"); }
  count(): R { return this.stat("count"); }
  /** Any function of a window's non-missing values. */
  apply(fn: (values: number[]) => number): R { return this.stat(fn); }
}

/** Validates a window and its options; returns minPeriods. */
export function checkWindow(window: number, opts: RollingOptions): number {
  if (!Number.isInteger(window) || window < 1) throw new ArgumentError("rolling", `window must be a positive integer, got ${window}`);
  const minP = opts.minPeriods ?? window;
  if (!Number.isInteger(minP) || minP < 0 || minP > window) throw new ArgumentError("rolling", `minPeriods must be an integer in [0, ${window}], got ${minP}`);
  return minP;
}

/** [first, last] row of the window ending (or centred) at row i. */
function bounds(n: number, w: number, center: boolean): (i: number) => [number, number] {
  const before = center ? Math.floor(w / 2) : w - 1;
  const after = w - 1 - before;
  return (i) => [Math.max(0, i - before), Math.min(n - 1, i + after)];
}

/**
 * A rolling statistic over x (NaN = missing, skipped). Sums and moments are updated as values
 * enter and leave the window (compensated, as pandas does); min/max use a monotone queue.
 */
export function rollingStat(x: ArrayLike<number>, window: number, agg: RollingAgg | ((values: number[]) => number), opts: RollingOptions = {}): Float64Array {
  const minP = checkWindow(window, opts);
  const n = x.length, out = new Float64Array(n), at = bounds(n, window, opts.center ?? false);
  let lo = 0, hi = -1; // current window [lo, hi]
  let cnt = 0, sum = 0, comp = 0, mean = 0, m2 = 0;
  const add = (v: number) => {
    if (v !== v) return;
    cnt++;
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
    const d = v - mean;
    mean += d / cnt;
    m2 += d * (v - mean);
  };
  const remove = (v: number) => {
    if (v !== v) return;
    cnt--;
    const t = sum - v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t - v : -v - t + sum;
    sum = t;
    if (cnt === 0) { mean = 0; m2 = 0; sum = 0; comp = 0; return; }
    const d = v - mean;
    mean -= d / cnt;
    m2 -= d * (v - mean);
  };
  // Monotone queue of indices for min/max.
  const dq = new Int32Array(n);
  let qh = 0, qt = 0;
  const better = agg === "min" ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
  for (let i = 0; i < n; i++) {
    const [a, b] = at(i);
    while (hi < b) {
      const v = x[++hi];
      add(v);
      if ((agg === "min" || agg === "max") && v === v) {
        while (qt > qh && better(v, x[dq[qt - 1]])) qt--;
        dq[qt++] = hi;
      }
    }
    while (lo < a) {
      remove(x[lo]);
      if (qt > qh && dq[qh] === lo) qh++;
      lo++;
    }
    // count() counts rows toward minPeriods (pandas sums notna()); the others count values
    if ((agg === "count" ? hi - lo + 1 : cnt) < minP || (cnt === 0 && agg !== "count" && agg !== "sum")) { out[i] = NaN; continue; }
    switch (agg) {
      case "sum": out[i] = cnt ? sum + comp : 0; break;
      case "mean": out[i] = (sum + comp) / cnt; break;
      case "count": out[i] = cnt; break;
      case "var": out[i] = cnt > 1 ? Math.max(0, m2 / (cnt - 1)) : NaN; break;
      case "std": out[i] = cnt > 1 ? Math.sqrt(Math.max(0, m2 / (cnt - 1))) : NaN; break;
      case "min":
      case "max": out[i] = x[dq[qh]]; break;
      default: {
        const vals: number[] = [];
        for (let k = lo; k <= hi; k++) if (x[k] === x[k]) vals.push(x[k]);
        out[i] = agg === "median" ? quantileSorted(vals.sort((p, q) => p - q), 0.5) : agg(vals);
      }
    }
  }
  return out;
}

// ---- resampling ----

const FIXED: Record<string, number> = { ms: 1, L: 1, s: 1000, S: 1000, min: 60000, T: 60000, h: 3600000, H: 3600000, D: 86400000 };
const CALENDAR = ["W", "M", "ME", "MS", "Q", "QE", "QS", "A", "Y", "YE", "AS", "YS"] as const;

/**
 * Bins for a pandas resample rule ("5min", "H", "D", "W", "M"/"ME", "MS", "Q", "QS", "Y", "YS"):
 * fixed frequencies start at midnight of the first day and are labelled by their left edge;
 * weeks end on Sunday and months, quarters and years on their last day (labelled by it), as pandas.
 * Returns each timestamp's bin number and every bin's label, empty bins included.
 */
export function resampleBins(times: ArrayLike<number>, rule: string): { ids: Int32Array; labels: Date[] } {
  const { mult, unit } = parseRule(rule);
  const n = times.length;
  let tmin = Infinity, tmax = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = times[i];
    if (t === t) { tmin = Math.min(tmin, t); tmax = Math.max(tmax, t); }
  }
  const ids = new Int32Array(n).fill(-1);
  if (tmin === Infinity) return { ids, labels: [] };
  if (unit in FIXED) {
    const step = FIXED[unit] * mult;
    const origin = Math.floor(tmin / 86400000) * 86400000;
    const first = Math.floor((tmin - origin) / step), last = Math.floor((tmax - origin) / step);
    for (let i = 0; i < n; i++) if (times[i] === times[i]) ids[i] = Math.floor((times[i] - origin) / step) - first;
    return { ids, labels: Array.from({ length: last - first + 1 }, (_, k) => new Date(origin + (first + k) * step)) };
  }
  {
    // period number of a timestamp, and the label of a period number
    let period: (t: number) => number, label: (p: number) => number;
    const day = (t: number) => Math.floor(t / 86400000);
    if (unit === "W") {
      // 1970-01-04 was a Sunday: weeks (Mon..Sun] are numbered by the Sunday that ends them
      period = (t) => Math.ceil((day(t) - 3) / 7);
      label = (p) => (p * 7 + 3) * 86400000;
    } else {
      const months = unit.startsWith("Q") ? 3 : unit.startsWith("M") ? 1 : 12;
      const atStart = unit.endsWith("S");
      period = (t) => {
        const d = new Date(t);
        return Math.floor((d.getUTCFullYear() * 12 + d.getUTCMonth()) / months);
      };
      label = (p) => {
        const mo = p * months;
        return atStart ? Date.UTC(Math.floor(mo / 12), mo % 12, 1) : Date.UTC(Math.floor((mo + months) / 12), (mo + months) % 12, 1) - 86400000;
      };
    }
    const first = period(tmin), last = period(tmax);
    for (let i = 0; i < n; i++) if (times[i] === times[i]) ids[i] = period(times[i]) - first;
    return { ids, labels: Array.from({ length: last - first + 1 }, (_, k) => new Date(label(first + k))) };
  }
}

/** A rule's multiple and unit; an unknown rule is an error. */
export function parseRule(rule: string): { mult: number; unit: string } {
  const m = /^(\d*)\s*([A-Za-z]+)$/.exec(rule.trim());
  const mult = m && m[1] ? Number(m[1]) : 1;
  const unit = m?.[2] ?? "";
  if ((unit in FIXED && mult >= 1) || ((CALENDAR as readonly string[]).includes(unit) && mult === 1)) return { mult, unit };
  throw new ArgumentError("resample", `unknown rule "${rule}"; expected a multiple of ms, s, min, h or D ("15min", "2h", "D") or one of W, M, MS, Q, QS, Y, YS`);
}
