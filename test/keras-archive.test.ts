// Keras 3 .keras archives (src/keras/saving/keras_archive.ts): models saved here load back with
// identical predictions; a .keras file built by hand with h5wasm + fflate in the layout Keras 3's
// saving_lib writes (config.json, metadata.json, model.weights.h5 with layers/<class>/vars/<i>,
// an empty top-level vars group, optimizer state) loads with exactly its weights; bad archives
// are FileErrors naming the file.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm, { type Dataset, type Group } from "h5wasm";
import { zipSync, unzipSync } from "fflate";
import * as ds from "../src/index.js";
import { keras, FileError, Tensor } from "../src/index.js";

let root = "";
before(() => {
  root = mkdtempSync(join(tmpdir(), "ds-keras-archive-"));
});
after(() => rmSync(root, { recursive: true, force: true }));

type AnyModel = keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>;
const out = (m: AnyModel, xs: Tensor[]): number[][] => {
  const y = m.predict(xs.length === 1 ? xs[0] : xs);
  return (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync() as ArrayLike<number>));
};

// Every weight random (biases and BatchNormalization statistics start as constants), so a weight
// loaded into the wrong place changes the predictions.
function perturb(m: AnyModel): void {
  m.setWeights(m.getWeights().map((w) => ds.rand(w.shape).mul(0.5).add(0.25)));
}

async function roundTrip(m: AnyModel, name: string, xs: Tensor[]): Promise<AnyModel> {
  perturb(m);
  const path = join(root, `${name}.keras`);
  await m.save(path);
  const back = await keras.loadModel(path);
  assert.deepEqual(out(back, xs), out(m, xs));
  assert.deepEqual(back.getWeights().map((w) => Array.from(w.dataSync() as ArrayLike<number>)), m.getWeights().map((w) => Array.from(w.dataSync() as ArrayLike<number>)));
  return back;
}

