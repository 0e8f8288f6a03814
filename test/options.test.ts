// Checks up front: a misspelt option (or a bad value) given to any public layer, loader or
// estimator is an ArgumentError at construction that lists the valid options — never a silent
// default, never a failure at the first forward. The tables are checked against the exports, so
// a new layer or estimator must be added here.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";

const { nn, data, ml } = ds;
const T = data.transforms;

type Make = (opts: Record<string, unknown>) => unknown;

/** Expects `fn` to throw ArgumentError `<op>: unknown option "<typo>"; expected one of <valid>`. */
function refusesTypo(op: string, typo: string, valid: readonly string[], fn: () => unknown): void {
  const list = valid.length ? `expected one of ${valid.join(", ")}` : "it takes no options";
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ds.ArgumentError, `${op}: expected an ArgumentError, got ${String(e)}`);
    assert.equal(e.message, `${op}: unknown option "${typo}"; ${list}`);
    return true;
  });
}

// ---- nn: every layer whose constructor takes an options object -----------------------------------

const CONV = ["stride", "padding", "dilation", "groups", "bias"];
const GATED_RNN = ["numLayers", "bias", "batchFirst", "dropout", "bidirectional"];
const LAYERS: Record<string, { make: Make; typo: string; valid: string[] }> = {
  Linear: { make: (o) => new nn.Linear(4, 2, o), typo: "biases", valid: ["bias"] },
  Conv1d: { make: (o) => new nn.Conv1d(2, 4, 3, o), typo: "padding_mode", valid: CONV },
  Conv2d: { make: (o) => new nn.Conv2d(1, 4, 3, o), typo: "paddng", valid: CONV },
  ConvTranspose2d: { make: (o) => new nn.ConvTranspose2d(4, 2, 3, o), typo: "output_padding", valid: ["stride", "padding", "outputPadding", "groups", "bias", "dilation"] },
  Upsample: { make: (o) => new nn.Upsample({ scaleFactor: 2, ...o }), typo: "scale_factor", valid: ["size", "scaleFactor", "mode", "alignCorners"] },
  MaxPool2d: { make: (o) => new nn.MaxPool2d(2, o), typo: "ceil_mode", valid: ["stride", "padding", "dilation", "ceilMode"] },
  AvgPool2d: { make: (o) => new nn.AvgPool2d(2, o), typo: "dilation", valid: ["stride", "padding", "ceilMode", "countIncludePad"] },
  BatchNorm1d: { make: (o) => new nn.BatchNorm1d(4, o), typo: "track_running_stats", valid: ["eps", "momentum", "affine", "trackRunningStats"] },
  BatchNorm2d: { make: (o) => new nn.BatchNorm2d(4, o), typo: "momentun", valid: ["eps", "momentum", "affine", "trackRunningStats"] },
  LayerNorm: { make: (o) => new nn.LayerNorm(4, o), typo: "elementwise_affine", valid: ["eps", "elementwiseAffine", "bias"] },
  Embedding: { make: (o) => new nn.Embedding(10, 4, o), typo: "padding_idx", valid: ["paddingIdx"] },
  CrossEntropyLoss: { make: (o) => new nn.CrossEntropyLoss(o), typo: "label_smoothing", valid: ["weight", "ignoreIndex", "reduction", "labelSmoothing"] },
  NLLLoss: { make: (o) => new nn.NLLLoss(o), typo: "ignore_index", valid: ["weight", "ignoreIndex", "reduction"] },
  MSELoss: { make: (o) => new nn.MSELoss(o), typo: "reduce", valid: ["reduction"] },
  L1Loss: { make: (o) => new nn.L1Loss(o), typo: "size_average", valid: ["reduction"] },
  BCELoss: { make: (o) => new nn.BCELoss(o), typo: "weights", valid: ["weight", "reduction"] },
  BCEWithLogitsLoss: { make: (o) => new nn.BCEWithLogitsLoss(o), typo: "pos_weight", valid: ["weight", "reduction", "posWeight"] },
  MultiheadAttention: { make: (o) => new nn.MultiheadAttention(8, 2, o), typo: "batch_first", valid: ["dropout", "bias", "addBiasKv", "addZeroAttn", "kdim", "vdim", "batchFirst"] },
  RNN: { make: (o) => new nn.RNN(3, 4, o), typo: "num_layers", valid: ["numLayers", "nonlinearity", "bias", "batchFirst", "dropout", "bidirectional"] },
  LSTM: { make: (o) => new nn.LSTM(3, 4, o), typo: "nonlinearity", valid: GATED_RNN },
  GRU: { make: (o) => new nn.GRU(3, 4, o), typo: "bidirectonal", valid: GATED_RNN },
  RNNCell: { make: (o) => new nn.RNNCell(3, 4, o), typo: "activation", valid: ["bias", "nonlinearity"] },
  LSTMCell: { make: (o) => new nn.LSTMCell(3, 4, o), typo: "batchFirst", valid: ["bias"] },
  GRUCell: { make: (o) => new nn.GRUCell(3, 4, o), typo: "useBias", valid: ["bias"] },
  TransformerEncoderLayer: { make: (o) => new nn.TransformerEncoderLayer(8, 2, o), typo: "dim_feedforward", valid: ["dimFeedforward", "dropout", "activation", "layerNormEps", "batchFirst", "normFirst"] },
  PositionalEncoding: { make: (o) => new nn.PositionalEncoding(8, o), typo: "max_len", valid: ["dropout", "maxLen", "batchFirst"] },
};
// Layers whose constructors take no options object (their arguments are checked below).
const NO_OPTIONS = [
  "Identity", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "GELU", "ELU", "Softplus", "Softmax", "LogSoftmax", "Dropout", "Flatten",
  "Unflatten", "AdaptiveAvgPool2d", "Sequential", "ModuleList", "TransformerEncoder",
];

