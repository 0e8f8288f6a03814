// nn.Parameter: a tensor that a Module registers as learnable (requiresGrad by default).
import { Tensor } from "../tensor/tensor.js";
import { keep } from "../tensor/memory.js";

/**
 * Marks a tensor as a module parameter. Shares the data of `data`; owned by its module, so it
 * never belongs to a scope.
 * @example this.weight = new nn.Parameter(ds.randn([out, inp]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data._owned(), data.shape, data.strides, data.offset);
    keep(this);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
