// nn.Conv1d and nn.Conv2d (PyTorch's argument order and default initialisation).
import { checkOptions, optionNames } from "../../core/options.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { Parameter } from "../parameter.js";
import { kaimingUniform_, uniform_ } from "../init.js";
import { conv1d, conv2d } from "../functional.js";
import { empty, optionsRepr, pairOf, type Pair } from "./util.js";
import { checkConv } from "./checks.js";

export interface ConvOptions<P> {
  stride?: P;
  padding?: P | "same" | "valid";
  dilation?: P;
  groups?: number;
  bias?: boolean;
}
const CONV_OPTIONS = optionNames<ConvOptions<Pair>>({ stride: true, padding: true, dilation: true, groups: true, bias: true });

// PyTorch: weight kaiming_uniform(a=√5), bias U(±1/√fan_in) with fan_in = in/groups · kernel area.
function initConv(weight: Parameter, bias: Parameter | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  const fanIn = weight.shape.slice(1).reduce((a, b) => a * b, 1);
  if (bias) uniform_(bias, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
}

/** 2-d convolution over [N, C, H, W]. weight [out, in/groups, kH, kW]. */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, readonly opts: ConvOptions<Pair> = {}) {
    super();
    checkOptions("Conv2d", opts, CONV_OPTIONS);
    const groups = opts.groups ?? 1;
    checkConv("Conv2d", 2, inChannels, outChannels, kernelSize, opts);
    this.kernelSize = pairOf(kernelSize);
    this.weight = new Parameter(empty("Conv2d", [outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = opts.bias ?? true ? new Parameter(empty("Conv2d", [outChannels])) : null;
    initConv(this.weight, this.bias);
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.opts;
    return conv2d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize}]${optionsRepr(this.opts)}`;
  }
}

/** 1-d convolution over [N, C, L]. weight [out, in/groups, k]. */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, readonly opts: ConvOptions<number> = {}) {
    super();
    checkOptions("Conv1d", opts, CONV_OPTIONS);
    const groups = opts.groups ?? 1;
    checkConv("Conv1d", 1, inChannels, outChannels, kernelSize, opts);
    this.weight = new Parameter(empty("Conv1d", [outChannels, inChannels / groups, kernelSize]));
    this.bias = opts.bias ?? true ? new Parameter(empty("Conv1d", [outChannels])) : null;
    initConv(this.weight, this.bias);
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, dilation, groups } = this.opts;
    return conv1d(x, this.weight, this.bias, { stride, padding, dilation, groups });
  }
  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}${optionsRepr(this.opts)}`;
  }
}
