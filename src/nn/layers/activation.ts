// Activation layers: thin modules over the functions of the same names.
import type { Tensor } from "../../tensor/tensor.js";
import { ArgumentError } from "../../core/errors.js";
import { Module } from "../module.js";
import { checkChoice, checkNumber } from "../../core/options.js";
import { elu, gelu, leakyRelu, relu, sigmoid, softmax, logSoftmax, tanh, softplus } from "../functional.js";

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return relu(x); }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkNumber("LeakyReLU", "negativeSlope", negativeSlope);
  }
  forward(x: Tensor): Tensor { return leakyRelu(x, this.negativeSlope); }
  protected override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
    checkChoice("GELU", "approximate", approximate, ["none", "tanh"]);
  }
  forward(x: Tensor): Tensor { return gelu(x, this.approximate); }
  protected override extraRepr(): string { return this.approximate === "none" ? "" : `approximate=${this.approximate}`; }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkNumber("ELU", "alpha", alpha);
  }
  forward(x: Tensor): Tensor { return elu(x, this.alpha); }
  protected override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    checkNumber("Softplus", "beta", beta);
    if (beta === 0) throw new ArgumentError("Softplus", "beta must not be 0 (the output is log(1 + exp(beta·x)) / beta)");
    checkNumber("Softplus", "threshold", threshold);
  }
  forward(x: Tensor): Tensor { return softplus(x, this.beta, this.threshold); }
  protected override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return tanh(x); }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return sigmoid(x); }
}

/** Softmax along `dim` (PyTorch requires the dim; so do we). */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkNumber("Softmax", "dim", dim, { integer: true });
  }
  forward(x: Tensor): Tensor { return softmax(x, this.dim); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
    checkNumber("LogSoftmax", "dim", dim, { integer: true });
  }
  forward(x: Tensor): Tensor { return logSoftmax(x, this.dim); }
  protected override extraRepr(): string { return `dim=${this.dim}`; }
}
