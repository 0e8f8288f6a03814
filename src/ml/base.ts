// The estimator base of classic ML: input conversion and checks, label encoding, params, scoring.
// Algorithms work on row-major Float64Array matrices; tensors appear only at the API edges.
import { Tensor, tensor, reshape } from "../tensor/index.js";
import { ArgumentError, DeepScriptError, NonFiniteError, ShapeError } from "../core/errors.js";
import { PCG32 } from "../core/rng.js";
import { checkOptions } from "../core/options.js";

/** A model was used (predict, transform, score, …) before `fit`. */
export class NotFittedError extends DeepScriptError {}

/** Data as estimators accept it: a 2-D tensor or rows of numbers. */
export type MatrixInput = Tensor | ArrayLike<ArrayLike<number>>;
/** A class label: numbers or strings. */
export type Label = number | string;
/** Targets: a 1-D tensor, numbers, or (classifiers) strings. */
export type TargetInput = Tensor | ArrayLike<number> | ArrayLike<string>;

/** A dense row-major matrix of float64 values: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface ToMatrixOptions {
  /** Let NaN through (e.g. imputers); Inf is still refused. Default false. */
  allowNaN?: boolean;
  /** Accept zero rows. Default false. */
  allowEmpty?: boolean;
}

/** Converts X to a float64 row-major matrix, refusing ragged rows, empty input and NaN/Inf (naming row and column). */
export function toMatrix(op: string, X: MatrixInput, opts: ToMatrixOptions = {}): Matrix {
  let data: Float64Array, rows: number, cols: number;
  if (X instanceof Tensor) {
    if (X.ndim !== 2) throw new ShapeError(op, `X must be 2-D [nSamples, nFeatures], got shape [${X.shape.join(",")}]`);
    [rows, cols] = X.shape as [number, number];
    const raw = X.dataSync();
    data = raw instanceof Float64Array ? raw : Float64Array.from(raw);
  } else {
    if (X == null || typeof (X as ArrayLike<unknown>).length !== "number") {
      throw new ArgumentError(op, `X must be a 2-D tensor or an array of rows, got ${typeof X}`);
    }
    rows = X.length;
    const first = rows > 0 ? X[0] : undefined;
    if (first !== undefined && (first == null || typeof first.length !== "number")) {
      throw new ShapeError(op, `X must be 2-D (an array of rows); row 0 is ${typeof first}`);
    }
    cols = first ? first.length : 0;
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = X[i];
      if (r == null || r.length !== cols) {
        throw new ShapeError(op, `X is ragged: row 0 has ${cols} values but row ${i} has ${r == null ? "none" : r.length}`);
      }
      const o = i * cols;
      for (let j = 0; j < cols; j++) data[o + j] = r[j];
    }
  }
  if (!opts.allowEmpty && rows === 0) throw new ArgumentError(op, "X is empty: got 0 samples, need at least 1");
  if (rows > 0 && cols === 0) throw new ArgumentError(op, `X has 0 features (shape [${rows},0]), need at least 1`);
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      if (v !== v && opts.allowNaN) continue;
      const i = Math.floor(k / cols), j = k % cols;
      throw new NonFiniteError(op, `X contains ${v !== v ? "NaN" : v > 0 ? "Infinity" : "-Infinity"} at row ${i}, column ${j}`);
    }
  }
  return { data, rows, cols };
}

function targetValues(op: string, y: TargetInput): ArrayLike<Label> {
  if (y instanceof Tensor) {
    if (y.ndim !== 1 && !(y.ndim === 2 && y.shape[1] === 1)) {
      throw new ShapeError(op, `y must be 1-D [nSamples], got shape [${y.shape.join(",")}]`);
    }
    return y.dataSync();
  }
  if (y == null || typeof (y as ArrayLike<unknown>).length !== "number") throw new ArgumentError(op, `y must be a 1-D tensor or array, got ${typeof y}`);
  return y;
}

