// DataFrame: named columns of equal length with pandas' everyday verbs. Rows are filtered and new
// columns derived through Arquero (lazy row objects), multi-column groups hashed by Arquero; joins,
// sorts, windows, aggregations and pandas' missing-value rules are ours.
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { ArgumentError, ShapeError } from "../core/errors.js";
import { writeAtomic } from "../core/atomic.js";
import type { DType } from "../core/dtype.js";
import * as ds from "../tensor/index.js";
import type { Tensor } from "../tensor/tensor.js";
import { type Cell, type Column, type FrameDType, asNumbers, constant, dtypeOf, isMissing, isNumericArray, isNumericDType, take, toColumn } from "./column.js";
import { type AggFn, type AggName, compareCells, quantileSorted } from "./aggregate.js";
import type { RollingOptions } from "./window.js";
import { type ToCsvOptions, csvCell, hasTimeOfDay } from "./csv.js";
import { formatFrame, formatInfo } from "./print.js";
import { Series } from "./series.js";
import { keyOf, list } from "./labels.js";
import { type MergeOptions, merge } from "./merge.js";
import { explode, getDummies, melt, pivot, pivotTable } from "./reshape.js";
import { checkOptions } from "../core/options.js";
import { PCG32, globalRng } from "../core/rng.js";
import { GroupBy } from "./groupby.js";
import { FrameRolling } from "./rolling.js";
import { Resampler } from "./resample.js";

/** One row as an object: column name → value. */
export type Row = Record<string, Cell>;
/** What a column may be built from. */
export type ColumnInput = ArrayLike<unknown> | Series;

const fmtLabel = (v: unknown): string => (typeof v === "string" ? `"${v}"` : v instanceof Date ? v.toISOString() : String(v));

/** A table of named, equally long columns: pandas' DataFrame for TypeScript. */
export class DataFrame {
  private readonly data: Map<string, Column>;
  /** Number of rows. */
  readonly length: number;
  /** Row labels set by setIndex (null: the rows are labelled by position, pandas' RangeIndex). */
  private rowIndex: Column | null = null;
  private indexName: string | null = null;
  private labelRows: Map<unknown, number[]> | null = null;

  /**
   * From columns (`{ name: values }`) or from records (`[{ a: 1, b: "x" }, …]`), as pd.DataFrame.
   * @example new frame.DataFrame({ x: [1, 2, 3], label: ["a", "b", "a"] })
   */
  constructor(data: Record<string, ColumnInput> | readonly Row[] = {}, opts: { columns?: string[] } = {}) {
    this.data = new Map();
    if (Array.isArray(data)) {
      const rows = data as readonly Row[];
      const names = opts.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
      // own keys only: a record without "constructor" has a missing value there, not Object
      for (const name of names) this.data.set(name, toColumn(rows.map((r) => (Object.hasOwn(r, name) ? r[name] : undefined))));
    } else {
      for (const name of opts.columns ?? Object.keys(data)) {
        const v = Object.hasOwn(data, name) ? (data as Record<string, ColumnInput>)[name] : undefined;
        if (v === undefined) throw new ArgumentError("DataFrame", `no data for column "${name}"`);
        this.data.set(name, v instanceof Series ? v.values : toColumn(v));
      }
    }
    const lengths = [...this.data].map(([k, c]) => [k, c.length] as const);
    this.length = lengths.length ? lengths[0][1] : 0;
    const bad = lengths.find(([, n]) => n !== this.length);
    if (bad) throw new ShapeError("DataFrame", `columns differ in length: "${lengths[0][0]}" has ${this.length} rows, "${bad[0]}" has ${bad[1]}`);
  }

  /** @internal a frame over existing columns, no copies. */
  static _of(names: readonly string[], cols: readonly Column[], index: { values: Column; name: string | null } | null = null): DataFrame {
    const df = new DataFrame();
    names.forEach((n, i) => df.data.set(n, cols[i]));
    (df as { length: number }).length = cols.length ? cols[0].length : index ? index.values.length : 0;
    if (index) { df.rowIndex = index.values; df.indexName = index.name; }
    return df;
  }
  /** A frame of the same rows (so the same row labels) with these columns. */
  private same(names: readonly string[], cols: readonly Column[]): DataFrame {
    return DataFrame._of(names, cols, this.rowIndex ? { values: this.rowIndex, name: this.indexName } : null);
  }

