// Series: one named column with pandas' statistics, masks for filtering, and rolling windows.
import { ArgumentError } from "../core/errors.js";
import * as ds from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import type { DType } from "../core/dtype.js";
import { type Column, type FrameDType, asNumbers, dtypeOf, isMissing, isNumericArray, toColumn } from "./column.js";
import { compareCells, neumaierSum, quantileSorted } from "./aggregate.js";
import { type RollingAgg, type RollingOptions, checkWindow, rollingStat } from "./window.js";
import { formatColumn } from "./print.js";
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
  /** Linear-interpolated quantile, q in [0, 1]. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new ArgumentError("quantile", `q must be in [0, 1], got ${q}`);
    return quantileSorted(this.finite().sort((a, b) => a - b), q);
  }
  /** Distinct non-missing values in order of appearance. */
  unique(): unknown[] {
    const seen = new Set<unknown>(), out: unknown[] = [];
    for (const v of this.values as Iterable<unknown>) {
      const k = v instanceof Date ? v.getTime() : v;
      if (!isMissing(v) && !seen.has(k)) { seen.add(k); out.push(v); }
    }
    return out;
  }
  nunique(): number {
    return this.unique().length;
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

  // ---- masks for DataFrame.filter ----
  private mask(f: (v: unknown) => boolean): boolean[] {
    return Array.from(this.values as ArrayLike<unknown>, (v) => !isMissing(v) && f(v));
  }
  gt(x: number | string | Date): boolean[] { return this.mask((v) => compareCells(v, x) > 0); }
  ge(x: number | string | Date): boolean[] { return this.mask((v) => compareCells(v, x) >= 0); }
  lt(x: number | string | Date): boolean[] { return this.mask((v) => compareCells(v, x) < 0); }
  le(x: number | string | Date): boolean[] { return this.mask((v) => compareCells(v, x) <= 0); }
  eq(x: unknown): boolean[] { return this.mask((v) => compareCells(v, x) === 0); }
  ne(x: unknown): boolean[] { return Array.from(this.values as ArrayLike<unknown>, (v) => isMissing(v) || compareCells(v, x) !== 0); }
  /** Whether each value is one of `xs`. */
  isin(xs: readonly unknown[]): boolean[] {
    const set = new Set(xs.map((x) => (x instanceof Date ? x.getTime() : x)));
    return this.mask((v) => set.has(v instanceof Date ? v.getTime() : v));
  }
  isna(): boolean[] { return Array.from(this.values as ArrayLike<unknown>, isMissing); }
  notna(): boolean[] { return Array.from(this.values as ArrayLike<unknown>, (v) => !isMissing(v)); }

  // ---- transforms ----
  /** A new series of fn(value, row). */
  map(fn: (v: unknown, i: number) => unknown): Series {
    return new Series(Array.from(this.values as ArrayLike<unknown>, fn), this.name);
  }
  fillna(value: unknown): Series {
    return this.map((v) => (isMissing(v) ? value : v));
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
