// trainTestSplit: scikit-learn's train_test_split for tensors (shuffled, seeded, optionally stratified).
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { checkBoolean, checkOptions, optionNames } from "../core/options.js";
import { PCG32, globalRng } from "../core/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { indexSelect } from "../ops/indexing.js";
import { shuffleInPlace } from "./loader.js";

export interface SplitOptions {
  /** Fraction in (0, 1) of the samples for the test part, or a whole number of samples (default 0.25). */
  testSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  /** Seed of a private generator; without it the global one (`ds.seed`) is used. */
  seed?: number;
  /** Labels (one per sample): keep each class's share equal in both parts. Needs shuffle. */
  stratify?: Tensor;
}
const SPLIT_OPTIONS = optionNames<SplitOptions>({ testSize: true, shuffle: true, seed: true, stratify: true });

/**
 * Splits tensors along dim 0 into train and test parts, as scikit-learn's train_test_split:
 * returns [train0, test0, train1, test1, …]. The test part has ceil(testSize·n) samples.
 * @example const [xTrain, xTest, yTrain, yTest] = data.trainTestSplit(x, y, { testSize: 0.2, seed: 0, stratify: y });
 */
export function trainTestSplit(...args: [...Tensor[], SplitOptions] | Tensor[]): Tensor[] {
  const op = "trainTestSplit";
  const last = args[args.length - 1];
  const opts: SplitOptions = last !== undefined && !(last instanceof Tensor) ? last : {};
  const tensors = (last instanceof Tensor ? args : args.slice(0, -1)) as Tensor[];
  if (tensors.length === 0) throw new ArgumentError(op, "needs at least one tensor");
  for (const t of tensors) if (!(t instanceof Tensor) || t.ndim === 0) throw new ArgumentError(op, "expected tensors with at least one dim, then an optional options object");
  const n = tensors[0].shape[0];
  if (tensors.some((t) => t.shape[0] !== n)) throw new ShapeError(op, `tensors must have the same size in dim 0, got ${tensors.map((t) => fmtShape(t.shape)).join(", ")}`);

  checkOptions(op, opts, SPLIT_OPTIONS);
  const testSize = opts.testSize ?? 0.25;
  let nTest: number;
  if (Number.isInteger(testSize) && testSize >= 1) nTest = testSize;
  else if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else throw new ArgumentError(op, `testSize must be a fraction in (0, 1) or a whole number of samples, got ${testSize}`);
  const nTrain = n - nTest;
  if (nTrain < 1) throw new ArgumentError(op, `testSize ${testSize} leaves no training samples out of ${n}`);

  const shuffle = checkBoolean(op, "shuffle", opts.shuffle ?? true);
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw new ArgumentError(op, `seed must be an integer, got ${opts.seed}`);
  const rng = opts.seed === undefined ? globalRng : new PCG32(opts.seed);
  let train: Int32Array, test: Int32Array;
  if (opts.stratify !== undefined) {
    if (!shuffle) throw new ArgumentError(op, "stratify needs shuffle: true (as scikit-learn)");
    [train, test] = stratified(op, opts.stratify, n, nTest, rng);
  } else {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, rng);
    train = order.slice(0, nTrain);
    test = order.slice(nTrain);
  }
  const trainIdx = tensor(train, { dtype: "int32" }), testIdx = tensor(test, { dtype: "int32" });
  return tensors.flatMap((t) => [indexSelect(t, 0, trainIdx), indexSelect(t, 0, testIdx)]);
}

// Each class gives the test part its proportional share (largest remainders make the total exact),
// chosen at random within the class; both parts are then shuffled so classes interleave.
function stratified(op: string, labels: Tensor, n: number, nTest: number, rng: PCG32): [Int32Array, Int32Array] {
  if (!(labels instanceof Tensor) || labels.ndim !== 1 || labels.shape[0] !== n) {
    throw new ShapeError(op, `stratify must be a 1-d tensor of ${n} labels, got ${labels instanceof Tensor ? fmtShape(labels.shape) : typeof labels}`);
  }
  const values = labels.dataSync();
  const byClass = new Map<number, number[]>();
  values.forEach((v, i) => {
    const list = byClass.get(v);
    if (list) list.push(i);
    else byClass.set(v, [i]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const smallest = Math.min(...classes.map((c) => byClass.get(c)!.length));
  if (smallest < 2) throw new ArgumentError(op, "the least populated class in stratify has only 1 member; every class needs at least 2");
  if (nTest < classes.length || n - nTest < classes.length) {
    throw new ArgumentError(op, `each part must hold at least one sample of each of the ${classes.length} classes; got ${n - nTest} train and ${nTest} test samples`);
  }
  const exact = classes.map((c) => (byClass.get(c)!.length * nTest) / n);
  const share = exact.map(Math.floor);
  const byRemainder = exact.map((e, k) => [e - Math.floor(e), k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const short = nTest - share.reduce((a, b) => a + b, 0);
  for (let i = 0; i < short; i++) share[byRemainder[i][1]]++;
  const train: number[] = [], test: number[] = [];
  classes.forEach((c, k) => {
    const members = byClass.get(c)!;
    shuffleInPlace(members, rng);
    test.push(...members.slice(0, share[k]));
    train.push(...members.slice(share[k]));
  });
  shuffleInPlace(train, rng);
  shuffleInPlace(test, rng);
  return [Int32Array.from(train), Int32Array.from(test)];
}
