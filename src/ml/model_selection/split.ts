// Data splitting: trainTestSplit for tensors and arrays, KFold and StratifiedKFold index splitters.
import { Tensor, tensor, indexSelect, arange } from "../../tensor/index.js";
import { ArgumentError, ShapeError } from "../../core/errors.js";
import { checkBoolean, checkOptions, optionNames } from "../../core/options.js";
import { PCG32, globalRng } from "../../core/rng.js";
import { trainTestSplit as splitTensors } from "../../data/split.js";
import { shuffleInPlace } from "../../data/loader.js";
import { checkInt, type Label } from "../base.js";

/** Anything with rows: a tensor (rows along dim 0) or an array (of rows, numbers or strings). */
export type Rows = Tensor | readonly unknown[] | ArrayLike<unknown>;
/** A train/test pair of row indices. */
export type Fold = [train: Int32Array, test: Int32Array];

/** Number of rows of a tensor or array. */
export function numRows(op: string, X: Rows): number {
  if (X instanceof Tensor) {
    if (X.ndim === 0) throw new ShapeError(op, "expected a tensor with at least one dimension, got a scalar");
    return X.shape[0];
  }
  if (X == null || typeof (X as ArrayLike<unknown>).length !== "number") throw new ArgumentError(op, `expected a tensor or an array, got ${typeof X}`);
  return X.length;
}

/** The rows `idx` of X, of the same kind as X (tensor → tensor, array → array). */
export function takeRows<T extends Rows>(X: T, idx: Int32Array): T {
  if (X instanceof Tensor) return indexSelect(X, 0, tensor(idx)) as T;
  const a = X as ArrayLike<unknown>;
  return Array.from(idx, (i) => a[i]) as unknown as T;
}

/** Labels as plain values (for stratification). */
function labelValues(op: string, y: Rows, n: number): Label[] {
  const v = y instanceof Tensor ? Array.from(y.dataSync()) : Array.from(y as ArrayLike<Label>);
  if (v.length !== n) throw new ShapeError(op, `the labels have ${v.length} entries but the data has ${n} rows`);
  return v;
}

export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) of the rows for the test part, or a whole number of rows (default 0.25, or the complement of trainSize). */
  testSize?: number;
  /** Fraction or number of rows for the training part (default: the complement of testSize). */
  trainSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of a private generator; without it the global one (`ds.seed`) is used. */
  seed?: number;
  /** Labels (one per row): keep each class's share the same in both parts. Needs shuffle. */
  stratify?: Tensor | ArrayLike<number> | ArrayLike<string>;
}
const TRAIN_TEST_SPLIT_OPTIONS = optionNames<TrainTestSplitOptions>({ testSize: true, trainSize: true, shuffle: true, seed: true, stratify: true });

/**
 * Splits tensors and/or arrays (number[][], number[], string[]) into train and test rows, as
 * scikit-learn's train_test_split: returns [train0, test0, train1, test1, …], each of its input's kind.
 * The test part has ceil(testSize·n) rows.
 * @example const [Xtr, Xte, ytr, yte] = ml.trainTestSplit(X, y, { testSize: 0.2, seed: 0, stratify: y });
 */
