// Time series: sliding windows of a series into (input, target) pairs, scalers that invert
// (standardise, min-max) with features on the last dim, and the bundled airline-passengers series.
import { ArgumentError, FileError, ShapeError, fmtShape } from "../core/errors.js";
import { checkOptions, optionNames } from "../core/options.js";
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { assetPath, readAsset } from "../core/assets.js";

/** A series: a Tensor or (nested) numbers, [time] (one feature) or [time, features]. */
export type SeriesLike = Tensor | ArrayLike<number> | readonly (readonly number[])[];

function asTensor(op: string, s: SeriesLike | Tensor): Tensor {
  if (s instanceof Tensor) return s;
  if (Array.isArray(s) && s.length && Array.isArray(s[0])) return tensor(s as number[][]);
  return tensor(Array.from(s as ArrayLike<number>));
}

export interface WindowOptions {
  /** Steps in each input window. */
  window: number;
  /** Future steps in each target (default 1): the `horizon` values right after the window. */
  horizon?: number;
  /** Steps between the starts of consecutive windows (default 1). */
  stride?: number;
  /** For [time, features] series: the feature columns that make the target (default: all). */
  targetColumns?: readonly number[];
}
const WINDOW_OPTIONS = optionNames<WindowOptions>({ window: true, horizon: true, stride: true, targetColumns: true });

/**
 * Cuts a series into (input, target) pairs: x[i] = s[i·stride … i·stride + window - 1] and
 * y[i] = the `horizon` steps that follow. A 1-d series of T values gives x [N, window, 1] (ready
 * for a recurrent layer with batchFirst) and y [N, horizon]; a [T, F] series gives x [N, window, F]
 * and y [N, horizon, F'] (F' = targetColumns.length). N = floor((T - window - horizon) / stride) + 1.
 * @example
 * const { x, y } = data.windowSeries([1, 2, 3, 4, 5, 6], { window: 3, horizon: 2 });
 * // x [2, 3, 1]: [1,2,3], [2,3,4]; y [2, 2]: [4,5], [5,6]
 */
