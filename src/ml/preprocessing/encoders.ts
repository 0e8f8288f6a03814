// Categorical encoders: OneHotEncoder (string or number categories → indicator columns) and LabelEncoder.
import { Tensor, tensor } from "../../tensor/index.js";
import { ArgumentError, NonFiniteError, ShapeError } from "../../core/errors.js";
import { BaseEstimator, encodeLabels, matrixTensor, toMatrix, type Label, type MatrixInput, type TargetInput } from "../base.js";

/** A table of categorical values: a 2-D tensor, or rows of numbers and/or strings. */
export type CategoricalInput = Tensor | ArrayLike<ArrayLike<Label>>;

/** Sorts categories as NumPy's unique does: numbers ascending with NaN last, or strings. */
function sortCategories(values: Label[]): Label[] {
  if (typeof values[0] === "string") return (values as string[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (values as number[]).sort((a, b) => (a !== a ? 1 : b !== b ? -1 : a - b));
}

/** Key under which a category is looked up (NaN equals NaN; 1 and "1" differ). */
function key(v: Label): string {
  return typeof v === "number" ? `n${v}` : `s${v}`;
}

/** Reads a categorical table into columns of values, refusing ragged rows, empty input, Inf and mixed types per column. */
function toColumns(op: string, X: CategoricalInput): { columns: Label[][]; rows: number } {
  if (X instanceof Tensor) {
    const m = toMatrix(op, X, { allowNaN: true });
    const columns = Array.from({ length: m.cols }, (_, j) => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j] as Label));
    return { columns, rows: m.rows };
  }
  if (X == null || typeof X.length !== "number") throw new ArgumentError(op, `X must be a 2-D tensor or an array of rows, got ${typeof X}`);
  const rows = X.length;
  if (rows === 0) throw new ArgumentError(op, "X is empty: got 0 samples, need at least 1");
  const cols = X[0]?.length ?? 0;
  if (cols === 0) throw new ArgumentError(op, "X has 0 features, need at least 1");
  const columns: Label[][] = Array.from({ length: cols }, () => new Array<Label>(rows));
  for (let i = 0; i < rows; i++) {
    const r = X[i];
    if (r == null || r.length !== cols) throw new ShapeError(op, `X is ragged: row 0 has ${cols} values but row ${i} has ${r == null ? "none" : r.length}`);
    for (let j = 0; j < cols; j++) {
      const v = r[j];
      if (typeof v !== "number" && typeof v !== "string") throw new ArgumentError(op, `X[${i}][${j}] is ${v === null ? "null" : typeof v}; expected a number or a string`);
      if (typeof v === "number" && (v === Infinity || v === -Infinity)) throw new NonFiniteError(op, `X contains ${v} at row ${i}, column ${j}`);
      if (typeof v !== typeof columns[j][0] && i > 0) {
        throw new ArgumentError(op, `column ${j} mixes numbers and strings (row 0 is ${JSON.stringify(columns[j][0])}, row ${i} is ${JSON.stringify(v)})`);
      }
      columns[j][i] = v;
    }
  }
  return { columns, rows };
}

export interface OneHotEncoderParams {
  /** "auto" (default): the sorted distinct values of each feature; or the categories of each feature, given. */
  categories: "auto" | Label[][];
  /** Drop one column per feature: null (default, none), "first", or "if_binary" (only for two-category features). */
  drop: null | "first" | "if_binary";
  /** A category unseen in fit: "error" (default) or "ignore" (all-zero columns for that feature). */
  handleUnknown: "error" | "ignore";
}

/**
 * Encodes categorical features (numbers or strings) as one-hot indicator columns, as
 * scikit-learn's OneHotEncoder with dense output: float64 [nSamples, Σ categories].
 * @example const enc = new ml.OneHotEncoder().fit([["red", 1], ["blue", 2]]); enc.transform([["blue", 1]]); // [[1, 0, 1, 0]]
 */
