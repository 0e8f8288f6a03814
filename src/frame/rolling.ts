// df.rolling(window): rolling-window statistics of a frame's numeric columns (the kernels are window.ts').
import { type Column, asNumbers, dtypeOf, isNumericDType } from "./column.js";
import { type RollingAgg, type RollingOptions, checkWindow, rollingStat } from "./window.js";
import { DataFrame } from "./frame.js";

/** `df.rolling(window)`: each statistic gives a frame of the numeric columns (and the `on` column, kept as is). */
export class FrameRolling {
  constructor(private readonly df: DataFrame, private readonly window: number, private readonly opts: RollingOptions & { on?: string }) {
    checkWindow(window, opts);
  }
  private run(agg: RollingAgg | ((v: number[]) => number)): DataFrame {
    const names: string[] = [], cols: Column[] = [];
    for (const n of this.df.columns) {
      const c = this.df._column(n);
      if (n === this.opts.on) { names.push(n); cols.push(c); continue; }
      const d = dtypeOf(c);
      if (!isNumericDType(d)) continue;
      names.push(n);
      cols.push(rollingStat(asNumbers("rolling", n, c), this.window, agg, this.opts));
    }
    return DataFrame._of(names, cols);
  }
  mean(): DataFrame { return this.run("mean"); }
  sum(): DataFrame { return this.run("sum"); }
  min(): DataFrame { return this.run("min"); }
  max(): DataFrame { return this.run("max"); }
  std(): DataFrame { return this.run("std"); }
  var(): DataFrame { return this.run("var"); }
  median(): DataFrame { return this.run("median"); }
  count(): DataFrame { return this.run("count"); }
  /** Any function of a window's non-missing values. */
  apply(fn: (values: number[]) => number): DataFrame { return this.run(fn); }
}
