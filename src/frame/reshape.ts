// Reshaping frames: pivot / pivot_table (long → wide), melt (wide → long), get_dummies, concat.
import { ArgumentError } from "../core/errors.js";
import { checkOptions } from "../core/options.js";
import { type Column, dtypeOf, isMissing, take, toColumn } from "./column.js";
import { type AggFn, compareCells } from "./aggregate.js";
import { type ColumnInput, DataFrame } from "./frame.js";
import { GroupBy } from "./groupby.js";
import { keyOf, label } from "./labels.js";
import { Series } from "./series.js";

/**
 * Reshapes long to wide (pd.pivot): one row per `index` value, one column per `columns` value,
 * cells from `values`. Duplicate (index, columns) pairs are an error: use pivotTable.
 */
export function pivot(df: DataFrame, opts: { index: string; columns: string; values: string }): DataFrame {
  return pivotTable(df, { ...opts, aggfunc: (v) => {
    if (v.length > 1) throw new ArgumentError("pivot", `index "${opts.index}" and columns "${opts.columns}" have duplicate entries; use pivotTable with an aggfunc`);
    return v[0];
  } });
}
/** pd.pivot_table: like pivot, aggregating duplicates with `aggfunc` (default "mean"); empty cells get `fillValue`. */
export function pivotTable(df: DataFrame, opts: { index: string; columns: string; values: string; aggfunc?: AggFn; fillValue?: unknown }): DataFrame {
  const g = new GroupBy(df, [opts.index, opts.columns], true, true);
  const agg = g.agg({ [opts.values]: opts.aggfunc ?? "mean" });
  const idx = agg._column(opts.index), colv = agg._column(opts.columns), val = agg._column(opts.values);
  const rowKeys = new Series(idx).dropna().unique().sort(compareCells), colKeys = new Series(colv).dropna().unique().sort(compareCells);
  const rpos = new Map(rowKeys.map((k, i) => [keyOf(k), i])), cpos = new Map(colKeys.map((k, i) => [keyOf(k), i]));
  const grid = colKeys.map(() => new Array<unknown>(rowKeys.length).fill(opts.fillValue ?? null));
  for (let i = 0; i < agg.length; i++) grid[cpos.get(keyOf(colv[i]))!][rpos.get(keyOf(idx[i]))!] = val[i];
  const colNames = colKeys.map(label);
  return DataFrame._of([opts.index, ...colNames], [toColumn(rowKeys), ...grid.map(toColumn)]);
}
/** Wide to long (pd.melt): `idVars` kept, every other column becomes (variable, value) rows. */
export function melt(df: DataFrame, opts: { idVars?: string[]; valueVars?: string[]; varName?: string; valueName?: string } = {}): DataFrame {
  const ids = opts.idVars ?? [];
  const vars = opts.valueVars ?? df.columns.filter((c) => !ids.includes(c));
  const rows = Array.from({ length: vars.length * df.length }, (_, k) => k % df.length);
  const out: Record<string, ColumnInput> = {};
  for (const id of ids) out[id] = take(df._column(id, "melt"), rows);
  out[opts.varName ?? "variable"] = vars.flatMap((v) => new Array<string>(df.length).fill(v));
  out[opts.valueName ?? "value"] = vars.flatMap((v) => Array.from(df._column(v, "melt") as ArrayLike<unknown>));
  return new DataFrame(out);
}
/** One 0/1 column per category of each text column (pd.get_dummies), named `column_value`. */
export function getDummies(df: DataFrame, columns?: string[]): DataFrame {
  const targets = columns ?? df.columns.filter((c) => ["string", "object"].includes(dtypeOf(df._column(c))));
  const names: string[] = [], cols: Column[] = [];
  for (const c of df.columns) {
    const col = df._column(c);
    if (!targets.includes(c)) { names.push(c); cols.push(col); continue; }
    for (const v of new Series(col).dropna().unique().sort(compareCells)) {
      names.push(`${c}_${label(v)}`);
      const k = keyOf(v);
      cols.push(Int32Array.from(col as ArrayLike<unknown>, (x) => (keyOf(x) === k ? 1 : 0)));
    }
  }
  return DataFrame._of(names, cols);
}

