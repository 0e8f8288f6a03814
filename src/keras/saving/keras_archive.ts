// Keras 3's .keras archives: a zip holding metadata.json ({ keras_version, date_saved }),
// config.json (serialize_keras_object(model)) and model.weights.h5 (HDF5), as
// keras/src/saving/saving_lib.py writes them (_save_model_to_fileobj, _save_state, H5IOStore).
// In the HDF5 file each saveable's own variables are the datasets `<path>/vars/0`, `1`, … in the
// layer's order (trainable ones, then non-trainable ones). A model's layers are at
// `layers/<name>` where <name> is the snake_case CLASS name made unique by a counter (dense,
// dense_1, …; never the layer's own name); a recurrent layer's weights live in its `cell`, a
// Bidirectional's in `forward_layer` / `backward_layer`, MultiHeadAttention's in `_query_dense`, …;
// a nested model's layers under `<path>/layers/…`. A compiled model's `compile_config` and its
// optimizer's variables (`optimizer/vars/…`) are keras_optimizer.ts's; other datasets (metrics'
// variables) are skipped.
// h5wasm (HDF5 compiled to WebAssembly) and fflate are imported when a .keras file is read or
// written, so bundles that never touch one do not carry them.
import { DeepScriptError, FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { version } from "../../core/version.js";
import { noGrad } from "../../autograd/mode.js";
import { tensor } from "../../ops/creation.js";
import { Layer, type WeightEntry } from "../layer.js";
import { Model } from "../model.js";
import type { SymbolicTensor } from "../symbolic.js";
import type { Config, Json } from "../names.js";
import { buildWithin } from "./tfjs.js";
import { compileConfig, compileFromConfig, optimizerDatasets, restoreOptimizer } from "./keras_optimizer.js";

type AnyLayer = Layer<SymbolicTensor | SymbolicTensor[]>;
type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

export const CONFIG_FILE = "config.json";
export const METADATA_FILE = "metadata.json";
export const WEIGHTS_FILE = "model.weights.h5";

/** The largest .keras archive read (bytes); its JSON members; its weights file. */
export const LIMITS = { archive: 2 ** 31 - 1, json: 64 * 2 ** 20, weights: 2 ** 31 - 1, datasets: 100_000, depth: 64, bombFloor: 64 * 2 ** 20, expansion: 100 } as const;

// Keras' recurrent layers keep their weights in a cell sublayer; this project's keep them on the layer.
const CELL_LAYERS = new Set(["SimpleRNN", "LSTM", "GRU"]);

/** Keras' naming.to_snake_case. */
export function kerasSnake(name: string): string {
  return name.replace(/\W+/g, "").replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

/** One variable of a model at its .keras path (`layers/dense/vars/0`). */
export interface KerasVariable {
  path: string;
  /** The layer (name) holding it, for messages. */
  layer: string;
  entry: WeightEntry;
}

/** The model's variables at the paths Keras 3's _save_state gives them. */
export function kerasVariables(model: AnyModel): KerasVariable[] {
  const out: KerasVariable[] = [];
  const layerState = (layer: AnyLayer, path: string) => {
    const subs = layer.namedChildren().filter((c): c is [string, AnyLayer & never] => c[1] instanceof Layer) as unknown as [string, AnyLayer][];
    const all = layer.weightEntries();
    const own = all.slice(0, all.length - subs.reduce((n, [, s]) => n + s.weightEntries().length, 0));
    const vars = CELL_LAYERS.has(layer.className) ? `${path}/cell/vars` : `${path}/vars`;
    own.forEach((entry, i) => out.push({ path: `${vars}/${i}`, layer: layer.name, entry }));
    if (layer instanceof Model) modelState(layer, path);
    // Keras' MultiHeadAttention keeps its projections in private attributes (_query_dense, …).
    else for (const [prop, s] of subs) layerState(s, `${path}/${layer.className === "MultiHeadAttention" ? "_" : ""}${kerasSnake(prop)}`);
  };
  const modelState = (m: AnyModel, path: string) => {
    const used = new Map<string, number>();
    for (const l of m.isFunctional ? kerasLayerOrder(m) : m.layers) {
      const base = kerasSnake(l.className);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      layerState(l, `${path ? `${path}/` : ""}layers/${n === undefined ? base : `${base}_${n + 1}`}`);
    }
  };
  modelState(model, "");
  return out;
}

/**
 * A functional model's layers in Keras 3's `model.layers` order (ops/function.py map_graph): by
 * depth from the outputs, deepest first, ties in the order a depth-first walk from the outputs
 * first reaches them. The paths count layers of a class in this order, so it must be Keras' (this
 * project's own `layers` order, inputs first then post-order, differs when branches' depths differ).
 */
export function kerasLayerOrder(m: AnyModel): AnyLayer[] {
  type N = SymbolicTensor["node"];
  const inputNodes = new Set(m.inputs.map((x) => x.node));
  const first = new Map<unknown, number>(), done = new Set<N>(), post: N[] = [];
  const visit = (node: N) => {
    if (done.has(node)) return;
    if (!first.has(node.layer)) first.set(node.layer, first.size);
    if (!inputNodes.has(node)) for (const t of node.inputs) visit(t.node);
    done.add(node);
    post.push(node);
  };
  for (const o of m.outputs) visit(o.node);
  const nodeDepth = new Map<N, number>(), layerDepth = new Map<unknown, number>();
  for (const node of post.reverse()) {
    const d = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, d);
    nodeDepth.set(node, d);
    if (!inputNodes.has(node)) for (const t of node.inputs) nodeDepth.set(t.node, Math.max(d + 1, nodeDepth.get(t.node) ?? 0));
  }
  // Inputs no output depends on: depth 0.
  for (const x of m.inputs) if (!layerDepth.has(x.node.layer)) (layerDepth.set(x.node.layer, 0), first.set(x.node.layer, first.size));
  return m.layers.slice().sort((a, b) => (layerDepth.get(b) ?? 0) - (layerDepth.get(a) ?? 0) || (first.get(a) ?? 0) - (first.get(b) ?? 0));
}

export type H5 = typeof import("h5wasm").default;
export interface H5Mod {
  h5: H5;
  fs: { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  /** HDF5's errors as JS exceptions instead of pages on stderr (h5wasm's switch; global, so on only while we read). */
  quiet(on: boolean): void;
}
let h5Loading: Promise<H5Mod> | null = null;
/**
 * Opens HDF5 `bytes` in h5wasm's in-memory file system, runs `read` on the file, and always closes
 * and removes it. HDF5's errors are exceptions while it runs; an error that is not already
 * deepscript's becomes `onError(reason)` (a FileError naming the user's file).
 */
export async function readHdf5<T>(bytes: Uint8Array, read: (f: InstanceType<H5["File"]>) => T | Promise<T>, onError: (reason: string) => Error): Promise<T> {
  const { h5, fs, quiet } = await hdf5();
  const name = tmpName();
  fs.writeFile(name, bytes);
  let f: InstanceType<H5["File"]> | null = null;
  quiet(true);
  try {
    f = new h5.File(name, "r");
    return await read(f);
  } catch (e) {
    if (e instanceof DeepScriptError) throw e;
    throw onError(brief(String((e as Error)?.message ?? e), 160));
  } finally {
    try {
      f?.close();
    } catch {
      // A corrupt file may fail to close too; the reason was already reported.
    } finally {
      quiet(false);
      fs.unlink(name);
    }
  }
}

// The in-memory (MEMFS) build, in Node as in browsers: files never touch the disk.
export function hdf5(): Promise<H5Mod> {
  h5Loading ??= import("h5wasm").then(async (m) => {
    const mod = await m.default.ready;
    const calls = mod as unknown as { activate_throwing_error_handler(): number; deactivate_throwing_error_handler(): number };
    return { h5: m.default, fs: mod.FS as unknown as H5Mod["fs"], quiet: (on) => void (on ? calls.activate_throwing_error_handler() : calls.deactivate_throwing_error_handler()) };
  });
  return h5Loading;
}
let tmpCount = 0;
export const tmpName = (): string => `/deepscript-${++tmpCount}.h5`;

interface H5Dataset { path: string; shape: number[]; read(): Float32Array }

// Every dataset under `layers` and the top-level `vars` (the model's own), with its shape; other
// trees are training state. Dtypes are checked here; values are read only on request.
function listDatasets(f: InstanceType<H5["File"]>, fail: (r: string) => FileError): H5Dataset[] {
  const out: H5Dataset[] = [];
  const walk = (path: string, depth: number) => {
    if (depth > LIMITS.depth) throw fail(`${WEIGHTS_FILE} nests groups more than ${LIMITS.depth} deep (at ${brief(path)})`);
    const node = f.get(path) as unknown as { type?: string; keys?: () => string[]; shape?: number[] | null; metadata?: { type: number; size: number; signed: boolean }; attrs?: Record<string, { value: unknown }>; value?: unknown } | null;
    if (!node) throw fail(`${WEIGHTS_FILE}: ${brief(path)} cannot be read`);
    if (node.type === "Group") {
      for (const k of node.keys!()) walk(`${path}/${k}`, depth + 1);
      return;
    }
    if (node.type !== "Dataset") throw fail(`${WEIGHTS_FILE}: ${brief(path)} is a ${brief(node.type)}, expected a group or a dataset`);
    if (out.length >= LIMITS.datasets) throw fail(`${WEIGHTS_FILE} holds more than ${LIMITS.datasets} datasets`);
    const shape = node.shape ?? [];
    const meta = node.metadata!;
    // h5wasm's type classes: 0 integer, 1 float.
    const bf16 = node.attrs?.dtype?.value === "bfloat16";
    if (!(meta.type === 1 && [2, 4, 8].includes(meta.size)) && !(meta.type === 0 && meta.size <= 8) ) {
      throw fail(`${WEIGHTS_FILE}: dataset ${brief(path)} is not numeric (HDF5 type class ${meta.type}, ${meta.size} bytes)`);
    }
    let n = 1;
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) throw fail(`${WEIGHTS_FILE}: dataset ${brief(path)} has shape [${shape}]`);
      n *= d;
    }
    if (n * meta.size > LIMITS.weights) throw fail(`${WEIGHTS_FILE}: dataset ${brief(path)} of shape [${shape}] is larger than ${LIMITS.weights} bytes`);
    out.push({
      path, shape: shape.slice(),
      read() {
        const v = node.value;
        if (bf16 && v instanceof Uint16Array) {
          // bfloat16: the top half of a float32.
          const bits = new Uint32Array(v.length);
          for (let i = 0; i < v.length; i++) bits[i] = v[i] << 16;
          return new Float32Array(bits.buffer);
        }
        if (v === null || typeof v !== "object" || !("length" in (v as object)) || (v as ArrayLike<unknown>).length !== n) {
          if (n === 1 && (typeof v === "number" || typeof v === "bigint")) return Float32Array.of(Number(v));
          throw fail(`${WEIGHTS_FILE}: dataset ${brief(path)} holds ${brief(v)}, expected ${n} numbers`);
        }
        return Float32Array.from(v as ArrayLike<number>, Number);
      },
    });
  };
  for (const top of f.keys()) if (top === "layers" || top === "vars" || top === "optimizer") walk(top, 1);
  return out;
}

