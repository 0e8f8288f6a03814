// df.resample(rule, { on }): aggregations per time bin of a date column (the bins are window.ts').
import { ArgumentError } from "../core/errors.js";
import { type Column, asNumbers, dtypeOf, isNumericDType } from "./column.js";
import { type AggFn, type Groups, NUMERIC_ONLY, aggregate } from "./aggregate.js";
import { parseRule, resampleBins } from "./window.js";
import { DataFrame } from "./frame.js";

/** `df.resample(rule, { on })`: aggregations per time bin; the bin labels form the `on` column. */
export class Resampler {
  constructor(private readonly df: DataFrame, private readonly on: string, private readonly rule: string) {
    if (dtypeOf(df._column(on, "resample")) !== "datetime") throw new ArgumentError("resample", `column "${on}" holds ${dtypeOf(df._column(on))}, not dates`);
    parseRule(rule);
  }
  /** One aggregation for every other column, or { column: aggregation }. */
  agg(spec: AggFn | Record<string, AggFn>): DataFrame {
    const times = asNumbers("resample", this.on, this.df._column(this.on));
    const { ids, labels } = resampleBins(times, this.rule);
    const g: Groups = { ids, count: labels.length };
    const names = [this.on], cols: Column[] = [labels];
    const entries: [string, AggFn][] = typeof spec === "object"
      ? Object.entries(spec)
      : this.df.columns.filter((c) => c !== this.on && (!NUMERIC_ONLY.has(spec) || isNumericDType(dtypeOf(this.df._column(c))))).map((c) => [c, spec]);
    for (const [c, f] of entries) {
      names.push(c);
      cols.push(aggregate(this.df._column(c, "resample"), g, f, c));
    }
    return DataFrame._of(names, cols);
  }
  mean(): DataFrame { return this.agg("mean"); }
  sum(): DataFrame { return this.agg("sum"); }
  min(): DataFrame { return this.agg("min"); }
  max(): DataFrame { return this.agg("max"); }
  median(): DataFrame { return this.agg("median"); }
  std(): DataFrame { return this.agg("std"); }
  count(): DataFrame { return this.agg("count"); }
  first(): DataFrame { return this.agg("first"); }
  last(): DataFrame { return this.agg("last"); }
  /** Rows per bin, as column "size". */
  size(): DataFrame {
    const { ids, labels } = resampleBins(asNumbers("resample", this.on, this.df._column(this.on)), this.rule);
    return DataFrame._of([this.on, "size"], [labels, aggregate(new Int32Array(ids.length), { ids, count: labels.length }, "size", "size")]);
  }
}
