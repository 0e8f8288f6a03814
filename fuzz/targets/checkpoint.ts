// Fuzz target: fit's resumable checkpoints (src/train/resume.ts, src/io/tree.ts) through
// train.fit({ resumeFrom }): the state JSON in the safetensors metadata, its tensor references,
// generator states, optimizer/schedule/callback states, checked before anything changes.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../../src/index.js";
import type { FuzzTarget } from "../target.js";

const { nn, optim, train, data } = ds;
const KEY = "deepscript.checkpoint";
type Rand = () => number;

/** One of the two training setups the corpus is written with; `loader` picks the DataLoader one. */
function setup(loader: boolean) {
  ds.seed(3);
  const x = ds.randn([12, 4]);
  const y = x.narrow(1, 0, 3).argmax(1);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(8, 3));
  if (!loader) {
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.01, amsgrad: true });
    const callbacks = [train.lrScheduler(new optim.lr.StepLR(optimizer, { stepSize: 1 })), train.earlyStopping({ monitor: "loss", restoreBestWeights: true })];
    return { model, data: [x, y] as [ds.Tensor, ds.Tensor], opts: { optimizer, callbacks, batchSize: 5, metrics: ["accuracy" as const] } };
  }
  model.setGenerator(new ds.Generator(1));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const callbacks = [train.lrScheduler(new optim.lr.ReduceLROnPlateau(optimizer, { patience: 0 }), { monitor: "loss" })];
  const dl = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 4, shuffle: true, generator: new ds.Generator(2) });
  return { model, data: dl, opts: { optimizer, callbacks, metrics: [] } };
}

const fit = (loader: boolean, extra: Partial<ds.train.FitOptions>) => {
  const s = setup(loader);
  return train.fit(s.model as ds.train.Model, s.data, { epochs: 2, loss: "crossEntropy", verbose: 0, ...s.opts, ...extra });
};

// The safetensors pieces: header JSON and data bytes.
function split(b: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } | null {
  try {
    const n = Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(0, true));
    return { header: JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n))), data: b.subarray(8 + n) };
  } catch {
    return null;
  }
}

function joinFile(header: Record<string, unknown>, body: Uint8Array, rawMeta?: string): Uint8Array {
  let text = JSON.stringify(header);
  if (rawMeta !== undefined) text = text.replace('"@@RAW@@"', () => JSON.stringify(rawMeta));
  const h = new TextEncoder().encode(text.padEnd(Math.ceil(text.length / 8) * 8, " "));
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

// Every [container, key] of the state JSON, as paths to edit.
function slots(v: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => { out.push([v, i]); slots(x, out); });
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) { out.push([v as Record<string, unknown>, k]); slots(x, out); }
  return out;
}

const WEIRD = (rand: Rand): unknown => pick(rand, [
  -1, 0, 1, 2 ** 31, 2 ** 53, 1e308, -1e308, 0.5, "1", "", "x".repeat(1000), true, false, null, [], {}, [1, 2], { $tensor: "model/0.weight" },
  { $number: "NaN" }, { $number: "Infinity" }, { $number: "nope" }, { $object: {} }, { $object: 3 }, { $x: 1 }, JSON.parse(`{"__proto__": 1}`),
  { algorithm: "pcg32", state: "0".repeat(16), inc: "0".repeat(16), spareNormal: null }, Array.from({ length: 100_000 }, () => 0),
  JSON.parse(`${"[".repeat(200)}${"]".repeat(200)}`), { epoch: [0], history: { loss: Array(70_000).fill(1) } },
]);

/** The state JSON edited: a field set to a weird value, deleted, or the whole tree replaced. */
function editState(b: Uint8Array, rand: Rand): Uint8Array {
  const s = split(b);
  const meta = s?.header.__metadata__ as Record<string, string> | undefined;
  if (!s || !meta?.[KEY]) return b;
  const tree = JSON.parse(meta[KEY]);
  const all = slots(tree);
  for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) {
    const [obj, k] = pick(rand, all);
    if (rand() < 0.2 && !Array.isArray(obj)) delete (obj as Record<string, unknown>)[k];
    else Object.defineProperty(obj, k, { value: WEIRD(rand), enumerable: true, writable: true, configurable: true });
  }
  meta[KEY] = "@@RAW@@";
  return joinFile(s.header, s.data, rand() < 0.05 ? "[".repeat(100_000) : JSON.stringify(tree));
}

/** A tensor's header entry changed: another name, shape or dtype, or dropped. */
function editTensor(b: Uint8Array, rand: Rand): Uint8Array {
  const s = split(b);
  if (!s) return b;
  const names = Object.keys(s.header).filter((k) => k !== "__metadata__");
  if (!names.length) return b;
  const name = pick(rand, names);
  const e = s.header[name] as { dtype: string; shape: number[] };
  switch (Math.floor(rand() * 4)) {
    case 0: s.header[`${name}x`] = e; delete s.header[name]; break;
    case 1: e.shape = [...e.shape].reverse().concat(rand() < 0.5 ? [1] : []); break;
    case 2: e.dtype = pick(rand, ["F64", "I32", "BOOL", "F16", "U8"]); break;
    default: Object.defineProperty(s.header, "constructor", { value: e, enumerable: true }); delete s.header[name];
  }
  return joinFile(s.header, s.data);
}

const target: FuzzTarget = {
  name: "checkpoint",
  ext: ".safetensors",
  async corpus() {
    const files: Uint8Array[] = [];
    for (const loader of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), "ds-fuzz-ckpt-"));
      try {
        await fit(loader, { checkpoint: { dir, everySteps: 2, keep: 100 } });
        for (const f of readdirSync(dir).sort()) files.push(new Uint8Array(readFileSync(join(dir, f))));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return files;
  },
  async parse(path) {
    // The setup that wrote it, read from the file itself (a mutated file may claim either).
    let loader = false;
    try {
      const meta = JSON.parse(ds.io.readSafetensors(path).metadata[KEY]);
      loader = meta.data.loader !== null;
    } catch { /* let fit say what is wrong */ }
    await fit(loader, { resumeFrom: path });
  },
  mutators: [editState, editState, editState, editTensor],
};
export default target;
