// io.saveOnnx: deepscript models written as ONNX (opset 17, dynamic batch) run in ONNX Runtime
// (onnxruntime-web's wasm backend, in Node) with our outputs, at a batch size other than the
// example's, and load back with io.loadOnnx to the same outputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import * as ds from "../src/index.js";
import { assertClose } from "./helpers/assert.js";

const { io, nn } = ds;
ort.env.wasm.numThreads = 1;
const dir = mkdtempSync(join(tmpdir(), "ds-onnx-export-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

type AnyModule = ds.nn.Module<never[], unknown>;
const first = (v: unknown): ds.Tensor => (Array.isArray(v) ? first(v[0]) : (v as ds.Tensor));

/** Exports `model` on `example`, then runs ONNX Runtime and io.loadOnnx on `x` against the model's own output. */
async function roundTrip(model: AnyModule, example: ds.Tensor, x: ds.Tensor, tol = 1e-4): Promise<Uint8Array> {
  const bytes = new Uint8Array(await (io.saveOnnx(model, example) as Blob).arrayBuffer());
  model.eval();
  const ours = ds.noGrad(() => first((model as unknown as { call(t: ds.Tensor): unknown }).call(x)));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
  const feeds = { [session.inputNames[0]]: new ort.Tensor(x.dtype === "int32" ? "int32" : "float32", x.dataSync() as Float32Array, x.shape) };
  const out = (await session.run(feeds))[session.outputNames[0]];
  assert.deepEqual([...out.dims], ours.shape);
  assertClose(ours, Array.from(out.data as Float32Array), { atol: tol, rtol: tol, msg: "onnxruntime" });
  const back = io.loadOnnx(bytes);
  assertClose(ds.noGrad(() => back.call(x)), Array.from(ours.dataSync()), { atol: tol, rtol: tol, msg: "loadOnnx" });
  return bytes;
}

test("MLP (Linear, ReLU, Tanh, Dropout, Softmax) in ONNX Runtime at another batch size; stateDict names kept", async () => {
  ds.seed(1);
  const model = new nn.Sequential(new nn.Linear(6, 8), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(8, 8), new nn.Tanh(), new nn.Linear(8, 3), new nn.Softmax(-1));
  const bytes = await roundTrip(model, ds.randn([2, 6]), ds.randn([5, 6]));
  const back = io.loadOnnx(bytes);
  assert.deepEqual(Object.keys(back.stateDict()), Object.keys(model.stateDict()));
  assert.equal(model.training, false); // roundTrip set eval; export itself restores the mode
});

test("export restores the model's training mode", () => {
  const model = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(0.5));
  model.train();
  io.saveOnnx(model, ds.zeros([1, 2]));
  assert.equal(model.training, true);
});

test("CNN (Conv2d same/explicit padding, BatchNorm2d, MaxPool2d, AvgPool2d, GELU, LeakyReLU, Flatten, LogSoftmax)", async () => {
  ds.seed(2);
  const bn = new nn.BatchNorm2d(4);
  ds.noGrad(() => { bn.runningMean!.copy_(ds.randn([4]).mul(0.3)); bn.runningVar!.copy_(ds.rand([4]).add(0.5)); });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), bn, new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { padding: "same", dilation: 2 }), new nn.GELU(), new nn.AvgPool2d(2, { stride: 2 }),
    new nn.Conv2d(6, 6, 1, { groups: 2 }), new nn.LeakyReLU(0.2), new nn.AdaptiveAvgPool2d(2),
    new nn.Flatten(), new nn.Linear(24, 5), new nn.LogSoftmax(-1),
  );
  await roundTrip(model, ds.randn([2, 1, 16, 16]), ds.randn([3, 1, 16, 16]));
});

test("decoder (Linear, Unflatten, ConvTranspose2d, Upsample nearest by factor, bilinear by size and with align corners)", async () => {
  ds.seed(6);
  const model = new nn.Sequential(
    new nn.Linear(5, 4 * 3 * 3), new nn.ReLU(), new nn.Unflatten(1, [4, 3, 3]),
    new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.ELU(), new nn.Upsample({ scaleFactor: 2 }),
    new nn.Conv2d(6, 3, 3, { padding: 1 }), new nn.Upsample({ size: [17, 15], mode: "bilinear" }),
    new nn.ConvTranspose2d(3, 2, 2, { dilation: 2 }), new nn.Upsample({ scaleFactor: [2, 3], mode: "bilinear", alignCorners: true }), new nn.Sigmoid(),
  );
  await roundTrip(model, ds.randn([2, 5]), ds.randn([3, 5]));
});

