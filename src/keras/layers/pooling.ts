// Keras pooling: MaxPooling1D/2D, AveragePooling1D/2D and the global poolings, on nn.F's maxPool2d
// and avgPool2d. TensorFlow's "same" pooling pads after the data when uneven; max pooling pads with
// -inf and average pooling divides by the number of real inputs in each window (as TensorFlow).
import { ShapeError } from "../../core/errors.js";
import type { DType } from "../../core/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { avgPool2d, maxPool2d } from "../../nn/functional.js";
import { Layer, layerOptions, one, oneShape, type Args, type LayerOptions } from "../layer.js";
import { checkDataFormat, checkPadding, convLength, fmtShape, samePads, tuple, type DataFormat, type Padding, type Shape } from "../shape.js";
import type { Config } from "../names.js";

export interface PoolingOptions extends LayerOptions {
  poolSize?: number | number[];
  /** Default: poolSize. */
  strides?: number | number[] | null;
  padding?: Padding;
  dataFormat?: DataFormat | "channelsLast" | "channelsFirst";
}

/** Pools over [N, C, H, W] (channels first), TensorFlow's "same" padding included. */
function pool2d(kind: "max" | "avg", x: Tensor, k: number[], s: number[], padding: Padding): Tensor {
  const [H, W] = x.shape.slice(2);
  const stride: [number, number] = [s[0], s[1]], kernel: [number, number] = [k[0], k[1]];
  if (padding === "valid") return kind === "max" ? maxPool2d(x, kernel, { stride }) : avgPool2d(x, kernel, { stride });
  const [pt, pb] = samePads(H, k[0], s[0]), [pl, pr] = samePads(W, k[1], s[1]);
  if (kind === "max") return maxPool2d(x.pad([pl, pr, pt, pb], -Infinity), kernel, { stride });
  // Mean over the real inputs only: window sums of the zero-padded data over window counts of ones.
  const sums = avgPool2d(x.pad([pl, pr, pt, pb]), kernel, { stride });
  const counts = avgPool2d(ds.ones([1, 1, H, W], { dtype: x.dtype }).pad([pl, pr, pt, pb]), kernel, { stride });
  return sums.div(counts);
}

abstract class Pooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  constructor(readonly rank: 1 | 2, readonly kind: "max" | "avg", opts: PoolingOptions) {
    super(opts);
    this.poolSize = tuple(this.op, "poolSize", opts.poolSize ?? 2, rank);
    this.strides = tuple(this.op, "strides", opts.strides ?? this.poolSize, rank);
    this.padding = checkPadding(this.op, opts.padding ?? "valid");
    this.dataFormat = checkDataFormat(this.op, opts.dataFormat);
    this.inputSpec = [{ ndim: rank + 2 }];
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    const last = this.dataFormat === "channels_last";
    if (this.rank === 2) {
      const y = pool2d(this.kind, last ? t.permute([0, 3, 1, 2]) : t, this.poolSize, this.strides, this.padding);
      return last ? y.permute([0, 2, 3, 1]) : y;
    }
    // 1-d: a 2-d pool over [N, C, 1, L].
    const y = pool2d(this.kind, (last ? t.permute([0, 2, 1]) : t).unsqueeze(2), [1, this.poolSize[0]], [1, this.strides[0]], this.padding).squeeze(2);
    return last ? y.permute([0, 2, 1]) : y;
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(this.op, inputShape);
    const last = this.dataFormat === "channels_last";
    const space = last ? s.slice(1, -1) : s.slice(2);
    const out = space.map((n, i) => convLength(n, this.poolSize[i], this.strides[i], this.padding));
    if (out.some((n) => n !== null && n <= 0)) throw new ShapeError(this.op, `input ${fmtShape(s)} is smaller than the pool ${fmtShape(this.poolSize)}`);
    return last ? [s[0], ...out, s[s.length - 1]] : [s[0], s[1], ...out];
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), pool_size: this.poolSize, padding: this.padding, strides: this.strides, data_format: this.dataFormat };
  }
}

