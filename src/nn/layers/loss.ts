// Loss modules: the class forms of the loss functions (options in the constructor). Class
// weights are buffers, as in PyTorch, so they appear in the state dict ("weight", "pos_weight")
// and follow module.to(dtype).
import { ArgumentError } from "../../core/errors.js";
import { checkChoice, checkNumber, checkOptions, optionNames } from "../../core/options.js";
import { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, l1Loss, mse, nllLoss,
  type BceOptions, type BceWithLogitsOptions, type CrossEntropyOptions, type NllOptions, type Reduction,
} from "../losses.js";

type Loss = Module<[Tensor, Tensor], Tensor>;
type ReductionOptions = { reduction?: Reduction };

// The options of each loss module, beside the constructors (the types are the functions', in nn/losses.ts).
const NLL_OPTIONS = optionNames<NllOptions>({ weight: true, ignoreIndex: true, reduction: true });
const CROSS_ENTROPY_OPTIONS = optionNames<CrossEntropyOptions>({ weight: true, ignoreIndex: true, reduction: true, labelSmoothing: true });
const REDUCTION_OPTIONS = optionNames<ReductionOptions>({ reduction: true });
const BCE_OPTIONS = optionNames<BceOptions>({ weight: true, reduction: true });
const BCE_WITH_LOGITS_OPTIONS = optionNames<BceWithLogitsOptions>({ weight: true, reduction: true, posWeight: true });

/** Checks a loss module's options: names, reduction, and the other fields it has. */
function checkLoss(name: string, opts: object, allowed: readonly string[]): void {
  const o = checkOptions(name, opts, allowed);
  if (o.reduction !== undefined) checkChoice(name, "reduction", o.reduction, ["mean", "sum", "none"]);
  for (const key of ["weight", "posWeight"]) {
    if (o[key] !== undefined && o[key] !== null && !(o[key] instanceof Tensor)) throw new ArgumentError(name, `${key} must be a tensor or null, got ${typeof o[key]}`);
  }
  if (o.ignoreIndex !== undefined) checkNumber(name, "ignoreIndex", o.ignoreIndex, { integer: true });
  if (o.labelSmoothing !== undefined && !(typeof o.labelSmoothing === "number" && o.labelSmoothing >= 0 && o.labelSmoothing <= 1)) {
    throw new ArgumentError(name, `labelSmoothing must be in [0, 1], got ${String(o.labelSmoothing)}`);
  }
}

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
  constructor(opts: CrossEntropyOptions = {}) {
    checkLoss("CrossEntropyLoss", opts, CROSS_ENTROPY_OPTIONS);
    super(opts);
  }
  forward(input: Tensor, target: Tensor): Tensor { return crossEntropy(input, target, { ...this.opts, weight: this.weight }); }
}

/** Negative log-likelihood of log-probabilities at class indices. */
export class NLLLoss extends WeightedLoss<NllOptions> {
  constructor(opts: NllOptions = {}) {
    checkLoss("NLLLoss", opts, NLL_OPTIONS);
    super(opts);
  }
  forward(input: Tensor, target: Tensor): Tensor { return nllLoss(input, target, { ...this.opts, weight: this.weight }); }
}

/** Mean squared error. */
export class MSELoss extends Module<[Tensor, Tensor], Tensor> implements Loss {
  constructor(readonly opts: ReductionOptions = {}) {
    super();
    checkLoss("MSELoss", opts, REDUCTION_OPTIONS);
  }
  forward(input: Tensor, target: Tensor): Tensor { return mse(input, target, this.opts); }
}

/** Mean absolute error. */
export class L1Loss extends Module<[Tensor, Tensor], Tensor> implements Loss {
  constructor(readonly opts: ReductionOptions = {}) {
    super();
    checkLoss("L1Loss", opts, REDUCTION_OPTIONS);
  }
  forward(input: Tensor, target: Tensor): Tensor { return l1Loss(input, target, this.opts); }
}

/** Binary cross-entropy of probabilities. */
export class BCELoss extends WeightedLoss<BceOptions> {
  constructor(opts: BceOptions = {}) {
    checkLoss("BCELoss", opts, BCE_OPTIONS);
    super(opts);
  }
  forward(input: Tensor, target: Tensor): Tensor { return binaryCrossEntropy(input, target, { ...this.opts, weight: this.weight }); }
}

/** Sigmoid + binary cross-entropy, stable for large logits; `posWeight` weighs positives per class. */
export class BCEWithLogitsLoss extends WeightedLoss<BceWithLogitsOptions> {
  declare posWeight: Tensor | null;
  constructor(opts: BceWithLogitsOptions = {}) {
    checkLoss("BCEWithLogitsLoss", opts, BCE_WITH_LOGITS_OPTIONS);
    super(opts);
    if (opts.posWeight) this.registerBuffer("posWeight", opts.posWeight);
    else this.posWeight = null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { ...this.opts, weight: this.weight, posWeight: this.posWeight });
  }
}
