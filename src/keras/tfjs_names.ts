// TensorFlow.js names outside its Layers API that its scripts call through `tf.`, so a script ports
// by changing its import (`import { keras as tf } from "deepscript"`): each is this project's
// function under TensorFlow.js' name, nothing new.
import { scope } from "../tensor/memory.js";
import { FileError } from "../core/errors.js";
import { loadModel } from "./saving/load.js";
import type { ModelSource } from "./saving/files.js";
import type { KerasCallback } from "./training.js";

/**
 * tf.tidy: runs fn and frees the tensors it made except those it returns (ds.scope). Optional
 * here: deepscript frees temporaries without it (README "Memory").
 */
export const tidy = scope;

/**
 * tf.loadLayersModel: keras.loadModel, also taking TensorFlow.js' "file://" prefix for a path
 * (and http(s):// URLs, folders, File objects, `{ modelJson, weights }` as loadModel does).
 */
export function loadLayersModel(source: ModelSource): ReturnType<typeof loadModel> {
  if (typeof source === "string" && /^file:\/\//i.test(source)) {
    const path = source.slice("file://".length);
    if (!path) return Promise.reject(new FileError("loadLayersModel", source, "names no path after file://"));
    return loadModel(path);
  }
  return loadModel(source);
}

/** tf.Tensor, for type annotations in ported scripts. */
export type { Tensor } from "../tensor/tensor.js";
/** tf.CustomCallbackArgs: fit's callbacks (hooks named as TensorFlow.js', logs named as Keras'). */
export type CustomCallbackArgs = KerasCallback;