/** Reads a .keras archive's bytes (`file` names it in errors) into a model with its weights. */
export async function readKerasArchive(bytes: Uint8Array, file: string, op = "loadModel"): Promise<AnyModel> {
  const fail = (reason: string) => new FileError(op, file, reason);
  if (bytes.length > LIMITS.archive) throw fail(`is ${bytes.length} bytes, more than the ${LIMITS.archive} a .keras file may have`);
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw fail("is not a .keras archive (a zip file: it does not start with \"PK\")");
  const { unzipSync } = await import("fflate");
  const declared = new Map<string, number>();
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.name !== CONFIG_FILE && f.name !== METADATA_FILE && f.name !== WEIGHTS_FILE) return false;
        const limit = f.name === WEIGHTS_FILE ? LIMITS.weights : LIMITS.json;
        // Sizes checked before anything is inflated.
        if (!(f.originalSize >= 0 && f.originalSize <= limit)) throw fail(`its member ${f.name} declares ${f.originalSize} bytes, more than the ${limit} allowed`);
        // Keras' own guard against decompression bombs (saving_lib._reject_zip_bomb), with a lower floor.
        if (f.originalSize > LIMITS.bombFloor && f.originalSize > LIMITS.expansion * f.size) {
          throw fail(`its member ${f.name} declares ${f.originalSize} bytes from ${f.size} stored: more than ${LIMITS.expansion}× (a decompression bomb?)`);
        }
        if (f.compression !== 0 && f.compression !== 8) throw fail(`its member ${f.name} uses zip compression method ${f.compression} (only stored and deflate are read)`);
        declared.set(f.name, f.originalSize);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof DeepScriptError) throw e;
    throw fail(`is not a readable zip archive (${brief(String((e as Error)?.message ?? e), 120)})`);
  }
  for (const [name, size] of declared) {
    if (entries[name]?.length !== size) throw fail(`its member ${name} inflates to ${entries[name]?.length} bytes, but declares ${size}`);
  }
  for (const name of [CONFIG_FILE, WEIGHTS_FILE]) if (!entries[name]) throw fail(`has no ${name} (a Keras 3 .keras archive holds ${CONFIG_FILE}, ${METADATA_FILE} and ${WEIGHTS_FILE})`);
  const json = (name: string): Json => {
    try {
      return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(entries[name])) as Json;
    } catch (e) {
      throw fail(`its ${name} is not JSON (${brief((e as Error).message, 120)})`);
    }
  };
  const config = json(CONFIG_FILE);
  if (!config || typeof config !== "object" || Array.isArray(config)) throw fail(`its ${CONFIG_FILE} must be a model's { class_name, config }, got ${brief(config)}`);
  const meta = entries[METADATA_FILE] ? json(METADATA_FILE) : null;
  const kerasVersion = meta && typeof meta === "object" && !Array.isArray(meta) && typeof meta.keras_version === "string" ? meta.keras_version : "3";
  // The version decides the meaning of "hard_sigmoid" (topology.ts): Keras 2.13+ wrote .keras files too.
  const topology: Json = { ...(config as Config), keras_version: (config as Config).keras_version ?? kerasVersion };

  if (!isHdf5(entries[WEIGHTS_FILE])) throw fail(`its ${WEIGHTS_FILE} is not an HDF5 file (no HDF5 signature)`);
  return readHdf5(entries[WEIGHTS_FILE], async (f) => {
    if ((f as unknown as { file_id: bigint | number }).file_id < 0) throw fail(`its ${WEIGHTS_FILE} is not an HDF5 file`);
    const all = listDatasets(f, fail);
    const datasets = all.filter((d) => !d.path.startsWith("optimizer/"));
    const optimizerVars = all.filter((d) => /^optimizer\/vars\/\d+$/.test(d.path));
    const budget = [{ paths: [], weights: datasets.map((d) => ({ name: d.path, shape: d.shape, dtype: "float32" as const })) }];
    const model = buildWithin(topology, budget, fail);
    const byPath = new Map(datasets.map((d) => [d.path, d]));
    const pairs = kerasVariables(model).map((v) => {
      const d = byPath.get(v.path);
      if (!d) throw fail(`the weight ${brief(v.entry.name)} of layer ${brief(v.layer)} is not in ${WEIGHTS_FILE} (expected at ${v.path})`);
      byPath.delete(v.path);
      const want = v.entry.tensor.shape;
      if (d.shape.length !== want.length || d.shape.some((x, i) => x !== want[i])) {
        throw fail(`${WEIGHTS_FILE}: ${v.path} has shape [${d.shape}], but layer ${brief(v.layer)}'s ${v.entry.name} has shape [${want}]`);
      }
      return { target: v.entry.tensor, source: d };
    });
    const extra = [...byPath.keys()];
    if (extra.length) throw fail(`${WEIGHTS_FILE} holds weights the model does not have: ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? `, … (${extra.length})` : ""}`);
    const values = pairs.map((p) => p.source.read());
    noGrad(() => pairs.forEach(({ target }, i) => target.copy_(tensor(values[i], { dtype: target.dtype }).reshape(target.shape))));
    // Training state, as Keras 3's load_model(compile=True): compile, then the optimizer's variables.
    const cc = (config as Config).compile_config;
    if (cc !== undefined && cc !== null && compileFromConfig(model, cc, file) && optimizerVars.length) {
      const byOptPath = new Map(optimizerVars.map((d) => [d.path, d]));
      const paths = optimizerVars.map((_, i) => `optimizer/vars/${i}`);
      const missing = paths.find((p) => !byOptPath.has(p));
      if (missing) throw fail(`${WEIGHTS_FILE}'s optimizer variables are not numbered 0…${paths.length - 1} (${missing} is missing)`);
      const trainable = kerasVariables(model).filter((v) => v.entry.trainable);
      restoreOptimizer(model, trainable, paths, (p) => ({ shape: byOptPath.get(p)!.shape, values: byOptPath.get(p)!.read() }), fail);
    }
    return model;
  }, (reason) => fail(`its ${WEIGHTS_FILE} cannot be read (${reason})`));
}

