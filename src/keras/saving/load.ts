// keras.loadModel and model.save: models users already have, in TensorFlow.js' Layers format
// (model.json + weight shards) — and, by extension, Keras 3's .keras archives (keras.ts).
import { ArgumentError, FileError } from "../../core/errors.js";
import { brief } from "../../core/describe.js";
import { fileErrorReason, nodeFs, writeAtomic } from "../../core/atomic.js";
import { Model } from "../model.js";
import type { SymbolicTensor } from "../symbolic.js";
import { fetchBytes, fileObjects, isHttpUrl, memoryFiles, nodeFiles, urlFiles, type FileLike, type ModelSource } from "./files.js";
import { readTfjsModel, SHARD_NAME, tfjsArtifacts } from "./tfjs.js";
import { kerasArchiveBytes, LIMITS, readKerasArchive } from "./keras_archive.js";
import { readKeras2H5 } from "./keras2_h5.js";

type AnyModel = Model<SymbolicTensor | SymbolicTensor[]>;

/**
 * Loads a saved model: a Keras 2 `.h5` model file (a path, URL or File ending in `.h5`/`.hdf5`:
 * keras2_h5.ts), a Keras 3 `.keras` archive (a path or http(s) URL ending in `.keras`, or
 * a File so named among the File objects: keras_archive.ts), or a TensorFlow.js Layers model (a
 * folder holding model.json and its weight shards, or the model.json's path; the model.json's
 * http(s) URL, its shards fetched relative to it as tf.loadLayersModel does; File objects; or
 * `{ modelJson, weights }` in memory). Layers
 * are rebuilt from the topology (every class keras.layers.deserialize knows) and weights are set
 * by name. A file that is corrupt, declares more weights than it holds, or uses a layer this
 * project lacks is a FileError naming the file (and the layer).
 * @example const model = await keras.loadModel("./my-model"); // my-model/model.json + group1-shard1of1.bin
 * @example const model = await keras.loadModel("https://example.com/my-model/model.json");
 */
export async function loadModel(source: ModelSource): Promise<AnyModel> {
  if (typeof source === "string" && isHttpUrl(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new FileError("loadModel", source, "is not a valid URL");
    }
    if (isKerasPath(url.pathname)) return readKerasArchive(await fetchBytes(source, LIMITS.archive), source);
    if (isH5Path(url.pathname)) return readKeras2H5(await fetchBytes(source, LIMITS.archive), source);
    return readTfjsModel(urlFiles(source, LIMITS.json, LIMITS.weights));
  }
  if (typeof source === "string" && isKerasPath(source)) return readKerasArchive(readArchive(source), source);
  if (typeof source === "string" && isH5Path(source)) return readKeras2H5(readArchive(source), source);
  if (typeof source === "string") return readTfjsModel(nodeFiles(source));
  if (Array.isArray(source)) {
    const archive = (source as readonly FileLike[]).find((f) => f && typeof f.name === "string" && (isKerasPath(f.name) || isH5Path(f.name)));
    if (archive) {
      if (!(archive.size <= LIMITS.archive)) throw new FileError("loadModel", archive.name, `is ${archive.size} bytes, more than the ${LIMITS.archive} a model file may have`);
      const bytes = new Uint8Array(await archive.arrayBuffer());
      return isKerasPath(archive.name) ? readKerasArchive(bytes, archive.name) : readKeras2H5(bytes, archive.name);
    }
    return readTfjsModel(fileObjects(source));
  }
  if (source && typeof source === "object" && "modelJson" in source && "weights" in source) return readTfjsModel(memoryFiles(source as Exclude<ModelSource, string | readonly unknown[]>));
  throw new ArgumentError("loadModel", `expected a path, File objects or { modelJson, weights }, got ${brief(source)}`);
}

const isKerasPath = (path: string) => /\.keras$/i.test(path);
const isH5Path = (path: string) => /\.(h5|hdf5)$/i.test(path);

// A .keras file's bytes, its size checked before it is read.
function readArchive(path: string): Uint8Array {
  const { fs } = nodeFs("loadModel", path);
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) throw new FileError("loadModel", path, "is not a file");
    if (st.size > LIMITS.archive) throw new FileError("loadModel", path, `is ${st.size} bytes, more than the ${LIMITS.archive} a model file may have`);
    return new Uint8Array(fs.readFileSync(path));
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError("loadModel", path, fileErrorReason(e, "read"));
  }
}

/**
 * Writes a model: a path ending in `.keras` gets a Keras 3 archive (atomically); any other path
 * is a folder that gets a TensorFlow.js Layers model: model.json and
 * group1-shard1of1.bin (the shard first, so model.json never names a missing shard), each through
 * the atomic writer; `tf.loadLayersModel("file://path/model.json")` reads it.
 */
export async function saveModel(model: AnyModel, path: string): Promise<void> {
  if (typeof path !== "string" || path === "") throw new ArgumentError("save", `expected a folder path, got ${brief(path)}`);
  if (isKerasPath(path)) {
    writeAtomic("save", path, await kerasArchiveBytes(model));
    return;
  }
  const { modelJson, weightData } = tfjsArtifacts(model);
  const { path: p } = nodeFs("save", path);
  writeAtomic("save", p.join(path, SHARD_NAME), weightData, { mkdirs: true });
  writeAtomic("save", p.join(path, "model.json"), JSON.stringify(modelJson));
}
