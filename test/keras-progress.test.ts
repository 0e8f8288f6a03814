// What keras fit/evaluate/predict print: fit's lines and bar use History's names (val_loss,
// val_accuracy), evaluate and predict print one line unless verbose is 0, as Keras.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as ds from "../src/index.js";
import { keras, ArgumentError } from "../src/index.js";
import { fitProgress } from "../src/keras/progress.js";

const L = keras.layers;

/** Runs fn with process.stdout.write captured; returns what was written. */
async function captured(fn: () => unknown): Promise<string> {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((s: string | Uint8Array) => { out += typeof s === "string" ? s : new TextDecoder().decode(s); return true; }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** A terminal-like stream for cli-progress (bar mode), recording what it is given. */
function fakeTerminal(): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY: true, columns: 200, text: "",
    write(t: string) { s.text += t; return true; },
    cursorTo() { return true; }, moveCursor() { return true; }, clearLine() { return true; }, clearScreenDown() { return true; },
    on() { return s; }, removeListener() { return s; },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

function classifier() {
  ds.seed(5);
  const x = ds.randn([40, 4]), y = x.narrow(1, 0, 1).gt(0).reshape([40]).int();
  const model = new keras.Sequential([new L.Dense(8, { activation: "relu", inputShape: [4] }), new L.Dense(2, { activation: "softmax" })]);
  model.compile({ optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
  return { model, x, y };
}

const printed = (line: string) => Object.fromEntries([...line.matchAll(/([a-z_]+) (-?\d+\.\d+(?:e[-+]\d+)?)/g)].map((m) => [m[1], Number(m[2])]));

describe("keras progress output", () => {
  it("fit's per-epoch lines name validation values val_loss and val_accuracy, with History's values", async () => {
    const { model, x, y } = classifier();
    let h: keras.History | undefined;
    const out = await captured(async () => { h = await model.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.25, verbose: 2 }); });
    const lines = out.trim().split("\n");
    assert.equal(lines.length, 3, out);
    assert.doesNotMatch(out, /valLoss|valAccuracy/);
    lines.forEach((line, e) => {
      assert.match(line, new RegExp(`^epoch ${e + 1}/3 - `));
      const values = printed(line);
      assert.deepEqual(Object.keys(values), Object.keys(h!.history));
      assert.deepEqual(Object.keys(values), ["loss", "accuracy", "val_loss", "val_accuracy"]);
      for (const [k, v] of Object.entries(values)) assert.ok(Math.abs(v - h!.history[k][e]) <= 5e-5, `${k}: printed ${v}, History ${h!.history[k][e]}`);
    });
    assert.equal(await captured(() => model.fit(x, y, { epochs: 2, verbose: 0 })), "");
  });

  it("the bar (verbose 1 on a terminal) shows Keras' names per batch and at the epoch's end", () => {
    const term = fakeTerminal();
    const rename = (logs: Record<string, number>) => Object.fromEntries(Object.entries(logs).map(([k, v]) => [k === "valLoss" ? "val_loss" : k, v]));
    const p = fitProgress(1, 1, 2, rename, term);
    const ctx = {} as never;
    p.callback.onEpochBegin!(0, ctx);
    p.callback.onBatchEnd!(0, { loss: 0.5 }, ctx);
    p.callback.onEpochEnd!(0, { loss: 0.25, valLoss: 0.125 }, ctx);
    p.stop();
    assert.match(term.text, /loss 0\.5000/);
    assert.match(term.text, /epoch 1\/1 - \d+\.\ds - loss 0\.2500 - val_loss 0\.1250\n/);
    assert.doesNotMatch(term.text, /valLoss/);
  });

  it("evaluate prints one line (steps, time, loss, metrics) unless verbose is 0; its values are what it returns", async () => {
    const { model, x, y } = classifier();
    let r: number[] = [];
    const out = await captured(() => { r = model.evaluate(x, y, { batchSize: 16 }) as number[]; });
    assert.match(out, /^3\/3 - \d+\.\ds [\d.]+ms\/step - loss \d\.\d{4} - accuracy \d\.\d{4}\n$/);
    const v = printed(out);
    assert.ok(Math.abs(v.loss - r[0]) <= 5e-5 && Math.abs(v.accuracy - r[1]) <= 5e-5, `${out} vs ${r}`);
    assert.equal(await captured(() => model.evaluate(x, y, { verbose: 0 })), "");
    assert.equal((await captured(() => model.evaluate(x, y, { verbose: 2 }))).split("\n").length, 2);
  });

  it("predict prints one line of steps and time unless verbose is 0; predictOnBatch and calls print nothing", async () => {
    const { model, x } = classifier();
    assert.match(await captured(() => model.predict(x)), /^2\/2 - \d+\.\ds [\d.]+ms\/step\n$/);
    assert.equal(await captured(() => model.predict(x, { verbose: 0 })), "");
    assert.equal(await captured(() => model.predictOnBatch(x)), "");
  });

  it("a verbose that is not 0, 1, 2 or \"auto\" is an ArgumentError naming the op", async () => {
    const { model, x, y } = classifier();
    assert.throws(() => model.evaluate(x, y, { verbose: 3 as never }), (e: Error) => e instanceof ArgumentError && /evaluate/.test(e.message) && /got 3/.test(e.message));
    assert.throws(() => model.predict(x, { verbose: "loud" as never }), (e: Error) => e instanceof ArgumentError && /predict/.test(e.message));
    await assert.rejects(model.fit(x, y, { verbose: true as never }), (e: Error) => e instanceof ArgumentError && /fit/.test(e.message));
  });
});