function checkLength(op: string, n: number, nSamples: number): void {
  if (n === 0) throw new ArgumentError(op, "y is empty: got 0 targets");
  if (n !== nSamples) throw new ShapeError(op, `X has ${nSamples} samples but y has ${n}`);
}

/** Converts regression targets to float64, checking their count and finiteness. */
export function toTargets(op: string, y: TargetInput, nSamples: number): Float64Array {
  const v = targetValues(op, y);
  checkLength(op, v.length, nSamples);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number") throw new ArgumentError(op, `regression targets must be numbers; y[${i}] is ${JSON.stringify(x)}`);
    if (!Number.isFinite(x)) throw new NonFiniteError(op, `y contains ${x} at index ${i}`);
    out[i] = x;
  }
  return out;
}

/** Class labels encoded as indices 0..k-1 into the sorted `classes`. */
export interface EncodedLabels {
  classes: Label[];
  indices: Int32Array;
}

/** Sorts the distinct labels (numbers ascending, or strings) and maps each target to its class index. */
export function encodeLabels(op: string, y: TargetInput, nSamples: number, opts: { minClasses?: number } = {}): EncodedLabels {
  const v = targetValues(op, y);
  checkLength(op, v.length, nSamples);
  const kind = typeof v[0];
  const seen = new Map<Label, number>();
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== kind) throw new ArgumentError(op, `labels must be all numbers or all strings; y[0] is a ${kind} but y[${i}] is ${JSON.stringify(x)}`);
    if (typeof x === "number" && !Number.isFinite(x)) throw new NonFiniteError(op, `y contains ${x} at index ${i}`);
    if (!seen.has(x)) seen.set(x, 0);
  }
  const classes = [...seen.keys()];
  if (kind === "number") (classes as number[]).sort((a, b) => a - b);
  else classes.sort();
  const minClasses = opts.minClasses ?? 2;
  if (classes.length < minClasses) {
    throw new ArgumentError(op, `y has ${classes.length} class${classes.length === 1 ? ` (${JSON.stringify(classes[0])})` : "es"}; need at least ${minClasses}`);
  }
  classes.forEach((c, k) => seen.set(c, k));
  const indices = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) indices[i] = seen.get(v[i])!;
  return { classes, indices };
}

/** Maps targets to indices into known `classes`; unknown labels get -1. */
export function labelIndices(op: string, y: TargetInput, classes: readonly Label[], nSamples: number): Int32Array {
  const v = targetValues(op, y);
  checkLength(op, v.length, nSamples);
  const map = new Map<Label, number>(classes.map((c, k) => [c, k]));
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = map.get(v[i]) ?? -1;
  return out;
}

/** The labels of class indices as a tensor: int32 when all classes are integers, else float64; strings are refused (use predictLabels). */
export function labelsTensor(classes: readonly Label[], idx: ArrayLike<number>): Tensor {
  if (classes.length > 0 && typeof classes[0] === "string") {
    // String labels cannot live in a tensor: return class indices (documented on `predict`).
    return tensor(Int32Array.from(idx));
  }
  const nums = classes as readonly number[];
  const allInt = nums.every((c) => Number.isInteger(c) && Math.abs(c) < 2 ** 31);
  const out = allInt ? new Int32Array(idx.length) : new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = nums[idx[i]];
  return tensor(out);
}

/** A float64 matrix as a 2-D tensor. */
export function matrixTensor(data: Float64Array, rows: number, cols: number): Tensor {
  return reshape(tensor(data), [rows, cols]);
}

/** A float64 vector as a 1-D tensor. */
export function vectorTensor(data: Float64Array): Tensor {
  return tensor(data);
}

/** Fraction of equal entries. */
export function accuracyOf(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) hit++;
  return hit / a.length;
}

