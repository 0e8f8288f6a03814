// io.loadOnnx: models exported by torch.onnx.export (tools/gen_onnx_fixtures.py) give PyTorch's
// outputs at any batch size, train like PyTorch (SGD and Adam fine-tuning equal to PyTorch's), and
// hand-built files outside what deepscript runs are refused with a FileError naming the node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ds from "../src/index.js";
import { messageType } from "../src/io/onnx/proto.js";
import { assertClose } from "./helpers/assert.js";
import { gradcheck } from "./helpers/gradcheck.js";

const { io, nn, optim } = ds;
const FIX = new URL("./fixtures/onnx/", import.meta.url).pathname;
interface T { shape: number[]; data: number[] }
interface Case { file: string; opset: number; input: T; output: T; finetune?: Record<string, unknown> }
const fixtures = JSON.parse(readFileSync(join(FIX, "onnx.json"), "utf8")) as Record<string, Case>;
const tensor = (t: T) => ds.tensor(t.data).reshape(t.shape);
const dir = mkdtempSync(join(tmpdir(), "ds-onnx-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

for (const [name, f] of Object.entries(fixtures)) {
  test(`${name} (opset ${f.opset}): PyTorch's outputs at batch ${f.input.shape[0]} and batch 1 (dynamic batch)`, () => {
    const model = io.loadOnnx(join(FIX, f.file));
    assert.equal(model.opset, f.opset);
    const x = tensor(f.input);
    const y = ds.noGrad(() => model.call(x));
    assert.deepEqual(y.shape, f.output.shape);
    assertClose(y, f.output.data, { atol: 1e-4, rtol: 1e-4, msg: name });
    // One row of the batch: the file's batch dim is symbolic, so any size runs.
    const y1 = ds.noGrad(() => model.call(x.narrow(0, 1, 1)));
    const rowSize = f.output.data.length / f.output.shape[0];
    assertClose(y1, f.output.data.slice(rowSize, 2 * rowSize), { atol: 1e-4, rtol: 1e-4, msg: `${name} batch 1` });
  });
}

test("stateDict keys are the initializer names; weights are trainable, batch-norm statistics are buffers", () => {
  const mlp = io.loadOnnx(join(FIX, "mlp_op17.onnx"));
  assert.deepEqual(Object.keys(mlp.stateDict()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]);
  assert.ok(mlp.parameters().every((p) => p.requiresGrad));
  assert.deepEqual(mlp.stateDict()["fc1.weight"].shape, [16, 6]);
  const cnn = io.loadOnnx(join(FIX, "cnn_misc.onnx"));
  assert.deepEqual(cnn.namedBuffers().map(([k]) => k).sort(), ["bn.running_mean", "bn.running_var"]);
  assert.ok(!cnn.namedParameters().some(([k]) => k.startsWith("bn.running")));
  // A state dict round trip: zeroing a weight changes the output, loading it back restores it.
  const f = fixtures.mlp_op17;
  const saved = Object.fromEntries(Object.entries(mlp.stateDict()).map(([k, t]) => [k, t.clone()]));
  ds.noGrad(() => mlp.stateDict()["fc3.bias"].copy_(ds.zeros([3])));
  assert.ok(Math.abs(ds.noGrad(() => mlp.call(tensor(f.input))).sum().item() - f.output.data.reduce((p, v) => p + v, 0)) > 1e-3);
  mlp.loadStateDict(saved);
  assertClose(ds.noGrad(() => mlp.call(tensor(f.input))), f.output.data, { atol: 1e-4, rtol: 1e-4 });
  assert.match(mlp.toString(), /OnnxModule\(opset=17, inputs=\[input\], outputs=\[output\], nodes=5 \(Gemm×3 Relu×1 Tanh×1\)\)/);
});

test("fine-tuning the loaded MLP with SGD (momentum) equals PyTorch's, step by step", () => {
  const f = fixtures.mlp_op17;
  const ft = f.finetune as { lr: number; momentum: number; target: T; losses: number[]; params: Record<string, T> };
  const model = io.loadOnnx(join(FIX, f.file));
  const opt = new optim.SGD(model.parameters(), { lr: ft.lr, momentum: ft.momentum });
  const x = tensor(f.input), target = tensor(ft.target);
  const losses: number[] = [];
  for (let i = 0; i < ft.losses.length; i++) {
    opt.zeroGrad();
    const loss = nn.functional.mseLoss(model.call(x), target);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assertClose(losses, ft.losses, { atol: 1e-5, rtol: 1e-4 });
  for (const [k, v] of Object.entries(ft.params)) assertClose(model.stateDict()[k], v.data, { atol: 1e-4, rtol: 1e-4, msg: k });
});

// W3 (Adam, cross-entropy), the LSTM (SGD, cross-entropy) and the transformer (Adam, MSE): PyTorch's
// losses and the outputs after the steps.
for (const name of ["w3", "lstm", "transformer_op17"]) {
  test(`fine-tuning the loaded ${name} with ${(fixtures[name].finetune as { optimizer: string }).optimizer} equals PyTorch's`, () => {
    const f = fixtures[name];
    const ft = f.finetune as { optimizer: string; lr: number; loss: string; labels?: number[]; target?: T; losses: number[]; output_after: T };
    const model = io.loadOnnx(join(FIX, f.file));
    const opt = ft.optimizer === "Adam" ? new optim.Adam(model.parameters(), { lr: ft.lr }) : new optim.SGD(model.parameters(), { lr: ft.lr });
    const x = tensor(f.input);
    const lossOf = (y: ds.Tensor) => (ft.loss === "mse" ? nn.functional.mseLoss(y, tensor(ft.target!)) : nn.functional.crossEntropy(y, ds.tensor(ft.labels!, { dtype: "int32" })));
    const losses: number[] = [];
    for (let i = 0; i < ft.losses.length; i++) {
      opt.zeroGrad();
      const loss = lossOf(model.call(x));
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    assertClose(losses, ft.losses, { atol: 1e-5, rtol: 1e-4 });
    assertClose(ds.noGrad(() => model.call(x)), ft.output_after.data, { atol: 1e-4, rtol: 1e-4 });
  });
}

test("a fine-tuning loop on a loaded transformer, written without scopes, keeps memory flat (600 steps)", () => {
  const f = fixtures.transformer_op17;
  const model = io.loadOnnx(join(FIX, f.file));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = tensor(f.input), target = ds.zeros([3, 3]);
  let at100: ds.MemoryInfo | null = null, first = 0, last = 0;
  for (let step = 1; step <= 600; step++) {
    opt.zeroGrad();
    const loss = nn.functional.mseLoss(model.call(x), target);
    loss.backward();
    opt.step();
    if (step === 1) first = loss.item();
    if (step === 100) at100 = ds.memory();
    if (step === 600) last = loss.item();
  }
  const end = ds.memory();
  assert.ok(Math.abs(end.bytes - at100!.bytes) <= 0.05 * at100!.bytes, `device bytes ${at100!.bytes} after step 100, ${end.bytes} at the end`);
  assert.ok(last < first / 2, `the loop learns: loss ${first} → ${last}`);
});

test("gradients through loaded graphs match finite differences (float64): MLP, LSTM, GRU/RNN, transformer", () => {
  for (const [name, shape] of [["mlp_op13", [2, 6]], ["lstm", [1, 7, 4]], ["gru", [1, 6, 4]], ["transformer_op13", [1, 6, 5]]] as const) {
    const model = io.loadOnnx(join(FIX, fixtures[name].file)).to("float64");
    ds.seed(3);
    const x = ds.randn([...shape], { dtype: "float64" });
    // to("float64") makes the model take float64 inputs for the file's FLOAT ones.
    gradcheck((xx) => model.run({ input: xx }).output.square().sum(), [x], { name, atol: 1e-5, rtol: 1e-4 });
  }
});

test("loads from bytes, a Blob and a file: URL", async () => {
  const bytes = readFileSync(join(FIX, "mlp_op17.onnx"));
  const f = fixtures.mlp_op17;
  for (const src of [new Uint8Array(bytes), await Promise.resolve(new Blob([bytes])), new URL(`file://${join(FIX, "mlp_op17.onnx")}`)]) {
    const model = await io.loadOnnx(src as Blob);
    assertClose(ds.noGrad(() => model.call(tensor(f.input))), f.output.data, { atol: 1e-4, rtol: 1e-4 });
  }
});

// ---- hand-built files ------------------------------------------------------------------------

interface NodeSpec { op: string; inputs: string[]; outputs: string[]; name?: string; attrs?: Record<string, unknown>[] }
function model(opts: { opset?: number; nodes: NodeSpec[]; inits?: Record<string, unknown>[]; input?: number[]; output?: string; alsoInputs?: string[] }): Uint8Array {
  const M = messageType("ModelProto");
  const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const msg = M.fromObject({
    irVersion: 8, opsetImport: [{ domain: "", version: opts.opset ?? 17 }], producerName: "test",
    graph: {
      name: "g",
      node: opts.nodes.map((n, i) => ({ name: n.name ?? `n${i}`, opType: n.op, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [] })),
      initializer: opts.inits ?? [],
      input: [vi("x", opts.input ?? [2, 3]), ...(opts.alsoInputs ?? []).map((n) => vi(n, [3]))],
      output: [vi(opts.output ?? "y", [])],
    },
  });
  return M.encode(msg).finish();
}
const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

function refused(bytes: Uint8Array, reason: RegExp): ds.FileError {
  let caught: unknown;
  try {
    io.loadOnnx(bytes);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ds.FileError, `expected FileError, got ${String(caught)}`);
  assert.match(caught.message, reason);
  return caught;
}

test("a hand-built graph runs; the input and the reduction-axes forms of opsets 13 and 18 agree", () => {
  const w = { name: "w", dims: [3], dataType: 1, rawData: f32([1, 2, 3]) };
  const axes = { name: "axes", dims: [1], dataType: 7, int64Data: [1] };
  const at13 = model({ opset: 13, inits: [w], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["m"] }, { op: "ReduceMean", inputs: ["m"], outputs: ["y"], attrs: [{ name: "axes", type: 7, ints: [1] }, { name: "keepdims", type: 2, i: 0 }] }] });
  const at18 = model({ opset: 18, inits: [w, axes], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["m"] }, { op: "ReduceMean", inputs: ["m", "axes"], outputs: ["y"], attrs: [{ name: "keepdims", type: 2, i: 0 }] }] });
  const x = ds.tensor([[1, 1, 1], [0, 1, -1]]);
  for (const bytes of [at13, at18]) assertClose(ds.noGrad(() => io.loadOnnx(bytes).call(x)), [2, -1 / 3]);
  // Initializers also listed as graph inputs (keep_initializers_as_inputs) are initializers, not inputs.
  const listed = io.loadOnnx(model({ opset: 13, inits: [w], alsoInputs: ["w"], nodes: [{ op: "Mul", inputs: ["x", "w"], outputs: ["y"] }] }));
  assert.deepEqual(listed.inputNames, ["x"]);
  assertClose(ds.noGrad(() => listed.call(x)), [1, 2, 3, 0, 2, -3]);
  // The weight is learned, the int64 axes a buffer.
  assert.deepEqual(io.loadOnnx(at18).namedParameters().map(([k]) => k), ["w"]);
  assert.deepEqual(io.loadOnnx(at18).namedBuffers().map(([k]) => k), ["axes"]);
});

