// State dicts as safetensors files (readable by Python's safetensors, so PyTorch and deepscript
// exchange weights). Whole-model save/load, which needs the nn layers, is in nn/persist.ts.
import type { Tensor } from "../tensor/tensor.js";
import { decodeTensors, encodeSafetensors, parseSafetensors, type SafetensorsContents, type SafetensorsLimits } from "./safetensors.js";
import { readBytes, writeAtomic } from "./files.js";
import { checkOptions } from "../core/options.js";
import { withSource, type AsyncSource, type FileSource, type SyncSource } from "../core/source.js";

/**
 * Writes tensors to a safetensors file (readable by Python's `safetensors`, so PyTorch can load
 * deepscript weights and vice versa). Atomic: a temp file is written, flushed and renamed.
 * Without a path (as in a browser) it returns the file's contents as a Blob instead.
 * @example io.saveStateDict(model.stateDict(), "weights.safetensors", { epoch: "3" });
 */
export function saveStateDict(sd: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void;
export function saveStateDict(sd: Record<string, Tensor>, path?: undefined, metadata?: Record<string, string>): Blob;
export function saveStateDict(sd: Record<string, Tensor>, path?: string, metadata?: Record<string, string>): void | Blob {
  const bytes = encodeSafetensors(sd, metadata, "saveStateDict");
  if (path === undefined) return new Blob(bytes as BlobPart[], { type: "application/octet-stream" });
  writeAtomic("saveStateDict", path, bytes);
}

/** The option names of SafetensorsLimits. */
export const SAFETENSORS_LIMIT_KEYS = ["maxHeaderBytes"] as const;

/**
 * The tensors and the string metadata of a safetensors file, everything validated first.
 * `limits.maxHeaderBytes` raises or lowers the header size accepted (default 100 MB).
 * Takes a path or bytes, or (returning a Promise) a URL, Response, File or Blob.
 * @example const { tensors, metadata } = io.readSafetensors("weights.safetensors");
 */
export function readSafetensors(src: SyncSource, limits?: SafetensorsLimits): SafetensorsContents;
export function readSafetensors(src: AsyncSource, limits?: SafetensorsLimits): Promise<SafetensorsContents>;
export function readSafetensors(src: FileSource, limits?: SafetensorsLimits): SafetensorsContents | Promise<SafetensorsContents>;
export function readSafetensors(src: FileSource, limits: SafetensorsLimits = {}): SafetensorsContents | Promise<SafetensorsContents> {
  return readSafetensorsAs("readSafetensors", src, limits);
}

/** readSafetensors with the op that errors name (io.load, loadStateDict, …). */
export function readSafetensorsAs(op: string, src: string, limits?: SafetensorsLimits): SafetensorsContents;
export function readSafetensorsAs(op: string, src: FileSource, limits?: SafetensorsLimits): SafetensorsContents | Promise<SafetensorsContents>;
export function readSafetensorsAs(op: string, src: FileSource, limits: SafetensorsLimits = {}): SafetensorsContents | Promise<SafetensorsContents> {
  checkOptions(op, limits, SAFETENSORS_LIMIT_KEYS);
  const decode = (bytes: Uint8Array, name: string) => decodeTensors(bytes, parseSafetensors(bytes, name, op, limits), name, op);
  return typeof src === "string" ? decode(readBytes(op, src), src) : withSource(op, src, decode);
}

/**
 * Reads a safetensors file (from deepscript, PyTorch's `safetensors.torch.save_file`, …) into
 * a state dict for `model.loadStateDict`. int64 values load as int32 (an error if one does not
 * fit), float16/bfloat16 as float32.
 * Takes a path or bytes, or (returning a Promise) a URL, Response, File or Blob.
 * @example model.loadStateDict(io.loadStateDict("weights.safetensors"));
 */
export function loadStateDict(src: SyncSource, limits?: SafetensorsLimits): Record<string, Tensor>;
export function loadStateDict(src: AsyncSource, limits?: SafetensorsLimits): Promise<Record<string, Tensor>>;
export function loadStateDict(src: FileSource, limits?: SafetensorsLimits): Record<string, Tensor> | Promise<Record<string, Tensor>>;
export function loadStateDict(src: FileSource, limits: SafetensorsLimits = {}): Record<string, Tensor> | Promise<Record<string, Tensor>> {
  const r = readSafetensorsAs("loadStateDict", src, limits);
  return r instanceof Promise ? r.then((c) => c.tensors) : r.tensors;
}
