// `deepscript export MODEL OUT.onnx`: a model saved by io.save (e.g. by `deepscript train`) as an
// ONNX file for ONNX Runtime and other runtimes (io.saveOnnx: opset 17, dynamic batch).
import { existsSync } from "node:fs";
import { ArgumentError, FileError } from "../core/errors.js";
import * as ds from "../tensor/index.js";
import * as io from "../io-namespace.js";
import { Module } from "../nn/module.js";
import { Conv1d, Conv2d } from "../nn/layers/conv.js";
import { Linear } from "../nn/layers/linear.js";

type AnyModule = Module<never[], unknown>;

// The CLI's image models read 28×28 digits, so a convolution first means [1, C, 28, 28].
function defaultShape(model: AnyModule): number[] {
  const first = model.modules().find((m) => m instanceof Linear || m instanceof Conv2d || m instanceof Conv1d);
  if (first instanceof Linear) return [1, first.weight.shape[1]];
  if (first instanceof Conv2d) return [1, first.inChannels, 28, 28];
  throw new ArgumentError("export", "cannot tell the model's input shape: pass --shape (e.g. --shape 1,3,32,32)");
}

/** Writes `out` from the model at `modelPath`; returns what was written, for the console. */
export function exportCommand(modelPath: string, out: string, opts: { shape?: string }): string {
  if (!existsSync(modelPath)) throw new FileError("export", modelPath, "model file not found");
  const model = io.load(modelPath) as unknown as AnyModule;
  let shape: number[];
  if (opts.shape !== undefined) {
    shape = opts.shape.split(",").map(Number);
    if (!shape.length || shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ArgumentError("export", `--shape must be positive integers separated by commas, got "${opts.shape}"`);
  } else shape = defaultShape(model);
  io.saveOnnx(model, ds.zeros(shape), out);
  return `wrote ${out} (ONNX opset ${io.EXPORT_OPSET}, input [batch,${shape.slice(1).join(",")}])`;
}