export class OneHotEncoder extends BaseEstimator<OneHotEncoderParams> {
  /** The categories of each feature, in column order. */
  categories_: Label[][] = [];
  /** Index into categories_[j] of the dropped category of each feature (null: none dropped). */
  dropIdx_: (number | null)[] = [];
  private lookup: Map<string, number>[] = [];

  constructor(opts: Partial<OneHotEncoderParams> = {}) {
    super({ categories: "auto", drop: null, handleUnknown: "error" }, opts);
  }

  /** Learns the categories of each feature of X; `y` is ignored. */
  fit(X: CategoricalInput, _y?: unknown): this {
    const op = this.name("fit");
    const { drop, handleUnknown, categories } = this.params;
    if (drop !== null && drop !== "first" && drop !== "if_binary") throw new ArgumentError(op, `drop must be null, "first" or "if_binary", got ${JSON.stringify(drop)}`);
    if (handleUnknown !== "error" && handleUnknown !== "ignore") throw new ArgumentError(op, `handleUnknown must be "error" or "ignore", got ${JSON.stringify(handleUnknown)}`);
    const { columns } = toColumns(op, X);
    if (categories !== "auto" && categories.length !== columns.length) {
      throw new ShapeError(op, `categories lists ${categories.length} features but X has ${columns.length}`);
    }
    this.categories_ = columns.map((col, j) => {
      if (categories !== "auto") {
        const given = [...categories[j]];
        const known = new Set(given.map(key));
        const bad = col.find((v) => !known.has(key(v)));
        if (bad !== undefined && handleUnknown === "error") throw new ArgumentError(op, `found unknown category ${JSON.stringify(bad)} in column ${j} during fit`);
        return given;
      }
      const seen = new Map<string, Label>();
      for (const v of col) seen.set(key(v), v);
      return sortCategories([...seen.values()]);
    });
    this.lookup = this.categories_.map((cats) => new Map(cats.map((c, k) => [key(c), k])));
    this.dropIdx_ = this.categories_.map((cats) => (drop === "first" || (drop === "if_binary" && cats.length === 2) ? 0 : null));
    this.markFitted(columns.length);
    return this;
  }

  /** One-hot columns of X, float64 [nSamples, nOutputs]; features' blocks in order, categories within each. */
  transform(X: CategoricalInput): Tensor {
    const op = this.name("transform");
    this.checkFitted("transform");
    const { columns, rows } = toColumns(op, X);
    if (columns.length !== this.nFeaturesIn_) throw new ShapeError(op, `X has ${columns.length} features, but OneHotEncoder was fitted with ${this.nFeaturesIn_}`);
    const width = this.outputWidth();
    const out = new Float64Array(rows * width);
    let offset = 0;
    columns.forEach((col, j) => {
      const map = this.lookup[j], dropped = this.dropIdx_[j];
      for (let i = 0; i < rows; i++) {
        const k = map.get(key(col[i]));
        if (k === undefined) {
          if (this.params.handleUnknown === "error") throw new ArgumentError(op, `found unknown category ${JSON.stringify(col[i])} in column ${j} (row ${i}); known: ${JSON.stringify(this.categories_[j])}`);
          continue;
        }
        if (dropped === null) out[i * width + offset + k] = 1;
        else if (k !== dropped) out[i * width + offset + (k > dropped ? k - 1 : k)] = 1;
      }
      offset += this.categories_[j].length - (dropped === null ? 0 : 1);
    });
    return matrixTensor(out, rows, width);
  }

  /** fit(X) then transform(X). */
  fitTransform(X: CategoricalInput, _y?: unknown): Tensor {
    return this.fit(X).transform(X);
  }

