// df.groupBy(keys): split rows into groups by key columns, aggregate each group.
import * as aq from "arquero";
import { type Column, dtypeOf, isMissing, isNumericDType, take } from "./column.js";
import { type AggFn, type AggName, type Groups, NUMERIC_ONLY, aggregate, compareCells } from "./aggregate.js";
import { ArgumentError } from "../core/errors.js";
import { DataFrame, type Row } from "./frame.js";
import { concat } from "./reshape.js";
import { Series } from "./series.js";
import type { RankOptions } from "./sequential.js";
import type { RollingOptions } from "./window.js";
import type { EwmOptions } from "./ewm.js";

/** pandas' NamedAgg: an output column computed from `column` with `aggfunc`. */
export interface NamedAgg { column: string; aggfunc: AggFn }
/** `frame.namedAgg("x", "sum")`, for `g.agg({ total: frame.namedAgg("x", "sum") })` (pandas' `agg(total=("x", "sum"))`). */
export const namedAgg = (column: string, aggfunc: AggFn): NamedAgg => ({ column, aggfunc });
const isNamed = (v: unknown): v is NamedAgg => typeof v === "object" && v !== null && !Array.isArray(v) && "column" in v && "aggfunc" in v;

/** Group number per row for one key column (a Map is quicker than Arquero's general hashing here). */
function hashOne(c: Column): { keys: Uint32Array; rows: number[]; size: number } {
  const ids = new Map<unknown, number>(), keys = new Uint32Array(c.length), rows: number[] = [];
  for (let i = 0; i < c.length; i++) {
    const v = c[i];
    const k = v instanceof Date ? v.getTime() : v !== v ? null : v;
    let id = ids.get(k);
    if (id === undefined) { id = rows.length; ids.set(k, id); rows.push(i); }
    keys[i] = id;
  }
  return { keys, rows, size: rows.length };
}

/** `df.groupBy(keys)`: aggregations per group; keys come back as the first columns. */
export class GroupBy {
  private groups: (Groups & { keyCols: Column[] }) | null = null;
  constructor(private readonly df: DataFrame, readonly keys: string[], private readonly dropna: boolean, private readonly sorted: boolean) {
    for (const k of keys) df._column(k, "groupBy");
  }

  /** Group id per row (Arquero hashes several keys), renumbered in key order. */
  private compute(): Groups & { keyCols: Column[] } {
    if (this.groups) return this.groups;
    const keyCols = this.keys.map((k) => this.df._column(k));
    const g = keyCols.length === 1 ? hashOne(keyCols[0]) : this.df.length
      ? aq.table(Object.fromEntries(this.keys.map((k, i) => [k, keyCols[i]])) as Record<string, unknown[]>).groupby(this.keys).groups()
      : { keys: new Uint32Array(0), rows: [] as number[], size: 0 };
    const reps = Array.from(g.rows as ArrayLike<number>);
    let order = reps.map((_, i) => i).filter((i) => !this.dropna || keyCols.every((c) => !isMissing(c[reps[i]])));
    if (this.sorted) {
      order.sort((a, b) => {
        for (const c of keyCols) {
          const r = compareCells(c[reps[a]], c[reps[b]]);
          if (r) return r;
        }
        return 0;
      });
    } else order = order.sort((a, b) => reps[a] - reps[b]);
    const renum = new Int32Array(g.size).fill(-1);
    order.forEach((old, i) => (renum[old] = i));
    const gk = g.keys as Uint32Array, ids = new Int32Array(gk.length);
    for (let i = 0; i < gk.length; i++) ids[i] = renum[gk[i]];
    const first = order.map((o) => reps[o]);
    this.groups = { ids, count: order.length, keyCols: keyCols.map((c) => take(c, first)) };
    return this.groups;
  }
  /** Number of groups. */
  get ngroups(): number {
    return this.compute().count;
  }
  /** Group id (0-based, in result order) of each row; -1 for rows with a missing key. */
  groupIds(): Int32Array {
    return this.compute().ids;
  }

