// DataLoader: iterates a dataset in (optionally shuffled) batches stacked along dim 0.
import { ArgumentError, ShapeError, fmtShape } from "../core/errors.js";
import { PCG32, globalRng, type RngState } from "../core/rng.js";
import { checkBoolean, checkOptions, optionNames } from "../core/options.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/shape.js";
import { indexSelect } from "../ops/indexing.js";
import { TensorDataset, type Dataset } from "./dataset.js";
import { frame, stepBoundary } from "../tensor/memory.js";

export interface DataLoaderOptions<B = Tensor[]> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Reorder the samples at the start of every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /**
   * Shuffle with a private generator seeded by `seed + epoch`, so every epoch has its own order
   * and a rerun repeats them all. Without it, shuffling draws from the global generator (`ds.seed`).
   */
  seed?: number;
  /** Shuffle with this generator (`new ds.Generator(0)`, PyTorch's `generator=`) instead of the global one. */
  generator?: PCG32;
  /** Turns a list of samples into a batch (default: stack each position along a new dim 0). */
  collate?: (samples: Tensor[][]) => B;
}
const DATALOADER_OPTIONS = optionNames<DataLoaderOptions>({ batchSize: true, shuffle: true, dropLast: true, seed: true, generator: true, collate: true });

/** Where a DataLoader stands (stateDict/loadStateDict), as plain JSON: what fit's checkpoints save to resume mid-epoch. */
export interface DataLoaderState {
  /** Epochs started. */
  epoch: number;
  /** Batches that the last epoch started has yielded. */
  position: number;
  /** The state of the generator that shuffled the last epoch started, just before it drew the order (null: not shuffled). */
  order: RngState | null;
  /** The state of the loader's own generator (null: it has none). */
  generator: RngState | null;
}

/**
 * Batches of a dataset, as PyTorch's DataLoader: `for (const [x, y] of loader) …`. Each pass
 * over the loader is one epoch. Batches of a TensorDataset are gathered with one indexSelect
 * per tensor; other datasets are read sample by sample and stacked.
 * @example
 * const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { … }
 */
export class DataLoader<B = Tensor[]> implements Iterable<B> {
  readonly dataset: Dataset<Tensor[]>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly seed: number | undefined;
  /** The generator shuffles draw from, when given one. */
  readonly generator: PCG32 | null;
  /** Epochs started so far (each iteration over the loader starts one). */
  epoch = 0;
  private readonly collate: ((samples: Tensor[][]) => B) | undefined;
  // The last epoch started: batches yielded, and its shuffling generator's state before the order was drawn.
  #position = 0;
  #orderState: RngState | null = null;
  // Set by loadStateDict to a partly done epoch: the next iteration finishes it instead of starting one.
  #resume: { order: RngState | null; position: number } | null = null;

  constructor(dataset: Dataset<Tensor[]>, opts: DataLoaderOptions<B> = {}) {
    if (!dataset || typeof dataset.get !== "function" || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new ArgumentError("DataLoader", "dataset must have an integer length and a get(i) method");
    }
    checkOptions("DataLoader", opts, DATALOADER_OPTIONS);
    const batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError("DataLoader", `batchSize must be a positive integer, got ${batchSize}`);
    if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) throw new ArgumentError("DataLoader", `seed must be an integer, got ${opts.seed}`);
    if (opts.generator !== undefined && !(opts.generator instanceof PCG32)) throw new ArgumentError("DataLoader", "generator must be a ds.Generator");
    if (opts.generator !== undefined && opts.seed !== undefined) throw new ArgumentError("DataLoader", "give seed or generator, not both");
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = checkBoolean("DataLoader", "shuffle", opts.shuffle ?? false);
    this.dropLast = checkBoolean("DataLoader", "dropLast", opts.dropLast ?? false);
    if (opts.collate !== undefined && typeof opts.collate !== "function") throw new ArgumentError("DataLoader", `collate must be a function, got ${typeof opts.collate}`);
    this.seed = opts.seed;
    this.generator = opts.generator ?? null;
    this.collate = opts.collate;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of an epoch, shuffled by `rng` (null: in order). */
  private order(rng: PCG32 | null): Int32Array {
    const n = this.dataset.length;
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (rng) shuffleInPlace(idx, rng);
    return idx;
  }

