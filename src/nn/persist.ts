// Whole models as one safetensors file: the weights plus the architecture as JSON in the
// file's metadata. Lives in nn/ because rebuilding a model needs the layer classes; the formats
// underneath are io/'s. Reached by users as io.save / io.load (src/io-namespace.ts).
import { ArgumentError, DeepScriptError, FileError, fmtShape } from "../core/errors.js";
import { brief, clip } from "../core/describe.js";
import { checkOptions } from "../core/options.js";
import { isFloat } from "../core/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";
import { version } from "../core/version.js";
import {
  constructPlan, describeModel, expectedTensors, readArchitecture, type ArchitectureLimits, type LayerSpec, type Plan, type TensorKind, type TensorTable,
} from "./architecture.js";
import { decodeTensors, encodeSafetensors, loadedKind, parseSafetensors, type SafetensorsEntry, type SafetensorsLimits } from "../io/safetensors.js";
import { SAFETENSORS_LIMIT_KEYS } from "../io/statedict.js";
import { modelFile, readBytes, writeAtomic } from "../io/files.js";
import { withSource, type AsyncSource, type FileSource, type SyncSource } from "../core/source.js";

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
 * Returns the path of the file written. Without a path (as in a browser, which has no files) it
 * returns the file's contents as a Blob, to download or to keep (io.load takes it back).
 * @example io.save(model, "digits.safetensors"); const again = io.load("digits.safetensors");
 * @example const blob = io.save(model); const again = await io.load(blob); // in a page
 */
export function save(model: AnyModule, path: string): string;
export function save(model: AnyModule): Blob;
export function save(model: AnyModule, path?: string): string | Blob {
  const bytes = encodeModel(model);
  if (path === undefined) return new Blob(bytes as BlobPart[], { type: "application/octet-stream" });
  const file = modelFile(path);
  writeAtomic("io.save", file, bytes);
  return file;
}

/** A model as the parts of one safetensors file (weights and architecture). */
function encodeModel(model: AnyModule): Uint8Array[] {
  const d = describeModel(model);
  const info: ModelInfo = {
    format: "deepscript.model", version: 1, deepscript: version, class: model.constructor.name,
    training: model.training, architecture: "spec" in d ? d.spec : null,
  };
  if ("custom" in d) info.custom = d.custom;
  return encodeSafetensors(model.stateDict(), { [MODEL_KEY]: JSON.stringify(info) }, "io.save");
}

/** Options of io.load: the model to load into, and the limits on what the file may declare. */
export interface LoadOptions<M> extends SafetensorsLimits, ArchitectureLimits {
  /** Load the weights into this model instead of rebuilding one from the saved architecture. */
  model?: M;
}

const LOAD_OPTIONS = ["model", ...SAFETENSORS_LIMIT_KEYS, "maxLayers", "maxDepth"];

/**
 * Loads a model saved by io.save: rebuilds the architecture from the file's JSON and loads the
 * weights, in the mode (train/eval) it was saved in. With `{ model }`, loads the weights into
 * that model instead (needed for user-defined Module classes, and for plain safetensors files).
 * Everything is checked before anything is built or copied: the file's header, the architecture
 * (every layer's configuration, at most `maxLayers` layers nested at most `maxDepth` deep), and
 * the tensors the architecture implies — names, shapes, dtype kinds — against the file's, so a
 * small file cannot make io.load construct a large model. A truncated, corrupt or mismatched file
 * throws a FileError and changes nothing. Takes a path or the file's bytes (and returns the model),
 * or a URL, Response, File or Blob (and returns a Promise of it).
 * @example const model = io.load("digits.safetensors"); model.call(x);
 * @example const model = await io.load(new URL("digits.safetensors", location.href)); // in a page
 */
export function load<M extends AnyModule>(src: SyncSource, opts: LoadOptions<M> & { model: M }): M;
export function load(src: SyncSource, opts?: LoadOptions<AnyModule>): Module;
export function load<M extends AnyModule>(src: AsyncSource, opts: LoadOptions<M> & { model: M }): Promise<M>;
export function load(src: AsyncSource, opts?: LoadOptions<AnyModule>): Promise<Module>;
export function load(src: FileSource, opts?: LoadOptions<AnyModule>): Module | Promise<Module>;
export function load(src: FileSource, opts: LoadOptions<AnyModule> = {}): AnyModule | Promise<AnyModule> {
  const op = "io.load";
  checkOptions(op, opts, LOAD_OPTIONS);
  if (typeof src === "string") {
    const file = modelFile(src);
    return loadBytes(op, file, readBytes(op, file), opts);
  }
  return withSource(op, src, (bytes, name) => loadBytes(op, name, bytes, opts));
}

