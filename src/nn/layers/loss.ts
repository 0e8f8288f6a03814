// Loss modules: the class forms of the loss functions (options in the constructor).
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { crossEntropy, mse, type CrossEntropyOptions } from "../functional.js";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, nllLoss,
  type BceOptions, type BceWithLogitsOptions, type NllOptions, type Reduction,
} from "../losses.js";

type Loss = Module<[Tensor, Tensor], Tensor>;

export class CrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> implements Loss {
  constructor(readonly opts: CrossEntropyOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, this.opts); }
}

export class NLLLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly opts: NllOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return nllLoss(input, target, this.opts); }
}

export class MSELoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly opts: { reduction?: Reduction } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return mse(input, target, this.opts); }
}

export class L1Loss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly opts: { reduction?: Reduction } = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.opts); }
}

export class BCELoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly opts: BceOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, this.opts); }
}

export class BCEWithLogitsLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly opts: BceWithLogitsOptions = {}) { super(); }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropyWithLogits(input, target, this.opts); }
}
