// State dicts as safetensors files (readable by Python's safetensors, so PyTorch and deepscript
// exchange weights). Whole-model save/load, which needs the nn layers, is in nn/persist.ts.
import type { Tensor } from "../tensor/tensor.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsContents } from "./safetensors.js";
import { readBytes, writeAtomic } from "./files.js";

/**
 * Writes tensors to a safetensors file (readable by Python's `safetensors`, so PyTorch can load
 * deepscript weights and vice versa). Atomic: a temp file is written, flushed and renamed.
 * @example io.saveStateDict(model.stateDict(), "weights.safetensors", { epoch: "3" });
 */
export function saveStateDict(sd: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  writeAtomic("saveStateDict", path, encodeSafetensors(sd, metadata, "saveStateDict"));
}

/** The tensors and the string metadata of a safetensors file, everything validated first. */
export function readSafetensors(path: string, op = "readSafetensors"): SafetensorsContents {
  return decodeSafetensors(readBytes(op, path), path, op);
}

/**
 * Reads a safetensors file (from deepscript, PyTorch's `safetensors.torch.save_file`, …) into
 * a state dict for `model.loadStateDict`. int64 values load as int32 (an error if one does not
 * fit), float16/bfloat16 as float32.
 * @example model.loadStateDict(io.loadStateDict("weights.safetensors"));
 */
export function loadStateDict(path: string): Record<string, Tensor> {
  return readSafetensors(path, "loadStateDict").tensors;
}