test("every nn layer is in the tables", () => {
  const layers = Object.entries(nn).filter(([, v]) => typeof v === "function" && v.prototype instanceof nn.Module).map(([k]) => k).sort();
  assert.deepEqual(layers, [...Object.keys(LAYERS), ...NO_OPTIONS].sort());
});

test("a misspelt option to any nn layer is an ArgumentError listing the valid ones", () => {
  for (const [name, { make, typo, valid }] of Object.entries(LAYERS)) {
    assert.doesNotThrow(() => make({}), name);
    refusesTypo(name, typo, valid, () => make({ [typo]: 1 }));
  }
});

test("options that name Object.prototype's members are unknown options too", () => {
  for (const key of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
    const opts = JSON.parse(`{"${key}": 1}`) as Record<string, unknown>;
    refusesTypo("Linear", key, ["bias"], () => new nn.Linear(2, 2, opts));
    refusesTypo("DataLoader", key, ["batchSize", "shuffle", "dropLast", "seed", "generator", "collate"], () => new data.DataLoader(new data.TensorDataset(ds.zeros([2])), opts));
    refusesTypo("KMeans", key, ["nClusters", "init", "nInit", "maxIter", "tol", "seed"], () => new ml.KMeans(opts));
    refusesTypo("KMeans.setParams", key, ["nClusters", "init", "nInit", "maxIter", "tol", "seed"], () => new ml.KMeans().setParams(opts));
  }
});