  /**
   * Aggregations by column: `{ x: "mean", y: ["min", "max"] }` (several give columns y_min,
   * y_max), named aggregations `{ total: { column: "x", aggfunc: "sum" } }` (pandas'
   * `agg(total=("x", "sum"))`; see `frame.namedAgg`), or one aggregation for every non-key column.
   */
  agg(spec: AggFn | Record<string, AggFn | AggFn[] | NamedAgg>): DataFrame {
    const g = this.compute();
    const names = [...this.keys], cols: Column[] = [...g.keyCols];
    const entries: [string, string, AggFn][] = [];
    if (typeof spec === "object") {
      for (const [out, f] of Object.entries(spec)) {
        if (isNamed(f)) entries.push([out, f.column, f.aggfunc]);
        else if (Array.isArray(f)) for (const fn of f) entries.push([`${out}_${typeof fn === "string" ? fn : fn.name || "fn"}`, out, fn]);
        else entries.push([out, out, f as AggFn]);
      }
    } else {
      for (const c of this.df.columns) {
        if (this.keys.includes(c) || (NUMERIC_ONLY.has(spec) && !isNumericDType(dtypeOf(this.df._column(c))))) continue;
        entries.push([c, c, spec]);
      }
    }
    for (const [out, c, f] of entries) {
      names.push(out);
      cols.push(aggregate(this.df._column(c, "agg"), g, f, c));
    }
    return DataFrame._of(names, cols);
  }
  /** One column's groups (pandas' `df.groupby(keys)[column]`): transform, cumulative and window ops per group. */
  col(column: string): SeriesGroupBy {
    this.df._column(column, "groupBy.col");
    return new SeriesGroupBy(this, this.df.col(column));
  }
  /**
   * The aggregation of `column`'s group, repeated on each row: a Series aligned with the frame's
   * rows (missing where the key is missing), as pandas' `groupby(keys)[column].transform(fn)`.
   * @example df.assign({ share: df.col("x").div(df.groupBy("k").transform("x", "sum")) })
   */
  transform(column: string, fn: AggName | ((group: Series) => Series | number)): Series {
    return this.col(column).transform(fn);
  }
  /** Position of each row within its group, from 0 (NaN where the key is missing). */
  cumcount(): Series {
    const ids = this.groupIds(), seen = new Int32Array(this.ngroups), out = new Float64Array(ids.length);
    let anyMissing = false;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < 0) { out[i] = NaN; anyMissing = true; } else out[i] = seen[ids[i]]++;
    }
    return new Series(anyMissing ? out : Int32Array.from(out), "");
  }
  /**
   * `fn` on each group's rows; results are stacked with the group's keys in front: a number gives a
   * column "value", a row object its fields, a DataFrame its rows.
   * @example df.groupBy("k").apply((g) => ({ range: g.col("x").max() - g.col("x").min() }))
   */
  apply(fn: (group: DataFrame) => DataFrame | Row | number): DataFrame {
    if (typeof fn !== "function") throw new ArgumentError("groupBy.apply", `expected a function of a group's DataFrame, got ${typeof fn}`);
    const g = this.compute(), rows = this.rowsPerGroup();
    const parts: DataFrame[] = [];
    for (let k = 0; k < g.count; k++) {
      const r = fn(this.df.take(rows[k]));
      const part = r instanceof DataFrame ? r : typeof r === "number" ? new DataFrame({ value: [r] }) : new DataFrame([r]);
      const keyed: Record<string, unknown[]> = {};
      this.keys.forEach((key, j) => { keyed[key] = new Array(part.length).fill(g.keyCols[j][k]); });
      for (const c of part.columns) keyed[this.keys.includes(c) ? `${c}_` : c] = Array.from(part._column(c) as ArrayLike<unknown>);
      parts.push(new DataFrame(keyed));
    }
    return parts.length ? concat(parts) : DataFrame._of([...this.keys], this.keys.map(() => []));
  }
  /** @internal Row positions of each group, in row order. */
  rowsPerGroup(): number[][] {
    const ids = this.groupIds(), rows: number[][] = Array.from({ length: this.ngroups }, () => []);
    for (let i = 0; i < ids.length; i++) if (ids[i] >= 0) rows[ids[i]].push(i);
    return rows;
  }
  mean(): DataFrame { return this.agg("mean"); }
  sum(): DataFrame { return this.agg("sum"); }
  min(): DataFrame { return this.agg("min"); }
  max(): DataFrame { return this.agg("max"); }
  std(): DataFrame { return this.agg("std"); }
  var(): DataFrame { return this.agg("var"); }
  median(): DataFrame { return this.agg("median"); }
  count(): DataFrame { return this.agg("count"); }
  first(): DataFrame { return this.agg("first"); }
  last(): DataFrame { return this.agg("last"); }
  nunique(): DataFrame { return this.agg("nunique"); }
  /** Rows per group, as column "size". */
  size(): DataFrame {
    const g = this.compute();
    return DataFrame._of([...this.keys, "size"], [...g.keyCols, aggregate(new Int32Array(this.df.length), g, "size", "size")]);
  }
}

/**
 * `df.groupBy(keys).col(column)`: operations on one column that run inside each group and come
 * back aligned with the frame's rows (missing where the key is missing), each computed by the
 * Series method of the same name on the group's values — one implementation of each.
 */
