// SimpleImputer: fills missing values (NaN or a marker number) with each column's mean, median, mode or a constant.
import type { Tensor } from "../../tensor/index.js";
import { ArgumentError } from "../../core/errors.js";
import { BaseEstimator, checkChoice, matrixTensor, vectorTensor, type Matrix, type MatrixInput } from "../base.js";

export type ImputeStrategy = "mean" | "median" | "most_frequent" | "constant";

export interface SimpleImputerParams {
  /** The value that marks a missing entry (default NaN). */
  missingValues: number;
  /** What fills a column's gaps: "mean" (default), "median", "most_frequent" (smallest on ties) or "constant". */
  strategy: ImputeStrategy;
  /** The filler for strategy "constant" (default 0). */
  fillValue: number | null;
  /** Keep columns that are entirely missing (filled with 0) instead of dropping them (default false). */
  keepEmptyFeatures: boolean;
}

/**
 * Replaces missing values column by column, as scikit-learn's SimpleImputer on numbers: columns
 * with no observed value are dropped from the output (strategies other than "constant") unless
 * `keepEmptyFeatures`.
 * @example const Xf = new ml.SimpleImputer({ strategy: "median" }).fitTransform([[1, NaN], [3, 4], [NaN, 8]]); // [[1, 6], [3, 4], [2, 8]]
 */
export class SimpleImputer extends BaseEstimator<SimpleImputerParams> {
  private stats: Float64Array = new Float64Array(0);

  constructor(opts: Partial<SimpleImputerParams> = {}) {
    super({ missingValues: NaN, strategy: "mean", fillValue: null, keepEmptyFeatures: false }, opts);
  }

  /** The filler of each column (NaN for an all-missing column that is dropped), float64 [nFeatures]. */
  get statistics_(): Tensor {
    this.checkFitted("statistics_");
    return vectorTensor(this.stats.slice());
  }

  /** Learns each column's filler from its observed (non-missing) values; `y` is ignored. */
  fit(X: MatrixInput, _y?: unknown): this {
    const op = this.name("fit");
    const strategy = checkChoice(op, "strategy", this.params.strategy, ["mean", "median", "most_frequent", "constant"] as const);
    const mv = this.params.missingValues;
    if (typeof mv !== "number") throw new ArgumentError(op, `missingValues must be a number (NaN by default), got ${JSON.stringify(mv)}`);
    const m = this.fitMatrix(X, { allowNaN: true });
    const empty = this.params.keepEmptyFeatures ? 0 : NaN;
    this.stats = Float64Array.from({ length: m.cols }, (_, j) => {
      if (strategy === "constant") return this.params.fillValue ?? 0;
      const seen = observed(m, j, mv);
      if (seen.length === 0) return empty;
      if (strategy === "mean") return seen.reduce((a, b) => a + b, 0) / seen.length;
      seen.sort((a, b) => a - b);
      if (strategy === "median") {
        const h = seen.length >> 1;
        return seen.length % 2 ? seen[h] : (seen[h - 1] + seen[h]) / 2;
      }
      let best = seen[0], bestCount = 0;
      for (let i = 0; i < seen.length; ) {
        let e = i;
        while (e < seen.length && seen[e] === seen[i]) e++;
        if (e - i > bestCount) { bestCount = e - i; best = seen[i]; }
        i = e;
      }
      return best;
    });
    this.markFitted(m.cols);
    return this;
  }

  /** X with missing entries filled, float64 [nSamples, nKeptFeatures]. */
  transform(X: MatrixInput): Tensor {
    const m = this.inputMatrix("transform", X, { allowNaN: true });
    const keep: number[] = [];
    this.stats.forEach((s, j) => (s === s) && keep.push(j));
    const mv = this.params.missingValues;
    const out = new Float64Array(m.rows * keep.length);
    for (let i = 0; i < m.rows; i++) {
      keep.forEach((j, c) => {
        const v = m.data[i * m.cols + j];
        out[i * keep.length + c] = isMissing(v, mv) ? this.stats[j] : v;
      });
    }
    return matrixTensor(out, m.rows, keep.length);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: MatrixInput, _y?: unknown): Tensor {
    return this.fit(X).transform(X);
  }
}

function isMissing(v: number, marker: number): boolean {
  return marker !== marker ? v !== v : v === marker;
}

/** Column j's non-missing values (NaN never counts as observed). */
function observed(m: Matrix, j: number, marker: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i * m.cols + j];
    if (v === v && !isMissing(v, marker)) out.push(v);
  }
  return out;
}