/** io.load on the bytes of a file; errors name `file`. */
function loadBytes(op: string, file: string, bytes: Uint8Array, opts: LoadOptions<AnyModule>): AnyModule {
  const header = parseSafetensors(bytes, file, op, { maxHeaderBytes: opts.maxHeaderBytes });
  const info = Object.hasOwn(header.metadata, MODEL_KEY) ? parseInfo(op, file, header.metadata[MODEL_KEY]) : null;
  let plan: Plan | null = null;
  if (opts.model) {
    compareTensors(op, file, `the model (${opts.model.constructor.name})`, tableOf(opts.model.stateDict()), header.entries);
  } else {
    if (!info) {
      throw new ArgumentError(op, `${file} holds weights only (no deepscript architecture in its metadata); construct the model and pass it: io.load(path, { model })`);
    }
    if (!info.architecture) {
      throw new ArgumentError(op, `${file} holds the weights of a model with user-defined modules (${info.custom ?? info.class}), ` +
        "which cannot be rebuilt from JSON; construct the model in code and load the weights into it: " +
        "model.loadStateDict(io.loadStateDict(path)), or io.load(path, { model })");
    }
    plan = corruptArchitecture(op, file, () => readArchitecture(info.architecture, { maxLayers: opts.maxLayers, maxDepth: opts.maxDepth }, op));
    const n = header.entries.length;
    const expected = expectedTensors(plan, n);
    if (!expected) throw new FileError(op, file, `does not match its architecture (${info.class}): the architecture has more than the file's ${n} tensor${n === 1 ? "" : "s"}`);
    compareTensors(op, file, `its architecture (${info.class})`, expected, header.entries);
  }
  const { tensors } = decodeTensors(bytes, header, file, op);
  try {
    const model = opts.model ?? corruptArchitecture(op, file, () => constructPlan(plan!, op));
    // Checks the constructed layers too (expectedTensors is derived, the model is the truth): still a FileError, still nothing copied.
    if (!opts.model) compareTensors(op, file, `the model (${model.constructor.name})`, tableOf(model.stateDict()), header.entries);
    model.loadStateDict(tensors);
    if (!opts.model && info) model.train(info.training);
    return model;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

function corruptArchitecture<T>(op: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DeepScriptError) throw new FileError(op, file, `corrupt architecture: ${e.message.slice(e.op.length + 2)}`);
    throw e;
  }
}

function parseInfo(op: string, file: string, text: string): ModelInfo {
  const bad = (why: string) => new FileError(op, file, `corrupt "${MODEL_KEY}" metadata: ${why}`);
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch (e) {
    throw bad(`invalid JSON (${(e as Error).message})`);
  }
  if (typeof info !== "object" || info === null || Array.isArray(info)) throw bad("not a deepscript model description");
  const get = (k: keyof ModelInfo): unknown => (Object.hasOwn(info as object, k) ? (info as Record<string, unknown>)[k] : undefined);
  if (get("format") !== "deepscript.model") throw bad("not a deepscript model description");
  if (get("version") !== 1) throw new FileError(op, file, `model format version ${brief(get("version"))} is not supported by deepscript ${version} (expected 1)`);
  const cls = get("class"), custom = get("custom"), arch = get("architecture");
  if (typeof cls !== "string") throw bad(`"class" must be a string, got ${brief(cls)}`);
  if (custom !== undefined && typeof custom !== "string") throw bad(`"custom" must be a string, got ${brief(custom)}`);
  if (arch !== null && (typeof arch !== "object" || Array.isArray(arch))) throw bad(`"architecture" must be an object or null, got ${brief(arch)}`);
  return {
    format: "deepscript.model", version: 1, deepscript: typeof get("deepscript") === "string" ? clip(get("deepscript") as string) : "", class: clip(cls),
    training: get("training") === true, architecture: arch as LayerSpec | null, ...(custom === undefined ? {} : { custom: clip(custom as string) }),
  };
}

/** Shapes and kinds of a model's state dict. */
function tableOf(sd: Record<string, Tensor>): TensorTable {
  const kind = (t: Tensor): TensorKind => (isFloat(t.dtype) ? "float" : t.dtype === "bool" ? "bool" : "int32");
  return new Map(Object.entries(sd).map(([k, t]) => [k, { shape: [...t.shape], kind: kind(t) }]));
}

/** Every difference between the file's tensor table and what `against` expects, in one FileError. */
function compareTensors(op: string, file: string, against: string, want: TensorTable, entries: readonly SafetensorsEntry[]): void {
  const have = new Map(entries.map((e) => [e.name, e]));
  const missing = [...want.keys()].filter((k) => !have.has(k));
  const unexpected = entries.filter((e) => !want.has(e.name)).map((e) => e.name);
  const noun = against.startsWith("the model") ? "the model" : "the architecture";
  const conflicts: string[] = [];
  for (const [k, w] of want) {
    const e = have.get(k);
    if (!e) continue;
    if (fmtShape(e.shape) !== fmtShape(w.shape)) conflicts.push(`${k}: file has shape ${fmtShape(e.shape)}, ${noun} ${fmtShape(w.shape)}`);
    else if (loadedKind(e.dtype) !== w.kind) conflicts.push(`${k}: file has dtype ${e.dtype}, ${noun} ${w.kind}`);
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`missing keys: ${list(missing)}`);
  if (unexpected.length) problems.push(`unexpected keys: ${list(unexpected)}`);
  if (conflicts.length) problems.push(list(conflicts, "; "));
  if (problems.length) throw new FileError(op, file, `does not match ${against}: ${problems.join(" | ")}`);
}

// At most ten items: a hostile file can declare a million names.
function list(items: string[], sep = ", "): string {
  const shown = items.slice(0, 10).map((s) => clip(s)).join(sep);
  return items.length > 10 ? `${shown}${sep}… (${items.length - 10} more)` : shown;
}