describe("keras .keras archives: save → load", () => {
  it("an MLP", async () => {
    ds.seed(1);
    const { layers } = keras;
    const m = new keras.Sequential([keras.Input({ shape: [5] }), new layers.Dense(4, { activation: "relu" }), new layers.Dropout(0.2), new layers.Dense(2, { activation: "softmax" })]);
    await roundTrip(m, "mlp", [ds.randn([3, 5])]);
    // The archive holds Keras' three members, the weights at Keras' paths.
    const z = unzipSync(new Uint8Array(readFileSync(join(root, "mlp.keras"))));
    assert.deepEqual(Object.keys(z).sort(), ["config.json", "metadata.json", "model.weights.h5"]);
    const meta = JSON.parse(new TextDecoder().decode(z["metadata.json"]));
    assert.match(meta.keras_version, /^3\./);
    assert.match(meta.date_saved, /^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
    const { FS } = await h5wasm.ready;
    FS!.writeFile("mlp.h5", z["model.weights.h5"]);
    const f = new h5wasm.File("mlp.h5", "r");
    assert.deepEqual((f.get("layers") as Group).keys().sort(), ["dense", "dense_1"]);
    assert.deepEqual((f.get("layers/dense_1/vars/0") as Dataset).shape, [4, 2]);
    f.close();
    FS!.unlink("mlp.h5");
  });

  it("a CNN with BatchNormalization", async () => {
    ds.seed(2);
    const { layers } = keras;
    const m = new keras.Sequential([keras.Input({ shape: [6, 6, 2] }), new layers.Conv2D(3, [3, 3]), new layers.BatchNormalization(), new layers.MaxPooling2D(), new layers.Flatten(), new layers.Dense(2)]);
    await roundTrip(m, "cnn", [ds.randn([2, 6, 6, 2])]);
  });

  it("an LSTM (and a Bidirectional GRU)", async () => {
    ds.seed(3);
    const { layers } = keras;
    const m = new keras.Sequential([keras.Input({ shape: [4, 3] }), new layers.LSTM(5, { returnSequences: true }), new layers.Bidirectional(new layers.GRU(2)), new layers.Dense(1)]);
    await roundTrip(m, "lstm", [ds.randn([2, 4, 3])]);
  });

  it("a functional model with two inputs and two outputs", async () => {
    ds.seed(4);
    const { layers } = keras;
    const a = keras.Input({ shape: [4], name: "a" }), b = keras.Input({ shape: [3], name: "b" });
    const h = layers.concatenate([new layers.Dense(3, { activation: "tanh" }).call(a), b]);
    const m = new keras.Model({ inputs: [a, b], outputs: [new layers.Dense(2).call(h), new layers.Dense(1).call(h)] });
    await roundTrip(m as AnyModel, "functional", [ds.randn([3, 4]), ds.randn([3, 3])]);
  });

  it("layers are counted in Keras' order (by depth from the outputs), not this project's", async () => {
    ds.seed(5);
    const { layers } = keras;
    // concat(B(b), C(A(a))): Keras' model.layers is a, b, A, B, C, concatenate, out (depths 4, 3,
    // 3, 2, 2, 1, 0); so A is "dense", B "dense_1", C "dense_2", out "dense_3". This project
    // walks B before A. All Dense kernels are [3, 3], so only the order tells them apart.
    const a = keras.Input({ shape: [3], name: "a" }), b = keras.Input({ shape: [3], name: "b" });
    const A = new layers.Dense(3, { name: "A" }), B = new layers.Dense(3, { name: "B" }), C = new layers.Dense(3, { name: "C" });
    const out = new layers.Dense(3, { name: "out" });
    const m = new keras.Model({ inputs: [a, b], outputs: out.call(layers.concatenate([B.call(b), C.call(A.call(a))])) }) as AnyModel;
    await roundTrip(m, "order", [ds.randn([2, 3]), ds.randn([2, 3])]);
    const z = unzipSync(new Uint8Array(readFileSync(join(root, "order.keras"))));
    const { FS } = await h5wasm.ready;
    FS!.writeFile("order.h5", z["model.weights.h5"]);
    const f = new h5wasm.File("order.h5", "r");
    const kernel = (p: string) => Array.from((f.get(`layers/${p}/vars/0`) as Dataset).value as Float32Array);
    const mine = (l: keras.Layer) => Array.from(l.getWeights()[0].dataSync() as ArrayLike<number>);
    assert.deepEqual([kernel("dense"), kernel("dense_1"), kernel("dense_2"), kernel("dense_3")], [mine(A), mine(B), mine(C), mine(out)]);
    // Layers without weights (inputs, concatenate) get no group here (recent Keras writes empty named ones; readers need only vars).
    assert.deepEqual((f.get("layers") as Group).keys().sort(), ["dense", "dense_1", "dense_2", "dense_3"]);
    f.close();
    FS!.unlink("order.h5");
  });
});

// A .keras file as Keras 3.x writes it for
//   Sequential([Input((3,)), Dense(2), BatchNormalization()]) compiled with Adam and fitted once.
async function handBuilt(edit: { kernelShape?: number[]; extra?: boolean; bf16?: boolean } = {}): Promise<Uint8Array> {
  const config = {
    module: "keras", class_name: "Sequential", registered_name: null,
    config: {
      name: "sequential", trainable: true, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" }, registered_name: null },
      layers: [
        { module: "keras.layers", class_name: "InputLayer", config: { batch_shape: [null, 3], dtype: "float32", sparse: false, ragged: false, name: "input_layer" }, registered_name: null },
        { module: "keras.layers", class_name: "Dense", config: { name: "my_dense", trainable: true, dtype: "float32", units: 2, activation: "linear", use_bias: true, kernel_initializer: { module: "keras.initializers", class_name: "GlorotUniform", config: { seed: null }, registered_name: null }, bias_initializer: { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null }, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null }, registered_name: null, build_config: { input_shape: [null, 3] } },
        { module: "keras.layers", class_name: "BatchNormalization", config: { name: "bn", trainable: true, dtype: "float32", axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }, registered_name: null, build_config: { input_shape: [null, 2] } },
      ],
      build_input_shape: [null, 3],
    },
    build_config: { input_shape: [null, 3] },
    compile_config: null,
  };
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File("hand.h5", "w");
  const group = (p: string, name?: string) => {
    f.create_group(p);
    if (name) (f.get(p) as Group).create_attribute("name", name);
  };
  const data = (p: string, name: string, values: number[], shape: number[]) => (f.get(p) as Group).create_dataset({ name, data: new Float32Array(values), shape, dtype: "<f" });
  // saving_lib's H5IOStore: every named saveable gets <path>/vars with a "name" attribute.
  group("vars", "sequential");
  group("layers");
  group("layers/dense");
  group("layers/dense/vars", "my_dense");
  data("layers/dense/vars", "0", [1, 2, 3, 4, 5, 6], edit.kernelShape ?? [3, 2]);
  if (edit.bf16) {
    // A bfloat16 variable as H5IOStore stores it: its 16 bits as uint16 and attrs dtype "bfloat16".
    const ds16 = (f.get("layers/dense/vars") as Group).create_dataset({ name: "1", data: new Uint16Array([0x3f00, 0xbf00]), shape: [2], dtype: "<H" });
    ds16.create_attribute("dtype", "bfloat16");
  } else data("layers/dense/vars", "1", [0.5, -0.5], [2]);
  group("layers/batch_normalization");
  group("layers/batch_normalization/vars", "bn");
  data("layers/batch_normalization/vars", "0", [2, 3], [2]); // gamma
  data("layers/batch_normalization/vars", "1", [0.1, 0.2], [2]); // beta
  data("layers/batch_normalization/vars", "2", [1, -1], [2]); // moving_mean
  data("layers/batch_normalization/vars", "3", [4, 9], [2]); // moving_variance
  if (edit.extra) data("layers/batch_normalization/vars", "4", [0], [1]);
  group("optimizer");
  group("optimizer/vars", "adam");
  (f.get("optimizer/vars") as Group).create_dataset({ name: "0", data: new BigInt64Array([1n]), shape: [], dtype: "<q" });
  data("optimizer/vars", "1", [0.001], []);
  f.close();
  const weights = FS!.readFile("hand.h5");
  FS!.unlink("hand.h5");
  const enc = new TextEncoder();
  return zipSync({ "metadata.json": enc.encode(JSON.stringify({ keras_version: "3.6.0", date_saved: "2026-01-02@03:04:05" })), "config.json": enc.encode(JSON.stringify(config)), "model.weights.h5": weights }, { level: 0 });
}

describe("keras .keras archives: files in Keras 3's layout", () => {
  it("a hand-built archive loads with its weights", async () => {
    const path = join(root, "hand.keras");
    writeFileSync(path, await handBuilt());
    const m = await keras.loadModel(path);
    assert.deepEqual(m.getLayer("my_dense").getWeights().map((w) => Array.from(w.dataSync() as ArrayLike<number>)), [[1, 2, 3, 4, 5, 6], [0.5, -0.5]]);
    assert.deepEqual(m.getLayer("bn").getWeights().map((w) => Array.from(w.dataSync() as ArrayLike<number>)), [[2, 3], [0.1, 0.2], [1, -1], [4, 9]].map((w) => w.map(Math.fround)));
    // x = [1, 1, 1]: dense = [1+3+5+0.5, 2+4+6-0.5] = [9.5, 11.5]; bn (inference) = γ (y − μ) / √(σ² + ε) + β.
    const y = Array.from((m.predict(ds.tensor([[1, 1, 1]])) as Tensor).dataSync() as ArrayLike<number>);
    const want = [2 * (9.5 - 1) / Math.sqrt(4 + 1e-3) + 0.1, 3 * (11.5 + 1) / Math.sqrt(9 + 1e-3) + 0.2];
    y.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-4, `${v} vs ${want[i]}`));
  });

  it("bfloat16 weights are widened to float32", async () => {
    const m = await keras.loadModel([new File([new Uint8Array(await handBuilt({ bf16: true }))], "bf16.keras")]);
    assert.deepEqual(Array.from(m.getLayer("my_dense").getWeights()[1].dataSync() as ArrayLike<number>), [0.5, -0.5]);
  });

  it("File objects: the .keras among them is read", async () => {
    const bytes = await handBuilt();
    const m = await keras.loadModel([new File([new Uint8Array(bytes)], "hand.keras")]);
    assert.deepEqual(Array.from(m.getLayer("my_dense").getWeights()[1].dataSync() as ArrayLike<number>), [0.5, -0.5]);
  });

  const rejects = async (bytes: Uint8Array, name: string, reason: RegExp) => {
    const path = join(root, name);
    writeFileSync(path, bytes);
    await assert.rejects(keras.loadModel(path), (e: unknown) => e instanceof FileError && e.message.includes(path) && reason.test(e.message));
  };

  it("bad archives are FileErrors naming the file and the problem", async () => {
    await rejects(new TextEncoder().encode("not a zip at all, just some text here"), "text.keras", /not a \.keras archive/);
    await rejects(zipSync({ "config.json": new TextEncoder().encode("{}") }), "noweights.keras", /has no model\.weights\.h5/);
    await rejects(await handBuilt({ kernelShape: [2, 3] }), "shape.keras", /layers\/dense\/vars\/0 has shape \[2,3\].*\[3,2\]/);
    await rejects(await handBuilt({ extra: true }), "extra.keras", /does not have: layers\/batch_normalization\/vars\/4/);
    const hand = unzipSync(await handBuilt());
    await rejects(zipSync({ ...hand, "model.weights.h5": new Uint8Array(64) }), "nothdf5.keras", /not an HDF5 file \(no HDF5 signature\)/);
    await rejects(zipSync({ ...hand, "config.json": new TextEncoder().encode("{") }), "json.keras", /config\.json is not JSON/);
    // An HDF5 signature over garbage: HDF5's own error, as a FileError.
    const garbage = hand["model.weights.h5"].slice();
    garbage.fill(0xff, 8, 400);
    await rejects(zipSync({ ...hand, "model.weights.h5": garbage }), "corrupt.keras", /model\.weights\.h5/);
    const bytes = await handBuilt();
    await rejects(bytes.subarray(0, bytes.length - 30), "truncated.keras", /zip archive/);
    // A member declaring 1 GiB from a few hundred stored bytes: refused before anything is inflated.
    const bomb = zipSync({ "model.weights.h5": new Uint8Array(1000) }, { level: 9 });
    const dv = new DataView(bomb.buffer, bomb.byteOffset, bomb.byteLength);
    for (let i = 0; i + 30 <= bomb.length; i++) {
      const sig = dv.getUint32(i, true);
      if (sig === 0x04034b50 && i + 26 <= bomb.length) dv.setUint32(i + 22, 2 ** 30, true);
      if (sig === 0x02014b50 && i + 46 <= bomb.length) dv.setUint32(i + 24, 2 ** 30, true);
    }
    await rejects(bomb, "bomb.keras", /declares 1073741824 bytes from \d+ stored: more than 100×/);
  });
});