  *[Symbol.iterator](): Iterator<B> {
    let order: Int32Array, start = 0;
    const resume = this.#resume;
    this.#resume = null;
    if (resume) {
      // Finish the epoch loadStateDict described: the same order, from where it stopped.
      order = this.order(resume.order ? PCG32.fromState(resume.order) : null);
      start = resume.position;
    } else {
      const rng = !this.shuffle ? null : this.generator ?? (this.seed === undefined ? globalRng : new PCG32(this.seed + this.epoch));
      this.#orderState = rng ? rng.getState() : null;
      order = this.order(rng);
      this.epoch++;
    }
    this.#position = start;
    const batches = this.length;
    for (let b = start; b < batches; b++) {
      const ids = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      // A new batch starts a step (tensor/memory.ts): an evaluation loop has no optimizer to say so.
      stepBoundary(this);
      this.#position = b + 1;
      yield frame(() => this.makeBatch(ids));
    }
  }

  /**
   * Where the loader stands: epochs started, batches yielded in the last one, and the generator
   * states that reproduce its order. With loadStateDict, a loader in a new process finishes a
   * partly done epoch with the same order (torchdata's StatefulDataLoader).
   */
  stateDict(): DataLoaderState {
    const r = this.#resume;
    return {
      epoch: this.epoch, position: r ? r.position : this.#position, order: r ? r.order : this.#orderState,
      generator: this.generator ? this.generator.getState() : null,
    };
  }

  /**
   * Continues from stateDict(): the next iteration finishes the epoch it describes if that epoch
   * was partly done, else starts the next one. Checked first: a bad state changes nothing.
   */
  loadStateDict(state: DataLoaderState): void {
    const op = "DataLoader.loadStateDict";
    const s = state as unknown as Record<string, unknown> | null;
    if (s === null || typeof s !== "object") throw new ArgumentError(op, "expected a value from stateDict()");
    const epoch = s.epoch, position = s.position;
    if (!Number.isSafeInteger(epoch) || (epoch as number) < 0) throw new ArgumentError(op, `epoch must be an integer >= 0, got ${String(epoch)}`);
    if (!Number.isSafeInteger(position) || (position as number) < 0 || (position as number) > this.length) {
      throw new ArgumentError(op, `position must be an integer in [0, ${this.length}] (batches per epoch), got ${String(position)}`);
    }
    const order = s.order === null ? null : (s.order as RngState);
    if (order !== null) PCG32.fromState(order); // throws on a malformed state
    if ((s.generator === null) !== (this.generator === null)) {
      throw new ArgumentError(op, this.generator ? "the state has no generator state, but this loader has a generator" : "the state has a generator state, but this loader has no generator");
    }
    if (this.generator) PCG32.fromState(s.generator as RngState);
    if (this.generator) this.generator.setState(s.generator as RngState);
    this.epoch = epoch as number;
    this.#position = position as number;
    this.#orderState = order;
    this.#resume = (epoch as number) > 0 && (position as number) < this.length ? { order, position: position as number } : null;
  }

  private makeBatch(ids: Int32Array): B {
    if (this.collate) return this.collate(Array.from(ids, (i) => this.dataset.get(i)));
    if (this.dataset instanceof TensorDataset) {
      const index = tensor(ids.slice(), { dtype: "int32" });
      return this.dataset.tensors.map((t) => indexSelect(t, 0, index)) as B;
    }
    return defaultCollate(Array.from(ids, (i) => this.dataset.get(i))) as B;
  }
}

/** Stacks position k of every sample into batch tensor k (PyTorch's default_collate for tuples of tensors). */
export function defaultCollate(samples: Tensor[][]): Tensor[] {
  if (samples.length === 0) return [];
  const width = samples[0].length;
  for (const [i, s] of samples.entries()) {
    if (!Array.isArray(s) || s.length !== width) {
      throw new ShapeError("DataLoader", `samples must be lists of ${width} tensors; sample ${i} has ${Array.isArray(s) ? s.length : typeof s}`);
    }
  }
  return Array.from({ length: width }, (_, k) => {
    const parts = samples.map((s) => s[k]);
    const shape = fmtShape(parts[0].shape);
    const bad = parts.findIndex((p) => fmtShape(p.shape) !== shape);
    if (bad >= 0) throw new ShapeError("DataLoader", `cannot stack position ${k} of the samples: shapes ${shape} and ${fmtShape(parts[bad].shape)}`);
    return stack(parts, 0);
  });
}

/** Fisher–Yates shuffle with a PCG32 generator. */
export function shuffleInPlace(a: Int32Array | number[], rng: PCG32): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextInt(0, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
