// Whole models as one safetensors file: the weights plus the architecture as JSON in the
// file's metadata. Lives in nn/ because rebuilding a model needs the layer classes; the formats
// underneath are io/'s. Reached by users as io.save / io.load (src/io-namespace.ts).
import { ArgumentError, DeepScriptError, FileError, fmtShape } from "../core/errors.js";
import { isFloat } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";
import { version } from "../core/version.js";
import { buildModel, describeModel, type LayerSpec } from "./architecture.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { readSafetensors } from "../io/statedict.js";
import { modelFile, writeAtomic } from "../io/files.js";

type AnyModule = Module<never[], unknown>;

/** The metadata key under which io.save stores the model description (a JSON string). */
export const MODEL_KEY = "deepscript.model";

/** What io.save writes under MODEL_KEY. */
export interface ModelInfo {
  format: "deepscript.model";
  version: 1;
  /** deepscript's version that wrote the file. */
  deepscript: string;
  /** The root module's class name. */
  class: string;
  /** Whether the model was in training mode (io.load restores it). */
  training: boolean;
  /** The rebuildable architecture, or null for a model with user-defined modules. */
  architecture: LayerSpec | null;
  /** For architecture null: the first user-defined module (class and path). */
  custom?: string;
}

/**
 * Saves a model to one safetensors file: the weights (state dict, PyTorch's key names) plus the
 * architecture as JSON in the file's metadata under "deepscript.model". When `path` is an
 * existing directory the file is `path/model.safetensors`. A model built from user-defined
 * Module classes is saved too, but only its weights can be restored (see io.load). Atomic.
 * Returns the path of the file written.
 * @example io.save(model, "digits.safetensors"); const again = io.load("digits.safetensors");
 */
export function save(model: AnyModule, path: string): string {
  const file = modelFile(path);
  const d = describeModel(model);
  const info: ModelInfo = {
    format: "deepscript.model", version: 1, deepscript: version, class: model.constructor.name,
    training: model.training, architecture: "spec" in d ? d.spec : null,
  };
  if ("custom" in d) info.custom = d.custom;
  writeAtomic("io.save", file, encodeSafetensors(model.stateDict(), { [MODEL_KEY]: JSON.stringify(info) }, "io.save"));
  return file;
}

export interface LoadOptions<M> {
  /** Load the weights into this model instead of rebuilding one from the saved architecture. */
  model?: M;
}

/**
 * Loads a model saved by io.save: rebuilds the architecture from the file's JSON and loads the
 * weights, in the mode (train/eval) it was saved in. With `{ model }`, loads the weights into
 * that model instead (needed for user-defined Module classes, and for plain safetensors files).
 * The whole file is read and checked against the model (keys, shapes, dtypes) before any weight
 * is copied: a truncated, corrupt or mismatched file throws a FileError and changes nothing.
 * @example const model = io.load("digits.safetensors"); model.call(x);
 */
export function load<M extends AnyModule>(path: string, opts: LoadOptions<M> & { model: M }): M;
export function load(path: string, opts?: LoadOptions<AnyModule>): Module;
export function load(path: string, opts: LoadOptions<AnyModule> = {}): AnyModule {
  const op = "io.load";
  const file = modelFile(path);
  const { tensors, metadata } = readSafetensors(file, op);
  let model = opts.model;
  let info: ModelInfo | null = null;
  if (metadata[MODEL_KEY] !== undefined) info = parseInfo(op, file, metadata[MODEL_KEY]);
  if (!model) {
    if (!info) {
      throw new ArgumentError(op, `${file} holds weights only (no deepscript architecture in its metadata); construct the model and pass it: io.load(path, { model })`);
    }
    if (!info.architecture) {
      throw new ArgumentError(op, `${file} holds the weights of a model with user-defined modules (${info.custom ?? info.class}), ` +
        "which cannot be rebuilt from JSON; construct the model in code and load the weights into it: " +
        "model.loadStateDict(io.loadStateDict(path)), or io.load(path, { model })");
    }
    try {
      model = buildModel(info.architecture);
    } catch (e) {
      if (e instanceof DeepScriptError) throw new FileError(op, file, `corrupt architecture: ${e.message}`);
      throw e;
    }
  }
  checkWeights(op, file, model, tensors);
  model.loadStateDict(tensors);
  for (const t of Object.values(tensors)) t.dispose();
  if (!opts.model && info) model.train(info.training);
  return model;
}

function parseInfo(op: string, file: string, text: string): ModelInfo {
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch (e) {
    throw new FileError(op, file, `corrupt "${MODEL_KEY}" metadata: invalid JSON (${(e as Error).message})`);
  }
  const i = info as Partial<ModelInfo>;
  if (typeof i !== "object" || i === null || i.format !== "deepscript.model") throw new FileError(op, file, `corrupt "${MODEL_KEY}" metadata: not a deepscript model description`);
  if (i.version !== 1) throw new FileError(op, file, `model format version ${String(i.version)} is not supported by deepscript ${version} (expected 1)`);
  return { ...i, training: i.training === true } as ModelInfo;
}

/** Every difference between the file's tensors and the model's state dict, in one FileError. */
function checkWeights(op: string, file: string, model: AnyModule, sd: Record<string, Tensor>): void {
  const own = model.stateDict();
  const missing = Object.keys(own).filter((k) => !(k in sd));
  const unexpected = Object.keys(sd).filter((k) => !(k in own));
  const kind = (t: Tensor) => (isFloat(t.dtype) ? "float" : t.dtype);
  const conflicts: string[] = [];
  for (const [k, t] of Object.entries(own)) {
    const src = sd[k];
    if (!src) continue;
    if (fmtShape(src.shape) !== fmtShape(t.shape)) conflicts.push(`${k}: file has shape ${fmtShape(src.shape)}, the model ${fmtShape(t.shape)}`);
    else if (kind(src) !== kind(t)) conflicts.push(`${k}: file has dtype ${src.dtype}, the model ${t.dtype}`);
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`missing keys: ${missing.join(", ")}`);
  if (unexpected.length) problems.push(`unexpected keys: ${unexpected.join(", ")}`);
  if (conflicts.length) problems.push(conflicts.join("; "));
  if (problems.length) throw new FileError(op, file, `does not match the model (${model.constructor.name}): ${problems.join(" | ")}`);
}
