// Keras 2 whole-model .h5 files (model.save("x.h5") in tf.keras 2.x): test/fixtures/keras2-mlp.h5 is
// built by tools/make_keras2_h5.py with h5py in Keras 2's layout (not by Keras, which cannot be
// installed here), with its expected output computed by NumPy; bad files are FileErrors.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { keras, FileError, Tensor } from "../src/index.js";

const fixture = new URL("./fixtures/keras2-mlp.h5", import.meta.url).pathname;
const expected = JSON.parse(readFileSync(new URL("./fixtures/keras2-mlp.json", import.meta.url), "utf8")) as { x: number[][]; y: number[][] };
let root = "";
before(() => { root = mkdtempSync(join(tmpdir(), "ds-keras-h5-")); });
after(() => rmSync(root, { recursive: true, force: true }));

describe("keras.loadModel: Keras 2 .h5 model files", () => {
  it("loads the model_config and every layer's weights (BatchNormalization's moving statistics included); predictions equal NumPy's", async () => {
    const model = await keras.loadModel(fixture);
    assert.deepEqual(model.layers.map((l) => l.className), ["Dense", "BatchNormalization", "Dense"]);
    const y = model.predict(ds.tensor(expected.x), { verbose: 0 }) as Tensor;
    const got = Array.from(y.dataSync()), want = expected.y.flat();
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-5, `[${i}] ${v} vs ${want[i]}`));
    // The same bytes as a File object.
    const bytes = readFileSync(fixture);
    const file = { name: "model.h5", size: bytes.length, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer };
    const again = await keras.loadModel([file]);
    assert.deepEqual(Array.from((again.predict(ds.tensor(expected.x), { verbose: 0 }) as Tensor).dataSync()), got);
  });

  it("files that are not Keras 2 models are FileErrors naming the file", async () => {
    const notH5 = join(root, "not.h5");
    writeFileSync(notH5, "hello");
    await assert.rejects(keras.loadModel(notH5), (e: Error) => e instanceof FileError && e.message.includes(notH5) && /not an HDF5 file/.test(e.message));
    // A .keras archive renamed .h5 is not HDF5 either; an HDF5 file without model_config (a weights-only file) is named as such.
    const model = await keras.loadModel(fixture);
    const k = join(root, "m.keras");
    await model.save(k);
    const weightsOnly = join(root, "weights.h5");
    const { unzipSync } = await import("fflate");
    writeFileSync(weightsOnly, unzipSync(new Uint8Array(readFileSync(k)))["model.weights.h5"]);
    await assert.rejects(keras.loadModel(weightsOnly), (e: Error) => e instanceof FileError && /no model_config/.test(e.message));
    const truncated = join(root, "truncated.h5");
    writeFileSync(truncated, readFileSync(fixture).subarray(0, 4000));
    await assert.rejects(keras.loadModel(truncated), (e: Error) => e instanceof FileError && e.message.includes(truncated));
  });
});
