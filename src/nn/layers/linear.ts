// nn.Linear and nn.Identity.
import type { Tensor } from "../../tensor/tensor.js";
import { empty } from "./util.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { linear } from "../functional.js";

/** y = x Wᵀ + b. weight [outFeatures, inFeatures], initialised as PyTorch (U(±1/sqrt(in))). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.weight = new Parameter(empty("Linear", [outFeatures, inFeatures]));
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    this.bias = opts.bias ?? true ? new Parameter(empty("Linear", [outFeatures])) : null;
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
