// The architecture table's static side: for every rebuildable layer, the tensors computed from a
// saved configuration alone (what io.load compares with a file before constructing anything) are
// exactly the constructed layer's state dict — names, order, shapes and kinds.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { expectedTensors, readArchitecture } from "../src/nn/architecture.js";

const { io, nn } = ds;
type AnyModule = ds.nn.Module<never[], unknown>;

// Several configurations per class, chosen to switch every optional tensor on and off.
const LAYERS: AnyModule[] = [
  new nn.Linear(3, 2), new nn.Linear(4, 5, { bias: false }), new nn.Identity(),
  new nn.Conv1d(2, 4, 3), new nn.Conv1d(4, 6, 2, { groups: 2, bias: false, padding: "same" }),
  new nn.Conv2d(3, 4, [2, 3]), new nn.Conv2d(4, 2, 3, { groups: 2, stride: [2, 1], padding: [1, 0], dilation: 2, bias: false }),
  new nn.ConvTranspose2d(4, 6, 3, { groups: 2, stride: 2, outputPadding: 1 }), new nn.ConvTranspose2d(2, 3, [1, 2], { bias: false }),
  new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ size: [3, 4], mode: "bilinear", alignCorners: true }), new nn.Unflatten(1, [2, -1]),
  new nn.MaxPool2d(2), new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, dilation: 2, ceilMode: true }),
  new nn.AvgPool2d(3, { countIncludePad: false, padding: 1 }), new nn.AdaptiveAvgPool2d([2, null]),
  new nn.BatchNorm1d(5), new nn.BatchNorm1d(3, { affine: false, momentum: null }), new nn.BatchNorm2d(2, { trackRunningStats: false }),
  new nn.LayerNorm([2, 3]), new nn.LayerNorm(4, { bias: false }), new nn.LayerNorm(4, { elementwiseAffine: false, eps: 1e-3 }),
  new nn.ReLU(), new nn.LeakyReLU(0.2), new nn.GELU("tanh"), new nn.ELU(0.5), new nn.Softplus(2, 10), new nn.Tanh(), new nn.Sigmoid(),
  new nn.Softmax(-1), new nn.LogSoftmax(1), new nn.Dropout(0.25), new nn.Embedding(7, 3, { paddingIdx: 0 }), new nn.Flatten(0, 2),
  new nn.MultiheadAttention(4, 2) as never, new nn.MultiheadAttention(4, 1, { kdim: 3, vdim: 5, addBiasKv: true }) as never,
  new nn.MultiheadAttention(6, 3, { bias: false, addZeroAttn: true, batchFirst: true }) as never,
  new nn.RNN(3, 4) as never, new nn.RNN(3, 2, { numLayers: 2, nonlinearity: "relu", bidirectional: true, bias: false }) as never,
  new nn.LSTM(2, 3, { numLayers: 3, bidirectional: true }) as never, new nn.GRU(4, 2, { numLayers: 2, batchFirst: true }) as never,
  new nn.RNNCell(3, 2, { nonlinearity: "relu" }) as never, new nn.LSTMCell(2, 4) as never, new nn.GRUCell(3, 3, { bias: false }) as never,
  new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }) as never,
  new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, normFirst: true }), 2, new nn.LayerNorm(4)) as never,
  new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 1, { dimFeedforward: 6, activation: "gelu" }), 1) as never,
  new nn.PositionalEncoding(8, { maxLen: 20 }),
  new nn.Sequential(new nn.Linear(2, 3), new nn.Sequential(new nn.BatchNorm1d(3), new nn.Linear(3, 1))) as never,
  new nn.ModuleList([new nn.Linear(2, 2), new nn.ModuleList([new nn.Conv2d(1, 1, 1)])]) as never,
];

test("the tensors computed from every rebuildable layer's saved config are its state dict: names, order, shapes, kinds", () => {
  ds.seed(0);
  const covered = new Set<string>();
  for (const layer of LAYERS) {
    const d = io.describeModel(layer);
    assert.ok("spec" in d, layer.constructor.name);
    const spec = JSON.parse(JSON.stringify(d.spec)); // as a file holds it
    const table = expectedTensors(readArchitecture(spec));
    assert.ok(table);
    const want = Object.entries(layer.stateDict()).map(([k, t]) => [k, [...t.shape], t.dtype === "int32" ? "int32" : "float"]);
    const got = [...table.entries()].map(([k, v]) => [k, v.shape, v.kind]);
    assert.deepEqual(got, want, `${layer.toString()}`);
    for (const m of layer.modules()) covered.add(m.constructor.name);
  }
  const missing = io.rebuildableLayers().filter((name) => !covered.has(name));
  assert.deepEqual(missing, [], "every rebuildable layer is covered here");
});