describe("keras .keras archives: bundles", () => {
  it("h5wasm and fflate are chunks of their own, loaded only when a .keras file is read or written", async () => {
    const { build } = await import("esbuild");
    const r = await build({
      entryPoints: [new URL("../src/keras/index.ts", import.meta.url).pathname], bundle: true, platform: "browser", format: "esm",
      splitting: true, outdir: join(root, "bundle"), write: false, logLevel: "silent", metafile: true,
    });
    const outputs = r.metafile.outputs;
    const entry = Object.keys(outputs).find((k) => outputs[k].entryPoint)!;
    // The chunks a page loads with deepscript/keras: the entry and what it imports statically.
    const loaded = new Set<string>();
    const visit = (k: string) => {
      if (loaded.has(k)) return;
      loaded.add(k);
      for (const i of outputs[k].imports) if (i.kind === "import-statement") visit(i.path);
    };
    visit(entry);
    const inputsOf = (ks: Iterable<string>) => [...ks].flatMap((k) => Object.keys(outputs[k].inputs));
    assert.ok(inputsOf(loaded).some((p) => p.includes("src/keras/saving/keras_archive.ts")));
    assert.deepEqual(inputsOf(loaded).filter((p) => /node_modules\/(h5wasm|fflate)\//.test(p)), []);
    // …and they are in the bundle, behind a dynamic import.
    assert.ok(inputsOf(Object.keys(outputs)).some((p) => p.includes("node_modules/h5wasm/")));
  });
});
