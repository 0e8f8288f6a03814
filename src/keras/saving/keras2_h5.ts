// Keras 2's whole-model HDF5 files (tf.keras 2.x `model.save("x.h5")`, keras/saving/legacy/
// hdf5_format.py): root attributes `model_config` (the model's JSON), `keras_version`, `backend`;
// group `model_weights` with attribute `layer_names`, and per layer a group with attribute
// `weight_names` ("dense/kernel:0", …) whose datasets sit at `model_weights/<layer>/<weight name>`
// (so `model_weights/dense/dense/kernel:0`). Weights are set as Keras 2's
// load_weights_from_hdf5_group sets them: each layer's in the file's order, which is the layer's
// weights trainable first, then non-trainable. Optimizer weights and training_config are skipped:
// the model loads uncompiled.
import { FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { noGrad } from "../../autograd/mode.js";
import { tensor } from "../../ops/creation.js";
import type { Model } from "../model.js";
import type { SymbolicTensor } from "../symbolic.js";
import type { Config, Json } from "../names.js";
import { buildWithin } from "./tfjs.js";
import { isHdf5, LIMITS, readHdf5, type H5 } from "./keras_archive.js";

type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;
type Node = { type?: string; keys?: () => string[]; shape?: number[] | null; metadata?: { type: number; size: number }; attrs?: Record<string, { value: unknown }>; value?: unknown } | null;

const text = (v: unknown): string | null => (typeof v === "string" ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : null);
const texts = (v: unknown): string[] | null => {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return null;
  const out = v.map(text);
  return out.every((s): s is string => s !== null) ? out : null;
};

/** Reads a Keras 2 .h5 model file's bytes (`file` names it in errors) into a model with its weights. */
export async function readKeras2H5(bytes: Uint8Array, file: string, op = "loadModel"): Promise<AnyModel> {
  const fail = (reason: string) => new FileError(op, file, reason);
  if (bytes.length > LIMITS.archive) throw fail(`is ${bytes.length} bytes, more than the ${LIMITS.archive} an .h5 model may have`);
  if (!isHdf5(bytes)) throw fail("is not an HDF5 file (no HDF5 signature)");
  return readHdf5(bytes, async (f) => {
    const get = (path: string) => f!.get(path) as unknown as Node;
    const attr = (node: Node | InstanceType<H5["File"]>, key: string) => (node as { attrs?: Record<string, { value: unknown }> } | null)?.attrs?.[key]?.value;
    const configText = text(attr(f, "model_config"));
    if (configText === null) throw fail(`has no model_config attribute: it is not a Keras 2 model file (a weights-only .h5, from save_weights, has no model to rebuild)`);
    let config: Json;
    try {
      config = JSON.parse(configText) as Json;
    } catch (e) {
      throw fail(`its model_config is not JSON (${brief((e as Error).message, 120)})`);
    }
    if (!config || typeof config !== "object" || Array.isArray(config)) throw fail(`its model_config must be a model's { class_name, config }, got ${brief(config)}`);
    const kerasVersion = text(attr(f, "keras_version")) ?? "2";
    const mw = get("model_weights");
    if (!mw || mw.type !== "Group") throw fail("has no model_weights group");
    const layerNames = texts(attr(mw, "layer_names"));
    if (!layerNames) throw fail("model_weights has no layer_names attribute");
    // Every weight the file declares, with its shape (the build budget), read only when assigned.
    const layers: { layer: string; weights: { path: string; shape: number[]; node: NonNullable<Node> }[] }[] = [];
    let total = 0;
    for (const ln of layerNames) {
      const g = get(`model_weights/${ln}`);
      if (!g || g.type !== "Group") throw fail(`model_weights lists layer ${brief(ln)} but has no group for it`);
      const names = texts(attr(g, "weight_names")) ?? [];
      const weights = names.map((wn) => {
        const path = `model_weights/${ln}/${wn}`;
        const d = get(path);
        if (!d || d.type !== "Dataset") throw fail(`the weight ${brief(wn)} of layer ${brief(ln)} is not in the file (expected at ${path})`);
        const shape = (d.shape ?? []).slice();
        const n = shape.reduce((a, b) => a * b, 1);
        if (!shape.every((x) => Number.isSafeInteger(x) && x >= 0) || n * (d.metadata?.size ?? 4) > LIMITS.weights) throw fail(`${path} has shape [${shape}]`);
        if (!(d.metadata && (d.metadata.type === 1 || d.metadata.type === 0))) throw fail(`${path} is not numeric`);
        total += n;
        return { path, shape, node: d };
      });
      if (weights.length) layers.push({ layer: ln, weights });
    }
    const topology: Json = { ...(config as Config), keras_version: kerasVersion };
    const model = buildWithin(topology, [{ paths: [], weights: [{ name: "all", shape: [total], dtype: "float32" }] }], fail);
    const withWeights = model.layers.filter((l) => l.weightEntries().length > 0);
    if (withWeights.length !== layers.length) throw fail(`holds weights for ${layers.length} layers (${layers.map((l) => l.layer).join(", ")}), the model has ${withWeights.length} layers with weights`);
    const assignments = layers.map(({ layer, weights }) => {
      const target = model.layers.find((l) => l.name === layer);
      if (!target) throw fail(`holds weights for layer ${brief(layer)}, which the model_config does not have`);
      // Keras 2's layer.weights: trainable, then non-trainable (a stable partition of the layer's own order).
      const entries = target.weightEntries();
      const ordered = [...entries.filter((e) => e.trainable), ...entries.filter((e) => !e.trainable)];
      if (ordered.length !== weights.length) throw fail(`layer ${brief(layer)} has ${ordered.length} weights, the file ${weights.length}`);
      return weights.map((w, i) => {
        const want = ordered[i].tensor.shape;
        if (w.shape.length !== want.length || w.shape.some((x, a) => x !== want[a])) throw fail(`${w.path} has shape [${w.shape}], but layer ${brief(layer)}'s ${ordered[i].name} has shape [${want}]`);
        return { target: ordered[i].tensor, w };
      });
    }).flat();
    const values = assignments.map(({ w }) => {
      const v = w.node.value;
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (n === 1 && (typeof v === "number" || typeof v === "bigint")) return Float32Array.of(Number(v));
      if (v === null || typeof v !== "object" || (v as ArrayLike<unknown>).length !== n) throw fail(`${w.path} holds ${brief(v)}, expected ${n} numbers`);
      return Float32Array.from(v as ArrayLike<number>, Number);
    });
    noGrad(() => assignments.forEach(({ target }, i) => target.copy_(tensor(values[i], { dtype: target.dtype }).reshape(target.shape))));
    return model;
  }, (reason) => fail(`cannot be read as a Keras 2 model file (${reason})`));
}
