// Fuzz target: Keras 3 .keras archives through keras.loadModel(path) (src/keras/saving/keras_archive.ts).
// The corpus is models saved here as .keras (a zip of config.json, metadata.json and the HDF5
// model.weights.h5, stored uncompressed, so the generic byte mutators reach the HDF5 bytes too).
// Structure-aware mutators edit the config, the metadata, the zip's declared sizes and members.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync, zipSync } from "fflate";
import * as ds from "../../src/index.js";
import { keras } from "../../src/index.js";
import type { FuzzTarget } from "../target.js";
import { pick, int, type Rand } from "../mutators.js";

function models(): keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>[] {
  const { layers } = keras;
  keras.backend.clearSession();
  ds.seed(0);
  const x1 = keras.Input({ shape: [4], name: "x1" }), x2 = keras.Input({ shape: [3], name: "x2" });
  const h = layers.concatenate([new layers.Dense(3, { activation: "tanh" }).call(x1), x2]);
  return [
    new keras.Sequential([keras.Input({ shape: [5] }), new layers.Dense(4, { activation: "relu" }), new layers.Dense(2, { activation: "softmax" })]),
    new keras.Sequential([keras.Input({ shape: [6, 6, 1] }), new layers.Conv2D(2, [3, 3]), new layers.BatchNormalization(), new layers.Flatten(), new layers.Dense(2)]),
    new keras.Sequential([keras.Input({ shape: [4, 2] }), new layers.LSTM(3, { returnSequences: true }), new layers.Bidirectional(new layers.GRU(2))]),
    new keras.Model({ inputs: [x1, x2], outputs: [new layers.Dense(2, { name: "o1" }).call(h), new layers.Dense(1, { name: "o2" }).call(h)] }),
  ];
}

// Edits one member of the archive; returns the input unchanged when it is not a readable zip.
function editMember(b: Uint8Array, name: string, edit: (text: any, rand: Rand) => unknown, rand: Rand): Uint8Array {
  try {
    const z = unzipSync(b);
    const v = JSON.parse(new TextDecoder().decode(z[name]));
    const r = edit(v, rand);
    z[name] = new TextEncoder().encode(JSON.stringify(r === undefined ? v : r));
    return zipSync(z, { level: 0 });
  } catch {
    return b;
  }
}

const HUGE = [0, 1, -1, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e308, 0.5, NaN, "3", null, [], {}];
const layerOf = (c: any, rand: Rand) => {
  const ls = c?.config?.layers;
  return Array.isArray(ls) && ls.length ? ls[int(rand, ls.length)] : null;
};

// Sets the uncompressed size (central directory, offset 24) of one member to a value from `sizes`.
function declareSize(b: Uint8Array, rand: Rand): Uint8Array {
  const out = b.slice();
  const dv = new DataView(out.buffer);
  const at: number[] = [];
  for (let i = 0; i + 46 <= out.length; i++) if (dv.getUint32(i, true) === 0x02014b50) at.push(i);
  if (!at.length) return b;
  dv.setUint32(pick(rand, at) + pick(rand, [20, 24]), pick(rand, [0, 1, 0xffffffff, 0x7fffffff, 2 ** 30, out.length * 2]), true);
  return out;
}

const MUTATORS: ((input: Uint8Array, rand: Rand) => Uint8Array)[] = [
  (b, r) => editMember(b, "config.json", (c, rand) => { const l = layerOf(c, rand); if (l?.config) l.config[pick(rand, ["units", "filters", "kernel_size", "axis", "batch_shape", "return_sequences"])] = pick(rand, HUGE); }, r),
  (b, r) => editMember(b, "config.json", (c, rand) => { const l = layerOf(c, rand); if (l) l.class_name = pick(rand, ["Conv3D", "Lambda", "Sequential", "Functional", "InputLayer", "__proto__", "Bidirectional", "LSTM", "Dense"]); }, r),
  (b, r) => editMember(b, "config.json", (c, rand) => { const l = layerOf(c, rand); if (l) l.config = pick(rand, [null, [], "x", {}, { layers: [] }]); }, r),
  (b, r) => editMember(b, "config.json", (c, rand) => pick(rand, [null, [], 7, {}, c?.config, { class_name: "Sequential", config: { layers: Array.from({ length: 3000 }, () => ({ class_name: "Sequential", config: { layers: [] } })) } }]), r),
  (b, r) => editMember(b, "metadata.json", (_m, rand) => pick(rand, [{ keras_version: "2.13.1" }, { keras_version: 3 }, null, [], { keras_version: "3.9.0" }]), r),
  (b, r) => declareSize(b, r),
  (b, r) => {
    try {
      const z = unzipSync(b);
      const names = Object.keys(z);
      const k = pick(r, names);
      if (r() < 0.5) delete z[k];
      else z[pick(r, names)] = z[k];
      return zipSync(z, { level: pick(r, [0, 6]) as 0 | 6 });
    } catch {
      return b;
    }
  },
];

const target: FuzzTarget = {
  name: "keras",
  ext: ".keras",
  async corpus() {
    const dir = mkdtempSync(join(tmpdir(), "ds-fuzz-keras-"));
    try {
      const out: Uint8Array[] = [];
      let k = 0;
      for (const m of models()) {
        const p = join(dir, `${k++}.keras`);
        await m.save(p);
        out.push(new Uint8Array(readFileSync(p)));
      }
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  async parse(path) {
    await keras.loadModel(path);
  },
  mutators: MUTATORS,
};
export default target;