test("LSTM (2 layers, batch first) and a head in a custom module; bidirectional GRU; RNN relu", async () => {
  ds.seed(3);
  class Tagger extends nn.Module<[ds.Tensor], ds.Tensor> {
    lstm = new nn.LSTM(4, 6, { numLayers: 2, batchFirst: true });
    fc = new nn.Linear(6, 2);
    forward(x: ds.Tensor): ds.Tensor {
      const [y] = this.lstm.call(x);
      return this.fc.call(y);
    }
  }
  await roundTrip(new Tagger() as unknown as AnyModule, ds.randn([2, 5, 4]), ds.randn([3, 5, 4]));
  await roundTrip(new nn.GRU(4, 6, { bidirectional: true }) as unknown as AnyModule, ds.randn([5, 2, 4]), ds.randn([5, 3, 4]));
  await roundTrip(new nn.RNN(4, 5, { nonlinearity: "relu", batchFirst: true, numLayers: 2 }) as unknown as AnyModule, ds.randn([2, 3, 4]), ds.randn([4, 3, 4]));
});

test("TransformerEncoder (batch first, GELU) and a sequence-first norm-first encoder layer", async () => {
  ds.seed(4);
  const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true, activation: "gelu" }), 2);
  await roundTrip(enc as unknown as AnyModule, ds.randn([2, 5, 8]), ds.randn([3, 5, 8]));
  const layer = new nn.TransformerEncoderLayer(8, 4, { dimFeedforward: 16, normFirst: true });
  await roundTrip(layer as unknown as AnyModule, ds.randn([5, 2, 8]), ds.randn([5, 3, 8]));
});

test("Embedding + PositionalEncoding + LayerNorm + Linear on int32 token ids", async () => {
  ds.seed(5);
  const model = new nn.Sequential(new nn.Embedding(10, 6), new nn.PositionalEncoding(6, { batchFirst: true }), new nn.LayerNorm(6), new nn.Linear(6, 3), new nn.Sigmoid());
  await roundTrip(model, ds.tensor([[1, 2, 3], [4, 5, 6]], { dtype: "int32" }), ds.tensor([[9, 0, 1], [2, 2, 2], [7, 8, 3]], { dtype: "int32" }));
});

test("saves to a path atomically; tensor ops outside layers are refused, naming the layer", () => {
  const model = new nn.Sequential(new nn.Linear(3, 2));
  const path = join(dir, "m.onnx");
  assert.equal(io.saveOnnx(model, ds.zeros([1, 3]), path), path);
  assert.deepEqual(Object.keys(io.loadOnnx(readFileSync(path)).stateDict()), ["0.weight", "0.bias"]);
  class Residual extends nn.Module<[ds.Tensor], ds.Tensor> {
    a = new nn.Linear(3, 3);
    b = new nn.Linear(3, 3);
    forward(x: ds.Tensor): ds.Tensor {
      return this.b.call(this.a.call(x).add(x));
    }
  }
  assert.throws(() => io.saveOnnx(new Residual() as unknown as AnyModule, ds.zeros([1, 3])),
    (e: unknown) => e instanceof ds.ArgumentError && /b \(Linear\) reads a tensor computed outside nn layers/.test(e.message));
  // The failed export left the model callable as before (the tracer's wrappers are gone).
  assert.deepEqual(new Residual().call(ds.zeros([2, 3])).shape, [2, 3]);
  const lstm = new nn.LSTM(2, 3);
  class WithState extends nn.Module<[ds.Tensor], ds.Tensor> {
    l = lstm;
    forward(x: ds.Tensor): ds.Tensor { return this.l.call(x, [ds.zeros([1, 1, 3]), ds.zeros([1, 1, 3])])[0]; }
  }
  assert.throws(() => io.saveOnnx(new WithState() as unknown as AnyModule, ds.zeros([4, 1, 2])), /extra arguments/);
});

test("a model read by io.loadOnnx and fine-tuned is written back (same graph and opset, new weights) and runs in ONNX Runtime", async () => {
  const FIX = new URL("./fixtures/onnx/", import.meta.url).pathname;
  const fixtures = JSON.parse(readFileSync(join(FIX, "onnx.json"), "utf8")) as Record<string, { file: string; input: { shape: number[]; data: number[] } }>;
  for (const name of ["transformer_op17", "transformer_op21", "lstm", "cnn_misc", "decoder"]) {
    const f = fixtures[name];
    const model = io.loadOnnx(join(FIX, f.file));
    const x = ds.tensor(f.input.data).reshape(f.input.shape);
    const opt = new ds.optim.SGD(model.parameters(), { lr: 0.1 });
    const before = ds.noGrad(() => model.call(x)).clone();
    opt.zeroGrad();
    model.call(x).square().mean().backward();
    opt.step();
    const bytes = await roundTrip(model as unknown as AnyModule, x, x.narrow(0, 0, 1));
    assert.ok(ds.noGrad(() => model.call(x)).sub(before).abs().max().item() > 1e-4, `${name}: the step changed the outputs`);
    assert.equal(io.loadOnnx(bytes).opset, model.opset);
    assert.deepEqual(Object.keys(io.loadOnnx(bytes).stateDict()), Object.keys(model.stateDict()));
  }
});
