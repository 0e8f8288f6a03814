// The shared vocabulary of the ONNX operator files: an operator's definition (the attributes it
// knows, a load-time check of their values, and its run function over deepscript tensors), typed
// attribute access, and reading small integer tensors (shapes, axes) on the host.
import { ArgumentError } from "../../core/errors.js";
import type { DType } from "../../core/dtype.js";
import type { OnnxAttr, OnnxNode, OnnxTensor } from "../../io/onnx/read.js";
import { dtypeOfElem, ELEM_NAMES } from "../../io/onnx/read.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as ds from "../../tensor/index.js";

/** Where an operator runs: its node (for messages) and the model's opset. */
export interface OpContext {
  node: OnnxNode;
  opset: number;
}

/** One ONNX operator: the attributes it accepts, an optional load-time check, and its computation. */
export interface OpDef {
  attrs: readonly string[];
  /** A reason the node cannot run (an unsupported attribute value), or null. Runs at load time. */
  check?: (a: Attrs, c: OpContext) => string | null;
  /** Outputs in the node's output order (fewer is fine when the trailing ones are unused). */
  run: (x: (Tensor | undefined)[], a: Attrs, c: OpContext) => Tensor[];
}

/** A node's attributes with ONNX's defaults. */
export class Attrs {
  constructor(readonly map: Map<string, OnnxAttr>) {}
  has(name: string): boolean {
    return this.map.has(name);
  }
  int(name: string, dflt: number): number {
    const a = this.map.get(name);
    return a && a.kind === "int" ? a.value : dflt;
  }
  float(name: string, dflt: number): number {
    const a = this.map.get(name);
    return a && a.kind === "float" ? a.value : dflt;
  }
  string(name: string, dflt: string): string {
    const a = this.map.get(name);
    return a && a.kind === "string" ? a.value : dflt;
  }
  ints(name: string): number[] | undefined {
    const a = this.map.get(name);
    return a && a.kind === "ints" ? a.value : undefined;
  }
  floats(name: string): number[] | undefined {
    const a = this.map.get(name);
    return a && a.kind === "floats" ? a.value : undefined;
  }
  strings(name: string): string[] | undefined {
    const a = this.map.get(name);
    return a && a.kind === "strings" ? a.value : undefined;
  }
  tensor(name: string): OnnxTensor | undefined {
    const a = this.map.get(name);
    return a && a.kind === "tensor" ? a.value : undefined;
  }
}

/** The op name errors at run time give: the node and its type. */
export const opName = (c: OpContext) => `onnx ${c.node.opType} node "${c.node.name}"`;

/** A required input, or an ArgumentError naming the node. */
export function need(x: (Tensor | undefined)[], i: number, c: OpContext): Tensor {
  const t = x[i];
  if (!t) throw new ArgumentError(opName(c), `input ${i} is required but was not given`);
  return t;
}

/** The values of a small integer tensor (a shape, axes, pads) on the host. */
export function hostInts(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>, Number);
}

/** Axes normalised against rank `r` (negative counts from the end). */
export function normAxes(axes: readonly number[], r: number, c: OpContext): number[] {
  return axes.map((a) => {
    const v = a < 0 ? a + r : a;
    if (!Number.isInteger(v) || v < 0 || v >= r) throw new ArgumentError(opName(c), `axis ${a} is out of range for rank ${r}`);
    return v;
  });
}

/** deepscript's dtype of an ONNX element type (Cast's `to`), or an error naming the node. */
export function dtypeOf(elem: number, c: OpContext): DType {
  const d = dtypeOfElem(elem);
  if (!d) throw new ArgumentError(opName(c), `element type ${ELEM_NAMES[elem] ?? elem} is not supported`);
  return d;
}

/** An OnnxTensor as a deepscript tensor. */
export function fromOnnx(t: OnnxTensor): Tensor {
  return ds.tensor(t.dtype === "bool" ? Array.from(t.data, (v) => v !== 0) : t.data, { dtype: t.dtype }).reshape(t.shape);
}