test("layer arguments are checked at construction, naming the field", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => new nn.Linear(0, 3), /^Linear: inFeatures must be an integer >= 1, got 0$/],
    [() => new nn.Linear(2, 3.5), /^Linear: outFeatures must be an integer >= 1, got 3.5$/],
    [() => new nn.Linear(2, 3, { bias: "no" as never }), /^Linear: bias must be true or false, got "no"$/],
    [() => new nn.Dropout(NaN), /^Dropout: p must be in \[0, 1\], got NaN$/],
    [() => new nn.Dropout(1.5), /^Dropout: p must be in \[0, 1\], got 1.5$/],
    [() => new nn.Embedding(0, 4), /^Embedding: numEmbeddings must be an integer >= 1, got 0$/],
    [() => new nn.Embedding(10, 4, { paddingIdx: 1.5 }), /^Embedding: paddingIdx must be an integer, got 1.5$/],
    [() => new nn.Flatten(0.5), /^Flatten: startDim must be an integer, got 0.5$/],
    [() => new nn.LeakyReLU(NaN), /^LeakyReLU: negativeSlope must be a finite number, got NaN$/],
    [() => new nn.GELU("tan" as never), /^GELU: approximate must be "none" or "tanh", got "tan"$/],
    [() => new nn.Softplus(0), /^Softplus: beta must not be 0/],
    [() => new (nn.Softmax as unknown as new () => unknown)(), /^Softmax: dim must be an integer, got undefined$/],
    [() => new nn.BatchNorm1d(0), /^BatchNorm1d: numFeatures must be an integer >= 1, got 0$/],
    [() => new nn.BatchNorm2d(4, { eps: -1 }), /^BatchNorm2d: eps must be a finite number >= 0, got -1$/],
    [() => new nn.BatchNorm2d(4, { momentum: 2 }), /^BatchNorm2d: momentum must be in \[0, 1\] or null \(a cumulative average\), got 2$/],
    [() => new nn.BatchNorm1d(4, { affine: 1 as never }), /^BatchNorm1d: affine must be true or false, got 1$/],
    [() => new nn.LayerNorm([]), /^LayerNorm: normalizedShape must be a positive integer or a non-empty list of them, got \[\]$/],
    [() => new nn.LayerNorm(4, { eps: NaN }), /^LayerNorm: eps must be a finite number >= 0, got NaN$/],
    [() => new nn.Sequential(nn.ReLU as never), /^Sequential: item 0 must be a Module, got the class ReLU \(construct it: new ReLU\(…\)\)$/],
    [() => new nn.ModuleList([new nn.ReLU(), null as never]), /^ModuleList: item 1 must be a Module, got null$/],
    [() => new nn.LSTM(0, 4), /^LSTM: inputSize must be an integer >= 1, got 0$/],
    [() => new nn.RNN(3, 4, { batchFirst: 1 as never }), /^RNN: batchFirst must be true or false, got 1$/],
    [() => new nn.GRUCell(3, 2.5), /^GRUCell: hiddenSize must be an integer >= 1, got 2.5$/],
    [() => new nn.MultiheadAttention(8, 2, { kdim: 0 }), /^MultiheadAttention: kdim must be an integer >= 1, got 0$/],
    [() => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 0 }), /^TransformerEncoderLayer: dimFeedforward must be an integer >= 1, got 0$/],
    [() => new nn.PositionalEncoding(8, { maxLen: -1 }), /^PositionalEncoding: maxLen must be an integer >= 1, got -1$/],
    [() => new nn.CrossEntropyLoss({ reduction: "avg" as never }), /^CrossEntropyLoss: reduction must be "mean" or "sum" or "none", got "avg"$/],
    [() => new nn.CrossEntropyLoss({ labelSmoothing: 2 }), /^CrossEntropyLoss: labelSmoothing must be in \[0, 1\], got 2$/],
    [() => new nn.NLLLoss({ weight: [1, 2] as never }), /^NLLLoss: weight must be a tensor or null, got object$/],
    [() => new nn.BCEWithLogitsLoss({ posWeight: 3 as never }), /^BCEWithLogitsLoss: posWeight must be a tensor or null, got number$/],
  ];
  for (const [fn, want] of cases) {
    assert.throws(fn, (e: unknown) => {
      assert.ok(e instanceof ds.ArgumentError, `expected an ArgumentError for ${want}, got ${String(e)}`);
      assert.match(e.message, want);
      return true;
    });
  }
});

test("forward options of attention, recurrent and Transformer layers are checked too", () => {
  const x = ds.randn([3, 2, 8]);
  refusesTypo("MultiheadAttention.forward", "keyPaddingMsk", ["keyPaddingMask", "attnMask", "needWeights", "averageAttnWeights", "isCausal"],
    () => new nn.MultiheadAttention(8, 2).call(x, x, x, { keyPaddingMsk: null } as never));
  refusesTypo("LSTM.forward", "length", ["lengths"], () => new nn.LSTM(8, 4).call(x, null, { length: [3, 2] } as never));
  refusesTypo("TransformerEncoderLayer.forward", "src_mask", ["srcMask", "srcKeyPaddingMask", "isCausal"],
    () => new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).call(x, { src_mask: null } as never));
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
  refusesTypo("TransformerEncoder.forward", "srcMask", ["mask", "srcKeyPaddingMask", "isCausal"], () => enc.call(x, { srcMask: null } as never));
});