/** Coefficient of determination R² (1 - SS_res / SS_tot), as scikit-learn defines it (1 or 0 for constant y). */
export function r2Of(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i];
  mean /= n;
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** A generator from a `seed` option: a fixed seed gives repeatable fits; undefined/null draws a fresh one. */
export function rngFrom(seed: number | null | undefined): PCG32 {
  if (seed == null) return new PCG32(Math.floor(Math.random() * 2 ** 32));
  return new PCG32(seed);
}

/** What every estimator has: options (`getParams`/`setParams`) and a fitted state. */
export abstract class BaseEstimator<P extends object = Record<string, unknown>> {
  /** The options in effect (defaults merged with what was given). Read-only; change with setParams. */
  protected params: P;
  /** Number of features seen by `fit`. */
  nFeaturesIn_ = 0;
  private readonly defaults: P;
  protected fitted = false;

  constructor(defaults: P, opts: Partial<P> = {}) {
    this.defaults = defaults;
    this.params = { ...defaults };
    this.assignParams(this.constructor.name, opts);
  }

  /** The estimator's name in messages (`RandomForestClassifier.fit`). */
  protected name(method: string): string {
    return `${this.constructor.name}.${method}`;
  }

  // The option names are the defaults' own keys, so the list cannot drift from the defaults.
  private assignParams(op: string, opts: Partial<P>): void {
    checkOptions(op, opts, Object.keys(this.defaults));
    for (const key of Object.keys(opts)) {
      const v = (opts as Record<string, unknown>)[key];
      if (v !== undefined) (this.params as Record<string, unknown>)[key] = v;
    }
  }

  /** A copy of the options, e.g. `{ nEstimators: 100, maxDepth: null, … }`. */
  getParams(): P {
    return { ...this.params };
  }

  /** Changes options (unknown names are refused) and returns `this`; takes effect at the next fit. */
  setParams(opts: Partial<P>): this {
    this.assignParams(this.name("setParams"), opts);
    return this;
  }

  /** A new, unfitted estimator of the same class with the same options (what GridSearchCV and crossValScore use). */
  clone(): this {
    const C = this.constructor as new (opts: P) => this;
    return new C(this.getParams());
  }

  /** Whether `fit` has been called successfully. */
  get isFitted(): boolean {
    return this.fitted;
  }

  /** Throws NotFittedError when `fit` has not run. */
  protected checkFitted(method: string): void {
    if (!this.fitted) {
      throw new NotFittedError(this.name(method), `this ${this.constructor.name} is not fitted yet; call fit(X, y) first`);
    }
  }

  /** Converts X for fit (the feature count is recorded by markFitted, once fitting succeeded). */
  protected fitMatrix(X: MatrixInput, opts?: ToMatrixOptions): Matrix {
    return toMatrix(this.name("fit"), X, opts);
  }

  /** Records a successful fit on `nFeatures` features. */
  protected markFitted(nFeatures: number): void {
    this.nFeaturesIn_ = nFeatures;
    this.fitted = true;
  }

  /** Converts X after fit, checking fitted state and feature count. */
  protected inputMatrix(method: string, X: MatrixInput, opts?: ToMatrixOptions): Matrix {
    this.checkFitted(method);
    const m = toMatrix(this.name(method), X, opts);
    if (m.cols !== this.nFeaturesIn_) {
      throw new ShapeError(this.name(method), `X has ${m.cols} features, but ${this.constructor.name} was fitted with ${this.nFeaturesIn_}`);
    }
    return m;
  }
}

/** A supervised classifier: labels (numbers or strings) are mapped to `classes_` and back. */
export abstract class Classifier<P extends object = Record<string, unknown>> extends BaseEstimator<P> {
  /** The distinct labels seen by fit, sorted. Predictions are these labels. */
  classes_: Label[] = [];

  abstract fit(X: MatrixInput, y: TargetInput): this;

  /** Predicted class indices into `classes_` (the core every classifier implements). */
  protected abstract predictIndices(X: Matrix): Int32Array;

