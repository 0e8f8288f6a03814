// Loss modules: the class forms of the loss functions (options in the constructor). Class
// weights are buffers, as in PyTorch, so they appear in the state dict ("weight", "pos_weight")
// and follow module.to(dtype).
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mse, nllLoss,
  type BceOptions, type BceWithLogitsOptions, type CrossEntropyOptions, type NllOptions, type Reduction,
} from "../losses.js";

type Loss = Module<[Tensor, Tensor], Tensor>;

/** A loss with an optional per-class (or per-element) `weight` buffer. */
abstract class WeightedLoss<O extends { weight?: Tensor | null; reduction?: Reduction }> extends Module<[Tensor, Tensor], Tensor> implements Loss {
  declare weight: Tensor | null;
  constructor(readonly opts: O) {
    super();
    if (opts.weight) this.registerBuffer("weight", opts.weight);
    else this.weight = null;
  }
  protected override extraRepr(): string {
    return this.opts.reduction && this.opts.reduction !== "mean" ? `reduction=${this.opts.reduction}` : "";
  }
}

/** Cross-entropy of logits against class indices or probabilities: `new nn.CrossEntropyLoss({ labelSmoothing: 0.1 })`. */
export class CrossEntropyLoss extends WeightedLoss<CrossEntropyOptions> {
  constructor(opts: CrossEntropyOptions = {}) { super(opts); }
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, { ...this.opts, weight: this.weight }); }
}

/** Negative log-likelihood of log-probabilities at class indices. */
export class NLLLoss extends WeightedLoss<NllOptions> {
  constructor(opts: NllOptions = {}) { super(opts); }
  forward(input: Tensor, target: Tensor): Tensor { return nllLoss(input, target, { ...this.opts, weight: this.weight }); }
}

/** Mean squared error. */
export class MSELoss extends Module<[Tensor, Tensor], Tensor> implements Loss {
  constructor(readonly opts: { reduction?: Reduction } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return mse(input, target, this.opts); }
}

/** Mean absolute error. */
export class L1Loss extends Module<[Tensor, Tensor], Tensor> implements Loss {
  constructor(readonly opts: { reduction?: Reduction } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.opts); }
}

/** Binary cross-entropy of probabilities. */
export class BCELoss extends WeightedLoss<BceOptions> {
  constructor(opts: BceOptions = {}) { super(opts); }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, { ...this.opts, weight: this.weight }); }
}

/** Sigmoid + binary cross-entropy, stable for large logits; `posWeight` weighs positives per class. */
export class BCEWithLogitsLoss extends WeightedLoss<BceWithLogitsOptions> {
  declare posWeight: Tensor | null;
  constructor(opts: BceWithLogitsOptions = {}) {
    super(opts);
    if (opts.posWeight) this.registerBuffer("posWeight", opts.posWeight);
    else this.posWeight = null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.opts, weight: this.weight, posWeight: this.posWeight });
  }
}
