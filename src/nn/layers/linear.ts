// nn.Linear and nn.Identity.
import type { Tensor } from "../../tensor/tensor.js";
import { checkBoolean, checkNumber, checkOptions, optionNames } from "../../core/options.js";
import { empty } from "./util.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { linear } from "../functional.js";

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}
const LINEAR_OPTIONS = optionNames<LinearOptions>({ bias: true });

/** y = x Wᵀ + b. weight [outFeatures, inFeatures], initialised as PyTorch (U(±1/sqrt(in))). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkOptions("Linear", opts, LINEAR_OPTIONS);
    checkNumber("Linear", "inFeatures", inFeatures, { min: 1, integer: true });
    checkNumber("Linear", "outFeatures", outFeatures, { min: 1, integer: true });
    const bias = checkBoolean("Linear", "bias", opts.bias ?? true);
    this.weight = new Parameter(empty("Linear", [outFeatures, inFeatures]));
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    this.bias = bias ? new Parameter(empty("Linear", [outFeatures])) : null;
    if (this.bias) uniform_(this.bias, -1 / Math.sqrt(inFeatures), 1 / Math.sqrt(inFeatures));
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
  protected override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
