// df.rolling(window): rolling-window statistics of a frame's numeric columns (the kernels are window.ts').
import { type Column, asNumbers, dtypeOf, isNumericDType } from "./column.js";
import { type RollingAgg, type RollingOptions, WindowStats, checkWindow, rollingStat } from "./window.js";
import { DataFrame } from "./frame.js";

/** `df.rolling(window)`: each statistic gives a frame of the numeric columns (and the `on` column, kept as is). */
export class FrameRolling extends WindowStats<DataFrame> {
  constructor(private readonly df: DataFrame, private readonly window: number, private readonly opts: RollingOptions & { on?: string }) {
    super();
    checkWindow(window, opts);
  }
  stat(agg: RollingAgg | ((v: number[]) => number)): DataFrame {
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
}
