// io: safetensors round trips and PyTorch interchange, corrupt-file errors, atomic writes,
// and whole-model save/load (architecture JSON + weights) with identical predictions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { io, nn } = ds;
const FIX = new URL("./fixtures/io/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "ds-io-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const tmp = (name: string) => join(dir, name);

function throwsFile(fn: () => unknown, path: string, reason: RegExp): ds.FileError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ds.FileError, `expected FileError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  assert.ok(caught instanceof ds.DeepScriptError);
  assert.equal(caught.path, path);
  assert.ok(caught.message.includes(path), `message names the file: ${caught.message}`);
  assert.match(caught.message, reason);
  return caught;
}

/** A safetensors file from a header object and raw data bytes (for hand-made corrupt files). */
function rawFile(name: string, header: object, body: Uint8Array = new Uint8Array(0)): string {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  const p = tmp(name);
  writeFileSync(p, Buffer.concat([len, h, body]));
  return p;
}

const same = (a: Record<string, ds.Tensor>, b: Record<string, ds.Tensor>) => {
  assert.deepEqual(Object.keys(a), Object.keys(b));
  for (const k of Object.keys(a)) {
    assert.equal(a[k].dtype, b[k].dtype, k);
    assert.deepEqual(a[k].shape, b[k].shape, k);
    assert.deepEqual(Array.from(a[k].dataSync()), Array.from(b[k].dataSync()), k);
  }
};

test("state dicts round-trip every dtype, scalars and empty tensors, with metadata", () => {
  const sd = {
    "b.flags": ds.tensor([true, false, true]),
    "a.weight": ds.tensor([[1.5, -2.25], [3e-8, 1e30]]),
    "c.double": ds.tensor(new Float64Array([Math.PI, -1e300, 5e-324])),
    "d.count": ds.tensor(new Int32Array([0, -1, 2147483647, -2147483648])),
    scalar: ds.full([], 7, { dtype: "int32" }),
    empty: ds.zeros([0, 4]),
    strided: ds.arange(12).reshape([3, 4]).T, // a non-contiguous view is written in logical order
  };
  const p = tmp("all.safetensors");
  io.saveStateDict(sd, p, { note: "hello", "ünïcode": "✓" });
  const back = io.readSafetensors(p);
  same(back.tensors, { ...sd, strided: sd.strided.contiguous() });
  assert.deepEqual(back.metadata, { note: "hello", "ünïcode": "✓" });

  // The layout the spec asks for: the header length is a multiple of 8, each tensor's data is
  // aligned to its element size, and the offsets tile the data exactly.
  const bytes = readFileSync(p);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const size: Record<string, number> = { F64: 8, F32: 4, I32: 4, BOOL: 1 };
  let total = 0;
  for (const [k, e] of Object.entries(header)) {
    if (k === "__metadata__") continue;
    assert.equal(e.data_offsets[0] % size[e.dtype], 0, `${k} aligned`);
    total += e.data_offsets[1] - e.data_offsets[0];
  }
  assert.equal(8 + n + total, bytes.length);
  assert.deepEqual(Object.keys(header).slice(1), Object.keys(sd), "header keeps the state-dict order");

  // In memory, without files.
  const again = io.decodeSafetensors(Buffer.concat(io.encodeSafetensors(sd)));
  same(again.tensors, { ...sd, strided: sd.strided.contiguous() });
  assert.throws(() => io.encodeSafetensors({ x: 3 as never }), ds.ArgumentError);
  assert.throws(() => io.saveStateDict({ x: ds.zeros([1]) }, tmp("m.safetensors"), { n: 1 as never }), /metadata value "n" must be a string/);
});

test("a PyTorch state dict (tools/gen_io_fixtures.py) loads into the same architecture and matches PyTorch's outputs", () => {
  const sd = io.loadStateDict(join(FIX, "torch_mlp.safetensors"));
  assert.equal(sd["1.num_batches_tracked"].dtype, "int32", "int64 loads as int32");
  assert.equal(sd["1.num_batches_tracked"].item(), 3);
  const model = new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2));
  model.loadStateDict(sd);
  model.eval();
  const { input, output } = io.loadStateDict(join(FIX, "torch_mlp_io.safetensors"));
  assertClose(model.call(input), output.toArray(), { atol: 1e-6 });
  // The same through io.load with a given model (a plain safetensors file has no architecture).
  const other = io.load(join(FIX, "torch_mlp.safetensors"), { model: new nn.Sequential(new nn.Linear(4, 3), new nn.BatchNorm1d(3), new nn.ReLU(), new nn.Linear(3, 2)) });
  assertClose(other.eval().call(input), output.toArray(), { atol: 1e-6 });
  assert.throws(() => io.load(join(FIX, "torch_mlp.safetensors")), /weights only.*io\.load\(path, \{ model \}\)/);
});

test("PyTorch's dtypes load: I64/I8/I16 as int32, U8 as uint8, F16 as float16, BF16 as float32 exactly as PyTorch converts them", () => {
  const { tensors: t, metadata } = io.readSafetensors(join(FIX, "dtypes.safetensors"));
  assert.deepEqual(metadata, { made_by: "tools/gen_io_fixtures.py" });
  assert.deepEqual(t.i64.toArray(), [[0, -1], [2147483647, -2147483648]]);
  assert.deepEqual(t.u8.toArray(), [0, 1, 128, 255]);
  assert.deepEqual(t.i8.toArray(), [-128, -1, 0, 127]);
  assert.deepEqual(t.i16.toArray(), [-32768, -1, 0, 32767]);
  assert.deepEqual(t.i32.toArray(), [0, -1, 2147483647, -2147483648]);
  assert.deepEqual(t.bool.toArray(), [true, false, true]);
  for (const k of ["i64", "i8", "i16"]) assert.equal(t[k].dtype, "int32");
  assert.equal(t.u8.dtype, "uint8");
  for (const k of ["f16", "bf16"]) {
    assert.equal(t[k].dtype, k === "f16" ? "float16" : "float32");
    assert.deepEqual(Array.from(t[k].dataSync()), Array.from(t[`${k}_as_f32`].dataSync()), k);
  }
  assert.ok(Object.is(t.f16.dataSync()[1], -0), "negative zero survives");
  assert.equal(t.f64.dtype, "float64");
  assert.deepEqual(t.f64.toArray(), [1 / 3, -1e300, 5e-324]);
  assert.deepEqual(t.scalar.shape, []);
  assert.equal(t.scalar.item(), 42);
  assert.deepEqual(t.empty.shape, [0, 3]);
});

test("files from writers that do not align the data still read correctly", () => {
  const values = new Float64Array([Math.E, -0.5]);
  const ints = new BigInt64Array([-7n, 2147483647n]);
  const body = Buffer.concat([Buffer.from(values.buffer), Buffer.from(ints.buffer), Buffer.from(new Float32Array([1.25]).buffer)]);
  for (let pad = 0; pad < 8; pad++) {
    const header = {
      __metadata__: { pad: " ".repeat(pad) },
      d: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
      i: { dtype: "I64", shape: [2], data_offsets: [16, 32] },
      f: { dtype: "F32", shape: [1], data_offsets: [32, 36] },
    };
    const t = io.loadStateDict(rawFile(`unaligned${pad}`, header, body));
    assert.deepEqual(Array.from(t.d.dataSync()), Array.from(values));
    assert.deepEqual(t.i.toArray(), [-7, 2147483647]);
    assert.deepEqual(t.f.toArray(), [1.25]);
  }
});

test("corrupt, truncated and mismatched files throw a FileError naming the file and the problem", () => {
  throwsFile(() => io.loadStateDict(tmp("missing.safetensors")), tmp("missing.safetensors"), /no such file/);
  const good = readFileSync(join(FIX, "torch_mlp.safetensors"));
  const n = Number(good.readBigUInt64LE(0));
  const cut = (name: string, len: number) => {
    writeFileSync(tmp(name), good.subarray(0, len));
    return tmp(name);
  };
  throwsFile(() => io.loadStateDict(cut("c4", 4)), tmp("c4"), /truncated: 4 bytes/);
  throwsFile(() => io.loadStateDict(cut("chead", 8 + n - 10)), tmp("chead"), /truncated: the header needs/);
  throwsFile(() => io.loadStateDict(cut("cdata", good.length - 3)), tmp("cdata"), /truncated: the tensors need \d+ bytes of data after the header, the file has \d+/);
  writeFileSync(tmp("extra"), Buffer.concat([good, Buffer.alloc(5)]));
  throwsFile(() => io.loadStateDict(tmp("extra")), tmp("extra"), /5 bytes after the last tensor/);

  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(1n << 40n);
  writeFileSync(tmp("huge"), huge);
  throwsFile(() => io.loadStateDict(tmp("huge")), tmp("huge"), /header length 1099511627776 exceeds/);
  const garbled = Buffer.from(good);
  garbled[9] = "x".charCodeAt(0);
  writeFileSync(tmp("garbled"), garbled);
  throwsFile(() => io.loadStateDict(tmp("garbled")), tmp("garbled"), /corrupt header: invalid JSON/);
  writeFileSync(tmp("text.safetensors"), "this is not a safetensors file at all");
  throwsFile(() => io.loadStateDict(tmp("text.safetensors")), tmp("text.safetensors"), /exceeds|corrupt|truncated/);

  const four = new Uint8Array(16);
  const f32 = (begin: number, end: number, shape = [2]) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
  throwsFile(() => io.loadStateDict(rawFile("gap", { a: f32(0, 8), b: f32(12, 20) }, new Uint8Array(20))), tmp("gap"), /tensor "b" starts at byte 12 of the data, expected 8 \(a gap\)/);
  throwsFile(() => io.loadStateDict(rawFile("overlap", { a: f32(0, 8), b: f32(4, 12) }, four)), tmp("overlap"), /an overlap/);
  throwsFile(() => io.loadStateDict(rawFile("span", { a: f32(0, 12) }, four)), tmp("span"), /tensor "a" \(F32 \[2\]\) needs 8 bytes, its data_offsets \[0,12\] span 12/);
  throwsFile(() => io.loadStateDict(rawFile("neg", { a: f32(8, 0) }, four)), tmp("neg"), /invalid data_offsets/);
  throwsFile(() => io.loadStateDict(rawFile("dtype", { a: { dtype: "Q7", shape: [1], data_offsets: [0, 4] } }, four)), tmp("dtype"), /unknown dtype "Q7"/);
  throwsFile(() => io.loadStateDict(rawFile("f8", { a: { dtype: "F8_E4M3", shape: [1], data_offsets: [0, 1] } }, four)), tmp("f8"), /F8_E4M3, which deepscript cannot load/);
  throwsFile(() => io.loadStateDict(rawFile("shape", { a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, four)), tmp("shape"), /invalid shape/);
  throwsFile(() => io.loadStateDict(rawFile("meta", { __metadata__: { a: 1 } })), tmp("meta"), /__metadata__ value "a" is not a string/);
  const big = new Uint8Array(8);
  new DataView(big.buffer).setBigInt64(0, 1n << 33n, true);
  throwsFile(() => io.loadStateDict(rawFile("i64", { steps: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, big)), tmp("i64"), /tensor "steps": I64 element 0 = 8589934592 does not fit int32/);
  throwsFile(() => io.loadStateDict(rawFile("bool", { m: { dtype: "BOOL", shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 7]))), tmp("bool"), /BOOL element 1 has byte value 7/);
});

// ---- whole models --------------------------------------------------------------------------

function mlp(): ds.nn.Sequential {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(16, 12), new nn.GELU("tanh"), new nn.Dropout(0.3), new nn.Linear(12, 5), new nn.LogSoftmax(1));
}
function cnn(): ds.nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.BatchNorm2d(3, { momentum: null }), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(3, 4, [3, 1], { stride: [1, 1], bias: false }), new nn.LeakyReLU(0.2), new nn.AdaptiveAvgPool2d([2, null]),
    new nn.Flatten(), new nn.Linear(4 * 2 * 4, 3));
}

test("io.save → io.load rebuilds an MLP and a small CNN with identical predictions", () => {
  ds.seed(0);
  for (const [name, make, side] of [["mlp", mlp, 4], ["cnn", cnn, 8]] as const) {
    const model = make();
    const x = ds.randn([4, 1, side, side]);
    if (name === "cnn") {
      model.call(x); // training-mode step: running statistics and num_batches_tracked move
      model.call(x.mul(2));
    }
    model.eval();
    const want = model.call(x);
    const file = io.save(model, tmp(`${name}.safetensors`));
    assert.equal(file, tmp(`${name}.safetensors`));
    const back = io.load(file);
    assert.equal(back.toString(), model.toString());
    assert.equal(back.training, false, "saved in eval mode, loaded in eval mode");
    assert.deepEqual(Array.from(back.call(x).dataSync()), Array.from(want.dataSync()), `${name}: identical predictions`);
    same(back.stateDict(), model.stateDict());
  }
  // A directory path holds model.safetensors; a model saved in training mode comes back training.
  mkdirSync(tmp("outdir"));
  const m = mlp();
  assert.equal(io.save(m, tmp("outdir")), join(tmp("outdir"), "model.safetensors"));
  assert.equal(io.load(tmp("outdir")).training, true);
});

test("every rebuildable layer round-trips its configuration", () => {
  ds.seed(1);
  const layers: ds.nn.Module<never[], unknown>[] = [
    new nn.Linear(3, 2, { bias: false }), new nn.Identity(), new nn.Conv1d(2, 4, 3, { padding: "same", dilation: 1, groups: 2 }),
    new nn.Conv2d(2, 2, [2, 3], { stride: 2, padding: [1, 0] }), new nn.MaxPool2d([2, 2], { stride: 1, padding: 1 }),
    new nn.AvgPool2d(3, { countIncludePad: false, padding: 1 }), new nn.AdaptiveAvgPool2d(3),
    new nn.BatchNorm1d(5, { eps: 1e-3, affine: false }), new nn.BatchNorm2d(2, { trackRunningStats: false, momentum: 0.3 }),
    new nn.LayerNorm([2, 3], { eps: 1e-6, bias: false }), new nn.ReLU(), new nn.LeakyReLU(0.3), new nn.GELU(), new nn.ELU(0.5),
    new nn.Softplus(2, 10), new nn.Tanh(), new nn.Sigmoid(), new nn.Softmax(-1), new nn.LogSoftmax(0), new nn.Dropout(0.1),
    new nn.Embedding(7, 3, { paddingIdx: -1 }), new nn.Flatten(0, 2),
    new nn.ModuleList([new nn.Linear(2, 2), new nn.Sequential(new nn.Tanh(), new nn.Linear(2, 1))]) as never,
    new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true, batchFirst: true, dropout: 0.1 }) as never,
    new nn.MultiheadAttention(4, 1, { bias: false, addZeroAttn: true }) as never,
  ];
  for (const [i, layer] of layers.entries()) {
    const file = io.save(layer, tmp(`layer${i}.safetensors`));
    const back = io.load(file) as unknown as ds.nn.Module<never[], unknown>;
    assert.equal(back.constructor, layer.constructor);
    const d1 = io.describeModel(layer), d2 = io.describeModel(back);
    assert.ok("spec" in d1, `${layer.constructor.name} is describable`);
    assert.deepEqual(d2, d1, layer.constructor.name);
    same(back.stateDict(), layer.stateDict());
  }
  assert.ok(io.rebuildableLayers().includes("Conv2d"));
});

test("every layer class that nn exports has an architecture entry (losses aside)", () => {
  const layers = Object.entries(nn)
    .filter(([name, v]) => typeof v === "function" && v.prototype instanceof nn.Module && !name.endsWith("Loss"))
    .map(([name]) => name);
  const missing = layers.filter((name) => !io.rebuildableLayers().includes(name));
  assert.deepEqual(missing, [], `add these layers to the table in src/nn/architecture.ts: ${missing.join(", ")}`);
});

class TwoTower extends nn.Module {
  left = new nn.Linear(3, 2);
  right = new nn.Linear(3, 2);
  forward(x: ds.Tensor): ds.Tensor {
    return this.left.call(x).mul(this.right.call(x).sigmoid());
  }
}

test("a user-defined Module saves its weights; io.load asks for the model and loads into it", () => {
  ds.seed(2);
  const net = new TwoTower();
  const file = io.save(new nn.Sequential(new nn.ReLU(), net as never), tmp("custom.safetensors"));
  assert.throws(() => io.load(file), (e: Error) => e instanceof ds.ArgumentError && /TwoTower at "1"/.test(e.message) && /model\.loadStateDict\(io\.loadStateDict\(path\)\)/.test(e.message) && e.message.includes(file));
  const file2 = io.save(net, tmp("custom2.safetensors"));
  const fresh = new TwoTower();
  const loaded = io.load(file2, { model: fresh });
  assert.equal(loaded, fresh);
  const x = ds.randn([4, 3]);
  assert.deepEqual(Array.from(loaded.call(x).dataSync()), Array.from(net.call(x).dataSync()));
  const sd = io.loadStateDict(file2);
  assert.deepEqual(Object.keys(sd), ["left.weight", "left.bias", "right.weight", "right.bias"]);
});

test("a mismatched, truncated or corrupt model file changes nothing in the model", () => {
  ds.seed(3);
  const file = io.save(mlp(), tmp("m.safetensors"));
  const target = new nn.Sequential(new nn.Flatten(), new nn.Linear(16, 12), new nn.GELU("tanh"), new nn.Dropout(0.3), new nn.Linear(12, 4), new nn.LogSoftmax(1));
  const before = Object.fromEntries(Object.entries(target.stateDict()).map(([k, t]) => [k, Array.from(t.dataSync())]));
  const unchanged = () => {
    for (const [k, t] of Object.entries(target.stateDict())) assert.deepEqual(Array.from(t.dataSync()), before[k], k);
  };
  throwsFile(() => io.load(file, { model: target }), file, /does not match the model \(Sequential\): 4\.weight: file has shape \[5,12\], the model \[4,12\]; 4\.bias/);
  unchanged();
  throwsFile(() => io.load(file, { model: new nn.Linear(16, 12) }), file, /missing keys: weight, bias \| unexpected keys: 1\.weight/);

  const bytes = readFileSync(file);
  writeFileSync(tmp("cut.safetensors"), bytes.subarray(0, bytes.length - 1));
  throwsFile(() => io.load(tmp("cut.safetensors"), { model: target }), tmp("cut.safetensors"), /truncated/);
  unchanged();
  // An architecture that cannot be rebuilt (edited by hand) names the layer.
  const sd = io.loadStateDict(file);
  const { metadata } = io.readSafetensors(file);
  const info = JSON.parse(metadata[io.MODEL_KEY]);
  info.architecture.children[1].config.inFeatures = "sixteen";
  io.saveStateDict(sd, tmp("badarch.safetensors"), { [io.MODEL_KEY]: JSON.stringify(info) });
  throwsFile(() => io.load(tmp("badarch.safetensors")), tmp("badarch.safetensors"), /corrupt architecture: .*Linear at "1": config field "inFeatures" must be an integer >= 1, got "sixteen"/);
  info.architecture.children[1] = { class: "Quux" };
  io.saveStateDict(sd, tmp("badarch.safetensors"), { [io.MODEL_KEY]: JSON.stringify(info) });
  throwsFile(() => io.load(tmp("badarch.safetensors")), tmp("badarch.safetensors"), /unknown layer class "Quux"/);
  io.saveStateDict(sd, tmp("badjson.safetensors"), { [io.MODEL_KEY]: "{oops" });
  throwsFile(() => io.load(tmp("badjson.safetensors")), tmp("badjson.safetensors"), /corrupt "deepscript\.model" metadata: invalid JSON/);
});

test("saves are atomic: no temp file is left, a failed save keeps the old file", () => {
  const p = tmp("atomic.safetensors");
  io.saveStateDict({ w: ds.ones([3]) }, p);
  io.saveStateDict({ w: ds.full([3], 2) }, p); // overwrite by rename
  assert.deepEqual(io.loadStateDict(p).w.toArray(), [2, 2, 2]);
  const disposed = ds.zeros([2]);
  disposed.dispose();
  assert.throws(() => io.saveStateDict({ w: disposed }, p), ds.MemoryError);
  assert.deepEqual(io.loadStateDict(p).w.toArray(), [2, 2, 2], "the old file is intact");
  throwsFile(() => io.saveStateDict({ w: ds.ones([1]) }, tmp("no/such/dir/x.safetensors")), tmp("no/such/dir/x.safetensors"), /directory does not exist/);
  io.save(mlp(), tmp("atomic-model.safetensors"));
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".tmp-")), []);
});