/** Rows stacked (pd.concat): columns are the union, missing cells where a frame lacks one. */
export function concat(frames: readonly DataFrame[]): DataFrame {
  const names = [...new Set(frames.flatMap((f) => f.columns))];
  const cols = names.map((n) => toColumn(frames.flatMap((f) => (f.has(n) ? Array.from(f._column(n) as ArrayLike<unknown>) : new Array<unknown>(f.length).fill(null)))));
  return DataFrame._of(names, cols);
}

/**
 * One row per element of each list in `column` (pd.explode): other columns repeat; an empty list
 * or a missing cell gives one row with a missing value.
 * @example df.explode("tags")
 */
export function explode(df: DataFrame, column: string): DataFrame {
  const c = df._column(column, "explode");
  const rows: number[] = [], cells: unknown[] = [];
  for (let i = 0; i < df.length; i++) {
    const v = c[i];
    if (Array.isArray(v) && v.length) for (const x of v) { rows.push(i); cells.push(x); }
    else { rows.push(i); cells.push(Array.isArray(v) || v === undefined ? null : v); }
  }
  const names = df.columns;
  return DataFrame._of(names, names.map((n) => (n === column ? toColumn(cells) : take(df._column(n), rows))));
}

/**
 * Counts of each (index value, column value) pair (pd.crosstab): a row per `index` value, a
 * column per `columns` value (pairs with a missing value are left out). `margins` adds row and
 * column totals named "All"; `normalize` divides by the grand total (true/"all"), each row's total
 * ("index") or each column's ("columns").
 * @example frame.crosstab(df.col("sex"), df.col("survived"), { margins: true })
 */
export function crosstab(index: Series, columns: Series, opts: { margins?: boolean; marginsName?: string; normalize?: boolean | "all" | "index" | "columns" } = {}): DataFrame {
  checkOptions("crosstab", opts, ["margins", "marginsName", "normalize"]);
  if (!(index instanceof Series) || !(columns instanceof Series)) throw new ArgumentError("crosstab", "index and columns must be Series (df.col(name))");
  if (index.length !== columns.length) throw new ArgumentError("crosstab", `index has ${index.length} rows, columns ${columns.length}`);
  const { margins = false, marginsName = "All", normalize = false } = opts;
  if (![false, true, "all", "index", "columns"].includes(normalize as never)) throw new ArgumentError("crosstab", `normalize must be false, true, "all", "index" or "columns", got ${String(normalize)}`);
  const rowKeys = index.dropna().unique().sort(compareCells), colKeys = columns.dropna().unique().sort(compareCells);
  const rpos = new Map(rowKeys.map((k, i) => [keyOf(k), i])), cpos = new Map(colKeys.map((k, i) => [keyOf(k), i]));
  const counts = colKeys.map(() => new Float64Array(rowKeys.length));
  for (let i = 0; i < index.length; i++) {
    const r = rpos.get(keyOf(index.values[i])), c = cpos.get(keyOf(columns.values[i]));
    if (r !== undefined && c !== undefined && !isMissing(index.values[i]) && !isMissing(columns.values[i])) counts[c][r]++;
  }
  const rowTot = rowKeys.map((_, r) => counts.reduce((s, col) => s + col[r], 0));
  const colTot = counts.map((col) => col.reduce((s, v) => s + v, 0));
  const total = colTot.reduce((s, v) => s + v, 0);
  let cols: Float64Array[] = counts.map((col) => col.slice());
  let rowLabels: unknown[] = [...rowKeys];
  if (margins) {
    cols = cols.map((col, c) => Float64Array.from([...col, colTot[c]]));
    cols.push(Float64Array.from([...rowTot, total]));
    rowLabels = [...rowKeys, marginsName];
  }
  if (normalize !== false) {
    const nr = rowLabels.length;
    cols = cols.map((col, c) => col.map((v, r) => {
      const rowSum = r < rowKeys.length ? rowTot[r] : total, colSum = c < colKeys.length ? colTot[c] : total;
      return normalize === "index" ? v / rowSum : normalize === "columns" ? v / colSum : v / total;
    }).slice(0, nr));
  }
  const names = [index.name || "row_0", ...colKeys.map(label), ...(margins ? [marginsName] : [])];
  const out: Column[] = [toColumn(rowLabels), ...cols.map((c) => (normalize === false ? Int32Array.from(c) : c))];
  return DataFrame._of(names, out);
}