  /**
   * Predicted labels as a tensor: `int32` for integer labels, `float64` for other numbers.
   * For string labels it returns indices into `classes_`; use `predictLabels` to get the strings.
   */
  predict(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predict", X);
    return labelsTensor(this.classes_, this.predictIndices(m));
  }

  /** Predicted labels as plain values (strings stay strings). */
  predictLabels(X: MatrixInput): Label[] {
    const m = this.inputMatrix("predictLabels", X);
    return Array.from(this.predictIndices(m), (k) => this.classes_[k]);
  }

  /** Mean accuracy of `predict(X)` against `y`. */
  score(X: MatrixInput, y: TargetInput): number {
    const m = this.inputMatrix("score", X);
    const idx = labelIndices(this.name("score"), y, this.classes_, m.rows);
    return accuracyOf(this.predictIndices(m), idx);
  }

  /** Sets classes_ from y and returns the encoded targets. */
  protected encodeTargets(y: TargetInput, nSamples: number, minClasses = 2): Int32Array {
    const enc = encodeLabels(this.name("fit"), y, nSamples, { minClasses });
    this.classes_ = enc.classes;
    return enc.indices;
  }
}

/**
 * A classifier whose predictions are the most probable class: `predictProba` and `predict` both
 * come from the one `proba` each subclass implements (ties go to the first class, as NumPy's argmax).
 */
export abstract class ProbabilisticClassifier<P extends object = Record<string, unknown>> extends Classifier<P> {
  /** Class probabilities of a checked matrix, row-major [rows, nClasses] in `classes_` order. */
  protected abstract proba(X: Matrix): Float64Array;

  /** Class probabilities, float64 [nSamples, nClasses] (columns in `classes_` order). */
  predictProba(X: MatrixInput): Tensor {
    const m = this.inputMatrix("predictProba", X);
    return matrixTensor(this.proba(m), m.rows, this.classes_.length);
  }

  protected predictIndices(X: Matrix): Int32Array {
    return argmaxRows(this.proba(X), X.rows, this.classes_.length);
  }
}

/** A supervised regressor: float64 targets, R² score. */
export abstract class Regressor<P extends object = Record<string, unknown>> extends BaseEstimator<P> {
  abstract fit(X: MatrixInput, y: TargetInput): this;

  /** Predictions for a checked matrix (the core every regressor implements). */
  protected abstract predictValues(X: Matrix): Float64Array;

  /** Predicted values, a float64 tensor [nSamples]. */
  predict(X: MatrixInput): Tensor {
    return vectorTensor(this.predictValues(this.inputMatrix("predict", X)));
  }

  /** R² of `predict(X)` against `y`. */
  score(X: MatrixInput, y: TargetInput): number {
    const m = this.inputMatrix("score", X);
    const t = toTargets(this.name("score"), y, m.rows);
    return r2Of(t, this.predictValues(m));
  }
}

/** Index of the largest entry of row `i` of a rows×k matrix (first on ties, like NumPy's argmax). */
export function rowArgmax(p: Float64Array, i: number, k: number): number {
  let best = 0, bv = p[i * k];
  for (let j = 1; j < k; j++) if (p[i * k + j] > bv) { bv = p[i * k + j]; best = j; }
  return best;
}

/** Argmax of every row of a rows×k matrix. */
export function argmaxRows(p: Float64Array, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) out[i] = rowArgmax(p, i, k);
  return out;
}

/** Checks a numeric option: finite and within [min, max] (bounds optional, `open` excludes min). */
export function checkNumber(op: string, name: string, v: unknown, min = -Infinity, max = Infinity, open = false): number {
  if (typeof v !== "number" || Number.isNaN(v) || v < min || v > max || (open && v === min)) {
    const range = `${open ? "(" : "["}${min}, ${max}]`;
    throw new ArgumentError(op, `${name} must be a number in ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks an integer option ≥ min. */
export function checkInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(op, `${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Checks a string option against its allowed values. */
export function checkChoice<T extends string>(op: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    throw new ArgumentError(op, `${name} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
