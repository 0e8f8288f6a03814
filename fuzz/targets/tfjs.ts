// Fuzz target: TensorFlow.js Layers models through keras.loadModel (src/keras/saving/). One fuzz
// input holds both files of a model: a 4-byte little-endian length n, n bytes of model.json, then
// the weight shard; parse hands them to keras.loadModel({ modelJson, weights }) (the in-memory
// form of the same loader the folder form uses). Structure-aware mutators edit the manifest and
// the topology (shapes, dtypes, quantization, units, class names, paths).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../../src/index.js";
import { keras } from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { pick, int, type Rand } from "../mutators.js";

const SHARD = "group1-shard1of1.bin";

function pack(json: string, bin: Uint8Array): Uint8Array {
  const j = new TextEncoder().encode(json);
  const out = new Uint8Array(4 + j.length + bin.length);
  new DataView(out.buffer).setUint32(0, j.length, true);
  out.set(j, 4);
  out.set(bin, 4 + j.length);
  return out;
}

// The harness's reading of a packed input (never throws: a bad length takes what there is).
function unpack(b: Uint8Array): { json: string; bin: Uint8Array } {
  const n = b.length >= 4 ? Math.min(new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true), b.length - 4) : 0;
  const start = Math.min(4, b.length);
  return { json: new TextDecoder().decode(b.subarray(start, start + n)), bin: b.subarray(start + n) };
}

function models(): keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>[] {
  const { layers } = keras;
  keras.backend.clearSession();
  ds.seed(0);
  const x1 = keras.Input({ shape: [4], name: "x1" }), x2 = keras.Input({ shape: [3], name: "x2" });
  const h = layers.concatenate([new layers.Dense(3, { activation: "tanh" }).call(x1), x2]);
  return [
    new keras.Sequential([keras.Input({ shape: [5] }), new layers.Dense(4, { activation: "relu" }), new layers.Dropout(0.2), new layers.Dense(2, { activation: "softmax" })]),
    new keras.Sequential([keras.Input({ shape: [6, 6, 1] }), new layers.Conv2D(2, [3, 3]), new layers.BatchNormalization(), new layers.MaxPooling2D(), new layers.Flatten(), new layers.Dense(2)]),
    new keras.Sequential([keras.Input({ shape: [4, 2] }), new layers.LSTM(3, { returnSequences: true, recurrentActivation: "legacy_hard_sigmoid" }), new layers.GRU(2, { resetAfter: false })]),
    new keras.Sequential([keras.Input({ shape: [5], dtype: "int32" }), new layers.Embedding(8, 3), new layers.GlobalAveragePooling1D(), new layers.Dense(1)]),
    new keras.Model({ inputs: [x1, x2], outputs: [new layers.Dense(2, { name: "o1" }).call(h), new layers.Dense(1, { name: "o2" }).call(layers.add([h, h]))] }),
  ];
}

// Edits model.json (parsed); returns the input unchanged when it is not JSON any more.
function editJson(b: Uint8Array, edit: (mj: any, rand: Rand) => void, rand: Rand): Uint8Array {
  const { json, bin } = unpack(b);
  try {
    const mj = JSON.parse(json);
    edit(mj, rand);
    return pack(JSON.stringify(mj), bin);
  } catch {
    return b;
  }
}

const HUGE = [0, 1, -1, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e308, 0.5, NaN, "3", null, [], {}];
const weightOf = (mj: any, rand: Rand) => {
  const ws = mj?.weightsManifest?.[0]?.weights;
  return Array.isArray(ws) && ws.length ? ws[int(rand, ws.length)] : null;
};
const layerOf = (mj: any, rand: Rand) => {
  const ls = mj?.modelTopology?.config?.layers;
  return Array.isArray(ls) && ls.length ? ls[int(rand, ls.length)] : null;
};

const MUTATORS: ((input: Uint8Array, rand: Rand) => Uint8Array)[] = [
  (b, r) => editJson(b, (mj, rand) => { const w = weightOf(mj, rand); if (w) w.shape[int(rand, Math.max(1, w.shape.length))] = pick(rand, HUGE); }, r),
  (b, r) => editJson(b, (mj, rand) => { const w = weightOf(mj, rand); if (w) w.shape = pick(rand, [[], [2 ** 20, 2 ** 20], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "x", [3]]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const w = weightOf(mj, rand); if (w) w.dtype = pick(rand, ["int32", "bool", "string", "complex64", "float16", 7]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const w = weightOf(mj, rand); if (w) w.quantization = pick(rand, [{ dtype: "uint8", min: -1, scale: 0.01 }, { dtype: "uint16", scale: 1e-4, min: 0 }, { dtype: "float16" }, { dtype: "uint8" }, { dtype: "int4", scale: 1, min: 0 }, 5]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const w = weightOf(mj, rand); if (w) w.name = pick(rand, ["", "__proto__", "constructor", "dense/kernel", w.name + ":0", "x/y/z"]); }, r),
  (b, r) => editJson(b, (mj, rand) => { if (mj.weightsManifest?.[0]) mj.weightsManifest[0].paths = pick(rand, [[], ["../x.bin"], [SHARD, SHARD], ["/etc/passwd"], ["http://x/y"], [7]]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const l = layerOf(mj, rand); if (l?.config) l.config[pick(rand, ["units", "filters", "input_dim", "output_dim", "kernel_size", "pool_size", "rate", "target_shape", "axis"])] = pick(rand, HUGE); }, r),
  (b, r) => editJson(b, (mj, rand) => { const l = layerOf(mj, rand); if (l) l.class_name = pick(rand, ["Conv3D", "Lambda", "Sequential", "Model", "InputLayer", "__proto__", "Bidirectional"]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const l = layerOf(mj, rand); if (l) l.config = pick(rand, [null, [], "x", {}, { layers: [] }]); }, r),
  (b, r) => editJson(b, (mj, rand) => { const l = layerOf(mj, rand); if (l) l.inbound_nodes = pick(rand, [[[["nope", 0, 0, {}]]], [[[l.name ?? "x", 0, 0, {}]]], null, [[]], "x"]); }, r),
  (b, r) => editJson(b, (mj, rand) => { mj.modelTopology = pick(rand, [null, {}, { class_name: "Sequential", config: { layers: Array.from({ length: 3000 }, () => ({ class_name: "Sequential", config: { layers: [] } })) } }, mj.modelTopology?.config]); }, r),
  (b, r) => editJson(b, (mj, rand) => { mj.format = pick(rand, ["graph-model", "layers-model", 3]); if (rand() < 0.5) mj.weightsManifest = pick(rand, [null, {}, [{}], [null]]); }, r),
];

const target: FuzzTarget = {
  name: "tfjs",
  ext: ".tfjs",
  async corpus() {
    const dir = mkdtempSync(join(tmpdir(), "ds-fuzz-tfjs-"));
    try {
      const out: Uint8Array[] = [];
      let k = 0;
      for (const m of models()) {
        const d = join(dir, String(k++));
        await m.save(d);
        out.push(pack(readFileSync(join(d, "model.json"), "utf8"), new Uint8Array(readFileSync(join(d, SHARD)))));
      }
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  async parse(path) {
    const { json, bin } = unpack(new Uint8Array(readFileSync(path)));
    await keras.loadModel({ modelJson: json, weights: { [SHARD]: bin } });
  },
  mutators: MUTATORS,
};
export default target;
