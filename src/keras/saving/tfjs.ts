// TensorFlow.js Layers models: model.json (modelTopology + weightsManifest) and its binary weight
// shards, as tf.LayersModel.save and tensorflowjs_converter write them — read into a keras.Model,
// and written back from one. Where the files come from is a ModelFiles (a Node folder, File
// objects, bytes in memory: files.ts); this file only sees bytes.
import { DeepScriptError, FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { version } from "../../core/version.js";
import { withWeightBudget } from "../layer.js";
import { Model } from "../model.js";
import { modelFromJSON } from "../serialization.js";
import type { SymbolicTensor } from "../symbolic.js";
import type { Json } from "../names.js";
import { checkShardSizes, decodeGroups, encodeGroup, readManifest, type WeightsGroup } from "./manifest.js";
import { fromLegacy, isLegacy, toTfjsTopology } from "./topology.js";
import { assignWeights, namedWeights } from "./weights.js";
import type { ModelFiles } from "./files.js";

type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

/** The one shard this project writes (TensorFlow.js' converter's name for a single shard). */
export const SHARD_NAME = "group1-shard1of1.bin";

/** Reads a TensorFlow.js Layers model: topology checked, shard sizes checked, model built within the file's weight count, weights set by name. */
export async function readTfjsModel(files: ModelFiles, op = "loadModel"): Promise<AnyModel> {
  const file = files.jsonName;
  const fail = (reason: string) => new FileError(op, file, reason);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await files.text(files.jsonName));
  } catch (e) {
    if (e instanceof DeepScriptError) throw e;
    throw fail(`is not JSON (${brief((e as Error).message, 120)})`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw fail(`expected a TensorFlow.js model.json object, got ${brief(parsed)}`);
  const mj = parsed as Record<string, Json>;
  if (mj.format === "graph-model") throw fail("is a TensorFlow.js graph model (a converted SavedModel): it has no Keras layers; only Layers models (format \"layers-model\") load");
  if (!mj.modelTopology || typeof mj.modelTopology !== "object") throw fail("has no modelTopology (a TensorFlow.js Layers model.json has modelTopology and weightsManifest)");
  const groups = readManifest(mj.weightsManifest ?? [], fail);
  // Shard sizes against the manifest before anything is allocated for a weight.
  const sizes = new Map<string, number>();
  for (const p of new Set(groups.flatMap((g) => g.paths))) sizes.set(p, await files.size(p));
  checkShardSizes(groups, (p) => sizes.get(p)!, fail);
  const model = buildWithin(mj.modelTopology, groups, fail);
  const shards = new Map<string, Uint8Array>();
  for (const p of sizes.keys()) shards.set(p, await files.bytes(p));
  assignWeights(model, decodeGroups(groups, (p) => shards.get(p)!, fail), fail);
  return model;
}

/**
 * Builds the model from a topology, refusing (before allocating them) weights beyond the file's
 * own count; any refusal (an unsupported layer, a bad config) is a FileError naming the file.
 */
export function buildWithin(topology: Json, groups: WeightsGroup[], fail: (reason: string) => FileError): AnyModel {
  let left = groups.reduce((s, g) => s + g.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0), 0);
  const budget = {
    take(layerOp: string, name: string, shape: readonly number[]) {
      const n = shape.reduce((a, b) => a * b, 1);
      if (n > left) throw fail(`${layerOp} needs a weight "${name}" of shape [${shape}] (${n} values), but the file holds ${left} values the model has not taken yet`);
      left -= n;
    },
  };
  try {
    return withWeightBudget(budget, () => modelFromJSON(isLegacy(topology) ? fromLegacy(topology) : topology));
  } catch (e) {
    if (e instanceof FileError) throw e;
    if (e instanceof DeepScriptError) throw fail(`cannot build the model: ${e.message}`);
    // A config of the wrong shape (a list where a dict belongs, …) fails inside a constructor.
    throw fail(`cannot build the model: corrupt topology (${brief(String((e as Error)?.message ?? e), 160)})`);
  }
}

/** A model as TensorFlow.js' model.json object and its one weight shard. */
export function tfjsArtifacts(model: AnyModel): { modelJson: Record<string, Json>; weightData: Uint8Array } {
  const weights = namedWeights(model).map((w) => ({ name: w.name, shape: w.entry.tensor.shape, values: Float32Array.from(w.entry.tensor.dataSync() as ArrayLike<number>) }));
  const { group, bytes } = encodeGroup(weights, SHARD_NAME);
  return {
    modelJson: {
      modelTopology: toTfjsTopology(model.toJSON()),
      format: "layers-model",
      generatedBy: `deepscript ${version}`,
      convertedBy: null,
      weightsManifest: [group as unknown as Json],
    },
    weightData: bytes,
  };
}
