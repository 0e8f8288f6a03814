// A compiled model's .keras archive carries Keras 3's compile_config, build_config and the
// optimizer's variables (optimizer/vars/<i>: iteration, learning_rate, then the slots), and loading
// it resumes training exactly: fit 2 epochs, save, load, fit 1 more == fit 3 epochs.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import h5wasm from "h5wasm";
import * as ds from "../src/index.js";
import { keras, Tensor } from "../src/index.js";

const L = keras.layers;
let root = "";
before(() => { root = mkdtempSync(join(tmpdir(), "ds-keras-opt-")); });
after(() => rmSync(root, { recursive: true, force: true }));

function data() {
  ds.seed(1);
  const x = ds.randn([48, 4]);
  const y = x.matmul(ds.randn([4, 3])).argmax(1);
  return { x, y };
}

function build(weights?: Tensor[]) {
  keras.backend.clearSession();
  ds.seed(2);
  const model = new keras.Sequential([keras.Input({ shape: [4] }), new L.Dense(6, { activation: "relu" }), new L.BatchNormalization(), new L.Dense(3, { activation: "softmax" })]);
  if (weights) model.setWeights(weights);
  return model;
}

/** The archive's config.json and its model.weights.h5 datasets under optimizer/vars (path → values). */
async function contents(path: string): Promise<{ config: Record<string, unknown>; vars: Map<string, { shape: number[]; values: number[] }> }> {
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const config = JSON.parse(new TextDecoder().decode(files["config.json"]));
  const mod = await h5wasm.ready;
  mod.FS.writeFile("/opt-test.h5", files["model.weights.h5"]);
  const f = new h5wasm.File("/opt-test.h5", "r");
  const vars = new Map<string, { shape: number[]; values: number[] }>();
  try {
    const g = f.get("optimizer/vars") as InstanceType<typeof h5wasm.Group> | null;
    for (const k of g ? g.keys() : []) {
      const d = f.get(`optimizer/vars/${k}`) as InstanceType<typeof h5wasm.Dataset>;
      const v = d.value as unknown;
      vars.set(k, { shape: d.shape ?? [], values: typeof v === "number" || typeof v === "bigint" ? [Number(v)] : Array.from(v as ArrayLike<number | bigint>, Number) });
    }
  } finally {
    f.close();
    mod.FS.unlink("/opt-test.h5");
  }
  return { config, vars };
}

const optimizersUnderTest: [string, () => keras.optimizers.KerasOptimizer | string, number][] = [
  ["adam (by name)", () => "adam", 2],
  ["Adam with amsgrad", () => keras.optimizers.Adam({ learningRate: 0.01, amsgrad: true }), 3],
  ["AdamW", () => keras.optimizers.AdamW({ learningRate: 0.01 }), 2],
  ["SGD with Nesterov momentum", () => keras.optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 1],
  ["RMSprop, centered, with momentum", () => keras.optimizers.RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true }), 3],
  ["Adagrad", () => keras.optimizers.Adagrad({ learningRate: 0.05 }), 1],
];

describe(".keras optimizer state", () => {
  for (const [name, make, slotsPerVar] of optimizersUnderTest) {
    it(`${name}: fit 2 epochs, save, load, fit 1 more equals fit 3 epochs`, async () => {
      const { x, y } = data();
      const init = build().getWeights();
      const fitOpts = { batchSize: 8, seed: 5, verbose: 0 as const };
      const compileOpts = { loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] };

      const straight = build(init);
      straight.compile({ optimizer: make(), ...compileOpts });
      const h3 = await straight.fit(x, y, { ...fitOpts, epochs: 3 });

      const first = build(init);
      first.compile({ optimizer: make(), ...compileOpts });
      await first.fit(x, y, { ...fitOpts, epochs: 2 });
      const file = join(root, `${name.replace(/\W+/g, "_")}.keras`);
      await first.save(file);

      const { config, vars } = await contents(file);
      assert.deepEqual(config.build_config, { input_shape: [null, 4] });
      const cc = config.compile_config as Record<string, unknown>;
      assert.equal(cc.loss, "sparse_categorical_crossentropy");
      assert.deepEqual(cc.metrics, ["accuracy"]);
      assert.equal((cc.optimizer as { module: string }).module, "keras.optimizers");
      // iteration, learning_rate, then the slots of the 6 trainable variables (2 Dense × 2, BatchNormalization's gamma and beta).
      assert.equal(vars.size, 2 + 6 * slotsPerVar);
      assert.deepEqual(vars.get("0")!.values, [12], "iterations: 2 epochs of 6 batches");
      assert.deepEqual(vars.get("2")!.shape, [4, 6], "the first slot is the first Dense kernel's");

      const loaded = await keras.loadModel(file);
      assert.ok(loaded.compiled, "loads compiled");
      const h1 = await loaded.fit(x, y, { ...fitOpts, epochs: 3, initialEpoch: 2 });
      assert.equal(h1.history.loss[0], h3.history.loss[2], "the third epoch's loss");
      loaded.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(straight.getWeights()[i].dataSync()), `weight ${i}`));
    });
  }

  it("SGD's momentum is stored as Keras keeps it (m = momentum·m - lr·g, so after one step m is the step taken)", async () => {
    const { x, y } = data();
    const model = build();
    model.compile({ optimizer: keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: "sparse_categorical_crossentropy" });
    const before = model.getWeights()[0].dataSync().slice();
    await model.fit(x.narrow(0, 0, 8), y.narrow(0, 0, 8), { epochs: 1, batchSize: 8, verbose: 0 });
    const after = model.getWeights()[0].dataSync();
    const file = join(root, "sgd-one-step.keras");
    await model.save(file);
    const { vars } = await contents(file);
    assert.deepEqual(vars.get("0")!.values, [1]);
    assert.ok(Math.abs(vars.get("1")!.values[0] - 0.1) < 1e-7, "learning_rate");
    const m = vars.get("2")!.values;
    m.forEach((v, i) => assert.ok(Math.abs(v - (after[i] - before[i])) <= 1e-6, `[${i}] ${v} vs Δw ${after[i] - before[i]}`));
  });

  it("a model never trained has no optimizer variables; a function loss has no compile_config; both load uncompiled or compiled as Keras would", async () => {
    const model = build();
    model.compile({ optimizer: "adam", loss: "mse" });
    const file = join(root, "untrained.keras");
    await model.save(file);
    const { config, vars } = await contents(file);
    assert.equal(vars.size, 0);
    assert.ok(config.compile_config);
    assert.ok((await keras.loadModel(file)).compiled, "compiled from compile_config");
    model.compile({ optimizer: "adam", loss: (a: Tensor, b: Tensor) => a.sub(b).square().mean(-1) });
    await model.save(file);
    assert.equal((await contents(file)).config.compile_config, undefined);
    assert.equal((await keras.loadModel(file)).compiled, null);
  });
});
