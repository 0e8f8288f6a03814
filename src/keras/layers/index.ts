// keras.layers: Keras' layer classes (new keras.layers.Dense(64, { activation: "relu" })) and
// TensorFlow.js' lowercase factories taking one config object (keras.layers.dense({ units: 64 })).
import { Layer, type LayerOptions } from "../layer.js";
import { Input, InputLayer, type InputOptions } from "./input.js";
import { Activation, Dense, Dropout, ELU, Flatten, LeakyReLU, Permute, ReLU, RepeatVector, Reshape, Softmax, type DenseOptions, type DropoutOptions } from "./core.js";
import { Conv1D, Conv2D, Conv2DTranspose, type Conv2DTransposeOptions, type ConvOptions } from "./conv.js";
import {
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  type GlobalPoolingOptions, type PoolingOptions,
} from "./pooling.js";
import { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from "./normalization.js";
import { Embedding, type EmbeddingOptions } from "./embedding.js";
import { Normalization, Rescaling, type NormalizationOptions } from "./preprocessing.js";
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from "./merge.js";
import { Bidirectional, GRU, LSTM, RNN, SimpleRNN, type BidirectionalOptions, type RNNOptions } from "./recurrent.js";
import { MultiHeadAttention, type MultiHeadAttentionOptions } from "./attention.js";
import type { ActivationSpec } from "../activations.js";
import type { SymbolicTensor } from "../symbolic.js";
import type { Tensor } from "../../tensor/tensor.js";

export {
  Layer, Input, InputLayer, Activation, Dense, Dropout, ELU, Flatten, LeakyReLU, Permute, ReLU, RepeatVector, Reshape, Softmax, Conv1D, Conv2D, Conv2DTranspose,
  AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
  BatchNormalization, LayerNormalization, Embedding, Normalization, Rescaling, Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract,
  Bidirectional, GRU, LSTM, RNN, SimpleRNN, MultiHeadAttention,
};
export type {
  LayerOptions, InputOptions, DenseOptions, DropoutOptions, ConvOptions, Conv2DTransposeOptions, PoolingOptions, GlobalPoolingOptions,
  BatchNormalizationOptions, LayerNormalizationOptions, EmbeddingOptions, NormalizationOptions, RNNOptions, BidirectionalOptions, MultiHeadAttentionOptions,
};
export { serialize, deserialize } from "../serialization.js";

// ---- TensorFlow.js' factories ------------------------------------------------------------------
// Each takes the one config object TensorFlow.js' tf.layers.* takes and builds the Keras class.

const split = <K extends string, T extends Record<K, unknown>>(o: T, ...keys: K[]): [Pick<T, K>, Omit<T, K>] => {
  const picked = {} as Pick<T, K>, rest = { ...o };
  for (const k of keys) {
    (picked as Record<K, unknown>)[k] = o[k];
    delete (rest as Record<K, unknown>)[k];
  }
  return [picked, rest];
};

export const inputLayer = (o: InputOptions & { inputShape?: InputOptions["shape"]; batchInputShape?: InputOptions["batchShape"] }) => {
  const { inputShape, batchInputShape, ...rest } = o;
  return new InputLayer({ ...rest, shape: rest.shape ?? inputShape, batchShape: rest.batchShape ?? batchInputShape });
};
export const dense = (o: DenseOptions & { units: number }) => { const [{ units }, rest] = split(o, "units"); return new Dense(units, rest); };
export const activation = (o: LayerOptions & { activation: ActivationSpec }) => { const [{ activation: a }, rest] = split(o, "activation"); return new Activation(a, rest); };
export const dropout = (o: DropoutOptions & { rate: number }) => { const [{ rate }, rest] = split(o, "rate"); return new Dropout(rate, rest); };
export const flatten = (o: ConstructorParameters<typeof Flatten>[0] = {}) => new Flatten(o);
export const reshape = (o: LayerOptions & { targetShape: number[] }) => { const [{ targetShape }, rest] = split(o, "targetShape"); return new Reshape(targetShape, rest); };
export const permute = (o: LayerOptions & { dims: number[] }) => { const [{ dims }, rest] = split(o, "dims"); return new Permute(dims, rest); };
export const repeatVector = (o: LayerOptions & { n: number }) => { const [{ n }, rest] = split(o, "n"); return new RepeatVector(n, rest); };
export const reLU = (o: ConstructorParameters<typeof ReLU>[0] = {}) => new ReLU(o);
export const leakyReLU = (o: ConstructorParameters<typeof LeakyReLU>[0] = {}) => new LeakyReLU(o);
export const elu = (o: ConstructorParameters<typeof ELU>[0] = {}) => new ELU(o);
export const softmax = (o: ConstructorParameters<typeof Softmax>[0] = {}) => new Softmax(o);
export const conv1d = (o: ConvOptions & { filters: number; kernelSize: number | number[] }) => { const [{ filters, kernelSize }, rest] = split(o, "filters", "kernelSize"); return new Conv1D(filters, kernelSize, rest); };
export const conv2d = (o: ConvOptions & { filters: number; kernelSize: number | number[] }) => { const [{ filters, kernelSize }, rest] = split(o, "filters", "kernelSize"); return new Conv2D(filters, kernelSize, rest); };
export const conv2dTranspose = (o: Conv2DTransposeOptions & { filters: number; kernelSize: number | number[] }) => { const [{ filters, kernelSize }, rest] = split(o, "filters", "kernelSize"); return new Conv2DTranspose(filters, kernelSize, rest); };
export const maxPooling2d = (o: PoolingOptions = {}) => new MaxPooling2D(o);
export const averagePooling2d = (o: PoolingOptions = {}) => new AveragePooling2D(o);
export const maxPooling1d = (o: PoolingOptions = {}) => new MaxPooling1D(o);
export const averagePooling1d = (o: PoolingOptions = {}) => new AveragePooling1D(o);
export const globalAveragePooling2d = (o: GlobalPoolingOptions = {}) => new GlobalAveragePooling2D(o);
export const globalMaxPooling2d = (o: GlobalPoolingOptions = {}) => new GlobalMaxPooling2D(o);
export const globalAveragePooling1d = (o: GlobalPoolingOptions = {}) => new GlobalAveragePooling1D(o);
export const globalMaxPooling1d = (o: GlobalPoolingOptions = {}) => new GlobalMaxPooling1D(o);
// TensorFlow.js' aliases.
export { maxPooling2d as maxPool2d, averagePooling2d as avgPool2d, averagePooling2d as avgPooling2d, maxPooling1d as maxPool1d, averagePooling1d as avgPool1d, averagePooling1d as avgPooling1d };
export const batchNormalization = (o: BatchNormalizationOptions = {}) => new BatchNormalization(o);
export const layerNormalization = (o: LayerNormalizationOptions = {}) => new LayerNormalization(o);
export const embedding = (o: EmbeddingOptions & { inputDim: number; outputDim: number }) => { const [{ inputDim, outputDim }, rest] = split(o, "inputDim", "outputDim"); return new Embedding(inputDim, outputDim, rest); };
export const rescaling = (o: LayerOptions & { scale: number; offset?: number }) => { const [{ scale }, rest] = split(o, "scale"); return new Rescaling(scale, rest); };
export const normalization = (o: NormalizationOptions = {}) => new Normalization(o);
export const simpleRNN = (o: RNNOptions & { units: number }) => { const [{ units }, rest] = split(o, "units"); return new SimpleRNN(units, rest); };
export const lstm = (o: RNNOptions & { units: number }) => { const [{ units }, rest] = split(o, "units"); return new LSTM(units, rest); };
export const gru = (o: RNNOptions & { units: number }) => { const [{ units }, rest] = split(o, "units"); return new GRU(units, rest); };
export const bidirectional = (o: BidirectionalOptions & { layer: RNN }) => { const [{ layer }, rest] = split(o, "layer"); return new Bidirectional(layer, rest); };
export const multiHeadAttention = (o: MultiHeadAttentionOptions & { numHeads: number; keyDim: number }) => { const [{ numHeads, keyDim }, rest] = split(o, "numHeads", "keyDim"); return new MultiHeadAttention(numHeads, keyDim, rest); };
// Merge factories: given a config, the layer (TensorFlow.js); given a list of tensors, the merged
// tensor (Keras' keras.layers.concatenate([a, b]); TensorFlow.js accepts this form too).
type MergeArg<C> = C | readonly SymbolicTensor[] | readonly Tensor[];
function mergeFactory<C extends LayerOptions, M extends Layer>(make: (o: C) => M) {
  function f(inputs: readonly SymbolicTensor[], opts?: C): SymbolicTensor;
  function f(inputs: readonly Tensor[], opts?: C): Tensor;
  function f(opts?: C): M;
  function f(arg?: MergeArg<C>, opts?: C): M | SymbolicTensor | Tensor {
    if (Array.isArray(arg)) return make((opts ?? {}) as C).call(arg as never) as SymbolicTensor | Tensor;
    return make((arg ?? {}) as C);
  }
  return f;
}
export const concatenate = mergeFactory((o: LayerOptions & { axis?: number }) => new Concatenate(o));
export const add = mergeFactory((o: LayerOptions) => new Add(o));
export const subtract = mergeFactory((o: LayerOptions) => new Subtract(o));
export const multiply = mergeFactory((o: LayerOptions) => new Multiply(o));
export const average = mergeFactory((o: LayerOptions) => new Average(o));
export const maximum = mergeFactory((o: LayerOptions) => new Maximum(o));
export const minimum = mergeFactory((o: LayerOptions) => new Minimum(o));