// ---- data: loaders and friends ------------------------------------------------------------------

test("a misspelt option to a data loader, splitter, vocabulary or transform is an ArgumentError listing the valid ones", () => {
  const ds1 = new data.TensorDataset(ds.arange(0, 10), ds.arange(0, 10));
  const img = ds.zeros([1, 8, 8]);
  const cases: [string, string, string[], () => unknown][] = [
    ["DataLoader", "batch_size", ["batchSize", "shuffle", "dropLast", "seed", "generator", "collate"], () => new data.DataLoader(ds1, { batch_size: 4 } as never)],
    ["trainTestSplit", "test_size", ["testSize", "shuffle", "seed", "stratify"], () => data.trainTestSplit(ds.arange(0, 10), { test_size: 0.2 } as never)],
    ["windowSeries", "horizn", ["window", "horizon", "stride", "targetColumns"], () => data.windowSeries([1, 2, 3, 4, 5], { window: 2, horizn: 2 } as never)],
    ["MinMaxScaler", "feature_range", ["featureRange"], () => new data.MinMaxScaler({ feature_range: [0, 1] } as never)],
    ["Vocab", "padToken", ["pad", "unk"], () => new data.Vocab(["a", "b"], { padToken: "a" } as never)],
    ["Vocab.build", "min_freq", ["unk", "pad", "specials", "minFreq", "maxSize"], () => data.Vocab.build([["a"]], { min_freq: 2 } as never)],
    ["WordVocab.fromTexts", "tokeniser", ["unk", "pad", "specials", "minFreq", "maxSize", "tokenizer"], () => data.WordVocab.fromTexts(["a b"], { tokeniser: (t: string) => [t] } as never)],
    ["padSequences", "max_len", ["padValue", "maxLen", "side", "batchFirst"], () => data.padSequences([[1, 2]], { max_len: 4 } as never)],
    ["nextTokenPairs", "step", ["stride"], () => data.nextTokenPairs([1, 2, 3, 4, 5], 2, { step: 1 } as never)],
    ["digits", "flat", ["flatten"], () => data.datasets.digits({ flat: true } as never)],
    ["affine", "angel", ["angle", "translate", "scale", "shear"], () => T.affine(img, { angel: 10 } as never)],
    ["affine", "fil", ["fill", "interpolation"], () => T.rotate(img, 10, { fil: 1 } as never)],
    ["randomAffine", "degree", ["degrees", "translate", "scale", "shear", "fill", "interpolation", "seed"], () => T.randomAffine({ degree: 10 } as never)],
    ["randomRotation", "degrees", ["fill", "interpolation", "seed"], () => T.randomRotation(10, { degrees: 5 } as never)],
    ["randomShift", "padding", ["fill", "seed"], () => T.randomShift(2, { padding: 1 } as never)],
    ["randomCrop", "pad", ["padding", "fill", "seed"], () => T.randomCrop(6, { pad: 2 } as never)],
    ["randomResizedCrop", "ratios", ["scale", "ratio", "seed"], () => T.randomResizedCrop(6, { ratios: [1, 1] } as never)],
    ["randomHorizontalFlip", "p", ["seed"], () => T.randomHorizontalFlip(0.5, { p: 0.5 } as never)],
    ["elastic", "alfa", ["alpha", "sigma", "fill", "interpolation", "seed"], () => T.elastic({ alfa: 3 } as never)],
    ["gaussianNoise", "std", ["mean", "clip", "seed"], () => T.gaussianNoise(0.1, { std: 2 } as never)],
    ["randomApply", "prob", ["seed"], () => T.randomApply(T.randomHorizontalFlip(), 0.5, { prob: 1 } as never)],
    ["compose", "sed", ["seed"], () => T.compose([], { sed: 1 } as never)],
  ];
  for (const [op, typo, valid, fn] of cases) refusesTypo(op, typo, valid, fn);
  assert.throws(() => new data.DataLoader(ds1, { shuffle: "yes" as never }), /^ArgumentError: DataLoader: shuffle must be true or false, got "yes"$/);
  assert.throws(() => new data.DataLoader(ds1, { collate: 5 as never }), /^ArgumentError: DataLoader: collate must be a function, got number$/);
  assert.throws(() => data.padSequences([[1]], { side: "left" as never }), /^ArgumentError: padSequences: side must be "end" or "start", got "left"$/);
  assert.throws(() => T.randomAffine({ interpolation: "cubic" as never }), /^ArgumentError: randomAffine: interpolation must be "bilinear" or "nearest", got "cubic"$/);
  assert.throws(() => data.windowSeries([1, 2, 3], {} as never), /^ArgumentError: windowSeries: option "window" is required$/);
});