export function windowSeries(series: SeriesLike, opts: WindowOptions): { x: Tensor; y: Tensor } {
  const op = "windowSeries";
  checkOptions(op, opts, WINDOW_OPTIONS, ["window"]);
  const s = asTensor(op, series);
  const { window } = opts, horizon = opts.horizon ?? 1, stride = opts.stride ?? 1;
  for (const [name, v] of [["window", window], ["horizon", horizon], ["stride", stride]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError(op, `${name} must be a positive integer, got ${v}`);
  }
  if (s.ndim !== 1 && s.ndim !== 2) throw new ShapeError(op, `expected a series [time] or [time, features], got ${fmtShape(s.shape)}`);
  const T = s.shape[0], F = s.ndim === 2 ? s.shape[1] : 1;
  if (T < window + horizon) throw new ShapeError(op, `a series of ${T} steps is too short for window ${window} + horizon ${horizon}`);
  const cols = opts.targetColumns ? [...opts.targetColumns] : Array.from({ length: F }, (_, i) => i);
  if (s.ndim === 1 && opts.targetColumns && (cols.length !== 1 || cols[0] !== 0)) throw new ArgumentError(op, "a 1-d series has a single column, 0");
  for (const c of cols) if (!Number.isInteger(c) || c < 0 || c >= F) throw new ArgumentError(op, `target column ${c} is out of range for ${F} features`);
  const N = Math.floor((T - window - horizon) / stride) + 1;
  const v = s.dataSync();
  const xs = new Float64Array(N * window * F), ys = new Float64Array(N * horizon * cols.length);
  for (let i = 0; i < N; i++) {
    const start = i * stride;
    xs.set(v.subarray(start * F, (start + window) * F), i * window * F);
    for (let h = 0; h < horizon; h++) {
      for (const [j, c] of cols.entries()) ys[(i * horizon + h) * cols.length + j] = v[(start + window + h) * F + c];
    }
  }
  const dtype = s.dtype === "float64" ? "float64" : "float32";
  const x = tensor(xs, { dtype }).reshape([N, window, F]);
  const y = tensor(ys, { dtype }).reshape(s.ndim === 1 ? [N, horizon] : [N, horizon, cols.length]);
  return { x, y };
}

/** Per-feature statistics over every dim but the last (a 1-d input is one feature). */
function perFeature(x: Tensor): { x2: Tensor; dims: number[] } {
  const x2 = x.ndim === 1 ? x.unsqueeze(1) : x;
  return { x2, dims: x2.shape.slice(0, -1).map((_, i) => i) };
}

abstract class Scaler {
  protected fitted = false;
  protected abstract fitStats(x: Tensor): void;
  abstract transform(x: SeriesLike): Tensor;
  abstract inverseTransform(x: SeriesLike): Tensor;
  /** Learns the statistics of x (features on the last dim; a 1-d series is one feature); returns this. */
  fit(x: SeriesLike): this {
    const t = asTensor(this.constructor.name, x);
    if (t.ndim === 0 || t.size === 0) throw new ShapeError(`${this.constructor.name}.fit`, `needs a non-empty series, got ${fmtShape(t.shape)}`);
    this.fitStats(t.to(t.dtype === "float64" ? "float64" : "float32"));
    this.fitted = true;
    return this;
  }
  /** fit(x) then transform(x). */
  fitTransform(x: SeriesLike): Tensor {
    return this.fit(x).transform(x);
  }
  protected input(op: string, x: SeriesLike, stats: Tensor): Tensor {
    if (!this.fitted) throw new ArgumentError(`${this.constructor.name}.${op}`, "call fit() first");
    const t = asTensor(op, x);
    const F = stats.shape[0];
    if (F !== 1 && t.shape[t.ndim - 1] !== F) {
      throw new ShapeError(`${this.constructor.name}.${op}`, `fitted on ${F} features (last dim), got ${fmtShape(t.shape)}`);
    }
    return t;
  }
}

/**
 * Standardises each feature to mean 0 and standard deviation 1 (population std, as
 * scikit-learn), and back. Statistics have shape [features] and broadcast over the last dim, so
 * a scaler fitted on a 1-d series also inverts predictions of any shape.
 * @example
 * const scaler = new data.StandardScaler().fit(train);
 * const pred = scaler.inverseTransform(model.call(scaler.transform(x)));
 */
export class StandardScaler extends Scaler {
  mean: Tensor | null = null;
  scale: Tensor | null = null;
  protected fitStats(x: Tensor): void {
    const { x2, dims } = perFeature(x);
    this.mean = x2.mean(dims);
    const std = x2.sub(this.mean).square().mean(dims).sqrt();
    this.scale = std.where(std.gt(0), 1); // a constant feature keeps scale 1, as scikit-learn
  }
  transform(x: SeriesLike): Tensor {
    const t = this.input("transform", x, this.mean!);
    return t.sub(this.mean!.to(t.dtype)).div(this.scale!.to(t.dtype));
  }
  inverseTransform(x: SeriesLike): Tensor {
    const t = this.input("inverseTransform", x, this.mean!);
    return t.mul(this.scale!.to(t.dtype)).add(this.mean!.to(t.dtype));
  }
}

/**
 * Maps each feature's [min, max] onto featureRange (default [0, 1]), and back.
 * @example const scaler = new data.MinMaxScaler({ featureRange: [-1, 1] }).fit(series);
 */
export class MinMaxScaler extends Scaler {
  min: Tensor | null = null;
  max: Tensor | null = null;
  readonly featureRange: readonly [number, number];
  constructor(opts: { featureRange?: readonly [number, number] } = {}) {
    super();
    checkOptions("MinMaxScaler", opts, optionNames<typeof opts>({ featureRange: true }));
    this.featureRange = opts.featureRange ?? [0, 1];
    if (!(this.featureRange[0] < this.featureRange[1])) throw new ArgumentError("MinMaxScaler", `featureRange must be [lo, hi] with lo < hi, got ${JSON.stringify(this.featureRange)}`);
  }
  protected fitStats(x: Tensor): void {
    const { x2, dims } = perFeature(x);
    this.min = x2.min(dims);
    this.max = x2.max(dims);
  }
  private span(dtype: Tensor["dtype"]): Tensor {
    const d = this.max!.sub(this.min!);
    return d.where(d.gt(0), 1).to(dtype); // a constant feature maps to lo
  }
  transform(x: SeriesLike): Tensor {
    const t = this.input("transform", x, this.min!);
    const [lo, hi] = this.featureRange;
    return t.sub(this.min!.to(t.dtype)).div(this.span(t.dtype)).mul(hi - lo).add(lo);
  }
  inverseTransform(x: SeriesLike): Tensor {
    const t = this.input("inverseTransform", x, this.min!);
    const [lo, hi] = this.featureRange;
    return t.sub(lo).div(hi - lo).mul(this.span(t.dtype)).add(this.min!.to(t.dtype));
  }
}

/** The bundled file's URL (see DIGITS_URL). */
export const AIR_PASSENGERS_URL = new URL("../../data/airline-passengers.csv", import.meta.url);
export const AIR_PASSENGERS_FILE = assetPath(AIR_PASSENGERS_URL);

/**
 * Monthly totals of international airline passengers, January 1949 – December 1960, in
 * thousands (Box & Jenkins' Series G; 144 values). Bundled: see data/README.md.
 * @example const { months, passengers } = data.datasets.airPassengers(); // passengers [144]
 */
export function airPassengers(): { months: string[]; passengers: Tensor } {
  const op = "airPassengers", path = AIR_PASSENGERS_FILE;
  const lines = new TextDecoder().decode(readAsset(op, AIR_PASSENGERS_URL, 'data.datasets.preload("airPassengers")')).trim().split(/\r?\n/);
  if (lines[0] !== "month,passengers") throw new FileError(op, path, `line 1: expected the header "month,passengers", got ${JSON.stringify(lines[0])}`);
  const months: string[] = [], values: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const [m, v] = line.split(",");
    const n = Number(v);
    if (!/^\d{4}-\d{2}$/.test(m) || !Number.isFinite(n)) throw new FileError(op, path, `line ${i + 2}: cannot parse ${JSON.stringify(line)}`);
    months.push(m);
    values.push(n);
  });
  return { months, passengers: tensor(values) };
}
