// What fit/evaluate/predict accept as data, and how it is cut into batches.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { globalRng, PCG32, type RngState } from "../core/rng.js";
import { Tensor } from "../tensor/tensor.js";
import { indexSelect } from "../ops/indexing.js";
import { stack } from "../ops/shape.js";
import { wrap, backendOf } from "../prims/kernel.js";

/** A map-style dataset, as data.TensorDataset. */
export interface Dataset {
  readonly length: number;
  get(i: number): Tensor[];
}

/**
 * Training data: `[x, y]` tensors (batched here), a map-style dataset, or any iterable of
 * `[x, y]` batches such as a data.DataLoader (batched and shuffled by itself).
 */
export type Data = readonly [Tensor, Tensor] | Dataset | Iterable<readonly Tensor[]>;

export interface BatchPlan {
  /** Number of batches per pass. */
  count: number;
  /** Number of samples per pass, if known. */
  samples?: number;
  /**
   * A fresh iterator over the batches of one pass; call next() inside a scope to free each batch.
   * With `from`, the rest of a pass already begun: its order drawn by a generator in state
   * `from.order` (null: unshuffled), its first `from.position` batches done. Iterables (a
   * DataLoader) ignore `from`: they resume through their own loadStateDict.
   */
  iterate(from?: { order: RngState | null; position: number }): Iterator<readonly Tensor[]>;
  /** The shuffling generator's state just before the last pass drew its order (null: unshuffled, or the data shuffles itself). */
  orderState(): RngState | null;
  /** Draws and drops the orders of `passes` passes, so the next pass shuffles as the one after them would (fit's initialEpoch). */
  skip(passes: number): void;
}

function isTensorPair(d: unknown): d is readonly [Tensor, Tensor] {
  return Array.isArray(d) && d.length === 2 && d[0] instanceof Tensor && d[1] instanceof Tensor;
}

function isDataset(d: unknown): d is Dataset {
  return typeof d === "object" && d !== null && typeof (d as Dataset).get === "function" && typeof (d as Dataset).length === "number";
}

/** A shuffled (or ordered) permutation of 0..n-1. */
export function permutation(n: number, shuffle: boolean, rng: PCG32 = globalRng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  if (shuffle) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(0, i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }
  return p;
}

export interface PlanOptions {
  batchSize: number;
  shuffle: boolean;
  rng?: PCG32;
  op: string;
}

/** Plans the batches of one pass over `data`. */
export function planBatches(data: Data, opts: PlanOptions): BatchPlan {
  const { batchSize, op } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(op, `batchSize must be a positive integer, got ${batchSize}`);
  if (isTensorPair(data) || isDataset(data)) {
    const n = isTensorPair(data) ? data[0].shape[0] : data.length;
    if (isTensorPair(data) && data[1].shape[0] !== n) {
      throw new ShapeError(op, `x and y hold different numbers of samples: ${fmtShape(data[0].shape)} and ${fmtShape(data[1].shape)}`);
    }
    if (n === 0) throw new ArgumentError(op, "the data holds no samples");
    const count = Math.ceil(n / batchSize);
    const rng = opts.rng ?? globalRng;
    let orderState: RngState | null = null;
    return {
      count,
      samples: n,
      orderState: () => orderState,
      skip(passes: number) {
        for (let i = 0; i < passes && opts.shuffle; i++) permutation(n, true, rng);
      },
      iterate(from?: { order: RngState | null; position: number }) {
        let perm: Int32Array;
        let b = 0;
        if (from) {
          perm = permutation(n, from.order !== null, from.order ? PCG32.fromState(from.order) : rng);
          b = from.position;
        } else {
          orderState = opts.shuffle ? rng.getState() : null;
          perm = permutation(n, opts.shuffle, rng);
        }
        return {
          next(): IteratorResult<readonly Tensor[]> {
            if (b >= count) return { done: true, value: undefined };
            const ids = perm.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
            b++;
            if (isTensorPair(data)) {
              const be = backendOf(op, [data[0]]);
              const idx = wrap(be, be.fromArray("int32", ids), [ids.length]);
              return { done: false, value: data.map((t) => indexSelect(t, 0, idx)) };
            }
            const items = Array.from(ids, (i) => data.get(i));
            return { done: false, value: items[0].map((_, k) => stack(items.map((it) => it[k]), 0)) };
          },
        };
      },
    };
  }
  if (data && typeof (data as Iterable<unknown>)[Symbol.iterator] === "function") {
    const it = data as Iterable<readonly Tensor[]> & { length?: number };
    return { count: typeof it.length === "number" ? it.length : NaN, iterate: () => it[Symbol.iterator](), orderState: () => null, skip() {} };
  }
  throw new ArgumentError(op, "data must be [x, y] tensors, a dataset with length/get(i), or an iterable of batches (e.g. a DataLoader)");
}

/** Splits [x, y] into training and validation parts, the last `fraction` for validation (as Keras). */
export function splitValidation(data: readonly [Tensor, Tensor], fraction: number): [[Tensor, Tensor], [Tensor, Tensor]] {
  if (!(fraction > 0 && fraction < 1)) throw new ArgumentError("fit", `validationSplit must be in (0, 1), got ${fraction}`);
  const n = data[0].shape[0];
  const nVal = Math.max(1, Math.floor(n * fraction));
  if (nVal >= n) throw new ArgumentError("fit", `validationSplit ${fraction} leaves no training samples out of ${n}`);
  const [x, y] = data;
  return [[x.narrow(0, 0, n - nVal), y.narrow(0, 0, n - nVal)], [x.narrow(0, n - nVal, nVal), y.narrow(0, n - nVal, nVal)]];
}