// ---- ml: every estimator ------------------------------------------------------------------------

test("a misspelt option to any ml estimator is an ArgumentError listing the valid ones, in the constructor and in setParams", () => {
  const estimators = Object.entries(ml).filter(([name, v]) => typeof v === "function" && v.prototype instanceof ml.BaseEstimator && name !== "Classifier" && name !== "Regressor");
  assert.ok(estimators.length >= 25, `found ${estimators.length} estimators`);
  for (const [name, cls] of estimators) {
    const C = cls as unknown as new (o?: object) => { getParams(): object; setParams(o: object): unknown };
    const valid = Object.keys(new C().getParams());
    refusesTypo(name, "notAnOption", valid, () => new C({ notAnOption: 1 }));
    refusesTypo(`${name}.setParams`, "notAnOption", valid, () => new C().setParams({ notAnOption: 1 }));
  }
  // The snake_case a scikit-learn user types first.
  refusesTypo("RandomForestClassifier", "n_estimators", Object.keys(new ml.RandomForestClassifier().getParams()), () => new ml.RandomForestClassifier({ n_estimators: 10 } as never));
  refusesTypo("LogisticRegression", "max_iter", ["penalty", "C", "fitIntercept", "maxIter", "tol"], () => new ml.LogisticRegression({ max_iter: 10 } as never));
  // setParams changes nothing when it refuses.
  const km = new ml.KMeans({ nClusters: 3 });
  assert.throws(() => km.setParams({ nClusters: 5, n_init: 2 } as never), ds.ArgumentError);
  assert.equal(km.getParams().nClusters, 3);
});

test("model selection's options are checked: GridSearchCV, KFold, StratifiedKFold, trainTestSplit, crossValScore", () => {
  const X = [[0], [1], [2], [3], [4], [5]], y = [0, 1, 0, 1, 0, 1];
  refusesTypo("GridSearchCV", "n_jobs", ["cv", "scoring", "refit", "errorScore"], () => new ml.GridSearchCV(new ml.KNeighborsClassifier(), { nNeighbors: [1] }, { n_jobs: 2 } as never));
  refusesTypo("KFold", "n_splits", ["nSplits", "shuffle", "seed"], () => new ml.KFold({ n_splits: 3 } as never));
  refusesTypo("StratifiedKFold", "random_state", ["nSplits", "shuffle", "seed"], () => new ml.StratifiedKFold({ random_state: 0 } as never));
  refusesTypo("ml.trainTestSplit", "test_size", ["testSize", "trainSize", "shuffle", "seed", "stratify"], () => ml.trainTestSplit(X, y, { test_size: 0.5 } as never));
  refusesTypo("ml.crossValScore", "folds", ["cv", "scoring", "errorScore"], () => ml.crossValScore(new ml.KNeighborsClassifier({ nNeighbors: 1 }), X, y, { folds: 2 } as never));
  assert.throws(() => new ml.KFold({ shuffle: 1 as never }), /^ArgumentError: KFold: shuffle must be true or false, got 1$/);
});
