// Series kernels that depend on row order: shift, diff, pctChange, running totals and ranks, with
// pandas' missing-value rules (a missing value stays missing; running totals skip it).
import { ArgumentError } from "../core/errors.js";
import { type Column, asNumbers, isMissing, isNumericArray } from "./column.js";
import { compareCells } from "./aggregate.js";
import { narrowInt } from "./elementwise.js";

function checkPeriods(op: string, periods: number): void {
  if (!Number.isInteger(periods)) throw new ArgumentError(op, `periods must be a whole number, got ${periods}`);
}

/** Values moved down by `periods` rows (up when negative); the rows left empty get `fill` (missing by default). */
export function shift(c: Column, periods: number, fill: unknown): Column {
  checkPeriods("shift", periods);
  const n = c.length;
  const src = (i: number) => i - periods;
  if (isNumericArray(c) && (isMissing(fill) || typeof fill === "number")) {
    const f = isMissing(fill) ? NaN : (fill as number);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) { const j = src(i); out[i] = j >= 0 && j < n ? c[j] : f; }
    return c instanceof Int32Array && !isMissing(fill) && Number.isInteger(fill) ? narrowInt(out) : out;
  }
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) { const j = src(i); out[i] = j >= 0 && j < n ? c[j] : isMissing(fill) ? null : fill; }
  return out;
}

/** x[i] - x[i - periods] (float64; bool as 0/1, dates as ms). */
export function diff(name: string, c: Column, periods: number): Float64Array {
  checkPeriods("diff", periods);
  const x = asNumbers("diff", name, c), n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { const j = i - periods; out[i] = j >= 0 && j < n ? x[i] - x[j] : NaN; }
  return out;
}

/** Missing numbers replaced by the last (ffill) or next (bfill) present one. */
export function fillDirection(x: Float64Array, dir: "ffill" | "bfill"): Float64Array {
  const out = Float64Array.from(x), n = x.length;
  let last = NaN;
  for (let k = 0; k < n; k++) {
    const i = dir === "ffill" ? k : n - 1 - k;
    if (out[i] === out[i]) last = out[i];
    else out[i] = last;
  }
  return out;
}

/** x[i] / x[i - periods] - 1, after forward-filling missing values (pandas 1.5's fill_method="pad") unless fillMethod is null. */
export function pctChange(name: string, c: Column, periods: number, fillMethod: "pad" | "ffill" | "bfill" | null): Float64Array {
  checkPeriods("pctChange", periods);
  const raw = asNumbers("pctChange", name, c);
  const x = fillMethod === null ? raw : fillDirection(raw, fillMethod === "bfill" ? "bfill" : "ffill");
  const n = x.length, out = new Float64Array(n);
  for (let i = 0; i < n; i++) { const j = i - periods; out[i] = j >= 0 && j < n ? x[i] / x[j] - 1 : NaN; }
  return out;
}

export type CumOp = "cumsum" | "cumprod" | "cummax" | "cummin";

/** Running sum/product/max/min. A missing value stays missing and is skipped (skipna), or ends the run (skipna false). */
export function cumulative(op: CumOp, name: string, c: Column, skipna: boolean): Column {
  const x = asNumbers(op, name, c), n = x.length, out = new Float64Array(n);
  let acc = op === "cumsum" ? 0 : op === "cumprod" ? 1 : NaN, dead = false;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (dead || v !== v) {
      out[i] = NaN;
      if (!skipna) dead = true;
      continue;
    }
    if (op === "cumsum") acc += v;
    else if (op === "cumprod") acc *= v;
    else if (acc !== acc || (op === "cummax" ? v > acc : v < acc)) acc = v;
    out[i] = acc;
  }
  return c instanceof Int32Array ? narrowInt(out) : out;
}

export type RankMethod = "average" | "min" | "max" | "first" | "dense";
export interface RankOptions { method?: RankMethod; ascending?: boolean; naOption?: "keep" | "top" | "bottom"; pct?: boolean }
export const RANK_OPTIONS = ["method", "ascending", "naOption", "pct"] as const;
const METHODS: readonly RankMethod[] = ["average", "min", "max", "first", "dense"];

function checkRank(opts: RankOptions): Required<RankOptions> {
  const method = opts.method ?? "average", na = opts.naOption ?? "keep";
  if (!METHODS.includes(method)) throw new ArgumentError("rank", `method must be one of ${METHODS.join(", ")}, got "${String(method)}"`);
  if (!["keep", "top", "bottom"].includes(na)) throw new ArgumentError("rank", `naOption must be "keep", "top" or "bottom", got "${String(na)}"`);
  return { method, ascending: opts.ascending ?? true, naOption: na, pct: opts.pct ?? false };
}

/** pandas' rank: 1-based, ties by `method`; missing values keep NaN or rank first/last (naOption). */
export function rank(c: Column, opts: RankOptions): Float64Array {
  const o = checkRank(opts);
  return isNumericArray(c) ? rankNumbers(c, o) : rankCells(c, o);
}

/**
 * rank for any cells: a stable sort of the row numbers (ties keep row order, which "first" needs),
 * then one pass over the tie groups. The reference for rankNumbers.
 */
