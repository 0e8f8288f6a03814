// keras.loadModel from http(s) URLs (a local node:http server), tf.loadLayersModel's model.json
// at a URL with shards relative to it, .keras archives at a URL, and the HTTP failures as
// FileErrors; the load aliases (keras.models.loadModel, keras.saving.loadModel,
// keras.loadLayersModel with file://) and the other TensorFlow.js names for ports (tidy, one
// callback object in fit).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { keras, FileError, Tensor } from "../src/index.js";
import { maxDiff, tf, toTf } from "./helpers/tfjs.js";
import { fetchBytes } from "../src/keras/saving/files.js";

const L = keras.layers;
let root = "", server: Server, base = "";
const requests: string[] = [];
/** Paths the server answers specially: a length header larger than the body, a stream with no length. */
const lies = new Map<string, "short" | "chunked">();

before(async () => {
  root = mkdtempSync(join(tmpdir(), "ds-keras-url-"));
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    requests.push(path);
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, "Not Found").end();
      return;
    }
    const body = readFileSync(file);
    const lie = lies.get(path);
    if (lie === "chunked") {
      res.writeHead(200);
      for (let i = 0; i < body.length; i += 1000) res.write(body.subarray(i, i + 1000));
      res.end();
      return;
    }
    res.writeHead(200, { "content-length": String(lie === "short" ? body.length + 10 : body.length) });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(root, { recursive: true, force: true });
});

/** A TensorFlow.js-built MLP saved by TensorFlow.js (model.json + shard) under root/name/. */
async function tfjsFolder(name: string): Promise<{ ref: tf.LayersModel; dir: string }> {
  const ref = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: "relu", inputShape: [3] }), tf.layers.dense({ units: 2 })] });
  ref.setWeights(ref.getWeights().map((w) => tf.randomNormal(w.shape)));
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  await ref.save(tf.io.withSaveHandler(async (a) => {
    writeFileSync(join(dir, "model.json"), JSON.stringify({ modelTopology: a.modelTopology, format: a.format, weightsManifest: [{ paths: ["weights/group1-shard1of1.bin"], weights: a.weightSpecs }] }));
    mkdirSync(join(dir, "weights"), { recursive: true });
    writeFileSync(join(dir, "weights", "group1-shard1of1.bin"), new Uint8Array(a.weightData as ArrayBuffer));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  }));
  return { ref, dir };
}

const predictsAs = (model: keras.Model<keras.SymbolicTensor | keras.SymbolicTensor[]>, ref: tf.LayersModel) => {
  ds.seed(3);
  const x = ds.randn([4, 3]);
  const d = maxDiff((model.predict(x, { verbose: 0 }) as Tensor).dataSync(), (ref.predict(toTf(x)) as tf.Tensor).dataSync());
  assert.ok(d <= 1e-5, `max |diff| ${d}`);
};

