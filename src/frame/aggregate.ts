// Aggregations over groups (group id per row): pandas' skip-missing semantics, compensated sums.
import { ArgumentError } from "../core/errors.js";
import { type Column, isMissing, isNumericArray } from "./column.js";

/** The named aggregations groupBy, pivotTable and resample understand. */
export type AggName = "mean" | "sum" | "prod" | "count" | "size" | "min" | "max" | "std" | "var" | "median" | "first" | "last" | "nunique";
/** A named aggregation or a function of one group's non-missing values. */
export type AggFn = AggName | ((values: unknown[]) => unknown);

export const AGG_NAMES: readonly AggName[] = ["mean", "sum", "prod", "count", "size", "min", "max", "std", "var", "median", "first", "last", "nunique"];

/** Orders any two cells: missing last, then numbers, booleans, dates by value and text by code point. */
export function compareCells(a: unknown, b: unknown): number {
  const ma = isMissing(a), mb = isMissing(b);
  if (ma || mb) return ma === mb ? 0 : ma ? 1 : -1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === typeof b) return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  const rank = (v: unknown) => (typeof v === "boolean" ? 0 : typeof v === "number" ? 1 : v instanceof Date ? 2 : 3);
  return rank(a) - rank(b) || (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);
}

/** Kahan–Babuška (Neumaier) sum of the non-NaN values of xs. */
export function neumaierSum(xs: ArrayLike<number>): number {
  let s = 0, c = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x !== x) continue;
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

function numeric(op: string, name: string, c: Column): ArrayLike<number> {
  if (isNumericArray(c)) return c;
  const out = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    if (isMissing(v)) out[i] = NaN;
    else if (typeof v === "number") out[i] = v;
    else if (typeof v === "boolean") out[i] = v ? 1 : 0;
    else throw new ArgumentError(op, `cannot take the ${op} of column "${name}": it holds ${typeof v === "string" ? "text" : v instanceof Date ? "dates" : typeof v} (select numeric columns first)`);
  }
  return out;
}

/** Linear-interpolated quantile (NumPy's and pandas' default) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Group id per row (-1: the row belongs to no group) plus the group count. */
export interface Groups {
  ids: Int32Array;
  count: number;
}

/**
 * One aggregate per group. `name` only labels errors. Numeric aggregations take bool as 0/1;
 * min, max, first, last, nunique, count and size take anything.
 */
