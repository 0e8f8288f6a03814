// Datasets: anything with a length and get(i) returning a sample (a list of tensors), and TensorDataset.
import { ArgumentError, IndexError, ShapeError, fmtShape } from "../core/errors.js";
import { Tensor } from "../tensor/tensor.js";

/** What DataLoader iterates over: `length` samples, each a list of tensors (e.g. [x, y]). */
export interface Dataset<T = Tensor[]> {
  readonly length: number;
  get(i: number): T;
}

/**
 * Samples are the rows (dim 0) of equally long tensors, as PyTorch's TensorDataset.
 * @example const ds1 = new data.TensorDataset(x, y); const [xi, yi] = ds1.get(0);
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ArgumentError("TensorDataset", "needs at least one tensor");
    for (const t of tensors) {
      if (!(t instanceof Tensor)) throw new ArgumentError("TensorDataset", `expected tensors, got ${typeof t}`);
      if (t.ndim === 0) throw new ShapeError("TensorDataset", "tensors must have at least one dim (the samples), got a scalar");
    }
    const n = tensors[0].shape[0];
    if (tensors.some((t) => t.shape[0] !== n)) {
      throw new ShapeError("TensorDataset", `tensors must have the same size in dim 0, got ${tensors.map((t) => fmtShape(t.shape)).join(", ")}`);
    }
    this.tensors = tensors;
  }

  /** Number of samples. */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row i of every tensor (views; negative i counts from the end). */
  get(i: number): Tensor[] {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError("TensorDataset.get", `index ${i} is out of range for ${n} samples`);
    const j = i < 0 ? i + n : i;
    return this.tensors.map((t) => t.index(j));
  }
}
