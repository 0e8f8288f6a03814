// df.groupBy(keys): split rows into groups by key columns, aggregate each group.
import * as aq from "arquero";
import { type Column, dtypeOf, isMissing, isNumericDType, take } from "./column.js";
import { type AggFn, type Groups, NUMERIC_ONLY, aggregate, compareCells } from "./aggregate.js";
import { DataFrame } from "./frame.js";

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
   * y_max), or one aggregation for every non-key column.
   */
  agg(spec: AggFn | Record<string, AggFn | AggFn[]>): DataFrame {
    const g = this.compute();
    const names = [...this.keys], cols: Column[] = [...g.keyCols];
    const entries: [string, AggFn[], boolean][] = typeof spec === "object"
      ? Object.entries(spec).map(([c, f]) => [c, Array.isArray(f) ? f : [f], Array.isArray(f)])
      : this.df.columns.filter((c) => !this.keys.includes(c)).filter((c) => !NUMERIC_ONLY.has(spec) || isNumericDType(dtypeOf(this.df._column(c)))).map((c) => [c, [spec], false]);
    for (const [c, fns, many] of entries) {
      const col = this.df._column(c, "agg");
      for (const f of fns) {
        names.push(many ? `${c}_${typeof f === "string" ? f : f.name || "fn"}` : c);
        cols.push(aggregate(col, g, f, c));
      }
    }
    return DataFrame._of(names, cols);
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
