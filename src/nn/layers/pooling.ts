// Pooling layers: MaxPool2d, AvgPool2d, AdaptiveAvgPool2d.
import { ArgumentError, ShapeError, fmtShape } from "../../core/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { avgPool2d, maxPool2d, type AvgPool2dOptions, type Pool2dOptions } from "../functional.js";
import { pairOf, type Pair } from "./util.js";
import { concat, stack } from "../../ops/shape.js";

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: Pool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}`;
  }
}

export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly opts: AvgPool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.opts);
  }
  protected override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}`;
  }
}

/**
 * Average pooling to a fixed output size: output cell i covers input rows
 * floor(i·H/out) .. ceil((i+1)·H/out), as PyTorch. `null` keeps that dim's size.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError("adaptiveAvgPool2d", `expected [N,C,H,W] or [C,H,W], got ${fmtShape(x.shape)}`);
  const [H, W] = x.shape.slice(-2);
  const os = typeof outputSize === "number" ? [outputSize, outputSize] : outputSize;
  const oh = os[0] ?? H, ow = os[1] ?? W;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh <= 0 || ow <= 0) throw new ArgumentError("adaptiveAvgPool2d", `output size must be positive integers, got ${JSON.stringify(outputSize)}`);
  // Uniform windows reduce to a plain average pool (the common cases: global pooling, exact divisors).
  if (H % oh === 0 && W % ow === 0) return avgPool2d(x, [H / oh, W / ow]);
  const h = x.ndim - 2, w = x.ndim - 1;
  const rows = Array.from({ length: oh }, (_, i) => {
    const r0 = Math.floor((i * H) / oh), r1 = Math.ceil(((i + 1) * H) / oh);
    const band = x.narrow(h, r0, r1 - r0);
    const cells = Array.from({ length: ow }, (_, j) => {
      const c0 = Math.floor((j * W) / ow), c1 = Math.ceil(((j + 1) * W) / ow);
      return band.narrow(w, c0, c1 - c0).mean([h, w]);
    });
    return stack(cells, -1);
  });
  return concat(rows.map((r) => r.unsqueeze(-2)), -2);
}

export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  protected override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

export { pairOf };
