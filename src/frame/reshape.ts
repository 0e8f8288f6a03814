// Reshaping frames: pivot / pivot_table (long → wide), melt (wide → long), get_dummies, concat.
import { ArgumentError } from "../core/errors.js";
import { type Column, dtypeOf, take, toColumn } from "./column.js";
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
