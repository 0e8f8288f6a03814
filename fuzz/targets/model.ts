// Fuzz target: whole-model files through io.load (src/nn/persist.ts): the architecture JSON in the
// safetensors metadata, checked against the file's tensors before any layer is constructed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as joinPath } from "node:path";
import * as ds from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { NAMES, DEPTHS, int, pick, type Rand } from "../mutators.js";
import { SAFETENSORS_MUTATORS, hole, inject, join, setOwn, split, weirdValue } from "../safetensors_bytes.js";

const { io, nn } = ds;
type Spec = { class?: unknown; config?: Record<string, unknown>; children?: unknown[] };

// Small models that together use every rebuildable layer (test/architecture.test.ts checks each one's tensors).
function models(): ds.nn.Module<never[], unknown>[] {
  const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2, new nn.LayerNorm(4));
  return [
    new nn.Sequential(new nn.Flatten(), new nn.Linear(8, 4), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(4, 2), new nn.LogSoftmax(1)),
    new nn.Sequential(
      new nn.Conv2d(1, 2, 3, { padding: 1 }), new nn.BatchNorm2d(2), new nn.LeakyReLU(0.1), new nn.MaxPool2d(2),
      new nn.Conv2d(2, 2, [3, 1], { stride: 1, groups: 2, bias: false }), new nn.AvgPool2d(2, { padding: 1 }), new nn.AdaptiveAvgPool2d([1, null]),
      new nn.Flatten(), new nn.Linear(2, 3), new nn.Softmax(-1)),
    new nn.Sequential(new nn.Unflatten(1, [2, 2, 2]), new nn.ConvTranspose2d(2, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      new nn.Upsample({ scaleFactor: 2, mode: "bilinear" }), new nn.Conv1d(2, 2, 3, { padding: "same" }) as never, new nn.Sigmoid()),
    new nn.Sequential(new nn.Embedding(10, 4, { paddingIdx: 0 }), new nn.PositionalEncoding(4, { maxLen: 16 }), encoder as never, new nn.GELU("tanh")),
    new nn.ModuleList([new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true }), new nn.GRU(2, 3), new nn.RNN(2, 2, { nonlinearity: "relu" }),
      new nn.RNNCell(2, 2), new nn.LSTMCell(2, 3), new nn.GRUCell(3, 2, { bias: false })] as never),
    new nn.Sequential(new nn.BatchNorm1d(3, { momentum: null }), new nn.ELU(0.5), new nn.Softplus(2, 10), new nn.Tanh(), new nn.Identity(), new nn.LayerNorm([3], { bias: false })),
    new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true }) as never,
    new nn.TransformerEncoderLayer(4, 1, { dimFeedforward: 4, normFirst: true, activation: "gelu" }) as never,
  ];
}

// Edits the model description inside the metadata; `raw` fills a hole() left in it.
function withInfo(b: Uint8Array, edit: (info: Record<string, unknown>) => string | void): Uint8Array {
  const s = split(b);
  if (!s) return b;
  try {
    const h = JSON.parse(s.header);
    const info = JSON.parse(h.__metadata__[io.MODEL_KEY]);
    const raw = edit(info);
    const text = JSON.stringify(info);
    h.__metadata__[io.MODEL_KEY] = raw === undefined ? text : inject(text, raw);
    return join(JSON.stringify(h), s.data);
  } catch {
    return b;
  }
}

// Every layer spec in the tree, with its parent list (to replace it).
function nodes(spec: Spec): { node: Spec; parent: unknown[] | null; index: number }[] {
  const out: { node: Spec; parent: unknown[] | null; index: number }[] = [{ node: spec, parent: null, index: 0 }];
  for (let i = 0; i < out.length && out.length < 10_000; i++) {
    const kids = out[i].node.children;
    if (Array.isArray(kids)) kids.forEach((k, j) => typeof k === "object" && k && out.push({ node: k as Spec, parent: kids, index: j }));
  }
  return out;
}

// The config fields of a node, nested options included, as [object, key] pairs.
function fields(c: unknown, out: [Record<string, unknown>, string][] = []): [Record<string, unknown>, string][] {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return out;
  for (const [k, v] of Object.entries(c)) {
    out.push([c as Record<string, unknown>, k]);
    if (typeof v === "object" && v !== null && !Array.isArray(v)) fields(v, out);
  }
  return out;
}

const HUGE: Spec[] = [
  { class: "Linear", config: { inFeatures: 30000, outFeatures: 30000, bias: true } },
  { class: "Embedding", config: { numEmbeddings: 2 ** 32, embeddingDim: 4, paddingIdx: null } },
  { class: "Embedding", config: { numEmbeddings: 1e9, embeddingDim: 4, paddingIdx: null } },
  { class: "LSTM", config: { inputSize: 2, hiddenSize: 2, numLayers: 2 ** 53 - 1, bias: true, batchFirst: false, dropout: 0, bidirectional: false } },
  { class: "Conv2d", config: { inChannels: 100000, outChannels: 100000, kernelSize: [3, 3], opts: {} } },
  { class: "TransformerEncoder", config: { layer: { dModel: 4, nhead: 2, opts: { dimFeedforward: 8, dropout: 0.1, activation: "relu", layerNormEps: 1e-5, batchFirst: false, normFirst: false } }, numLayers: 1e9, norm: null } },
  { class: "BatchNorm1d", config: { numFeatures: 1e9, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true } },
  { class: "PositionalEncoding", config: { dModel: 2 ** 31, dropout: 0.1, maxLen: 2 ** 53 - 1, batchFirst: false } },
  { class: "Upsample", config: { opts: { size: [1e9, 1e9] } } },
];