export function rankCells(c: Column, opts: RankOptions): Float64Array {
  const { method, ascending: asc, naOption: na, pct } = checkRank(opts);
  const n = c.length, out = new Float64Array(n).fill(NaN);
  const present: number[] = [], missing: number[] = [];
  for (let i = 0; i < n; i++) (isMissing(c[i]) ? missing : present).push(i);
  const cmp = (p: number, q: number) => compareCells(c[p], c[q]);
  present.sort(asc ? cmp : (p, q) => cmp(q, p));
  // Missing rows form one tie group before or after the rest.
  const groups: number[][] = [];
  if (na === "top" && missing.length) groups.push(missing);
  for (let k = 0; k < present.length; k++) {
    if (k > 0 && cmp(present[k - 1], present[k]) === 0) groups[groups.length - 1].push(present[k]);
    else groups.push([present[k]]);
  }
  if (na === "bottom" && missing.length) groups.push(missing);
  let start = 0;
  groups.forEach((g, d) => {
    g.forEach((row, k) => {
      out[row] = method === "average" ? start + (g.length + 1) / 2 : method === "min" ? start + 1 : method === "max" ? start + g.length : method === "first" ? start + k + 1 : d + 1;
    });
    start += g.length;
  });
  if (pct) {
    const total = method === "dense" ? groups.length : na === "keep" ? present.length : n;
    for (let i = 0; i < n; i++) out[i] /= total;
  }
  return out;
}

/**
 * The fast path of rank for numbers: the present values sorted as a Float64Array (no comparator
 * calls: 1,000,000 rows in a fraction of the general path's time), and each row's tie group found by
 * binary search. Descending ranks sort the negated values; "first" numbers a group's rows in row order.
 */
function rankNumbers(x: Float64Array | Float32Array | Int32Array, o: Required<RankOptions>): Float64Array {
  const { method, ascending: asc, naOption: na, pct } = o;
  const n = x.length, out = new Float64Array(n);
  let P = 0;
  for (let i = 0; i < n; i++) if (x[i] === x[i]) P++;
  const sorted = new Float64Array(P);
  for (let i = 0, k = 0; i < n; i++) if (x[i] === x[i]) sorted[k++] = asc ? x[i] : -x[i];
  sorted.sort();
  const m = n - P;
  // dense[k]: the dense rank of sorted[k] among present values (-0 and 0 tie: neither is > the other)
  const dense = new Int32Array(P);
  for (let k = 0; k < P; k++) dense[k] = k === 0 ? 1 : dense[k - 1] + (sorted[k] > sorted[k - 1] ? 1 : 0);
  const distinct = P ? dense[P - 1] : 0;
  const missingFirst = na === "top", shift = missingFirst ? m : 0, denseShift = missingFirst && m ? 1 : 0;
  const seen = method === "first" ? new Int32Array(P) : null;
  const naStart = missingFirst ? 0 : P;
  let naSeen = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== v) {
      if (na === "keep") { out[i] = NaN; continue; }
      out[i] = method === "average" ? naStart + (m + 1) / 2 : method === "min" ? naStart + 1 : method === "max" ? naStart + m : method === "first" ? naStart + ++naSeen : missingFirst ? 1 : distinct + 1;
      continue;
    }
    const key = asc ? v : -v;
    let lo = 0, hi = P;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] < key) lo = mid + 1; else hi = mid; }
    let end = lo, top = P;
    while (end < top) { const mid = (end + top) >>> 1; if (sorted[mid] <= key) end = mid + 1; else top = mid; }
    const r = method === "average" ? (lo + 1 + end) / 2 : method === "min" ? lo + 1 : method === "max" ? end : method === "first" ? lo + 1 + seen![lo]++ : dense[lo] + denseShift;
    out[i] = method === "dense" ? r : r + shift;
  }
  if (pct) {
    const total = method === "dense" ? distinct + (na !== "keep" && m ? 1 : 0) : na === "keep" ? P : n;
    for (let i = 0; i < n; i++) out[i] /= total;
  }
  return out;
}

/** Pearson correlation of the rows where both are present (NaN with fewer than two, or a constant side). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) { xs.push(x[i]); ys.push(y[i]); }
  const n = xs.length;
  if (n < 2) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += xs[i]; my += ys[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx, dy = ys[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  return r !== r ? NaN : Math.max(-1, Math.min(1, r)); // NumPy's corrcoef clips to [-1, 1]
}

/** Kendall's tau-b (ties in either variable corrected, as scipy's kendalltau) over the rows where both are present. */
export function kendall(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) { xs.push(x[i]); ys.push(y[i]); }
  const n = xs.length;
  if (n < 2) return NaN;
  let con = 0, dis = 0, tx = 0, ty = 0; // O(n²): fine for the columns a frame correlates
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = Math.sign(xs[i] - xs[j]), b = Math.sign(ys[i] - ys[j]);
      if (a === 0 && b === 0) continue;
      if (a === 0) tx++;
      else if (b === 0) ty++;
      else if (a === b) con++;
      else dis++;
    }
  }
  const denom = Math.sqrt((con + dis + tx) * (con + dis + ty));
  return denom === 0 ? NaN : (con - dis) / denom;
}

/**
 * pandas' interpolate(method="linear"): missing values between two present ones lie on the line
 * between them (by row position); outside them, the direction decides — "forward" (default) fills
 * the trailing ones with the last value and leaves the leading ones missing, "backward" the
 * reverse, "both" fills both.
 */
export function interpolateLinear(x: Float64Array, direction: "forward" | "backward" | "both"): Float64Array {
  const out = Float64Array.from(x), n = x.length;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (x[i] !== x[i]) continue;
    if (prev >= 0) for (let k = prev + 1; k < i; k++) out[k] = x[prev] + ((x[i] - x[prev]) * (k - prev)) / (i - prev);
    else if (direction !== "forward") for (let k = 0; k < i; k++) out[k] = x[i];
    prev = i;
  }
  if (prev >= 0 && direction !== "backward") for (let k = prev + 1; k < n; k++) out[k] = x[prev];
  return out;
}
