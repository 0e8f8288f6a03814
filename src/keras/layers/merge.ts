// Keras' merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, called on
// a list of tensors (shapes broadcast as in Keras 3).
import { ArgumentError, ShapeError } from "../../core/errors.js";
import type { DType } from "../../core/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";
import { Layer, layerOptions, many, type Args, type LayerOptions } from "../layer.js";
import { fmtShape, type Shape } from "../shape.js";
import type { Config } from "../names.js";

const asList = (op: string, s: Shape | Shape[]): Shape[] => {
  if (!(s.length > 0 && Array.isArray(s[0])) || s.length < 2) throw new ArgumentError(op, "must be called on a list of at least 2 inputs");
  return s as Shape[];
};

/** NumPy broadcasting of Keras shapes (null broadcasts with anything). */
function broadcastShapes(op: string, shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let d: number | null = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v === 1) continue;
      if (v === null) { if (d === 1) d = null; continue; }
      if (d !== 1 && d !== null && d !== v) throw new ShapeError(op, `inputs of shapes ${shapes.map(fmtShape).join(", ")} do not broadcast`);
      d = v;
    }
    out.push(d);
  }
  return out;
}

abstract class Merge extends Layer {
  protected abstract combine(xs: Tensor[]): Tensor;
  forward(x: Args): Tensor {
    return this.combine(many(this.op, x));
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    return broadcastShapes(this.op, asList(this.op, s));
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
}

/** Elementwise sum of the inputs. */
export class Add extends Merge {
  static override className = "Add";
  constructor(opts: LayerOptions = {}) { layerOptions("Add", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor { return xs.reduce((a, b) => a.add(b)); }
}
/** First input minus the second. */
export class Subtract extends Merge {
  static override className = "Subtract";
  constructor(opts: LayerOptions = {}) { layerOptions("Subtract", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor {
    if (xs.length !== 2) throw new ArgumentError(this.op, `takes exactly 2 inputs, got ${xs.length}`);
    return xs[0].sub(xs[1]);
  }
}
/** Elementwise product. */
export class Multiply extends Merge {
  static override className = "Multiply";
  constructor(opts: LayerOptions = {}) { layerOptions("Multiply", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor { return xs.reduce((a, b) => a.mul(b)); }
}
/** Elementwise mean. */
export class Average extends Merge {
  static override className = "Average";
  constructor(opts: LayerOptions = {}) { layerOptions("Average", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor { return xs.reduce((a, b) => a.add(b)).div(xs.length); }
}
/** Elementwise maximum. */
export class Maximum extends Merge {
  static override className = "Maximum";
  constructor(opts: LayerOptions = {}) { layerOptions("Maximum", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor { return xs.reduce((a, b) => a.maximum(b)); }
}
/** Elementwise minimum. */
export class Minimum extends Merge {
  static override className = "Minimum";
  constructor(opts: LayerOptions = {}) { layerOptions("Minimum", opts, []); super(opts); }
  protected combine(xs: Tensor[]): Tensor { return xs.reduce((a, b) => a.minimum(b)); }
}

/** Concatenates the inputs along `axis` (default -1); the other dims must agree. */
export class Concatenate extends Layer {
  static override className = "Concatenate";
  readonly axis: number;
  constructor(opts: LayerOptions & { axis?: number } = {}) {
    layerOptions("Concatenate", opts, ["axis"]);
    super(opts);
    this.axis = opts.axis ?? -1;
  }
  forward(x: Args): Tensor {
    const xs = many(this.op, x);
    return ds.concat(xs, this.axis < 0 ? xs[0].ndim + this.axis : this.axis);
  }
  override computeOutputShape(s: Shape | Shape[]): Shape {
    const shapes = asList(this.op, s);
    const rank = shapes[0].length;
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (shapes.some((t) => t.length !== rank) || a < 0 || a >= rank) throw new ShapeError(this.op, `inputs ${shapes.map(fmtShape).join(", ")} cannot be concatenated on axis ${this.axis}`);
    const out = shapes[0].slice();
    for (let i = 0; i < rank; i++) {
      if (i === a) {
        out[i] = shapes.some((t) => t[i] === null) ? null : shapes.reduce((n, t) => n + (t[i] as number), 0);
        continue;
      }
      const known = shapes.map((t) => t[i]).filter((d) => d !== null);
      if (known.some((d) => d !== known[0])) throw new ShapeError(this.op, `inputs ${shapes.map(fmtShape).join(", ")} differ outside axis ${this.axis}`);
      out[i] = known[0] ?? null;
    }
    return out;
  }
  protected override computeOutputDtype(d: DType[]): DType {
    return d[0];
  }
  override getConfig(): Config {
    return { ...super.getConfig(), axis: this.axis };
  }
}
