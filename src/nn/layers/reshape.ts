// nn.Unflatten: the inverse of Flatten (a decoder's first step from a code vector to feature maps).
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";

/**
 * Expands dim `dim` into `sizes` (PyTorch's nn.Unflatten): [N, 32·7·7] → [N, 32, 7, 7].
 * @example new nn.Unflatten(1, [32, 7, 7])
 */
export class Unflatten extends Module {
  readonly sizes: number[];
  constructor(readonly dim: number, sizes: readonly number[]) {
    super();
    if (!Number.isInteger(dim)) throw new ArgumentError("Unflatten", `dim must be an integer, got ${dim}`);
    if (sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || (s < 1 && s !== -1)) || sizes.filter((s) => s === -1).length > 1) {
      throw new ArgumentError("Unflatten", `sizes must be positive integers (one may be -1), got ${JSON.stringify(sizes)}`);
    }
    this.sizes = [...sizes];
  }
  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (d < 0 || d >= x.ndim) throw new ShapeError("Unflatten", `dim ${this.dim} is out of range for input ${fmtShape(x.shape)}`);
    return x.reshape([...x.shape.slice(0, d), ...this.sizes, ...x.shape.slice(d + 1)]);
  }
  protected override extraRepr(): string {
    return `dim=${this.dim}, sizes=[${this.sizes}]`;
  }
}