export function aggregate(c: Column, g: Groups, fn: AggFn, name: string): Column {
  const { ids, count: G } = g;
  const n = ids.length;
  if (typeof fn === "function") {
    const lists: unknown[][] = Array.from({ length: G }, () => []);
    for (let i = 0; i < n; i++) if (ids[i] >= 0 && !isMissing(c[i])) lists[ids[i]].push(c[i]);
    return lists.map((l) => fn(l));
  }
  switch (fn) {
    case "size": {
      const out = new Int32Array(G);
      for (let i = 0; i < n; i++) if (ids[i] >= 0) out[ids[i]]++;
      return out;
    }
    case "count": {
      const out = new Int32Array(G);
      for (let i = 0; i < n; i++) if (ids[i] >= 0 && !isMissing(c[i])) out[ids[i]]++;
      return out;
    }
    case "sum":
    case "mean": {
      const x = numeric(fn, name, c);
      const s = new Float64Array(G), comp = new Float64Array(G), cnt = new Float64Array(G);
      for (let i = 0; i < n; i++) {
        const k = ids[i], v = x[i];
        if (k < 0 || v !== v) continue;
        // Knuth's TwoSum: the same exact rounding error as Neumaier's |s| ≥ |v| branch, without a branch
        // the CPU mispredicts on values of mixed signs and sizes; s[k] read once (a store to another
        // typed array in between could alias it, so V8 would read it again)
        const sk = s[k], t = sk + v, bv = t - sk;
        comp[k] += sk - (t - bv) + (v - bv);
        s[k] = t;
        cnt[k]++;
      }
      for (let k = 0; k < G; k++) s[k] = fn === "sum" ? s[k] + comp[k] : cnt[k] ? (s[k] + comp[k]) / cnt[k] : NaN;
      return fn === "sum" && c instanceof Int32Array && s.every((v) => Math.abs(v) < 2 ** 31) ? Int32Array.from(s) : s;
    }
    case "prod": {
      const x = numeric(fn, name, c);
      const out = new Float64Array(G).fill(1);
      for (let i = 0; i < n; i++) if (ids[i] >= 0 && x[i] === x[i]) out[ids[i]] *= x[i];
      return out;
    }
    case "std":
    case "var": {
      // Welford, as pandas: stable for large offsets.
      const x = numeric(fn, name, c);
      const mean = new Float64Array(G), m2 = new Float64Array(G), cnt = new Float64Array(G);
      for (let i = 0; i < n; i++) {
        const k = ids[i], v = x[i];
        if (k < 0 || v !== v) continue;
        const d = v - mean[k];
        mean[k] += d / ++cnt[k];
        m2[k] += d * (v - mean[k]);
      }
      const out = new Float64Array(G);
      for (let k = 0; k < G; k++) {
        const v = cnt[k] > 1 ? m2[k] / (cnt[k] - 1) : NaN;
        out[k] = fn === "std" ? Math.sqrt(v) : v;
      }
      return out;
    }
    case "median": {
      const x = numeric(fn, name, c);
      const lists: number[][] = Array.from({ length: G }, () => []);
      for (let i = 0; i < n; i++) if (ids[i] >= 0 && x[i] === x[i]) lists[ids[i]].push(x[i]);
      return Float64Array.from(lists, (l) => quantileSorted(l.sort((a, b) => a - b), 0.5));
    }
    case "min":
    case "max": {
      if (isNumericArray(c)) {
        const out = new Float64Array(G).fill(NaN);
        for (let i = 0; i < n; i++) {
          const k = ids[i], v = c[i];
          if (k < 0 || v !== v) continue;
          if (out[k] !== out[k] || (fn === "min" ? v < out[k] : v > out[k])) out[k] = v;
        }
        return c instanceof Int32Array && out.every((v) => v === v) ? Int32Array.from(out) : out;
      }
      const out: unknown[] = new Array(G).fill(null);
      for (let i = 0; i < n; i++) {
        const k = ids[i], v = c[i];
        if (k < 0 || isMissing(v)) continue;
        if (out[k] === null || (fn === "min" ? compareCells(v, out[k]) < 0 : compareCells(v, out[k]) > 0)) out[k] = v;
      }
      return out;
    }
    case "first":
    case "last": {
      const pick = new Int32Array(G).fill(-1);
      for (let i = 0; i < n; i++) {
        const k = ids[i];
        if (k < 0 || isMissing(c[i])) continue;
        if (fn === "last" || pick[k] < 0) pick[k] = i;
      }
      if (c instanceof Int32Array && pick.every((p) => p >= 0)) return Int32Array.from(pick, (p) => c[p]);
      if (isNumericArray(c)) return Float64Array.from(pick, (p) => (p < 0 ? NaN : c[p]));
      return Array.from(pick, (p) => (p < 0 ? null : c[p]));
    }
    case "nunique": {
      const sets = Array.from({ length: G }, () => new Set<unknown>());
      for (let i = 0; i < n; i++) {
        const v = c[i];
        if (ids[i] >= 0 && !isMissing(v)) sets[ids[i]].add(v instanceof Date ? v.getTime() : v);
      }
      return Int32Array.from(sets, (s) => s.size);
    }
    default:
      throw new ArgumentError("agg", `unknown aggregation "${String(fn)}"; expected one of ${AGG_NAMES.join(", ")} or a function`);
  }
}

/** Aggregations that apply only to numeric (and bool) columns when asked for every column, as pandas' numeric_only. */
export const NUMERIC_ONLY: ReadonlySet<AggFn> = new Set<AggFn>(["mean", "sum", "prod", "std", "var", "median"]);