/** Keras 3's build_config: the input shape(s) the model was built for (batch None). */
function buildConfig(model: AnyModel): Config {
  const shapes = model.isFunctional ? model.inputs.map((x) => x.shape.slice()) : null;
  if (shapes) return { input_shape: (shapes.length === 1 ? shapes[0] : shapes) as Json };
  return { input_shape: (model.buildShape ?? null) as Json };
}

// HDF5's signature, at offset 0 or after a user block (512, 1024, 2048, … bytes).
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
export function isHdf5(b: Uint8Array): boolean {
  for (let at = 0; at + 8 <= b.length; at = at === 0 ? 512 : at * 2) {
    if (HDF5_SIGNATURE.every((x, i) => b[at + i] === x)) return true;
  }
  return false;
}

/** A model as .keras archive bytes (the zip's members stored uncompressed, as Keras' zipfile writes them). */
export async function kerasArchiveBytes(model: AnyModel): Promise<Uint8Array> {
  const spec = model.toJSON();
  const cc = compileConfig(model);
  const config = {
    module: "keras", class_name: spec.class_name, config: spec.config, registered_name: null,
    ...(model.built ? { build_config: buildConfig(model) } : {}),
    ...(cc ? { compile_config: cc } : {}),
  };
  const now = new Date().toISOString();
  const metadata = { keras_version: "3.0.0", date_saved: `${now.slice(0, 10)}@${now.slice(11, 19)}`, generated_by: `deepscript ${version}` };
  const { h5, fs } = await hdf5();
  const name = tmpName();
  let weights: Uint8Array;
  try {
    const f = new h5.File(name, "w");
    try {
      const made = new Set<string>();
      const group = (path: string) => {
        const parts = path.split("/");
        for (let i = 1; i <= parts.length; i++) {
          const p = parts.slice(0, i).join("/");
          if (!made.has(p)) f.create_group(p);
          made.add(p);
        }
        return f.get(path) as InstanceType<H5["Group"]>;
      };
      const vars = kerasVariables(model);
      for (const v of vars) {
        const at = v.path.lastIndexOf("/");
        const data = Float32Array.from(v.entry.tensor.dataSync() as ArrayLike<number>);
        group(v.path.slice(0, at)).create_dataset({ name: v.path.slice(at + 1), data, shape: v.entry.tensor.shape.slice(), dtype: "<f" });
      }
      for (const d of cc ? optimizerDatasets(model, vars.filter((v) => v.entry.trainable)) : []) {
        const at = d.path.lastIndexOf("/");
        group(d.path.slice(0, at)).create_dataset({ name: d.path.slice(at + 1), data: d.data, shape: d.shape, dtype: d.data instanceof BigInt64Array ? "<q" : "<f" });
      }
    } finally {
      f.close();
    }
    weights = fs.readFile(name).slice();
  } finally {
    fs.unlink(name);
  }
  const { zipSync } = await import("fflate");
  const enc = new TextEncoder();
  return zipSync({ [METADATA_FILE]: enc.encode(JSON.stringify(metadata)), [CONFIG_FILE]: enc.encode(JSON.stringify(config)), [WEIGHTS_FILE]: weights }, { level: 0 });
}
