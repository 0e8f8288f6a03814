// Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type Pool2dOptions } from "../functional.js";
import { optionsRepr, pairOf, type Pair } from "./util.js";
import { checkOptions, optionNames } from "../../core/options.js";

const MAX_POOL_OPTIONS = optionNames<Pool2dOptions>({ stride: true, padding: true, dilation: true, ceilMode: true });
const AVG_POOL_OPTIONS = optionNames<AvgPool2dOptions>({ stride: true, padding: true, ceilMode: true, countIncludePad: true });
import { checkOutputSize, checkPool } from "./checks.js";

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: Pool2dOptions = {}) {
    super();
    checkOptions("MaxPool2d", opts, MAX_POOL_OPTIONS);
    checkPool("MaxPool2d", kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${optionsRepr(this.opts)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: AvgPool2dOptions = {}) {
    super();
    checkOptions("AvgPool2d", opts, AVG_POOL_OPTIONS);
    checkPool("AvgPool2d", kernelSize, opts);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}${optionsRepr(this.opts)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
    checkOutputSize("AdaptiveAvgPool2d", outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

export { pairOf, adaptiveAvgPool2d };