export class SeriesGroupBy {
  constructor(private readonly g: GroupBy, private readonly s: Series) {}

  /** `fn` on each group's values (in row order); its results put back at those rows. */
  private perGroup(fn: (group: Series) => Series | number, broadcast = false): Series {
    const rows = this.g.rowsPerGroup(), n = this.s.length;
    let out: Float64Array | unknown[] | null = null;
    for (const r of rows) {
      const res = fn(new Series(take(this.s.values, r), this.s.name));
      const values: ArrayLike<unknown> = typeof res === "number" ? new Float64Array(r.length).fill(res) : res.values;
      if (!(res instanceof Series) && typeof res !== "number") throw new ArgumentError("groupBy.transform", `the function must return a Series or a number, got ${typeof res}`);
      if (res instanceof Series && !broadcast && res.length !== r.length) throw new ArgumentError("groupBy.transform", `the function returned ${res.length} values for a group of ${r.length} rows; return one value per row or a number`);
      out ??= values instanceof Float64Array || values instanceof Int32Array || values instanceof Float32Array ? new Float64Array(n).fill(NaN) : new Array<unknown>(n).fill(null);
      for (let j = 0; j < r.length; j++) out[r[j]] = values[j];
    }
    return new Series(out ?? new Float64Array(n).fill(NaN), this.s.name);
  }

  /**
   * The group's aggregate on every row (`"mean"`, `"sum"`, `"count"`, `"size"`, …), or a function
   * of the group's Series returning a Series of the same length or a number. pandas' `transform`.
   */
  transform(fn: AggName | ((group: Series) => Series | number)): Series {
    if (typeof fn === "string") {
      const agg = aggregate(this.s.values, { ids: this.g.groupIds(), count: this.g.ngroups }, fn, this.s.name);
      return this.perGroupIndexed((k) => agg[k]);
    }
    if (typeof fn !== "function") throw new ArgumentError("groupBy.transform", `expected an aggregation name or a function, got ${typeof fn}`);
    return this.perGroup(fn as (group: Series) => Series | number);
  }
  /** Each row gets value(group id) (NaN where the key is missing). */
  private perGroupIndexed(value: (k: number) => unknown): Series {
    const ids = this.g.groupIds(), out = new Array<unknown>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = ids[i] < 0 ? NaN : value(ids[i]);
    const numeric = out.every((v) => typeof v === "number");
    return new Series(numeric ? Float64Array.from(out as number[]) : out.map((v) => (typeof v === "number" && v !== v ? null : v)), this.s.name);
  }
  cumsum(): Series { return this.perGroup((s) => s.cumsum()); }
  cumprod(): Series { return this.perGroup((s) => s.cumprod()); }
  cummax(): Series { return this.perGroup((s) => s.cummax()); }
  cummin(): Series { return this.perGroup((s) => s.cummin()); }
  shift(periods = 1): Series { return this.perGroup((s) => s.shift(periods)); }
  diff(periods = 1): Series { return this.perGroup((s) => s.diff(periods)); }
  pctChange(periods = 1): Series { return this.perGroup((s) => s.pctChange(periods)); }
  rank(opts: RankOptions = {}): Series { return this.perGroup((s) => s.rank(opts)); }
  /** Rolling windows inside each group: `df.groupBy("k").col("y").rolling(3).mean()`. */
  rolling(window: number, opts: RollingOptions = {}): GroupWindow {
    return new GroupWindow((stat) => this.perGroup((s) => (s.rolling(window, opts) as unknown as Record<string, () => Series>)[stat]()));
  }
  /** Expanding windows inside each group. */
  expanding(opts: { minPeriods?: number } = {}): GroupWindow {
    return new GroupWindow((stat) => this.perGroup((s) => (s.expanding(opts) as unknown as Record<string, () => Series>)[stat]()));
  }
  /** Exponentially weighted mean inside each group. */
  ewm(opts: EwmOptions): { mean(): Series } {
    return { mean: () => this.perGroup((s) => s.ewm(opts).mean()) };
  }
}

/** A window statistic per group (rolling or expanding). */
export class GroupWindow {
  constructor(private readonly run: (stat: "mean" | "sum" | "min" | "max" | "std" | "var" | "median" | "count") => Series) {}
  mean(): Series { return this.run("mean"); }
  sum(): Series { return this.run("sum"); }
  min(): Series { return this.run("min"); }
  max(): Series { return this.run("max"); }
  std(): Series { return this.run("std"); }
  var(): Series { return this.run("var"); }
  median(): Series { return this.run("median"); }
  count(): Series { return this.run("count"); }
}
