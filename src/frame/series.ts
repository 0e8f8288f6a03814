// Series: one named column with pandas' statistics, masks for filtering, and rolling windows.
import { ArgumentError, ShapeError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import * as ds from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../core/dtype.js";
import { type Column, type FrameDType, asNumbers, dtypeOf, isMissing, isNumericArray, toColumn } from "./column.js";
import { compareCells, neumaierSum, quantileSorted } from "./aggregate.js";
import { type RollingAgg, type RollingOptions, checkWindow, rollingStat } from "./window.js";
import { formatColumn } from "./print.js";
import { type ArithOp, type CompareOp, type Operand, arith, compare, mapNumbers, roundHalfEven } from "./elementwise.js";
import { type RankOptions, RANK_OPTIONS, cumulative, diff, fillDirection, interpolateLinear, kendall, pctChange, pearson, rank, shift } from "./sequential.js";
import { type AstypeTarget, astype } from "./convert.js";
import { StringMethods } from "./strings.js";
import { type EwmOptions, SeriesEwm, SeriesExpanding } from "./ewm.js";
import { DatetimeMethods } from "./dates.js";
import type { Timedelta } from "./timedelta.js";

/** The key a missing value has in sets (NaN, null and undefined are all one "missing"). */
const MISSING = Symbol("missing");
type Interpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
import { DataFrame } from "./frame.js";

/** A column with a name: `df.col("price").mean()`, `df.filter(df.col("price").gt(10))`. */
export class Series {
  /** The column's name. */
  readonly name: string;
  /** The values: a typed array for numbers (NaN = missing), else an array (null = missing). */
  readonly values: Column;

  /** @example new frame.Series([1, 2, 3], "x") */
  constructor(values: ArrayLike<unknown>, name = "") {
    this.values = toColumn(values);
    this.name = name;
  }

  get length(): number {
    return this.values.length;
  }
  get dtype(): FrameDType {
    return dtypeOf(this.values);
  }
  /** The value at row i (negative counts from the end). */
  at(i: number): unknown {
    return this.values[i < 0 ? this.length + i : i];
  }
  /** The values as a plain array (missing numbers stay NaN, other missing values are null). */
  toArray(): unknown[] {
    return Array.from(this.values as ArrayLike<unknown>);
  }
  /** pandas' vectorized string methods: `s.str.lower()`, `s.str.contains("a", { case: false })`. */
  get str(): StringMethods {
    return new StringMethods(this);
  }
  /** pandas' datetime fields and rounding (`s.dt.year`, `s.dt.floor("H")`), or a timedelta Series' parts (`s.dt.days`). */
  get dt(): DatetimeMethods {
    return new DatetimeMethods(this);
  }
  /** A 1-D tensor of the values (bool → 0/1, dates → milliseconds). @example s.toTensor("int32") */
  toTensor(dtype: DType = "float32"): Tensor {
    return ds.tensor(asNumbers("toTensor", this.name, this.values), { dtype });
  }
  /** The numbers of a numeric column (an error for text). */
  numbers(): Float64Array {
    return asNumbers("Series", this.name, this.values);
  }
  private finite(): number[] {
    const x = this.numbers(), out: number[] = [];
    for (let i = 0; i < x.length; i++) if (x[i] === x[i]) out.push(x[i]);
    return out;
  }

  /** Count of non-missing values. */
  count(): number {
    let c = 0;
    for (let i = 0; i < this.length; i++) if (!isMissing(this.values[i])) c++;
    return c;
  }
  sum(): number {
    return neumaierSum(this.numbers());
  }
  mean(): number {
    const v = this.finite();
    return v.length ? neumaierSum(v) / v.length : NaN;
  }
  /** Sample variance (ddof = 1, as pandas). */
  var(ddof = 1): number {
    const v = this.finite();
    if (v.length - ddof <= 0) return NaN;
    const m = neumaierSum(v) / v.length;
    return neumaierSum(v.map((x) => (x - m) ** 2)) / (v.length - ddof);
  }
  /** Sample standard deviation (ddof = 1, as pandas). */
  std(ddof = 1): number {
    return Math.sqrt(this.var(ddof));
  }
  min(): unknown {
    return this.extreme(-1);
  }
  max(): unknown {
    return this.extreme(1);
  }
  private extreme(sign: number): unknown {
    let best: unknown = null;
    for (const v of this.values as Iterable<unknown>) if (!isMissing(v) && (best === null || compareCells(v, best) * sign > 0)) best = v;
    return best === null && isNumericArray(this.values) ? NaN : best;
  }
  median(): number {
    return this.quantile(0.5);
  }
  /** Quantile q in [0, 1] of the present values (a list of q gives a list); interpolation as NumPy's (default linear). */
  quantile(q: number, interpolation?: Interpolation): number;
  quantile(q: readonly number[], interpolation?: Interpolation): number[];
  quantile(q: number | readonly number[], interpolation: Interpolation = "linear"): number | number[] {
    const qs = typeof q === "number" ? [q] : q;
    for (const p of qs) if (!(p >= 0 && p <= 1)) throw new ArgumentError("quantile", `q must be in [0, 1], got ${p}`);
    if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(interpolation)) throw new ArgumentError("quantile", `interpolation must be linear, lower, higher, midpoint or nearest, got "${String(interpolation)}"`);
    const v = this.finite().sort((a, b) => a - b);
    const one = (p: number): number => {
      if (interpolation === "linear" || !v.length) return quantileSorted(v, p);
      const h = (v.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
      if (interpolation === "lower") return v[lo];
      if (interpolation === "higher") return v[hi];
      if (interpolation === "midpoint") return (v[lo] + v[hi]) / 2;
      return v[roundHalfEven(h, 0)]; // NumPy's "nearest" rounds the position half to even
    };
    return typeof q === "number" ? one(q) : qs.map(one);
  }
  /** Distinct values in order of appearance; a missing value appears once, where it first occurs (as pandas). */
  unique(): unknown[] {
    const seen = new Set<unknown>(), out: unknown[] = [];
    for (const v of this.values as Iterable<unknown>) {
      const k = v instanceof Date ? v.getTime() : isMissing(v) ? MISSING : v;
      if (!seen.has(k)) { seen.add(k); out.push(isMissing(v) ? (isNumericArray(this.values) ? NaN : null) : v); }
    }
    return out;
  }
  /** How many distinct values (missing not counted unless dropna is false). */
  nunique(dropna = true): number {
    const u = this.unique();
    return dropna ? u.filter((v) => !isMissing(v)).length : u.length;
  }
  /** Row of the largest value (first on ties); NaN when every value is missing, or when skipna is false and one is. */
  idxmax(skipna = true): number { return this.argExtreme("idxmax", 1, skipna); }
  /** Row of the smallest value (first on ties). */
  idxmin(skipna = true): number { return this.argExtreme("idxmin", -1, skipna); }
  private argExtreme(op: string, sign: number, skipna: boolean): number {
    if (this.length === 0) throw new ArgumentError(op, `the Series "${this.name}" is empty; there is no row to return`);
    const x = asNumbers(op, this.name, this.values);
    let best = -1;
    for (let i = 0; i < x.length; i++) {
      if (x[i] !== x[i]) { if (!skipna) return NaN; continue; }
      if (best < 0 || (x[i] - x[best]) * sign > 0) best = i;
    }
    return best < 0 ? NaN : best;
  }
  /** Correlation with another Series of the same length, over the rows where both are present. */
  corr(other: Series, method: "pearson" | "spearman" | "kendall" = "pearson"): number {
    if (!(other instanceof Series)) throw new ArgumentError("corr", `expected a Series, got ${typeof other}`);
    if (other.length !== this.length) throw new ShapeError("corr", `the other Series has ${other.length} values for ${this.length}; Series are matched by position`);
    const x = this.numbers(), y = other.numbers();
    if (method === "pearson") return pearson(x, y);
    if (method === "kendall") return kendall(x, y);
    if (method !== "spearman") throw new ArgumentError("corr", `method must be "pearson", "spearman" or "kendall", got "${String(method)}"`);
    // Spearman: Pearson of the ranks of the rows where both are present.
    const both = Array.from(x, (v, i) => v === v && y[i] === y[i]);
    const keep = (a: Float64Array) => new Series(Float64Array.from(a.filter((_, i) => both[i])));
    return pearson(rank(keep(x).values, {}), rank(keep(y).values, {}));
  }
  /** Counts of each value, most frequent first: a frame [name, "count"] (or "proportion" when normalized). */
  valueCounts(opts: { normalize?: boolean; dropna?: boolean; ascending?: boolean } = {}): DataFrame {
    const counts = new Map<unknown, [unknown, number]>();
    let total = 0;
    for (const v of this.values as Iterable<unknown>) {
      if (isMissing(v) && opts.dropna !== false) continue;
      const k = isMissing(v) ? null : v instanceof Date ? v.getTime() : v;
      const e = counts.get(k);
      if (e) e[1]++;
      else counts.set(k, [isMissing(v) ? null : v, 1]);
      total++;
    }
    const entries = [...counts.values()];
    const dir = opts.ascending ? 1 : -1;
    entries.sort((a, b) => dir * (a[1] - b[1])); // stable: ties keep first appearance, as pandas
    const name = this.name || "value";
    return new DataFrame({
      [name]: entries.map((e) => e[0]),
      [opts.normalize ? "proportion" : "count"]: opts.normalize ? Float64Array.from(entries, (e) => e[1] / total) : Int32Array.from(entries, (e) => e[1]),
    });
  }
  /** Summary statistics: count, mean, std, min, 25%, 50%, 75%, max. */
  describe(): Record<string, number> {
    const v = this.finite().sort((a, b) => a - b);
    return { count: v.length, mean: this.mean(), std: this.std(), min: v.length ? v[0] : NaN, "25%": quantileSorted(v, 0.25), "50%": quantileSorted(v, 0.5), "75%": quantileSorted(v, 0.75), max: v.length ? v[v.length - 1] : NaN };
  }

  // ---- elementwise (JavaScript has no operator overloading: s.mul(2) is pandas' s * 2) ----
  // The other operand is a Series of the same length, matched by position (there is no row index
  // yet), or one value for every row.
  private operand(other: unknown): Operand {
    return other instanceof Series ? { column: other.values } : { scalar: other };
  }
  private arith(op: ArithOp, other: Series | number | boolean | string | Date | Timedelta | null): Series {
    return new Series(arith(op, this.name, this.values, this.operand(other)), this.name);
  }
  /** s + other (numbers; two text columns concatenate; dates + a frame.Timedelta move the dates). */
  add(other: Series | number | string | boolean | Timedelta | null): Series { return this.arith("add", other); }
  /** s − other (dates − dates gives a timedelta Series; dates − a frame.Timedelta moves them back). */
  sub(other: Series | number | boolean | Date | Timedelta | null): Series { return this.arith("sub", other); }
  mul(other: Series | number | boolean | null): Series { return this.arith("mul", other); }
  /** True division: always float64; x / 0 is ±Infinity, 0 / 0 NaN. */
  div(other: Series | number | boolean | Timedelta | null): Series { return this.arith("div", other); }
  pow(other: Series | number | boolean | null): Series { return this.arith("pow", other); }
  /** Python's modulo: the result has the divisor's sign; x % 0 is NaN. */
  mod(other: Series | number | boolean | null): Series { return this.arith("mod", other); }

  private cmp(op: CompareOp, other: unknown): Series {
    return new Series(compare(op, this.name, this.values, this.operand(other)), this.name);
  }
  // Comparisons give a bool Series (usable as df.filter's mask); a missing value compares false, except in ne.
  eq(other: unknown): Series { return this.cmp("eq", other); }
  ne(other: unknown): Series { return this.cmp("ne", other); }
  lt(other: Series | number | string | Date): Series { return this.cmp("lt", other); }
  le(other: Series | number | string | Date): Series { return this.cmp("le", other); }
  gt(other: Series | number | string | Date): Series { return this.cmp("gt", other); }
  ge(other: Series | number | string | Date): Series { return this.cmp("ge", other); }
  /** left ≤ s ≤ right (`inclusive` says which ends count); missing is false. */
  between(left: number | string | Date, right: number | string | Date, inclusive: "both" | "neither" | "left" | "right" = "both"): Series {
    if (!["both", "neither", "left", "right"].includes(inclusive)) throw new ArgumentError("between", `inclusive must be "both", "neither", "left" or "right", got "${String(inclusive)}"`);
    const lo = this.cmp(inclusive === "both" || inclusive === "left" ? "ge" : "gt", left).values as boolean[];
    const hi = this.cmp(inclusive === "both" || inclusive === "right" ? "le" : "lt", right).values as boolean[];
    return new Series(lo.map((v, i) => v && hi[i]), this.name);
  }
  /** Whether each value is one of `xs` (a missing value only matches a missing one in xs, as pandas). */
  isin(xs: readonly unknown[]): Series {
    const key = (v: unknown) => (v instanceof Date ? v.getTime() : isMissing(v) ? MISSING : v);
    const set = new Set(xs.map(key));
    return new Series(Array.from(this.values as ArrayLike<unknown>, (v) => set.has(key(v))), this.name);
  }
  isna(): Series { return new Series(Array.from(this.values as ArrayLike<unknown>, isMissing), this.name); }
  notna(): Series { return new Series(Array.from(this.values as ArrayLike<unknown>, (v) => !isMissing(v)), this.name); }
  /** Whether any / every value is true (missing values skipped). */
  any(): boolean { return (this.values as ArrayLike<unknown>).length > 0 && Array.prototype.some.call(this.values, (v: unknown) => !isMissing(v) && !!v); }
  all(): boolean { return Array.prototype.every.call(this.values, (v: unknown) => isMissing(v) || !!v); }

  abs(): Series { return new Series(mapNumbers("abs", this.name, this.values, Math.abs, true), this.name); }
  /** Rounded to `decimals` places, halves to even (NumPy's and pandas' round). */
  round(decimals = 0): Series {
    if (!Number.isInteger(decimals)) throw new ArgumentError("round", `decimals must be a whole number, got ${decimals}`);
    if (this.values instanceof Int32Array && decimals >= 0) return this;
    return new Series(mapNumbers("round", this.name, this.values, (x) => roundHalfEven(x, decimals), false), this.name);
  }
  /** Values limited to [lower, upper] (either may be omitted or null); missing stays missing. */
  clip(lower?: number | null, upper?: number | null): Series {
    const lo = lower ?? -Infinity, hi = upper ?? Infinity;
    if (typeof lo !== "number" || typeof hi !== "number") throw new ArgumentError("clip", `bounds must be numbers, got ${typeof lo} and ${typeof hi}`);
    if (lo > hi) throw new ArgumentError("clip", `lower (${lo}) is above upper (${hi})`);
    return new Series(mapNumbers("clip", this.name, this.values, (x) => (x < lo ? lo : x > hi ? hi : x), Number.isInteger(lo) || lo === -Infinity), this.name);
  }

  // ---- order-dependent ----
  /** Values moved down `periods` rows (up when negative); the vacated rows get `fillValue` (missing by default). */
  shift(periods = 1, fillValue: unknown = null): Series { return new Series(shift(this.values, periods, fillValue), this.name); }
  /** s[i] - s[i - periods] (float64). */
  diff(periods = 1): Series {
    // Dates differ by timedeltas, as in pandas; everything else by numbers.
    if (this.dtype === "datetime" || this.dtype === "timedelta") return this.sub(this.shift(periods));
    return new Series(diff(this.name, this.values, periods), this.name);
  }
  /** s[i] / s[i - periods] - 1 after forward-filling missing values (pandas 1.5's default fillMethod "pad"; null: no fill). */
  pctChange(periods = 1, opts: { fillMethod?: "pad" | "ffill" | "bfill" | null } = {}): Series {
    checkOptions("pctChange", opts, ["fillMethod"]);
    return new Series(pctChange(this.name, this.values, periods, opts.fillMethod === undefined ? "pad" : opts.fillMethod), this.name);
  }
  /** Running sum; missing values stay missing and are skipped (skipna false: everything after the first is missing). */
  cumsum(skipna = true): Series { return new Series(cumulative("cumsum", this.name, this.values, skipna), this.name); }
  cumprod(skipna = true): Series { return new Series(cumulative("cumprod", this.name, this.values, skipna), this.name); }
  cummax(skipna = true): Series { return new Series(cumulative("cummax", this.name, this.values, skipna), this.name); }
  cummin(skipna = true): Series { return new Series(cumulative("cummin", this.name, this.values, skipna), this.name); }
  /** 1-based ranks (float64): ties "average" (or min, max, first, dense); missing values keep NaN unless naOption is "top"/"bottom". */
  rank(opts: RankOptions = {}): Series {
    checkOptions("rank", opts, RANK_OPTIONS);
    return new Series(rank(this.values, opts), this.name);
  }

  // ---- choosing values ----
  private condition(op: string, cond: Series | ArrayLike<boolean> | ((s: Series) => Series | ArrayLike<boolean>)): ArrayLike<unknown> {
    const c = typeof cond === "function" ? cond(this) : cond;
    const v = c instanceof Series ? (c.values as ArrayLike<unknown>) : c;
    if (v.length !== this.length) throw new ShapeError(op, `the condition has ${v.length} values for ${this.length}`);
    return v;
  }
  /** Values where `cond` holds; `other` (missing by default) elsewhere. */
  where(cond: Series | ArrayLike<boolean> | ((s: Series) => Series | ArrayLike<boolean>), other: unknown = null): Series {
    const c = this.condition("where", cond);
    return this.like(Array.from(this.values as ArrayLike<unknown>, (v, i) => (c[i] ? v : other)));
  }
  /** Values where `cond` does not hold; `other` (missing by default) where it does. */
  mask(cond: Series | ArrayLike<boolean> | ((s: Series) => Series | ArrayLike<boolean>), other: unknown = null): Series {
    const c = this.condition("mask", cond);
    return this.like(Array.from(this.values as ArrayLike<unknown>, (v, i) => (c[i] ? other : v)));
  }
  /** A Series of these values, keeping float64 storage when this one is float and the values are numbers. */
  private like(values: unknown[]): Series {
    if ((this.values instanceof Float64Array || this.values instanceof Float32Array) && values.every((v) => typeof v === "number" || isMissing(v))) {
      return new Series(Float64Array.from(values, (v) => (isMissing(v) ? NaN : (v as number))), this.name);
    }
    return new Series(values, this.name);
  }

  // ---- transforms ----
  /**
   * A new series of fn(value, row), or each value looked up in a Map or object (a value it lacks
   * becomes missing, as pandas' map with a dict). Missing values are passed to fn too.
   */
  map(fn: ((v: unknown, i: number) => unknown) | Map<unknown, unknown> | Record<string, unknown>): Series {
    if (typeof fn === "function") return new Series(Array.from(this.values as ArrayLike<unknown>, fn), this.name);
    const look = fn instanceof Map ? (v: unknown) => (fn.has(v) ? fn.get(v) : null) : (v: unknown) => (!isMissing(v) && Object.hasOwn(fn, String(v)) ? fn[String(v)] : null);
    return new Series(Array.from(this.values as ArrayLike<unknown>, look), this.name);
  }
  /** fn of each value (pandas' Series.apply): the same as map with a function. */
  apply(fn: (v: unknown, i: number) => unknown): Series {
    if (typeof fn !== "function") throw new ArgumentError("apply", `expected a function, got ${typeof fn}`);
    return this.map(fn);
  }
  /** The values converted to another dtype, as pandas' astype (see docs/frame.md for each rule). */
  astype(dtype: AstypeTarget): Series {
    return new Series(astype(this.name, this.values, dtype), this.name);
  }
  /** Missing values replaced by `value`. */
  fillna(value: unknown): Series {
    if (isMissing(value)) return this;
    return this.like(Array.from(this.values as ArrayLike<unknown>, (v) => (isMissing(v) ? value : v)));
  }
  /** Missing numbers filled on the line between their present neighbours (pandas' linear interpolate; see interpolateLinear for the ends). */
  interpolate(opts: { limitDirection?: "forward" | "backward" | "both" } = {}): Series {
    checkOptions("interpolate", opts, ["limitDirection"]);
    const dir = opts.limitDirection ?? "forward";
    if (!["forward", "backward", "both"].includes(dir)) throw new ArgumentError("interpolate", `limitDirection must be "forward", "backward" or "both", got "${String(dir)}"`);
    if (this.values instanceof Int32Array) return this;
    return new Series(interpolateLinear(asNumbers("interpolate", this.name, this.values), dir), this.name);
  }
  /** Missing values replaced by the last present value above them. */
  ffill(): Series { return this.fillFrom("ffill"); }
  /** Missing values replaced by the next present value below them. */
  bfill(): Series { return this.fillFrom("bfill"); }
  private fillFrom(dir: "ffill" | "bfill"): Series {
    if (isNumericArray(this.values)) return new Series(fillDirection(this.numbers(), dir), this.name);
    const out = Array.from(this.values as ArrayLike<unknown>), n = out.length;
    let last: unknown = null;
    for (let k = 0; k < n; k++) { const i = dir === "ffill" ? k : n - 1 - k; if (isMissing(out[i])) out[i] = last; else last = out[i]; }
    return new Series(out, this.name);
  }
  dropna(): Series {
    return new Series(Array.from(this.values as ArrayLike<unknown>).filter((v) => !isMissing(v)), this.name);
  }
  head(n = 5): Series {
    return new Series(this.values.slice(0, Math.max(0, n)), this.name);
  }
  tail(n = 5): Series {
    return new Series(this.values.slice(Math.max(0, this.length - n)), this.name);
  }
  /** Rolling-window statistics: `s.rolling(7).mean()`. */
  rolling(window: number, opts: RollingOptions = {}): SeriesRolling {
    return new SeriesRolling(this, window, opts);
  }
  /** Statistics of every value so far (pandas' expanding()). @example s.expanding().max() */
  expanding(opts: { minPeriods?: number } = {}): SeriesExpanding {
    return new SeriesExpanding(this, opts);
  }
  /** Exponentially weighted statistics (pandas' ewm()). @example s.ewm({ span: 10 }).mean() */
  ewm(opts: EwmOptions): SeriesEwm {
    return new SeriesEwm(this, opts);
  }

  toString(): string {
    const rows = [...Array(this.length).keys()];
    const cells = formatColumn(this.values, rows);
    const w = String(this.length - 1).length, cw = Math.max(0, ...cells.map((c) => c.length));
    return [...cells.map((c, i) => `${String(i).padEnd(w)}    ${c.padStart(cw)}`), `Name: ${this.name}, dtype: ${this.dtype}`].join("\n");
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** `series.rolling(window)`: each statistic returns a Series of the same length (NaN until the window fills). */
export class SeriesRolling {
  constructor(private readonly s: Series, private readonly window: number, private readonly opts: RollingOptions) {
    checkWindow(window, opts);
  }
  private run(agg: RollingAgg | ((v: number[]) => number)): Series {
    return new Series(rollingStat(this.s.numbers(), this.window, agg, this.opts), this.s.name);
  }
  mean(): Series { return this.run("mean"); }
  sum(): Series { return this.run("sum"); }
  min(): Series { return this.run("min"); }
  max(): Series { return this.run("max"); }
  std(): Series { return this.run("std"); }
  var(): Series { return this.run("var"); }
  median(): Series { return this.run("median"); }
  count(): Series { return this.run("count"); }
  /** Any function of a window's non-missing values. */
  apply(fn: (values: number[]) => number): Series { return this.run(fn); }
}