test("expectedTensors stops at the budget instead of enumerating a huge declared layer count", () => {
  const spec = { class: "LSTM", config: { inputSize: 2, hiddenSize: 2, numLayers: 2 ** 53 - 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false } };
  const t0 = performance.now();
  assert.equal(expectedTensors(readArchitecture(spec), 10), null);
  assert.ok(performance.now() - t0 < 100);
  assert.equal(expectedTensors(readArchitecture({ ...spec, config: { ...spec.config, numLayers: 2 } }), 8)?.size, 8);
});

test("readArchitecture refuses bad values naming the layer path and the field, before constructing anything", () => {
  const conv = (opts: object) => ({ class: "Sequential", children: [{ class: "Conv2d", config: { inChannels: 1, outChannels: 2, kernelSize: 3, opts } }] });
  const refuses = (spec: unknown, re: RegExp, limits = {}) =>
    assert.throws(() => readArchitecture(spec, limits), (e: unknown) => e instanceof ds.ArgumentError && re.test(e.message), String(re));
  refuses(conv({ padding: -3 }), /Conv2d at "0": padding must be an integer >= 0 or a pair of them, "same" or "valid", got -3/);
  refuses(conv({ stride: 0 }), /Conv2d at "0": stride must be an integer >= 1 or a pair of them, got 0/);
  refuses(conv({ stride: 2, padding: "same" }), /padding "same" needs stride 1/);
  refuses(conv({ strid: 2 }), /Conv2d at "0": unknown config field "opts.strid"/);
  refuses({ class: "MaxPool2d", config: { kernelSize: 2, opts: { padding: 2 } } }, /MaxPool2d: padding 2 must be at most half the kernel size 2/);
  refuses({ class: "Upsample", config: { opts: { scaleFactor: -1 } } }, /scaleFactor must be a positive number/);
  refuses({ class: "Linear", config: { inFeatures: 2 ** 60, outFeatures: 1, bias: true } }, /config field "inFeatures" must be an integer >= 1, got 1152921504606847000/);
  refuses({ class: "Linear", config: { inFeatures: 1, outFeatures: 1, bias: true, constructor: 1 } }, /unknown config field "constructor"/);
  refuses({ class: "toString" }, /unknown layer class "toString"/);
  refuses({ class: "Sequential", children: [{ class: "ReLU" }, { class: "ReLU" }] }, /more than 2 layers/, { maxLayers: 2 });
  refuses({ class: "Sequential", children: [{ class: "Sequential", children: [{ class: "ReLU" }] }] }, /Sequential at "0": layers nested more than 1 deep \(the maxDepth limit\)/, { maxDepth: 1 });
  // Nested 3,000 deep, or 100,000 children: refused by the default limits, quickly.
  let deep: object = { class: "ReLU" };
  for (let i = 0; i < 3000; i++) deep = { class: "Sequential", children: [deep] };
  refuses(deep, /nested more than 64 deep/);
  refuses({ class: "Sequential", children: Array.from({ length: 100_000 }, () => ({ class: "ReLU" })) }, /100000 children make more than 100000 layers/);
});

test("the constructors run the same value checks: a bad stride or padding fails at construction, not at the first forward", () => {
  assert.throws(() => new nn.Conv2d(1, 2, 3, { padding: -3 }), (e: unknown) => e instanceof ds.ArgumentError && /Conv2d: padding/.test(e.message));
  assert.throws(() => new nn.Conv1d(1, 2, 3, { stride: 0 }), (e: unknown) => e instanceof ds.ArgumentError && /Conv1d: stride must be an integer >= 1, got 0/.test(e.message));
  assert.throws(() => new nn.ConvTranspose2d(1, 2, 3, { stride: 2, outputPadding: 2 }), /outputPadding 2 must be smaller than either stride 2 or dilation 1/);
  assert.throws(() => new nn.MaxPool2d(0), /MaxPool2d: kernelSize must be an integer >= 1/);
  assert.throws(() => new nn.AvgPool2d(2, { stride: 0 }), /AvgPool2d: stride must be/);
  assert.throws(() => new nn.AdaptiveAvgPool2d([0, 2]), /AdaptiveAvgPool2d: outputSize must be/);
  assert.throws(() => new nn.Upsample({ size: 2, mode: "cubic" as never }), /mode must be "nearest" or "bilinear"/);
});