const POOL_OPTIONS = ["poolSize", "strides", "padding", "dataFormat"];

/** Maximum over poolSize windows (default 2×2, strides = poolSize). */
export class MaxPooling2D extends Pooling {
  static override className = "MaxPooling2D";
  constructor(opts: PoolingOptions = {}) {
    layerOptions("MaxPooling2D", opts, POOL_OPTIONS);
    super(2, "max", opts);
  }
}
/** Mean over poolSize windows (default 2×2, strides = poolSize). */
export class AveragePooling2D extends Pooling {
  static override className = "AveragePooling2D";
  constructor(opts: PoolingOptions = {}) {
    layerOptions("AveragePooling2D", opts, POOL_OPTIONS);
    super(2, "avg", opts);
  }
}
/** Maximum over windows along the steps of [batch, steps, channels]. */
export class MaxPooling1D extends Pooling {
  static override className = "MaxPooling1D";
  constructor(opts: PoolingOptions = {}) {
    layerOptions("MaxPooling1D", opts, POOL_OPTIONS);
    super(1, "max", opts);
  }
}
/** Mean over windows along the steps of [batch, steps, channels]. */
export class AveragePooling1D extends Pooling {
  static override className = "AveragePooling1D";
  constructor(opts: PoolingOptions = {}) {
    layerOptions("AveragePooling1D", opts, POOL_OPTIONS);
    super(1, "avg", opts);
  }
}

export interface GlobalPoolingOptions extends LayerOptions {
  dataFormat?: DataFormat | "channelsLast" | "channelsFirst";
  /** Keep the pooled dims with size 1. */
  keepdims?: boolean;
}

abstract class GlobalPooling extends Layer {
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  constructor(readonly rank: 1 | 2, readonly kind: "max" | "avg", opts: GlobalPoolingOptions) {
    super(opts);
    this.dataFormat = checkDataFormat(this.op, opts.dataFormat);
    this.keepdims = opts.keepdims ?? false;
    this.inputSpec = [{ ndim: rank + 2 }];
  }
  private axes(ndim: number): number[] {
    return Array.from({ length: this.rank }, (_, i) => (this.dataFormat === "channels_last" ? 1 + i : 2 + i)).slice(0, ndim - 2);
  }
  forward(x: Args): Tensor {
    const t = one(this.op, x);
    const axes = this.axes(t.ndim);
    return this.kind === "max" ? t.max(axes, this.keepdims) : t.mean(axes, this.keepdims);
  }
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = oneShape(this.op, inputShape);
    const axes = this.axes(s.length);
    return this.keepdims ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
  }
  override getConfig(): Config {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

/** Mean over rows and cols: [batch, channels]. */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override className = "GlobalAveragePooling2D";
  constructor(opts: GlobalPoolingOptions = {}) {
    layerOptions("GlobalAveragePooling2D", opts, ["dataFormat", "keepdims"]);
    super(2, "avg", opts);
  }
}
/** Maximum over rows and cols: [batch, channels]. */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override className = "GlobalMaxPooling2D";
  constructor(opts: GlobalPoolingOptions = {}) {
    layerOptions("GlobalMaxPooling2D", opts, ["dataFormat", "keepdims"]);
    super(2, "max", opts);
  }
}
/** Mean over steps: [batch, channels]. */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override className = "GlobalAveragePooling1D";
  constructor(opts: GlobalPoolingOptions = {}) {
    layerOptions("GlobalAveragePooling1D", opts, ["dataFormat", "keepdims"]);
    super(1, "avg", opts);
  }
}
/** Maximum over steps: [batch, channels]. */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override className = "GlobalMaxPooling1D";
  constructor(opts: GlobalPoolingOptions = {}) {
    layerOptions("GlobalMaxPooling1D", opts, ["dataFormat", "keepdims"]);
    super(1, "max", opts);
  }
}