test("an Identity of an initializer (PyTorch's export of equal parameters) becomes a parameter of its own, trained alone", () => {
  const w = { name: "a.bias", dims: [3], dataType: 1, rawData: f32([0, 0, 0]) };
  const bytes = model({ inits: [w], nodes: [
    { op: "Identity", inputs: ["a.bias"], outputs: ["b.bias"] },
    { op: "Add", inputs: ["x", "a.bias"], outputs: ["h"] }, { op: "Mul", inputs: ["h", "b.bias"], outputs: ["y"] },
  ] });
  const m = io.loadOnnx(bytes);
  assert.deepEqual(m.namedParameters().map(([k]) => k), ["a.bias", "b.bias"]);
  const x = ds.tensor([[1, 2, 3], [4, 5, 6]]);
  m.call(x).sum().backward();
  const [a, b] = m.parameters();
  assertClose(a.grad!, [0, 0, 0]); // d/da of (x + a)·b at b = 0
  assertClose(b.grad!, [5, 7, 9]); // d/db = column sums of x + a
});

test("unsupported operators, attributes, values and opsets are FileErrors naming the node, op type and opset", () => {
  refused(model({ nodes: [{ op: "NonMaxSuppression", name: "nms", inputs: ["x"], outputs: ["y"] }] }), /node "nms" \(NonMaxSuppression, opset 17\): operator NonMaxSuppression is not supported/);
  refused(model({ nodes: [{ op: "Relu", name: "r", inputs: ["x"], outputs: ["y"], attrs: [{ name: "bogus", type: 2, i: 1 }] }] }), /node "r" \(Relu, opset 17\): attribute "bogus" is not supported/);
  refused(model({ nodes: [{ op: "Pad", name: "p", inputs: ["x"], outputs: ["y"], attrs: [{ name: "mode", type: 3, s: new TextEncoder().encode("reflect") }] }] }), /node "p" \(Pad, opset 17\): mode "reflect"/);
  // A string attribute with its bytes missing reads as "" (protobufjs leaves unset bytes as []).
  refused(model({ nodes: [{ op: "Pad", name: "p", inputs: ["x"], outputs: ["y"], attrs: [{ name: "mode", type: 3 }] }] }), /node "p" \(Pad, opset 17\): mode ""/);
  refused(model({ opset: 12, nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }), /opset 12; deepscript reads opsets 13 to 21/);
  refused(model({ opset: 22, nodes: [{ op: "Relu", inputs: ["x"], outputs: ["y"] }] }), /opset 22/);
  refused(model({ nodes: [{ op: "Relu", name: "r", inputs: ["nowhere"], outputs: ["y"] }] }), /node "r" \(Relu, opset 17\) reads "nowhere", which no earlier node/);
  refused(model({ nodes: [{ op: "Relu", inputs: ["x"], outputs: ["z"] }] }), /graph output "y" is not computed/);
  refused(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), /is not an ONNX model/);
});