export function trainTestSplit<A extends Rows>(a: A, opts?: TrainTestSplitOptions): [A, A];
export function trainTestSplit<A extends Rows, B extends Rows>(a: A, b: B, opts?: TrainTestSplitOptions): [A, A, B, B];
export function trainTestSplit<A extends Rows, B extends Rows, C extends Rows>(a: A, b: B, c: C, opts?: TrainTestSplitOptions): [A, A, B, B, C, C];
export function trainTestSplit(...args: (Rows | TrainTestSplitOptions)[]): Rows[];
export function trainTestSplit(...args: (Rows | TrainTestSplitOptions | undefined)[]): Rows[] {
  const op = "ml.trainTestSplit";
  while (args.length > 0 && args[args.length - 1] === undefined) args = args.slice(0, -1);
  const last = args[args.length - 1];
  const isOpts = last != null && !(last instanceof Tensor) && typeof (last as ArrayLike<unknown>).length !== "number";
  const opts = (isOpts ? last : {}) as TrainTestSplitOptions;
  const arrays = (isOpts ? args.slice(0, -1) : args) as Rows[];
  checkOptions(op, opts, TRAIN_TEST_SPLIT_OPTIONS);
  if (arrays.length === 0) throw new ArgumentError(op, "needs at least one tensor or array to split");
  const n = numRows(op, arrays[0]);
  arrays.forEach((a, i) => {
    if (numRows(op, a) !== n) throw new ShapeError(op, `inputs must have the same number of rows; input 0 has ${n}, input ${i} has ${numRows(op, a)}`);
  });
  let testSize = opts.testSize;
  if (testSize === undefined && opts.trainSize !== undefined) {
    const t = opts.trainSize;
    const nTrain = Number.isInteger(t) && t >= 1 ? t : t > 0 && t < 1 ? Math.floor(t * n) : NaN;
    if (!(nTrain >= 1 && nTrain < n)) throw new ArgumentError(op, `trainSize must be a fraction in (0, 1) or a whole number of rows below ${n}, got ${t}`);
    testSize = n - nTrain;
  }
  let stratify: Tensor | undefined;
  if (opts.stratify !== undefined) {
    const labels = labelValues(op, opts.stratify as Rows, n);
    const codes = new Map<Label, number>();
    stratify = tensor(Int32Array.from(labels, (l) => {
      if (!codes.has(l)) codes.set(l, codes.size);
      return codes.get(l)!;
    }));
  }
  const [trainIdx, testIdx] = splitTensors(arange(0, n, 1, { dtype: "int32" }), { testSize: testSize ?? 0.25, shuffle: opts.shuffle, seed: opts.seed, stratify });
  const train = Int32Array.from(trainIdx.dataSync()), test = Int32Array.from(testIdx.dataSync());
  if (opts.trainSize !== undefined && opts.testSize !== undefined) {
    // Both given: the training part may be smaller than the complement.
    const t = opts.trainSize;
    const nTrain = Number.isInteger(t) && t >= 1 ? t : Math.floor(t * n);
    if (!(nTrain >= 1 && nTrain <= train.length)) throw new ArgumentError(op, `trainSize ${t} and testSize ${opts.testSize} together exceed the ${n} rows`);
    return arrays.flatMap((a) => [takeRows(a, train.subarray(0, nTrain)), takeRows(a, test)]);
  }
  return arrays.flatMap((a) => [takeRows(a, train), takeRows(a, test)]);
}

export interface KFoldOptions {
  /** Number of folds, at least 2 (default 5). */
  nSplits?: number;
  /** Shuffle the rows before cutting folds (default false). */
  shuffle?: boolean;
  /** Seed of the shuffle; without it the global generator (`ds.seed`) is used. */
  seed?: number;
}
const KFOLD_OPTIONS = optionNames<KFoldOptions>({ nSplits: true, shuffle: true, seed: true });

/** A cross-validation splitter: `split(X, y)` gives the [train, test] row indices of each fold. */
export interface Splitter {
  split(X: Rows, y?: Rows): Fold[];
  getNSplits(): number;
}

function foldOptions(op: string, opts: KFoldOptions): { nSplits: number; shuffle: boolean; seed?: number } {
  checkOptions(op, opts, KFOLD_OPTIONS);
  const nSplits = checkInt(op, "nSplits", opts.nSplits ?? 5, 2);
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw new ArgumentError(op, `seed must be an integer, got ${opts.seed}`);
  return { nSplits, shuffle: checkBoolean(op, "shuffle", opts.shuffle ?? false), seed: opts.seed };
}

function complement(n: number, test: Int32Array): Int32Array {
  const mask = new Uint8Array(n);
  for (const i of test) mask[i] = 1;
  const out = new Int32Array(n - test.length);
  let k = 0;
  for (let i = 0; i < n; i++) if (!mask[i]) out[k++] = i;
  return out;
}

