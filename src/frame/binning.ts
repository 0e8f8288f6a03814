// pd.cut and pd.qcut: numbers into intervals. A result is a Series of the interval labels pandas
// prints ("(0.0, 2.0]"), of the user's labels, or with `labels: false` of the bin numbers; pandas'
// Categorical of Intervals has no JavaScript counterpart, so the labels are text.
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { quantileSorted } from "./aggregate.js";
import { Series } from "./series.js";

export interface CutOptions {
  /** Names for the bins, or false for bin numbers (0, 1, …). */
  labels?: readonly unknown[] | false;
  /** Intervals closed on the right, (a, b] (default), or on the left, [a, b). */
  right?: boolean;
  /** The first interval also holds its left edge. */
  includeLowest?: boolean;
  /** Significant digits of the printed edges (default 3, as pandas). */
  precision?: number;
}

/** Python's float repr for the short decimals labels use: 2 → "2.0", 1.667 → "1.667". */
function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  const s = String(x);
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** pandas' _round_frac: `precision` digits after the first significant one for |x| < 1, else after the point. */
function roundFrac(x: number, precision: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const whole = Math.trunc(x), frac = x - whole;
  const digits = whole === 0 ? -Math.floor(Math.log10(Math.abs(frac))) - 1 + precision : precision;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Interval labels as pandas formats them: fewest digits (from `precision` up) that keep the edges distinct. */
function intervalLabels(edges: number[], right: boolean, includeLowest: boolean, precision: number): string[] {
  for (let p = precision; p < 20; p++) {
    const e = edges.map((x) => roundFrac(x, p));
    if (new Set(e).size !== e.length) continue;
    if (includeLowest) e[0] = roundFrac(edges[0] - 10 ** -p, p);
    return e.slice(1).map((b, i) => (right ? `(${pyFloat(e[i])}, ${pyFloat(b)}]` : `[${pyFloat(e[i])}, ${pyFloat(b)})`));
  }
  return edges.slice(1).map((b, i) => (right ? `(${edges[i]}, ${b}]` : `[${edges[i]}, ${b})`));
}

function values(op: string, x: Series | ArrayLike<number>): { v: Float64Array; name: string } {
  if (x instanceof Series) return { v: x.numbers(), name: x.name };
  return { v: Float64Array.from(x as ArrayLike<number>, (y) => (y === null || y === undefined ? NaN : Number(y))), name: "" };
}

/** Each value's bin (-1 outside every bin or missing). */
function assign(v: Float64Array, edges: number[], right: boolean, includeLowest: boolean): Int32Array {
  const out = new Int32Array(v.length).fill(-1), last = edges.length - 1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    // first edge index j with x < edges[j] (right=false) or x <= edges[j] (right=true)
    let lo = 0, hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (right ? x <= edges[mid] : x < edges[mid]) hi = mid; else lo = mid + 1;
    }
    let bin = lo - 1;
    if (includeLowest && x === edges[0]) bin = 0;
    if (!right && includeLowest && x === edges[last]) bin = last - 1;
    if (bin >= 0 && bin < last) out[i] = bin;
  }
  return out;
}

function labelled(op: string, bins: Int32Array, names: string[], opts: CutOptions, name: string): Series {
  const labels = opts.labels;
  if (labels === false) {
    const missing = bins.some((b) => b < 0);
    return new Series(missing ? Float64Array.from(bins, (b) => (b < 0 ? NaN : b)) : bins, name);
  }
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length !== names.length) throw new ArgumentError(op, `labels must be false or a list of ${names.length} names (one per bin), got ${Array.isArray(labels) ? `${labels.length}` : typeof labels}`);
  }
  const use = labels ?? names;
  return new Series(Array.from(bins, (b) => (b < 0 ? null : use[b])), name);
}

/**
 * Bins numbers into intervals (pd.cut): `bins` edges, or a count of equal-width bins over the
 * values' range (widened by 0.1% on the left, as pandas).
 * @example frame.cut(df.col("age"), [0, 18, 65, 120], { labels: ["child", "adult", "senior"] })
 */
export function cut(x: Series | ArrayLike<number>, bins: number | readonly number[], opts: CutOptions = {}): Series {
  checkOptions("cut", opts, ["labels", "right", "includeLowest", "precision"]);
  const { v, name } = values("cut", x);
  const { right = true, includeLowest = false, precision = 3 } = opts;
  let edges: number[];
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) throw new ArgumentError("cut", `bins must be a positive integer or a list of edges, got ${bins}`);
    let lo = Infinity, hi = -Infinity;
    for (const y of v) if (y === y) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
    if (lo === Infinity) throw new ArgumentError("cut", "every value is missing; pass bin edges instead of a count");
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ArgumentError("cut", "values include ±Infinity; pass bin edges instead of a count");
    if (lo === hi) { lo -= Math.abs(lo) * 0.001 || 0.001; hi += Math.abs(hi) * 0.001 || 0.001; }
    edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
    const adj = (hi - lo) * 0.001;
    if (right) edges[0] -= adj; else edges[bins] += adj;
  } else {
    edges = Array.from(bins, Number);
    if (edges.length < 2) throw new ArgumentError("cut", `bins needs at least two edges, got ${edges.length}`);
    for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) throw new ArgumentError("cut", `bin edges must increase, got ${edges[i - 1]} then ${edges[i]}`);
  }
  return labelled("cut", assign(v, edges, right, includeLowest), intervalLabels(edges, right, includeLowest, precision), opts, name);
}

/**
 * Bins numbers into quantile intervals (pd.qcut): `q` equal-count bins or a list of quantiles in
 * [0, 1]; the lowest edge is included. Repeated edges are an ArgumentError, as pandas.
 * @example frame.qcut(df.col("income"), 4, { labels: false })
 */
export function qcut(x: Series | ArrayLike<number>, q: number | readonly number[], opts: Omit<CutOptions, "right" | "includeLowest"> = {}): Series {
  checkOptions("qcut", opts, ["labels", "precision"]);
  const { v, name } = values("qcut", x);
  const qs = typeof q === "number" ? Array.from({ length: q + 1 }, (_, i) => i / q) : Array.from(q);
  if (typeof q === "number" && (!Number.isInteger(q) || q < 1)) throw new ArgumentError("qcut", `q must be a positive integer or a list of quantiles, got ${q}`);
  for (const p of qs) if (!(p >= 0 && p <= 1)) throw new ArgumentError("qcut", `quantiles must be in [0, 1], got ${p}`);
  const sorted = Float64Array.from(v.filter((y) => y === y)).sort();
  if (!sorted.length) throw new ArgumentError("qcut", "every value is missing");
  const edges = qs.map((p) => quantileSorted(sorted, p));
  for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) throw new ArgumentError("qcut", `bin edges must be unique: quantile ${qs[i]} repeats the edge ${edges[i]} (too many equal values for ${qs.length - 1} bins)`);
  return labelled("qcut", assign(v, edges, true, true), intervalLabels(edges, true, true, opts.precision ?? 3), opts, name);
}