/** A config value set to a weird number, type or nested value. */
function configValue(b: Uint8Array, rand: Rand): Uint8Array {
  return withInfo(b, (info) => {
    const all = nodes(info.architecture as Spec).flatMap(({ node }) => fields(node.config));
    if (!all.length) return;
    const [obj, key] = pick(rand, all);
    const w = weirdValue(rand);
    obj[key] = w.value;
    return w.raw;
  });
}

/** A field the layer does not know, a class swapped, a field of the layer spec broken. */
function specShape(b: Uint8Array, rand: Rand): Uint8Array {
  return withInfo(b, (info) => {
    const { node } = pick(rand, nodes(info.architecture as Spec));
    switch (int(rand, 4)) {
      case 0: setOwn((node.config ??= {}) as Record<string, unknown>, pick(rand, NAMES.slice(0, 6)), 1); return;
      case 1: node.class = pick(rand, [...io.rebuildableLayers(), ...NAMES]); return;
      case 2: {
        const w = weirdValue(rand);
        setOwn(node as Record<string, unknown>, pick(rand, ["class", "config", "children"]), w.value);
        return w.raw;
      }
      default: delete node.config;
    }
  });
}

/** The architecture wrapped in Sequentials nested up to 100,000 deep, or a Sequential with up to 100,000 children. */
function nestOrWiden(b: Uint8Array, rand: Rand): Uint8Array {
  return withInfo(b, (info) => {
    const arch = JSON.stringify(info.architecture);
    info.architecture = hole();
    const n = pick(rand, [10, 63, 64, 65, 1000, ...DEPTHS]);
    if (rand() < 0.5) return `${'{"class":"Sequential","children":['.repeat(n)}${arch}${"]}".repeat(n)}`;
    // Many copies of the model itself stay under ~1 MB; many ReLUs go up to 100,000.
    const [child, most] = rand() < 0.5 ? ['{"class":"ReLU"}', 100_001] : [arch, Math.max(2, Math.floor(1e6 / arch.length))];
    return `{"class":"Sequential","children":[${Array.from({ length: Math.min(n, most) }, () => child).join(",")}]}`;
  });
}

/** A layer replaced by a huge one (the tensors stay as they are): Linear(30000, 30000), Embedding with 2^32 rows, LSTM with 2^53-1 layers, … */
function hugeLayer(b: Uint8Array, rand: Rand): Uint8Array {
  return withInfo(b, (info) => {
    const { parent, index } = pick(rand, nodes(info.architecture as Spec));
    const huge = structuredClone(pick(rand, HUGE));
    if (parent) parent[index] = huge;
    else info.architecture = huge;
  });
}

/** The description's own fields: format, version, class, training, custom, architecture. */
function infoField(b: Uint8Array, rand: Rand): Uint8Array {
  return withInfo(b, (info) => {
    const w = rand() < 0.5 ? weirdValue(rand) : { value: pick(rand, [null, 1, 2, "deepscript.model", "x", false]) };
    setOwn(info, pick(rand, ["format", "version", "class", "training", "custom", "architecture", "deepscript", ...NAMES.slice(0, 3)]), w.value);
    return (w as { raw?: string }).raw;
  });
}

/** A tensor's shape swapped for another with the same element count, so the offsets still tile. */
function reshapeTensor(b: Uint8Array, rand: Rand): Uint8Array {
  const s = split(b);
  if (!s) return b;
  try {
    const h = JSON.parse(s.header);
    const names = Object.keys(h).filter((k) => k !== "__metadata__");
    if (!names.length) return b;
    const e = h[pick(rand, names)];
    const n = e.shape.reduce((x: number, y: number) => x * y, 1);
    e.shape = pick(rand, [[n], [1, n], [n, 1], [...e.shape].reverse(), [...e.shape, 1], n ? [] : [0, 2 ** 40]]);
    return join(JSON.stringify(h), s.data);
  } catch {
    return b;
  }
}

const target: FuzzTarget = {
  name: "model",
  ext: ".safetensors",
  corpus() {
    ds.seed(0);
    const dir = mkdtempSync(joinPath(tmpdir(), "ds-fuzz-corpus-"));
    try {
      return models().map((m, i) => {
        if (i % 2) m.eval();
        return new Uint8Array(readFileSync(io.save(m, joinPath(dir, `m${i}.safetensors`))));
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  parse(path) {
    const model = io.load(path);
    for (const t of Object.values(model.stateDict())) t.dispose();
  },
  mutators: [configValue, configValue, specShape, nestOrWiden, hugeLayer, hugeLayer, infoField, reshapeTensor, ...SAFETENSORS_MUTATORS],
};
export default target;