/**
 * K-fold cross-validation indices, as scikit-learn's KFold: consecutive folds (the first n % k one
 * row larger), optionally after a seeded shuffle. Training indices are in ascending order.
 * @example for (const [train, test] of new ml.KFold({ nSplits: 5 }).split(X)) { … }
 */
export class KFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(opts: KFoldOptions = {}) {
    ({ nSplits: this.nSplits, shuffle: this.shuffle, seed: this.seed } = foldOptions("KFold", opts));
  }

  getNSplits(): number {
    return this.nSplits;
  }

  /** The [train, test] indices of each fold. */
  split(X: Rows, _y?: Rows): Fold[] {
    const op = "KFold.split";
    const n = numRows(op, X);
    if (this.nSplits > n) throw new ArgumentError(op, `nSplits=${this.nSplits} is greater than the number of samples ${n}`);
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (this.shuffle) shuffleInPlace(order, this.seed === undefined ? globalRng : new PCG32(this.seed));
    const folds: Fold[] = [];
    let start = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const size = Math.floor(n / this.nSplits) + (f < n % this.nSplits ? 1 : 0);
      const test = order.slice(start, start + size).sort();
      folds.push([complement(n, test), test]);
      start += size;
    }
    return folds;
  }
}

/**
 * Stratified k-fold indices, as scikit-learn's StratifiedKFold: each class is dealt across the folds
 * so every fold keeps the class proportions; with `shuffle`, each class's fold assignment is shuffled.
 * @example const folds = new ml.StratifiedKFold({ nSplits: 5, shuffle: true, seed: 0 }).split(X, y);
 */
export class StratifiedKFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(opts: KFoldOptions = {}) {
    ({ nSplits: this.nSplits, shuffle: this.shuffle, seed: this.seed } = foldOptions("StratifiedKFold", opts));
  }

  getNSplits(): number {
    return this.nSplits;
  }

  /** The [train, test] indices of each fold; `y` (the labels) is required. */
  split(X: Rows, y?: Rows): Fold[] {
    const op = "StratifiedKFold.split";
    const n = numRows(op, X);
    if (y === undefined) throw new ArgumentError(op, "needs the labels y to stratify");
    const labels = labelValues(op, y, n);
    // Classes numbered by first appearance, as scikit-learn's encoding.
    const code = new Map<Label, number>();
    const enc = Int32Array.from(labels, (l) => {
      if (!code.has(l)) code.set(l, code.size);
      return code.get(l)!;
    });
    const k = code.size, s = this.nSplits;
    const counts = new Int32Array(k);
    for (const c of enc) counts[c]++;
    if (s > Math.max(...counts)) throw new ArgumentError(op, `nSplits=${s} cannot be greater than the number of members in each class (the largest has ${Math.max(...counts)})`);
    // allocation[f][c]: how many of class c go to fold f, dealing the sorted labels round-robin.
    const sorted = Int32Array.from(enc).sort();
    const allocation = Array.from({ length: s }, () => new Int32Array(k));
    sorted.forEach((c, i) => allocation[i % s][c]++);
    const rng = this.shuffle ? (this.seed === undefined ? globalRng : new PCG32(this.seed)) : null;
    const testFold = new Int32Array(n);
    for (let c = 0; c < k; c++) {
      const folds: number[] = [];
      for (let f = 0; f < s; f++) for (let t = 0; t < allocation[f][c]; t++) folds.push(f);
      if (rng) shuffleInPlace(folds, rng);
      let t = 0;
      for (let i = 0; i < n; i++) if (enc[i] === c) testFold[i] = folds[t++];
    }
    return Array.from({ length: s }, (_, f) => {
      const test = Int32Array.from(testFold.reduce<number[]>((acc, v, i) => (v === f && acc.push(i), acc), []));
      return [complement(n, test), test] as Fold;
    });
  }
}