test("tensors are checked against their data before anything is allocated; external data stays beside the file", () => {
  const relu = [{ op: "Add", inputs: ["x", "w"], outputs: ["y"] }];
  refused(model({ inits: [{ name: "w", dims: [3], dataType: 1, rawData: f32([1, 2]) }], nodes: relu }), /initializer "w" declares shape \[3\] of FLOAT \(12 bytes\) but holds 8 bytes/);
  refused(model({ inits: [{ name: "w", dims: [4096, 4096, 4096], dataType: 1, rawData: f32([1]) }], nodes: relu }), /more than 2147483647 elements/);
  refused(model({ inits: [{ name: "w", dims: [-3], dataType: 1, floatData: [] }], nodes: relu }), /invalid dimension -3/);
  refused(model({ inits: [{ name: "w", dims: [2], dataType: 8, stringData: [] }], nodes: relu }), /element type STRING/);
  const ext = (location: string) => model({ inits: [{ name: "w", dims: [3], dataType: 1, dataLocation: 1, externalData: [{ key: "location", value: location }] }], nodes: relu });
  refused(ext("w.bin"), /stored in the external file "w.bin", which cannot be found from bytes/);
  // From a path: found beside the file; ".." and absolute paths are refused.
  writeFileSync(join(dir, "w.bin"), f32([10, 20, 30]));
  writeFileSync(join(dir, "ext.onnx"), ext("w.bin"));
  assertClose(ds.noGrad(() => io.loadOnnx(join(dir, "ext.onnx")).call(ds.zeros([2, 3]))), [10, 20, 30, 10, 20, 30]);
  for (const bad of ["../w.bin", "/etc/passwd", "sub/../../w.bin"]) {
    writeFileSync(join(dir, "bad.onnx"), ext(bad));
    assert.throws(() => io.loadOnnx(join(dir, "bad.onnx")), (e: unknown) => e instanceof ds.FileError && /outside the model's folder/.test(e.message));
  }
});

test("inputs are checked against the graph's declared shape and dtype", () => {
  // A Resize to a size whose interpolation matrices cannot exist is an error naming the node, before allocating.
  const sizes = { name: "sz", dims: [4], dataType: 7, int64Data: [1, 1, 2 ** 30, 4] };
  const huge = io.loadOnnx(model({ input: [1, 1, 4, 4], inits: [sizes], nodes: [{ op: "Resize", name: "rs", inputs: ["x", "", "", "sz"], outputs: ["y"], attrs: [{ name: "mode", type: 3, s: new TextEncoder().encode("linear") }] }] }));
  assert.throws(() => huge.call(ds.zeros([1, 1, 4, 4])), (e: unknown) => e instanceof ds.ArgumentError && /onnx Resize node "rs": cannot resize \[1,1,4,4\] to 1073741824×4/.test(e.message));

  const model1 = io.loadOnnx(join(FIX, "mlp_op17.onnx"));
  assert.throws(() => model1.call(ds.zeros([2, 5])), (e: unknown) => e instanceof ds.ShapeError && /input "input" must have shape \[batch,6\], got \[2,5\]/.test(e.message));
  assert.throws(() => model1.call(ds.zeros([2, 6], { dtype: "float64" })), ds.DTypeError);
  assert.throws(() => model1.call(), (e: unknown) => e instanceof ds.ArgumentError && /takes 1 input \(input\), got 0/.test(e.message));
});