  /** The category of each feature from one-hot rows; an all-zero block gives the dropped category, or null. */
  inverseTransform(Xt: MatrixInput): (Label | null)[][] {
    const op = this.name("inverseTransform");
    this.checkFitted("inverseTransform");
    const m = toMatrix(op, Xt);
    const width = this.outputWidth();
    if (m.cols !== width) throw new ShapeError(op, `X has ${m.cols} columns, but the encoding has ${width}`);
    const out: (Label | null)[][] = [];
    for (let i = 0; i < m.rows; i++) {
      const row: (Label | null)[] = [];
      let offset = 0;
      this.categories_.forEach((cats, j) => {
        const dropped = this.dropIdx_[j];
        const n = cats.length - (dropped === null ? 0 : 1);
        let best = -1, bv = 0;
        for (let c = 0; c < n; c++) if (m.data[i * width + offset + c] > bv) { bv = m.data[i * width + offset + c]; best = c; }
        if (best < 0) row.push(dropped === null ? null : cats[dropped]);
        else row.push(cats[dropped !== null && best >= dropped ? best + 1 : best]);
        offset += n;
      });
      out.push(row);
    }
    return out;
  }

  /** Output column names, `${feature}_${category}` (features named x0, x1, … unless given). */
  getFeatureNamesOut(inputFeatures?: string[]): string[] {
    this.checkFitted("getFeatureNamesOut");
    const names = inputFeatures ?? this.categories_.map((_, j) => `x${j}`);
    if (names.length !== this.nFeaturesIn_) throw new ShapeError(this.name("getFeatureNamesOut"), `got ${names.length} feature names for ${this.nFeaturesIn_} features`);
    return this.categories_.flatMap((cats, j) => cats.filter((_, k) => k !== this.dropIdx_[j]).map((c) => `${names[j]}_${c}`));
  }

  private outputWidth(): number {
    return this.categories_.reduce((s, cats, j) => s + cats.length - (this.dropIdx_[j] === null ? 0 : 1), 0);
  }
}

/**
 * Encodes labels (numbers or strings) as integers 0..k-1 in sorted order, as scikit-learn's LabelEncoder.
 * @example const le = new ml.LabelEncoder().fit(["cat", "dog", "cat"]); le.transform(["dog"]); // int32 [1]; le.inverseTransform([0]) // ["cat"]
 */
export class LabelEncoder extends BaseEstimator<Record<string, never>> {
  /** The distinct labels seen by fit, sorted; label classes_[k] is encoded as k. */
  classes_: Label[] = [];

  constructor(opts: Partial<Record<string, never>> = {}) {
    super({}, opts);
  }

  /** Learns the distinct labels of y. */
  fit(y: TargetInput): this {
    const n = y instanceof Tensor ? y.shape[0] ?? 0 : y?.length ?? 0;
    this.classes_ = encodeLabels(this.name("fit"), y, n, { minClasses: 1 }).classes;
    this.markFitted(1);
    return this;
  }

  /** The code of each label, int32 [n]; an unseen label is an error. */
  transform(y: TargetInput): Tensor {
    this.checkFitted("transform");
    const op = this.name("transform");
    const values: ArrayLike<Label> = y instanceof Tensor ? y.dataSync() : y;
    const map = new Map<Label, number>(this.classes_.map((c, k) => [c, k]));
    const out = new Int32Array(values.length);
    const unseen = new Set<Label>();
    for (let i = 0; i < values.length; i++) {
      const k = map.get(values[i]);
      if (k === undefined) unseen.add(values[i]);
      else out[i] = k;
    }
    if (unseen.size > 0) throw new ArgumentError(op, `y contains previously unseen labels: ${JSON.stringify([...unseen].slice(0, 10))}`);
    return tensor(out);
  }

  /** fit(y) then transform(y). */
  fitTransform(y: TargetInput): Tensor {
    return this.fit(y).transform(y);
  }

  /** The labels of codes, as plain values (strings stay strings). */
  inverseTransform(codes: Tensor | ArrayLike<number>): Label[] {
    this.checkFitted("inverseTransform");
    const op = this.name("inverseTransform");
    const v = codes instanceof Tensor ? codes.dataSync() : codes;
    return Array.from(v, (k, i) => {
      if (!Number.isInteger(k) || k < 0 || k >= this.classes_.length) throw new ArgumentError(op, `code ${k} at index ${i} is not in [0, ${this.classes_.length})`);
      return this.classes_[k];
    });
  }
}
