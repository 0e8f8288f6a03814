// Data (PyTorch's torch.utils.data plus loaders): datasets, DataLoader, IDX files, splits, bundled digits.
export { TensorDataset, type Dataset } from "./dataset.js";
export { DataLoader, defaultCollate, type DataLoaderOptions, type DataLoaderState } from "./loader.js";
export { readIdx, type IdxOptions } from "./idx.js";
export { trainTestSplit, type SplitOptions } from "./split.js";
export * as datasets from "./datasets.js";
export { windowSeries, StandardScaler, MinMaxScaler, type WindowOptions, type SeriesLike } from "./timeseries.js";
export { Vocab, CharVocab, WordVocab, tokenize, padSequences, nextTokenPairs, type VocabOptions, type PadOptions } from "./text.js";
export * as transforms from "./transforms.js";