describe("keras.loadModel from an http(s) URL", () => {
  it("a TensorFlow.js model.json URL: shards fetched relative to it (a subfolder too), predictions equal TensorFlow.js's", async () => {
    const { ref } = await tfjsFolder("mlp");
    requests.length = 0;
    const model = await keras.loadModel(`${base}/mlp/model.json`);
    predictsAs(model, ref);
    assert.deepEqual(requests, ["/mlp/model.json", "/mlp/weights/group1-shard1of1.bin"], "each file fetched once");
    // A URL ending in "/" means its model.json; tf.loadLayersModel's spelling works too.
    predictsAs(await keras.loadModel(`${base}/mlp/`), ref);
    predictsAs(await keras.loadLayersModel(`${base}/mlp/model.json`), ref);
  });

  it("a body sent without a length (chunked) loads; a .keras archive at a URL loads", async () => {
    const { ref } = await tfjsFolder("chunked");
    lies.set("/chunked/weights/group1-shard1of1.bin", "chunked");
    predictsAs(await keras.loadModel(`${base}/chunked/model.json`), ref);
    const model = await keras.loadModel(`${base}/chunked/model.json`);
    await model.save(join(root, "mlp.keras"));
    predictsAs(await keras.loadModel(`${base}/mlp.keras`), ref);
  });

  it("HTTP errors, unreachable hosts, truncated bodies and bad URLs are FileErrors naming the URL", async () => {
    await tfjsFolder("broken");
    rmSync(join(root, "broken", "weights", "group1-shard1of1.bin"));
    const fileError = (url: string, re: RegExp) => (e: Error) => e instanceof FileError && e.message.includes(url) && re.test(e.message);
    await assert.rejects(keras.loadModel(`${base}/nothing/model.json`), fileError(`${base}/nothing/model.json`, /HTTP 404 Not Found/));
    await assert.rejects(keras.loadModel(`${base}/broken/model.json`), fileError(`${base}/broken/weights/group1-shard1of1.bin`, /HTTP 404/));
    await assert.rejects(keras.loadModel(`${base}/nothing.keras`), fileError(`${base}/nothing.keras`, /HTTP 404/));
    lies.set("/mlp/weights/group1-shard1of1.bin", "short");
    await assert.rejects(keras.loadModel(`${base}/mlp/model.json`), (e: Error) => e instanceof FileError && /cannot be fetched/.test(e.message));
    lies.delete("/mlp/weights/group1-shard1of1.bin");
    // Past the size limit: refused from the declared length, or while streaming when none is sent.
    const shard = `${base}/mlp/weights/group1-shard1of1.bin`, size = statSync(join(root, "mlp/weights/group1-shard1of1.bin")).size;
    await assert.rejects(fetchBytes(shard, size - 1), fileError(shard, new RegExp(`is ${size} bytes, more than the ${size - 1}`)));
    lies.set("/mlp/weights/group1-shard1of1.bin", "chunked");
    await assert.rejects(fetchBytes(shard, size - 1), fileError(shard, new RegExp(`is ${size} bytes, more than the ${size - 1}`)));
    assert.equal((await fetchBytes(shard, size)).byteLength, size);
    lies.delete("/mlp/weights/group1-shard1of1.bin");
    // Port 1 on localhost: nothing listens there.
    await assert.rejects(keras.loadModel("http://127.0.0.1:1/model.json"), fileError("http://127.0.0.1:1/model.json", /cannot be fetched/));
    await assert.rejects(keras.loadModel("http://[bad/model.json"), fileError("http://[bad/model.json", /not a valid URL/));
  });
});

describe("load aliases and TensorFlow.js names", () => {
  it("keras.models.loadModel and keras.saving.loadModel are keras.loadModel; keras.saving.saveModel is model.save", async () => {
    assert.equal(keras.models.loadModel, keras.loadModel);
    assert.equal(keras.saving.loadModel, keras.loadModel);
    const { ref, dir } = await tfjsFolder("alias");
    const model = await keras.saving.loadModel(dir);
    predictsAs(model, ref);
    await keras.saving.saveModel(model, join(root, "alias-saved"));
    predictsAs(await keras.models.loadModel(join(root, "alias-saved")), ref);
  });

  it("keras.loadLayersModel takes TensorFlow.js' file:// paths", async () => {
    const { ref, dir } = await tfjsFolder("file-url");
    predictsAs(await keras.loadLayersModel(`file://${dir}/model.json`), ref);
    await assert.rejects(keras.loadLayersModel("file://"), (e: Error) => e instanceof FileError && /loadLayersModel/.test(e.message));
  });

  it("keras.tidy frees what it made except what it returns (ds.scope); fit takes one callback object as TensorFlow.js does", async () => {
    let inner: Tensor | null = null;
    const [a, b] = keras.tidy(() => {
      inner = ds.ones([2]).mul(3);
      return [inner.add(1), inner.sub(1)];
    });
    assert.deepEqual(Array.from(a.dataSync()), [4, 4]);
    assert.deepEqual(Array.from(b.dataSync()), [2, 2]);
    assert.equal(inner!.isDisposed, true);
    const model = new keras.Sequential([new L.Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: "sgd", loss: "mse" });
    const epochs: number[] = [];
    await model.fit(ds.randn([8, 2]), ds.randn([8, 1]), { epochs: 3, verbose: 0, callbacks: { onEpochEnd: (e) => { epochs.push(e); } } });
    assert.deepEqual(epochs, [0, 1, 2]);
    await assert.rejects(model.fit(ds.randn([8, 2]), ds.randn([8, 1]), { callbacks: [null as never] }), /callbacks\[0\] must be a callback object/);
  });
});