  /** Column names, in order. */
  get columns(): string[] {
    return [...this.data.keys()];
  }
  /** [rows, columns]. */
  get shape(): [number, number] {
    return [this.length, this.data.size];
  }
  get empty(): boolean {
    return this.length === 0 || this.data.size === 0;
  }
  /** Each column's dtype. */
  get dtypes(): Record<string, FrameDType> {
    return Object.fromEntries([...this.data].map(([k, c]) => [k, dtypeOf(c)]));
  }
  /** Whether the frame has this column. */
  has(name: string): boolean {
    return this.data.has(name);
  }
  /** @internal the raw column; an unknown name is an error listing the columns. */
  _column(name: string, op = "col"): Column {
    const c = this.data.get(name);
    if (!c) throw new ArgumentError(op, `no column "${name}"; columns are ${this.columns.map((x) => `"${x}"`).join(", ")}`);
    return c;
  }
  /** One column as a Series (pandas' `df["name"]`). */
  col(name: string): Series {
    return new Series(this._column(name), name);
  }
  /** Row i as an object (negative counts from the end). */
  row(i: number): Row {
    const k = i < 0 ? this.length + i : i;
    if (!(k >= 0 && k < this.length)) throw new ArgumentError("row", `row ${i} is out of range for ${this.length} rows`);
    return Object.fromEntries([...this.data].map(([n, c]) => [n, c[k]]));
  }
  /** All rows as objects. */
  toRecords(): Row[] {
    const names = this.columns, cols = names.map((n) => this.data.get(n)!);
    return Array.from({ length: this.length }, (_, i) => Object.fromEntries(names.map((n, j) => [n, cols[j][i]])));
  }
  /** The columns as { name: values } (the frame's own arrays: do not modify them). */
  toColumns(): Record<string, Column> {
    return Object.fromEntries(this.data);
  }
  *[Symbol.iterator](): IterableIterator<Row> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }
  toJSON(): Row[] {
    return this.toRecords();
  }

  // ---- the row index ----

  /** The row labels (setIndex's column, else the positions 0 … n-1, pandas' RangeIndex). */
  get index(): Series {
    return new Series(this.rowIndex ?? Int32Array.from({ length: this.length }, (_, i) => i), this.indexName ?? "");
  }
  /**
   * Labels the rows by a column's values (pd.DataFrame.set_index), dropped from the columns unless
   * `drop: false`. Labels need not be unique; `loc` returns every row with a label.
   * @example df.setIndex("date").loc(new Date("2024-03-01"))
   */
  setIndex(column: string, opts: { drop?: boolean } = {}): DataFrame {
    checkOptions("setIndex", opts, ["drop"]);
    const values = this._column(column, "setIndex");
    const names = opts.drop === false ? this.columns : this.columns.filter((c) => c !== column);
    return DataFrame._of(names, names.map((n) => this.data.get(n)!), { values, name: column });
  }
  /**
   * The row labels back as the first column (named after the index, else "index"), and rows
   * labelled by position again; `drop: true` discards the labels (pd.DataFrame.reset_index).
   */
  resetIndex(opts: { drop?: boolean } = {}): DataFrame {
    checkOptions("resetIndex", opts, ["drop"]);
    if (opts.drop) return DataFrame._of(this.columns, [...this.data.values()]);
    const name = this.indexName ?? (this.has("index") ? "level_0" : "index");
    if (this.has(name)) throw new ArgumentError("resetIndex", `cannot insert "${name}": a column has that name; rename it or pass { drop: true }`);
    return DataFrame._of([name, ...this.columns], [this.index.values, ...this.data.values()]);
  }
  /** Rows sorted by their labels (stable; missing labels last), as pd.DataFrame.sort_index. */
  sortIndex(opts: { ascending?: boolean } = {}): DataFrame {
    checkOptions("sortIndex", opts, ["ascending"]);
    if (!this.rowIndex) return opts.ascending === false ? this.take(Array.from({ length: this.length }, (_, i) => this.length - 1 - i)) : this;
    const ix = this.rowIndex, dir = opts.ascending === false ? -1 : 1;
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => {
      const p = ix[a], q = ix[b], mp = isMissing(p), mq = isMissing(q);
      if (mp || mq) return mp === mq ? 0 : mp ? 1 : -1;
      return dir * compareCells(p, q);
    });
    return this.take(order);
  }
  /** Row positions with this label (several when labels repeat); an unknown label is an error. */
  private rowsOf(label: unknown): number[] {
    if (!this.rowIndex) {
      const i = typeof label === "number" && Number.isInteger(label) && label >= 0 && label < this.length ? label : -1;
      if (i < 0) throw new ArgumentError("loc", `no row labelled ${fmtLabel(label)}; rows are labelled 0 … ${this.length - 1} (setIndex sets labels)`);
      return [i];
    }
    if (!this.labelRows) {
      const m = new Map<unknown, number[]>();
      for (let i = 0; i < this.rowIndex.length; i++) {
        const k = keyOf(this.rowIndex[i]);
        const e = m.get(k);
        if (e) e.push(i); else m.set(k, [i]);
      }
      this.labelRows = m;
    }
    const rows = this.labelRows.get(keyOf(label));
    if (!rows) throw new ArgumentError("loc", `no row labelled ${fmtLabel(label)} in the index "${this.indexName ?? ""}"`);
    return rows;
  }
  /** Rows chosen by a mask (bool Series or array) or by a list of labels, in the order asked. */
  private pick(op: string, rows: readonly unknown[] | Series | ArrayLike<boolean>, byLabel: boolean): number[] {
    const vals = rows instanceof Series ? rows.values : rows;
    const mask = vals.length > 0 && Array.prototype.every.call(vals, (v: unknown) => typeof v === "boolean");
    if (mask || (rows instanceof Series && rows.dtype === "bool")) {
      if (vals.length !== this.length) throw new ShapeError(op, `mask has ${vals.length} entries for ${this.length} rows`);
      const out: number[] = [];
      for (let i = 0; i < vals.length; i++) if (vals[i]) out.push(i);
      return out;
    }
    const out: number[] = [];
    for (let j = 0; j < vals.length; j++) {
      if (byLabel) out.push(...this.rowsOf(vals[j]));
      else out.push(this.position(op, vals[j]));
    }
    return out;
  }
  private position(op: string, i: unknown): number {
    const k = typeof i === "number" && Number.isInteger(i) ? (i < 0 ? this.length + i : i) : NaN;
    if (!(k >= 0 && k < this.length)) throw new ArgumentError(op, `position ${String(i)} is out of range for ${this.length} rows`);
    return k;
  }
  /** The selected rows (and columns) as pandas' loc/iloc return them. */
  private located(op: string, rows: number[], columns: string | readonly string[] | undefined, single: boolean): unknown {
    if (single && typeof columns === "string") return this._column(columns, op)[rows[0]];
    if (single) return this.row(rows[0]);
    const sub = this.take(rows);
    if (typeof columns === "string") return new Series(sub._column(columns, op), columns);
    return columns === undefined ? sub : sub.select([...columns]);
  }
  /**
   * Rows by label (pandas' `df.loc`): one label gives the row as an object (an error if the label
   * repeats — use a list), a label and a column the cell; a list of labels or a bool mask gives a
   * DataFrame (with one column name, a Series). Without setIndex, labels are positions.
   * @example df.setIndex("name").loc("bob", "age"); df.loc(df.col("age").gt(30), ["name"])
   */
  loc(label: string | number | Date | boolean, column: string): unknown;
  loc(label: string | number | Date | boolean): Row;
  loc(labels: readonly unknown[] | Series | ArrayLike<boolean>, column: string): Series;
  loc(labels: readonly unknown[] | Series | ArrayLike<boolean>, columns?: readonly string[]): DataFrame;
  loc(sel: unknown, columns?: string | readonly string[]): unknown {
    if (sel instanceof Series || Array.isArray(sel) || ArrayBuffer.isView(sel)) return this.located("loc", this.pick("loc", sel as readonly unknown[], true), columns, false);
    const rows = this.rowsOf(sel);
    if (rows.length > 1) throw new ArgumentError("loc", `the label ${fmtLabel(sel)} labels ${rows.length} rows; pass [label] to get them as a DataFrame`);
    return this.located("loc", rows, columns, true);
  }
  /** Rows from label `start` through label `stop`, both included (pandas' `df.loc[start:stop]`). */
  locRange(start: unknown, stop: unknown, columns?: readonly string[]): DataFrame {
    const ix = this.rowIndex;
    const sorted = ix !== null && Array.prototype.every.call(ix, (v: unknown, i: number) => i === 0 || compareCells(ix[i - 1], v) <= 0);
    const ends = [start, stop].map((l, side) => {
      const r = this.rowsOf(l);
      // A repeated label bounds a range only in a sorted index (its first or last occurrence), as in pandas.
      if (r.length > 1 && !sorted) throw new ArgumentError("locRange", `the label ${fmtLabel(l)} labels ${r.length} rows of an unsorted index, so it cannot bound a range; sortIndex() first or use loc([labels])`);
      return side === 0 ? r[0] : r[r.length - 1];
    });
    const [a, b] = ends;
    const rows = b >= a ? Array.from({ length: b - a + 1 }, (_, k) => a + k) : [];
    return this.located("locRange", rows, columns, false) as DataFrame;
  }
  /**
   * Rows by position (pandas' `df.iloc`; negative from the end): one position gives the row, with a
   * column the cell; a list of positions or a bool mask a DataFrame (with one column, a Series).
   */
  iloc(position: number, column: string): unknown;
  iloc(position: number): Row;
  iloc(positions: readonly number[] | ArrayLike<boolean>, column: string): Series;
  iloc(positions: readonly number[] | ArrayLike<boolean>, columns?: readonly string[]): DataFrame;
  iloc(sel: unknown, columns?: string | readonly string[]): unknown {
    if (typeof sel === "number") return this.located("iloc", [this.position("iloc", sel)], columns, true);
    return this.located("iloc", this.pick("iloc", sel as readonly unknown[], false), columns, false);
  }

  // ---- rows ----

  /** The rows at these positions, in this order (pandas' `iloc[rows]`). */
  take(rows: ArrayLike<number>): DataFrame {
    return DataFrame._of(this.columns, [...this.data.values()].map((c) => take(c, rows)), this.rowIndex ? { values: take(this.rowIndex, rows), name: this.indexName } : null);
  }
  /** Rows start ≤ i < end (negative counts from the end). */
  slice(start = 0, end = this.length): DataFrame {
    const n = this.length;
    const s = Math.max(0, Math.min(n, start < 0 ? n + start : start)), e = Math.max(s, Math.min(n, end < 0 ? n + end : end));
    return DataFrame._of(this.columns, [...this.data.values()].map((c) => c.slice(s, e)), this.rowIndex ? { values: this.rowIndex.slice(s, e), name: this.indexName } : null);
  }
  /** The first n rows. */
  head(n = 5): DataFrame {
    return this.slice(0, Math.max(0, n));
  }
  /** The last n rows. */
  tail(n = 5): DataFrame {
    return this.slice(Math.max(0, this.length - n));
  }
  /**
   * The rows where the predicate holds: a function of the row (run by Arquero over lazy row
   * objects) or a boolean mask such as `df.col("x").gt(3)` (a bool Series or an array).
   * @example df.filter((r) => r.species === "setosa" && r.width > 1)
   */
  filter(pred: ((row: Row) => unknown) | ArrayLike<boolean> | Series): DataFrame {
    if (pred instanceof Series) pred = pred.values as ArrayLike<boolean>;
    if (typeof pred !== "function") {
      if (pred.length !== this.length) throw new ShapeError("filter", `mask has ${pred.length} entries for ${this.length} rows`);
      const rows: number[] = [];
      for (let i = 0; i < pred.length; i++) if (pred[i]) rows.push(i);
      return this.take(rows);
    }
    const rows = this.toArquero().filter(aq.escape((d: Row) => !!pred(d))).indices();
    return this.take(rows);
  }
  /**
   * Rows sorted by one or more columns (stable; missing values last, as pandas).
   * @example df.sortValues(["year", "sales"], { ascending: [true, false] })
   */
  sortValues(by: string | string[], opts: { ascending?: boolean | boolean[] } = {}): DataFrame {
    const keys = list(by).map((k) => this._column(k, "sortValues"));
    const asc = list(by).map((_, i) => (Array.isArray(opts.ascending) ? opts.ascending[i] ?? true : opts.ascending ?? true));
    const order = Array.from({ length: this.length }, (_, i) => i);
    if (keys.length === 1 && isNumericArray(keys[0])) {
      const x = keys[0], dir = asc[0] ? 1 : -1;
      order.sort((a, b) => {
        const p = x[a], q = x[b];
        if (p !== p || q !== q) return p !== p ? (q !== q ? 0 : 1) : -1;
        return dir * (p - q);
      });
    } else {
      order.sort((a, b) => {
        for (let k = 0; k < keys.length; k++) {
          const p = keys[k][a], q = keys[k][b];
          const mp = isMissing(p), mq = isMissing(q);
          if (mp || mq) { if (mp !== mq) return mp ? 1 : -1; continue; }
          const c = compareCells(p, q);
          if (c) return asc[k] ? c : -c;
        }
        return 0;
      });
    }
    return this.take(order);
  }
  /** Rows with no missing value (in `subset`), or with `how: "all"` rows not entirely missing. */
  dropna(opts: { subset?: string[]; how?: "any" | "all" } = {}): DataFrame {
    const cols = (opts.subset ?? this.columns).map((n) => this._column(n, "dropna"));
    const all = opts.how === "all";
    const rows: number[] = [];
    for (let i = 0; i < this.length; i++) {
      let missing = 0;
      for (const c of cols) if (isMissing(c[i])) missing++;
      if (all ? missing < cols.length || cols.length === 0 : missing === 0) rows.push(i);
    }
    return this.take(rows);
  }
  /** Rows with the same values in `subset` (default all columns) as an earlier row dropped. */
  dropDuplicates(subset?: string[]): DataFrame {
    const cols = (subset ?? this.columns).map((n) => this._column(n, "dropDuplicates"));
    const seen = new Set<string>(), rows: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const k = JSON.stringify(cols.map((c) => keyOf(c[i])));
      if (!seen.has(k)) { seen.add(k); rows.push(i); }
    }
    return this.take(rows);
  }

  // ---- columns ----

  /** These columns, in this order (pandas' `df[["a", "b"]]`). */
  select(names: string | string[]): DataFrame {
    const ns = list(names);
    return this.same(ns, ns.map((n) => this._column(n, "select")));
  }
  /** All but these columns. */
  drop(names: string | string[]): DataFrame {
    const ns = list(names);
    for (const n of ns) this._column(n, "drop");
    const keep = this.columns.filter((c) => !ns.includes(c));
    return this.select(keep);
  }
  /** Columns renamed by { old: new }. */
  rename(mapping: Record<string, string>): DataFrame {
    for (const n of Object.keys(mapping)) this._column(n, "rename");
    const names = this.columns.map((c) => mapping[c] ?? c);
    return this.same(names, [...this.data.values()]);
  }
  /**
   * New or replaced columns: arrays, Series, a constant, or a function of the row (derived by Arquero).
   * @example df.assign({ total: (r) => r.price * r.qty, source: "shop" })
   */
  assign(spec: Record<string, ColumnInput | ((row: Row) => unknown) | number | string | boolean | Date | null>): DataFrame {
    const names = this.columns, cols = [...this.data.values()];
    let table: ColumnTable | null = null;
    for (const [name, v] of Object.entries(spec)) {
      let col: Column;
      if (typeof v === "function") {
        table ??= this.toArquero();
        col = toColumn(table.derive({ [name]: aq.escape((d: Row) => v(d)) }).array(name) as ArrayLike<unknown>);
      } else if (v instanceof Series || (typeof v === "object" && v !== null && !(v instanceof Date) && "length" in v)) {
        col = v instanceof Series ? v.values : toColumn(v as ArrayLike<unknown>);
        if (col.length !== this.length) throw new ShapeError("assign", `column "${name}" has ${col.length} values for ${this.length} rows`);
      } else col = constant(v, this.length);
      const j = names.indexOf(name);
      if (j >= 0) cols[j] = col;
      else { names.push(name); cols.push(col); }
    }
    return this.same(names, cols);
  }
  /** Missing values replaced: one value for all columns, or { column: value }. */
  fillna(value: unknown | Record<string, unknown>): DataFrame {
    const per = typeof value === "object" && value !== null && !(value instanceof Date) ? (value as Record<string, unknown>) : null;
    const cols = this.columns.map((n) => {
      const c = this.data.get(n)!;
      const v = per ? per[n] : value;
      if (v === undefined || !Array.from(c as ArrayLike<unknown>).some(isMissing)) return c;
      return toColumn(Array.from(c as ArrayLike<unknown>, (x) => (isMissing(x) ? v : x)));
    });
    return this.same(this.columns, cols);
  }
  /** Missing values replaced by the last value before them (pandas' ffill). */
  ffill(): DataFrame {
    return this.fillDirection(1);
  }
  /** Missing values replaced by the next value after them (pandas' bfill). */
  bfill(): DataFrame {
    return this.fillDirection(-1);
  }
  private fillDirection(dir: 1 | -1): DataFrame {
    const cols = [...this.data.values()].map((c) => {
      const out = Array.from(c as ArrayLike<unknown>);
      let last: unknown = null;
      for (let k = 0; k < out.length; k++) {
        const i = dir === 1 ? k : out.length - 1 - k;
        if (isMissing(out[i])) out[i] = last;
        else last = out[i];
      }
      return toColumn(out);
    });
    return this.same(this.columns, cols);
  }

  // ---- summaries ----

  /** A bool frame: true where a value is missing (`df.isna().sum()` counts them per column). */
  isna(): DataFrame {
    return this.same(this.columns, this.columns.map((n) => this.col(n).isna().values));
  }
  /** A bool frame: true where a value is present. */
  notna(): DataFrame {
    return this.same(this.columns, this.columns.map((n) => this.col(n).notna().values));
  }
  /**
   * The sum of each numeric column (bool counts as 0/1, missing values skipped), as
   * { column: sum }; text and date columns are left out, as pandas' numeric_only=True.
   */
  sum(): Record<string, number> {
    // fromEntries defines own properties, so a column named "__proto__" is a key like any other
    return Object.fromEntries(this.columns.filter((n) => isNumericDType(dtypeOf(this.data.get(n)!))).map((n) => [n, this.col(n).sum()]));
  }

  /**
   * Pairwise correlation of the numeric (and bool) columns (pd.DataFrame.corr), over the rows
   * where both values are present: a square frame with one column per numeric column and its
   * rows in the same order.
   */
  corr(method: "pearson" | "spearman" | "kendall" = "pearson"): DataFrame {
    if (!["pearson", "spearman", "kendall"].includes(method)) throw new ArgumentError("corr", `method must be pearson, spearman or kendall, got "${String(method)}"`);
    const names = this.columns.filter((n) => isNumericDType(dtypeOf(this.data.get(n)!)));
    const series = names.map((n) => this.col(n));
    const m = names.map(() => new Float64Array(names.length));
    for (let a = 0; a < names.length; a++) {
      for (let b = a; b < names.length; b++) {
        const r = a === b ? (series[a].count() > 1 ? 1 : NaN) : series[a].corr(series[b], method);
        m[a][b] = m[b][a] = r;
      }
    }
    return DataFrame._of(names, m);
  }
  /**
   * The `n` rows with the largest values of `columns` (pd.DataFrame.nlargest), in descending
   * order; missing values are never chosen. `keep`: which of tied rows win — "first" (default),
   * "last", or "all" (every row tied with the n-th, so possibly more than n).
   */
  nlargest(n: number, columns: string | string[], opts: { keep?: "first" | "last" | "all" } = {}): DataFrame {
    return this.nExtreme("nlargest", n, columns, opts.keep ?? "first", false);
  }
  /** The `n` rows with the smallest values of `columns`, in ascending order (pd.DataFrame.nsmallest). */
  nsmallest(n: number, columns: string | string[], opts: { keep?: "first" | "last" | "all" } = {}): DataFrame {
    return this.nExtreme("nsmallest", n, columns, opts.keep ?? "first", true);
  }
  private nExtreme(op: string, n: number, columns: string | string[], keep: string, ascending: boolean): DataFrame {
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(op, `n must be a non-negative integer, got ${n}`);
    if (!["first", "last", "all"].includes(keep)) throw new ArgumentError(op, `keep must be "first", "last" or "all", got "${keep}"`);
    const keys = list(columns).map((c) => {
      const col = this._column(c, op);
      if (!isNumericDType(dtypeOf(col))) throw new ArgumentError(op, `column "${c}" holds ${dtypeOf(col)}; ${op} needs numbers`);
      return asNumbers(op, c, col);
    });
    const dir = ascending ? 1 : -1;
    const rows = Array.from({ length: this.length }, (_, i) => i).filter((i) => keys[0][i] === keys[0][i]);
    const cmp = (a: number, b: number) => {
      for (const k of keys) {
        const p = k[a], q = k[b];
        if (p !== q) return p !== p ? 1 : q !== q ? -1 : dir * (p - q);
      }
      return keep === "last" ? b - a : a - b;
    };
    rows.sort(cmp);
    let end = Math.min(n, rows.length);
    if (keep === "all" && end > 0) {
      const last = rows[end - 1];
      while (end < rows.length && keys.every((k) => k[rows[end]] === k[last])) end++;
    }
    return this.take(rows.slice(0, end));
  }
  /**
   * Random rows (pd.DataFrame.sample): `n` of them or a fraction `frac`, without replacement
   * unless `replace`; `seed` makes the draw repeatable (else the global generator, ds.seed).
   */
  sample(opts: { n?: number; frac?: number; replace?: boolean; seed?: number } = {}): DataFrame {
    checkOptions("sample", opts, ["n", "frac", "replace", "seed"]);
    const { replace = false } = opts;
    if (opts.n !== undefined && opts.frac !== undefined) throw new ArgumentError("sample", "pass n or frac, not both");
    const n = opts.frac !== undefined ? Math.round(opts.frac * this.length) : opts.n ?? 1;
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError("sample", `the number of rows must be a non-negative integer, got ${n}`);
    if (!replace && n > this.length) throw new ArgumentError("sample", `cannot take ${n} rows from ${this.length} without replacement; pass replace: true`);
    const rng = opts.seed !== undefined ? new PCG32(opts.seed) : globalRng;
    let rows: number[];
    if (replace) rows = Array.from({ length: n }, () => rng.nextInt(0, this.length));
    else {
      // A partial Fisher–Yates shuffle: the first n positions of a random permutation.
      const perm = Array.from({ length: this.length }, (_, i) => i);
      for (let i = 0; i < n; i++) {
        const j = rng.nextInt(i, this.length);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      rows = perm.slice(0, n);
    }
    return this.take(rows);
  }
  /** One row per element of each list in `column` (pd.DataFrame.explode). */
  explode(column: string): DataFrame {
    return explode(this, column);
  }
  /**
   * A summary as pandas' `df.info()` prints it: rows, each column's non-missing count and dtype,
   * the dtype counts and the memory the columns hold. Returns the text (print it with console.log).
   */
  info(): string {
    return formatInfo(this.columns, this.columns.map((n) => this.data.get(n)!), this.length);
  }
  /**
   * count, mean, std, min, quartiles and max of each numeric column (pandas' describe), as a frame
   * whose first column "stat" names the rows.
   */
  describe(opts: { percentiles?: number[] } = {}): DataFrame {
    const ps = opts.percentiles ?? [0.25, 0.5, 0.75];
    const names = this.columns.filter((n) => { const d = dtypeOf(this.data.get(n)!); return isNumericDType(d) && d !== "bool"; });
    if (!names.length) throw new ArgumentError("describe", "no numeric columns to describe");
    const pct = ps.map((p) => `${+(p * 100).toFixed(4)}%`);
    const stats = ["count", "mean", "std", "min", ...pct, "max"];
    const cols = names.map((n) => {
      const s = new Series(this.data.get(n)!, n);
      const v = Array.from(s.numbers()).filter((x) => x === x).sort((a, b) => a - b);
      return Float64Array.from([v.length, s.mean(), s.std(), v.length ? v[0] : NaN, ...ps.map((p) => quantileSorted(v, p)), v.length ? v[v.length - 1] : NaN]);
    });
    return DataFrame._of(["stat", ...names], [stats, ...cols]);
  }
  /** How often each combination of values in `columns` (default all) occurs, most frequent first. */
  valueCounts(columns?: string | string[], opts: { normalize?: boolean; dropna?: boolean; ascending?: boolean } = {}): DataFrame {
    const names = columns === undefined ? this.columns : list(columns);
    if (names.length === 1) return this.col(names[0]).valueCounts(opts);
    const g = this.groupBy(names, { dropna: opts.dropna ?? true, sort: false });
    const counts = g.size();
    const col = counts._column("size");
    const total = (col as Int32Array).reduce((a, b) => a + b, 0);
    const order = Array.from({ length: counts.length }, (_, i) => i).sort((a, b) => (opts.ascending ? 1 : -1) * (col[a] as number - (col[b] as number)));
    const out = counts.take(order);
    return opts.normalize
      ? out.drop("size").assign({ proportion: Float64Array.from(out._column("size") as Int32Array, (c) => c / total) })
      : out.rename({ size: "count" });
  }

  // ---- groups, joins, reshaping ----

  /**
   * Groups by the values of one or more columns; missing keys are dropped and groups come out
   * sorted by key, as pandas. Keys become ordinary columns of the result.
   * @example df.groupBy("species").mean(); df.groupBy(["a", "b"]).agg({ x: "sum", y: ["min", "max"] })
   */
  groupBy(keys: string | string[], opts: { dropna?: boolean; sort?: boolean } = {}): GroupBy {
    return new GroupBy(this, list(keys), opts.dropna ?? true, opts.sort ?? true);
  }
  /**
   * Database-style join on key columns, as pd.merge: inner and left keep the left rows' order,
   * right the right's, outer sorts by key. Missing keys match each other, as in pandas.
   * @example orders.merge(customers, { on: "customerId", how: "left" })
   */
  merge(right: DataFrame, opts: MergeOptions = {}): DataFrame {
    return merge(this, right, opts);
  }
  /**
   * Reshapes long to wide (pd.pivot): one row per `index` value, one column per `columns` value,
   * cells from `values`. Duplicate (index, columns) pairs are an error: use pivotTable.
   */
  pivot(opts: { index: string; columns: string; values: string }): DataFrame {
    return pivot(this, opts);
  }
  /** pd.pivot_table: like pivot, aggregating duplicates with `aggfunc` (default "mean"); empty cells get `fillValue`. */
  pivotTable(opts: { index: string; columns: string; values: string; aggfunc?: AggFn; fillValue?: unknown }): DataFrame {
    return pivotTable(this, opts);
  }
  /** Wide to long (pd.melt): `idVars` kept, every other column becomes (variable, value) rows. */
  melt(opts: { idVars?: string[]; valueVars?: string[]; varName?: string; valueName?: string } = {}): DataFrame {
    return melt(this, opts);
  }
  /** One 0/1 column per category of each text column (pd.get_dummies), named `column_value`. */
  getDummies(columns?: string[]): DataFrame {
    return getDummies(this, columns);
  }

  // ---- time series ----

  /**
   * Rolling-window statistics of the numeric columns (pandas' df.rolling(window)); the first
   * window-1 rows are NaN unless `minPeriods` is smaller.
   * @example df.rolling(7).mean()
   */
  rolling(window: number, opts: RollingOptions & { on?: string } = {}): FrameRolling {
    return new FrameRolling(this, window, opts);
  }
  /**
   * Groups rows into time bins of a date column (pandas' resample): "15min", "h", "D", "W", "M", "Q", "Y"…
   * Empty bins are kept. @example df.resample("D", { on: "time" }).mean()
   */
  resample(rule: string, opts: { on?: string } = {}): Resampler {
    const on = opts.on ?? this.columns.find((c) => dtypeOf(this.data.get(c)!) === "datetime");
    if (on === undefined) throw new ArgumentError("resample", "no date column; pass { on: column } naming a column of dates");
    return new Resampler(this, on, rule);
  }

  // ---- conversions ----

  /**
   * The numeric columns as a tensor: `[rows, columns]` for a list, `[rows]` for one name
   * (default: every column). bool gives 0/1, dates milliseconds; missing values stay NaN.
   * @example const x = df.toTensor(["sepalLength", "sepalWidth"]); const y = df.toTensor("label", { dtype: "int32" })
   */
  toTensor(columns?: string | string[], opts: { dtype?: DType } = {}): Tensor {
    const dtype = opts.dtype ?? "float32";
    if (typeof columns === "string") return this.col(columns).toTensor(dtype);
    const names = columns ?? this.columns;
    const cols = names.map((n) => asNumbers("toTensor", n, this._column(n, "toTensor")));
    const n = this.length, k = cols.length;
    const flat = new Float64Array(n * k);
    for (let j = 0; j < k; j++) {
      const c = cols[j];
      for (let i = 0; i < n; i++) flat[i * k + j] = c[i];
    }
    if (dtype === "int32" || dtype === "bool") {
      for (let i = 0; i < flat.length; i++) if (!Number.isInteger(flat[i])) throw new ArgumentError("toTensor", `${dtype} needs whole numbers; column "${names[i % k]}" row ${Math.floor(i / k)} holds ${flat[i]}`);
    }
    return ds.tensor(flat, { dtype }).reshape([n, k]);
  }
  /**
   * A frame from a 1-D or 2-D tensor (or anything with shape and dataSync), one column per
   * tensor column. @example DataFrame.fromTensor(x, ["a", "b"])
   */
  static fromTensor(t: Tensor, columns?: string[]): DataFrame {
    if (t.ndim !== 1 && t.ndim !== 2) throw new ShapeError("fromTensor", `expected a 1-D or 2-D tensor, got shape [${t.shape.join(",")}]`);
    const [n, k] = t.ndim === 1 ? [t.shape[0], 1] : [t.shape[0], t.shape[1]];
    const names = columns ?? Array.from({ length: k }, (_, j) => String(j));
    if (names.length !== k) throw new ArgumentError("fromTensor", `${names.length} column names for ${k} columns`);
    const flat = t.dataSync();
    const cols = names.map((_, j): Column => {
      if (t.dtype === "bool") return Array.from({ length: n }, (_, i) => flat[i * k + j] !== 0);
      const Ctor = flat.constructor as Float64ArrayConstructor;
      const c = new Ctor(n);
      for (let i = 0; i < n; i++) c[i] = flat[i * k + j];
      return c;
    });
    return DataFrame._of(names, cols);
  }
  /** An Arquero table over the same columns (no copy), for Arquero's own verbs. */
  toArquero(): ColumnTable {
    return aq.table(Object.fromEntries(this.data) as Record<string, unknown[]>);
  }
  /** A frame from an Arquero table (its filter and order applied). */
  static fromArquero(t: ColumnTable): DataFrame {
    const names = t.columnNames();
    return DataFrame._of(names, names.map((n) => toColumn(t.array(n) as ArrayLike<unknown>)));
  }
  /**
   * CSV text (no index column, missing values empty, dates ISO); also written to `path` when given
   * (atomically, creating its folder: see writeAtomic in core/atomic.ts).
   */
  toCsv(path?: string, opts: ToCsvOptions = {}): string {
    // Row labels set by setIndex are written as the first column, as pandas writes its index.
    if (this.rowIndex) return DataFrame._of([this.indexName ?? "", ...this.columns], [this.rowIndex, ...this.data.values()]).toCsv(path, opts);
    const d = opts.delimiter ?? ",", na = opts.naRep ?? "", eol = opts.lineTerminator ?? "\n";
    const cols = [...this.data.values()];
    const times = cols.map((c) => !isNumericArray(c) && hasTimeOfDay(c));
    const lines: string[] = [];
    if (opts.header !== false) lines.push(this.columns.map((c) => csvCell(c, d, na)).join(d));
    for (let i = 0; i < this.length; i++) {
      let line = "";
      for (let j = 0; j < cols.length; j++) line += (j ? d : "") + csvCell(cols[j][i], d, na, times[j]);
      lines.push(line);
    }
    const text = lines.join(eol) + eol;
    if (path !== undefined) writeAtomic("toCsv", path, text, { mkdirs: true });
    return text;
  }
  /** The frame as an Arrow table (numeric columns share memory when nothing is missing). */
  toArrow(): Promise<import("apache-arrow").Table> {
    return import("./columnar.js").then((m) => m.toArrow(this));
  }
  /** The frame as a Parquet file's bytes (snappy), written atomically to `path` if given (pandas' to_parquet). */
  toParquet(path?: string): Promise<Uint8Array> {
    return import("./columnar.js").then((m) => m.toParquet(this, path));
  }
  /** The frame as Arrow IPC bytes ("file" or "stream" format), written atomically to `path` if given (pandas' to_feather). */
  toArrowIPC(path?: string, opts: { format?: "file" | "stream" } = {}): Promise<Uint8Array> {
    return import("./columnar.js").then((m) => m.toArrowIPC(this, path, opts));
  }
  /** pandas-style text; long frames show their first and last five rows. */
  toString(opts: { maxRows?: number } = {}): string {
    return formatFrame(this.columns, [...this.data.values()], this.length, { ...opts, index: this.rowIndex ? { values: this.rowIndex, name: this.indexName ?? "" } : undefined });
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}


export type { AggFn, AggName };
export { GroupBy, FrameRolling, Resampler };
export type { MergeOptions, MergeHow } from "./merge.js";
export { concat } from "./reshape.js";
