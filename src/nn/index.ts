// Neural networks (PyTorch's torch.nn): Module, Parameter, layers, losses, init, functional.
export * as functional from "./functional.js";
export * as F from "./functional.js";
export * as init from "./init.js";
export { Module, toSnake, type StateDict, type LoadStateDictOptions } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear, Identity, type LinearOptions } from "./layers/linear.js";
export { Conv1d, Conv2d, type ConvOptions } from "./layers/conv.js";
export { ConvTranspose2d, Upsample, type ConvTranspose2dLayerOptions, type UpsampleOptions } from "./layers/upsampling.js";
export { Unflatten } from "./layers/reshape.js";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from "./layers/pooling.js";
export { BatchNorm1d, BatchNorm2d, LayerNorm, type BatchNormOptions, type LayerNormOptions } from "./layers/normalization.js";
export { ReLU, LeakyReLU, GELU, ELU, Softplus, Tanh, Sigmoid, Softmax, LogSoftmax } from "./layers/activation.js";
export { Dropout, Embedding, Flatten, type EmbeddingOptions } from "./layers/misc.js";
export { Sequential, ModuleList } from "./layers/container.js";
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss } from "./layers/loss.js";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from "./layers/attention.js";
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, type RNNOptions, type GatedRNNOptions, type RNNCellOptions, type RecurrentForwardOptions } from "./layers/recurrent.js";
export * as rnn from "./rnn.js";
export {
  TransformerEncoderLayer, TransformerEncoder, PositionalEncoding, sinusoidalPositionalEncoding,
  type TransformerEncoderLayerOptions, type TransformerEncoderLayerForwardOptions, type TransformerEncoderForwardOptions, type PositionalEncodingOptions,
} from "./layers/transformer.js";
export * as utils from "./utils.js";
