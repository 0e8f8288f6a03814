// State dicts as safetensors files (readable by Python's safetensors, so PyTorch and deepscript
// exchange weights). Whole-model save/load, which needs the nn layers, is in nn/persist.ts.
import type { Tensor } from "../tensor/tensor.js";
import { decodeTensors, encodeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsLimits } from "./safetensors.js";
import { readBytes, writeAtomic } from "./files.js";
import { checkOptions } from "../core/options.js";

/**
 * Writes tensors to a safetensors file (readable by Python's `safetensors`, so PyTorch can load
 * deepscript weights and vice versa). Atomic: a temp file is written, flushed and renamed.
 * @example io.saveStateDict(model.stateDict(), "weights.safetensors", { epoch: "3" });
 */
export function saveStateDict(sd: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  writeAtomic("saveStateDict", path, encodeSafetensors(sd, metadata, "saveStateDict"));
}

/** The option names of SafetensorsLimits. */
export const SAFETENSORS_LIMIT_KEYS = ["maxHeaderBytes"] as const;

/**
 * The tensors and the string metadata of a safetensors file, everything validated first.
 * `limits.maxHeaderBytes` raises or lowers the header size accepted (default 100 MB).
 * @example const { tensors, metadata } = io.readSafetensors("weights.safetensors");
 */
export function readSafetensors(path: string, limits: SafetensorsLimits = {}): SafetensorsContents {
  return readSafetensorsAs("readSafetensors", path, limits);
}

/** readSafetensors with the op that errors name (io.load, loadStateDict, …). */
export function readSafetensorsAs(op: string, path: string, limits: SafetensorsLimits = {}): SafetensorsContents {
  checkOptions(op, limits, SAFETENSORS_LIMIT_KEYS);
  const bytes = readBytes(op, path);
  return decodeTensors(bytes, parseSafetensors(bytes, path, op, limits), path, op);
}

/**
 * Reads a safetensors file (from deepscript, PyTorch's `safetensors.torch.save_file`, …) into
 * a state dict for `model.loadStateDict`. int64 values load as int32 (an error if one does not
 * fit), float16/bfloat16 as float32.
 * @example model.loadStateDict(io.loadStateDict("weights.safetensors"));
 */
export function loadStateDict(path: string, limits: SafetensorsLimits = {}): Record<string, Tensor> {
  return readSafetensorsAs("loadStateDict", path, limits).tensors;
}
