// deepscript/keras (ds.keras): Keras' API — Sequential and functional models of Keras layers,
// compile/fit/evaluate/predict/summary, Keras' losses, metrics, optimizers, activations,
// initializers and configs — built on nn (every layer is an nn.Module computing with nn.F) and
// train.fit. TensorFlow.js' lowercase names (sequential, model, input, layers.dense, train.adam)
// are here too, so TensorFlow.js scripts port by changing their import.
export { Layer, type LayerOptions, type CallOptions, type InputSpec, type WeightEntry } from "./layer.js";
export { SymbolicTensor, Node } from "./symbolic.js";
export { Model, model, type ModelArgs } from "./model.js";
export { Sequential, sequential, type SequentialOptions } from "./sequential.js";
export { Input, InputLayer, type InputOptions } from "./layers/input.js";
export { History, type CompileOptions, type FitOptions, type EvaluateOptions, type PredictOptions, type KerasCallback, type XData, type YData } from "./training.js";
export type { SummaryOptions } from "./summary.js";
export type { Shape } from "./shape.js";
export type { Config, Json, Serialized } from "./names.js";
export * as layers from "./layers/index.js";
export * as activations from "./activations.js";
export * as initializers from "./initializers.js";
export * as regularizers from "./regularizers.js";
export * as constraints from "./constraints.js";
export * as losses from "./losses.js";
export * as metrics from "./metrics.js";
export * as optimizers from "./optimizers.js";
export * as callbacks from "./callbacks.js";
export * as models from "./models.js";
export { loadModel } from "./saving/load.js";
export * as saving from "./saving/index.js";
export type { ModelSource, MemoryModel, FileLike } from "./saving/files.js";
export * as backend from "./backend.js";
export { train } from "./optimizers.js";
export { Input as input } from "./layers/input.js";
export { tidy, loadLayersModel, type Tensor, type CustomCallbackArgs } from "./tfjs_names.js";
